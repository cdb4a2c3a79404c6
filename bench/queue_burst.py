#!/usr/bin/env python3
"""A burst of background runs, and how the queue workers follow it.

    bench/queue_burst.py --url http://10.0.0.5:8000 --runs 80 --run-seconds 8 \
        --workers http://10.0.0.5:9100/metrics --workers http://10.0.0.6:9100/metrics \
        --min 1 --back-to-min-seconds 120

Starts --runs background runs of the lab's "echo" graph, each sleeping
--run-seconds, all at once (one new thread each), and waits for every one to
end. Meanwhile, every half second, it reads each --workers URL (a server
host's node exporter) for the queue autoscaler's figure
langgraph_queue_workers{state="running"} (summed over the deployments).
With --min it waits, before the burst and after it, at most
--back-to-min-seconds each time, until every host runs that many workers.

Prints one JSON object: the runs started, their final states, how long the
whole burst took from the first start to the last end, and for each host the
workers it ran at the start, the most it ran, the seconds from the first start
until it first ran that many, and the seconds from the burst's end until it was
back to --min (null when it was not). "run_ids" lists the runs, so that a test
can check in the database that each was taken once.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import re
import sys
import threading
import time
import urllib.request

TERMINAL = {"success", "error", "timeout", "interrupted"}
RUNNING = re.compile(r'^langgraph_queue_workers\{[^}]*state="running"[^}]*\} ([0-9.e+]+)$', re.M)


def call(url: str, body: dict | None = None) -> dict:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"},
                                     method="GET" if body is None else "POST")
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def workers_running(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            text = response.read().decode()
    except OSError:
        return None
    found = RUNNING.findall(text)
    return int(sum(float(value) for value in found)) if found else None


class Watch(threading.Thread):
    """Reads every host's running workers twice a second, with the time of each reading."""

    def __init__(self, urls: list[str]):
        super().__init__(daemon=True)
        self.urls, self.readings, self.done = urls, {url: [] for url in urls}, threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            now = time.monotonic()
            for url in self.urls:
                self.readings[url].append((now, workers_running(url)))
            self.done.wait(0.5)

    def latest(self, url: str) -> int | None:
        return self.readings[url][-1][1] if self.readings[url] else None


def start_run(url: str, text: str, seconds: float) -> tuple[str, str]:
    thread = call(f"{url}/threads", {})["thread_id"]
    run = call(f"{url}/threads/{thread}/runs", {"assistant_id": "echo", "input": {"text": text, "sleep": seconds}})
    return thread, run["run_id"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True, help="the API, e.g. http://10.0.0.5:8000")
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--run-seconds", type=float, default=8)
    parser.add_argument("--workers", action="append", default=[], help="a server host's node exporter /metrics")
    parser.add_argument("--min", type=int, help="wait until every host runs this many workers again")
    parser.add_argument("--back-to-min-seconds", type=float, default=300)
    parser.add_argument("--timeout", type=float, default=600, help="at most this long for the runs to end")
    args = parser.parse_args()

    watch = Watch(args.workers)
    watch.start()
    time.sleep(0.6)
    waited = time.monotonic()
    while args.min is not None and time.monotonic() - waited < args.back_to_min_seconds and any(
            watch.latest(url) != args.min for url in args.workers):
        time.sleep(0.5)
    initial = {url: watch.latest(url) for url in args.workers}
    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        runs = list(pool.map(lambda n: start_run(args.url, f"burst {n}", args.run_seconds), range(args.runs)))
    submitted = time.monotonic() - started

    states: dict[str, str] = {}
    while len(states) < len(runs) and time.monotonic() - started < args.timeout:
        with concurrent.futures.ThreadPoolExecutor(16) as pool:
            pending = [(thread, run) for thread, run in runs if run not in states]
            for (thread, run), answer in zip(pending, pool.map(
                    lambda pair: call(f"{args.url}/threads/{pair[0]}/runs/{pair[1]}"), pending)):
                if answer.get("status") in TERMINAL:
                    states[run] = answer["status"]
        time.sleep(1)
    ended = time.monotonic()

    back_to_min = {url: None for url in args.workers}
    if args.min is not None:
        while time.monotonic() - ended < args.back_to_min_seconds:
            for url in args.workers:
                if back_to_min[url] is None and watch.latest(url) == args.min:
                    back_to_min[url] = round(time.monotonic() - ended, 1)
            if all(value is not None for value in back_to_min.values()):
                break
            time.sleep(0.5)
    watch.done.set()
    watch.join()

    hosts = {}
    for url, readings in watch.readings.items():
        counts = [count for _, count in readings if count is not None]
        most = max(counts, default=None)
        first_most = next((at for at, count in readings if count == most and at >= started), None)
        hosts[url] = {"initial": initial[url], "most": most,
                      "seconds_to_most": None if first_most is None else round(first_most - started, 1),
                      "seconds_back_to_min": back_to_min[url]}
    outcome = {}
    for state in states.values():
        outcome[state] = outcome.get(state, 0) + 1
    print(json.dumps({"runs": len(runs), "run_seconds": args.run_seconds, "submitted_s": round(submitted, 1),
                      "states": outcome, "unfinished": len(runs) - len(states),
                      "burst_s": round(ended - started, 1), "hosts": hosts,
                      "run_ids": [run for _, run in runs]}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
