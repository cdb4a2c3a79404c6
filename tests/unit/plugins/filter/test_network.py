# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The cluster address: override, network, default; never ansible_host."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

import network

PUBLIC = "203.0.113.7"
PRIVATE = "172.17.2.11"


def host(**extra):
    facts = {
        "all_ipv4_addresses": [PUBLIC, PRIVATE, "172.18.0.1"],
        "all_ipv6_addresses": ["fe80::1%eth0", "fd00::11"],
        "default_ipv4": {"address": PUBLIC},
    }
    hostvars = {"inventory_hostname": "db1", "ansible_host": "db1.example.net", "ansible_facts": facts}
    hostvars.update(extra)
    return hostvars


def test_default_is_the_default_ipv4_address_not_ansible_host():
    assert network.cluster_address(host(ansible_host="198.51.100.9")) == PUBLIC


def test_network_picks_the_address_inside_it():
    assert network.cluster_address(host(langgraph_network="172.17.2.0/24")) == PRIVATE


def test_network_may_be_ipv6():
    assert network.cluster_address(host(langgraph_network="fd00::/64")) == "fd00::11"


def test_override_wins_over_network():
    assert network.cluster_address(host(langgraph_network="172.17.2.0/24", langgraph_address=PUBLIC)) == PUBLIC


def test_override_without_facts_is_trusted():
    assert network.cluster_address({"inventory_hostname": "db1", "langgraph_address": "10.0.0.5"}) == "10.0.0.5"


@pytest.mark.parametrize(
    "extra, words",
    [
        ({"langgraph_address": "10.9.9.9"}, ["langgraph_address of db1", "10.9.9.9", "no interface"]),
        ({"langgraph_address": "db1.internal"}, ["langgraph_address of db1", "not an IP address"]),
        ({"langgraph_network": "10.0.0.0/33"}, ["langgraph_network", "CIDR"]),
        ({"langgraph_network": "10.44.0.0/16"}, ["db1 has no address in langgraph_network 10.44.0.0/16", "langgraph_address"]),
    ],
)
def test_bad_settings_name_the_host_and_the_variable(extra, words):
    with pytest.raises(AnsibleFilterError) as err:
        network.cluster_address(host(**extra))
    for word in words:
        assert word in str(err.value)


@pytest.mark.parametrize("extra", [{}, {"langgraph_network": "172.17.2.0/24"}])
def test_a_host_without_facts_is_an_error_never_its_name(extra):
    hostvars = {"inventory_hostname": "db1", "ansible_host": "10.1.1.1", **extra}
    with pytest.raises(AnsibleFilterError) as err:
        network.cluster_address(hostvars)
    assert "no facts were gathered" in str(err.value)
    assert "10.1.1.1" not in str(err.value)


@pytest.mark.parametrize("value, shown", [("10.0.0.1", "10.0.0.1"), ("fd00::1", "[fd00::1]"), ("[fd00::1]", "[fd00::1]"), ("db1", "db1")])
def test_url_host(value, shown):
    assert network.url_host(value) == shown


def test_the_api_is_published_on_the_cluster_address():
    assert network.api_address(host(), ["proxy1"]) == PUBLIC
    assert network.api_address(host(langgraph_network="172.17.2.0/24"), []) == PRIVATE


def test_the_only_proxy_host_reaches_its_own_api_on_loopback():
    assert network.api_address(host(), ["db1"]) == "127.0.0.1"
    assert network.api_address(host(), ["db1", "proxy2"]) == PUBLIC


def test_a_wildcard_bind_is_reached_on_the_cluster_address():
    assert network.api_address(host(langgraph_server_bind_address="0.0.0.0"), ["db1"]) == "0.0.0.0"
    assert network.api_address(host(langgraph_server_bind_address="0.0.0.0"), ["db1"], connect=True) == PUBLIC


def test_in_service_leaves_out_retired_hosts_and_keeps_the_order():
    hostvars = {"api1": {}, "api2": {"langgraph_server_state": "absent"}, "api3": {"langgraph_server_state": "present"}}
    assert network.in_service(["api3", "api2", "api1"], hostvars) == ["api3", "api1"]
    assert network.in_service(["api2"], hostvars) == []


def test_deployment_hosts_lists_each_host_once_in_the_order_site_deploys():
    groups = {"all": ["p", "r", "a1", "a2", "x"], "langgraph_server": ["a1", "a2"], "langgraph_postgres": ["p"],
              "langgraph_redis": ["r", "p"], "langgraph_monitoring": ["x", "a1"], "ungrouped": ["z"]}
    assert network.deployment_hosts(groups) == ["p", "r", "a1", "a2", "x"]
    assert network.deployment_hosts({"all": ["z"]}) == []
