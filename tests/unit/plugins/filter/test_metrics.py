# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Exporter ports: the inventory's, else each owning role's default."""

from __future__ import annotations

import pathlib

import yaml

from metrics import EXPORTER_PORTS, exporter_ports, textfile

ROLES = pathlib.Path(__file__).parents[4] / "roles"


def test_a_host_without_settings_gets_each_roles_default():
    assert exporter_ports({"inventory_hostname": "pg1"}) == {
        "monitoring_node_exporter_port": 9100, "postgresql_metrics_port": 9187, "postgresql_queue_metrics_port": 9188,
        "redis_metrics_port": 9121, "proxy_metrics_port": 8404}


def test_the_inventorys_port_wins_and_is_a_number():
    ports = exporter_ports({"postgresql_metrics_port": "19187", "proxy_metrics_port": 0})
    assert (ports["postgresql_metrics_port"], ports["proxy_metrics_port"], ports["redis_metrics_port"]) == (19187, 0, 9121)


def test_the_defaults_are_the_roles_own():
    role_defaults = {}
    for role in ("monitoring", "postgresql", "redis", "proxy"):
        role_defaults.update(yaml.safe_load((ROLES / role / "defaults/main.yml").read_text()))
    assert EXPORTER_PORTS == {name: role_defaults[name] for name in EXPORTER_PORTS}


def test_a_file_of_figures_is_in_node_exporters_textfile_directory():
    assert textfile("langgraph-backup") == "/var/lib/prometheus/node-exporter/langgraph-backup.prom"
