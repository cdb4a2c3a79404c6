# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

from postgresql import databases_to_set, logins_to_set, scram_verifies

# Made by PostgreSQL 15: CREATE ROLE probe LOGIN PASSWORD 'Probe-pass_1.x', then rolpassword from pg_authid.
VERIFIER = ("SCRAM-SHA-256$4096:1repSU7ylxwbzCpYNQjfaw==$aYLH2EEi6brYqcoqBUviRwgn8PHoYsne+WQMksRx7i8="
            ":ewbLyIddHTE56b4pn3iW7K/1ZswbZgi0zKfjZpqSycE=")


def test_a_verifier_matches_its_password_only():
    assert scram_verifies(VERIFIER, "Probe-pass_1.x")
    assert not scram_verifies(VERIFIER, "Probe-pass_1.y")
    assert not scram_verifies("md5" + "0" * 32, "Probe-pass_1.x")
    assert not scram_verifies("", "Probe-pass_1.x")


def test_a_password_saslprep_could_change_is_left_to_the_module():
    assert not scram_verifies(VERIFIER, "Probe-pass_1.x\u00a0")


def test_logins_to_set():
    found = [{"name": "agent", "verifier": VERIFIER, "plain_login": True},
             {"name": "admin", "verifier": VERIFIER, "plain_login": False}]
    users = [{"name": "agent", "password": "Probe-pass_1.x"}, {"name": "admin", "password": "Probe-pass_1.x"},
             {"name": "other", "password": "Probe-pass_1.x"}]
    assert [user["name"] for user in logins_to_set(users, found)] == ["admin", "other"]
    assert logins_to_set([{"name": "agent", "password": "changed"}], found) == [{"name": "agent", "password": "changed"}]


def test_databases_to_set():
    found = [{"name": "lg", "owner": "agent", "encoding": "UTF8", "lc_collate": "C.UTF-8", "lc_ctype": "C.UTF-8"}]
    assert databases_to_set([{"name": "lg", "owner": "agent"}], found) == []
    assert databases_to_set([{"name": "lg", "owner": "agent", "encoding": "utf8", "lc_collate": "C.UTF-8"}], found) == []
    for wanted in ({"name": "lg", "owner": "admin"}, {"name": "lg", "owner": "agent", "encoding": "LATIN1"},
                   {"name": "lg", "owner": "agent", "lc_ctype": "en_US.UTF-8"}, {"name": "new", "owner": "agent"}):
        assert databases_to_set([wanted], found) == [wanted]
