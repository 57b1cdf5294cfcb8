#!/usr/bin/env python3
"""Report for the fault scenario (bench/fault.sh, i.e. `bench/run.sh --scenario fault`).

Usage (fault.sh calls it): fault_report.py <bench dir>, with BENCH_* environment variables; the raw files are
in $BENCH_RAW. Prints the table; unless BENCH_WRITE=0, writes bench/results/<YYYY-MM-DD>-fault.md and refreshes
the fault block in bench/README.md (between the bench:fault markers).
"""
import datetime
import json
import os
import platform
import subprocess
import sys

START, END = "<!-- bench:fault:start -->", "<!-- bench:fault:end -->"
K1 = "sk-test-k1"


def env(name, default=""):
    return os.environ.get(name, default)


def load_json(path, default=None):
    try:
        with open(path) as fh:
            return json.load(fh)
    except (OSError, ValueError):
        return default


def norm(d):
    """Key names without case or underscores, so camelCase and snake_case both work."""
    return {k.replace("_", "").lower(): v for k, v in d.items()} if isinstance(d, dict) else {}


def wrk_row(raw, tag):
    line = ""
    with open(os.path.join(raw, f"{tag}.txt")) as fh:
        for l in fh:
            if l.startswith("TOLLGATE_BENCH "):
                line = l
    kv = {k: int(v) for k, v in (item.split("=", 1) for item in line.split()[1:])}
    n = kv["requests"]
    secs = kv["duration_us"] / 1e6
    row = {
        "requests": n, "rps": n / secs if secs else 0.0,
        "non2xx": kv["err_status"],
        "sockerr": sum(kv[k] for k in ("err_connect", "err_read", "err_write", "err_timeout")),
        "success": 100.0 * (n - kv["err_status"]) / n if n else 0.0,
        "p50": kv["p50_us"] / 1000, "p90": kv["p90_us"] / 1000, "p99": kv["p99_us"] / 1000, "max": kv["max_us"] / 1000,
    }
    before = norm(load_json(os.path.join(raw, f"{tag}-state-before.json"), {}))
    after = norm(load_json(os.path.join(raw, f"{tag}-state-after.json"), {}))
    attempts = None
    if "requestsbyprovider" in after:
        attempts = norm(after["requestsbyprovider"]).get("openai", 0) - norm(before.get("requestsbyprovider", {})).get("openai", 0)
    row["attempts"] = attempts
    journal = load_json(os.path.join(raw, f"{tag}-journal.json"), []) or []
    creds = [norm(e).get("credential") for e in journal]
    row["journal_n"] = len(creds)
    row["k1_share"] = 100.0 * creds.count(K1) / len(creds) if creds else None
    row["key_shares"] = {k: 100.0 * creds.count(k) / len(creds) for k in sorted(set(c for c in creds if c))} if creds else {}
    health = load_json(os.path.join(raw, f"{tag}-health.json"), []) or []
    row["health"] = {norm(h).get("key"): norm(h) for h in health if isinstance(h, dict)}
    row["statuses"] = load_json(os.path.join(raw, f"{tag}-statuses.json"), {}) or {}
    return row


def f(x, spec, dash="—"):
    return dash if x is None else format(x, spec)


def main():
    bench_dir = sys.argv[1]
    raw = env("BENCH_RAW")
    base, fault = wrk_row(raw, "baseline"), wrk_row(raw, "fault")
    rows = [("(a) no faults", base), ("(b) k1 answers 429 half the time", fault)]

    def k1_weight(r):
        h = r["health"].get("k1", {})
        if not h:
            return "—"
        return (f"{h.get('effectiveweight', 0):.2f} of {h.get('configuredweight', 0):g} "
                f"(error rate {h.get('errorrate', 0):.2f}, circuit {h.get('circuit', '?')})")

    tbl = "\n".join([
        "| run | req/s | client success (2xx / responses) | non-2xx | socket errors | p50 ms | p99 ms "
        "| upstream attempts per client request | k1 share of upstream attempts | k1 effective weight at the end |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
        *[
            f"| {name} | {r['rps']:,.0f} | {r['success']:.2f} % ({r['requests'] - r['non2xx']:,} / {r['requests']:,}) "
            f"| {r['non2xx']:,} | {r['sockerr']:,} | {r['p50']:.2f} | {r['p99']:.2f} "
            f"| {f(r['attempts'] / r['requests'] if r['attempts'] is not None and r['requests'] else None, '.3f')} "
            f"| {f(r['k1_share'], '.1f')} % | {k1_weight(r)} |"
            for name, r in rows
        ],
    ])
    d50, d99 = round(fault["p50"] - base["p50"], 2) + 0.0, round(fault["p99"] - base["p99"], 2) + 0.0  # no "-0.00"
    rps_ratio = fault["rps"] / base["rps"] if base["rps"] else 0.0
    shares = ", ".join(f"{k.replace('sk-test-', '')} {v:.1f} %" for k, v in fault["key_shares"].items())
    lines = [
        f"- **Client success rate**: {base['success']:.2f} % without the fault, **{fault['success']:.2f} %** with k1 "
        f"answering 429 to half its requests ({fault['non2xx']:,} non-2xx of {fault['requests']:,}).",
        f"- **Added latency** (b − a): p50 **{d50:+.2f} ms**, p99 **{d99:+.2f} ms**; throughput {rps_ratio:.2f}× the baseline.",
        f"- Upstream attempts per client request during (b): {f(fault['attempts'] / fault['requests'] if fault['attempts'] is not None else None, '.3f')} "
        f"(baseline {f(base['attempts'] / base['requests'] if base['attempts'] is not None else None, '.3f')}); "
        f"share of attempts per key in the last {fault['journal_n']:,} attempts of (b) (emulator journal): {shares or '—'}.",
        f"- k1 at the end of (b) (`GET /api/routing/health`): effective weight {k1_weight(fault)}.",
        f"- Statuses of 500 sequential requests right after each run: (a) {json.dumps(base['statuses'])}, (b) {json.dumps(fault['statuses'])}.",
    ]
    read = ("How to read it: with one key of three failing half the time, about 1/6 of first attempts hit a 429 "
            "if keys were picked evenly; the success rate shows how many of those the gateway hid from clients "
            "(by retrying on another key, within `max_retries: 2`), the added p50/p99 what the retries and backoff "
            "cost, and the k1 share and weight whether the router moved traffic away from the bad key "
            "(33 % = no adaptation). Runs are closed-loop at a fixed concurrency on a shared box, so latency "
            "includes queueing; compare (b) with (a) of the same run, not across runs.")
    setup = (f"`{env('BENCH_COMMAND')}`: Tollgate → upstream emulator (`tests/Tollgate.Emulator`, published in Release), "
             f"provider `openai` with keys k1, k2, k3 (weight 1 each), `network_config` `max_retries: 2`, "
             f"`retry_backoff_initial: 10`, `retry_backoff_max: 100`; model `openai/gpt-4o-mini`, non-stream chat; "
             f"wrk {env('BENCH_THREADS')} threads, {env('BENCH_CONNECTIONS')} connections, {env('BENCH_WARMUP')} s warm-up "
             f"before (a), {env('BENCH_DURATION')} s per run; fault for (b): `POST /_emulator/faults {env('BENCH_FAULT_RULE')}`.")
    mach = (f"- CPUs (`nproc`): {subprocess.run(['nproc'], capture_output=True, text=True).stdout.strip()}; "
            f"kernel: {platform.release()}; .NET SDK: {env('BENCH_DOTNET_VERSION')}; wrk: {env('BENCH_WRK_VERSION')}")
    print()
    print(tbl)
    print()
    print("\n".join(lines))
    if env("BENCH_WRITE", "1") == "0":
        return

    now = datetime.datetime.now()
    name = now.strftime("%Y-%m-%d") + "-fault.md"
    path = os.path.join(bench_dir, "results", name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    doc = [f"# Tollgate fault scenario, {now:%Y-%m-%d %H:%M}", "", "## Machine", "", mach, "", "## Setup", "", setup, "",
           f"- code measured: {env('BENCH_SOURCE_STATE', 'unknown')}", "", "## Results", "", tbl, "", *lines, "", read, "",
           "## Raw wrk output", ""]
    for tag in ("baseline", "fault"):
        body = open(os.path.join(raw, f"{tag}.txt")).read().strip()
        doc += [f"<details><summary>{tag}.txt</summary>", "", "```", body, "```", "", "</details>", ""]
    for tag in ("baseline", "fault"):
        hp = os.path.join(raw, f"{tag}-health.json")
        if os.path.exists(hp):
            doc += [f"<details><summary>GET /api/routing/health after {tag}</summary>", "", "```json",
                    open(hp).read().strip(), "```", "", "</details>", ""]
    with open(path, "w") as fh:
        fh.write("\n".join(doc))
    print(f"\nwrote {os.path.relpath(path, os.path.dirname(bench_dir))}")

    readme = os.path.join(bench_dir, "README.md")
    text = open(readme).read() if os.path.exists(readme) else ""
    if START in text and END in text:
        block = "\n".join([
            START,
            f"Latest fault run: {now:%Y-%m-%d} ([results/{name}](results/{name})), {env('BENCH_CONNECTIONS')} connections, "
            f"{env('BENCH_DURATION')} s per run.", "", mach, f"- code measured: {env('BENCH_SOURCE_STATE', 'unknown')}", "",
            tbl, "", *lines, "", read, END])
        text = text[: text.index(START)] + block + text[text.index(END) + len(END):]
        with open(readme, "w") as fh:
            fh.write(text)
        print("updated bench/README.md (fault scenario)")


if __name__ == "__main__":
    main()
