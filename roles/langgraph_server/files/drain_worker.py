"""Stop a queue worker once it has no run in progress, waiting at most a timeout.

    python3 drain_worker.py UNIT METRICS_URL TIMEOUT [QUEUE_METRICS_URL]

Polls the worker's GET /metrics?format=json (workers.active) every 0.2 s and
stops its systemd unit as soon as it reports none: the less time between the
check and the stop, the less chance the worker takes a new run in between. A
worker that does not answer, or does not report its runs, is stopped at once;
one still busy after TIMEOUT seconds is stopped anyway (its runs go back to
the queue). With QUEUE_METRICS_URL (its API's), a worker is also taken as idle
when the shared queue has no run running (queue.n_running): a worker can go
on counting a run that has ended. Prints JSON: changed (the unit was running),
the runs in progress when it was stopped, and the seconds waited.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.request


def read(url: str, section: str, figure: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return int(json.load(response)[section][figure])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def runs_in_progress(url: str, queue_url: str) -> int:
    # Read in this order, a run the worker takes in between is running in the queue.
    runs = read(url, "workers", "active") or 0
    return 0 if runs and queue_url and read(queue_url, "queue", "n_running") == 0 else runs


def main() -> int:
    unit, url, timeout = sys.argv[1], sys.argv[2], float(sys.argv[3])
    queue_url = sys.argv[4] if len(sys.argv) > 4 else ""
    state = subprocess.run(["systemctl", "is-active", unit], capture_output=True, text=True, check=False).stdout.strip()
    # Also a unit between two restarts (activating): only a stopped one is left alone.
    running = state not in ("inactive", "failed", "unknown", "")
    start = time.monotonic()
    runs = 0
    if running:
        runs = runs_in_progress(url, queue_url)
        while runs > 0 and time.monotonic() - start < timeout:
            time.sleep(0.2)
            runs = runs_in_progress(url, queue_url)
        stop = subprocess.run(["systemctl", "stop", unit], capture_output=True, text=True, check=False)
        if stop.returncode != 0:
            sys.exit(f"systemctl stop {unit} failed: {stop.stderr.strip()}")
    print(json.dumps({"changed": running, "runs_in_progress": runs, "waited_s": round(time.monotonic() - start, 1)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
