# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Address syntax for the roles' checks, with Python's ipaddress (no netaddr
on the controller). The documentation is in ip_address.yml and ip_network.yml."""

from __future__ import annotations

import ipaddress


def ip_address(value):
    """An IPv4 or IPv6 address."""
    try:
        ipaddress.ip_address(str(value))
    except ValueError:
        return False
    return True


def ip_network(value):
    """An address with a prefix length (CIDR form); host bits may be set."""
    if "/" not in str(value):
        return False
    try:
        ipaddress.ip_network(str(value), strict=False)
    except ValueError:
        return False
    return True


class TestModule:
    def tests(self):
        return {"ip_address": ip_address, "ip_network": ip_network}
