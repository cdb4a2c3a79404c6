# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The queue autoscaler's decisions: its share of the queue, at once up, down after a cool-down, drained."""

from __future__ import annotations

import http.client
import importlib.util
import pathlib

import pytest

PATH = pathlib.Path(__file__).parents[3] / "roles/langgraph_server/files/queue_autoscaler.py"
SPEC = importlib.util.spec_from_file_location("queue_autoscaler", PATH)
autoscaler = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(autoscaler)

SETTINGS = {"name": "d", "api_metrics": "http://api/metrics", "unit": "d-queue@{port}.service",
            "worker_metrics": "http://w:{port}/metrics", "queue_port": 8100, "min": 1, "max": 4,
            "jobs_per_worker": 10, "hosts": 2, "drain_timeout": 300}


@pytest.mark.parametrize(("pending", "running", "expected"), [
    (0, 0, 1),      # never below the minimum, never zero
    (5, 0, 1),      # one worker's worth, shared by two hosts: one each
    (25, 10, 2),    # 35 runs need 4 workers: 2 on each of the 2 hosts
    (31, 10, 3),    # 41 runs need 5: 3 here (rounded up, so together at least 5)
    (500, 0, 4),    # never above the maximum
])
def test_each_host_takes_its_share_of_the_whole_queue(pending, running, expected):
    assert autoscaler.needed_here(pending, running, 10, 2, 1, 4) == expected


def test_more_at_once_fewer_only_after_the_cooldown():
    deployment = autoscaler.Deployment(SETTINGS)
    assert deployment.target(0, running=1, desired=3, cooldown=60) == 3
    assert deployment.target(10, running=3, desired=1, cooldown=60) == 3
    assert deployment.target(69, running=3, desired=2, cooldown=60) == 3
    assert deployment.target(70, running=3, desired=1, cooldown=60) == 1
    # Needing more again restarts the cool-down.
    assert deployment.target(80, running=3, desired=3, cooldown=60) == 3
    assert deployment.target(90, running=3, desired=1, cooldown=60) == 3


class Host:
    """The host the autoscaler acts on: active ports, the queue, the runs each worker has."""

    def __init__(self, monkeypatch, up, pending, running_runs, busy=None):
        self.up, self.busy, self.calls = set(up), busy or {}, []
        self.queue = {"queue": {"n_pending": pending, "n_running": running_runs}}
        monkeypatch.setattr(autoscaler, "active", lambda unit: int(unit.split("@")[1].split(".")[0]) in self.up)
        monkeypatch.setattr(autoscaler, "read_json", lambda url: self.queue)
        monkeypatch.setattr(autoscaler, "runs_in_progress", lambda url: self.busy.get(int(url.split(":")[-1].split("/")[0]), 0))
        monkeypatch.setattr(autoscaler, "systemctl", lambda verb, unit: self.calls.append((verb, unit)))
        self.logged = []
        monkeypatch.setattr(autoscaler, "log", self.logged.append)


def test_a_burst_starts_the_next_ports_at_once(monkeypatch):
    host = Host(monkeypatch, up=[8100], pending=60, running_runs=0)
    assert autoscaler.step(autoscaler.Deployment(SETTINGS), cooldown=60, now=0) == (3, 3)
    assert host.calls == [("start", "d-queue@8101.service"), ("start", "d-queue@8102.service")]


def test_a_reading_that_counts_runs_twice_starts_nothing(monkeypatch):
    # 40 runs need two workers per host; one reading counts 20 of them both pending and running.
    deployment = autoscaler.Deployment(SETTINGS)
    host = Host(monkeypatch, up=[8100, 8101], pending=20, running_runs=20)
    assert autoscaler.step(deployment, cooldown=60, now=0) == (2, 2)
    host.queue["queue"] = {"n_pending": 20, "n_running": 40}
    assert autoscaler.step(deployment, cooldown=60, now=2) == (2, 2)
    assert host.calls == []
    # Two readings in a row that need more start them.
    assert autoscaler.step(deployment, cooldown=60, now=4) == (3, 3)
    assert host.calls == [("start", "d-queue@8102.service")]


def test_scaling_down_stops_idle_workers_first_and_drains_busy_ones(monkeypatch):
    deployment = autoscaler.Deployment(SETTINGS)
    host = Host(monkeypatch, up=[8100, 8101, 8102, 8103], pending=0, running_runs=3, busy={8103: 2, 8101: 1})
    assert autoscaler.step(deployment, cooldown=60, now=0) == (4, 1)
    assert host.calls == []
    # Three to stop, 8100 (the minimum's) never: the idle 8102 at once, the busy two drained.
    assert autoscaler.step(deployment, cooldown=60, now=60) == (3, 1)
    assert host.calls == [("stop", "d-queue@8102.service")]
    assert host.logged[-1] == ("d: pending=0 running_runs=3 jobs_per_worker=10 hosts=2 min=1 max=4 workers=4: needs 1 for 60 s, "
                               "stopped idle ports [8102]; draining ports [8103, 8101], stopped once they have no run in progress")
    # Waited for without a line each round; each stopped once idle.
    host.up = {8100, 8101, 8103}
    assert autoscaler.step(deployment, cooldown=60, now=62) == (3, 1)
    assert len(host.logged) == 1
    host.busy = {8101: 1}
    assert autoscaler.step(deployment, cooldown=60, now=64) == (2, 1)
    assert host.calls[-1] == ("stop", "d-queue@8103.service")
    assert host.logged[-1].endswith("workers=3: needs 1 for 60 s, stopped idle ports [8103]; draining ports [8101], "
                                    "stopped once they have no run in progress")


def test_a_worker_still_busy_after_the_drain_timeout_is_stopped_and_its_runs_go_back(monkeypatch):
    deployment = autoscaler.Deployment(SETTINGS)
    host = Host(monkeypatch, up=[8100, 8101], pending=0, running_runs=1, busy={8101: 1})
    autoscaler.step(deployment, cooldown=0, now=0)
    assert autoscaler.step(deployment, cooldown=0, now=299) == (2, 1)
    assert host.calls == []
    assert autoscaler.step(deployment, cooldown=0, now=300) == (1, 1)
    assert host.calls == [("stop", "d-queue@8101.service")]
    assert "stopped ports [8101] after 300 s with runs in progress, which go back to the queue" in host.logged[-1]


def test_the_minimums_workers_are_never_stopped(monkeypatch):
    # 8100 and 8101 are the minimum's, started and enabled by the converge: the busy 8102 is drained instead.
    host = Host(monkeypatch, up=[8100, 8101, 8102], pending=0, running_runs=1, busy={8102: 1})
    assert autoscaler.step(autoscaler.Deployment(dict(SETTINGS, min=2)), cooldown=0, now=0) == (3, 2)
    assert host.calls == []
    assert host.logged[-1].endswith("stopped idle ports []; draining ports [8102], stopped once they have no run in progress")


def test_a_worker_that_takes_a_run_just_before_its_stop_is_drained_instead(monkeypatch):
    host = Host(monkeypatch, up=[8100, 8101], pending=0, running_runs=1)
    readings = iter([0, 1])  # idle when the workers are sorted, busy when read again before the stop
    monkeypatch.setattr(autoscaler, "runs_in_progress", lambda url: next(readings))
    assert autoscaler.step(autoscaler.Deployment(SETTINGS), cooldown=0, now=0) == (2, 1)
    assert host.calls == []
    assert host.logged[-1].endswith("stopped idle ports []; draining ports [8101], stopped once they have no run in progress")


def test_a_worker_that_counts_a_run_the_queue_no_longer_runs_is_idle(monkeypatch):
    # Its own figure says one run, but no run of the shared queue is running.
    host = Host(monkeypatch, up=[8100, 8101], pending=0, running_runs=0, busy={8101: 1})
    assert autoscaler.step(autoscaler.Deployment(SETTINGS), cooldown=0, now=0) == (1, 1)
    assert host.calls == [("stop", "d-queue@8101.service")]


@pytest.mark.parametrize("error", [OSError("connection refused"), http.client.IncompleteRead(b""), ValueError("not JSON")])
def test_a_queue_that_cannot_be_read_keeps_the_workers(monkeypatch, error):
    host = Host(monkeypatch, up=[8100, 8101], pending=0, running_runs=0)

    def unreadable(url):
        raise error

    monkeypatch.setattr(autoscaler, "read_json", unreadable)
    assert autoscaler.step(autoscaler.Deployment(SETTINGS), cooldown=0, now=100) == (2, 1)
    assert host.calls == []


def test_the_figures_for_node_exporter(tmp_path):
    deployment = autoscaler.Deployment(SETTINGS)
    deployment.desired = 3
    path = tmp_path / "autoscaler.prom"
    autoscaler.write_textfile(str(path), [(deployment, 2)])
    lines = path.read_text().splitlines()
    assert 'langgraph_queue_workers{deployment="d",state="running"} 2' in lines
    assert 'langgraph_queue_workers{deployment="d",state="desired"} 3' in lines
    assert 'langgraph_queue_workers{deployment="d",state="max"} 4' in lines
    assert oct(path.stat().st_mode & 0o777) == "0o644"
