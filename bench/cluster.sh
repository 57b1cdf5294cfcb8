#!/usr/bin/env bash
# Cluster row (issue 14): the cost of sharing counters in Redis. Two Tollgate processes from the same build and
# config, on the same nginx mock upstream, with the same virtual key (a request + token rate limit, a key budget and
# a team budget): "memory" counts in process, "redis" has TOLLGATE_REDIS set (a redis-server on loopback). Reports,
# from one run: CPU time per request of the gateway process (redis / memory), Redis round trips per request
# (counter-script calls from INFO commandstats / requests), and the p50 latency added at a fixed moderate rate.
# Usage: bench/cluster.sh [--duration S] [--rate R] [--connections N] [--no-write]
set -euo pipefail
DURATION=10 RATE=300 CONNECTIONS=16 WRITE=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --duration) DURATION="$2"; shift 2 ;;
    --rate) RATE="$2"; shift 2 ;;
    --connections) CONNECTIONS="$2"; shift 2 ;;
    --no-write) WRITE=0; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$BENCH_DIR/.." && pwd)"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/tollgate-cluster-bench.XXXXXX")"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
free_port() { local p; while :; do p=$((20000 + RANDOM % 40000)); (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }; done; }
wait_port() { for _ in $(seq 200); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.05; done; echo "port $1 never opened" >&2; exit 1; }
cpu_ticks() { local s; s=$(<"/proc/$1/stat"); s=${s##*) }; read -r -a f <<<"$s"; echo $((f[11] + f[12])); }
redis_calls() { redis-cli -p "$REDIS_PORT" info commandstats | awk -F'[:=,]' '/^cmdstat_(eval|evalsha):/ {n += $3} END {print n + 0}'; }

MOCK_PORT=$(free_port); REDIS_PORT=$(free_port); MEM_PORT=$(free_port); RED_PORT=$(free_port)
mkdir -p "$WORK/mock/tmp"
cat >"$WORK/mock/nginx.conf" <<EOF
worker_processes 1; daemon off; pid $WORK/mock/nginx.pid; error_log $WORK/mock/error.log warn;
events { worker_connections 4096; }
http { access_log off; client_body_temp_path $WORK/mock/tmp;
  server { listen 127.0.0.1:$MOCK_PORT; location = /v1/chat/completions { default_type application/json; return 200 '$(cat "$BENCH_DIR/mock/chat.json")'; } } }
EOF
nginx -c "$WORK/mock/nginx.conf" -p "$WORK/mock" -e "$WORK/mock/error.log" & PIDS+=($!)
redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no --dir "$WORK" >"$WORK/redis.log" 2>&1 & PIDS+=($!)
wait_port "$MOCK_PORT"; wait_port "$REDIS_PORT"

dotnet build -c Release "$REPO_DIR/src/Tollgate" -v q --nologo >"$WORK/build.log" 2>&1
DLL="$REPO_DIR/src/Tollgate/bin/Release/net10.0/Tollgate.dll"
VK="sk-tg-bench-cluster-0123456789"
cat >"$WORK/tollgate.json" <<EOF
{ "client": { "enforce_auth_on_inference": true, "enable_logging": false },
  "providers": { "mock": { "custom_provider_config": { "base_provider_type": "openai" }, "base_url": "http://127.0.0.1:$MOCK_PORT/v1", "keys": [] } },
  "pricing": { "mock/gpt-4o-mini": { "input_per_mtok": 0.15, "output_per_mtok": 0.60 } },
  "governance": {
    "budgets": [ { "id": "b-team", "max_limit": 1000000, "reset_duration": "1d" }, { "id": "b-vk", "max_limit": 1000000, "reset_duration": "1d" } ],
    "rate_limits": [ { "id": "rl", "request_max_limit": 100000000, "request_reset_duration": "1m", "token_max_limit": 10000000000, "token_reset_duration": "1m" } ],
    "teams": [ { "id": "bench", "name": "bench", "budget_id": "b-team" } ],
    "virtual_keys": [ { "id": "vk-bench", "name": "bench", "value": "$VK", "team_id": "bench", "budget_id": "b-vk", "rate_limit_id": "rl" } ] } }
EOF
sed 's/"MODEL"/"mock\/gpt-4o-mini"/' "$BENCH_DIR/mock/request.json" | tr -d '\n' >"$WORK/body.json"
start_gateway() { # name port [redis]
  mkdir -p "$WORK/$1"
  env ${3:+TOLLGATE_REDIS=127.0.0.1:$REDIS_PORT} TOLLGATE_ADMIN_TOKEN=tga-bench-cluster-token dotnet "$DLL" --urls "http://127.0.0.1:$2" \
    --data "$WORK/$1/data" --config "$WORK/tollgate.json" --Logging:LogLevel:Default Warning >"$WORK/$1/out.log" 2>&1 & PIDS+=($!)
  eval "${1^^}_PID=$!"
  wait_port "$2"
}
start_gateway mem "$MEM_PORT"
start_gateway red "$RED_PORT" redis

load() { # port seconds -> "requests p50_us"
  wrk -t2 -c"$CONNECTIONS" -d"${2}s" -s "$BENCH_DIR/request.lua" "http://127.0.0.1:$1/v1/chat/completions" -- "$WORK/body.json" application/json "$VK" |
    awk '/^TOLLGATE_BENCH/ { for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] } print v["requests"], v["p50_us"], v["err_status"] }'
}
paced() { # port seconds rate -> p50_us
  wrk -t1 -c32 -d"${2}s" -s "$BENCH_DIR/rate.lua" "http://127.0.0.1:$1/v1/chat/completions" -- "$WORK/body.json" application/json "$VK" "$3" |
    awk '/^TOLLGATE_BENCH/ { for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] } print v["p50_us"], v["requests"] }'
}
measure() { # name port pid -> "ticks requests"
  local c0 c1 out; c0=$(cpu_ticks "$3"); out=$(load "$2" "$DURATION"); c1=$(cpu_ticks "$3")
  read -r req _ errs <<<"$out"
  [[ "$errs" == 0 ]] || { echo "bench/cluster.sh: $1 answered $errs errors" >&2; exit 1; }
  echo "$((c1 - c0)) $req"
}
# Interleaved, memory then redis, twice; sums over both rounds.
mt=0 mr=0 rt=0 rr=0 rc=0
for round in 1 2; do
  load "$MEM_PORT" 3 >/dev/null; load "$RED_PORT" 3 >/dev/null # warm-up, unmeasured
  read -r t r <<<"$(measure memory "$MEM_PORT" "$MEM_PID")"; mt=$((mt + t)); mr=$((mr + r))
  calls0=$(redis_calls)
  read -r t r <<<"$(measure redis "$RED_PORT" "$RED_PID")"; rt=$((rt + t)); rr=$((rr + r))
  calls1=$(redis_calls); rc=$((rc + calls1 - calls0))
done
read -r mem_p50 _ <<<"$(paced "$MEM_PORT" "$DURATION" "$RATE")"
read -r red_p50 _ <<<"$(paced "$RED_PORT" "$DURATION" "$RATE")"
HZ=$(getconf CLK_TCK)
row=$(python3 - "$mt" "$mr" "$rt" "$rr" "$rc" "$mem_p50" "$red_p50" "$HZ" "$RATE" <<'EOF'
import sys
mt, mr, rt, rr, rc, mp, rp, hz, rate = map(float, sys.argv[1:])
mem_cpu = mt / hz / mr * 1e6
red_cpu = rt / hz / rr * 1e6
print(f"| cluster (Redis counters) | CPU/request {red_cpu:.0f} us vs {mem_cpu:.0f} us in memory: **{red_cpu / mem_cpu:.2f}x** "
      f"| Redis round trips/request **{rc / rr:.2f}** | added p50 at {rate:.0f} req/s: **{(rp - mp) / 1000:.3f} ms** "
      f"({mp / 1000:.3f} -> {rp / 1000:.3f} ms) | throughput {rr / mr:.2f}x |")
EOF
)
echo "$row"
if ((WRITE)); then
  mkdir -p "$BENCH_DIR/results"
  { echo "# Cluster row, $(date -u +%Y-%m-%dT%H:%MZ), $(git -C "$REPO_DIR" rev-parse --short HEAD)"; echo;
    echo "duration ${DURATION}s x2 interleaved, $CONNECTIONS connections, fixed rate $RATE req/s; 2 cores shared with other work."; echo;
    echo "$row"; } >"$BENCH_DIR/results/$(date -u +%F)-cluster.md"
fi
