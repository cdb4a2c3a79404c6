# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run check_settings the way the roles do: in a play of ansible-playbook on
this machine, with the collection of this checkout."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import yaml

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__))))))


@pytest.fixture(name="play")
def fixture_play(tmp_path):
    collection = tmp_path / "collections" / "ansible_collections" / "langgraph_ops"
    collection.mkdir(parents=True)
    (collection / "standalone").symlink_to(REPO_ROOT)

    def play(checks, variables=None):
        task = {"name": "checks", "langgraph_ops.standalone.check_settings": {"checks": checks}, "vars": variables or {}}
        playbook = tmp_path / "play.yml"
        playbook.write_text(yaml.safe_dump([{"hosts": "localhost", "gather_facts": False, "tasks": [task]}]))
        env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(tmp_path / "collections"), ANSIBLE_STDOUT_CALLBACK="json",
                   ANSIBLE_LOCALHOST_WARNING="false", ANSIBLE_INVENTORY_UNPARSED_WARNING="false")
        command = [os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), str(playbook)]
        done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
        return json.loads(done.stdout)["plays"][0]["tasks"][0]["hosts"]["localhost"]
    return play


def test_checks_that_hold_pass_unchanged(play):
    result = play([{"that": "port | int >= 1", "msg": "port"}, {"that": ["port | int <= 65535", "name | length > 0"], "msg": "x"}],
                  {"port": 8000, "name": "api"})
    assert not result.get("failed") and result["changed"] is False


def test_every_failing_check_gives_its_message_in_order(play):
    result = play([{"that": "port | int >= 1", "msg": "port must be between 1 and 65535, not {{ port }}."},
                   {"that": "name | length > 0", "msg": "name holds"},
                   {"that": "name == 'web'", "msg": "name must be web, not {{ name }}."}],
                  {"port": 0, "name": "api"})
    assert result["failed"] is True
    assert result["msg"] == "port must be between 1 and 65535, not 0.\nname must be web, not api."


def test_when_leaves_a_check_out(play):
    result = play([{"when": "metrics | bool", "that": "metrics_port | int >= 1", "msg": "metrics_port"}],
                  {"metrics": False, "metrics_port": 0})
    assert not result.get("failed")
    result = play([{"when": "metrics | bool", "that": "metrics_port | int >= 1", "msg": "metrics_port is {{ metrics_port }}"}],
                  {"metrics": True, "metrics_port": 0})
    assert result["msg"] == "metrics_port is 0"


def test_a_message_is_rendered_only_when_its_check_fails(play):
    result = play([{"that": "true", "msg": "{{ undefined_value.key }}"}])
    assert not result.get("failed")


def test_an_error_after_a_failed_check_leaves_the_first_message(play):
    result = play([{"that": "false", "msg": "first"}, {"that": "undefined_value.key == 1", "msg": "second"}])
    assert result["msg"] == "first"
    result = play([{"that": "undefined_value.key == 1", "msg": "second"}])
    assert result["failed"] is True and "undefined_value" in result["msg"]


def test_a_check_without_a_message_is_refused(play):
    result = play([{"that": "true"}])
    assert result["failed"] is True and "check 1 needs that and msg" in result["msg"]
