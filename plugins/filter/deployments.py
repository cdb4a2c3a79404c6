# Copyright: langgraph_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The deployments on the servers: the one place that lists them and refuses clashes."""

from __future__ import annotations

import difflib
import re

from ansible.errors import AnsibleFilterError

NAME_RE = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9_.-]*$")
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
# Settings of the server role an entry may override; the role's own
# langgraph_server_* variables are their defaults.
SERVER = ("port", "image", "image_archive", "env", "langsmith_api_key", "license_key", "migration_command")
KEYS = ("name", "database_uri", "redis_uri") + tuple(SHARED) + SERVER
VIEWS = ("postgresql_users", "postgresql_databases", "redis_users")


def _fail(where, message):
    raise AnsibleFilterError(f"{where}: {message}")


def _sql_default(name):
    return re.sub(r"[^a-z0-9_]", "_", name.lower())[:63]


def _entry(index, raw, defaults):
    where = f"langgraph_deployments[{index}]"
    if not hasattr(raw, "items"):
        _fail(where, f"must be a mapping with at least a name, got {raw!r}")
    unknown = sorted(set(raw) - set(KEYS))
    if unknown:
        hints = [f"{key} (did you mean {close[0]}?)" if (close := difflib.get_close_matches(key, KEYS, 1)) else key
                 for key in unknown]
        _fail(where, f"unknown key(s) {', '.join(hints)}; known keys: {', '.join(KEYS)}")
    name = str(raw.get("name") or "")
    if not NAME_RE.match(name):
        _fail(where, f"name must be usable as a unit and container name (letters, digits, _ . -), got {name!r}")
    where = f"{where} ({name})"
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


def variable(index, name, key):
    """How the inventory spells a deployment's setting: one variable of a single deployment, or a listed key."""
    if index is None:
        return ("langgraph_" if key in SHARED else "langgraph_server_") + key
    return f"langgraph_deployments[{index}] ({name}): {key}"


def _refuse_clashes(entries):
    seen = {}
    for index, entry in enumerate(entries):
        keys = ["name"] + (["port"] if "port" in entry else [])
        keys += [] if entry["database_uri"] else ["postgres_database", "postgres_user"]
        keys += [] if entry["redis_uri"] else ["redis_user", "redis_database"]
        keys += [key for key in ("database_uri", "redis_uri") if entry[key]]
        for key in keys:
            value = entry[key]
            if (key, value) in seen:
                other = seen[(key, value)]
                shown = "the same URI" if key.endswith("_uri") else repr(value)
                _fail(f"langgraph_deployments[{index}] ({entry['name']})",
                      f"{key} {shown} is already used by langgraph_deployments[{other}] ({entries[other]['name']}); "
                      "every deployment needs its own name, port, database, login role, Redis user and Redis database")
            seen[(key, value)] = index


def deployments(value, view=None, defaults=None, **shared):
    """The deployments of the collection, each with every key filled in.

    ``value`` is langgraph_deployments (None when the inventory does not set
    it: then there is one deployment, named and configured by ``defaults`` and
    the shared langgraph_postgres_* / langgraph_redis_* names in ``shared``).
    ``view`` turns the list into what the postgresql or redis role takes.
    """
    defaults = dict(defaults or {})
    if view is not None and view not in VIEWS:
        raise AnsibleFilterError(f"deployments: view must be one of {', '.join(VIEWS)}, got {view!r}")
    unknown = set(shared) - set(SHARED)
    if unknown:
        raise AnsibleFilterError(f"deployments: unknown argument(s) {', '.join(sorted(unknown))}")

    if value is None:
        entry = {key: defaults[key] for key in SERVER if key in defaults}
        entry.update({key: SHARED[key] if shared.get(key) is None else shared[key] for key in SHARED})
        entry.update(name=str(defaults.get("name") or "langgraph-server"),
                     database_uri=str(defaults.get("database_uri") or ""),
                     redis_uri=str(defaults.get("redis_uri") or ""))
        entries = [entry]
    else:
        if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__") or hasattr(value, "items"):
            raise AnsibleFilterError(f"langgraph_deployments must be a list of deployments, got {value!r}")
        entries = [_entry(index, raw, defaults) for index, raw in enumerate(value)]
        if not entries:
            raise AnsibleFilterError("langgraph_deployments is empty: list at least one deployment, or leave it unset")

    for index, entry in enumerate(entries):
        index = None if value is None else index
        if "port" in entry:
            entry["port"] = _check_number(variable(index, entry["name"], "port"), entry["port"], 1, 65535)
        entry["redis_database"] = _check_number(
            variable(index, entry["name"], "redis_database"), entry["redis_database"], 0, 100000)
    _refuse_clashes(entries)

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
        return {"deployments": deployments}
