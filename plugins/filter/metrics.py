# Copyright: langgraph_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where a host's exporters listen, for the roles that scrape another host, and
where node exporter reads the figures the roles' own programs write."""

from __future__ import annotations

# The exporters' ports as their own roles default them (a unit test holds
# each to its role's defaults/main.yml): a Prometheus reads another host's
# variables, which hold no role defaults.
EXPORTER_PORTS = {
    "monitoring_node_exporter_port": 9100,
    "postgresql_metrics_port": 9187,
    "postgresql_queue_metrics_port": 9188,
    "redis_metrics_port": 9121,
    "proxy_metrics_port": 8404,
}

# The directory Debian's prometheus-node-exporter reads *.prom files from (its
# textfile collector's compiled-in default; the package creates it).
TEXTFILE_DIR = "/var/lib/prometheus/node-exporter"


def exporter_ports(hostvars):
    """Each exporter port of a host: its inventory's value, else its role's default."""
    return {name: int(hostvars.get(name, default)) for name, default in EXPORTER_PORTS.items()}


def textfile(name):
    """The file node exporter's textfile collector reads the figures called NAME from."""
    return f"{TEXTFILE_DIR}/{name}.prom"


class FilterModule:
    def filters(self):
        return {"exporter_ports": exporter_ports, "textfile": textfile}
