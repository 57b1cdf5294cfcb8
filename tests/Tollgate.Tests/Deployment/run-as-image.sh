#!/usr/bin/env bash
# run-as-image.sh UID GID WRITABLE_DIR... -- COMMAND...
# Runs COMMAND the way a container with a read-only root file system runs it: in a private mount namespace where every
# mount is read-only except the WRITABLE_DIRs (the image's volumes), as UID:GID with no capabilities. Needs root and
# unshare (util-linux); the tests call it as `unshare --mount --propagation private -- bash run-as-image.sh ...`.
set -euo pipefail
uid="$1" gid="$2"
shift 2
writable=()
while (($# > 0)) && [[ "$1" != "--" ]]; do
  writable+=("$1")
  shift
done
shift

# The mount points as they are now, before the writable binds below exist (mountinfo escapes spaces as \040).
mapfile -t mounts < <(awk '{ print $5 }' /proc/self/mountinfo)
for dir in "${writable[@]}"; do
  mount --bind "$dir" "$dir"
done
mount -o remount,bind,ro /
for point in "${mounts[@]}"; do
  point="$(printf '%b' "$point")"
  case "$point" in
    / | /proc | /proc/* | /sys | /sys/* | /dev | /dev/pts | /dev/pts/*) continue ;;
  esac
  # Some mounts (already read-only, or locked by the sandbox) refuse a remount; the test checks what stays writable.
  mount -o remount,bind,ro "$point" 2>/dev/null || true
done

exec setpriv --reuid="$uid" --regid="$gid" --clear-groups --inh-caps=-all --bounding-set=-all --no-new-privs -- "$@"
