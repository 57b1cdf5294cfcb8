#!/usr/bin/env bash
# Soak with faults (issue 20): Tollgate (governance and request logging on) in front of the upstream emulator at a
# fixed rate for a long time, the emulator failing about 10 % of upstream attempts (429, 500, 503, timeouts, streams
# dropped mid-way) and a share of clients reading their streams slowly. Reports every answer class the clients saw
# (gateway-caused 5xx must be 0), RSS every 10 s and its slope, and checks that no budget reservation leaked.
#
#   bench/soak.sh                          # 30 minutes at 500 req/s
#   bench/soak.sh --seconds 120 --rate 200 # a short one
#   bench/soak.sh --no-write --keep        # print only; keep the work directory
#
# Writes bench/results/<YYYY-MM-DD>-soak-faults.md. See bench/README.md ("Soak with faults").
set -euo pipefail

SECONDS_TOTAL=1800
RATE=500
STREAM_SHARE=0.2
SLOW_SHARE=0.05
WRITE_RESULTS=1
KEEP_WORK=0
TOLLGATE_BIN=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --seconds) SECONDS_TOTAL="$2"; shift 2 ;;
    --rate) RATE="$2"; shift 2 ;;
    --stream-share) STREAM_SHARE="$2"; shift 2 ;;
    --slow-share) SLOW_SHARE="$2"; shift 2 ;;
    --tollgate-bin) TOLLGATE_BIN="$2"; shift 2 ;;
    --no-write) WRITE_RESULTS=0; shift ;;
    --keep) KEEP_WORK=1; shift ;;
    *) echo "soak.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(dirname "$BENCH_DIR")"
log() { printf '[bench soak %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

STARTED_PIDS=()
WORK=""
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  local pid
  for pid in "${STARTED_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for _ in $(seq 1 50); do
    local alive=0
    for pid in "${STARTED_PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    ((alive)) || break
    sleep 0.1
  done
  for pid in "${STARTED_PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  if [[ -n "$WORK" && -d "$WORK" ]]; then
    if ((KEEP_WORK)) || ((rc != 0)); then log "work directory kept: $WORK"; else rm -rf "$WORK"; fi
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

for tool in curl python3 dotnet; do
  command -v "$tool" >/dev/null || { echo "soak.sh: $tool is needed" >&2; exit 1; }
done

WORK="$(mktemp -d /tmp/tollgate-bench-soak.XXXXXX)"
mkdir -p "$WORK/logs" "$WORK/raw" "$WORK/data"
read -r EMU_PORT TG_PORT < <(python3 -c '
import socket
socks = [socket.socket() for _ in range(2)]
for s in socks: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))')
SOURCE_STATE="commit $(git -C "$REPO_DIR" rev-parse --short HEAD 2>/dev/null || echo unknown)"
dirty=$(git -C "$REPO_DIR" status --porcelain -- src tests/Tollgate.Emulator bench/tools 2>/dev/null | wc -l)
((dirty == 0)) || SOURCE_STATE+=" plus $dirty uncommitted file(s)"

publish() { # project outdir name
  local attempt
  for attempt in 1 2 3; do
    log "publishing $3 (Release), attempt $attempt"
    dotnet publish "$1" -c Release --nologo -v quiet --artifacts-path "$WORK/artifacts-$3" -o "$2" >"$WORK/logs/publish-$3.log" 2>&1 && return 0
    tail -n 20 "$WORK/logs/publish-$3.log" >&2
    ((attempt < 3)) && sleep 30
  done
  echo "soak.sh: dotnet publish of $3 failed three times" >&2
  return 1
}
if [[ -z "$TOLLGATE_BIN" ]]; then
  publish "$REPO_DIR/src/Tollgate" "$WORK/tollgate" Tollgate
  TOLLGATE_BIN="$WORK/tollgate/Tollgate"
fi
publish "$REPO_DIR/tests/Tollgate.Emulator" "$WORK/emulator" Emulator
publish "$BENCH_DIR/tools" "$WORK/tools" Tools

ADMIN_TOKEN="tga-bench-$(python3 -c 'import secrets; print(secrets.token_hex(16))')"
VK="sk-tg-soak-$(python3 -c 'import secrets; print(secrets.token_hex(12))')"
# Three keys, two retries: most injected failures are retried on another key. A 2 s upstream timeout makes the
# emulator's 2.5 s delays real timeouts.
cat >"$WORK/tollgate.json" <<EOF
{ "client": { "enable_logging": true },
  "providers": {
    "openai": {
      "base_url": "http://127.0.0.1:$EMU_PORT/openai/v1",
      "keys": [
        { "name": "k1", "value": "sk-test-k1", "weight": 1 },
        { "name": "k2", "value": "sk-test-k2", "weight": 1 },
        { "name": "k3", "value": "sk-test-k3", "weight": 1 } ],
      "network_config": { "max_retries": 2, "retry_backoff_initial": 10, "retry_backoff_max": 100,
                          "default_request_timeout_in_seconds": 2, "stream_idle_timeout_in_seconds": 2 } } },
  "pricing": { "openai/gpt-4o-mini": { "input_per_mtok": 0.15, "output_per_mtok": 0.60 } },
  "governance": {
    "budgets": [ { "id": "b-soak", "max_limit": 1000000, "reset_duration": "1d" } ],
    "rate_limits": [ { "id": "rl", "request_max_limit": 100000000, "request_reset_duration": "1m" } ],
    "virtual_keys": [ { "id": "vk-soak", "name": "soak", "value": "$VK", "budget_id": "b-soak", "rate_limit_id": "rl" } ] } }
EOF
python3 - "$BENCH_DIR/mock/request.json" "$WORK" <<'EOF'
import json, sys
body = json.load(open(sys.argv[1])); body["model"] = "openai/gpt-4o-mini"; body["stream"] = False
open(sys.argv[2] + "/body.json", "w").write(json.dumps(body, separators=(",", ":")))
body["stream"] = True; body["stream_options"] = {"include_usage": True}
open(sys.argv[2] + "/stream-body.json", "w").write(json.dumps(body, separators=(",", ":")))
EOF

wait_http() { # url seconds
  local deadline=$((SECONDS + $2))
  while ((SECONDS < deadline)); do curl -s -o /dev/null --max-time 1 "$1" && return 0; sleep 0.2; done
  return 1
}
emu() { curl -s --max-time 30 -X "$1" -H 'Content-Type: application/json' ${3:+--data "$3"} "http://127.0.0.1:$EMU_PORT/_emulator/$2"; }

DOTNET_gcServer=0 "$WORK/emulator/Tollgate.Emulator" --urls "http://127.0.0.1:$EMU_PORT" >"$WORK/logs/emulator.log" 2>&1 &
STARTED_PIDS+=("$!")
wait_http "http://127.0.0.1:$EMU_PORT/_emulator/state" 30 || { echo "soak.sh: emulator did not start" >&2; exit 1; }
DOTNET_gcServer=0 TOLLGATE_ADMIN_TOKEN="$ADMIN_TOKEN" "$TOLLGATE_BIN" --urls "http://127.0.0.1:$TG_PORT" \
  --config "$WORK/tollgate.json" --data "$WORK/data" >"$WORK/logs/tollgate.log" 2>&1 &
STARTED_PIDS+=("$!")
TG_PID=$!
wait_http "http://127.0.0.1:$TG_PORT/ready" 60 || { echo "soak.sh: Tollgate did not start" >&2; tail "$WORK/logs/tollgate.log" >&2; exit 1; }

# About 10 % of upstream attempts fail (rules are tried in order; each fires with its probability).
FAULTS=(
  '{"Provider":"openai","Status":429,"RetryAfterSeconds":0,"Times":-1,"Probability":0.03}'
  '{"Provider":"openai","Status":500,"Times":-1,"Probability":0.02}'
  '{"Provider":"openai","Status":503,"Times":-1,"Probability":0.01}'
  '{"Provider":"openai","DelayMs":2500,"Times":-1,"Probability":0.01}'
  '{"Provider":"openai","DropStreamAfterEvents":2,"Times":-1,"Probability":0.15}'
)
for rule in "${FAULTS[@]}"; do emu POST faults "$rule" >>"$WORK/raw/fault-rules.json"; echo >>"$WORK/raw/fault-rules.json"; done

LOADAVG_START="$(cut -d' ' -f1-3 /proc/loadavg)"
STAT_START="$(head -n 1 /proc/stat)"
log "soak: ${SECONDS_TOTAL}s at ${RATE} req/s (streams ${STREAM_SHARE}, slow readers ${SLOW_SHARE} of streams); load average $LOADAVG_START"
"$WORK/tools/tollgate-bench-tools" soak --url "http://127.0.0.1:$TG_PORT/v1/chat/completions" \
  --body "$WORK/body.json" --stream-body "$WORK/stream-body.json" --rate "$RATE" --seconds "$SECONDS_TOTAL" \
  --stream-share "$STREAM_SHARE" --slow-share "$SLOW_SHARE" --pid "$TG_PID" --header "Authorization: Bearer $VK" \
  | tee "$WORK/raw/soak.txt" | grep --line-buffered -E 'sample t=[0-9]*(00|50)\.|start|TOLLGATE_BENCH_TOOL' >&2 || true
LOADAVG_END="$(cut -d' ' -f1-3 /proc/loadavg)"
STAT_END="$(head -n 1 /proc/stat)"
sleep 2
emu GET state >"$WORK/raw/emulator-state.json"
curl -s --max-time 10 -H "Authorization: Bearer $ADMIN_TOKEN" "http://127.0.0.1:$TG_PORT/api/budgets" >"$WORK/raw/budgets.json"
grep -c '"LogLevel":"Error"' "$WORK/logs/tollgate.log" >"$WORK/raw/tollgate-errors.txt" || true
grep '"LogLevel":"Error"' "$WORK/logs/tollgate.log" | head -n 20 >"$WORK/raw/tollgate-error-lines.txt" || true

export SOAK_RAW="$WORK/raw" SOAK_WRITE="$WRITE_RESULTS" SOAK_SOURCE="$SOURCE_STATE" SOAK_RATE="$RATE" SOAK_SECONDS="$SECONDS_TOTAL" \
  SOAK_STREAM_SHARE="$STREAM_SHARE" SOAK_SLOW_SHARE="$SLOW_SHARE" SOAK_LOAD_START="$LOADAVG_START" SOAK_LOAD_END="$LOADAVG_END" \
  SOAK_STAT_START="$STAT_START" SOAK_STAT_END="$STAT_END" SOAK_FAULTS="$(printf '%s\n' "${FAULTS[@]}")" \
  SOAK_COMMAND="bench/soak.sh --seconds $SECONDS_TOTAL --rate $RATE"
python3 "$BENCH_DIR/soak_report.py" "$BENCH_DIR"
