# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

import importlib.util
import os

import pytest

PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "..", "plugins", "test", "addresses.py")
SPEC = importlib.util.spec_from_file_location("addresses", PATH)
addresses = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(addresses)


@pytest.mark.parametrize("value", ["10.0.0.1", "0.0.0.0", "255.255.255.255", "::", "::1", "fd00::5", "2001:db8::1"])
def test_addresses(value):
    assert addresses.ip_address(value)


@pytest.mark.parametrize("value", ["10.0.0", "256.1.1.1", "010.0.0.1", "10.0.0.1/8", "host.example", "*", "", "fd00::g", 5])
def test_not_addresses(value):
    assert not addresses.ip_address(value)


@pytest.mark.parametrize("value", ["10.0.0.0/8", "10.0.0.1/8", "0.0.0.0/0", "192.168.1.7/32", "fd00::/64", "::1/128"])
def test_networks(value):
    assert addresses.ip_network(value)


@pytest.mark.parametrize("value", ["10.0.0.0/33", "10.0.0.1", "fd00::/129", "10.0.0.0/x", "host/8", ""])
def test_not_networks(value):
    assert not addresses.ip_network(value)
