#!/usr/bin/env bash
# Request log query benchmark: fills SQLite (and PostgreSQL when TOLLGATE_BENCH_POSTGRES is set to an Npgsql connection
# string) with realistic rows through RequestLogWriter, times every list/filter/stats/detail/export shape, and writes
# bench/results/<date>-logs.md with the EXPLAIN plans. See bench/README.md, "Request log at 1M rows".
#
#   bench/logs/run.sh                 # 1,000,000 rows
#   bench/logs/run.sh --rows 100000   # quicker
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
ROWS=1000000
OUT="bench/results/$(date -u +%F)-logs.md"
while (($#)); do
  case "$1" in
    --rows) ROWS="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    *) echo "usage: bench/logs/run.sh [--rows N] [--out FILE]" >&2; exit 2 ;;
  esac
done
dotnet build bench/logs/LogQueryBench.csproj -c Release --nologo -v q
dotnet bench/logs/bin/Release/net10.0/LogQueryBench.dll --rows "$ROWS" --out "$OUT"
