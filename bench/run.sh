#!/usr/bin/env bash
# Tollgate load benchmark: the same requests sent (a) straight to a mock upstream, (b) through
# nginx proxy_pass, (c) through a bare YARP IHttpForwarder app, (d) through Portkey's gateway, (e) through
# Tollgate, all on 127.0.0.1. Reports throughput, p50/p99 latency,
# CPU time per request of the proxy process (from /proc/<pid>/stat) and RSS, as ratios to nginx
# measured in the same run. Tollgate runs twice from the same binary: "tollgate" (no governance section,
# client.enable_logging false) for every gov-off row, and "tollgate-gov" (virtual key with rate limits and two
# budget levels, request logging on) for the chat-gov rows, priced against the chat row of the former.
# See bench/README.md for the method.
set -euo pipefail

DURATION=15
CONNECTIONS=32
SCENARIO=all
WARMUP=5
SINGLE=3
ROUNDS=1
THREADS=2
TOLLGATE_BIN=""
WRITE_RESULTS=1
KEEP_WORK=0
STREAMS=5000          # concurrent SSE streams held open in the streams row
STREAM_SECONDS=30     # how long each of those streams lasts (the slow mock trickles events over it)
RATE_SECONDS=10       # fixed-rate latency rows: measured seconds per target
SOAK_SECONDS=600      # --scenario soak
SKIP_TARGETS=""       # e.g. "portkey yarp"

usage() {
  cat <<EOF
Usage: bench/run.sh [options]
  --duration SECONDS     measured load per target and scenario (default $DURATION)
  --connections N        concurrent wrk connections (default $CONNECTIONS)
  --scenario NAME        all | chat | chat10k | stream | stream-anthropic | streams-dialects | embeddings | chat-gov |
                         latency | ttfe | streams | soak | fault (default $SCENARIO). stream-anthropic = the stream
                         as an Anthropic Messages client (Tollgate only); streams-dialects = chat, stream and
                         stream-anthropic. all = chat, chat-gov, chat10k, stream, stream-anthropic, embeddings,
                         latency (fixed rate at half nginx's chat saturation), ttfe and streams; chat-gov also
                         runs chat (its baseline), latency runs chat and chat-gov (the rate, and a warm
                         governance process); soak (not in all): Tollgate with governance at
                         a fixed moderate rate for --soak-seconds, RSS every 10 s;
                         fault (not part of all) runs bench/fault.sh: Tollgate on
                         the upstream emulator with one of three keys answering 429 half the time
                         (default 16 connections there; uses --duration, --connections, --warmup, --threads,
                         --tollgate-bin, --no-write, --keep)
  --warmup SECONDS       unmeasured load before each measurement (default $WARMUP)
  --threads N            wrk threads (default $THREADS)
  --rounds N             repeat every measurement N times, interleaved, and report medians (default $ROUNDS)
  --single SECONDS       extra unloaded run on one connection per row, for added latency (default $SINGLE; 0 = off)
  --tollgate-bin PATH    use this published Tollgate executable instead of publishing one
  --streams N            concurrent SSE streams in the streams row (default $STREAMS)
  --stream-seconds S     length of each of those streams (default $STREAM_SECONDS)
  --rate-seconds S       measured seconds per fixed-rate latency row (default $RATE_SECONDS)
  --soak-seconds S       soak length (default $SOAK_SECONDS)
  --skip "T ..."         leave targets out (yarp, portkey, nginx, tollgate; tollgate = both Tollgate processes)
  --no-write             print the results only; do not write bench/results/ or bench/README.md
  --keep                 keep the temporary work directory (configs, logs, raw wrk output)
EOF
}

ALL_ARGS=("$@")
CONNECTIONS_SET=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --duration) DURATION="$2"; shift 2 ;;
    --connections) CONNECTIONS="$2"; CONNECTIONS_SET=1; shift 2 ;;
    --scenario) SCENARIO="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --threads) THREADS="$2"; shift 2 ;;
    --single) SINGLE="$2"; shift 2 ;;
    --rounds) ROUNDS="$2"; shift 2 ;;
    --tollgate-bin) TOLLGATE_BIN="$2"; shift 2 ;;
    --streams) STREAMS="$2"; shift 2 ;;
    --stream-seconds) STREAM_SECONDS="$2"; shift 2 ;;
    --rate-seconds) RATE_SECONDS="$2"; shift 2 ;;
    --soak-seconds) SOAK_SECONDS="$2"; shift 2 ;;
    --skip) SKIP_TARGETS="$2"; shift 2 ;;
    --no-write) WRITE_RESULTS=0; shift ;;
    --keep) KEEP_WORK=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
done

case "$SCENARIO" in
  chat|chat10k|stream|stream-anthropic|embeddings|ttfe|streams|soak) SCENARIOS=("$SCENARIO") ;;
  chat-gov) SCENARIOS=(chat chat-gov) ;;   # gov-on is only meaningful next to its gov-off baseline
  streams-dialects) SCENARIOS=(chat stream stream-anthropic) ;;   # the request path's rows (issue 13): chat, and stream per client dialect
  latency) SCENARIOS=(chat chat-gov latency) ;;   # the rate is half of nginx's chat saturation; chat-gov warms the gov process
  all) SCENARIOS=(chat chat-gov chat10k stream stream-anthropic embeddings latency ttfe streams) ;;
  fault)   # its own harness (emulator upstream, two runs); see bench/README.md, "Fault scenario"
    ((CONNECTIONS_SET)) || ALL_ARGS+=(--connections 16)
    exec "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/fault.sh" "${ALL_ARGS[@]}" ;;
  *) echo "run.sh: unknown --scenario $SCENARIO (see --help)" >&2; exit 2 ;;
esac
for n in "$DURATION" "$CONNECTIONS" "$WARMUP" "$THREADS" "$SINGLE" "$ROUNDS" "$STREAMS" "$STREAM_SECONDS" "$RATE_SECONDS" "$SOAK_SECONDS"; do
  [[ "$n" =~ ^[0-9]+$ ]] || { echo "run.sh: numeric option expected, got '$n'" >&2; exit 2; }
done
(( THREADS <= CONNECTIONS )) || THREADS=$CONNECTIONS
(( ROUNDS >= 1 )) || ROUNDS=1
ROUND=1

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(dirname "$BENCH_DIR")"
log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# ---------------------------------------------------------------------------------------------
# Processes we start are tracked here and stopped on exit, whatever the exit path.
STARTED_PIDS=()
CHILD_PID=""   # the wrk run in progress, if any
WORK=""
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  local pid child all=()
  [[ -n "$CHILD_PID" ]] && all+=("$CHILD_PID")
  for pid in "${STARTED_PIDS[@]}"; do
    all+=("$pid")
    # nginx workers are children of the master; stop them too if the master does not.
    for child in $(pgrep -P "$pid" 2>/dev/null || true); do all+=("$child"); done
  done
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
    if ((KEEP_WORK)) || ((rc != 0)); then
      log "work directory kept: $WORK"
    else
      rm -rf "$WORK"
    fi
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------------------------------------
# Tools.
has_target() { [[ " $SKIP_TARGETS " != *" $1 "* ]]; }
need_pkgs=()
command -v wrk >/dev/null || need_pkgs+=(wrk)
command -v nginx >/dev/null || need_pkgs+=(nginx)
if has_target portkey && ! command -v npm >/dev/null; then need_pkgs+=(nodejs npm); fi
if ((${#need_pkgs[@]})); then
  if [[ $(id -u) -eq 0 ]]; then
    log "installing ${need_pkgs[*]} with apt-get"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_pkgs[@]}" >/dev/null
  else
    echo "run.sh: ${need_pkgs[*]} needed (apt-get install ${need_pkgs[*]})" >&2
    exit 1
  fi
fi
for tool in curl python3 getconf dotnet; do
  command -v "$tool" >/dev/null || { echo "run.sh: $tool is needed" >&2; exit 1; }
done
NGINX_BIN="$(command -v nginx)"
CLK_TCK="$(getconf CLK_TCK)"

WORK="$(mktemp -d /tmp/tollgate-bench.XXXXXX)"
chmod 755 "$WORK"   # nginx workers may run as another user and must read the files below
mkdir -p "$WORK/logs" "$WORK/raw"
RESULTS_TSV="$WORK/results.tsv"
SINGLE_TSV="$WORK/single.tsv"
NOTES="$WORK/notes.txt"
: >"$RESULTS_TSV"
: >"$SINGLE_TSV"
: >"$NOTES"
note() { log "$*"; printf '%s\n' "$*" >>"$NOTES"; }

read -r MOCK_PORT NGINX_PORT TG_PORT TG_GOV_PORT YARP_PORT PORTKEY_PORT SSE_PORT < <(python3 - <<'EOF'
import socket
socks = []
for _ in range(7):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
EOF
)
log "ports: mock=$MOCK_PORT nginx=$NGINX_PORT tollgate=$TG_PORT tollgate-gov=$TG_GOV_PORT yarp=$YARP_PORT portkey=$PORTKEY_PORT slow-sse=$SSE_PORT; work dir $WORK"

# ---------------------------------------------------------------------------------------------
# Tollgate build (Release, outputs and intermediates outside src/ so concurrent builds do not clash).
TG_STATUS="ok"
# Which code gets measured, taken now: others may edit the work tree while the run goes on.
source_state() {
  local head dirty
  head=$(git -C "$REPO_DIR" rev-parse --short HEAD 2>/dev/null || echo unknown)
  dirty=$(git -C "$REPO_DIR" status --porcelain -- src Directory.Packages.props Directory.Build.props 2>/dev/null | cut -c4- || true)
  if [[ -z "$dirty" ]]; then
    echo "commit $head (clean src/)"
  else
    echo "commit $head plus uncommitted changes to $(wc -l <<<"$dirty") file(s) under src/ and package props, as of the publish:" \
      "$(head -n 6 <<<"$dirty" | paste -sd ' ')$( (( $(wc -l <<<"$dirty") > 6 )) && echo ' …')"
  fi
}
if [[ -n "$TOLLGATE_BIN" ]]; then
  SOURCE_STATE="prebuilt binary $TOLLGATE_BIN (work tree at the time of the run: $(source_state))"
else
  SOURCE_STATE="$(source_state)"
fi
if [[ -z "$TOLLGATE_BIN" ]]; then
  TOLLGATE_BIN="$WORK/tollgate/Tollgate"
  built=0
  for attempt in 1 2 3; do
    log "publishing Tollgate (Release), attempt $attempt"
    if dotnet publish "$REPO_DIR/src/Tollgate" -c Release --nologo -v quiet \
        --artifacts-path "$WORK/artifacts" -o "$WORK/tollgate" >"$WORK/logs/publish.log" 2>&1; then
      built=1; break
    fi
    tail -n 20 "$WORK/logs/publish.log" >&2
    if ((attempt < 3)); then
      log "publish failed; retrying in 30 s (someone may be mid-edit)"
      sleep 30
    fi
  done
  if ((!built)); then
    TG_STATUS="build failed"
    note "Tollgate: dotnet publish failed three times; measured direct and nginx only. First error: $(grep -m 1 -E 'error [A-Z]+[0-9]+' "$WORK/logs/publish.log" | sed 's/^ *//' | head -c 300)"
  fi
fi
if [[ "$TG_STATUS" == ok && ! -x "$TOLLGATE_BIN" ]]; then
  TG_STATUS="no binary"
  note "Tollgate: $TOLLGATE_BIN is not executable; measured direct and nginx only."
fi
has_target tollgate || TG_STATUS="skipped"

# The helpers (slow-SSE mock, stream holder, fixed-rate load, first-event probe) and the YARP floor, published
# in Release the same way. Without the helpers the ttfe and streams rows are left out.
publish_app() { # project-dir output-dir name
  local attempt
  for attempt in 1 2; do
    if dotnet publish "$1" -c Release --nologo -v quiet --artifacts-path "$WORK/artifacts-$3" -o "$2" >"$WORK/logs/publish-$3.log" 2>&1; then
      return 0
    fi
    tail -n 10 "$WORK/logs/publish-$3.log" >&2
    ((attempt == 2)) || sleep 10
  done
  return 1
}
TOOLS_BIN="$WORK/tools/tollgate-bench-tools"
log "publishing bench/tools (Release)"
publish_app "$BENCH_DIR/tools" "$WORK/tools" tools || { TOOLS_BIN=""; note "bench/tools failed to publish: no ttfe or streams rows"; }
YARP_STATUS=ok
if has_target yarp; then
  log "publishing bench/yarp (Release)"
  publish_app "$BENCH_DIR/yarp" "$WORK/yarp" yarp || { YARP_STATUS="build failed"; note "YARP floor (bench/yarp) failed to publish"; }
else
  YARP_STATUS=skipped
fi
# Portkey's open-source gateway from npm (bench/portkey/package-lock.json pins it). npm ci needs the registry
# once; later runs reuse node_modules.
PORTKEY_STATUS=ok
PORTKEY_VERSION=""
PORTKEY_ENTRY="$BENCH_DIR/portkey/node_modules/@portkey-ai/gateway/build/start-server.js"
if has_target portkey; then
  if [[ ! -f "$PORTKEY_ENTRY" ]]; then
    log "installing @portkey-ai/gateway with npm ci (bench/portkey)"
    (cd "$BENCH_DIR/portkey" && npm ci --no-audit --no-fund >"$WORK/logs/npm.log" 2>&1) ||
      { PORTKEY_STATUS="npm ci failed"; note "Portkey: npm ci failed: $(tail -n 3 "$WORK/logs/npm.log" | tr '\n' ' ')"; }
  fi
  PORTKEY_VERSION=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["version"])' \
    "$BENCH_DIR/portkey/node_modules/@portkey-ai/gateway/package.json" 2>/dev/null || echo unknown)
else
  PORTKEY_STATUS=skipped
fi

# ---------------------------------------------------------------------------------------------
# Configs.
CHAT_JSON="$(cat "$BENCH_DIR/mock/chat.json")"
if [[ "$CHAT_JSON" == *"'"* || "$CHAT_JSON" == *'\'* || "$CHAT_JSON" == *'$'* ]]; then
  echo "run.sh: mock/chat.json must not contain ', \\ or \$ (it is inlined into an nginx 'return')" >&2
  exit 1
fi
mkdir -p "$WORK/mock/tmp" "$WORK/nginx/tmp" "$WORK/www/sse/v1/chat" "$WORK/www/big/v1/chat" "$WORK/www/v1"
cp "$BENCH_DIR/mock/stream.sse" "$WORK/www/sse/v1/chat/completions"
cp "$BENCH_DIR/mock/chat-10k.json" "$WORK/www/big/v1/chat/completions"
cp "$BENCH_DIR/mock/embeddings.json" "$WORK/www/v1/embeddings"
chmod -R a+rX "$WORK/www"

# Common nginx settings: no access log, long keep-alive, temp paths inside the work dir.
nginx_common() {
  local dir="$1"
  cat <<EOF
worker_processes 1;
worker_rlimit_nofile 16384;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 16384; }
EOF
}
nginx_http_common() {
  local dir="$1"
  cat <<EOF
  access_log off;
  keepalive_requests 1000000;
  keepalive_timeout 120s;
  client_body_buffer_size 64k;
  client_body_temp_path $dir/tmp/body;
  proxy_temp_path $dir/tmp/proxy;
  fastcgi_temp_path $dir/tmp/fastcgi;
  uwsgi_temp_path $dir/tmp/uwsgi;
  scgi_temp_path $dir/tmp/scgi;
EOF
}

# (1) Mock upstream: fixed chat.completion JSON on POST /v1/chat/completions (body ignored);
#     a 50-event SSE stream on POST /sse/v1/chat/completions (static file; POST to a static file is
#     405, which error_page turns into an internal GET of the same file with status 200).
{
  nginx_common "$WORK/mock"
  echo "http {"
  nginx_http_common "$WORK/mock"
  cat <<EOF
  server {
    listen 127.0.0.1:$MOCK_PORT backlog=4096;
    location = /v1/chat/completions {
      default_type application/json;
      return 200 '$CHAT_JSON';
    }
    location = /sse/v1/chat/completions {
      root $WORK/www;
      default_type text/event-stream;
      add_header Cache-Control no-cache;
      etag off;
      error_page 405 =200 \$uri;
    }
    location = /big/v1/chat/completions {
      root $WORK/www;
      default_type application/json;
      etag off;
      error_page 405 =200 \$uri;
    }
    location = /v1/embeddings {
      root $WORK/www;
      default_type application/json;
      etag off;
      error_page 405 =200 \$uri;
    }
    location = /stub_status { stub_status; }
    location / { return 404; }
  }
}
EOF
} >"$WORK/mock/nginx.conf"

# (2) nginx reverse proxy to the mock, with a keep-alive upstream pool.
{
  nginx_common "$WORK/nginx"
  echo "http {"
  nginx_http_common "$WORK/nginx"
  cat <<EOF
  upstream mock {
    server 127.0.0.1:$MOCK_PORT;
    keepalive 128;
    keepalive_requests 1000000;
  }
  upstream slowsse {
    server 127.0.0.1:$SSE_PORT;
    keepalive 128;
  }
  server {
    listen 127.0.0.1:$NGINX_PORT backlog=4096;
    location / {
      proxy_pass http://mock;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
    location /sse/ {
      proxy_pass http://mock;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
    }
    location ~ ^/(slow|quick)/ {
      proxy_pass http://slowsse;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
      proxy_read_timeout 600s;
    }
  }
}
EOF
} >"$WORK/nginx/nginx.conf"

# (3) Tollgate, twice from the same binary (two configs, two --data directories, two ports), so each
#     process's CPU is its own. Both have five OpenAI-compatible custom providers on the mocks and prices for
#     their models.
#     - tollgate (governance off): no governance section and client.enable_logging false, so no request log.
#       The chat, chat10k, stream, embeddings, ttfe and streams rows and the plain latency row run here, with
#       no virtual key. Such requests skip governance checks anyway, so leaving the section out changes
#       little per request but saves memory (no token counter for budgets): idle RSS is reported for both.
#     - tollgate-gov (governance and logging on): the same plus client.enable_logging true and a governance
#       section. chat-gov (and the governance latency row and soak) sends the chat requests with the virtual key, which has its own budget and a
#       request + token rate limit, and belongs to a team with a budget of its own. The limits are far above
#       anything a run can reach, so nothing is ever denied (the token limit, 1e10 per minute, stays under the
#       gateway's cap of 1e9 per second: 1e11 per minute passes config validation but made virtual-key
#       requests fail with a 500, and since commit 2850943 makes the gateway abort at start-up; see README).
#       The admin token lets the harness read its budgets and usage report at the end (a check).
GOV_VK="sk-tg-bench-0123456789abcdef"
GOV_VK_ID="vk-bench"
ADMIN_TOKEN="tga-bench-$(python3 -c 'import secrets; print(secrets.token_hex(16))')"
# Request logging is part of "governance on" (issue 8). The option (client.enable_logging, default true) comes
# with the request log. Older builds list it among the Bifrost fields they accept with a start-up warning, so
# it is written whenever the source knows the name at all, and reported as on only when the option is
# implemented (an EnableLogging member); a build that knows neither would reject it, so it is left out there.
CLIENT_OFF=""; CLIENT_ON=""
if grep -rqs 'EnableLogging' "$REPO_DIR/src/Tollgate" 2>/dev/null; then
  CLIENT_OFF='"client": { "enable_logging": false },'; CLIENT_ON='"client": { "enable_logging": true },'
  LOGGING_STATE="on in Tollgate with governance (client.enable_logging: true), off in Tollgate without (false)"
elif grep -rqs '"enable_logging"' "$REPO_DIR/src/Tollgate/Configuration" 2>/dev/null; then
  CLIENT_OFF='"client": { "enable_logging": false },'; CLIENT_ON='"client": { "enable_logging": true },'
  LOGGING_STATE="not implemented in this build (client.enable_logging is only an accepted Bifrost field): no request log in either process"
else
  LOGGING_STATE="not configurable in this build (client.enable_logging unknown): left out of both configs"
fi
openai_provider() { # name base-url
  printf '"%s": { "custom_provider_config": { "base_provider_type": "openai" }, "base_url": "%s", "keys": [] }' "$1" "$2"
}
price() { printf '"%s": { "input_per_mtok": 0.15, "output_per_mtok": 0.60 }' "$1"; }
tollgate_config() { # client-section governance-section
  cat <<EOF
{ $1
  "providers": {
    $(openai_provider mock "http://127.0.0.1:$MOCK_PORT/v1"),
    $(openai_provider mockbig "http://127.0.0.1:$MOCK_PORT/big/v1"),
    $(openai_provider mockstream "http://127.0.0.1:$MOCK_PORT/sse/v1"),
    $(openai_provider quick "http://127.0.0.1:$SSE_PORT/quick/v1"),
    $(openai_provider slow "http://127.0.0.1:$SSE_PORT/slow/v1") },
  "pricing": {
    $(price mock/gpt-4o-mini), $(price mockbig/gpt-4o-mini), $(price mockstream/gpt-4o-mini),
    $(price quick/gpt-4o-mini), $(price slow/gpt-4o-mini),
    "mock/text-embedding-3-small": { "input_per_mtok": 0.02, "output_per_mtok": 0 } }$2 }
EOF
}
GOV_SECTION=$(cat <<EOF
,
  "governance": {
    "budgets": [
      { "id": "b-team", "max_limit": 1000000, "reset_duration": "1d" },
      { "id": "b-vk", "max_limit": 1000000, "reset_duration": "1d" } ],
    "rate_limits": [
      { "id": "rl", "request_max_limit": 100000000, "request_reset_duration": "1m",
        "token_max_limit": 10000000000, "token_reset_duration": "1m" } ],
    "teams": [ { "id": "bench", "name": "bench", "budget_id": "b-team" } ],
    "virtual_keys": [
      { "id": "$GOV_VK_ID", "name": "bench", "value": "$GOV_VK", "team_id": "bench",
        "budget_id": "b-vk", "rate_limit_id": "rl" } ] }
EOF
)
tollgate_config "$CLIENT_OFF" "" >"$WORK/tollgate.json"
tollgate_config "$CLIENT_ON" "$GOV_SECTION" >"$WORK/tollgate-gov.json"

# Request bodies (compact JSON, ~600 bytes), one per model/stream combination.
make_body() { # model stream outfile
  python3 - "$BENCH_DIR/mock/request.json" "$1" "$2" "$3" <<'EOF'
import json, sys
src, model, stream, out = sys.argv[1:]
body = json.load(open(src))
body["model"] = model
body["stream"] = stream == "true"
if body["stream"]:
    body["stream_options"] = {"include_usage": True}
open(out, "w").write(json.dumps(body, separators=(",", ":")))
EOF
}
# body-<scenario>-plain.json (direct, nginx, yarp, portkey: the model as the upstream knows it) and
# body-<scenario>-tollgate.json (provider/model: the provider's base URL picks the mock's path).
make_body gpt-4o-mini false "$WORK/body-chat-plain.json"
make_body gpt-4o-mini true "$WORK/body-stream-plain.json"
make_body mock/gpt-4o-mini false "$WORK/body-chat-tollgate.json"
make_body mockstream/gpt-4o-mini true "$WORK/body-stream-tollgate.json"
cp "$WORK/body-chat-plain.json" "$WORK/body-chat10k-plain.json"
make_body mockbig/gpt-4o-mini false "$WORK/body-chat10k-tollgate.json"
cp "$WORK/body-stream-plain.json" "$WORK/body-sse-plain.json"
make_body quick/gpt-4o-mini true "$WORK/body-ttfe-tollgate.json"
make_body slow/gpt-4o-mini true "$WORK/body-streams-tollgate.json"
# The same conversation as an Anthropic Messages request (Tollgate only: /anthropic/v1/messages over the OpenAI mock).
python3 - "$BENCH_DIR/mock/request.json" "$WORK/body-stream-anthropic-tollgate.json" <<'EOF'
import json, sys
src = json.load(open(sys.argv[1]))
system = " ".join(m["content"] for m in src["messages"] if m["role"] == "system")
body = {"model": "mockstream/gpt-4o-mini", "max_tokens": src.get("max_tokens", 256), "stream": True,
        "messages": [m for m in src["messages"] if m["role"] != "system"]}
if system:
    body["system"] = system
open(sys.argv[2], "w").write(json.dumps(body, separators=(",", ":")))
EOF
python3 -c 'import json,sys; json.dump(json.load(open(sys.argv[1])), open(sys.argv[2], "w"), separators=(",", ":"))' \
  "$BENCH_DIR/mock/embeddings-request.json" "$WORK/body-embeddings-plain.json"
python3 -c 'import json,sys; b=json.load(open(sys.argv[1])); b["model"]="mock/"+b["model"]; json.dump(b, open(sys.argv[2], "w"), separators=(",", ":"))' \
  "$BENCH_DIR/mock/embeddings-request.json" "$WORK/body-embeddings-tollgate.json"
REQUEST_BYTES=$(wc -c <"$WORK/body-chat-tollgate.json")

# ---------------------------------------------------------------------------------------------
# /proc helpers.
cpu_ticks() { # utime+stime (fields 14, 15) summed over pids
  local total=0 pid stat
  local -a f
  for pid in "$@"; do
    [[ -r /proc/$pid/stat ]] || continue
    stat=$(<"/proc/$pid/stat")
    stat=${stat##*) }            # drop "pid (comm) "; what remains starts at field 3
    read -ra f <<<"$stat"
    total=$((total + f[11] + f[12]))
  done
  echo "$total"
}
rss_kb() { # VmRSS summed over pids
  local total=0 pid v
  for pid in "$@"; do
    v=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
    total=$((total + ${v:-0}))
  done
  echo "$total"
}
waited_children_ticks() { # cutime+cstime (fields 16, 17) of this shell: CPU of children it has waited for (wrk)
  local stat
  local -a f
  stat=$(<"/proc/$$/stat")
  stat=${stat##*) }
  read -ra f <<<"$stat"
  echo $((f[13] + f[14]))
}
box_ticks() { # "busy total" jiffies of the whole machine from /proc/stat
  awk '/^cpu / {busy=$2+$3+$4+$7+$8+$9; total=busy+$5+$6; print busy, total}' /proc/stat
}
nginx_pids() { # master and workers, on one line
  local master="$1"
  echo "$master" "$(pgrep -P "$master" 2>/dev/null | tr '\n' ' ' || true)"
}

mock_accepts() { # connections the mock has accepted so far (nginx stub_status)
  curl -s --max-time 2 "http://127.0.0.1:$MOCK_PORT/stub_status" | awk 'NR == 3 {print $1}'
}

run_wrk() { # output-file wrk-args... ; in the background so a signal stops the harness at once
  local out="$1"; shift
  wrk "$@" >"$out" 2>&1 &
  CHILD_PID=$!
  local rc=0
  wait "$CHILD_PID" || rc=$?
  CHILD_PID=""
  return "$rc"
}

wait_http() { # url seconds
  local url="$1" deadline=$((SECONDS + $2))
  while ((SECONDS < deadline)); do
    curl -s -o /dev/null --max-time 1 "$url" && return 0
    sleep 0.2
  done
  return 1
}

start_nginx() { # dir -> sets REPLY to master pid
  local dir="$1"
  "$NGINX_BIN" -t -q -p "$dir" -e "$dir/error.log" -c "$dir/nginx.conf" -g 'daemon off;'
  "$NGINX_BIN" -p "$dir" -e "$dir/error.log" -c "$dir/nginx.conf" -g 'daemon off;' \
    >"$dir/stdout.log" 2>&1 &
  REPLY=$!
  STARTED_PIDS+=("$REPLY")
}

# ---------------------------------------------------------------------------------------------
# Start everything.
start_nginx "$WORK/mock"; MOCK_PID=$REPLY
start_nginx "$WORK/nginx"; NGINX_PID=$REPLY
wait_http "http://127.0.0.1:$MOCK_PORT/" 10 || { echo "run.sh: mock nginx did not start" >&2; cat "$WORK/mock/error.log" >&2; exit 1; }
wait_http "http://127.0.0.1:$NGINX_PORT/" 10 || { echo "run.sh: proxy nginx did not start" >&2; cat "$WORK/nginx/error.log" >&2; exit 1; }

# The two Tollgate processes (same binary, same environment; config, --data and port their own), one after
# the other so their start-ups do not compete for the two cores.
start_tollgate() { # name port -> sets REPLY to the pid; fails when /health does not answer
  local name="$1" port="$2"
  mkdir -p "$WORK/data-$name"
  DOTNET_gcServer=0 TOLLGATE_ADMIN_TOKEN="$ADMIN_TOKEN" "$TOLLGATE_BIN" --urls "http://127.0.0.1:$port" \
    --config "$WORK/$name.json" --data "$WORK/data-$name" >"$WORK/logs/$name.log" 2>&1 &
  REPLY=$!
  STARTED_PIDS+=("$REPLY")
  wait_http "http://127.0.0.1:$port/health" 60 && return 0
  note "$name: /health did not answer within 60 s; log tail: $(tail -n 5 "$WORK/logs/$name.log" | tr '\n' ' ')"
  return 1
}
TG_PID=""; TG_GOV_PID=""
TG_GOV_STATUS=$TG_STATUS   # build, binary and --skip tollgate apply to both
if [[ "$TG_STATUS" == ok ]]; then
  start_tollgate tollgate "$TG_PORT" || TG_STATUS="did not start"
  TG_PID=$REPLY
  start_tollgate tollgate-gov "$TG_GOV_PORT" || TG_GOV_STATUS="did not start"
  TG_GOV_PID=$REPLY
fi
SSE_PID=""
if [[ -n "$TOOLS_BIN" ]]; then
  "$TOOLS_BIN" slow-sse --port "$SSE_PORT" --slow-events 20 \
    --slow-interval-ms $((STREAM_SECONDS * 1000 / 20)) --quick-events 5 --quick-interval-ms 2 >"$WORK/logs/slow-sse.log" 2>&1 &
  SSE_PID=$!
  STARTED_PIDS+=("$SSE_PID")
  wait_http "http://127.0.0.1:$SSE_PORT/health" 30 || { note "slow-SSE mock did not start"; TOOLS_BIN=""; }
fi
YARP_PID=""
if [[ "$YARP_STATUS" == ok ]]; then
  DOTNET_gcServer=0 "$WORK/yarp/tollgate-bench-yarp" --urls "http://127.0.0.1:$YARP_PORT" \
    --upstream "http://127.0.0.1:$MOCK_PORT" --sse-upstream "http://127.0.0.1:$SSE_PORT" >"$WORK/logs/yarp.log" 2>&1 &
  YARP_PID=$!
  STARTED_PIDS+=("$YARP_PID")
  # Any answer (the mock's 404 for GET /) means it is up.
  wait_http "http://127.0.0.1:$YARP_PORT/" 30 || { YARP_STATUS="did not start"; note "YARP floor did not start: $(tail -n 3 "$WORK/logs/yarp.log" | tr '\n' ' ')"; }
fi
PORTKEY_PID=""
if [[ "$PORTKEY_STATUS" == ok ]]; then
  # start-server.js reads --port=N (not "--port N"); --headless drops the UI. It listens on every interface
  # (no host option), unlike the other targets. mutable-fetch.mjs works around its 500s on streams and
  # embeddings under Node (see that file).
  (cd "$BENCH_DIR/portkey" && exec node --import ./mutable-fetch.mjs "$PORTKEY_ENTRY" --port="$PORTKEY_PORT" --headless) \
    >"$WORK/logs/portkey.log" 2>&1 &
  PORTKEY_PID=$!
  STARTED_PIDS+=("$PORTKEY_PID")
  wait_http "http://127.0.0.1:$PORTKEY_PORT/" 30 || { PORTKEY_STATUS="did not start"; note "Portkey did not start: $(tail -n 3 "$WORK/logs/portkey.log" | tr '\n' ' ')"; }
fi
sleep 2
declare -A RSS_IDLE
read -ra _pids < <(nginx_pids "$MOCK_PID"); RSS_IDLE[direct]=$(rss_kb "${_pids[@]}")
read -ra _pids < <(nginx_pids "$NGINX_PID"); RSS_IDLE[nginx]=$(rss_kb "${_pids[@]}")
[[ -n "$TG_PID" ]] && RSS_IDLE[tollgate]=$(rss_kb "$TG_PID")
[[ -n "$TG_GOV_PID" ]] && RSS_IDLE[tollgate-gov]=$(rss_kb "$TG_GOV_PID")
[[ -n "$YARP_PID" ]] && RSS_IDLE[yarp]=$(rss_kb "$YARP_PID")
[[ -n "$PORTKEY_PID" ]] && RSS_IDLE[portkey]=$(rss_kb "$PORTKEY_PID")
target_ok() { # target -> 0 when it runs in this run
  case "$1" in
    direct) return 0 ;;
    nginx) has_target nginx ;;
    tollgate) [[ "$TG_STATUS" == ok ]] ;;
    tollgate-gov) [[ "$TG_GOV_STATUS" == ok ]] ;;
    yarp) [[ "$YARP_STATUS" == ok ]] ;;
    portkey) [[ "$PORTKEY_STATUS" == ok ]] ;;
  esac
}
target_pids() { # target -> the proxy's pids on one line
  case "$1" in
    direct) nginx_pids "$MOCK_PID" ;;
    nginx) nginx_pids "$NGINX_PID" ;;
    tollgate) echo "$TG_PID" ;;
    tollgate-gov) echo "$TG_GOV_PID" ;;
    yarp) echo "$YARP_PID" ;;
    portkey) echo "$PORTKEY_PID" ;;
  esac
}
# Where a scenario's request goes for a target: sets URL, BODY, ACCEPT and HDRS (extra "Name: value" headers).
# direct, nginx and yarp keep the mock's paths; Tollgate picks the mock path through the provider in the model name;
# Portkey through its x-portkey-custom-host header.
request_for() { # scenario target
  local scenario="$1" target="$2" base endpoint=chat/completions port host
  ACCEPT=application/json; HDRS=()
  case "$scenario" in
    chat|chat-gov|latency|soak) base="http://127.0.0.1:$MOCK_PORT/v1"; BODY=chat ;;
    chat10k) base="http://127.0.0.1:$MOCK_PORT/big/v1"; BODY=chat10k ;;
    stream) base="http://127.0.0.1:$MOCK_PORT/sse/v1"; BODY=stream; ACCEPT=text/event-stream ;;
    stream-anthropic) base="http://127.0.0.1:$MOCK_PORT/sse/v1"; BODY=stream-anthropic; ACCEPT=text/event-stream ;;
    embeddings) base="http://127.0.0.1:$MOCK_PORT/v1"; BODY=embeddings; endpoint=embeddings ;;
    ttfe) base="http://127.0.0.1:$SSE_PORT/quick/v1"; BODY=ttfe; ACCEPT=text/event-stream ;;
    streams) base="http://127.0.0.1:$SSE_PORT/slow/v1"; BODY=streams; ACCEPT=text/event-stream ;;
  esac
  [[ "$scenario" == chat-gov || "$scenario" == soak ]] && BODY=chat
  case "$target" in
    tollgate|tollgate-gov)
      port=$TG_PORT; [[ "$target" == tollgate-gov ]] && port=$TG_GOV_PORT
      URL="http://127.0.0.1:$port/v1/$endpoint"; BODY="$WORK/body-$BODY-tollgate.json"
      [[ "$scenario" == stream-anthropic ]] && URL="http://127.0.0.1:$port/anthropic/v1/messages" ;;
    portkey)
      URL="http://127.0.0.1:$PORTKEY_PORT/v1/$endpoint"
      HDRS=("x-portkey-provider: openai" "x-portkey-custom-host: $base" "Authorization: Bearer sk-bench-not-a-key")
      [[ "$BODY" == ttfe || "$BODY" == streams ]] && BODY=sse
      BODY="$WORK/body-$BODY-plain.json" ;;
    *)
      case "$target" in direct) port="" ;; nginx) port=$NGINX_PORT ;; yarp) port=$YARP_PORT ;; esac
      URL="$base/$endpoint"
      [[ -n "$port" ]] && URL="${URL/127.0.0.1:$MOCK_PORT/127.0.0.1:$port}" && URL="${URL/127.0.0.1:$SSE_PORT/127.0.0.1:$port}"
      [[ "$BODY" == ttfe || "$BODY" == streams ]] && BODY=sse
      BODY="$WORK/body-$BODY-plain.json" ;;
  esac
  return 0
}

# ---------------------------------------------------------------------------------------------
# One target x scenario: probe, warm up, measure.
probe() { # url bodyfile accept bearer [header...] -> prints status; body in $WORK/probe.*
  local -a auth=() h
  [[ -n "${4:-}" ]] && auth=(-H "Authorization: Bearer $4")
  for h in "${@:5}"; do auth+=(-H "$h"); done
  curl -s -o "$WORK/probe.body" -D "$WORK/probe.headers" -w '%{http_code}' --max-time 10 \
    -H 'Content-Type: application/json' -H "Accept: $3" "${auth[@]}" --data-binary "@$2" "$1" || echo "000"
}

# Requests the governance-on rows sent (probes, warm-ups, measured and single-connection runs), and the
# non-2xx answers among them, for the check against the gateway's usage report at the end.
GOV_SENT=0
GOV_NON2XX=0
count_gov() { # wrk-output-file
  local line kv
  line=$(grep '^TOLLGATE_BENCH ' "$1" 2>/dev/null | tail -n 1) || return 0
  for kv in ${line#TOLLGATE_BENCH }; do
    case "$kv" in
      requests=*) GOV_SENT=$((GOV_SENT + ${kv#requests=})) ;;
      err_status=*) GOV_NON2XX=$((GOV_NON2XX + ${kv#err_status=})) ;;
    esac
  done
}

run_one() { # scenario target
  local scenario="$1" target="$2" url body accept token=""
  local -a pids mock_pids hdrs
  read -ra mock_pids < <(nginx_pids "$MOCK_PID")
  read -ra pids < <(target_pids "$target")
  request_for "$scenario" "$target"
  url=$URL; body=$BODY; accept=$ACCEPT; hdrs=("${HDRS[@]}")
  # chat-gov: Tollgate with governance only, the chat request with the virtual key
  [[ "$scenario" == chat-gov ]] && token=$GOV_VK

  local status
  status=$(probe "$url" "$body" "$accept" "$token" "${hdrs[@]}")
  [[ -z "$token" ]] || GOV_SENT=$((GOV_SENT + 1))
  if [[ "$status" != 200 ]]; then
    note "$target/$scenario: probe POST $url returned $status: $(head -c 400 "$WORK/probe.body" | tr '\n' ' ')"
    printf '%s\t%s\t%s\tfailed\t%s\n' "$ROUND" "$scenario" "$target" "$status" >>"$RESULTS_TSV"
    return 0
  fi
  if [[ "$target" == tollgate* || "$target" == portkey ]]; then
    cp "$WORK/probe.headers" "$WORK/raw/$target-$scenario-headers.txt"
    cp "$WORK/probe.body" "$WORK/raw/$target-$scenario-body.txt"
  fi
  if [[ "$scenario" == stream-anthropic ]] && ! grep -q '^event: message_stop' "$WORK/probe.body"; then
    note "$target/$scenario: probe response has no 'event: message_stop'"
  fi
  if [[ "$scenario" == stream ]] && ! grep -q '^data: \[DONE\]' "$WORK/probe.body"; then
    note "$target/$scenario: probe response has no 'data: [DONE]'"
  fi
  # Governance must be on for chat-gov and off for chat: the rate-limit headers say which.
  if [[ "$target" == tollgate-gov && "$scenario" == chat-gov ]] && ! grep -qi '^x-ratelimit-limit-requests:' "$WORK/probe.headers"; then
    note "tollgate-gov/chat-gov: the probe answer has no x-ratelimit-* headers: governance may not have applied to the virtual key"
  fi
  if [[ "$target" == tollgate && "$scenario" == chat ]] && grep -qi '^x-ratelimit-' "$WORK/probe.headers"; then
    note "tollgate/chat: the probe answer has x-ratelimit-* headers although it carried no virtual key"
  fi

  local wrk_args=(-t "$THREADS" -c "$CONNECTIONS" --timeout 10s -s "$BENCH_DIR/request.lua")
  local tag="$scenario-$target"
  ((ROUNDS == 1)) || tag+="-r$ROUND"
  if ((WARMUP > 0 && ROUND == 1)); then
    log "$scenario/$target: warm-up ${WARMUP}s"
    run_wrk "$WORK/raw/$scenario-$target-warmup.txt" "${wrk_args[@]}" -d "${WARMUP}s" "$url" -- "$body" "$accept" "$token" "${hdrs[@]}" || true
    [[ -z "$token" ]] || count_gov "$WORK/raw/$scenario-$target-warmup.txt"
    sleep 1
  fi

  log "$scenario/$target: measuring ${DURATION}s at $CONNECTIONS connections (round $ROUND of $ROUNDS)"
  local cpu0 mock0 box0 cpu1 mock1 box1 out
  local acc0 acc1 wrk0 wrk1
  acc0=$(mock_accepts)
  wrk0=$(waited_children_ticks)
  cpu0=$(cpu_ticks "${pids[@]}"); mock0=$(cpu_ticks "${mock_pids[@]}"); box0=$(box_ticks)
  out="$WORK/raw/$tag.txt"
  run_wrk "$out" "${wrk_args[@]}" -d "${DURATION}s" --latency "$url" -- "$body" "$accept" "$token" "${hdrs[@]}" || {
    note "$target/$scenario: wrk failed: $(tail -n 3 "$out" | tr '\n' ' ')"
    printf '%s\t%s\t%s\tfailed\twrk\n' "$ROUND" "$scenario" "$target" >>"$RESULTS_TSV"
    return 0
  }
  cpu1=$(cpu_ticks "${pids[@]}"); mock1=$(cpu_ticks "${mock_pids[@]}"); box1=$(box_ticks)
  wrk1=$(waited_children_ticks)
  acc1=$(mock_accepts)
  local line
  [[ -z "$token" ]] || count_gov "$out"
  line=$(grep '^TOLLGATE_BENCH ' "$out" | tail -n 1)
  [[ -n "$line" ]] || { note "$target/$scenario: no result line from wrk"; return 0; }
  local rss_after
  rss_after=$(rss_kb "${pids[@]}")
  # round scenario target ok <wrk key=values> proxy_ticks mock_ticks box_busy box_total rss_idle rss_after
  #   upstream_conns (connections the mock accepted during the run, less the stub_status read itself) wrk_ticks
  local b0 t0 b1 t1
  read -r b0 t0 <<<"$box0"; read -r b1 t1 <<<"$box1"
  printf '%s\t%s\t%s\tok\t%s\t%d\t%d\t%d\t%d\t%s\t%s\t%d\t%d\n' "$ROUND" "$scenario" "$target" "${line#TOLLGATE_BENCH }" \
    $((cpu1 - cpu0)) $((mock1 - mock0)) $((b1 - b0)) $((t1 - t0)) "${RSS_IDLE[$target]}" "$rss_after" \
    $((${acc1:-0} - ${acc0:-0} - 1)) $((wrk1 - wrk0)) >>"$RESULTS_TSV"
  grep -E 'Requests/sec|Non-2xx|Socket errors' "$out" >&2 || true

  # Unloaded latency: one connection, one request at a time, so queueing on the busy box does not
  # hide what the proxy itself adds.
  if ((SINGLE > 0)); then
    log "$scenario/$target: single connection ${SINGLE}s"
    out="$WORK/raw/$tag-single.txt"
    if run_wrk "$out" -t 1 -c 1 --timeout 10s -s "$BENCH_DIR/request.lua" -d "${SINGLE}s" --latency "$url" -- "$body" "$accept" "$token" "${hdrs[@]}"; then
      [[ -z "$token" ]] || count_gov "$out"
      line=$(grep '^TOLLGATE_BENCH ' "$out" | tail -n 1)
      [[ -z "$line" ]] || printf '%s\t%s\t%s\t%s\n' "$ROUND" "$scenario" "$target" "${line#TOLLGATE_BENCH }" >>"$SINGLE_TSV"
    else
      note "$target/$scenario: single-connection wrk failed"
    fi
  fi
}

# The rows of one round, in order: chat-gov (Tollgate with governance only) right after Tollgate's chat row,
# so gov-off and gov-on run back to back; in even rounds the two swap places, so a drift in the box's load
# does not always favour the same one.
PAIRS=()
for scenario in "${SCENARIOS[@]}"; do
  case "$scenario" in
    chat-gov) target_ok tollgate-gov && PAIRS+=("chat-gov tollgate-gov") ;;
    chat|chat10k|stream|embeddings)
      for target in direct nginx yarp portkey tollgate; do
        target_ok "$target" && PAIRS+=("$scenario $target")
      done ;;
    # Tollgate only (no peer translates Anthropic Messages to OpenAI); read against Tollgate's own stream row.
    stream-anthropic) target_ok tollgate && PAIRS+=("stream-anthropic tollgate") ;;
  esac
done
for ((ROUND = 1; ROUND <= ROUNDS; ROUND++)); do
  order=("${PAIRS[@]}")
  if ((ROUND % 2 == 0)); then
    for i in "${!order[@]}"; do
      if [[ "${order[$i]}" == "chat tollgate" && "${order[$((i + 1))]:-}" == "chat-gov tollgate-gov" ]]; then
        order[$i]="chat-gov tollgate-gov"; order[$((i + 1))]="chat tollgate"; break
      fi
    done
  fi
  for pair in "${order[@]}"; do
    run_one ${pair}
  done
done
for scenario in "${SCENARIOS[@]}"; do
  case "$scenario" in
    chat-gov) target=tollgate-gov; status=$TG_GOV_STATUS ;;
    chat|chat10k|stream|stream-anthropic|embeddings) target=tollgate; status=$TG_STATUS ;;
    *) continue ;;
  esac
  [[ "$status" == ok || "$status" == skipped ]] || printf '1\t%s\t%s\tfailed\t%s\n' "$scenario" "$target" "$status" >>"$RESULTS_TSV"
done

# ---------------------------------------------------------------------------------------------
# Rows the helpers measure (bench/tools): fixed-rate latency, time to first event, many open streams, soak.
LATENCY_TSV="$WORK/latency.tsv"; TTFE_TSV="$WORK/ttfe.tsv"; STREAMS_TSV="$WORK/streams.tsv"; SOAK_TSV="$WORK/soak.tsv"
: >"$LATENCY_TSV"; : >"$TTFE_TSV"; : >"$STREAMS_TSV"; : >"$SOAK_TSV"
run_tool() { # output-file tool-args... ; in the background so a signal stops the harness at once
  local out="$1"; shift
  "$TOOLS_BIN" "$@" >"$out" 2>&1 &
  CHILD_PID=$!
  local rc=0
  wait "$CHILD_PID" || rc=$?
  CHILD_PID=""
  return "$rc"
}
tool_line() { grep "^TOLLGATE_BENCH_TOOL $2 " "$1" 2>/dev/null | tail -n 1 | cut -d' ' -f3-; }
header_args() { local h; for h in "$@"; do printf '%s\0%s\0' --header "$h"; done; }
scenario_on() { [[ " ${SCENARIOS[*]} " == *" $1 "* ]]; }

# Half of nginx's chat saturation rate (round 1), where "added p99 latency" is judged (issue 8). Without
# an nginx figure the rate falls back to 1,000 req/s.
FIXED_RATE=0
if scenario_on latency || scenario_on soak; then
  FIXED_RATE=$(awk -F'\t' '$1 == 1 && $2 == "chat" && $3 == "nginx" && $4 == "ok" {
      n = split($5, kv, " "); for (i = 1; i <= n; i++) { split(kv[i], p, "="); v[p[1]] = p[2] }
      if (v["duration_us"] > 0) printf "%d", v["requests"] / (v["duration_us"] / 1e6) / 2 }' "$RESULTS_TSV")
  [[ -n "$FIXED_RATE" && "$FIXED_RATE" -gt 0 ]] || FIXED_RATE=0
  scenario_on latency && ((FIXED_RATE == 0)) && FIXED_RATE=1000
fi

# wrk paced by rate.lua (open loop at a fixed rate; see the script). Output: one line per target with wrk's
# figures renamed for report.py, the proxy's CPU ticks and its RSS after the row.
rate_args() { # rate seconds url body accept token [header...] -> wrk arguments, NUL-separated
  local rate="$1" secs="$2" url="$3" body="$4" accept="$5" token="$6"; shift 6
  printf '%s\0' -t "$THREADS" -c 64 --timeout 10s -s "$BENCH_DIR/rate.lua" -d "${secs}s" --latency "$url" -- \
    "$body" "$accept" "$token" "$(python3 -c "print($rate / $THREADS)")" "$@"
}
rate_parse() { # wrk-output rate -> "key=value ..." (empty when wrk printed no result line)
  grep '^TOLLGATE_BENCH ' "$1" | tail -n 1 | awk -v rate="$2" '{
    for (i = 2; i <= NF; i++) { split($i, p, "="); v[p[1]] = p[2] }
    printf "target_rps=%d achieved_rps=%d requests=%d errors=%d non2xx=%d behind_ms=%d service_p50_us=%d service_p90_us=%d service_p99_us=%d service_max_us=%d",
      rate, v["requests"] / (v["duration_us"] / 1e6), v["requests"], v["err_connect"] + v["err_read"] + v["err_write"] + v["err_timeout"],
      v["err_status"], v["behind_ms"], v["p50_us"], v["p90_us"], v["p99_us"], v["max_us"] }'
}
rate_row() { # out-file rate seconds url body accept token [header...] -> prints rate_parse's line
  local out="$1" rate="$2"; shift
  local -a args
  mapfile -d '' args < <(rate_args "$@")
  run_wrk "$out" "${args[@]}" || return 0
  rate_parse "$out" "$rate"
}
if scenario_on latency; then
  for target in direct nginx yarp portkey tollgate tollgate-gov; do
    target_ok "$target" || continue
    request_for latency "$target"
    token=""
    [[ "$target" == tollgate-gov ]] && token=$GOV_VK
    read -ra pids < <(target_pids "$target")
    log "latency/$target: fixed rate $FIXED_RATE req/s, 2 s warm-up then ${RATE_SECONDS}s"
    rate_row "$WORK/raw/latency-$target-warmup.txt" "$FIXED_RATE" 2 "$URL" "$BODY" "$ACCEPT" "$token" "${HDRS[@]}" >/dev/null
    [[ -z "$token" ]] || count_gov "$WORK/raw/latency-$target-warmup.txt"
    cpu0=$(cpu_ticks "${pids[@]}")
    line=$(rate_row "$WORK/raw/latency-$target.txt" "$FIXED_RATE" "$RATE_SECONDS" "$URL" "$BODY" "$ACCEPT" "$token" "${HDRS[@]}")
    cpu1=$(cpu_ticks "${pids[@]}")
    [[ -z "$token" ]] || count_gov "$WORK/raw/latency-$target.txt"
    if [[ -n "$line" ]]; then
      printf '%s\t%s cpu_ticks=%d rss_kb=%d\n' "$target" "$line" $((cpu1 - cpu0)) "$(rss_kb "${pids[@]}")" >>"$LATENCY_TSV"
    else
      note "latency/$target: the fixed-rate wrk run failed: $(tail -n 2 "$WORK/raw/latency-$target.txt" | tr '\n' ' ')"
    fi
  done
fi

if [[ -n "$TOOLS_BIN" ]] && scenario_on ttfe; then
  for target in direct nginx yarp portkey tollgate; do
    target_ok "$target" || continue
    request_for ttfe "$target"
    log "ttfe/$target: 300 sequential streams (first event at once, 5 events 2 ms apart)"
    out="$WORK/raw/ttfe-$target.txt"
    mapfile -d '' extra < <(header_args "${HDRS[@]}")
    run_tool "$out" ttfe --url "$URL" --body "$BODY" --count 300 --warmup 50 "${extra[@]}" ||
      note "ttfe/$target: the probe failed: $(tail -n 2 "$out" | tr '\n' ' ')"
    line=$(tool_line "$out" ttfe)
    [[ -z "$line" ]] || printf '%s\t%s\n' "$target" "$line" >>"$TTFE_TSV"
  done
fi

if [[ -n "$TOOLS_BIN" ]] && scenario_on streams; then
  for target in nginx yarp portkey tollgate; do
    target_ok "$target" || continue
    request_for streams "$target"
    read -ra pids < <(target_pids "$target")
    log "streams/$target: holding $STREAMS concurrent SSE streams (${STREAM_SECONDS}s each)"
    out="$WORK/raw/streams-$target.txt"
    mapfile -d '' extra < <(header_args "${HDRS[@]}")
    rss_before=$(rss_kb "${pids[@]}")
    "$TOOLS_BIN" hold --url "$URL" --body "$BODY" --count "$STREAMS" --ready-timeout $((STREAM_SECONDS + 60)) "${extra[@]}" >"$out" 2>&1 &
    CHILD_PID=$!
    rss_ready=0; rss_peak=0
    while kill -0 "$CHILD_PID" 2>/dev/null; do
      r=$(rss_kb "${pids[@]}")
      ((r > rss_peak)) && rss_peak=$r
      if ((rss_ready == 0)) && grep -q '^TOLLGATE_BENCH_TOOL ready ' "$out"; then rss_ready=$r; fi
      sleep 1
    done
    wait "$CHILD_PID" || note "streams/$target: the stream holder failed: $(tail -n 2 "$out" | tr '\n' ' ')"
    CHILD_PID=""
    sleep 5
    printf '%s\t%s %s rss_before_kb=%d rss_ready_kb=%d rss_peak_kb=%d rss_after_kb=%d\n' "$target" \
      "$(tool_line "$out" ready)" "$(tool_line "$out" done | sed 's/ first_error=.*//')" \
      "$rss_before" "$rss_ready" "$rss_peak" "$(rss_kb "${pids[@]}")" >>"$STREAMS_TSV"
    err=$(sed -n 's/.*first_error="\(.\+\)"$/\1/p' "$out")
    [[ -z "$err" ]] || note "streams/$target: first stream error: ${err:0:200}"
  done
fi

if scenario_on soak && target_ok tollgate-gov; then
  # Governance (and logging, when the build has it) on, at a fixed moderate rate: a quarter of nginx's chat
  # saturation when this run measured it, else 1,000 req/s. RSS and CPU of Tollgate with governance every 10 s.
  SOAK_RATE=$((FIXED_RATE > 0 ? FIXED_RATE / 2 : 1000))
  request_for soak tollgate-gov
  log "soak: Tollgate with governance at $SOAK_RATE req/s for ${SOAK_SECONDS}s, RSS every 10 s"
  out="$WORK/raw/soak.txt"
  mapfile -d '' args < <(rate_args "$SOAK_RATE" "$SOAK_SECONDS" "$URL" "$BODY" "$ACCEPT" "$GOV_VK")
  wrk "${args[@]}" >"$out" 2>&1 &
  CHILD_PID=$!
  t0=$SECONDS
  printf '0\t%d\t%d\n' "$(rss_kb "$TG_GOV_PID")" "$(cpu_ticks "$TG_GOV_PID")" >>"$SOAK_TSV"
  while kill -0 "$CHILD_PID" 2>/dev/null; do
    sleep 10
    kill -0 "$CHILD_PID" 2>/dev/null || break
    printf '%d\t%d\t%d\n' $((SECONDS - t0)) "$(rss_kb "$TG_GOV_PID")" "$(cpu_ticks "$TG_GOV_PID")" >>"$SOAK_TSV"
  done
  wait "$CHILD_PID" || true
  CHILD_PID=""
  echo "$(rate_parse "$out" "$SOAK_RATE")" >"$WORK/soak-line.txt"
  export BENCH_SOAK_RATE="$SOAK_RATE" BENCH_SOAK_LINE="$(cat "$WORK/soak-line.txt")"
  [[ -n "$BENCH_SOAK_LINE" ]] || note "soak: the wrk run failed: $(tail -n 2 "$out" | tr '\n' ' ')"
fi

# requests wrk abandoned at the end of its last run finish upstream and settle; the request log's batch is written
if target_ok tollgate || target_ok tollgate-gov; then sleep 1; fi
# Governance check: what Tollgate with governance recorded for the virtual key (usage report, both budgets),
# to set against the requests the chat-gov rows sent. report.py compares them.
if target_ok tollgate-gov && scenario_on chat-gov; then
  for what in "usage?group_by=virtual_key" "budgets"; do
    curl -s --max-time 10 -H "Authorization: Bearer $ADMIN_TOKEN" "http://127.0.0.1:$TG_GOV_PORT/api/$what" \
      -o "$WORK/raw/tollgate-gov-${what%%\?*}.json" -w '%{http_code}\n' >"$WORK/raw/tollgate-gov-${what%%\?*}.status" || true
  done
fi
# Request-log check: the first page of each process's request log, so the report can confirm that the
# gov-off process logged nothing and the governance process did.
for target in tollgate tollgate-gov; do
  target_ok "$target" || continue
  port=$TG_PORT; [[ "$target" == tollgate-gov ]] && port=$TG_GOV_PORT
  curl -s --max-time 10 -H "Authorization: Bearer $ADMIN_TOKEN" "http://127.0.0.1:$port/api/logs?limit=1" \
    -o "$WORK/raw/$target-logs.json" || true
done
for target in tollgate tollgate-gov; do
  [[ -f "$WORK/logs/$target.log" ]] || continue
  cp "$WORK/logs/$target.log" "$WORK/raw/$target.log" 2>/dev/null || true
  if grep -qiE 'fail|exception|error' "$WORK/logs/$target.log"; then
    note "$target log mentions errors: $(grep -iE 'fail|exception|error' "$WORK/logs/$target.log" | head -n 3 | tr '\n' ' ' | head -c 600)"
  fi
done

# ---------------------------------------------------------------------------------------------
# Report.
BENCH_RESPONSE_BYTES="$(wc -c <"$BENCH_DIR/mock/chat.json")"
BENCH_STREAM_BYTES="$(wc -c <"$BENCH_DIR/mock/stream.sse")"
BENCH_NGINX_VERSION="$("$NGINX_BIN" -v 2>&1 | sed 's/^nginx version: //')"
BENCH_WRK_VERSION="$(wrk --version 2>&1 | head -n 1 | awk '{print $2}' || true)"
BENCH_DOTNET_VERSION="$(dotnet --version 2>/dev/null || echo unknown)"
export BENCH_RESPONSE_BYTES BENCH_STREAM_BYTES BENCH_NGINX_VERSION BENCH_WRK_VERSION BENCH_DOTNET_VERSION
export BENCH_DURATION="$DURATION" BENCH_CONNECTIONS="$CONNECTIONS" BENCH_THREADS="$THREADS" \
  BENCH_WARMUP="$WARMUP" BENCH_CLK_TCK="$CLK_TCK" BENCH_REQUEST_BYTES="$REQUEST_BYTES" \
  BENCH_WRITE="$WRITE_RESULTS" BENCH_NOTES="$NOTES" BENCH_RAW="$WORK/raw" \
  BENCH_SINGLE="$SINGLE" BENCH_ROUNDS="$ROUNDS" \
  BENCH_GOV_SENT="$GOV_SENT" BENCH_GOV_NON2XX="$GOV_NON2XX" BENCH_GOV_VK_ID="$GOV_VK_ID" \
  BENCH_GOV_EXTRA_SLACK="$( [[ -s "$LATENCY_TSV" ]] && grep -q '^tollgate-gov' "$LATENCY_TSV" && echo 128 || echo 0)" \
  BENCH_SOURCE_STATE="$SOURCE_STATE" \
  BENCH_LATENCY_TSV="$LATENCY_TSV" BENCH_TTFE_TSV="$TTFE_TSV" BENCH_STREAMS_TSV="$STREAMS_TSV" BENCH_SOAK_TSV="$SOAK_TSV" \
  BENCH_FIXED_RATE="$FIXED_RATE" BENCH_STREAMS="$STREAMS" BENCH_STREAM_SECONDS="$STREAM_SECONDS" BENCH_RATE_SECONDS="$RATE_SECONDS" \
  BENCH_SOAK_SECONDS="$SOAK_SECONDS" BENCH_PORTKEY_VERSION="$PORTKEY_VERSION" BENCH_LOGGING_STATE="$LOGGING_STATE" \
  BENCH_SCENARIO="$SCENARIO" BENCH_TARGET_STATUS="yarp: $YARP_STATUS; portkey: $PORTKEY_STATUS; tollgate: $TG_STATUS; tollgate-gov: $TG_GOV_STATUS" \
  BENCH_TG_RSS_IDLE_KB="${RSS_IDLE[tollgate]:-}" BENCH_TG_GOV_RSS_IDLE_KB="${RSS_IDLE[tollgate-gov]:-}" \
  BENCH_COMMAND="bench/run.sh --duration $DURATION --connections $CONNECTIONS --scenario $SCENARIO --warmup $WARMUP --threads $THREADS --single $SINGLE --rounds $ROUNDS --streams $STREAMS --stream-seconds $STREAM_SECONDS --rate-seconds $RATE_SECONDS$([[ $SCENARIO == soak ]] && echo " --soak-seconds $SOAK_SECONDS")"
python3 "$BENCH_DIR/report.py" "$RESULTS_TSV" "$SINGLE_TSV" "$BENCH_DIR"
