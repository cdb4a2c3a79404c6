"""Queue workers that follow the runs: between each deployment's minimum and maximum, never zero.

    python3 queue_autoscaler.py CONFIG_JSON

Every `interval` seconds, for each deployment of CONFIG_JSON, reads the shared
queue from the host's own API (GET /metrics?format=json: queue.n_pending and
queue.n_running, the counts of every host's runs), works out how many workers
the whole queue needs (one per `jobs_per_worker` runs), and keeps this host's
share of them running (that number divided by the `hosts` that run the
deployment, rounded up) between `min` and `max`, as two readings in a row
agree (the lower of the two: a run taken while the runtime counts may be
counted both pending and running). Every host computes the same
number from the same queue, so hosts do not fight over it, and together they
run at least what the queue needs.

Scaling up starts the next instances of the worker unit (<unit>@<port>) at
once, the lowest free ports first. Scaling down waits until fewer workers were
needed for `cooldown` seconds on end, then drains workers above the minimum's
ports, idle ones first, then the highest: each stops once it reports no run
in progress (its own GET /metrics?format=json, workers.active; none when the
queue has no run running), or after
`drain_timeout` seconds anyway, its runs going back to the queue, where other
workers take them (as the upgrade's drain does). Instances it starts are not
enabled: after a reboot the host starts its minimum, and the autoscaler takes
it from there.

It needs no credentials: the API's metrics answer on the host's own address.
Each decision goes to the journal with the figures behind it, and the
figures go to `textfile` (prometheus-node-exporter's textfile collector):
langgraph_queue_workers{deployment, state="running"|"desired"|"min"|"max"}.
"""

from __future__ import annotations

import http.client
import json
import math
import os
import subprocess
import sys
import time
import urllib.request

METRIC = "langgraph_queue_workers"
# What an answer that cannot be read raises: no answer, a cut one, not JSON.
UNREADABLE = (OSError, http.client.HTTPException, ValueError, KeyError, TypeError)


def needed_here(pending: int, running: int, jobs_per_worker: int, hosts: int, minimum: int, maximum: int) -> int:
    """This host's share of the workers the shared queue needs, between minimum and maximum."""
    needed = math.ceil((pending + running) / max(1, jobs_per_worker))
    return max(minimum, min(maximum, math.ceil(needed / max(1, hosts))))


class Deployment:
    """One deployment's workers on this host, and how long fewer have been needed."""

    def __init__(self, settings: dict):
        self.name = settings["name"]
        self.api = settings["api_metrics"]
        self.unit = settings["unit"]
        self.worker_metrics = settings["worker_metrics"]
        self.ports = range(int(settings["queue_port"]), int(settings["queue_port"]) + int(settings["max"]))
        self.minimum, self.maximum = int(settings["min"]), int(settings["max"])
        self.jobs_per_worker, self.hosts = int(settings["jobs_per_worker"]), int(settings["hosts"])
        self.first_autoscaled = int(settings["queue_port"]) + self.minimum
        self.drain_timeout = float(settings["drain_timeout"])
        self.fewer_since: float | None = None
        self.desired = self.minimum
        self.needed_before: int | None = None
        # The workers a scale-down is draining, since when.
        self.draining_since: dict[int, float] = {}

    def target(self, now: float, running: int, desired: int, cooldown: float) -> int:
        """How many should run now: more at once, fewer only after cooldown seconds of needing fewer."""
        if desired >= running:
            self.fewer_since = None
            return desired
        if self.fewer_since is None:
            self.fewer_since = now
        return desired if now - self.fewer_since >= cooldown else running


def read_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.load(response)


def active(unit: str) -> bool:
    state = subprocess.run(["systemctl", "is-active", unit], capture_output=True, text=True, check=False).stdout.strip()
    return state in ("active", "activating", "reloading")


def runs_in_progress(url: str) -> int | None:
    try:
        return int(read_json(url)["workers"]["active"])
    except UNREADABLE:
        return None


def queue_running(url: str) -> int | None:
    try:
        return int(read_json(url)["queue"]["n_running"])
    except UNREADABLE:
        return None


def worker_runs(deployment: Deployment, port: int) -> int | None:
    """The runs a worker reports in progress, or 0 when the shared queue has
    none running: a worker can go on counting a run that has ended. Read in
    this order, a run the worker takes in between is running in the queue."""
    runs = runs_in_progress(deployment.worker_metrics.format(port=port))
    return 0 if runs and queue_running(deployment.api) == 0 else runs


def systemctl(verb: str, unit: str) -> None:
    """Queues the job and returns: a worker's stop may take its runs' time."""
    done = subprocess.run(["systemctl", "--no-block", verb, unit], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        log(f"systemctl {verb} {unit} failed: {done.stderr.strip()}")


def log(message: str) -> None:
    print(message, flush=True)


def step(deployment: Deployment, cooldown: float, now: float) -> tuple[int, int]:
    """One round for one deployment: returns (running, desired) after it."""
    up = [port for port in deployment.ports if active(deployment.unit.format(port=port))]
    try:
        queue = read_json(deployment.api)["queue"]
        pending, in_flight = int(queue["n_pending"]), int(queue["n_running"])
    except UNREADABLE as error:
        # The API restarting, or an upgrade: keep what runs.
        log(f"{deployment.name}: cannot read the queue ({error}); keeping {len(up)} workers")
        return len(up), deployment.desired
    # What two readings in a row agree on: the runtime may count pending and
    # running runs in two queries, so a run taken between them counts twice.
    needed = needed_here(pending, in_flight, deployment.jobs_per_worker, deployment.hosts,
                         deployment.minimum, deployment.maximum)
    deployment.desired = min(needed, needed if deployment.needed_before is None else deployment.needed_before)
    deployment.needed_before = needed
    target = deployment.target(now, len(up), deployment.desired, cooldown)
    figures = (f"pending={pending} running_runs={in_flight} jobs_per_worker={deployment.jobs_per_worker} "
               f"hosts={deployment.hosts} min={deployment.minimum} max={deployment.maximum} workers={len(up)}")
    if target > len(up):
        start = [port for port in deployment.ports if port not in up][: target - len(up)]
        log(f"{deployment.name}: {figures}: needs {target}, starting ports {start}")
        for port in start:
            systemctl("start", deployment.unit.format(port=port))
        return len(up) + len(start), deployment.desired
    if target < len(up):
        return len(up) - len(scale_down(deployment, up, target, now, f"{figures}: needs {target} for {cooldown:.0f} s")), \
            deployment.desired
    deployment.draining_since = {}
    return len(up), deployment.desired


def scale_down(deployment: Deployment, up: list[int], target: int, now: float, why: str) -> list[int]:
    """Stops workers above the minimum's ports (which the converge starts and
    enables) down to target: idle ones at once, the others drained, each once it
    has no run in progress or, after drain_timeout seconds of waiting, anyway
    (its runs go back to the queue). Idle ones go first, then the highest ports.
    Returns the ports stopped."""
    above = [port for port in up if port >= deployment.first_autoscaled]
    runs = {port: worker_runs(deployment, port) for port in above}
    chosen = sorted(above, key=lambda port: (bool(runs[port]), -port))[: len(up) - target]
    idle, overdue, busy = [], [], []
    for port in chosen:
        # Read again just before the stop: an idle worker may have taken a run since.
        in_progress = runs[port] or worker_runs(deployment, port)
        if not in_progress:
            idle.append(port)
        elif now - deployment.draining_since.get(port, now) >= deployment.drain_timeout:
            overdue.append(port)
        else:
            busy.append(port)
            continue
        systemctl("stop", deployment.unit.format(port=port))
    # Told when it stops a worker or starts draining others, not every round.
    if idle or overdue or set(busy) != set(deployment.draining_since):
        log(f"{deployment.name}: {why}, stopped idle ports {idle}"
            + (f"; stopped ports {overdue} after {deployment.drain_timeout:.0f} s with runs in progress, which go back"
               " to the queue" if overdue else "")
            + (f"; draining ports {busy}, stopped once they have no run in progress" if busy else ""))
    deployment.draining_since = {port: deployment.draining_since.get(port, now) for port in busy}
    return idle + overdue


def write_textfile(path: str, figures: list[tuple[Deployment, int]]) -> None:
    if not path or not os.path.isdir(os.path.dirname(path)):
        return
    lines = [f"# HELP {METRIC} Queue workers of a deployment on this host: running, desired by the autoscaler, min, max.",
             f"# TYPE {METRIC} gauge"]
    for deployment, running in figures:
        for state, value in (("running", running), ("desired", deployment.desired),
                             ("min", deployment.minimum), ("max", deployment.maximum)):
            lines.append(f'{METRIC}{{deployment="{deployment.name}",state="{state}"}} {value}')
    with open(path + ".part", "w", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n")
    os.chmod(path + ".part", 0o644)
    os.replace(path + ".part", path)


def main() -> int:
    with open(sys.argv[1], encoding="utf-8") as config_file:
        config = json.load(config_file)
    deployments = [Deployment(settings) for settings in config["deployments"]]
    interval, cooldown = float(config["interval"]), float(config["cooldown"])
    log(f"following {', '.join(d.name for d in deployments)} every {interval:.0f} s, scaling down after {cooldown:.0f} s")
    while True:
        now = time.monotonic()
        figures = [(deployment, step(deployment, cooldown, now)[0]) for deployment in deployments]
        try:
            write_textfile(config.get("textfile", ""), figures)
        except OSError as error:
            log(f"cannot write {config.get('textfile')}: {error}")
        time.sleep(max(0.0, interval - (time.monotonic() - now)))


if __name__ == "__main__":
    sys.exit(main())
