#!/usr/bin/env python3
"""Report of bench/soak.sh: answer classes, RSS series and slope, budget check. Writes bench/results/<date>-soak-faults.md."""
import datetime
import json
import os
import re
import sys

bench = sys.argv[1]
raw = os.environ["SOAK_RAW"]
text = open(os.path.join(raw, "soak.txt")).read()
samples = [dict((k, float(v)) for k, v in re.findall(r"(\w+)=([-0-9.]+)", line))
           for line in text.splitlines() if line.startswith("TOLLGATE_SOAK sample")]
summary = json.loads(text.split("TOLLGATE_BENCH_TOOL soak ", 1)[1].splitlines()[0])
counts = summary["counts"]
total = sum(counts.values())
gateway = sum(v for k, v in counts.items() if k.startswith("GatewayError"))
gateway_5xx = sum(v for k, v in counts.items() if k.startswith("GatewayError") and re.search(r" 5\d\d", k))


def slope(points):
    """Least-squares slope in MB per minute of (t seconds, rss MB)."""
    n = len(points)
    if n < 2:
        return float("nan")
    mt = sum(t for t, _ in points) / n
    mr = sum(r for _, r in points) / n
    var = sum((t - mt) ** 2 for t, _ in points)
    return sum((t - mt) * (r - mr) for t, r in points) / var * 60 if var else float("nan")


series = [(s["t"], s["rss_mb"]) for s in samples]
duration = float(os.environ["SOAK_SECONDS"])
# The first fifth is warm-up (JIT, pools, the request log's first pages); the slope is over the rest.
steady = [p for p in series if p[0] >= duration * 0.2]
rss_slope = slope(steady)
cpu = [(s["t"], s["cpu_s"]) for s in samples]
cpu_per_req = (cpu[-1][1] - cpu[0][1]) * 1e6 / max(1, samples[-1]["done"] - samples[0]["done"]) if len(cpu) > 1 else float("nan")


def busy(stat):
    v = [int(x) for x in stat.split()[1:]]
    idle = v[3] + v[4]
    return sum(v), idle


t0, i0 = busy(os.environ["SOAK_STAT_START"])
t1, i1 = busy(os.environ["SOAK_STAT_END"])
box_busy = 100.0 * (1 - (i1 - i0) / max(1, t1 - t0))

budgets = []
try:
    budgets = json.load(open(os.path.join(raw, "budgets.json")))
except (OSError, ValueError):
    pass
reserved = [b for b in budgets if isinstance(b, dict) and abs(float(b.get("reserved", b.get("reserved_usd", 0)) or 0)) > 1e-9]
errors_logged = open(os.path.join(raw, "tollgate-errors.txt")).read().strip() or "0"
state = {}
try:
    state = json.load(open(os.path.join(raw, "emulator-state.json")))
except (OSError, ValueError):
    pass

today = datetime.date.today().isoformat()
lines = [
    f"# Soak with faults, {today}",
    "",
    f"Command: `{os.environ['SOAK_COMMAND']}`; code measured: {os.environ['SOAK_SOURCE']}.",
    f"Rate {os.environ['SOAK_RATE']} req/s for {duration:.0f} s: {float(os.environ['SOAK_STREAM_SHARE']) * 100:.0f} % streaming requests, "
    f"{float(os.environ['SOAK_SLOW_SHARE']) * 100:.0f} % of the streams read by slow clients (256 B every 100 ms); "
    "Tollgate with governance (virtual key, budget, rate limit) and the request log on, in front of the upstream emulator "
    "(provider `openai`, three keys, `max_retries` 2, 2 s upstream and stream-idle timeouts).",
    "",
    "Injected upstream faults (emulator rules, tried in order, each firing with its probability; about 10 % of attempts):",
    "",
] + [f"- `{r}`" for r in os.environ["SOAK_FAULTS"].splitlines() if r.strip()] + [
    "",
    f"Box: load average {os.environ['SOAK_LOAD_START']} at the start, {os.environ['SOAK_LOAD_END']} at the end; "
    f"all CPUs {box_busy:.0f} % busy over the run (the machine is shared with other engineers' builds and tests).",
    "",
    "| figure | goal | this run | |",
    "|---|---|---|---|",
    f"| gateway-caused 5xx (internal_error) | 0 | {gateway_5xx} | {'✓' if gateway_5xx == 0 else '✗'} |",
    f"| any gateway-caused failure (5xx, broken answer, stream without [DONE]) | 0 | {gateway} of {total} | {'✓' if gateway == 0 else '✗'} |",
    f"| RSS slope after the first fifth | ≤ 0.5 MB/min | {rss_slope:+.3f} MB/min | {'✓' if rss_slope <= 0.5 else '✗'} |",
    f"| budget reservations left at the end | 0 | {len(reserved)} budget(s) with a reservation | {'✓' if not reserved else '✗'} |",
    "",
    f"Requests answered: {total:,} (sent {summary['sent']:,}, {summary['skipped']:,} not sent because {2000} were in flight); "
    f"Tollgate CPU {cpu_per_req:.0f} µs per request over the run; error lines in Tollgate's log: {errors_logged}; "
    f"upstream attempts (emulator): {state.get('requestsByProvider', {}).get('openai', 'n/a')}.",
    "",
    "| answer class (status, slow reader) | count | share |",
    "|---|---:|---:|",
] + [f"| {k} | {v:,} | {100.0 * v / max(1, total):.3f} % |" for k, v in sorted(counts.items(), key=lambda kv: -kv[1])] + [
    "",
    "RSS of Tollgate (MB) every minute:",
    "",
    "| t (s) | RSS MB | answered | in flight |",
    "|---:|---:|---:|---:|",
] + [f"| {s['t']:.0f} | {s['rss_mb']:.1f} | {s['done']:,.0f} | {s['in_flight']:.0f} |" for s in samples if round(s["t"]) % 60 < 10 or s is samples[-1]] + [
    "",
    "Examples of each non-OK class (first seen):",
    "",
] + [f"- {k}: `{v[:200].replace('`', chr(39))}`" for k, v in summary["examples"].items()] + [""]
report = "\n".join(lines)
print(report)
if os.environ.get("SOAK_WRITE") == "1":
    path = os.path.join(bench, "results", f"{today}-soak-faults.md")
    with open(path, "w") as f:
        f.write(report)
    print(f"written: {path}", file=sys.stderr)
