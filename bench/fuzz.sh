#!/usr/bin/env bash
# A longer run of the suite's fuzz tests (tests/Tollgate.Tests/Fuzz): mutated bodies against every inference endpoint
# and every admin API route with a body, on a real gateway with the upstream emulator behind it (issue 20).
#
#   bench/fuzz.sh                     # 5,000 tries per inference endpoint (and per admin route), a random seed
#   bench/fuzz.sh --tries 20000 --seed 42
#   bench/fuzz.sh --only inference    # or: admin
#
# The seed is printed first; the same seed and tries repeat a run exactly. Each finding prints the endpoint, the try,
# what was wrong with the answer and the body that caused it (non-ASCII bytes as \xNN). Exit status 0 = no finding.
set -euo pipefail

TRIES=5000
SEED="$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')"
ONLY=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --tries) TRIES="$2"; shift 2 ;;
    --seed) SEED="$2"; shift 2 ;;
    --only) ONLY="$2"; shift 2 ;;
    *) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
[[ "$TRIES" =~ ^[0-9]+$ && "$SEED" =~ ^[0-9]+$ ]] || { echo "fuzz.sh: --tries and --seed take whole numbers" >&2; exit 2; }
case "$ONLY" in
  "") FILTER="FullyQualifiedName~Tollgate.Tests.Fuzz" ;;
  inference) FILTER="FullyQualifiedName~Tollgate.Tests.Fuzz.InferenceFuzzTests" ;;
  admin) FILTER="FullyQualifiedName~Tollgate.Tests.Fuzz.AdminFuzzTests" ;;
  *) echo "fuzz.sh: --only takes inference or admin" >&2; exit 2 ;;
esac

REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
echo "fuzz.sh: seed $SEED, $TRIES tries per target ($FILTER)"
# The tests read these; the per-target summary lines (tries, failures, statuses seen) come from the test output.
export TOLLGATE_FUZZ_TRIES="$TRIES" TOLLGATE_FUZZ_SEED="$SEED"
exec "$REPO_DIR/scripts/test.sh" "$FILTER" --logger "console;verbosity=normal"
