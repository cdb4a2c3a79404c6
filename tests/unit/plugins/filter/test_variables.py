# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Misspelt variables: named with the closest known one, names of one's own left alone."""

from __future__ import annotations

import pathlib

import yaml

from variables import known_variables, misspelt_variables

ROOT = pathlib.Path(__file__).parents[4]


def test_a_misspelt_variable_names_the_closest_known_one():
    assert misspelt_variables(["langgraph_server_prot", "postgresql_backup_kepe"]) == [
        "langgraph_server_prot is not a variable of langgraph_ops.standalone; did you mean langgraph_server_port?",
        "postgresql_backup_kepe is not a variable of langgraph_ops.standalone; did you mean postgresql_backup_keep?",
    ]


def test_known_names_and_names_of_ones_own_pass():
    assert misspelt_variables(["langgraph_server_port", "redis_maxmemory", "docker_users",
                               "proxy_settings_of_my_own_role", "lab_host_image"]) == []


def test_the_known_names_come_from_the_collections_files():
    known = known_variables()
    assert {"langgraph_server_port", "langgraph_postgres_password", "postgresql_backup_keep",
            "proxy_https_port", "langgraph_address", "langgraph_deployments"} <= known


def _inventory_names(value):
    if isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _inventory_names(item)
    elif isinstance(value, list):
        for item in value:
            yield from _inventory_names(item)


def test_the_lab_and_the_scenarios_use_no_misspelt_variable():
    files = sorted(ROOT.glob("molecule/*/molecule.yml")) + sorted(ROOT.glob("lab/*.yml")) + sorted(ROOT.glob("lab/group_vars/*.yml"))
    names = {name for path in files for name in _inventory_names(yaml.safe_load(path.read_text()))}
    assert misspelt_variables(names) == []
