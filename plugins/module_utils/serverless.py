# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Refuse serverless and scale-to-zero deployments of LangGraph Server.

LangGraph Server keeps background runs in a Postgres-backed queue and streams
their output over Redis pub/sub.  Both need long-lived processes that keep
their CPU while no request arrives.  Platforms that freeze, throttle or remove
idle processes make background runs starve or die, so the collection refuses
them before it changes anything.

This file is plain Python on purpose (no Ansible imports): the module
``serverless_check`` is a thin wrapper around :func:`evaluate`, and the unit
tests import this file directly.
"""

from __future__ import annotations

import json
import math
import re

from urllib.parse import parse_qs, unquote, urlsplit

ERROR = "error"
WARNING = "warning"
INFO = "info"
SEVERITY_RANK = {ERROR: 0, WARNING: 1, INFO: 2}

# Every finding code with a one-line summary.  ``waive`` accepts exactly these.
CODES = {
    # Signals in the environment of the target.
    "AWS_LAMBDA": "AWS Lambda freezes the process between invocations",
    "GCP_FUNCTIONS": "Google Cloud Functions scale to zero and throttle idle CPU",
    "CLOUD_RUN_JOB": "a Cloud Run job runs to completion and exits",
    "CLOUD_RUN_OR_KNATIVE": "Cloud Run / Knative services scale on requests",
    "AZURE_FUNCTIONS": "Azure Functions hosts scale on events, not on background work",
    "AZURE_APP_SERVICE": "Azure App Service unloads idle apps unless Always On is set",
    "AZURE_CONTAINER_APPS": "Azure Container Apps default to minReplicas 0",
    "GAE_STANDARD": "App Engine standard scales idle instances to zero",
    "GAE_FLEX": "App Engine flexible autoscales on requests",
    "VERCEL": "Vercel runs functions per request",
    "NETLIFY": "Netlify runs functions per request",
    "OPENFAAS": "OpenFaaS runs functions per request and can scale to zero",
    "FLY": "Fly.io can stop idle machines (auto_stop_machines)",
    "HEROKU": "Heroku eco dynos sleep when idle",
    "RENDER": "Render free instances spin down when idle",
    "RAILWAY": "Railway can sleep idle services (serverless)",
    "ECS": "Amazon ECS runs long-lived tasks",
    # Signals in the declared configuration.
    "SCALE_TO_ZERO": "the declared replica count can reach zero",
    "KEDA_MIN_ZERO": "KEDA scales the server to zero",
    "KNATIVE_MIN_SCALE": "Knative min-scale is 0 or not set",
    "CLOUD_RUN_CPU_THROTTLED": "Cloud Run throttles CPU outside requests",
    "FLY_AUTOSTOP": "Fly.io stops or suspends idle machines",
    "HEROKU_ECO": "Heroku eco dynos sleep after 30 idle minutes",
    "RENDER_FREE": "Render free instances spin down after 15 idle minutes",
    "RAILWAY_SLEEP": "Railway serverless sleeps idle services",
    "APP_RUNNER": "App Runner throttles the CPU of idle instances",
    "SYSTEMD_IDLE_STOP": "systemd stops the server when nothing needs it",
    "SYSTEMD_SOCKET_ACTIVATED": "the server unit is started by a socket",
    "SYSTEMD_NO_RESTART": "systemd does not restart the server",
    "SYSTEMD_RUNTIME_MAX": "systemd stops the server after a fixed runtime",
    "DOCKER_NO_RESTART": "Docker does not restart the server container",
    "NEON_SCALE_TO_ZERO": "Neon suspends idle compute",
    "NEON_POOLER": "a pooled Postgres endpoint breaks LISTEN/NOTIFY",
    "AURORA_AUTOPAUSE": "Aurora Serverless v2 with 0 ACU pauses when idle",
    "UPSTASH_REDIS": "Upstash Redis is a serverless Redis",
}

# Codes whose error means "the platform is serverless".
SERVERLESS_CODES = frozenset((
    "AWS_LAMBDA", "GCP_FUNCTIONS", "CLOUD_RUN_JOB", "CLOUD_RUN_OR_KNATIVE",
    "AZURE_FUNCTIONS", "AZURE_CONTAINER_APPS", "GAE_STANDARD", "VERCEL",
    "NETLIFY", "OPENFAAS", "APP_RUNNER", "CLOUD_RUN_CPU_THROTTLED",
))
# Codes whose error means "the server can be scaled or stopped to zero".
SCALE_TO_ZERO_CODES = frozenset((
    "SCALE_TO_ZERO", "KEDA_MIN_ZERO", "KNATIVE_MIN_SCALE", "FLY_AUTOSTOP",
    "HEROKU_ECO", "RENDER_FREE", "RAILWAY_SLEEP", "SYSTEMD_IDLE_STOP",
))

PLATFORMS = (
    # Long-lived hosts and orchestrators.
    "vm", "baremetal", "docker", "systemd", "kubernetes", "nomad", "ecs",
    # Platforms whose idle behaviour depends on settings.
    "knative", "cloud_run", "container_apps", "app_service", "app_runner",
    "fly", "heroku", "render", "railway", "gae_flex",
    # Serverless platforms, refused outright.
    "lambda", "gcp_functions", "cloud_run_job", "azure_functions",
    "gae_standard", "vercel", "netlify", "openfaas",
)
DEFAULT_PLATFORM = "vm"

# Explicitly declared platform -> (code, severity, message).
_DECLARED_PLATFORMS = {
    "lambda": ("AWS_LAMBDA", ERROR,
               "AWS Lambda freezes the process between invocations; background runs"
               " would never be picked up"),
    "gcp_functions": ("GCP_FUNCTIONS", ERROR,
                      "Cloud Functions scale to zero and throttle the CPU outside requests"),
    "cloud_run_job": ("CLOUD_RUN_JOB", ERROR,
                      "a Cloud Run job exits when its task ends; the server must run continuously"),
    "azure_functions": ("AZURE_FUNCTIONS", ERROR,
                        "Azure Functions run per event and scale to zero on consumption plans"),
    "gae_standard": ("GAE_STANDARD", ERROR,
                     "App Engine standard shuts idle instances down"),
    "gae_flex": ("GAE_FLEX", WARNING,
                 "App Engine flexible autoscales on request load; keep at least one"
                 " instance and make sure idle instances are not removed"),
    "vercel": ("VERCEL", ERROR, "Vercel runs code only while a request is open"),
    "netlify": ("NETLIFY", ERROR, "Netlify runs code only while a request is open"),
    "openfaas": ("OPENFAAS", ERROR,
                 "OpenFaaS runs functions per request and can scale them to zero"),
    "app_runner": ("APP_RUNNER", ERROR,
                   "App Runner throttles the CPU of instances that serve no request,"
                   " so background runs stall"),
}

_STARVE = ("; background runs are not requests, so they starve or die"
           " (LangGraph: do not run standalone servers in serverless environments)")

SYSTEMD_RESTART_VALUES = (
    "no", "on-success", "on-failure", "on-abnormal", "on-watchdog", "on-abort", "always",
)
CLOUD_RUN_BILLING = ("request", "instance")
FLY_AUTOSTOP_VALUES = ("off", "stop", "suspend")
KNATIVE_MIN_SCALE_KEYS = ("autoscaling.knative.dev/min-scale", "autoscaling.knative.dev/minScale")

PROC1_ENVIRON = "/proc/1/environ"

_BOOL_TRUE = frozenset(("y", "yes", "on", "1", "true", "t"))
_BOOL_FALSE = frozenset(("n", "no", "off", "0", "false", "f"))
_INT_RE = re.compile(r"^\s*[+-]?\d+\s*$")
_RESTART_POLICY_RE = re.compile(r"^(no|always|unless-stopped|on-failure(?::(\d+))?)$")
# A systemd time span such as "90s", "5min" or "1h 30min" (every number with a unit).
_TIMESPAN_RE = re.compile(r"^\s*(?:\d+(?:\.\d+)?\s*[a-z]+\s*)+$")
_SCHEME_RE = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")


class ValidationError(ValueError):
    """A parameter is invalid.  ``message`` names the parameter and never holds a password."""

    def __init__(self, message, path=None):
        super().__init__(message)
        self.message = message
        self.path = path


class Unavailable:
    """A source that could not be read, with the reason.

    ``status`` is one of ``unreadable``, ``missing``, ``not_found`` or
    ``unavailable``; ``detail`` is a short human-readable explanation.
    """

    def __init__(self, status, detail=""):
        self.status = status
        self.detail = detail

    def __repr__(self):
        return "Unavailable(%r, %r)" % (self.status, self.detail)


# ---------------------------------------------------------------------------
# Value checks
# ---------------------------------------------------------------------------

def _show(value):
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return text


def _int_desc(minimum, maximum):
    if minimum is not None and maximum is not None:
        return "an integer from %d to %d" % (minimum, maximum)
    if minimum is not None:
        return "an integer >= %d" % minimum
    return "an integer"


def _as_int(value, path, minimum=None, maximum=None, desc=None):
    desc = desc or _int_desc(minimum, maximum)
    number = None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and _INT_RE.match(value):
        number = int(value)
    if number is None:
        raise ValidationError("%s must be %s, got %s" % (path, desc, _show(value)), path)
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        raise ValidationError("%s must be %s, got %s" % (path, desc, _show(value)), path)
    return number


def _as_float(value, path, minimum=None, maximum=None):
    desc = "a number"
    if minimum is not None and maximum is not None:
        desc = "a number from %s to %s" % (minimum, maximum)
    number = None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, (int, float)):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            number = None
    if number is None or math.isnan(number) or math.isinf(number):
        raise ValidationError("%s must be %s, got %s" % (path, desc, _show(value)), path)
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        raise ValidationError("%s must be %s, got %s" % (path, desc, _show(value)), path)
    return number


def _as_bool(value, path):
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in _BOOL_TRUE:
            return True
        if lowered in _BOOL_FALSE:
            return False
    raise ValidationError("%s must be a boolean, got %s" % (path, _show(value)), path)


def _as_str(value, path, choices=None, allow_empty=False):
    if not isinstance(value, str):
        raise ValidationError("%s must be a string, got %s" % (path, _show(value)), path)
    if not allow_empty and not value.strip():
        raise ValidationError("%s must not be empty" % path, path)
    if choices is not None and value not in choices:
        raise ValidationError("%s must be one of %s, got %s"
                              % (path, ", ".join(choices), _show(value)), path)
    return value


def _as_dict(value, path, allowed):
    """Return ``value`` as a dict whose keys are all in ``allowed``.

    Keys whose value is None count as not given (Ansible fills every declared
    sub-option with None).
    """
    if not isinstance(value, dict):
        raise ValidationError("%s must be a dictionary, got %s" % (path, _show(value)), path)
    unknown = sorted(str(k) for k in value if k not in allowed)
    if unknown:
        raise ValidationError(
            "%s: unsupported parameter(s): %s (supported: %s)"
            % (path, ", ".join(unknown), ", ".join(sorted(allowed))), path)
    return dict((k, v) for k, v in value.items() if v is not None)


def _as_str_dict(value, path):
    if not isinstance(value, dict):
        raise ValidationError("%s must be a dictionary of strings, got %s"
                              % (path, _show(value)), path)
    out = {}
    for key, item in value.items():
        if not isinstance(key, str) or not key or "=" in key:
            raise ValidationError("%s has an invalid key %s" % (path, _show(key)), path)
        item_path = "%s.%s" % (path, key)
        if isinstance(item, bool) or item is None:
            raise ValidationError("%s must be a string, got %s" % (item_path, _show(item)), item_path)
        if isinstance(item, (int, float)):
            item = str(item)
        if not isinstance(item, str):
            raise ValidationError("%s must be a string, got %s" % (item_path, _show(item)), item_path)
        out[key] = item
    return out


# ---------------------------------------------------------------------------
# URIs
# ---------------------------------------------------------------------------

_ENCODE_HINT = ("; characters such as '/', '@', ':', '?' and '#' in the user name or"
                " password must be percent-encoded")


def uri_secrets(uri):
    """Return the strings that must never be shown for ``uri``.

    Best effort even for URIs that do not parse: the password as written and
    percent-decoded, taken from between the first ':' after '://' and the
    last '@'.
    """
    if not isinstance(uri, str):
        return []
    rest = uri.split("://", 1)[1] if "://" in uri else uri
    if "@" not in rest:
        return []
    userinfo = rest.rsplit("@", 1)[0]
    if ":" not in userinfo:
        return []
    password = userinfo.split(":", 1)[1]
    secrets = []
    for candidate in (password, unquote(password)):
        if candidate and candidate not in secrets:
            secrets.append(candidate)
    return secrets


def _split_hostport(item, path, default_port=None):
    """Split one ``host[:port]`` item (IPv6 in brackets).  Never echoes the item."""
    if item.startswith("["):
        end = item.find("]")
        if end < 0:
            raise ValidationError("%s has an unterminated IPv6 address%s" % (path, _ENCODE_HINT), path)
        host = item[1:end]
        tail = item[end + 1:]
        if tail and not tail.startswith(":"):
            raise ValidationError("%s has an invalid host part%s" % (path, _ENCODE_HINT), path)
        port_text = tail[1:] if tail else ""
    else:
        host, sep, port_text = item.rpartition(":")
        if not sep:
            host, port_text = item, ""
    port = default_port
    if port_text:
        if not port_text.isdigit() or not 0 < int(port_text) < 65536:
            raise ValidationError("%s has a port that is not an integer from 1 to 65535%s"
                                  % (path, _ENCODE_HINT), path)
        port = int(port_text)
    return unquote(host), port


def _split_netloc(uri):
    """Return (userinfo, hostlist) of ``uri`` without relying on urlsplit's netloc."""
    rest = uri.split("://", 1)[1] if "://" in uri else ""
    end = len(rest)
    for stop in "/?#":
        pos = rest.find(stop)
        if 0 <= pos < end:
            end = pos
    netloc = rest[:end]
    if "@" in netloc:
        userinfo, hostlist = netloc.rsplit("@", 1)
    else:
        userinfo, hostlist = "", netloc
    return userinfo, hostlist, rest[end:]


def _scheme(uri, path, allowed):
    match = _SCHEME_RE.match(uri)
    scheme = match.group(1).lower() if match else ""
    if scheme not in allowed:
        shown = ("'%s'" % scheme) if scheme else "no scheme"
        raise ValidationError("%s must be a URI with the scheme %s, got %s"
                              % (path, " or ".join(allowed), shown), path)
    if not uri[len(scheme) + 1:].startswith("//"):
        raise ValidationError("%s must start with %s://" % (path, scheme), path)
    return scheme


def _split_uri(uri, path, schemes):
    """Split a connection URI into (scheme, userinfo, hostlist, parts, query).

    Error messages never contain the URI, its user name or its password.
    """
    if not isinstance(uri, str) or not uri.strip():
        raise ValidationError("%s must be a non-empty string" % path, path)
    uri = uri.strip()
    scheme = _scheme(uri, path, schemes)
    userinfo, hostlist, tail = _split_netloc(uri)
    if "@" in tail.split("?", 1)[0]:
        raise ValidationError("%s could not be parsed: '@' after the host part%s"
                              % (path, _ENCODE_HINT), path)
    try:
        parts = urlsplit("x://h" + tail)
        query = parse_qs(parts.query, keep_blank_values=True)
    except ValueError:
        raise ValidationError("%s could not be parsed%s" % (path, _ENCODE_HINT), path)
    return scheme, userinfo, hostlist, parts, query


def parse_postgres_uri(uri, path="config.database_uri"):
    """Parse a libpq connection URI; return {scheme, hosts: [(host, port)], database}.

    Error messages never contain the URI, its user name or its password.
    """
    scheme, userinfo, hostlist, parts, query = _split_uri(uri, path, ("postgresql", "postgres"))
    hosts = []
    for item in [i for i in hostlist.split(",") if i]:
        hosts.append(_split_hostport(item, path))
    query_ports = query.get("port", [])
    for port_text in query_ports:
        for one in port_text.split(","):
            if one and (not one.isdigit() or not 0 < int(one) < 65536):
                raise ValidationError("%s has a ?port= that is not an integer from 1 to 65535"
                                      % path, path)
    for host_text in query.get("host", []):
        for one in host_text.split(","):
            if one:
                hosts.append((one, None))
    if not hosts:
        raise ValidationError("%s has no host: give it after '//' or as ?host=" % path, path)
    database = unquote(parts.path.lstrip("/")) or None
    return {"scheme": scheme, "hosts": hosts, "database": database,
            "has_password": ":" in userinfo}


def parse_redis_uri(uri, path="config.redis_uri"):
    """Parse a Redis URI (redis, rediss or unix); return {scheme, hosts, db}.

    Error messages never contain the URI, its user name or its password.
    """
    scheme, userinfo, hostlist, parts, query = _split_uri(uri, path, ("redis", "rediss", "unix"))
    db = 0
    db_texts = []
    hosts = []
    if scheme == "unix":
        if not parts.path or parts.path == "/":
            raise ValidationError("%s must name the socket path, as unix:///path/to/redis.sock"
                                  % path, path)
        db_texts = query.get("db", [])
    else:
        if "," in hostlist or not hostlist:
            raise ValidationError("%s must name exactly one host, as redis://host:6379/0"
                                  % path, path)
        host, port = _split_hostport(hostlist, path, default_port=6379)
        if not host:
            raise ValidationError("%s must name a host, as redis://host:6379/0" % path, path)
        hosts.append((host, port))
        db_path = parts.path.strip("/")
        if db_path:
            db_texts.append(db_path)
        db_texts.extend(query.get("db", []))
    for text in db_texts:
        if not text.isdigit():
            raise ValidationError("%s must give the database index as an integer"
                                  " (redis://host:6379/0 or ?db=0)" % path, path)
        db = int(text)
    return {"scheme": scheme, "hosts": hosts, "db": db, "has_password": ":" in userinfo}


# ---------------------------------------------------------------------------
# Parameters
# ---------------------------------------------------------------------------

SUBDICT_KEYS = {
    "keda": ("enabled", "min_replica_count", "idle_replica_count"),
    "knative": ("annotations", "min_scale"),
    "cloud_run": ("min_instances", "cpu_throttling", "billing"),
    "container_apps": ("min_replicas",),
    "app_service": ("always_on",),
    "fly": ("auto_stop_machines",),
    "heroku": ("dyno_type",),
    "render": ("plan",),
    "railway": ("serverless",),
    "database": ("aurora_min_acu",),
    "systemd": ("stop_when_unneeded", "restart", "runtime_max_sec", "socket_activated",
                "exit_idle_time"),
}
CONFIG_KEYS = (
    "platform", "replicas", "min_replicas", "max_replicas", "restart_policy",
    "database_uri", "redis_uri", "n_jobs_per_worker", "env",
) + tuple(SUBDICT_KEYS)
TOP_KEYS = ("config", "inspect_host", "systemd_unit", "docker_container",
            "fail_on_warnings", "waive")


def _norm_keda(raw, path):
    d = _as_dict(raw, path, SUBDICT_KEYS["keda"])
    out = {"enabled": True}
    if "enabled" in d:
        out["enabled"] = _as_bool(d["enabled"], path + ".enabled")
    for key in ("min_replica_count", "idle_replica_count"):
        out[key] = _as_int(d[key], "%s.%s" % (path, key), 0) if key in d else None
    return out


def _norm_knative(raw, path):
    d = _as_dict(raw, path, SUBDICT_KEYS["knative"])
    annotations = _as_str_dict(d.get("annotations", {}), path + ".annotations")
    out = {"annotations": annotations, "min_scale": None, "min_scale_path": None}
    if "min_scale" in d:
        out["min_scale"] = _as_int(d["min_scale"], path + ".min_scale", 0)
        out["min_scale_path"] = path + ".min_scale"
    for key in KNATIVE_MIN_SCALE_KEYS:
        if key in annotations:
            key_path = '%s.annotations["%s"]' % (path, key)
            value = _as_int(annotations[key], key_path, 0)
            previous = out["min_scale"]
            if previous is not None and previous != value:
                raise ValidationError("%s and %s disagree (%s and %s)"
                                      % (out["min_scale_path"], key_path, previous, value),
                                      key_path)
            out["min_scale"], out["min_scale_path"] = value, key_path
    return out


def _norm_cloud_run(raw, path):
    d = _as_dict(raw, path, SUBDICT_KEYS["cloud_run"])
    out = {"min_instances": None, "cpu_throttling": None, "billing": None}
    if "min_instances" in d:
        out["min_instances"] = _as_int(d["min_instances"], path + ".min_instances", 0)
    if "cpu_throttling" in d:
        out["cpu_throttling"] = _as_bool(d["cpu_throttling"], path + ".cpu_throttling")
    if "billing" in d:
        out["billing"] = _as_str(d["billing"], path + ".billing", CLOUD_RUN_BILLING)
    if out["cpu_throttling"] is not None and out["billing"] is not None:
        if out["cpu_throttling"] != (out["billing"] == "request"):
            raise ValidationError(
                "%s.cpu_throttling=%s and %s.billing=%s disagree: request-based billing"
                " throttles the CPU, instance-based billing does not"
                % (path, str(out["cpu_throttling"]).lower(), path, out["billing"]),
                path + ".billing")
    return out


def _norm_fly(raw, path):
    d = _as_dict(raw, path, SUBDICT_KEYS["fly"])
    value = d.get("auto_stop_machines")
    key_path = path + ".auto_stop_machines"
    if value is None:
        return {"auto_stop_machines": None}
    if isinstance(value, str) and value.strip().lower() in FLY_AUTOSTOP_VALUES:
        return {"auto_stop_machines": value.strip().lower()}
    try:
        flag = _as_bool(value, key_path)
    except ValidationError:
        raise ValidationError("%s must be one of off, stop, suspend, true, false, got %s"
                              % (key_path, _show(value)), key_path)
    return {"auto_stop_machines": "stop" if flag else "off"}


def _norm_systemd(raw, path):
    d = _as_dict(raw, path, SUBDICT_KEYS["systemd"])
    out = dict.fromkeys(SUBDICT_KEYS["systemd"])
    for key in ("stop_when_unneeded", "socket_activated"):
        if key in d:
            out[key] = _as_bool(d[key], "%s.%s" % (path, key))
    if "restart" in d:
        out["restart"] = _as_str(d["restart"], path + ".restart", SYSTEMD_RESTART_VALUES)
    for key in ("runtime_max_sec", "exit_idle_time"):
        if key not in d:
            continue
        key_path = "%s.%s" % (path, key)
        value = d[key]
        if isinstance(value, str) and value.strip().lower() == "infinity":
            out[key] = "infinity"
        elif isinstance(value, str) and not _INT_RE.match(value) and _TIMESPAN_RE.match(value):
            out[key] = value.strip()
        else:
            out[key] = _as_int(value, key_path, 0,
                               desc="an integer >= 0 (seconds), a systemd time span or 'infinity'")
    return out


def normalize_config(config):
    """Validate ``config`` strictly and return it with every key present (None when unset).

    The URIs are also returned parsed, as ``database_uri_parsed`` and ``redis_uri_parsed``.
    """
    d = _as_dict(config, "config", CONFIG_KEYS)
    out = dict.fromkeys(CONFIG_KEYS)
    out["platform"] = _as_str(d.get("platform", DEFAULT_PLATFORM), "config.platform", PLATFORMS)
    for key in ("replicas", "min_replicas"):
        if key in d:
            out[key] = _as_int(d[key], "config." + key, 0)
    if "max_replicas" in d:
        floor = max(1, out["min_replicas"] or 0)
        desc = "an integer >= %d" % floor
        if out["min_replicas"]:
            desc += " (at least config.min_replicas)"
        out["max_replicas"] = _as_int(d["max_replicas"], "config.max_replicas", floor, desc=desc)
    if "restart_policy" in d:
        policy = d["restart_policy"]
        if not isinstance(policy, str) or not _RESTART_POLICY_RE.match(policy.strip()):
            raise ValidationError(
                "config.restart_policy must be one of no, on-failure, on-failure:N, always,"
                " unless-stopped, got %s" % _show(policy), "config.restart_policy")
        out["restart_policy"] = policy.strip()
    for key in ("database_uri", "redis_uri"):
        if key not in d:
            raise ValidationError("config.%s is required" % key, "config." + key)
    out["database_uri"] = d["database_uri"]
    out["redis_uri"] = d["redis_uri"]
    out["database_uri_parsed"] = parse_postgres_uri(d["database_uri"], "config.database_uri")
    out["redis_uri_parsed"] = parse_redis_uri(d["redis_uri"], "config.redis_uri")
    out["n_jobs_per_worker"] = _as_int(d.get("n_jobs_per_worker", 10), "config.n_jobs_per_worker",
                                       1, 1000)
    out["env"] = _as_str_dict(d.get("env", {}), "config.env")

    out["keda"] = _norm_keda(d["keda"], "config.keda") if "keda" in d else None
    out["knative"] = _norm_knative(d["knative"], "config.knative") if "knative" in d else None
    out["cloud_run"] = _norm_cloud_run(d["cloud_run"], "config.cloud_run") if "cloud_run" in d else None
    if "container_apps" in d:
        sub = _as_dict(d["container_apps"], "config.container_apps", SUBDICT_KEYS["container_apps"])
        out["container_apps"] = {"min_replicas": _as_int(
            sub["min_replicas"], "config.container_apps.min_replicas", 0)
            if "min_replicas" in sub else None}
    if "app_service" in d:
        sub = _as_dict(d["app_service"], "config.app_service", SUBDICT_KEYS["app_service"])
        out["app_service"] = {"always_on": _as_bool(sub["always_on"], "config.app_service.always_on")
                              if "always_on" in sub else None}
    out["fly"] = _norm_fly(d["fly"], "config.fly") if "fly" in d else None
    if "heroku" in d:
        sub = _as_dict(d["heroku"], "config.heroku", SUBDICT_KEYS["heroku"])
        out["heroku"] = {"dyno_type": _as_str(sub["dyno_type"], "config.heroku.dyno_type")
                         if "dyno_type" in sub else None}
    if "render" in d:
        sub = _as_dict(d["render"], "config.render", SUBDICT_KEYS["render"])
        out["render"] = {"plan": _as_str(sub["plan"], "config.render.plan")
                         if "plan" in sub else None}
    if "railway" in d:
        sub = _as_dict(d["railway"], "config.railway", SUBDICT_KEYS["railway"])
        out["railway"] = {"serverless": _as_bool(sub["serverless"], "config.railway.serverless")
                          if "serverless" in sub else None}
    if "database" in d:
        sub = _as_dict(d["database"], "config.database", SUBDICT_KEYS["database"])
        out["database"] = {"aurora_min_acu": _as_float(
            sub["aurora_min_acu"], "config.database.aurora_min_acu", 0, 256)
            if "aurora_min_acu" in sub else None}
    out["systemd"] = _norm_systemd(d["systemd"], "config.systemd") if "systemd" in d else None
    return out


def normalize_params(params):
    """Validate the module parameters; return them normalized."""
    d = _as_dict(params, "parameters", TOP_KEYS)
    if "config" not in d:
        raise ValidationError("config is required", "config")
    out = {"config": normalize_config(d["config"])}
    out["inspect_host"] = _as_bool(d.get("inspect_host", True), "inspect_host")
    out["fail_on_warnings"] = _as_bool(d.get("fail_on_warnings", False), "fail_on_warnings")
    for key in ("systemd_unit", "docker_container"):
        out[key] = _as_str(d[key], key) if key in d else None
    waive = d.get("waive", [])
    if not isinstance(waive, list):
        raise ValidationError("waive must be a list of {code, reason}, got %s" % _show(waive), "waive")
    out["waive"] = {}
    for index, entry in enumerate(waive):
        path = "waive[%d]" % index
        entry = _as_dict(entry, path, ("code", "reason"))
        if "code" not in entry:
            raise ValidationError("%s.code is required" % path, path + ".code")
        code = _as_str(entry["code"], path + ".code")
        if code not in CODES:
            raise ValidationError("%s.code %s is not a known finding code (known: %s)"
                                  % (path, _show(code), ", ".join(sorted(CODES))), path + ".code")
        reason = entry.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            raise ValidationError("%s.reason must be a non-empty string: say why %s is acceptable"
                                  % (path, code), path + ".reason")
        out["waive"][code] = reason.strip()
    return out


# ---------------------------------------------------------------------------
# Findings
# ---------------------------------------------------------------------------

def _finding(code, severity, message, path, source):
    return {"code": code, "severity": severity, "message": message, "path": path,
            "source": source, "waived": False}


def _present(env, name):
    value = env.get(name)
    return value is not None and value.strip() != ""


def _env_signals(env, cfg):
    """Return [(code, severity, [vars], message)] found in one environment."""
    found = []

    def hit(code, severity, names, message):
        found.append((code, severity, [n for n in names if _present(env, n)], message))

    exec_env = env.get("AWS_EXECUTION_ENV", "") or ""
    lambda_vars = [n for n in ("AWS_LAMBDA_FUNCTION_NAME", "LAMBDA_TASK_ROOT",
                               "AWS_LAMBDA_RUNTIME_API") if _present(env, n)]
    if exec_env.startswith("AWS_Lambda_"):
        lambda_vars.append("AWS_EXECUTION_ENV")
    if lambda_vars:
        found.append(("AWS_LAMBDA", ERROR, lambda_vars,
                      "AWS Lambda detected: Lambda freezes the process between invocations"
                      + _STARVE))

    gcp = False
    if _present(env, "FUNCTION_TARGET") and (_present(env, "K_SERVICE")
                                             or _present(env, "FUNCTION_SIGNATURE_TYPE")):
        gcp = True
        hit("GCP_FUNCTIONS", ERROR, ("FUNCTION_TARGET", "FUNCTION_SIGNATURE_TYPE", "K_SERVICE"),
            "Google Cloud Functions detected: functions scale to zero and get CPU only"
            " while a request is served" + _STARVE)
    elif _present(env, "FUNCTION_NAME") and (
            _present(env, "GCP_PROJECT")
            or (_present(env, "FUNCTION_REGION") and _present(env, "ENTRY_POINT"))):
        gcp = True
        hit("GCP_FUNCTIONS", ERROR,
            ("FUNCTION_NAME", "GCP_PROJECT", "FUNCTION_REGION", "ENTRY_POINT"),
            "Google Cloud Functions (1st gen) detected: functions scale to zero and get CPU"
            " only while a request is served" + _STARVE)
    if not gcp:
        if _present(env, "CLOUD_RUN_JOB"):
            hit("CLOUD_RUN_JOB", ERROR,
                ("CLOUD_RUN_JOB", "CLOUD_RUN_EXECUTION", "CLOUD_RUN_TASK_INDEX"),
                "Cloud Run job detected: a job exits when its task ends, taking queued"
                " background runs with it; the server must run continuously")
        if all(_present(env, n) for n in ("K_SERVICE", "K_REVISION", "K_CONFIGURATION")):
            hit("CLOUD_RUN_OR_KNATIVE", ERROR, ("K_SERVICE", "K_REVISION", "K_CONFIGURATION"),
                "Cloud Run or Knative service detected: instances scale with requests, can"
                " scale to zero and scale-up is not reliable for queued work" + _STARVE)

    if _present(env, "FUNCTIONS_WORKER_RUNTIME"):
        sku = env.get("WEBSITE_SKU", "") or ""
        plan = ""
        if sku in ("Dynamic", "FlexConsumption"):
            plan = " on a consumption plan (WEBSITE_SKU=%s), which scales to zero" % sku
        hit("AZURE_FUNCTIONS", ERROR,
            ("FUNCTIONS_WORKER_RUNTIME", "FUNCTIONS_EXTENSION_VERSION", "WEBSITE_SKU"),
            "Azure Functions host detected%s: functions run per event" % plan + _STARVE)
    elif _present(env, "WEBSITE_SITE_NAME") and not _present(env, "FUNCTIONS_EXTENSION_VERSION"):
        always_on = (cfg["app_service"] or {}).get("always_on")
        if always_on is not True:
            hit("AZURE_APP_SERVICE", WARNING, ("WEBSITE_SITE_NAME", "WEBSITE_SKU"),
                "Azure App Service detected: it unloads apps after 20 idle minutes unless"
                " Always On is enabled, which this module cannot see; enable Always On and"
                " declare config.app_service.always_on: true")

    if _present(env, "CONTAINER_APP_NAME") and _present(env, "CONTAINER_APP_REVISION"):
        minimum = (cfg["container_apps"] or {}).get("min_replicas")
        if minimum is None:
            minimum = cfg["min_replicas"]
        if minimum is not None and minimum >= 1:
            hit("AZURE_CONTAINER_APPS", WARNING, ("CONTAINER_APP_NAME", "CONTAINER_APP_REVISION"),
                "Azure Container Apps detected with a declared minimum of %d replica(s);"
                " make sure the app's scale rule really keeps minReplicas >= 1" % minimum)
        else:
            hit("AZURE_CONTAINER_APPS", ERROR, ("CONTAINER_APP_NAME", "CONTAINER_APP_REVISION"),
                "Azure Container Apps detected: the default minReplicas is 0, so the server"
                " scales to zero when no request arrives" + _STARVE
                + "; set minReplicas >= 1 and declare config.container_apps.min_replicas")

    gae_env = env.get("GAE_ENV", "") or ""
    if gae_env == "standard":
        hit("GAE_STANDARD", ERROR, ("GAE_ENV", "GAE_SERVICE"),
            "App Engine standard detected: idle instances are shut down" + _STARVE)
    elif _present(env, "GAE_SERVICE"):
        hit("GAE_FLEX", WARNING, ("GAE_SERVICE",),
            "App Engine flexible detected: instances autoscale on request load; keep at"
            " least one instance and do not rely on idle instances")

    if env.get("VERCEL") == "1":
        hit("VERCEL", ERROR, ("VERCEL",), "Vercel detected: code runs only while a request is open"
            + _STARVE)
    if env.get("NETLIFY") == "true":
        hit("NETLIFY", ERROR, ("NETLIFY",), "Netlify detected: code runs only while a request is"
            " open" + _STARVE)
    if _present(env, "fprocess"):
        hit("OPENFAAS", ERROR, ("fprocess",), "OpenFaaS detected: functions run per request and"
            " can be scaled to zero" + _STARVE)

    declared = {
        "FLY": ((cfg["fly"] or {}).get("auto_stop_machines"), ("off",)),
        "HEROKU": ((cfg["heroku"] or {}).get("dyno_type"), None),
        "RENDER": ((cfg["render"] or {}).get("plan"), None),
        "RAILWAY": ((cfg["railway"] or {}).get("serverless"), None),
    }
    for code, name, label, setting in (
            ("FLY", "FLY_APP_NAME", "Fly.io", "config.fly.auto_stop_machines (off)"),
            ("HEROKU", "DYNO", "Heroku", "config.heroku.dyno_type (not eco)"),
            ("RENDER", "RENDER", "Render", "config.render.plan (not free)"),
            ("RAILWAY", "RAILWAY_PROJECT_ID", "Railway", "config.railway.serverless (false)")):
        if code == "RENDER":
            present = env.get("RENDER") == "true"
        else:
            present = _present(env, name)
        if not present:
            continue
        value = declared[code][0]
        if value is None:
            hit(code, WARNING, (name,),
                "%s detected: whether idle machines are stopped depends on a setting this"
                " module cannot see; declare %s" % (label, setting))
        else:
            hit(code, INFO, (name,),
                "%s detected; idle behaviour is taken from %s" % (label, setting.split(" ", 1)[0]))

    ecs_vars = [n for n in ("ECS_CONTAINER_METADATA_URI_V4", "ECS_CONTAINER_METADATA_URI")
                if _present(env, n)]
    if exec_env in ("AWS_ECS_FARGATE", "AWS_ECS_EC2"):
        ecs_vars.append("AWS_EXECUTION_ENV")
    if ecs_vars:
        found.append(("ECS", INFO, ecs_vars,
                      "Amazon ECS detected: tasks are long-lived; keep the service's desired"
                      " count at 1 or more"))
    return found


def _platform_name(code):
    return {
        "AWS_LAMBDA": "lambda", "GCP_FUNCTIONS": "gcp_functions",
        "CLOUD_RUN_JOB": "cloud_run_job", "CLOUD_RUN_OR_KNATIVE": "cloud_run_or_knative",
        "AZURE_FUNCTIONS": "azure_functions", "AZURE_APP_SERVICE": "app_service",
        "AZURE_CONTAINER_APPS": "container_apps", "GAE_STANDARD": "gae_standard",
        "GAE_FLEX": "gae_flex", "VERCEL": "vercel", "NETLIFY": "netlify",
        "OPENFAAS": "openfaas", "FLY": "fly", "HEROKU": "heroku", "RENDER": "render",
        "RAILWAY": "railway", "ECS": "ecs",
    }.get(code)


def _env_findings(sources, cfg):
    """Merge the signals of several environments: one finding per code, first source wins."""
    merged = {}
    order = []
    for source, path_prefix, env in sources:
        for code, severity, names, message in _env_signals(env, cfg):
            if code in merged:
                merged[code]["also"].append(source)
                continue
            assignments = ", ".join(
                "%s=%s" % (n, env[n]) if n in ("AWS_EXECUTION_ENV", "GAE_ENV", "WEBSITE_SKU",
                                               "VERCEL", "NETLIFY", "RENDER") else n
                for n in names)
            message = message.replace(" detected", " detected (%s in %s)" % (assignments, source), 1)
            merged[code] = {
                "finding": _finding(code, severity, message, path_prefix + names[0], source),
                "also": [],
            }
            order.append(code)
    findings = []
    for code in order:
        finding = merged[code]["finding"]
        if merged[code]["also"]:
            finding["message"] += "; also in %s" % ", ".join(merged[code]["also"])
        findings.append(finding)
    return findings


def _config_findings(cfg):
    out = []
    platform = cfg["platform"]

    def add(code, severity, message, path):
        out.append(_finding(code, severity, message, path, "config"))

    if platform in _DECLARED_PLATFORMS:
        code, severity, message = _DECLARED_PLATFORMS[platform]
        add(code, severity, "config.platform is %s: %s" % (platform, message)
            + (_STARVE if severity == ERROR else ""), "config.platform")

    for key in ("replicas", "min_replicas"):
        if cfg[key] == 0:
            add("SCALE_TO_ZERO", ERROR, "config.%s is 0: with no server process, queued"
                " background runs wait forever and nothing consumes the Redis streams" % key,
                "config." + key)

    cloud_run = cfg["cloud_run"] or {}
    if cloud_run.get("min_instances") == 0:
        add("SCALE_TO_ZERO", ERROR, "config.cloud_run.min_instances is 0: Cloud Run removes"
            " every instance when no request arrives" + _STARVE, "config.cloud_run.min_instances")
    elif platform == "cloud_run" and cloud_run.get("min_instances") is None and not cfg["min_replicas"]:
        add("SCALE_TO_ZERO", ERROR, "config.platform is cloud_run and"
            " config.cloud_run.min_instances is not set: Cloud Run's default is 0" + _STARVE
            + "; set min instances >= 1", "config.cloud_run.min_instances")
    throttled = cloud_run.get("cpu_throttling")
    if throttled is None and cloud_run.get("billing") is not None:
        throttled = cloud_run["billing"] == "request"
    if throttled:
        key = "cpu_throttling" if cloud_run.get("cpu_throttling") is not None else "billing"
        add("CLOUD_RUN_CPU_THROTTLED", ERROR, "config.cloud_run.%s: Cloud Run gives the"
            " instance CPU only while a request is served (request-based billing)" % key + _STARVE
            + "; use instance-based billing (no CPU throttling)", "config.cloud_run." + key)
    elif throttled is None and platform == "cloud_run":
        add("CLOUD_RUN_CPU_THROTTLED", ERROR, "config.platform is cloud_run and neither"
            " config.cloud_run.cpu_throttling nor config.cloud_run.billing is set: Cloud Run"
            " services default to request-based billing, which throttles the CPU outside"
            " requests" + _STARVE, "config.cloud_run.cpu_throttling")

    container_apps = cfg["container_apps"] or {}
    if container_apps.get("min_replicas") == 0:
        add("SCALE_TO_ZERO", ERROR, "config.container_apps.min_replicas is 0: Container Apps"
            " removes every replica when no request arrives" + _STARVE,
            "config.container_apps.min_replicas")
    elif (platform == "container_apps" and container_apps.get("min_replicas") is None
          and not cfg["min_replicas"]):
        add("SCALE_TO_ZERO", ERROR, "config.platform is container_apps and no minimum replica"
            " count is set: the default minReplicas is 0" + _STARVE
            + "; set config.container_apps.min_replicas >= 1",
            "config.container_apps.min_replicas")

    keda = cfg["keda"]
    if keda and keda["enabled"]:
        if keda["min_replica_count"] is None:
            add("KEDA_MIN_ZERO", ERROR, "config.keda.min_replica_count is not set: KEDA's"
                " default minReplicaCount is 0, so the server scales to zero" + _STARVE,
                "config.keda.min_replica_count")
        elif keda["min_replica_count"] == 0:
            add("KEDA_MIN_ZERO", ERROR, "config.keda.min_replica_count is 0: KEDA scales the"
                " server to zero" + _STARVE, "config.keda.min_replica_count")
        if keda["idle_replica_count"] == 0:
            add("KEDA_MIN_ZERO", ERROR, "config.keda.idle_replica_count is 0: KEDA scales the"
                " server to zero when its triggers are idle" + _STARVE,
                "config.keda.idle_replica_count")

    knative = cfg["knative"]
    if knative is not None or platform == "knative":
        min_scale = (knative or {}).get("min_scale")
        if min_scale is None:
            add("KNATIVE_MIN_SCALE", ERROR, "autoscaling.knative.dev/min-scale is not set:"
                " Knative's default lets the revision scale to zero" + _STARVE
                + '; set it to "1" or more', 'config.knative.annotations'
                '["autoscaling.knative.dev/min-scale"]')
        elif min_scale == 0:
            add("KNATIVE_MIN_SCALE", ERROR, "autoscaling.knative.dev/min-scale is 0: the"
                " revision scales to zero" + _STARVE, knative["min_scale_path"])

    fly = (cfg["fly"] or {}).get("auto_stop_machines")
    if fly in ("stop", "suspend"):
        add("FLY_AUTOSTOP", ERROR, "config.fly.auto_stop_machines is %s: Fly.io %ss machines"
            " that receive no request" % (fly, fly) + _STARVE + "; set it to off",
            "config.fly.auto_stop_machines")
    elif fly is None and platform == "fly":
        add("FLY", WARNING, "config.platform is fly and config.fly.auto_stop_machines is not"
            " declared: fly launch writes auto_stop_machines = 'stop' by default; set it to"
            " off and declare it", "config.fly.auto_stop_machines")

    dyno = (cfg["heroku"] or {}).get("dyno_type")
    if dyno is not None and dyno.strip().lower() in ("eco", "free"):
        add("HEROKU_ECO", ERROR, "config.heroku.dyno_type is %s: these dynos sleep after 30"
            " idle minutes" % dyno + _STARVE, "config.heroku.dyno_type")
    elif dyno is None and platform == "heroku":
        add("HEROKU", WARNING, "config.platform is heroku and config.heroku.dyno_type is not"
            " declared: eco dynos sleep when idle; declare the dyno type",
            "config.heroku.dyno_type")

    plan = (cfg["render"] or {}).get("plan")
    if plan is not None and plan.strip().lower() == "free":
        add("RENDER_FREE", ERROR, "config.render.plan is free: free instances spin down after"
            " 15 idle minutes" + _STARVE, "config.render.plan")
    elif plan is None and platform == "render":
        add("RENDER", WARNING, "config.platform is render and config.render.plan is not"
            " declared: free instances spin down when idle; declare the plan",
            "config.render.plan")

    railway = (cfg["railway"] or {}).get("serverless")
    if railway:
        add("RAILWAY_SLEEP", ERROR, "config.railway.serverless is true: Railway sleeps"
            " services that send no outbound traffic" + _STARVE, "config.railway.serverless")
    elif railway is None and platform == "railway":
        add("RAILWAY", WARNING, "config.platform is railway and config.railway.serverless is"
            " not declared: serverless services sleep when idle; declare it false",
            "config.railway.serverless")

    if platform == "app_service" and (cfg["app_service"] or {}).get("always_on") is not True:
        add("AZURE_APP_SERVICE", WARNING, "config.platform is app_service and"
            " config.app_service.always_on is not true: App Service unloads idle apps unless"
            " Always On is enabled", "config.app_service.always_on")

    if platform == "ecs":
        add("ECS", INFO, "config.platform is ecs: tasks are long-lived; keep the service's"
            " desired count at 1 or more", "config.platform")

    systemd = cfg["systemd"] or {}
    if systemd.get("stop_when_unneeded"):
        add("SYSTEMD_IDLE_STOP", ERROR, "config.systemd.stop_when_unneeded is true: systemd"
            " stops the server as soon as no other unit needs it" + _STARVE,
            "config.systemd.stop_when_unneeded")
    exit_idle = systemd.get("exit_idle_time")
    if exit_idle is not None and exit_idle != "infinity":
        add("SYSTEMD_IDLE_STOP", ERROR, "config.systemd.exit_idle_time is %s: the socket proxy"
            " exits when idle and takes the server down with it" % exit_idle + _STARVE,
            "config.systemd.exit_idle_time")
    if systemd.get("socket_activated"):
        add("SYSTEMD_SOCKET_ACTIVATED", WARNING, "config.systemd.socket_activated is true: the"
            " server starts only when a connection arrives, so queued background runs wait"
            " for the first request", "config.systemd.socket_activated")
    if systemd.get("restart") == "no":
        add("SYSTEMD_NO_RESTART", WARNING, "config.systemd.restart is no: a crashed server stays"
            " down and queued background runs wait", "config.systemd.restart")
    runtime_max = systemd.get("runtime_max_sec")
    if runtime_max is not None and runtime_max != "infinity":
        add("SYSTEMD_RUNTIME_MAX", WARNING, "config.systemd.runtime_max_sec is %s: systemd stops"
            " the server after that time and runs in progress are interrupted" % runtime_max,
            "config.systemd.runtime_max_sec")

    policy = cfg["restart_policy"]
    if policy == "no":
        add("DOCKER_NO_RESTART", WARNING, "config.restart_policy is no: a crashed or rebooted"
            " server stays down; use always or unless-stopped", "config.restart_policy")
    elif policy is None and platform == "docker":
        add("DOCKER_NO_RESTART", WARNING, "config.restart_policy is not set: Docker's default"
            " is no, so a crashed or rebooted server stays down; use always or unless-stopped",
            "config.restart_policy")

    for host, _port in cfg["database_uri_parsed"]["hosts"]:
        lowered = host.lower()
        if lowered.endswith(".neon.tech"):
            add("NEON_SCALE_TO_ZERO", WARNING, "the database host %s is on Neon, whose compute"
                " suspends when idle: state is kept, but the first query after a pause waits"
                " for a cold start; disable scale to zero for this endpoint" % host,
                "config.database_uri")
        if "-pooler" in lowered:
            add("NEON_POOLER", WARNING, "the database host %s is a pooled endpoint: LISTEN/NOTIFY"
                " needs a direct connection; use the host without -pooler" % host,
                "config.database_uri")
    aurora = (cfg["database"] or {}).get("aurora_min_acu")
    if aurora is not None and aurora == 0:
        add("AURORA_AUTOPAUSE", WARNING, "config.database.aurora_min_acu is 0: Aurora Serverless"
            " v2 pauses an idle cluster; the first query after a pause waits for it to resume",
            "config.database.aurora_min_acu")
    for host, _port in cfg["redis_uri_parsed"]["hosts"]:
        if host.lower().endswith(".upstash.io"):
            add("UPSTASH_REDIS", WARNING, "the Redis host %s is Upstash, a serverless Redis:"
                " long-lived pub/sub streams are billed per command and may be cut; prefer a"
                " dedicated Redis" % host, "config.redis_uri")
    return out


def _systemd_findings(unit, props):
    source = "systemd_unit:%s" % unit
    out = []
    if (props.get("StopWhenUnneeded") or "").strip() == "yes":
        out.append(_finding("SYSTEMD_IDLE_STOP", ERROR, "%s has StopWhenUnneeded=yes: systemd"
                            " stops the server as soon as no other unit needs it" % unit + _STARVE,
                            source, "systemd_unit"))
    triggered = [t for t in (props.get("TriggeredBy") or "").split() if t.endswith(".socket")]
    if triggered:
        out.append(_finding("SYSTEMD_SOCKET_ACTIVATED", WARNING, "%s is started by %s: queued"
                            " background runs wait until a connection arrives"
                            % (unit, ", ".join(triggered)), source, "systemd_unit"))
    if (props.get("Restart") or "").strip() == "no":
        out.append(_finding("SYSTEMD_NO_RESTART", WARNING, "%s has Restart=no: a crashed server"
                            " stays down" % unit, source, "systemd_unit"))
    runtime_max = (props.get("RuntimeMaxUSec") or "").strip()
    if runtime_max and runtime_max != "infinity":
        out.append(_finding("SYSTEMD_RUNTIME_MAX", WARNING, "%s has RuntimeMaxSec=%s: systemd"
                            " stops the server after that time" % (unit, runtime_max),
                            source, "systemd_unit"))
    return out


def _count(number):
    return "%d variable%s" % (number, "" if number == 1 else "s")


def _source(name, status, detail=""):
    return {"source": name, "status": status, "detail": detail}


def evaluate(params, host_env=None, proc1_env=None, systemd_props=None, docker_restart=None):
    """Check the parameters and what was read from the host; return the module result.

    ``host_env`` is the module's own environment (dict) and ``proc1_env`` the
    environment of PID 1 (dict or :class:`Unavailable`); both are only used
    when ``inspect_host`` is true.  ``systemd_props`` is the output of
    :func:`read_systemd_unit` and ``docker_restart`` that of
    :func:`read_docker_restart` (None: not read).

    Raises :class:`ValidationError` on invalid parameters.  The result has
    ``failed`` and ``msg`` besides the documented return values.
    """
    p = normalize_params(params)
    cfg = p["config"]
    checked = [_source("config", "checked")]

    env_sources = []
    for name, prefix, data in ((PROC1_ENVIRON, PROC1_ENVIRON + ":", proc1_env),
                               ("os.environ", "env.", host_env)):
        if not p["inspect_host"]:
            checked.append(_source(name, "skipped", "inspect_host is false"))
        elif data is None:
            checked.append(_source(name, "not_read"))
        elif isinstance(data, Unavailable):
            checked.append(_source(name, data.status, data.detail))
        else:
            checked.append(_source(name, "read", _count(len(data))))
            env_sources.append((name, prefix, dict(data)))
    checked.append(_source("config.env", "checked", _count(len(cfg["env"]))))
    env_sources.append(("config.env", "config.env.", cfg["env"]))

    findings = _env_findings(env_sources, cfg)
    env_findings = list(findings)
    findings.extend(_config_findings(cfg))

    if p["systemd_unit"]:
        name = "systemd_unit:%s" % p["systemd_unit"]
        if systemd_props is None:
            checked.append(_source(name, "not_read"))
        elif isinstance(systemd_props, Unavailable):
            checked.append(_source(name, systemd_props.status, systemd_props.detail))
        else:
            checked.append(_source(name, "read", "LoadState=%s"
                                   % systemd_props.get("LoadState", "loaded")))
            findings.extend(_systemd_findings(p["systemd_unit"], systemd_props))

    if p["docker_container"]:
        name = "docker_container:%s" % p["docker_container"]
        if docker_restart is None:
            checked.append(_source(name, "not_read"))
        elif isinstance(docker_restart, Unavailable):
            checked.append(_source(name, docker_restart.status, docker_restart.detail))
        else:
            checked.append(_source(name, "read", "RestartPolicy=%s" % (docker_restart or "no")))
            if docker_restart in ("", "no"):
                findings.append(_finding(
                    "DOCKER_NO_RESTART", WARNING, "container %s has restart policy no: a crashed"
                    " or rebooted server stays down" % p["docker_container"], name,
                    "docker_container"))

    original = [(f["code"], f["severity"]) for f in findings]
    serverless = any(code in SERVERLESS_CODES and sev == ERROR for code, sev in original)
    scale_to_zero = any(code in SCALE_TO_ZERO_CODES and sev == ERROR for code, sev in original)

    for finding in findings:
        reason = p["waive"].get(finding["code"])
        if reason is not None:
            finding["waived"] = True
            if finding["severity"] == ERROR:
                finding["severity"] = WARNING
            finding["message"] += " [waived: %s]" % reason

    findings.sort(key=lambda f: SEVERITY_RANK[f["severity"]])
    detected = None
    ranked = sorted(env_findings, key=lambda f: SEVERITY_RANK[f["severity"]])
    if ranked:
        detected = _platform_name(ranked[0]["code"])

    errors = [f for f in findings if f["severity"] == ERROR and not f["waived"]]
    warnings = [f for f in findings if f["severity"] == WARNING and not f["waived"]]
    failed = bool(errors) or bool(p["fail_on_warnings"] and warnings)
    if errors:
        msg = ("LangGraph Server must not run serverless or scale to zero; %d error(s): %s"
               % (len(errors), "; ".join("%s at %s: %s" % (f["code"], f["path"], f["message"])
                                         for f in errors)))
    elif failed:
        msg = ("fail_on_warnings is set and %d warning(s) were found: %s"
               % (len(warnings), "; ".join("%s at %s: %s" % (f["code"], f["path"], f["message"])
                                           for f in warnings)))
    elif warnings:
        msg = "no serverless or scale-to-zero error; %d warning(s): %s" % (
            len(warnings), ", ".join(f["code"] for f in warnings))
    else:
        msg = "no serverless or scale-to-zero signal found"
    return {
        "failed": failed,
        "msg": msg,
        "serverless": serverless,
        "scale_to_zero": scale_to_zero,
        "platform_detected": detected,
        "findings": findings,
        "checked_sources": checked,
    }


# ---------------------------------------------------------------------------
# Readers (the module passes module.run_command as ``run_command``)
# ---------------------------------------------------------------------------

def parse_environ(data):
    """Parse the NUL-separated contents of /proc/<pid>/environ into a dict."""
    if isinstance(data, bytes):
        data = data.decode("utf-8", "replace")
    env = {}
    for item in data.split("\0"):
        if "=" in item:
            key, value = item.split("=", 1)
            if key:
                env[key] = value
    return env


def read_proc1_environ(path=PROC1_ENVIRON):
    """Return PID 1's environment as a dict, or :class:`Unavailable`."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except PermissionError:
        return Unavailable("unreadable", "permission denied (run with become to read it)")
    except FileNotFoundError:
        return Unavailable("missing", "%s does not exist" % path)
    except OSError as exc:
        return Unavailable("unreadable", exc.strerror or exc.__class__.__name__)
    return parse_environ(data)


SYSTEMD_PROPERTIES = ("StopWhenUnneeded", "Restart", "RuntimeMaxUSec", "TriggeredBy", "LoadState")


def _first_line(text):
    text = (text or "").strip()
    return text.splitlines()[0][:200] if text else ""


def read_systemd_unit(run_command, unit, systemctl="systemctl"):
    """Run ``systemctl show`` for ``unit``; return its properties or :class:`Unavailable`.

    A unit that does not exist yet is ``Unavailable('not_found')``, not an error.
    """
    if not systemctl:
        return Unavailable("unavailable", "systemctl not found")
    rc, out, err = run_command([systemctl, "show", "-p", ",".join(SYSTEMD_PROPERTIES), unit])
    if rc != 0:
        detail = _first_line(err) or _first_line(out) or "systemctl show exited with %d" % rc
        if "not found" in detail.lower() or "no such" in detail.lower():
            return Unavailable("not_found", detail)
        return Unavailable("unavailable", detail)
    props = {}
    for line in (out or "").splitlines():
        if "=" in line:
            key, value = line.split("=", 1)
            props[key.strip()] = value.strip()
    load_state = props.get("LoadState", "")
    if load_state == "not-found":
        return Unavailable("not_found", "unit %s does not exist" % unit)
    if load_state in ("masked", "error", "bad-setting"):
        return Unavailable(load_state, "unit %s has LoadState=%s" % (unit, load_state))
    return props


def read_docker_restart(run_command, container, docker="docker"):
    """Return the restart policy name of ``container`` or :class:`Unavailable`.

    No docker binary and a container that does not exist are recorded, not errors.
    """
    if not docker:
        return Unavailable("unavailable", "docker not found")
    rc, out, err = run_command([docker, "inspect", "--type", "container", "--format",
                                "{{json .HostConfig.RestartPolicy}}", container])
    if rc != 0:
        detail = _first_line(err) or "docker inspect exited with %d" % rc
        if "no such" in detail.lower():
            return Unavailable("not_found", "container %s does not exist" % container)
        return Unavailable("unavailable", detail)
    try:
        policy = json.loads((out or "").strip() or "null")
    except ValueError:
        return Unavailable("unavailable", "docker inspect printed no JSON")
    if not isinstance(policy, dict):
        return ""
    return str(policy.get("Name") or "")
