# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run the real host_state module the way Ansible runs it on a target (the
module file with an arguments file): on files of a temporary directory, on
this machine's systemd listing parser, and against this machine's Docker
engine where one runs (the lab images are in it). The molecule scenarios read
the server's containers and units with it on the lab hosts."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__))))))
MODULE = os.path.join(REPO_ROOT, "plugins", "modules", "host_state.py")
DOCKER_SOCKET = "/var/run/docker.sock"
sys.path.insert(0, os.path.dirname(MODULE))

import host_state  # noqa: E402  pylint: disable=wrong-import-position


def run(tmp_path, **args):
    path = tmp_path / "args.json"
    path.write_text(json.dumps({"ANSIBLE_MODULE_ARGS": dict(args, _ansible_check_mode=True)}))
    done = subprocess.run([sys.executable, MODULE, str(path)], capture_output=True, text=True, check=False)
    return json.loads(done.stdout)


def test_reads_files_and_names_the_missing_ones(tmp_path):
    record = tmp_path / "server.migrated"
    record.write_text("sha256:abc\n")
    result = run(tmp_path, files=[str(record), str(tmp_path / "absent")])
    assert result["files"] == {str(record): "sha256:abc\n", str(tmp_path / "absent"): None}
    assert result["images"] == {} and result["containers"] == {} and result["units"] == []


def test_refuses_a_file_too_large_to_be_a_record(tmp_path):
    large = tmp_path / "large"
    large.write_bytes(b"x" * (host_state.FILE_LIMIT + 1))
    result = run(tmp_path, files=[str(large)])
    assert result["failed"] is True
    assert "larger than" in result["msg"]


@pytest.mark.skipif(shutil.which("dpkg-query") is None, reason="needs dpkg")
def test_versions_of_the_installed_packages(tmp_path):
    wanted = subprocess.run(["dpkg-query", "--show", "--showformat=${Version}", "dpkg"],
                            capture_output=True, text=True, check=True).stdout
    result = run(tmp_path, packages=["dpkg", "langgraph-ops-absent"])
    assert result["packages"] == {"dpkg": wanted, "langgraph-ops-absent": ""}
    assert wanted


def test_units_as_systemctl_lists_them():
    listing = ("langgraph-server-queue@8101.service loaded active running LangGraph queue worker 8101\n"
               "langgraph-server-queue@8102.service not-found failed failed langgraph-server-queue@8102.service\n")
    assert host_state.parse_units(listing) == [
        {"unit": "langgraph-server-queue@8101.service", "load": "loaded", "active": "active", "sub": "running"},
        {"unit": "langgraph-server-queue@8102.service", "load": "not-found", "active": "failed", "sub": "failed"},
    ]
    assert host_state.parse_units("") == []


def test_a_docker_engine_that_does_not_answer_fails_the_task(tmp_path):
    result = run(tmp_path, images=["any"], docker_socket=str(tmp_path / "no.sock"))
    assert result["failed"] is True


@pytest.mark.skipif(not os.path.exists(DOCKER_SOCKET), reason="needs a Docker engine")
def test_images_and_containers_from_the_docker_engine(tmp_path):
    listed = subprocess.run(["docker", "image", "ls", "--format", "{{.Repository}}:{{.Tag}}"],
                            capture_output=True, text=True, check=True).stdout.split()
    named = [name for name in listed if not name.endswith(":<none>")]
    if not named:
        pytest.skip("the Docker engine has no tagged image")
    image = named[0]
    wanted_id = subprocess.run(["docker", "image", "inspect", "--format", "{{.Id}}", image],
                               capture_output=True, text=True, check=True).stdout.strip()
    name = f"langgraph-ops-host-state-{os.getpid()}"
    subprocess.run(["docker", "create", "--name", name, "--label", "org.langgraph-ops.config=abc", "--env", "SECRET=s3cr3t",
                    image, "true"], capture_output=True, check=True)
    try:
        result = run(tmp_path, images=[image, "langgraph-ops-absent/image:none"], containers=[name, f"{name}-absent"])
        unlabelled = run(tmp_path, containers=[name], container_labels=False)
    finally:
        subprocess.run(["docker", "rm", "--force", name], capture_output=True, check=True)
    assert result["images"] == {image: wanted_id, "langgraph-ops-absent/image:none": ""}
    assert result["containers"][name]["labels"]["org.langgraph-ops.config"] == "abc"
    assert {key: result["containers"][name][key] for key in ("exists", "running", "status", "image")} == {
        "exists": True, "running": False, "status": "created", "image": wanted_id}
    assert result["containers"][f"{name}-absent"] == {"exists": False, "running": False, "status": "", "image": "", "labels": {}}
    # Not the environment: it holds secrets.
    assert "s3cr3t" not in json.dumps(result)
    # Nor the labels, when asked not to.
    assert unlabelled["containers"][name]["labels"] == {} and unlabelled["containers"][name]["image"] == wanted_id
