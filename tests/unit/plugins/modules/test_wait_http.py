# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run the real wait_http module (the module file with an arguments file, as
Ansible runs it on a target) against an HTTP server of the test's own on
127.0.0.1: one that answers at once, one that answers only after a while, one
that answers 503, a redirect, and a port nobody listens on."""

from __future__ import annotations

import http.server
import json
import os
import socket
import subprocess
import sys
import threading
import time

import pytest

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__))))))
MODULE = os.path.join(REPO_ROOT, "plugins", "modules", "wait_http.py")


class Handler(http.server.BaseHTTPRequestHandler):
    ready_at = 0.0

    def do_GET(self):  # noqa: N802 (the name http.server calls)
        if self.path.split("?")[0] == "/ok":
            self.send_response(200)
        elif self.path == "/later":
            self.send_response(200 if time.monotonic() >= Handler.ready_at else 503)
        elif self.path == "/moved":
            self.send_response(308)
            self.send_header("Location", "/ok")
        else:
            self.send_response(503)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run(tmp_path, **args):
    path = tmp_path / "args.json"
    path.write_text(json.dumps({"ANSIBLE_MODULE_ARGS": args}))
    done = subprocess.run([sys.executable, MODULE, str(path)], capture_output=True, text=True, check=False, timeout=60)
    return json.loads(done.stdout)


def test_every_url_answering_at_once(tmp_path, server):
    result = run(tmp_path, urls=[f"{server}/ok", f"{server}/ok?again=1"], timeout=5)
    assert result.get("failed") is not True
    assert result["answers"] == {f"{server}/ok": 200, f"{server}/ok?again=1": 200}
    assert result["failed_urls"] == [] and result["elapsed"] < 2


def test_waits_for_a_url_that_answers_later(tmp_path, server):
    Handler.ready_at = time.monotonic() + 1.5
    result = run(tmp_path, urls=[f"{server}/ok", f"{server}/later"], timeout=10, delay=0.5)
    assert result.get("failed") is not True
    assert result["answers"][f"{server}/later"] == 200
    assert 1.0 <= result["elapsed"] < 8


def test_fails_naming_the_urls_that_did_not_answer_200(tmp_path, server):
    down = f"http://127.0.0.1:{closed_port()}/ok"
    result = run(tmp_path, urls=[f"{server}/ok", f"{server}/unavailable", down, f"{server}/moved"], timeout=2, delay=0.5)
    assert result["failed"] is True
    assert result["failed_urls"] == [f"{server}/unavailable", down, f"{server}/moved"]
    assert result["answers"] == {f"{server}/ok": 200, f"{server}/unavailable": 503, down: 0, f"{server}/moved": 308}
    assert f"{server}/unavailable (last: 503)" in result["msg"] and f"{down} (last: no answer)" in result["msg"]
    assert 1.5 <= result["elapsed"] < 8


def test_another_status_may_be_asked_for(tmp_path, server):
    result = run(tmp_path, urls=[f"{server}/unavailable"], status_code=503, timeout=2)
    assert result.get("failed") is not True and result["answers"] == {f"{server}/unavailable": 503}
