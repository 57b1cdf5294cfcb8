#!/usr/bin/env bash
# Runs every Tollgate test: installs what the tests need (only when missing), then `dotnet test` on the
# solution, and closes with one line `N passed, N failed[, N skipped]` counted from the TRX results.
#
#   ./scripts/test.sh                                   # everything
#   ./scripts/test.sh "FullyQualifiedName~Streaming"    # only tests matching a dotnet test --filter
#   ./scripts/test.sh "Category=Unit" --blame-hang-timeout 2m   # further arguments go to dotnet test as-is
#
# Exit 0 only when nothing failed and at least one test passed. A failed build, a crashed test host or
# a run that left no TRX counts as a failure. Works on a fresh Debian 12 machine run as root (CI's case).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/tollgate-test.XXXXXX")"
RESULTS="$WORK/results"
LOG="$WORK/setup.log"
SDK_NODE_DIR="$ROOT/tests/sdk-node"

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export TOLLGATE_SDK_NODE_DIR="$SDK_NODE_DIR"

# The closing line is what CI reads, so every exit path prints one.
summary() { # passed failed skipped
  if (($3 > 0)); then echo "$1 passed, $2 failed, $3 skipped"; else echo "$1 passed, $2 failed"; fi
}

fail_setup() { # message; shows the end of the setup log, then counts the run as one failure
  echo "test.sh: $1 (log: $LOG)" >&2
  [[ -s "$LOG" ]] && tail -n 40 "$LOG" >&2
  summary 0 1 0
  exit 1
}

# --- tools -----------------------------------------------------------------------------------------
# ensure_pkg COMMAND DEBIAN_PACKAGE...: installs the packages only when COMMAND is not on PATH.
# Later: ensure_pkg redis-server redis-server
APT_UPDATED=0
SUDO=()
if ((EUID != 0)) && command -v sudo >/dev/null 2>&1; then SUDO=(sudo); fi

apt_install() { # WHY DEBIAN_PACKAGE...: apt-get install, once apt-get update has run
  local why="$1"
  shift
  ((EUID == 0 || ${#SUDO[@]} > 0)) || fail_setup "$why is missing and installing $* needs root"
  echo "test.sh: installing $* (for $why)"
  if ((APT_UPDATED == 0)); then
    "${SUDO[@]}" apt-get update -q >>"$LOG" 2>&1 || fail_setup "apt-get update failed"
    APT_UPDATED=1
  fi
  # No recommends: they are build tools and docs we don't need, and they cost minutes.
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    -o DPkg::Lock::Timeout=120 "$@" \
    >>"$LOG" 2>&1 || fail_setup "apt-get install $* failed"
}

ensure_pkg() {
  local cmd="$1"
  shift
  command -v "$cmd" >/dev/null 2>&1 && return 0
  apt_install "'$cmd'" "$@"
  command -v "$cmd" >/dev/null 2>&1 || fail_setup "installed $* but '$cmd' is still not on PATH"
}

# The .NET SDK is not in Debian's archive; machines of this kind come with it.
command -v dotnet >/dev/null 2>&1 || fail_setup "the .NET 10 SDK (dotnet) is not installed"
ensure_pkg node nodejs
ensure_pkg npm npm
# The UI tests (tests/Tollgate.Tests/Ui) drive Debian's Chromium through Playwright; no browser download.
ensure_pkg chromium chromium fonts-dejavu-core

# --- SMTP server for the alert email tests (tests/Tollgate.Tests/Operations/Alerts) ------------------------------
# Debian's aiosmtpd, started by the tests themselves on a free port; it must be importable by Debian's own python3
# (a pyenv or venv python3 earlier on PATH would not see the package).
export TOLLGATE_TEST_PYTHON=/usr/bin/python3
if ! { [[ -x /usr/bin/python3 ]] && /usr/bin/python3 -c "import aiosmtpd" >/dev/null 2>&1; }; then
  apt_install "the alert email tests" python3 python3-aiosmtpd
fi

# --- PostgreSQL for the storage tests ---------------------------------------------------------------
# The PostgreSQL tests (tests/Tollgate.Tests/Storage) need a server on 127.0.0.1 and a role that may create databases:
# each test class makes its own database and drops it after, so classes run in parallel. They read the connection
# string from TOLLGATE_TEST_POSTGRES; a caller who sets it (a server of their own) skips all of this.
PG_ROLE=tollgate_test
# A throwaway role on a loopback-only server; the password only has to be known to this script and the tests, and differs
# from every name so a test can tell it never reaches a log.
PG_PASSWORD=tollgate-test-pw
as_postgres() { # COMMAND...: runs as the cluster's owner (peer authentication on the local socket), from / so it can cd
  if ((EUID == 0)); then (cd / && runuser -u postgres -- "$@"); else (cd / && sudo -u postgres "$@"); fi
}
ensure_postgres() {
  [[ -n "${TOLLGATE_TEST_POSTGRES:-}" ]] && return 0
  # The server, not psql: the client package alone brings no server.
  compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null || apt_install "the PostgreSQL tests" postgresql
  command -v pg_lsclusters >/dev/null 2>&1 || fail_setup "PostgreSQL is installed but pg_lsclusters (postgresql-common) is not"
  local version name port status
  read -r version name port status _ < <(pg_lsclusters --no-header 2>/dev/null | head -n 1) || true
  if [[ -z "${version:-}" ]]; then
    # Installed with create_main_cluster off (some images): make the default cluster ourselves.
    version="$(basename "$(compgen -G '/usr/lib/postgresql/*' | sort -V | tail -n 1)")"
    name=main
    echo "test.sh: creating PostgreSQL cluster $version/$name"
    "${SUDO[@]}" pg_createcluster "$version" "$name" >>"$LOG" 2>&1 || fail_setup "pg_createcluster $version $name failed"
    read -r version name port status _ < <(pg_lsclusters --no-header "$version" "$name")
  fi
  if [[ "$status" != online* ]]; then
    echo "test.sh: starting PostgreSQL $version/$name on port $port"
    # pg_ctlcluster starts this one cluster with or without systemd (containers have none; apt's own start is refused
    # there) and waits until it accepts connections. The socket directory lives in /run, which a restart empties.
    "${SUDO[@]}" install -d -o postgres -g postgres -m 2775 /var/run/postgresql
    "${SUDO[@]}" pg_ctlcluster "$version" "$name" start >>"$LOG" 2>&1 ||
      fail_setup "pg_ctlcluster $version $name start failed (see /var/log/postgresql/postgresql-$version-$name.log)"
  fi
  pg_isready -q -h 127.0.0.1 -p "$port" -t 30 || fail_setup "PostgreSQL $version/$name does not answer on 127.0.0.1:$port"
  # Idempotent: the role and database are made on the first run and only checked on later ones.
  # Two test runs starting at once (a developer's and an editor's) can race on the role ("tuple concurrently
  # updated"): the statements are idempotent, so try again once before giving up.
  local attempt
  for attempt in 1 2 3; do
    as_postgres psql -p "$port" -X -q -v ON_ERROR_STOP=1 >>"$LOG" 2>&1 <<SQL && break
SELECT format('CREATE ROLE %I', '$PG_ROLE') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PG_ROLE')\gexec
ALTER ROLE $PG_ROLE WITH LOGIN CREATEDB PASSWORD '$PG_PASSWORD';
SELECT format('CREATE DATABASE %I OWNER %I', '$PG_ROLE', '$PG_ROLE') WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$PG_ROLE')\gexec
SQL
    ((attempt < 3)) || fail_setup "creating the PostgreSQL test role failed"
    sleep 1
  done
  export TOLLGATE_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=$PG_ROLE;Password=$PG_PASSWORD;Database=$PG_ROLE"
  echo "test.sh: PostgreSQL $version/$name on 127.0.0.1:$port for the storage tests"
}
ensure_postgres

# --- Redis and nginx for the cluster tests ----------------------------------------------------------------
# The cluster tests (tests/Tollgate.Tests/Cluster) need redis-server (counters) and nginx (a round-robin load balancer in
# front of three gateway processes). A shared Redis on a free loopback port serves the tests that only count (each uses
# its own key prefix); tests that kill Redis start their own from TOLLGATE_TEST_REDIS_SERVER. Set TOLLGATE_TEST_REDIS to
# a server of your own to skip starting one.
ensure_pkg redis-server redis-server
ensure_pkg nginx nginx-light
export TOLLGATE_TEST_REDIS_SERVER="$(command -v redis-server)" TOLLGATE_TEST_NGINX="$(command -v nginx)"
free_port() { # a random high port nothing listens on (bash only: a fresh Debian has no python)
  local port
  while :; do
    port=$((20000 + RANDOM % 40000))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
  done
}
if [[ -z "${TOLLGATE_TEST_REDIS:-}" ]]; then
  REDIS_PORT="$(free_port)"
  mkdir -p "$WORK/redis"
  "$TOLLGATE_TEST_REDIS_SERVER" --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no --dir "$WORK/redis" \
    --daemonize yes --pidfile "$WORK/redis/redis.pid" --logfile "$WORK/redis/redis.log" >>"$LOG" 2>&1 ||
    fail_setup "redis-server did not start"
  for _ in $(seq 50); do [[ -s "$WORK/redis/redis.pid" ]] && break; sleep 0.1; done
  trap 'kill "$(cat "$WORK/redis/redis.pid" 2>/dev/null)" 2>/dev/null || true' EXIT
  export TOLLGATE_TEST_REDIS="127.0.0.1:$REDIS_PORT"
  echo "test.sh: redis-server on 127.0.0.1:$REDIS_PORT for the cluster tests"
fi

# --- deployment tests (tests/Tollgate.Tests/Deployment) ----------------------------------------------
# No helm or container engine here: the chart is rendered by tests/chart-render, built with Debian's Go and the same
# template libraries helm uses (sprig, ghodss/yaml); yamllint checks deploy/; dockerfile-utils (npm) lints the Dockerfile.
ensure_pkg go golang-go
for lib in github.com/Masterminds/sprig:golang-github-masterminds-sprig-dev github.com/ghodss/yaml:golang-github-ghodss-yaml-dev; do
  [[ -d "/usr/share/gocode/src/${lib%%:*}" ]] || apt_install "the chart renderer" "${lib#*:}"
done
ensure_pkg yamllint yamllint
ensure_pkg unshare util-linux
# nginx -t checks deploy/nginx.conf.
[[ -x /usr/sbin/nginx ]] || apt_install "the nginx.conf check" nginx
DEPLOY_LINT_DIR="$ROOT/tests/deploy-lint"
stamp="$DEPLOY_LINT_DIR/node_modules/.package-lock.json"
if [[ ! -f "$stamp" || "$DEPLOY_LINT_DIR/package-lock.json" -nt "$stamp" ]]; then
  echo "test.sh: npm ci in tests/deploy-lint"
  (cd "$DEPLOY_LINT_DIR" && npm ci --no-audit --no-fund --loglevel=error) >>"$LOG" 2>&1 ||
    fail_setup "npm ci in tests/deploy-lint failed"
fi

# --- node SDK tests' dependencies -------------------------------------------------------------------
# npm writes node_modules/.package-lock.json on install; reinstall when the manifest or lock is newer.
stamp="$SDK_NODE_DIR/node_modules/.package-lock.json"
if [[ ! -f "$stamp" || "$SDK_NODE_DIR/package-lock.json" -nt "$stamp" || "$SDK_NODE_DIR/package.json" -nt "$stamp" ]]; then
  echo "test.sh: npm ci in tests/sdk-node"
  (cd "$SDK_NODE_DIR" && npm ci --no-audit --no-fund --loglevel=error) >>"$LOG" 2>&1 ||
    fail_setup "npm ci in tests/sdk-node failed"
fi

# --- object storage emulators for the export tests (tests/Tollgate.Tests/Operations/Exports) ---------------
# npm's s3rver, installed into tests/storage-emulators; the tests start it themselves on a free port.
EMULATORS_DIR="$ROOT/tests/storage-emulators"
stamp="$EMULATORS_DIR/node_modules/.package-lock.json"
if [[ ! -f "$stamp" || "$EMULATORS_DIR/package-lock.json" -nt "$stamp" || "$EMULATORS_DIR/package.json" -nt "$stamp" ]]; then
  echo "test.sh: npm ci in tests/storage-emulators"
  (cd "$EMULATORS_DIR" && npm ci --no-audit --no-fund --loglevel=error) >>"$LOG" 2>&1 ||
    fail_setup "npm ci in tests/storage-emulators failed"
fi

# --- OpenID provider for the SSO tests (tests/Tollgate.Tests/Identity) ------------------------------------------
# npm's oidc-provider (an OpenID-certified implementation) with the small server in tests/oidc-idp; the tests start it
# themselves on a free loopback port, one per test class.
OIDC_IDP_DIR="$ROOT/tests/oidc-idp"
stamp="$OIDC_IDP_DIR/node_modules/.package-lock.json"
if [[ ! -f "$stamp" || "$OIDC_IDP_DIR/package-lock.json" -nt "$stamp" || "$OIDC_IDP_DIR/package.json" -nt "$stamp" ]]; then
  echo "test.sh: npm ci in tests/oidc-idp"
  (cd "$OIDC_IDP_DIR" && npm ci --no-audit --no-fund --loglevel=error) >>"$LOG" 2>&1 ||
    fail_setup "npm ci in tests/oidc-idp failed"
fi

# --- tests ------------------------------------------------------------------------------------------
# LogFilePrefix, not LogFileName: with a fixed name every test project of the solution writes the same
# file and only the last survives (microsoft/vstest#3026). A test hung for 10 minutes is killed and
# reported as failed, so CI ends well inside its budget instead of waiting for its own time limit.
FILTER="${1:-}"
args=(test Tollgate.slnx -c Release --nologo -v q
  --logger "trx;LogFilePrefix=results" --logger "console;verbosity=minimal"
  --results-directory "$RESULTS"
  --blame-hang-timeout 10m --blame-hang-dump-type none)
[[ -n "$FILTER" ]] && args+=(--filter "$FILTER")
(($# > 1)) && args+=("${@:2}")

rc=0
dotnet "${args[@]}" || rc=$?

# --- count ------------------------------------------------------------------------------------------
# Each test project writes one TRX (LogFilePrefix keeps them apart); its <Counters .../> has the totals.
passed=0 failed=0 skipped=0 trx_count=0
attr() { sed -n "s/.*[[:space:]]$1=\"\([0-9]*\)\".*/\1/p" <<<"$2"; }
shopt -s nullglob globstar
for trx in "$RESULTS"/**/*.trx; do
  counters="$(grep -o '<Counters [^>]*>' "$trx" | head -n 1 || true)"
  [[ -n "$counters" ]] || continue
  trx_count=$((trx_count + 1))
  n="$(attr passed "$counters")"
  passed=$((passed + ${n:-0}))
  # error/timeout/aborted are failures too, however the runner files them.
  for a in failed error timeout aborted; do
    n="$(attr "$a" "$counters")"
    failed=$((failed + ${n:-0}))
  done
  # xunit's skips show up as total - executed (notExecuted stays 0); other adapters use notExecuted.
  total="$(attr total "$counters")" executed="$(attr executed "$counters")" n="$(attr notExecuted "$counters")"
  not_run=$((${total:-0} - ${executed:-0}))
  skipped=$((skipped + (not_run > ${n:-0} ? not_run : ${n:-0})))
done

if ((trx_count == 0)); then
  echo "test.sh: no test results (build failed? dotnet test exit code $rc)" >&2
  summary 0 1 0
  exit 1
fi
if ((rc != 0 && failed == 0)); then
  # e.g. one project failed to build or its test host crashed while others reported results.
  echo "test.sh: dotnet test exited with $rc although no result failed; counting it as a failure" >&2
  failed=1
fi

((passed + failed > 0)) || echo "test.sh: no test ran${FILTER:+ (filter: $FILTER)}" >&2
echo "test.sh: results in $RESULTS"
summary "$passed" "$failed" "$skipped"
if ((failed == 0 && passed > 0)); then exit 0; else exit 1; fi
