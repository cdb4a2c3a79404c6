# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The drain's reading of a worker's runs in progress."""

from __future__ import annotations

import importlib.util
import pathlib

import pytest

PATH = pathlib.Path(__file__).parents[3] / "roles/langgraph_server/files/drain_worker.py"
SPEC = importlib.util.spec_from_file_location("drain_worker", PATH)
drain_worker = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(drain_worker)


@pytest.mark.parametrize(("worker", "queue_running", "queue_url", "expected"), [
    (2, 5, "http://api/metrics", 2),     # busy while the queue runs runs
    (1, 0, "http://api/metrics", 0),     # counts a run that has ended: the queue runs none
    (1, None, "http://api/metrics", 1),  # the API does not answer: the worker's own figure
    (1, 0, "", 1),                       # no API given
    (None, 0, "http://api/metrics", 0),  # a worker that does not answer is stopped at once
])
def test_runs_in_progress(monkeypatch, worker, queue_running, queue_url, expected):
    figures = {("http://w/metrics", "workers"): worker, ("http://api/metrics", "queue"): queue_running}
    monkeypatch.setattr(drain_worker, "read", lambda url, section, figure: figures[(url, section)])
    assert drain_worker.runs_in_progress("http://w/metrics", queue_url) == expected
