# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run the real serverless_check module end to end, in subprocesses.

The collection is made importable through a temporary
``ansible_collections/langgraph_ops/standalone`` symlink to the repository.
Two ways are used: the module file run directly with an arguments file (what
Ansible does on the target), and ``ansible-playbook`` on localhost (argument
parsing, check mode, no_log and the callback output included).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__))))))
MODULE = os.path.join(REPO_ROOT, "plugins", "modules", "serverless_check.py")
PASSWORD = "s3cret"
BASE = {
    "platform": "docker",
    "replicas": 2,
    "restart_policy": "unless-stopped",
    "database_uri": "postgresql://u:s3cret@db.internal:5432/lg",
    "redis_uri": "redis://cache.internal:6379/1",
}


def _ansible_playbook():
    candidate = os.path.join(os.path.dirname(sys.executable), "ansible-playbook")
    return candidate if os.path.exists(candidate) else shutil.which("ansible-playbook")


@pytest.fixture(scope="session")
def collections_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("collections")
    namespace = root / "ansible_collections" / "langgraph_ops"
    namespace.mkdir(parents=True)
    os.symlink(REPO_ROOT, str(namespace / "standalone"))
    return str(root)


@pytest.fixture()
def ansible_env(collections_root, tmp_path):
    env = dict(os.environ)
    env.update({
        "ANSIBLE_COLLECTIONS_PATH": collections_root,
        "ANSIBLE_HOME": str(tmp_path / "ansible-home"),
        "ANSIBLE_LOCAL_TEMP": str(tmp_path / "ansible-tmp"),
        "ANSIBLE_FORCE_COLOR": "false",
        "ANSIBLE_NOCOLOR": "true",
        "ANSIBLE_RETRY_FILES_ENABLED": "false",
        "ANSIBLE_DEPRECATION_WARNINGS": "false",
    })
    return env


def run_module_file(collections_root, tmp_path, args):
    """Run the module file as Ansible runs it on a target; return (result, stdout, stderr)."""
    args_file = tmp_path / "args.json"
    args_file.write_text(json.dumps({"ANSIBLE_MODULE_ARGS": args}))
    env = dict(os.environ, PYTHONPATH=collections_root)
    proc = subprocess.run([sys.executable, MODULE, str(args_file)], capture_output=True,
                          text=True, env=env, timeout=120, check=False)
    return json.loads(proc.stdout), proc.stdout, proc.stderr


def run_playbook(ansible_env, tmp_path, args, check=False, verbosity=0, callback="ansible.posix.json"):
    """Run the module in a one-task playbook on localhost; return (task result, stdout, stderr)."""
    playbook = tmp_path / "playbook.yml"
    play = [{
        "hosts": "localhost",
        "gather_facts": False,
        "tasks": [{"name": "serverless check", "langgraph_ops.standalone.serverless_check": args}],
    }]
    playbook.write_text(json.dumps(play))
    env = dict(ansible_env, ANSIBLE_STDOUT_CALLBACK=callback)
    cmd = [_ansible_playbook(), "-i", "localhost,", "-c", "local",
           "-e", "ansible_python_interpreter=%s" % sys.executable, str(playbook)]
    if check:
        cmd.append("--check")
    if verbosity:
        cmd.append("-" + "v" * verbosity)
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300, check=False)
    result = None
    if callback == "ansible.posix.json":
        output = json.loads(proc.stdout[proc.stdout.index("{"):])
        result = output["plays"][0]["tasks"][0]["hosts"]["localhost"]
    return result, proc.stdout, proc.stderr


def config(**overrides):
    out = dict(BASE)
    out.update(overrides)
    return out


# ---------------------------------------------------------------------------
# The module file run directly
# ---------------------------------------------------------------------------

def test_direct_base_is_ok(collections_root, tmp_path):
    result, stdout, stderr = run_module_file(collections_root, tmp_path,
                                             {"config": config(), "inspect_host": False})
    assert result.get("failed") is not True
    assert result["changed"] is False
    assert result["findings"] == []
    assert PASSWORD not in stdout + stderr


def test_direct_typo_key_is_unsupported(collections_root, tmp_path):
    result, _stdout, _stderr = run_module_file(
        collections_root, tmp_path, {"config": config(min_replica=1), "inspect_host": False})
    assert result["failed"] is True
    assert "Unsupported parameters" in result["msg"]
    assert "config.min_replica" in result["msg"]


def test_direct_typo_in_sub_dictionary_is_unsupported(collections_root, tmp_path):
    result, _stdout, _stderr = run_module_file(
        collections_root, tmp_path,
        {"config": config(keda={"enabled": True, "min_replicas": 1}), "inspect_host": False})
    assert result["failed"] is True
    assert "Unsupported parameters" in result["msg"]
    assert "config.keda.min_replicas" in result["msg"]


def test_direct_mysql_uri_hides_the_password(collections_root, tmp_path):
    args = {"config": config(database_uri="mysql://u:s3cret@db.internal:3306/lg"),
            "inspect_host": False}
    result, stdout, stderr = run_module_file(collections_root, tmp_path, args)
    assert result["failed"] is True
    assert "config.database_uri must be a URI with the scheme postgresql or postgres" in result["msg"]
    assert PASSWORD not in stdout
    assert PASSWORD not in stderr


def test_direct_bad_port_with_unencoded_password_hides_it(collections_root, tmp_path):
    # An unencoded '/' cuts the password in two; neither half may show.
    args = {"config": config(database_uri="postgresql://u:s3cr/et@db.internal:5432/lg"),
            "inspect_host": False}
    result, stdout, stderr = run_module_file(collections_root, tmp_path, args)
    assert result["failed"] is True
    for part in ("s3cr", "et@db", "s3cr/et"):
        assert part not in stdout + stderr


def test_direct_waive_with_empty_reason_is_refused(collections_root, tmp_path):
    args = {"config": config(env={"AWS_LAMBDA_FUNCTION_NAME": "fn"}), "inspect_host": False,
            "waive": [{"code": "AWS_LAMBDA", "reason": ""}]}
    result, _stdout, _stderr = run_module_file(collections_root, tmp_path, args)
    assert result["failed"] is True
    assert result["msg"].startswith("waive[0].reason must be a non-empty string")


def test_direct_unknown_waive_code_is_refused(collections_root, tmp_path):
    args = {"config": config(), "inspect_host": False,
            "waive": [{"code": "NOPE", "reason": "x"}]}
    result, _stdout, _stderr = run_module_file(collections_root, tmp_path, args)
    assert result["failed"] is True
    assert "NOPE" in result["msg"]


def test_direct_min_replicas_two_is_refused_by_the_argument_spec(collections_root, tmp_path):
    # The module's argument spec converts config.min_replicas to int; a word
    # never reaches the module_utils checks.
    args = {"config": config(min_replicas="two"), "inspect_host": False}
    result, _stdout, _stderr = run_module_file(collections_root, tmp_path, args)
    assert result["failed"] is True
    assert "min_replicas" in result["msg"]
    assert "unable to convert to int" in result["msg"]
    assert "findings" not in result


def test_direct_min_replicas_negative_is_refused(collections_root, tmp_path):
    args = {"config": config(min_replicas=-1), "inspect_host": False}
    result, _stdout, _stderr = run_module_file(collections_root, tmp_path, args)
    assert result["failed"] is True
    assert result["msg"] == "config.min_replicas must be an integer >= 0, got -1"


def test_direct_inspect_host_reads_the_module_environment(collections_root, tmp_path, monkeypatch):
    monkeypatch.setenv("FLY_APP_NAME", "lg-test")
    args = {"config": config(), "inspect_host": True}
    result, _stdout, _stderr = run_module_file(collections_root, tmp_path, args)
    fly = [f for f in result["findings"] if f["code"] == "FLY"]
    assert fly and fly[0]["path"] in ("env.FLY_APP_NAME", "/proc/1/environ:FLY_APP_NAME")
    sources = [s["source"] for s in result["checked_sources"]]
    assert "/proc/1/environ" in sources and "os.environ" in sources


def _answers(argv):
    try:
        return subprocess.run(argv, capture_output=True, timeout=20, check=False).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def test_direct_missing_unit_and_container_are_recorded(collections_root, tmp_path):
    # What each source reports follows from this machine: systemd as init
    # (/run/systemd/system) answers for units, a reachable engine for
    # containers; without them the source is unavailable, never an error.
    args = {"config": config(), "inspect_host": False,
            "systemd_unit": "langgraph-serverless-check-absent.service",
            "docker_container": "langgraph-serverless-check-absent"}
    result, _stdout, _stderr = run_module_file(collections_root, tmp_path, args)
    assert result.get("failed") is not True
    statuses = dict((s["source"], s["status"]) for s in result["checked_sources"])
    systemd = os.path.isdir("/run/systemd/system") and shutil.which("systemctl")
    docker = shutil.which("docker") and _answers(["docker", "info"])
    assert statuses["systemd_unit:langgraph-serverless-check-absent.service"] == ("not_found" if systemd else "unavailable")
    assert statuses["docker_container:langgraph-serverless-check-absent"] == ("not_found" if docker else "unavailable")


# ---------------------------------------------------------------------------
# Through ansible-playbook
# ---------------------------------------------------------------------------

def test_playbook_typo_key_is_unsupported(ansible_env, tmp_path):
    result, _stdout, _stderr = run_playbook(
        ansible_env, tmp_path, {"config": config(min_replica=1), "inspect_host": False})
    assert result["failed"] is True
    assert "Unsupported parameters" in result["msg"]


def test_playbook_lambda_fails(ansible_env, tmp_path):
    args = {"config": config(env={"AWS_LAMBDA_FUNCTION_NAME": "fn"}), "inspect_host": False}
    result, stdout, stderr = run_playbook(ansible_env, tmp_path, args)
    assert result["failed"] is True
    assert result["changed"] is False
    assert result["serverless"] is True
    assert [f["code"] for f in result["findings"]] == ["AWS_LAMBDA"]
    assert result["findings"][0]["path"] == "config.env.AWS_LAMBDA_FUNCTION_NAME"
    assert "AWS_LAMBDA" in result["msg"]
    assert PASSWORD not in stdout + stderr


def test_playbook_lambda_in_check_mode(ansible_env, tmp_path):
    args = {"config": config(env={"AWS_LAMBDA_FUNCTION_NAME": "fn"}), "inspect_host": False}
    normal, _stdout, _stderr = run_playbook(ansible_env, tmp_path, args)
    checked, _stdout, _stderr = run_playbook(ansible_env, tmp_path, args, check=True)
    assert checked["failed"] is True
    assert checked["changed"] is False
    assert checked["findings"] == normal["findings"]
    assert checked["msg"] == normal["msg"]


def test_playbook_base_in_check_mode_is_ok(ansible_env, tmp_path):
    result, _stdout, _stderr = run_playbook(
        ansible_env, tmp_path, {"config": config(), "inspect_host": False}, check=True)
    assert result.get("failed") is not True
    assert result["changed"] is False
    assert result["findings"] == []


def test_playbook_mysql_uri_never_shows_the_password(ansible_env, tmp_path):
    args = {"config": config(database_uri="mysql://u:s3cret@db.internal:3306/lg"),
            "inspect_host": False}
    _result, stdout, stderr = run_playbook(ansible_env, tmp_path, args, verbosity=3,
                                           callback="default")
    assert "must be a URI with the scheme postgresql or postgres, got 'mysql'" in stdout + stderr
    assert "failed=1" in stdout
    assert PASSWORD not in stdout
    assert PASSWORD not in stderr


def test_playbook_uris_stay_hidden_with_findings_shown(ansible_env, tmp_path):
    args = {"config": config(restart_policy="no"), "inspect_host": False}
    result, stdout, stderr = run_playbook(ansible_env, tmp_path, args)
    assert result.get("failed") is not True
    assert [f["code"] for f in result["findings"]] == ["DOCKER_NO_RESTART"]
    assert result["invocation"]["module_args"]["config"]["database_uri"] == \
        "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"
    assert PASSWORD not in stdout + stderr
