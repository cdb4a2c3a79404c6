# Copyright: langgraph_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The deployments on the servers: the one place that lists them and refuses clashes."""

from __future__ import annotations

import difflib
import re

from ansible.errors import AnsibleFilterError

NAME_RE = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9_.-]*$")
# Names a deployment's unit or the proxy's sections would take from something else.
RESERVED = {"containerd", "docker", "haproxy", "http", "metrics", "postgresql", "redis", "redis-server", "ssh", "sshd"}
SQL_NAME_RE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
REDIS_USER_RE = re.compile(r"^[A-Za-z0-9_.-]+$")

# What the PostgreSQL and Redis hosts and the servers must agree on.
SHARED = {
    "postgres_database": "langgraph",
    "postgres_user": "langgraph",
    "postgres_password": "",
    "redis_user": "langgraph",
    "redis_password": "",
    "redis_database": 0,
}
# Settings an entry may override; the langgraph_server_* variables (and the
# proxy role's proxy_https_port) are their defaults.
SERVER = ("port", "image", "image_archive", "env", "langsmith_api_key", "license_key", "migration_command",
          "queue_workers", "queue_workers_max", "queue_port", "proxy_port")
# The langgraph_server role's defaults, for the roles that read a server host's
# variables from elsewhere: a key given as None in ``defaults`` takes them.
SERVER_DEFAULTS = {"name": "langgraph-server", "port": 8000, "queue_workers": 0, "queue_port": 8100}
KEYS = ("name", "database_uri", "redis_uri") + tuple(SHARED) + SERVER
VIEWS = ("postgresql_users", "postgresql_databases", "redis_users")
# The rotate_secrets playbook's second login role for a deployment's role.
SECOND_LOGIN_SUFFIX = "_rotation"


def _fail(where, message):
    raise AnsibleFilterError(f"{where}: {message}")


def _sql_default(name):
    return re.sub(r"[^a-z0-9_]", "_", name.lower())[:63]


def _entry(index, raw, defaults):
    where = f"langgraph_deployments[{index}]"
    if not hasattr(raw, "items"):
        _fail(where, f"must be a mapping with at least a name, got a {type(raw).__name__}")
    name = str(raw.get("name") or "")
    if not NAME_RE.match(name) or name in RESERVED:
        _fail(where, f"name must be usable as a unit and container name (letters, digits, _ . -) and not one of "
                     f"{', '.join(sorted(RESERVED))}; got {name!r}")
    where = f"{where} ({name})"
    unknown = sorted(set(raw) - set(KEYS))
    if unknown:
        hints = [f"{key} (did you mean {close[0]}?)" if (close := difflib.get_close_matches(key, KEYS, 1)) else key
                 for key in unknown]
        _fail(where, f"unknown key(s) {', '.join(hints)}; known keys: {', '.join(KEYS)}")
    sql = _sql_default(name)
    entry = {key: defaults[key] for key in SERVER if key in defaults}
    entry.update(postgres_database=sql, postgres_user=sql, postgres_password="", redis_user=name,
                 redis_password="", redis_database=0, database_uri="", redis_uri="")
    entry.update(raw)
    entry["env"] = {**dict(defaults.get("env") or {}), **dict(raw.get("env") or {})}
    if not entry["database_uri"]:
        for key in ("postgres_database", "postgres_user"):
            if not SQL_NAME_RE.match(str(entry[key])) or re.match(r"^(postgres$|pg_|template[01]$)", str(entry[key])):
                _fail(where, f"{key} must be a lowercase SQL identifier (letters, digits, _, at most 63), "
                             f"not postgres, pg_* or template0/1; got {entry[key]!r}")
        if not entry["postgres_password"]:
            _fail(where, "postgres_password is required (or database_uri for a PostgreSQL outside the inventory)")
    if not entry["redis_uri"]:
        if not REDIS_USER_RE.match(str(entry["redis_user"])) or entry["redis_user"] == "default":
            _fail(where, f"redis_user must be letters, digits, _ . - and not 'default'; got {entry['redis_user']!r}")
        if not entry["redis_password"]:
            _fail(where, "redis_password is required (or redis_uri for a Redis outside the inventory)")
    return entry


def _check_number(where, value, low, high):
    try:
        number = int(str(value))
    except ValueError:
        number = None
    if number is None or not low <= number <= high:
        raise AnsibleFilterError(f"{where} must be a whole number from {low} to {high}, got {value!r}")
    return number


def _check_autoscaling(index, entry):
    """queue_workers_max: the autoscaler's ceiling, up to 64; unset or 0 is queue_workers (no autoscaling)."""
    given = entry.get("queue_workers_max")
    name = variable(index, entry["name"], "queue_workers_max")
    given = 0 if given in (None, "") else _check_number(name, given, 0, 64)
    entry["queue_workers_max"] = given or entry["queue_workers"]
    entry["autoscaled"] = entry["queue_workers_max"] > entry["queue_workers"]
    if entry["queue_workers_max"] < entry["queue_workers"]:
        raise AnsibleFilterError(f"{name} must be at least queue_workers ({entry['queue_workers']}), "
                                 f"got {entry['queue_workers_max']}")
    if entry["queue_workers_max"] > entry["queue_workers"] == 0:
        raise AnsibleFilterError(f"{name} above queue_workers autoscales the queue workers between the two, so "
                                 "queue_workers must be at least 1: scaling to zero workers loses background runs")


def variable(index, name, key):
    """How the inventory spells a deployment's setting: one variable of a single deployment, or a listed key."""
    if index is None:
        return "proxy_https_port" if key == "proxy_port" else ("langgraph_" if key in SHARED else "langgraph_server_") + key
    return f"langgraph_deployments[{index}] ({name}): {key}"


def host_ports(entry):
    """The host ports a deployment publishes: its API's, then one per queue worker."""
    if "port" not in entry:
        return []
    workers = max(int(entry.get("queue_workers") or 0), int(entry.get("queue_workers_max") or 0))
    first = int(entry.get("queue_port") or 0)
    return [entry["port"]] + list(range(first, first + workers))


def _refuse_clashes(entries, single):
    seen = {}
    for index, entry in enumerate(entries):
        own = host_ports(entry)
        if len(set(own)) < len(own):
            raise AnsibleFilterError(
                f"{variable(None if single else index, entry['name'], 'queue_port')}: "
                f"the queue workers' ports {own[1]}-{own[-1]} include the API's port {own[0]}")
        keys = ["name"]
        keys += [] if entry["database_uri"] else ["postgres_database", "postgres_user"]
        keys += [] if entry["redis_uri"] else ["redis_user", "redis_database"]
        keys += [key for key in ("database_uri", "redis_uri") if entry[key]]
        pairs = [(key, entry[key]) for key in keys] + [("port", port) for port in own]
        pairs += [("proxy_port", entry["proxy_port"])] if "proxy_port" in entry else []
        for key, value in pairs:
            if (key, value) in seen:
                other = seen[(key, value)]
                shown = "the same URI" if key.endswith("_uri") else repr(value)
                _fail(f"langgraph_deployments[{index}] ({entry['name']})",
                      f"{key} {shown} is already used by langgraph_deployments[{other}] ({entries[other]['name']}); "
                      "every deployment needs its own name, port, database, login role, Redis user and Redis database")
            seen[(key, value)] = index


def second_login(user):
    """The login role that stands in for ``user`` while its password changes (at most 63 characters)."""
    return str(user)[:63 - len(SECOND_LOGIN_SUFFIX)] + SECOND_LOGIN_SUFFIX


def deployments(value, view=None, defaults=None, **shared):
    """The deployments of the collection, each with every key filled in.

    ``value`` is langgraph_deployments (None when the inventory does not set
    it: then there is one deployment, named and configured by ``defaults`` and
    the shared langgraph_postgres_* / langgraph_redis_* names in ``shared``).
    ``view`` turns the list into what the postgresql or redis role takes.
    """
    defaults = {key: SERVER_DEFAULTS.get(key) if given is None else given
                for key, given in dict(defaults or {}).items()}
    defaults = {key: given for key, given in defaults.items() if given is not None}
    if view is not None and view not in VIEWS:
        raise AnsibleFilterError(f"deployments: view must be one of {', '.join(VIEWS)}, got {view!r}")
    unknown = set(shared) - set(SHARED)
    if unknown:
        raise AnsibleFilterError(f"deployments: unknown argument(s) {', '.join(sorted(unknown))}")

    if value is None:
        entry = {key: defaults[key] for key in SERVER if key in defaults}
        entry.update({key: SHARED[key] if shared.get(key) is None else shared[key] for key in SHARED})
        entry.update(name=str(defaults.get("name") or SERVER_DEFAULTS["name"]),
                     database_uri=str(defaults.get("database_uri") or ""),
                     redis_uri=str(defaults.get("redis_uri") or ""))
        entries = [entry]
    else:
        if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__") or hasattr(value, "items"):
            # Never the value itself: it holds the passwords.
            raise AnsibleFilterError(
                f"langgraph_deployments must be a list of deployments (- name: ...), got a {type(value).__name__}")
        entries = [_entry(index, raw, defaults) for index, raw in enumerate(value)]
        if not entries:
            raise AnsibleFilterError("langgraph_deployments is empty: list at least one deployment, or leave it unset")

    for index, entry in enumerate(entries):
        index = None if value is None else index
        if "port" in entry:
            entry["port"] = _check_number(variable(index, entry["name"], "port"), entry["port"], 1, 65535)
        entry["redis_database"] = _check_number(
            variable(index, entry["name"], "redis_database"), entry["redis_database"], 0, 100000)
        if "proxy_port" in entry:
            entry["proxy_port"] = _check_number(variable(index, entry["name"], "proxy_port"), entry["proxy_port"], 1, 65535)
        if "queue_workers" in entry and "queue_port" in entry:
            entry["queue_workers"] = _check_number(
                variable(index, entry["name"], "queue_workers"), entry["queue_workers"], 0, 64)
            _check_autoscaling(index, entry)
            entry["queue_port"] = _check_number(
                variable(index, entry["name"], "queue_port"), entry["queue_port"], 1, 65536 - entry["queue_workers_max"])
    _refuse_clashes(entries, value is None)
    for entry in entries:
        entry["host_ports"] = host_ports(entry)

    if view == "postgresql_users":
        return [{"name": e["postgres_user"], "password": e["postgres_password"]} for e in entries if not e["database_uri"]]
    if view == "postgresql_databases":
        return [{"name": e["postgres_database"], "owner": e["postgres_user"]} for e in entries if not e["database_uri"]]
    if view == "redis_users":
        return [{"name": e["redis_user"], "password": e["redis_password"], "database": e["redis_database"]}
                for e in entries if not e["redis_uri"]]
    return entries


class FilterModule:
    def filters(self):
        return {"deployments": deployments, "second_login": second_login}
