#!/usr/bin/env python3
"""Talk to a deployed LangGraph Server the way a client does, and print what it says.

    lab/demo.py [URL]          (default http://127.0.0.1:8123)

Creates a thread, runs the lab's "echo" graph and waits for the output, streams
a second run, and reads the thread's state back. Exits non-zero when an answer
is not what the graph must produce.
"""

from __future__ import annotations

import json
import sys
import time
import urllib.error
import urllib.request

URL = (sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8123").rstrip("/")
TEXT = "hello from your own hosts"
EXPECTED = {"text": TEXT, "reversed": TEXT[::-1], "length": len(TEXT), "steps": ["reverse", "measure"]}


def graph_output(state: dict) -> dict:
    """The state without the name of the graph's build, which an upgrade changes."""
    return {key: value for key, value in state.items() if key != "variant"}



def call(method: str, path: str, body: dict | None = None, timeout: float = 60) -> bytes:
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(URL + path, data=data, method=method)
    req.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        return resp.read()


def show(label: str, value: object) -> None:
    print(f"{label:<22} {value}")


def main() -> int:
    deadline = time.monotonic() + 60
    while True:
        try:
            ok = json.loads(call("GET", "/ok", timeout=5))
            break
        except (urllib.error.URLError, ConnectionError, OSError):
            if time.monotonic() > deadline:
                print(f"{URL}/ok did not answer within 60 s", file=sys.stderr)
                return 1
            time.sleep(1)
    show("GET /ok", ok)
    info = json.loads(call("GET", "/info"))
    show("GET /info", json.dumps(info)[:120])
    assistants = json.loads(call("POST", "/assistants/search", {"graph_id": "echo"}))
    show("assistants", [a["assistant_id"] for a in assistants])
    thread = json.loads(call("POST", "/threads", {"metadata": {"from": "lab/demo.py"}}))
    tid = thread["thread_id"]
    show("thread", tid)

    started = time.monotonic()
    output = json.loads(call("POST", f"/threads/{tid}/runs/wait", {"assistant_id": "echo", "input": {"text": TEXT}}))
    show("runs/wait", f"{json.dumps(output)} ({(time.monotonic() - started) * 1000:.0f} ms)")

    stream = call(
        "POST",
        f"/threads/{tid}/runs/stream",
        {"assistant_id": "echo", "input": {"text": TEXT}, "stream_mode": ["values"]},
    ).decode()
    events = [line[len("event: "):] for line in stream.splitlines() if line.startswith("event: ")]
    values = [json.loads(line[len("data: "):]) for line in stream.splitlines()
              if line.startswith("data: ") and '"reversed"' in line]
    show("runs/stream events", events)
    show("last values event", json.dumps(values[-1]) if values else None)

    state = json.loads(call("GET", f"/threads/{tid}/state"))
    show("thread state", json.dumps(state["values"]))
    print(f"\nLangGraph Server is answering at {URL} (graph 'echo', thread {tid})")

    problems = []
    if graph_output(output) != EXPECTED:
        problems.append(f"runs/wait gave {output}, expected {EXPECTED}")
    if events.count("values") < 2 or not values or graph_output(values[-1]) != EXPECTED:
        problems.append("the stream did not end with the expected values event")
    if graph_output(state["values"]) != EXPECTED:
        problems.append(f"thread state is {state['values']}")
    for problem in problems:
        print("FAILED:", problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
