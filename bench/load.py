#!/usr/bin/env python3
"""A steady, bounded load on a LangGraph Server while something happens to it.

    bench/load.py --url https://lb.example.net --ca ca.crt --stop-file /tmp/stop --out load.json

Until the stop file appears (or --max-seconds pass), each client repeats one
kind of call on its own keep-alive connection to the lab's "echo" graph:

  wait        POST /runs/wait, the answer checked
  stream      POST /threads/{id}/runs/stream (resumable); a stream cut short is
              rejoined from its last event, as SDK clients do, and counts as
              failed only if the rejoin fails too
  background  POST /threads/{id}/runs with a run that takes --run-seconds,
              then GET the run every second until it ends
  reads       GET a thread a background client made, its state and its runs
              (the newest thread whose run succeeded), then pause 0.2 s

After the stop it waits (at most --settle-seconds) for every background run to
end. Prints one JSON object: requests made and failed, the first failures,
how many of them were runs/wait answered with an empty state (a run cancelled
under the request), the longest time without a successful answer until the
stop, the slowest runs/wait and stream (a rejoin included), how many
kept-alive connections the proxy had closed before their next request, the
background runs' final states and IDs, and which graph variants answered.
--out also gets the timeline: successes and failures per 100 ms from
"started_at", the Unix time the load began.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import select
import ssl
import threading
import time
import urllib.parse

TERMINAL = {"success", "error", "timeout", "interrupted"}


def closed_by_peer(sock) -> bool:
    """Whether an idle kept-alive connection was closed by the other end. A TLS
    message that carries no data (a session ticket) leaves it usable."""
    if not select.select([sock], [], [], 0)[0]:
        return False
    timeout = sock.gettimeout()
    sock.setblocking(False)
    try:
        sock.recv(1)  # b"" at the end; data while idle is no answer to anything either
        return True
    except (ssl.SSLWantReadError, BlockingIOError):
        return False
    except OSError:
        return True
    finally:
        sock.settimeout(timeout)


class Load:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.parts = urllib.parse.urlsplit(args.url)
        self.lock = threading.Lock()
        self.requests = 0
        self.failures: list[str] = []
        self.successes: list[float] = []
        self.failed_at: list[float] = []
        self.finished: list[tuple[str, str]] = []  # (thread_id, text) of runs that ended in success
        self.variants: dict[str, int] = {}
        self.last_variant = ""
        self.runs: dict[str, str] = {}  # run_id -> thread_id
        self.rejoins = 0
        self.empty_answers = 0
        self.stale_connections = 0
        self.slowest: dict[str, float] = {}
        self.start = time.monotonic()
        self.started_at = time.time()
        self.stopped_at: float | None = None

    def stopped(self) -> bool:
        if self.stopped_at is None:
            stop_file = self.args.stop_file
            if bool(stop_file and os.path.exists(stop_file)) or time.monotonic() - self.start > self.args.max_seconds:
                self.stopped_at = time.monotonic()
        return self.stopped_at is not None

    def connect(self) -> http.client.HTTPConnection:
        host, port = self.parts.hostname, self.parts.port
        if self.parts.scheme == "https":
            context = ssl.create_default_context(cafile=self.args.ca)
            return http.client.HTTPSConnection(host, port or 443, context=context, timeout=60)
        return http.client.HTTPConnection(host, port or 80, timeout=60)

    def record(self, ok: bool, what: str) -> None:
        with self.lock:
            self.requests += 1
            moment = time.monotonic()
            if ok:
                self.successes.append(moment)
            else:
                self.failed_at.append(moment)
                self.failures.append(f"{moment - self.start:6.1f} s {what}")

    def saw(self, state: dict) -> None:
        variant = str(state.get("variant", "?"))
        with self.lock:
            self.variants[variant] = self.variants.get(variant, 0) + 1
            self.last_variant = variant

    def send(self, conn, method: str, path: str, body: dict | None = None, headers: dict | None = None) -> None:
        """Sends a request, first dropping a kept-alive connection the other end
        has closed (readable while idle), as HTTP clients do before reusing one."""
        if conn.sock is not None and closed_by_peer(conn.sock):
            conn.close()
            with self.lock:
                self.stale_connections += 1
        data = None if body is None else json.dumps(body)
        conn.request(method, path, body=data, headers={"Content-Type": "application/json", **(headers or {})})

    def call(self, conn, method: str, path: str, body: dict | None = None, headers: dict | None = None):
        """One request; returns (status, body bytes). Raises on a broken connection."""
        self.send(conn, method, path, body, headers)
        response = conn.getresponse()
        return response.status, response.read()

    def client(self, kind: str, index: int) -> None:
        conn = self.connect()
        count = 0
        while not self.stopped():
            count += 1
            text = f"{kind} {index} {count}"
            began = time.monotonic()
            try:
                getattr(self, kind)(conn, text)
                if kind in ("wait", "stream"):
                    with self.lock:
                        self.slowest[kind] = max(self.slowest.get(kind, 0.0), time.monotonic() - began)
            except Exception as error:  # noqa: BLE001 - every failure is counted and shown
                self.record(False, f"{kind}: {type(error).__name__}: {error}")
                conn.close()
                conn = self.connect()
                time.sleep(0.2)
        conn.close()

    def wait(self, conn, text: str) -> None:
        status, data = self.call(conn, "POST", "/runs/wait", {"assistant_id": "echo", "input": {"text": text}})
        state = json.loads(data) if status == 200 else {}
        ok = status == 200 and state.get("reversed") == text[::-1]
        self.record(ok, f"runs/wait: HTTP {status} {data[:160]!r}")
        if ok:
            self.saw(state)
        elif status == 200 and state == {}:
            # The run was cancelled under the request (its worker stopped) and
            # the server answered with the empty state of a stateless run.
            with self.lock:
                self.empty_answers += 1

    def stream(self, conn, text: str) -> None:
        status, data = self.call(conn, "POST", "/threads", {})
        self.record(status == 200, f"threads: HTTP {status} {data[:160]!r}")
        if status != 200:
            return
        thread = json.loads(data)["thread_id"]
        body = {"assistant_id": "echo", "input": {"text": text, "sleep": self.args.stream_seconds},
                "stream_mode": ["values"], "stream_resumable": True}
        path, headers, run_id, last_id, final = f"/threads/{thread}/runs/stream", {}, None, None, None
        for attempt in range(3):
            try:
                self.send(conn, "POST" if attempt == 0 else "GET", path, body if attempt == 0 else None, headers)
                response = conn.getresponse()
                if response.status != 200:
                    self.record(False, f"stream: HTTP {response.status} {response.read()[:160]!r}")
                    return
                event = None
                for raw in response:
                    line = raw.decode().rstrip("\r\n")
                    if line.startswith("id: "):
                        last_id = line[4:]
                    elif line.startswith("event: "):
                        event = line[7:]
                    elif line.startswith("data: ") and event == "metadata":
                        run_id = json.loads(line[6:]).get("run_id", run_id)
                    elif line.startswith("data: ") and event == "values":
                        final = json.loads(line[6:])
                    elif line.startswith("data: ") and event == "error":
                        self.record(False, f"stream: error event {line[6:160]}")
                        return
                if final and final.get("reversed") == text[::-1] and "length" in final:
                    self.record(True, "")
                    self.saw(final)
                    return
            except (OSError, http.client.HTTPException):
                conn.close()
                conn.connect()
            if not run_id:
                break
            # Cut short: rejoin the run's stream after the last event seen.
            with self.lock:
                self.rejoins += 1
            path = f"/threads/{thread}/runs/{run_id}/stream"
            headers = {"Last-Event-ID": last_id} if last_id else {}
        self.record(False, f"stream: ended without the final state (run {run_id})")

    def background(self, conn, text: str) -> None:
        status, data = self.call(conn, "POST", "/threads", {})
        self.record(status == 200, f"threads: HTTP {status} {data[:160]!r}")
        if status != 200:
            return
        thread = json.loads(data)["thread_id"]
        status, data = self.call(conn, "POST", f"/threads/{thread}/runs",
                                 {"assistant_id": "echo", "input": {"text": text, "sleep": self.args.run_seconds}})
        self.record(status == 200, f"runs: HTTP {status} {data[:160]!r}")
        if status != 200:
            return
        run_id = json.loads(data)["run_id"]
        with self.lock:
            self.runs[run_id] = thread
        while not self.stopped():
            time.sleep(1)
            status, data = self.call(conn, "GET", f"/threads/{thread}/runs/{run_id}")
            self.record(status == 200, f"run status: HTTP {status} {data[:160]!r}")
            run_status = json.loads(data).get("status") if status == 200 else None
            if run_status == "success":
                with self.lock:
                    self.finished.append((thread, text))
            if run_status in TERMINAL:
                return

    def reads(self, conn, text: str) -> None:
        with self.lock:
            done = self.finished[-1] if self.finished else None
        if done is None:
            time.sleep(0.5)
            return
        thread, sent = done
        for what, path in (("thread", f"/threads/{thread}"), ("thread state", f"/threads/{thread}/state")):
            status, data = self.call(conn, "GET", path)
            values = json.loads(data).get("values") if status == 200 else None
            ok = isinstance(values, dict) and values.get("reversed") == sent[::-1]
            self.record(ok, f"{what}: HTTP {status} {data[:160]!r}")
        status, data = self.call(conn, "GET", f"/threads/{thread}/runs")
        runs = json.loads(data) if status == 200 else None
        ok = isinstance(runs, list) and [run.get("status") for run in runs] == ["success"]
        self.record(ok, f"thread runs: HTTP {status} {data[:160]!r}")
        time.sleep(0.2)

    def final_states(self) -> dict[str, str]:
        """Every background run's status, waiting at most --settle-seconds for all to end."""
        conn = self.connect()
        states: dict[str, str] = {}
        deadline = time.monotonic() + self.args.settle_seconds
        while True:
            for run_id, thread in self.runs.items():
                if states.get(run_id) in TERMINAL:
                    continue
                try:
                    status, data = self.call(conn, "GET", f"/threads/{thread}/runs/{run_id}")
                    states[run_id] = json.loads(data).get("status", "?") if status == 200 else f"HTTP {status}"
                except (OSError, http.client.HTTPException, ValueError) as error:
                    states[run_id] = type(error).__name__
                    conn.close()
                    conn = self.connect()
            if all(s in TERMINAL for s in states.values()) or time.monotonic() > deadline:
                return states
            time.sleep(1)


def timeline(start: float, seconds: float, successes: list[float], failures: list[float]) -> dict:
    """Successes and failures per 100 ms from the start."""
    buckets = int(seconds * 10) + 1
    ok, failed = [0] * buckets, [0] * buckets
    for counts, moments in ((ok, successes), (failed, failures)):
        for moment in moments:
            counts[min(int((moment - start) * 10), buckets - 1)] += 1
    return {"bucket_s": 0.1, "ok": ok, "failed": failed}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="the API, e.g. https://lb.example.net")
    parser.add_argument("--ca", help="CA file that verifies the server's certificate")
    parser.add_argument("--stop-file", help="stop once this file exists")
    parser.add_argument("--max-seconds", type=float, default=900, help="stop after this long in any case (900)")
    parser.add_argument("--out", help="also write the result here")
    parser.add_argument("--wait-clients", type=int, default=2)
    parser.add_argument("--stream-clients", type=int, default=1)
    parser.add_argument("--background-clients", type=int, default=2)
    parser.add_argument("--read-clients", type=int, default=0)
    parser.add_argument("--run-seconds", type=float, default=4, help="how long each background run takes (4)")
    parser.add_argument("--stream-seconds", type=float, default=1, help="how long each streamed run takes (1)")
    parser.add_argument("--settle-seconds", type=float, default=180, help="wait for background runs (180)")
    args = parser.parse_args()

    load = Load(args)
    kinds = (["wait"] * args.wait_clients + ["stream"] * args.stream_clients
             + ["background"] * args.background_clients + ["reads"] * args.read_clients)
    clients = [threading.Thread(target=load.client, args=(kind, i)) for i, kind in enumerate(kinds)]
    for client in clients:
        client.start()
    for client in clients:
        client.join()
    seconds = time.monotonic() - load.start
    states = load.final_states()
    # Gaps until the stop: after it, fewer and fewer clients are left.
    until = load.stopped_at or load.start + seconds
    moments = [load.start, *sorted(m for m in load.successes if m < until), until]
    result = {
        "started_at": round(load.started_at, 3),
        "seconds": round(seconds, 1),
        "requests": load.requests,
        "failed": len(load.failures),
        "failures": load.failures[:10],
        "empty_answers": load.empty_answers,
        "longest_gap_s": round(max(b - a for a, b in zip(moments, moments[1:])), 2),
        "slowest_call_s": {kind: round(value, 2) for kind, value in sorted(load.slowest.items())},
        "stream_rejoins": load.rejoins,
        "stale_connections": load.stale_connections,
        "runs": {status: list(states.values()).count(status) for status in sorted(set(states.values()))},
        "run_ids": sorted(states),
        "variants": load.variants,
        "last_variant": load.last_variant,
    }
    if args.out:
        with open(args.out, "w", encoding="utf-8") as out:
            json.dump({**result, "timeline": timeline(load.start, seconds, load.successes, load.failed_at)}, out)
            out.write("\n")
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
