#!/usr/bin/env python3
"""What the proxy costs: runs/wait through HAProxy (HTTPS) and directly to one server.

    bench/proxy.py --direct http://10.0.8.11:8000 --proxy https://lb.example.net --ca ca.crt

Each of --concurrency clients keeps one connection open (keep-alive, as SDK
clients do), makes its own thread and runs the lab's "echo" graph on it with
runs/wait, --requests times in all per target. The targets take turns in
rounds, so drift on the hosts hits both alike. Prints throughput and p50/p99
latency of each and the proxy's cost in percent (also as JSON to --out).
"""

from __future__ import annotations

import argparse
import http.client
import json
import ssl
import statistics
import threading
import time
import urllib.parse

ONLY_OK = False


def connect(url: str, ca: str | None) -> http.client.HTTPConnection:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme == "https":
        context = ssl.create_default_context(cafile=ca)
        return http.client.HTTPSConnection(parts.hostname, parts.port or 443, context=context, timeout=60)
    return http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=60)


def call(conn: http.client.HTTPConnection, method: str, path: str, body: dict | None = None) -> dict:
    conn.request(method, path, body=json.dumps(body or {}), headers={"Content-Type": "application/json"})
    response = conn.getresponse()
    data = response.read()
    if response.status != 200:
        raise RuntimeError(f"{method} {path}: HTTP {response.status} {data[:200]!r}")
    return json.loads(data)


def client(url: str, ca: str | None, count: int, latencies: list[float], errors: list[str]) -> None:
    conn = connect(url, ca)
    try:
        thread = call(conn, "POST", "/threads")["thread_id"] if not ONLY_OK else ""
        for i in range(count):
            text = f"bench {i}"
            start = time.perf_counter()
            if ONLY_OK:
                conn.request("GET", "/ok")
                response = conn.getresponse()
                response.read()
                out = {"reversed": text[::-1]} if response.status == 200 else {"status": response.status}
            else:
                out = call(conn, "POST", f"/threads/{thread}/runs/wait", {"assistant_id": "echo", "input": {"text": text}})
            latencies.append(time.perf_counter() - start)
            if out.get("reversed") != text[::-1]:
                errors.append(f"wrong answer {out!r}")
    except Exception as error:  # noqa: BLE001 - every failure is counted and shown
        errors.append(str(error))
    finally:
        conn.close()


def round_of(url: str, ca: str | None, requests: int, concurrency: int) -> tuple[float, list[float], list[str]]:
    latencies: list[float] = []
    errors: list[str] = []
    share = [requests // concurrency + (1 if i < requests % concurrency else 0) for i in range(concurrency)]
    workers = [threading.Thread(target=client, args=(url, ca, n, latencies, errors)) for n in share]
    start = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return time.perf_counter() - start, latencies, errors


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--direct", required=True, help="one server's API, e.g. http://10.0.8.11:8000")
    parser.add_argument("--proxy", required=True, help="the proxy, e.g. https://lb.example.net")
    parser.add_argument("--ca", help="CA file that verifies the proxy's certificate")
    parser.add_argument("--requests", type=int, default=300, help="runs per target (default 300)")
    parser.add_argument("--concurrency", type=int, default=8, help="clients at once (default 8)")
    parser.add_argument("--rounds", type=int, default=3, help="turns each target takes (default 3)")
    parser.add_argument("--ok", action="store_true", help="GET /ok instead of runs/wait: the proxy's own cost")
    parser.add_argument("--out", help="also write the figures here as JSON")
    args = parser.parse_args()
    global ONLY_OK  # pylint: disable=global-statement
    ONLY_OK = args.ok

    totals = {"direct": [0.0, [], []], "proxy": [0.0, [], []]}
    round_(args, totals, warmup=True)
    for _ in range(args.rounds):
        round_(args, totals, warmup=False)

    what = "GET /ok" if args.ok else "runs/wait"
    print(f"{what}, {args.requests * args.rounds} requests per target, {args.concurrency} clients with keep-alive")
    figures: dict = {"call": what, "requests": args.requests * args.rounds, "concurrency": args.concurrency}
    for name, (elapsed, latencies, errors) in totals.items():
        figures[name] = {
            "req_per_s": round(len(latencies) / elapsed if elapsed else 0.0, 1),
            "p50_ms": round(percentile(latencies, 0.5) * 1000, 1),
            "p99_ms": round(percentile(latencies, 0.99) * 1000, 1),
            "mean_ms": round(statistics.mean(latencies) * 1000, 1),
            "errors": len(errors),
        }
        one = figures[name]
        print(f"{name:<7} {one['req_per_s']:7.1f} req/s   p50 {one['p50_ms']:7.1f} ms   p99 {one['p99_ms']:7.1f} ms"
              f"   mean {one['mean_ms']:7.1f} ms   errors {len(errors)}{(': ' + errors[0]) if errors else ''}")
    direct, proxy = figures["direct"]["req_per_s"], figures["proxy"]["req_per_s"]
    figures["cost_percent"] = round((1 - proxy / direct) * 100, 1) if direct else None
    print(f"proxy cost: {figures['cost_percent']} % of the direct throughput"
          " (negative: the proxy spreads runs over more servers)")
    if args.out:
        with open(args.out, "w", encoding="utf-8") as out:
            json.dump(figures, out, indent=1)
            out.write("\n")
    return 1 if any(t[2] for t in totals.values()) else 0


def round_(args: argparse.Namespace, totals: dict, warmup: bool) -> None:
    for name in ("direct", "proxy"):
        url = args.direct if name == "direct" else args.proxy
        count = max(args.concurrency, args.requests // 10) if warmup else args.requests
        elapsed, latencies, errors = round_of(url, args.ca, count, args.concurrency)
        if not warmup:
            totals[name][0] += elapsed
            totals[name][1].extend(latencies)
            totals[name][2].extend(errors)


if __name__ == "__main__":
    raise SystemExit(main())
