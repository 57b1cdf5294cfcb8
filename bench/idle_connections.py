#!/usr/bin/env python3
"""Opens N idle keep-alive connections to a running gateway (one GET /health each, then silence) and prints the
gateway's RSS before, with all N open, and after they close (issue 20).

    bench/idle_connections.py --port 8080 --pid <gateway pid> --count 10000
"""
import argparse
import asyncio
import time


def rss_mb(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def open_idle(port, count, held):
    request = b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n"
    semaphore = asyncio.Semaphore(200)  # at most 200 handshakes at once, so the listen backlog never overflows

    async def one():
        async with semaphore:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(request)
            await writer.drain()
            await reader.readuntil(b"\r\n\r\n")
            held.append(writer)

    results = await asyncio.gather(*(one() for _ in range(count)), return_exceptions=True)
    return sum(1 for r in results if isinstance(r, Exception))


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--pid", type=int, required=True)
    parser.add_argument("--count", type=int, default=10000)
    parser.add_argument("--hold-seconds", type=float, default=5)
    args = parser.parse_args()
    before = rss_mb(args.pid)
    held = []
    started = time.monotonic()
    failed = await open_idle(args.port, args.count, held)
    opened = time.monotonic() - started
    await asyncio.sleep(args.hold_seconds)
    during = rss_mb(args.pid)
    for writer in held:
        writer.close()
    await asyncio.sleep(3)
    after = rss_mb(args.pid)
    print(f"TOLLGATE_IDLE count={len(held)} failed={failed} open_s={opened:.1f} rss_before_mb={before:.1f} "
          f"rss_open_mb={during:.1f} rss_after_mb={after:.1f} per_connection_kb={(during - before) * 1024 / max(1, len(held)):.1f}")


asyncio.run(main())
