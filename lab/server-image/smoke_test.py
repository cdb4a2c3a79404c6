#!/usr/bin/env python3
"""HTTP checks of a running lab LangGraph Server (Python stdlib only).

    smoke_test.py [--url http://127.0.0.1:58123] [--wait 90]

Waits for GET /ok, then exercises the API with the `echo` graph and checks
its exact output (see README.md, "The echo graph"). Exits non-zero on the
first failed check.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import urllib.error
import urllib.request

GRAPH_ID = "echo"


def expected(text: str) -> dict:
    """The final state the echo graph gives for input {"text": text}."""
    return {
        "text": text,
        "reversed": text[::-1],
        "length": len(text),
        "steps": ["reverse", "measure"],
        "variant": "a",
    }


class Client:
    def __init__(self, base: str) -> None:
        self.base = base.rstrip("/")

    def request(self, method: str, path: str, body: object | None = None,
                timeout: float = 30) -> tuple[int, bytes, str]:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                return resp.status, resp.read(), resp.headers.get("Content-Type", "")
        except urllib.error.HTTPError as err:
            return err.code, err.read(), err.headers.get("Content-Type", "")

    def json(self, method: str, path: str, body: object | None = None,
             want: int = 200) -> object:
        status, raw, _ = self.request(method, path, body)
        if status != want:
            raise AssertionError(f"{method} {path}: HTTP {status} (want {want}): {raw[:500]!r}")
        return json.loads(raw)

    def sse(self, path: str, body: object) -> list[tuple[str, object]]:
        status, raw, ctype = self.request("POST", path, body, timeout=60)
        if status != 200:
            raise AssertionError(f"POST {path}: HTTP {status}: {raw[:500]!r}")
        if not ctype.startswith("text/event-stream"):
            raise AssertionError(f"POST {path}: content type {ctype!r}")
        events = []
        for block in raw.decode().replace("\r\n", "\n").split("\n\n"):
            name, data = None, []
            for line in block.split("\n"):
                if line.startswith("event:"):
                    name = line[len("event:"):].strip()
                elif line.startswith("data:"):
                    data.append(line[len("data:"):].strip())
            if name:
                events.append((name, json.loads("\n".join(data)) if data else None))
        return events


def check(name: str, cond: bool, detail: object = "") -> None:
    if not cond:
        raise AssertionError(f"{name}: {detail}")
    print(f"PASS {name}", flush=True)


def wait_ok(client: Client, seconds: float) -> float:
    start = time.monotonic()
    last = None
    while time.monotonic() - start < seconds:
        try:
            status, raw, _ = client.request("GET", "/ok", timeout=2)
            if status == 200:
                return time.monotonic() - start
            last = f"HTTP {status} {raw[:200]!r}"
        except (OSError, urllib.error.URLError) as err:
            last = repr(err)
        time.sleep(0.2)
    raise AssertionError(f"/ok did not answer within {seconds} s (last: {last})")


def run(client: Client, wait: float) -> int:
    passed = 0

    def ok(name: str, cond: bool, detail: object = "") -> None:
        nonlocal passed
        check(name, cond, detail)
        passed += 1

    took = wait_ok(client, wait)
    ok(f"GET /ok answers ({took:.1f} s after the check started)", True)

    body = client.json("GET", "/ok")
    ok("GET /ok body", body == {"ok": True}, body)

    info = client.json("GET", "/info")
    ok("GET /info", isinstance(info, dict) and "version" in info, info)
    print(f"     server version {info.get('version')}, flags {info.get('flags')}")

    assistants = client.json("POST", "/assistants/search", {"graph_id": GRAPH_ID, "limit": 10})
    ok("POST /assistants/search finds the echo assistant",
       isinstance(assistants, list) and any(a.get("graph_id") == GRAPH_ID for a in assistants),
       assistants)

    thread = client.json("POST", "/threads", {"metadata": {"lab": "smoke"}})
    thread_id = thread["thread_id"]
    ok("POST /threads", bool(thread_id), thread)

    out = client.json("POST", f"/threads/{thread_id}/runs/wait",
                      {"assistant_id": GRAPH_ID, "input": {"text": "hello"}})
    ok("POST /threads/{id}/runs/wait gives the exact output", out == expected("hello"), out)

    events = client.sse(f"/threads/{thread_id}/runs/stream",
                        {"assistant_id": GRAPH_ID, "input": {"text": "stream"},
                         "stream_mode": ["values"]})
    values = [data for name, data in events if name == "values"]
    print(f"     stream events: {', '.join(name for name, _ in events)}")
    ok("POST /threads/{id}/runs/stream yields >= 2 values events",
       len(values) >= 2, [name for name, _ in events])
    ok("last values event is the exact output", values[-1] == expected("stream"), values[-1])
    ok("stream has no error event", not any(name == "error" for name, _ in events), events)

    run_ = client.json("POST", f"/threads/{thread_id}/runs",
                       {"assistant_id": GRAPH_ID, "input": {"text": "background"}})
    run_id = run_["run_id"]
    ok("POST /threads/{id}/runs creates a background run",
       run_.get("status") in ("pending", "running", "success"), run_)
    joined = client.json("GET", f"/threads/{thread_id}/runs/{run_id}/join")
    ok("GET /threads/{id}/runs/{run_id}/join gives the exact output",
       joined == expected("background"), joined)
    status = client.json("GET", f"/threads/{thread_id}/runs/{run_id}")
    ok("background run status is success", status.get("status") == "success", status)

    state = client.json("GET", f"/threads/{thread_id}/state")
    ok("GET /threads/{id}/state holds the last run's output",
       state.get("values") == expected("background"), state.get("values"))

    runs = client.json("GET", f"/threads/{thread_id}/runs")
    ok("GET /threads/{id}/runs lists 3 successful runs",
       len(runs) == 3 and all(r.get("status") == "success" for r in runs),
       [(r.get("run_id"), r.get("status")) for r in runs])

    stateless = client.json("POST", "/runs/wait",
                            {"assistant_id": GRAPH_ID, "input": {"text": ""}})
    ok("POST /runs/wait (stateless) gives the exact output", stateless == expected(""), stateless)

    return passed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:58123")
    parser.add_argument("--wait", type=float, default=90.0,
                        help="seconds to wait for GET /ok (default 90)")
    args = parser.parse_args()
    try:
        passed = run(Client(args.url), args.wait)
    except AssertionError as err:
        print(f"FAIL {err}", flush=True)
        return 1
    print(f"api checks: {passed} passed, 0 failed", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
