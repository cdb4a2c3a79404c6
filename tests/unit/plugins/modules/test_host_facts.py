# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run the real host_facts module on this machine, the way Ansible runs it on
a target (the module file with an arguments file), and compare what it
gathers with the machine itself and with ansible.builtin.setup."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__))))))
MODULE = os.path.join(REPO_ROOT, "plugins", "modules", "host_facts.py")
sys.path.insert(0, os.path.dirname(MODULE))

import dpkg  # noqa: E402  pylint: disable=wrong-import-position
import host_facts  # noqa: E402  pylint: disable=wrong-import-position


def run_module(tmp_path, module=MODULE, **args):
    """Run a module file, or a module of ansible-core by its dotted name."""
    path = tmp_path / "args.json"
    path.write_text(json.dumps({"ANSIBLE_MODULE_ARGS": dict(args, _ansible_check_mode=True)}))
    command = [sys.executable, "-m", module] if module.startswith("ansible.") else [sys.executable, module]
    done = subprocess.run(command + [str(path)], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def test_gathers_what_setup_gathers_with_the_same_names(tmp_path):
    ours = run_module(tmp_path)
    setup = run_module(tmp_path, module="ansible.modules.setup", gather_subset=["min", "network", "hardware"])
    for name in ("ansible_distribution", "ansible_distribution_release", "ansible_os_family", "ansible_architecture",
                 "ansible_all_ipv4_addresses", "ansible_all_ipv6_addresses", "ansible_default_ipv4", "ansible_memtotal_mb"):
        assert ours["ansible_facts"][name] == setup["ansible_facts"][name], name
    # Without the rest of the hardware subset.
    assert "ansible_mounts" not in ours["ansible_facts"]


@pytest.mark.skipif(shutil.which("dpkg-query") is None, reason="needs dpkg")
def test_lists_the_installed_packages(tmp_path):
    result = run_module(tmp_path)
    wanted = subprocess.run(["dpkg-query", "--show", "--showformat=${db:Status-Status} ${Package}\n"],
                            capture_output=True, text=True, check=True).stdout.splitlines()
    assert result["dpkg_installed"] == sorted({line.split()[1] for line in wanted if line.startswith("installed ")})
    assert "dpkg" in result["dpkg_installed"]


def test_without_facts_only_the_packages_and_clusters(tmp_path):
    result = run_module(tmp_path, facts=False)
    assert result["ansible_facts"] == {}
    assert isinstance(result["dpkg_installed"], list) and isinstance(result["postgresql_clusters"], list)


def test_only_installed_packages_count():
    listing = "bar installed 1.0\nold config-files 2\nfoo not-installed \nbroken half-installed 3\napt installed 2.6.1\n"
    assert dpkg.parse_installed(listing) == {"apt": "2.6.1", "bar": "1.0"}


def test_memory_in_mb_from_meminfo(tmp_path):
    meminfo = tmp_path / "meminfo"
    meminfo.write_text("MemFree:         1000 kB\nMemTotal:       24683452 kB\n")
    assert host_facts.memtotal_mb(str(meminfo)) == 24104


def test_postgresql_clusters_by_version_and_name(tmp_path):
    for cluster in ("15/main", "16/other"):
        (tmp_path / cluster).mkdir(parents=True)
        (tmp_path / cluster / "postgresql.conf").write_text("")
    (tmp_path / "17" / "half").mkdir(parents=True)
    assert host_facts.postgresql_clusters(str(tmp_path)) == ["15/main", "16/other"]
    assert host_facts.postgresql_clusters(str(tmp_path / "absent")) == []
