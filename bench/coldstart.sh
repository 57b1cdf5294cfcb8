#!/usr/bin/env bash
# Cold start (issue 20): a fresh Tollgate process under load from the moment it is ready, CPU per request in 2 s
# windows, for each build/runtime variant, fresh processes taking turns. The goal: the first window within 1.5x of steady
# state (the median of the last three windows of the same process).
#
#   bench/coldstart.sh                                  # all variants, 3 rounds, 10 windows of 2 s, 16 connections
#   bench/coldstart.sh --rounds 5 --variants "jit r2r"
#
# Variants (one ReadyToRun publish serves all; DOTNET_ReadyToRun=0 makes the runtime ignore the precompiled code):
#   jit       JIT only, as a plain `dotnet publish` without ReadyToRun runs
#   r2r       ReadyToRun (the default publish since issue 20)
#   r2r-nopgo ReadyToRun, DOTNET_TieredPGO=0 (no instrumented tier: less JIT work while warming, no PGO later)
#   r2r-nodelay        ReadyToRun, DOTNET_TC_CallCountingDelayMs=0 (hot methods tier up at once, not after 100 ms of quiet)
#   r2r-nopgo-nodelay  both
#   r2r-notiering      DOTNET_TieredCompilation=0 (precompiled code kept, the rest JIT-optimised once; no tier-up, no PGO)
# The upstream is an nginx mock answering the bench's 1.4 KB chat completion, as in bench/run.sh.
# Writes bench/results/<YYYY-MM-DD>-coldstart.md.
set -euo pipefail

ROUNDS=3
WINDOWS=10
CONNECTIONS=16
VARIANTS="jit r2r r2r-nopgo"
WRITE_RESULTS=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rounds) ROUNDS="$2"; shift 2 ;;
    --windows) WINDOWS="$2"; shift 2 ;;
    --connections) CONNECTIONS="$2"; shift 2 ;;
    --variants) VARIANTS="$2"; shift 2 ;;
    --no-write) WRITE_RESULTS=0; shift ;;
    *) echo "coldstart.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(dirname "$BENCH_DIR")"
log() { printf '[bench coldstart %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
STARTED_PIDS=()
WORK="$(mktemp -d /tmp/tollgate-bench-coldstart.XXXXXX)"
cleanup() {
  local rc=$? pid
  trap - EXIT
  for pid in "${STARTED_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  sleep 0.5
  for pid in "${STARTED_PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  ((rc == 0)) && rm -rf "$WORK" || log "work directory kept: $WORK"
  exit "$rc"
}
trap cleanup EXIT
mkdir -p "$WORK/mock/tmp" "$WORK/logs"

read -r MOCK_PORT TG_PORT < <(python3 -c '
import socket
socks = [socket.socket() for _ in range(2)]
for s in socks: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))')

publish() { # project outdir name [msbuild args...]
  local project="$1" out="$2" name="$3"; shift 3
  log "publishing $name (Release)"
  dotnet publish "$project" -c Release --nologo -v quiet --artifacts-path "$WORK/artifacts-$name" -o "$out" "$@" >"$WORK/logs/publish-$name.log" 2>&1 \
    || { tail -n 20 "$WORK/logs/publish-$name.log" >&2; exit 1; }
}
publish "$REPO_DIR/src/Tollgate" "$WORK/tollgate" Tollgate
publish "$BENCH_DIR/tools" "$WORK/tools" Tools
grep -q "PublishReadyToRun" "$REPO_DIR/src/Tollgate/Tollgate.csproj" || log "note: the project does not set PublishReadyToRun; r2r variants equal jit"

CHAT_JSON="$(python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1])), separators=(",", ":")))' "$BENCH_DIR/mock/chat.json")"
cat >"$WORK/mock/nginx.conf" <<EOF
worker_processes 1;
pid $WORK/mock/nginx.pid;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  client_body_temp_path $WORK/mock/tmp;
  server {
    listen 127.0.0.1:$MOCK_PORT backlog=4096;
    location = /v1/chat/completions { default_type application/json; return 200 '$CHAT_JSON'; }
  }
}
EOF
nginx -p "$WORK/mock" -e "$WORK/mock/error.log" -c "$WORK/mock/nginx.conf" -g 'daemon off;' >"$WORK/logs/nginx.log" 2>&1 &
STARTED_PIDS+=("$!")
cat >"$WORK/tollgate.json" <<EOF
{ "client": { "enable_logging": false },
  "providers": { "mock": { "custom_provider_config": { "base_provider_type": "openai" },
                           "base_url": "http://127.0.0.1:$MOCK_PORT/v1", "keys": [] } },
  "pricing": { "mock/gpt-4o-mini": { "input_per_mtok": 0.15, "output_per_mtok": 0.60 } } }
EOF
python3 - "$BENCH_DIR/mock/request.json" "$WORK/body.json" <<'EOF'
import json, sys
body = json.load(open(sys.argv[1])); body["model"] = "mock/gpt-4o-mini"; body["stream"] = False
open(sys.argv[2], "w").write(json.dumps(body, separators=(",", ":")))
EOF

variant_env() { # variant -> env assignments
  case "$1" in
    jit) echo "DOTNET_ReadyToRun=0" ;;
    r2r) echo "" ;;
    r2r-nopgo) echo "DOTNET_TieredPGO=0" ;;
    r2r-nodelay) echo "DOTNET_TC_CallCountingDelayMs=0" ;;
    r2r-nopgo-nodelay) echo "DOTNET_TieredPGO=0 DOTNET_TC_CallCountingDelayMs=0" ;;
    r2r-notiering) echo "DOTNET_TieredCompilation=0" ;;
    *) echo "coldstart.sh: unknown variant $1" >&2; exit 2 ;;
  esac
}

RESULTS="$WORK/results.txt"
: >"$RESULTS"
LOADAVG_START="$(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq 1 "$ROUNDS"); do
  for variant in $VARIANTS; do
    rm -rf "$WORK/data"
    start_ns=$(date +%s%N)
    env DOTNET_gcServer=0 $(variant_env "$variant") "$WORK/tollgate/Tollgate" --urls "http://127.0.0.1:$TG_PORT" \
      --config "$WORK/tollgate.json" --data "$WORK/data" >"$WORK/logs/tollgate-$variant-$round.log" 2>&1 &
    pid=$!
    STARTED_PIDS+=("$pid")
    until curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$TG_PORT/ready"; do
      kill -0 "$pid" 2>/dev/null || { echo "coldstart.sh: Tollgate ($variant) exited" >&2; tail "$WORK/logs/tollgate-$variant-$round.log" >&2; exit 1; }
      sleep 0.05
    done
    ready_ms=$(( ($(date +%s%N) - start_ns) / 1000000 ))
    line=$("$WORK/tools/tollgate-bench-tools" coldstart --url "http://127.0.0.1:$TG_PORT/v1/chat/completions" --body "$WORK/body.json" \
      --pid "$pid" --connections "$CONNECTIONS" --windows "$WINDOWS" | tee -a "$WORK/logs/coldstart-$variant-$round.txt" | grep -E 'TOLLGATE_BENCH_TOOL|start')
    echo "$variant $round ready_ms=$ready_ms $(tr '\n' ' ' <<<"$line")" | tee -a "$RESULTS" >&2
    kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
  done
done
LOADAVG_END="$(cut -d' ' -f1-3 /proc/loadavg)"

export CS_RESULTS="$RESULTS" CS_WRITE="$WRITE_RESULTS" CS_LOAD_START="$LOADAVG_START" CS_LOAD_END="$LOADAVG_END" \
  CS_SOURCE="commit $(git -C "$REPO_DIR" rev-parse --short HEAD) $( [[ -z "$(git -C "$REPO_DIR" status --porcelain -- src)" ]] || echo '(uncommitted changes in src)')" \
  CS_COMMAND="bench/coldstart.sh --rounds $ROUNDS --windows $WINDOWS --connections $CONNECTIONS --variants \"$VARIANTS\""
python3 - "$BENCH_DIR" <<'EOF'
import datetime, os, re, statistics, sys
rows = {}
for line in open(os.environ["CS_RESULTS"]):
    variant, rnd = line.split()[:2]
    windows = [float(x) for x in re.search(r"windows=([0-9.,naN]+)", line).group(1).split(",")]
    ready = int(re.search(r"ready_ms=(\d+)", line).group(1))
    startup_cpu = float(re.search(r"cpu_before_load_s=([0-9.]+)", line).group(1))
    rows.setdefault(variant, []).append((int(rnd), ready, startup_cpu, windows))
today = datetime.date.today().isoformat()
out = [f"# Cold start, {today}", "",
       f"Command: `{os.environ['CS_COMMAND']}`; code: {os.environ['CS_SOURCE']}; load average {os.environ['CS_LOAD_START']} at the start, "
       f"{os.environ['CS_LOAD_END']} at the end (a shared box: the figures move with other people's work, compare ratios within one run).", "",
       "CPU µs per request of a fresh Tollgate process in 2 s windows from the moment it answers `/ready`, closed-loop load; "
       "steady = median of the last three windows of the same process; ratio = first window ÷ steady (goal ≤ 1.5×).", "",
       "| variant | round | ready after (ms) | start-up CPU (s) | windows (µs/request) | steady | first ÷ steady |", "|---|---:|---:|---:|---|---:|---:|"]
summary = []
for variant, items in rows.items():
    ratios = []
    for rnd, ready, cpu, w in items:
        steady = statistics.median(w[-3:])
        ratio = w[0] / steady
        ratios.append(ratio)
        out.append(f"| {variant} | {rnd} | {ready} | {cpu:.2f} | {', '.join(f'{x:.0f}' for x in w)} | {steady:.0f} | {ratio:.2f}× |")
    summary.append(f"- **{variant}**: first window ÷ steady, median of {len(ratios)} rounds: **{statistics.median(ratios):.2f}×** "
                   f"(range {min(ratios):.2f}–{max(ratios):.2f}); ready after {statistics.median([i[1] for i in items]):.0f} ms; "
                   f"steady {statistics.median([statistics.median(i[3][-3:]) for i in items]):.0f} µs/request")
out += [""] + summary + [""]
text = "\n".join(out)
print(text)
if os.environ["CS_WRITE"] == "1":
    path = os.path.join(sys.argv[1], "results", f"{today}-coldstart.md")
    open(path, "w").write(text)
    print(f"written: {path}", file=sys.stderr)
EOF
