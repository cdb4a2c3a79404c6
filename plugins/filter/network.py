# Copyright: langgraph_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where a host is on the cluster's network: the one place that decides it."""

from __future__ import annotations

import ipaddress

from ansible.errors import AnsibleFilterError


def _facts(hostvars):
    facts = hostvars.get("ansible_facts") or {}
    return facts if isinstance(facts, dict) or hasattr(facts, "get") else {}


def _host_addresses(facts):
    return [
        ipaddress.ip_address(a.split("%")[0])
        for a in list(facts.get("all_ipv4_addresses") or []) + list(facts.get("all_ipv6_addresses") or [])
    ]


def cluster_address(hostvars):
    """Return the cluster address of the host whose variables are given."""
    if not hasattr(hostvars, "get"):
        raise AnsibleFilterError("cluster_address expects a host's variables (hostvars[name])")
    name = hostvars.get("inventory_hostname", "?")
    facts = _facts(hostvars)
    gathered = bool(facts.get("all_ipv4_addresses") or facts.get("all_ipv6_addresses"))
    override = str(hostvars.get("langgraph_address") or "").strip()
    network = str(hostvars.get("langgraph_network") or "").strip()

    if override:
        try:
            address = ipaddress.ip_address(override)
        except ValueError:
            raise AnsibleFilterError(f"langgraph_address of {name} is not an IP address: {override!r}")
        if gathered and address not in _host_addresses(facts):
            raise AnsibleFilterError(
                f"langgraph_address of {name} is {address}, which is on no interface of that host "
                f"(it has {', '.join(map(str, _host_addresses(facts))) or 'no addresses'})"
            )
        return str(address)

    if network:
        try:
            net = ipaddress.ip_network(network, strict=False)
        except ValueError:
            raise AnsibleFilterError(f"langgraph_network is not a network in CIDR form (e.g. 10.0.8.0/24): {network!r}")
        if not gathered:
            raise AnsibleFilterError(
                f"cannot tell the address of {name} in langgraph_network {net}: no facts were gathered for it; "
                "gather them (the site and validate playbooks do) or set langgraph_address for the host"
            )
        inside = [a for a in _host_addresses(facts) if a.version == net.version and a in net]
        if not inside:
            raise AnsibleFilterError(
                f"{name} has no address in langgraph_network {net} "
                f"(it has {', '.join(map(str, _host_addresses(facts)))}); set langgraph_address for the host"
            )
        return str(inside[0])

    default = (facts.get("default_ipv4") or {}).get("address", "")
    if not default:
        raise AnsibleFilterError(
            f"cannot tell the address of {name}: its facts have no default IPv4 address"
            f"{'' if gathered else ' (no facts were gathered for it)'}; set langgraph_network or langgraph_address"
        )
    return str(default)


def api_address(hostvars, proxies=(), connect=False):
    """Where a server host publishes its API, or with connect, where a proxy reaches it.

    langgraph_server_bind_address when set; loopback when the host is the
    only proxy host (its HAProxy is the way in); else its cluster address.
    A proxy reaches a wildcard bind on the host's cluster address.
    """
    name = hostvars.get("inventory_hostname", "?")
    override = str(hostvars.get("langgraph_server_bind_address") or "").strip()
    if override:
        address = override
    elif list(proxies or []) == [name]:
        address = "127.0.0.1"
    else:
        address = cluster_address(hostvars)
    if connect and address in ("0.0.0.0", "::"):
        address = cluster_address(hostvars)
    return address


def url_host(address):
    """An address as it stands in a URL: IPv6 in brackets."""
    address = str(address)
    return f"[{address}]" if ":" in address and not address.startswith("[") else address


# The groups of a deployment, in the order site deploys them.
GROUPS = ("langgraph_postgres", "langgraph_redis", "langgraph_server", "langgraph_proxy", "langgraph_monitoring")


def deployment_hosts(groups):
    """Every host of the deployment's groups, each once, in the order of GROUPS and of each group."""
    hosts = []
    for group in GROUPS:
        hosts += [host for host in (groups or {}).get(group) or [] if host not in hosts]
    return hosts


def in_service(hosts, hostvars):
    """The server hosts of a list that are not retired (langgraph_server_state: absent)."""
    return [host for host in hosts or [] if (hostvars.get(host) or {}).get("langgraph_server_state", "present") != "absent"]


class FilterModule:
    def filters(self):
        return {"cluster_address": cluster_address, "api_address": api_address, "url_host": url_host, "in_service": in_service,
                "deployment_hosts": deployment_hosts}
