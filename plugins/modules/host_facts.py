#!/usr/bin/python
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: host_facts
short_description: Gather in one call the facts the collection's roles read
version_added: 0.3.0
description:
  - Gathers the system, platform and network facts that O(ansible.builtin.setup#module:gather_subset=distribution),
    V(platform) and V(network) gather, with the same names, and the host's memory in C(memtotal_mb),
    without the rest of the hardware subset (mounts, devices, DMI).
  - Also returns, not as facts, what the roles would otherwise read in calls of their own - the
    packages dpkg has installed and the PostgreSQL clusters configured under C(/etc/postgresql).
    The validate playbook (and so site) passes them on to the apt and postgresql roles for the rest
    of its run (C(apt_installed_packages), C(postgresql_existing_clusters)); a role applied from a
    play of one's own calls this module for them itself, with O(facts=false). They are not facts
    because a persistent fact cache would keep them past the run they describe.
extends_documentation_fragment:
  - langgraph_ops.standalone.module
attributes:
  facts:
    description: Action returns an C(ansible_facts) dictionary that will update existing host facts.
    support: full
    details: The installed packages and the PostgreSQL clusters are return values, not facts.
options:
  facts:
    description:
      - Gather the facts. V(false) returns only the installed packages and the PostgreSQL clusters,
        and an empty C(ansible_facts).
    type: bool
    default: true
"""

EXAMPLES = r"""
- name: Gather the facts the roles read
  langgraph_ops.standalone.host_facts:
  register: host

- name: Show the host's memory and its installed packages
  ansible.builtin.debug:
    msg: "{{ ansible_facts['memtotal_mb'] }} MB, {{ host.dpkg_installed | length }} packages"
"""

RETURN = r"""
ansible_facts:
  description:
    - The facts, each readable as C(ansible_facts['<name>']) as after fact gathering.
    - Empty with O(facts=false).
  returned: always
  type: dict
  contains:
    memtotal_mb:
      description: The host's memory in MB, as the hardware subset of fact gathering gives it.
      type: int
      sample: 24032
dpkg_installed:
  description: The names of the packages dpkg has installed; empty on a host without dpkg.
  returned: always
  type: list
  elements: str
  sample: [docker.io, postgresql-15]
postgresql_clusters:
  description: Each PostgreSQL cluster configured under C(/etc/postgresql), as C(<version>/<name>).
  returned: always
  type: list
  elements: str
  sample: [15/main]
"""

import glob
import os

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.facts import ansible_collector, default_collectors
from ansible.module_utils.facts.namespace import PrefixFactNamespace
from ansible_collections.langgraph_ops.standalone.plugins.module_utils.dpkg import installed_packages

# The subsets of ansible.builtin.setup whose facts the roles read.
SUBSETS = ["!all", "!min", "distribution", "platform", "network"]


def memtotal_mb(path="/proc/meminfo"):
    """MemTotal in MB, computed as the hardware subset of fact gathering does."""
    with open(path, encoding="ascii") as meminfo:
        for line in meminfo:
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) // 1024
    return None


def postgresql_clusters(root="/etc/postgresql"):
    return sorted(os.path.relpath(os.path.dirname(conf), root) for conf in glob.glob(f"{root}/*/*/postgresql.conf"))


def main():
    module = AnsibleModule(argument_spec=dict(facts=dict(type="bool", default=True)), supports_check_mode=True)
    facts = {}
    if module.params["facts"]:
        collector = ansible_collector.get_ansible_collector(
            all_collector_classes=default_collectors.collectors,
            namespace=PrefixFactNamespace(namespace_name="ansible", prefix="ansible_"),
            gather_subset=SUBSETS,
            minimal_gather_subset=frozenset(),
        )
        facts = collector.collect(module=module)
        facts["ansible_memtotal_mb"] = memtotal_mb()
    module.exit_json(ansible_facts=facts, dpkg_installed=sorted(installed_packages(module)), postgresql_clusters=postgresql_clusters())


if __name__ == "__main__":
    main()
