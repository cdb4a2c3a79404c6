# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Deployments: one list, defaults filled in, clashes refused by name."""

from __future__ import annotations

import pathlib

import pytest
import yaml
from ansible.errors import AnsibleFilterError

from deployments import SERVER_DEFAULTS as FILTER_DEFAULTS
from deployments import deployments, second_login

SERVER_DEFAULTS = {"name": "langgraph-server", "port": 8000, "image": "lab/server:1", "env": {"LOG_LEVEL": "INFO"},
                   "queue_workers": 0, "queue_port": 8100}


def two(**second):
    first = {"name": "alpha", "postgres_password": "pa", "redis_password": "ra", "redis_database": 0}
    other = {"name": "beta", "port": 8001, "postgres_password": "pb", "redis_password": "rb", "redis_database": 1}
    other.update(second)
    return [first, other]


def test_unset_means_one_deployment_from_the_shared_names():
    (entry,) = deployments(None, defaults=SERVER_DEFAULTS, postgres_password="p", redis_password="r", redis_database="2")
    assert entry["name"] == "langgraph-server"
    assert (entry["postgres_database"], entry["postgres_user"], entry["redis_user"]) == ("langgraph",) * 3
    assert entry["redis_database"] == 2
    assert entry["port"] == 8000
    assert entry["database_uri"] == ""


def test_unset_shared_names_fall_back_to_the_documented_defaults():
    assert deployments(None, "postgresql_databases", postgres_database=None) == [{"name": "langgraph", "owner": "langgraph"}]


def test_entries_get_names_from_their_deployment_and_settings_from_the_role():
    alpha, beta = deployments(two(env={"LOG_JSON": "true"}), defaults=SERVER_DEFAULTS)
    assert (beta["postgres_database"], beta["postgres_user"], beta["redis_user"]) == ("beta", "beta", "beta")
    assert alpha["port"] == 8000 and beta["port"] == 8001
    assert beta["image"] == "lab/server:1"
    assert beta["env"] == {"LOG_LEVEL": "INFO", "LOG_JSON": "true"}


def test_names_with_dashes_make_sql_identifiers():
    (entry,) = deployments([{"name": "Support-Bot.v2", "postgres_password": "p", "redis_password": "r"}])
    assert entry["postgres_database"] == "support_bot_v2"


def test_views_for_the_postgresql_and_redis_roles():
    entries = two()
    assert deployments(entries, "postgresql_users") == [{"name": "alpha", "password": "pa"}, {"name": "beta", "password": "pb"}]
    assert deployments(entries, "postgresql_databases")[1] == {"name": "beta", "owner": "beta"}
    assert deployments(entries, "redis_users")[1] == {"name": "beta", "password": "rb", "database": 1}


def test_the_second_login_keeps_within_postgresql_names():
    assert second_login("langgraph") == "langgraph_rotation"
    long = "a" * 63
    assert len(second_login(long)) == 63
    assert second_login(long).endswith("_rotation")


def test_deployments_on_managed_services_add_no_login():
    entries = two(database_uri="postgresql://u:p@db.example:5432/b", postgres_password="")
    assert [u["name"] for u in deployments(entries, "postgresql_users")] == ["alpha"]
    assert len(deployments(entries, "redis_users")) == 2


@pytest.mark.parametrize(
    "second, message",
    [
        ({"name": "alpha"}, r"\[1\] \(alpha\): name 'alpha' is already used by langgraph_deployments\[0\] \(alpha\)"),
        ({"port": 8000}, r"port 8000 is already used by langgraph_deployments\[0\]"),
        ({"postgres_database": "alpha"}, r"postgres_database 'alpha' is already used"),
        ({"postgres_user": "alpha"}, r"postgres_user 'alpha' is already used"),
        ({"redis_user": "alpha"}, r"redis_user 'alpha' is already used"),
        ({"redis_database": 0}, r"redis_database 0 is already used"),
    ],
)
def test_clashes_are_refused_naming_both_deployments(second, message):
    with pytest.raises(AnsibleFilterError, match=message):
        deployments(two(**second), defaults=SERVER_DEFAULTS)


def test_two_deployments_without_ports_clash_on_the_default_port():
    entries = two()
    del entries[1]["port"]
    with pytest.raises(AnsibleFilterError, match="port 8000 is already used"):
        deployments(entries, defaults=SERVER_DEFAULTS)


def test_the_same_managed_uri_twice_is_a_clash_and_does_not_show_it():
    uri = "postgresql://u:secret@db.example:5432/x"
    entries = two(database_uri=uri)
    entries[0]["database_uri"] = uri
    with pytest.raises(AnsibleFilterError, match="database_uri the same URI") as error:
        deployments(entries)
    assert "secret" not in str(error.value)


@pytest.mark.parametrize(
    "value, message",
    [
        ("alpha", "must be a list of deployments"),
        ({"name": "alpha"}, "must be a list of deployments"),
        ([{"name": "docker", "postgres_password": "p", "redis_password": "r"}], "not one of containerd, docker"),
        ([{"name": "metrics", "postgres_password": "p", "redis_password": "r"}], "name must be usable"),
        ([], "is empty"),
        (["alpha"], r"\[0\]: must be a mapping"),
        ([{"postgres_password": "p", "redis_password": "r"}], r"\[0\]: name must be usable"),
        ([{"name": "a b", "postgres_password": "p", "redis_password": "r"}], "name must be usable"),
        ([{"name": "a", "prot": 9000}], r"unknown key\(s\) prot \(did you mean port\?\)"),
        ([{"name": "a", "redis_password": "r"}], r"\[0\] \(a\): postgres_password is required"),
        ([{"name": "a", "postgres_password": "p"}], "redis_password is required"),
        ([{"name": "a", "postgres_password": "p", "redis_password": "r", "port": 70000}], "port must be a whole number from 1 to 65535"),
        ([{"name": "a", "postgres_password": "p", "redis_password": "r", "redis_database": "x"}], "redis_database must be a whole number"),
        ([{"name": "a", "postgres_password": "p", "redis_password": "r", "postgres_user": "pg_a"}], "postgres_user must be a lowercase SQL"),
        ([{"name": "a", "postgres_password": "p", "redis_password": "r", "postgres_database": "Bad"}], "postgres_database must be"),
        ([{"name": "a", "postgres_password": "p", "redis_password": "r", "redis_user": "default"}], "redis_user must be"),
    ],
)
def test_bad_lists_are_refused_naming_the_entry_and_key(value, message):
    with pytest.raises(AnsibleFilterError, match=message):
        deployments(value)


def test_queue_workers_take_a_port_each_from_queue_port():
    alpha, beta = deployments(two(queue_workers=3, queue_port=8200), defaults=SERVER_DEFAULTS)
    assert (alpha["queue_workers"], beta["queue_workers"], beta["queue_port"]) == (0, 3, 8200)
    assert (alpha["host_ports"], beta["host_ports"]) == ([8000], [8001, 8200, 8201, 8202])


@pytest.mark.parametrize(
    "second, message",
    [
        ({"queue_workers": 2, "queue_port": 7999}, r"\(beta\): port 8000 is already used by langgraph_deployments\[0\]"),
        ({"queue_workers": 2, "queue_port": 8000}, r"queue_port: the queue workers' ports 8000-8001 include the API's port 8001"),
        ({"queue_workers": 65}, "queue_workers must be a whole number from 0 to 64"),
        ({"queue_workers": 2, "queue_port": 65535}, "queue_port must be a whole number from 1 to 65534"),
    ],
)
def test_queue_worker_ports_must_not_clash(second, message):
    with pytest.raises(AnsibleFilterError, match=message):
        deployments(two(**second), defaults=SERVER_DEFAULTS)


def test_autoscaled_workers_reserve_ports_up_to_their_maximum():
    alpha, beta = deployments(two(queue_workers=1, queue_workers_max=3, queue_port=8200), defaults=SERVER_DEFAULTS)
    assert (alpha["queue_workers_max"], beta["queue_workers"], beta["queue_workers_max"]) == (0, 1, 3)
    assert (alpha["autoscaled"], beta["autoscaled"]) == (False, True)
    assert beta["host_ports"] == [8001, 8200, 8201, 8202]


def test_a_maximum_of_zero_turns_autoscaling_off():
    (entry,) = deployments(None, defaults=dict(SERVER_DEFAULTS, queue_workers=2, queue_workers_max=0))
    assert (entry["queue_workers"], entry["queue_workers_max"], entry["autoscaled"], entry["host_ports"]) == (
        2, 2, False, [8000, 8100, 8101])


@pytest.mark.parametrize(
    "second, message",
    [
        ({"queue_workers": 2, "queue_workers_max": 1}, r"\(beta\): queue_workers_max must be at least queue_workers \(2\), got 1"),
        ({"queue_workers": 0, "queue_workers_max": 2},
         r"\(beta\): queue_workers_max above queue_workers .* at least 1: scaling to zero workers loses background runs"),
        ({"queue_workers": 1, "queue_workers_max": 65}, "queue_workers_max must be a whole number from 0 to 64"),
        ({"queue_workers": 1, "queue_workers_max": 3, "queue_port": 7998}, r"port 8000 is already used"),
    ],
)
def test_autoscaling_bounds_are_checked(second, message):
    with pytest.raises(AnsibleFilterError, match=message):
        deployments(two(**second), defaults=SERVER_DEFAULTS)


def test_a_single_autoscaled_deployment_names_its_variable():
    with pytest.raises(AnsibleFilterError, match="^langgraph_server_queue_workers_max above queue_workers autoscales "
                                                 "the queue workers between the two, so queue_workers must be at least 1"):
        deployments(None, defaults=dict(SERVER_DEFAULTS, queue_workers=0, queue_workers_max=4))


def test_a_single_deployment_names_its_variables():
    with pytest.raises(AnsibleFilterError, match="^langgraph_server_queue_port: the queue workers' ports"):
        deployments(None, defaults=dict(SERVER_DEFAULTS, queue_workers=2, queue_port=7999))
    with pytest.raises(AnsibleFilterError, match="^langgraph_server_port must be a whole number"):
        deployments(None, defaults=dict(SERVER_DEFAULTS, port=0))


def test_each_deployment_needs_its_own_proxy_port():
    entries = two(proxy_port=443)
    with pytest.raises(AnsibleFilterError, match=r"\(beta\): proxy_port 443 is already used"):
        deployments(entries, defaults={"proxy_port": 443})
    entries[1]["proxy_port"] = 8443
    assert [e["proxy_port"] for e in deployments(entries, defaults={"proxy_port": 443})] == [443, 8443]


def test_a_mapping_instead_of_a_list_never_shows_its_passwords():
    value = {"alpha": {"postgres_password": "secret-pg", "redis_password": "secret-redis"}}
    with pytest.raises(AnsibleFilterError) as error:
        deployments(value)
    assert "secret" not in str(error.value)
    with pytest.raises(AnsibleFilterError) as error:
        deployments(["secret-in-a-string"])
    assert "secret" not in str(error.value)


def test_keys_given_as_none_take_the_server_roles_defaults():
    (entry,) = deployments(None, defaults={"name": None, "port": None, "queue_workers": None, "queue_port": None},
                           postgres_password="p", redis_password="r")
    assert (entry["name"], entry["port"], entry["queue_workers"], entry["queue_port"]) == ("langgraph-server", 8000, 0, 8100)
    assert entry["host_ports"] == [8000]


def test_the_filters_server_defaults_are_the_server_roles():
    role = pathlib.Path(__file__).parents[4] / "roles/langgraph_server/defaults/main.yml"
    role_defaults = yaml.safe_load(role.read_text())
    assert FILTER_DEFAULTS == {key: role_defaults[f"langgraph_server_{key}"] for key in FILTER_DEFAULTS}
