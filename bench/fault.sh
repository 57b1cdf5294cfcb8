#!/usr/bin/env bash
# Fault scenario for bench/run.sh (`bench/run.sh --scenario fault`; can also be run directly with the same
# options). Tollgate in front of the upstream emulator (tests/Tollgate.Emulator), provider `openai` with three
# keys; wrk at a fixed concurrency twice: (a) no faults, (b) key sk-test-k1 answering 429 half the time.
# Reports client success rate and latency for both, the latency (b) adds, the share of upstream attempts
# that went to k1 during (b) and k1's effective weight at the end (GET /api/routing/health).
# See bench/README.md ("Fault scenario").
set -euo pipefail

DURATION=15
CONNECTIONS=16
WARMUP=5
THREADS=2
TOLLGATE_BIN=""
WRITE_RESULTS=1
KEEP_WORK=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --duration) DURATION="$2"; shift 2 ;;
    --connections) CONNECTIONS="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --threads) THREADS="$2"; shift 2 ;;
    --tollgate-bin) TOLLGATE_BIN="$2"; shift 2 ;;
    --no-write) WRITE_RESULTS=0; shift ;;
    --keep) KEEP_WORK=1; shift ;;
    --scenario) shift 2 ;;                       # always "fault" here
    --single|--rounds) shift 2 ;;                # run.sh options that do not apply to this scenario
    *) echo "fault.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
for n in "$DURATION" "$CONNECTIONS" "$WARMUP" "$THREADS"; do
  [[ "$n" =~ ^[0-9]+$ ]] || { echo "fault.sh: numeric option expected, got '$n'" >&2; exit 2; }
done
(( THREADS <= CONNECTIONS )) || THREADS=$CONNECTIONS

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(dirname "$BENCH_DIR")"
log() { printf '[bench fault %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# Every process started here is stopped on exit, whatever the exit path.
STARTED_PIDS=()
CHILD_PID=""
WORK=""
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  local pid all=()
  [[ -n "$CHILD_PID" ]] && all+=("$CHILD_PID")
  for pid in "${STARTED_PIDS[@]}"; do all+=("$pid"); done
  if ((${#all[@]})); then
    kill -TERM "${all[@]}" 2>/dev/null || true
    for _ in $(seq 1 50); do
      local alive=0
      for pid in "${all[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
      ((alive)) || break
      sleep 0.1
    done
    kill -KILL "${all[@]}" 2>/dev/null || true
  fi
  if [[ -n "$WORK" && -d "$WORK" ]]; then
    if ((KEEP_WORK)) || ((rc != 0)); then log "work directory kept: $WORK"; else rm -rf "$WORK"; fi
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

for tool in wrk curl python3 dotnet; do
  command -v "$tool" >/dev/null || { echo "fault.sh: $tool is needed" >&2; exit 1; }
done

WORK="$(mktemp -d /tmp/tollgate-bench-fault.XXXXXX)"
mkdir -p "$WORK/logs" "$WORK/raw" "$WORK/data"
read -r EMU_PORT TG_PORT < <(python3 - <<'EOF'
import socket
socks = []
for _ in range(2):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
EOF
)
log "ports: emulator=$EMU_PORT tollgate=$TG_PORT; work dir $WORK"

SOURCE_STATE="commit $(git -C "$REPO_DIR" rev-parse --short HEAD 2>/dev/null || echo unknown)"
dirty=$(git -C "$REPO_DIR" status --porcelain -- src tests/Tollgate.Emulator Directory.Packages.props Directory.Build.props 2>/dev/null | cut -c4- || true)
[[ -z "$dirty" ]] || SOURCE_STATE+=" plus uncommitted changes to $(wc -l <<<"$dirty") file(s): $(head -n 6 <<<"$dirty" | paste -sd ' ')"
[[ -z "$TOLLGATE_BIN" ]] || SOURCE_STATE="prebuilt Tollgate $TOLLGATE_BIN (work tree: $SOURCE_STATE)"

publish() { # project outdir name
  local attempt
  for attempt in 1 2 3; do
    log "publishing $3 (Release), attempt $attempt"
    if dotnet publish "$1" -c Release --nologo -v quiet --artifacts-path "$WORK/artifacts-$3" -o "$2" \
        >"$WORK/logs/publish-$3.log" 2>&1; then
      return 0
    fi
    tail -n 20 "$WORK/logs/publish-$3.log" >&2
    ((attempt < 3)) && { log "publish failed; retrying in 30 s"; sleep 30; }
  done
  echo "fault.sh: dotnet publish of $3 failed three times" >&2
  return 1
}
if [[ -z "$TOLLGATE_BIN" ]]; then
  publish "$REPO_DIR/src/Tollgate" "$WORK/tollgate" Tollgate
  TOLLGATE_BIN="$WORK/tollgate/Tollgate"
fi
publish "$REPO_DIR/tests/Tollgate.Emulator" "$WORK/emulator" Emulator

ADMIN_TOKEN="tga-bench-$(python3 -c 'import secrets; print(secrets.token_hex(16))')"
cat >"$WORK/tollgate.json" <<EOF
{ "providers": {
    "openai": {
      "base_url": "http://127.0.0.1:$EMU_PORT/openai/v1",
      "keys": [
        { "name": "k1", "value": "sk-test-k1", "weight": 1 },
        { "name": "k2", "value": "sk-test-k2", "weight": 1 },
        { "name": "k3", "value": "sk-test-k3", "weight": 1 } ],
      "network_config": { "max_retries": 2, "retry_backoff_initial": 10, "retry_backoff_max": 100 } } } }
EOF
python3 - "$BENCH_DIR/mock/request.json" "$WORK/body.json" <<'EOF'
import json, sys
body = json.load(open(sys.argv[1])); body["model"] = "openai/gpt-4o-mini"; body["stream"] = False
open(sys.argv[2], "w").write(json.dumps(body, separators=(",", ":")))
EOF

wait_http() { # url seconds
  local url="$1" deadline=$((SECONDS + $2))
  while ((SECONDS < deadline)); do
    curl -s -o /dev/null --max-time 1 "$url" && return 0
    sleep 0.2
  done
  return 1
}
run_wrk() { # output-file wrk-args...
  local out="$1"; shift
  wrk "$@" >"$out" 2>&1 &
  CHILD_PID=$!
  local rc=0
  wait "$CHILD_PID" || rc=$?
  CHILD_PID=""
  return "$rc"
}
emu() { # method path [json]
  if [[ -n "${3:-}" ]]; then
    curl -s --max-time 30 -X "$1" -H 'Content-Type: application/json' --data "$3" "http://127.0.0.1:$EMU_PORT/_emulator/$2"
  else
    curl -s --max-time 30 -X "$1" "http://127.0.0.1:$EMU_PORT/_emulator/$2"
  fi
}

DOTNET_gcServer=0 "$WORK/emulator/Tollgate.Emulator" --urls "http://127.0.0.1:$EMU_PORT" >"$WORK/logs/emulator.log" 2>&1 &
STARTED_PIDS+=("$!")
wait_http "http://127.0.0.1:$EMU_PORT/_emulator/state" 30 || { echo "fault.sh: emulator did not start" >&2; tail "$WORK/logs/emulator.log" >&2; exit 1; }
DOTNET_gcServer=0 TOLLGATE_ADMIN_TOKEN="$ADMIN_TOKEN" "$TOLLGATE_BIN" --urls "http://127.0.0.1:$TG_PORT" \
  --config "$WORK/tollgate.json" --data "$WORK/data" >"$WORK/logs/tollgate.log" 2>&1 &
STARTED_PIDS+=("$!")
wait_http "http://127.0.0.1:$TG_PORT/health" 60 || { echo "fault.sh: Tollgate did not start" >&2; tail "$WORK/logs/tollgate.log" >&2; exit 1; }

URL="http://127.0.0.1:$TG_PORT/v1/chat/completions"
status=$(curl -s -o "$WORK/raw/probe.body" -w '%{http_code}' --max-time 10 -H 'Content-Type: application/json' \
  --data-binary "@$WORK/body.json" "$URL" || echo 000)
[[ "$status" == 200 ]] || { echo "fault.sh: probe returned $status: $(head -c 400 "$WORK/raw/probe.body")" >&2; exit 1; }

WRK_ARGS=(-t "$THREADS" -c "$CONNECTIONS" --timeout 10s -s "$BENCH_DIR/request.lua")
if ((WARMUP > 0)); then
  log "warm-up ${WARMUP}s"
  run_wrk "$WORK/raw/warmup.txt" "${WRK_ARGS[@]}" -d "${WARMUP}s" "$URL" -- "$WORK/body.json" application/json || true
  sleep 1
fi

health() { curl -s --max-time 10 -H "Authorization: Bearer $ADMIN_TOKEN" "http://127.0.0.1:$TG_PORT/api/routing/health"; }
measure() { # tag
  emu DELETE journal >/dev/null
  emu GET state >"$WORK/raw/$1-state-before.json"
  log "$1: measuring ${DURATION}s at $CONNECTIONS connections"
  run_wrk "$WORK/raw/$1.txt" "${WRK_ARGS[@]}" -d "${DURATION}s" --latency "$URL" -- "$WORK/body.json" application/json \
    || { echo "fault.sh: wrk failed: $(tail -n 3 "$WORK/raw/$1.txt")" >&2; exit 1; }
  sleep 0.5   # requests wrk abandoned at the end reach the upstream before the counters are read
  emu GET state >"$WORK/raw/$1-state-after.json"
  emu GET "journal?provider=openai" >"$WORK/raw/$1-journal.json"
  health >"$WORK/raw/$1-health.json"
  grep -E 'Requests/sec|Non-2xx|Socket errors' "$WORK/raw/$1.txt" >&2 || true
}
# Status codes clients get, sequentially, on one connection (wrk only counts non-2xx).
status_sample() { # tag n
  python3 - "$TG_PORT" "$WORK/body.json" "$2" >"$WORK/raw/$1-statuses.json" <<'EOF'
import collections, http.client, json, sys
port, body, n = int(sys.argv[1]), open(sys.argv[2]).read(), int(sys.argv[3])
c, seen = http.client.HTTPConnection("127.0.0.1", port, timeout=10), collections.Counter()
for _ in range(n):
    c.request("POST", "/v1/chat/completions", body, {"Content-Type": "application/json"})
    r = c.getresponse(); r.read(); seen[str(r.status)] += 1
print(json.dumps(seen))
EOF
}

measure baseline
status_sample baseline 500
FAULT='{"Provider":"openai","KeyEquals":"sk-test-k1","Status":429,"RetryAfterSeconds":0,"Times":-1,"Probability":0.5}'
emu POST faults "$FAULT" >"$WORK/raw/fault-rule.json"
grep -q '"probability":0.5' "$WORK/raw/fault-rule.json" || { echo "fault.sh: emulator refused the fault rule: $(cat "$WORK/raw/fault-rule.json")" >&2; exit 1; }
measure fault
status_sample fault 500
emu DELETE faults >/dev/null
cp "$WORK/logs/tollgate.log" "$WORK/raw/tollgate.log" 2>/dev/null || true

export BENCH_DURATION="$DURATION" BENCH_CONNECTIONS="$CONNECTIONS" BENCH_THREADS="$THREADS" BENCH_WARMUP="$WARMUP" \
  BENCH_WRITE="$WRITE_RESULTS" BENCH_RAW="$WORK/raw" BENCH_SOURCE_STATE="$SOURCE_STATE" BENCH_FAULT_RULE="$FAULT" \
  BENCH_DOTNET_VERSION="$(dotnet --version 2>/dev/null || echo unknown)" \
  BENCH_WRK_VERSION="$(wrk --version 2>&1 | head -n 1 | awk '{print $2}' || true)" \
  BENCH_COMMAND="bench/run.sh --scenario fault --duration $DURATION --connections $CONNECTIONS --warmup $WARMUP --threads $THREADS"
python3 "$BENCH_DIR/fault_report.py" "$BENCH_DIR"
