# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Refuse serverless and scale-to-zero deployments of LangGraph Server.

LangGraph Server keeps background runs in a Postgres-backed queue and streams
their output over Redis pub/sub.  Both need long-lived processes that keep
their CPU while no request arrives.  Platforms that freeze, throttle or remove
idle processes make background runs starve or die, so the collection refuses
them before it changes anything.

This file is plain Python on purpose (no Ansible imports): the module
``serverless_check`` is a thin wrapper around :func:`evaluate` that takes its
argument_spec from :func:`argument_spec`, and the unit tests import this file directly.
"""

from __future__ import annotations

import json
import math
import re

from collections import namedtuple
from fnmatch import fnmatchcase
from itertools import groupby
from urllib.parse import parse_qs, unquote, urlsplit

ERROR = "error"
WARNING = "warning"
INFO = "info"
SEVERITY_RANK = {ERROR: 0, WARNING: 1, INFO: 2}

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

# Codes whose error means "the platform is serverless" (return value ``serverless``).
SERVERLESS_CODES = frozenset(("AWS_LAMBDA GCP_FUNCTIONS CLOUD_RUN_JOB CLOUD_RUN_OR_KNATIVE AZURE_FUNCTIONS"
                              " AZURE_CONTAINER_APPS GAE_STANDARD VERCEL NETLIFY OPENFAAS APP_RUNNER"
                              " CLOUD_RUN_CPU_THROTTLED").split())
# Codes whose error means "the server can be scaled or stopped to zero" (``scale_to_zero``).
SCALE_TO_ZERO_CODES = frozenset(("SCALE_TO_ZERO KEDA_MIN_ZERO KNATIVE_MIN_SCALE FLY_AUTOSTOP HEROKU_ECO RENDER_FREE"
                                 " RAILWAY_SLEEP SYSTEMD_IDLE_STOP").split())

_STARVE = ("; background runs are not requests, so they starve or die"
           " (LangGraph: do not run standalone servers in serverless environments)")

PROC1_ENVIRON = "/proc/1/environ"
SYSTEMD_PROPERTIES = ("StopWhenUnneeded", "Restart", "RuntimeMaxUSec", "TriggeredBy", "LoadState")

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
# Signal tables
# ---------------------------------------------------------------------------

# Environment variables that reveal the platform.  Rows are tried in order; a
# code is found at most once per environment, so the first matching row of a
# code wins, and a row is skipped when a code named in ``unless`` was found.
#   variables  what the finding names, its path being the first that matches:
#              NAME is set and not blank; NAME=PATTERN has a value matching a
#              shell pattern, "|" separating patterns
#   when       groups of variables ("!NAME": not set); the row matches when
#              all of one group do.  By default any one of the variables.
#   setting    declared settings: the first that is not None must pass ``test``
#   message    " detected" gets the variables and the source added; {env[NAME]}
#              is the value of a variable, {setting} the declared setting
# Lists of names are written as one string, separated by spaces.
EnvSignal = namedtuple("EnvSignal", "code severity variables message when unless setting test",
                       defaults=((), "", "", ()))

# Tests of a setting: a tuple of the values that match, or "!" and the values
# that do not.  Strings in a test are shell patterns.
UNSET = (None,)
FINITE = ("!", None, "infinity")

_AZURE_FUNCTIONS = "FUNCTIONS_WORKER_RUNTIME FUNCTIONS_EXTENSION_VERSION WEBSITE_SKU"
_CONTAINER_APP = "CONTAINER_APP_NAME CONTAINER_APP_REVISION"

ENV_SIGNALS = (
    EnvSignal("AWS_LAMBDA", ERROR,
              "AWS_LAMBDA_FUNCTION_NAME LAMBDA_TASK_ROOT AWS_LAMBDA_RUNTIME_API AWS_EXECUTION_ENV=AWS_Lambda_*",
              "AWS Lambda detected: Lambda freezes the process between invocations" + _STARVE),
    EnvSignal("GCP_FUNCTIONS", ERROR, "FUNCTION_TARGET FUNCTION_SIGNATURE_TYPE K_SERVICE",
              "Google Cloud Functions detected: functions scale to zero and get CPU only while a request is served"
              + _STARVE, when=("FUNCTION_TARGET FUNCTION_SIGNATURE_TYPE", "FUNCTION_TARGET K_SERVICE")),
    EnvSignal("GCP_FUNCTIONS", ERROR, "FUNCTION_NAME GCP_PROJECT FUNCTION_REGION ENTRY_POINT",
              "Google Cloud Functions (1st gen) detected: functions scale to zero and get CPU only while a request"
              " is served" + _STARVE, when=("FUNCTION_NAME GCP_PROJECT", "FUNCTION_NAME FUNCTION_REGION ENTRY_POINT")),
    EnvSignal("CLOUD_RUN_JOB", ERROR, "CLOUD_RUN_JOB CLOUD_RUN_EXECUTION CLOUD_RUN_TASK_INDEX",
              "Cloud Run job detected: a job exits when its task ends, taking queued background runs with it; the"
              " server must run continuously", when=("CLOUD_RUN_JOB",), unless="GCP_FUNCTIONS"),
    EnvSignal("CLOUD_RUN_OR_KNATIVE", ERROR, "K_SERVICE K_REVISION K_CONFIGURATION",
              "Cloud Run or Knative service detected: instances scale with requests, can scale to zero and scale-up"
              " is not reliable for queued work" + _STARVE,
              when=("K_SERVICE K_REVISION K_CONFIGURATION",), unless="GCP_FUNCTIONS"),
    EnvSignal("AZURE_FUNCTIONS", ERROR, _AZURE_FUNCTIONS,
              "Azure Functions host detected on a consumption plan (WEBSITE_SKU={env[WEBSITE_SKU]}), which scales"
              " to zero: functions run per event" + _STARVE,
              when=("FUNCTIONS_WORKER_RUNTIME WEBSITE_SKU=Dynamic|FlexConsumption",)),
    EnvSignal("AZURE_FUNCTIONS", ERROR, _AZURE_FUNCTIONS,
              "Azure Functions host detected: functions run per event" + _STARVE, when=("FUNCTIONS_WORKER_RUNTIME",)),
    EnvSignal("AZURE_APP_SERVICE", WARNING, "WEBSITE_SITE_NAME WEBSITE_SKU",
              "Azure App Service detected: it unloads apps after 20 idle minutes unless Always On is enabled, which"
              " this module cannot see; enable Always On and declare config.app_service.always_on: true",
              when=("WEBSITE_SITE_NAME !FUNCTIONS_EXTENSION_VERSION",), unless="AZURE_FUNCTIONS",
              setting="app_service.always_on", test=("!", True)),
    # A declared minimum of 1 or more turns the error into a warning.
    EnvSignal("AZURE_CONTAINER_APPS", WARNING, _CONTAINER_APP,
              "Azure Container Apps detected with a declared minimum of {setting} replica(s); make sure the app's"
              " scale rule really keeps minReplicas >= 1", when=(_CONTAINER_APP,),
              setting="container_apps.min_replicas min_replicas", test=("!", None, 0)),
    EnvSignal("AZURE_CONTAINER_APPS", ERROR, _CONTAINER_APP,
              "Azure Container Apps detected: the default minReplicas is 0, so the server scales to zero when no"
              " request arrives" + _STARVE + "; set minReplicas >= 1 and declare config.container_apps.min_replicas",
              when=(_CONTAINER_APP,)),
    EnvSignal("GAE_STANDARD", ERROR, "GAE_ENV=standard GAE_SERVICE",
              "App Engine standard detected: idle instances are shut down" + _STARVE, when=("GAE_ENV=standard",)),
    EnvSignal("GAE_FLEX", WARNING, "GAE_SERVICE", "App Engine flexible detected: instances autoscale on request"
              " load; keep at least one instance and do not rely on idle instances", unless="GAE_STANDARD"),
    EnvSignal("VERCEL", ERROR, "VERCEL=1", "Vercel detected: code runs only while a request is open" + _STARVE),
    EnvSignal("NETLIFY", ERROR, "NETLIFY=true", "Netlify detected: code runs only while a request is open" + _STARVE),
    EnvSignal("OPENFAAS", ERROR, "fprocess",
              "OpenFaaS detected: functions run per request and can be scaled to zero" + _STARVE),
) + tuple(
    # Platforms whose idle behaviour is a setting: a warning until it is declared, then info.
    row for code, variable, label, setting, hint in (
        ("FLY", "FLY_APP_NAME", "Fly.io", "fly.auto_stop_machines", "off"),
        ("HEROKU", "DYNO", "Heroku", "heroku.dyno_type", "not eco"),
        ("RENDER", "RENDER=true", "Render", "render.plan", "not free"),
        ("RAILWAY", "RAILWAY_PROJECT_ID", "Railway", "railway.serverless", "false"),
    ) for row in (
        EnvSignal(code, WARNING, variable, "%s detected: whether idle machines are stopped depends on a setting"
                  " this module cannot see; declare config.%s (%s)" % (label, setting, hint), setting=setting, test=UNSET),
        EnvSignal(code, INFO, variable, "%s detected; idle behaviour is taken from config.%s" % (label, setting)),
    )
) + (
    EnvSignal("ECS", INFO, "ECS_CONTAINER_METADATA_URI_V4 ECS_CONTAINER_METADATA_URI"
              " AWS_EXECUTION_ENV=AWS_ECS_FARGATE|AWS_ECS_EC2",
              "Amazon ECS detected: tasks are long-lived; keep the service's desired count at 1 or more"),
)

# Variables whose value a finding shows, not only their name.
_SHOW_VALUE = ("AWS_EXECUTION_ENV", "GAE_ENV", "WEBSITE_SKU", "VERCEL", "NETLIFY", "RENDER")

# Declared settings that stop or starve the server.  Every row whose setting
# passes ``test`` and whose ``when`` conditions all hold (see _holds) gives a
# finding, in the order of the rows.
#   setting  a path in the normalized config; for a URI, each of its hosts
#   test     as above; strings are tested stripped and lower-cased
#   path     the finding's path: by default config.<setting>, or the
#            ``<setting>_path`` the normalizer recorded (knative.min_scale)
#   message  {value} is the setting as given, {path} the finding's path
Setting = namedtuple("Setting", "code severity setting test message when path", defaults=("", None))

# Declared platform -> (code, severity, message).
_DECLARED_PLATFORMS = {
    "lambda": ("AWS_LAMBDA", ERROR,
               "AWS Lambda freezes the process between invocations; background runs would never be picked up"),
    "gcp_functions": ("GCP_FUNCTIONS", ERROR, "Cloud Functions scale to zero and throttle the CPU outside requests"),
    "cloud_run_job": ("CLOUD_RUN_JOB", ERROR,
                      "a Cloud Run job exits when its task ends; the server must run continuously"),
    "azure_functions": ("AZURE_FUNCTIONS", ERROR,
                        "Azure Functions run per event and scale to zero on consumption plans"),
    "gae_standard": ("GAE_STANDARD", ERROR, "App Engine standard shuts idle instances down"),
    "gae_flex": ("GAE_FLEX", WARNING, "App Engine flexible autoscales on request load; keep at least one instance"
                 " and make sure idle instances are not removed"),
    "vercel": ("VERCEL", ERROR, "Vercel runs code only while a request is open"),
    "netlify": ("NETLIFY", ERROR, "Netlify runs code only while a request is open"),
    "openfaas": ("OPENFAAS", ERROR, "OpenFaaS runs functions per request and can scale them to zero"),
    "app_runner": ("APP_RUNNER", ERROR,
                   "App Runner throttles the CPU of instances that serve no request, so background runs stall"),
    "ecs": ("ECS", INFO, "tasks are long-lived; keep the service's desired count at 1 or more"),
}

_NO_SERVER = ("{path} is 0: with no server process, queued background runs wait forever and nothing consumes the"
              " Redis streams")
_THROTTLED = ("{path}: Cloud Run gives the instance CPU only while a request is served (request-based billing)"
              + _STARVE + "; use instance-based billing (no CPU throttling)")

SETTING_SIGNALS = tuple(
    Setting(code, severity, "platform", (platform,),
            "config.platform is {value}: " + message + (_STARVE if severity == ERROR else ""))
    for platform, (code, severity, message) in _DECLARED_PLATFORMS.items()
) + (
    Setting("SCALE_TO_ZERO", ERROR, "replicas", (0,), _NO_SERVER),
    Setting("SCALE_TO_ZERO", ERROR, "min_replicas", (0,), _NO_SERVER),
    Setting("SCALE_TO_ZERO", ERROR, "cloud_run.min_instances", (0,), "config.cloud_run.min_instances is 0: Cloud"
            " Run removes every instance when no request arrives" + _STARVE),
    Setting("SCALE_TO_ZERO", ERROR, "cloud_run.min_instances", UNSET, "config.platform is cloud_run and"
            " config.cloud_run.min_instances is not set: Cloud Run's default is 0" + _STARVE
            + "; set min instances >= 1", when="platform=cloud_run !min_replicas"),
    Setting("CLOUD_RUN_CPU_THROTTLED", ERROR, "cloud_run.cpu_throttling", (True,), _THROTTLED),
    Setting("CLOUD_RUN_CPU_THROTTLED", ERROR, "cloud_run.billing", ("request",), _THROTTLED,
            when="!cloud_run.cpu_throttling"),
    Setting("CLOUD_RUN_CPU_THROTTLED", ERROR, "cloud_run.cpu_throttling", UNSET, "config.platform is cloud_run and"
            " neither config.cloud_run.cpu_throttling nor config.cloud_run.billing is set: Cloud Run services"
            " default to request-based billing, which throttles the CPU outside requests" + _STARVE,
            when="platform=cloud_run !cloud_run.billing"),
    Setting("SCALE_TO_ZERO", ERROR, "container_apps.min_replicas", (0,), "config.container_apps.min_replicas is 0:"
            " Container Apps removes every replica when no request arrives" + _STARVE),
    Setting("SCALE_TO_ZERO", ERROR, "container_apps.min_replicas", UNSET, "config.platform is container_apps and no"
            " minimum replica count is set: the default minReplicas is 0" + _STARVE
            + "; set config.container_apps.min_replicas >= 1", when="platform=container_apps !min_replicas"),
    Setting("KEDA_MIN_ZERO", ERROR, "keda.min_replica_count", UNSET, "config.keda.min_replica_count is not set:"
            " KEDA's default minReplicaCount is 0, so the server scales to zero" + _STARVE, when="keda.enabled"),
    Setting("KEDA_MIN_ZERO", ERROR, "keda.min_replica_count", (0,),
            "config.keda.min_replica_count is 0: KEDA scales the server to zero" + _STARVE, when="keda.enabled"),
    Setting("KEDA_MIN_ZERO", ERROR, "keda.idle_replica_count", (0,), "config.keda.idle_replica_count is 0: KEDA"
            " scales the server to zero when its triggers are idle" + _STARVE, when="keda.enabled"),
    Setting("KNATIVE_MIN_SCALE", ERROR, "knative.min_scale", UNSET, "autoscaling.knative.dev/min-scale is not set:"
            " Knative's default lets the revision scale to zero" + _STARVE + '; set it to "1" or more',
            when="knative|platform=knative", path='config.knative.annotations["autoscaling.knative.dev/min-scale"]'),
    Setting("KNATIVE_MIN_SCALE", ERROR, "knative.min_scale", (0,),
            "autoscaling.knative.dev/min-scale is 0: the revision scales to zero" + _STARVE),
    Setting("FLY_AUTOSTOP", ERROR, "fly.auto_stop_machines", ("stop", "suspend"), "config.fly.auto_stop_machines is"
            " {value}: Fly.io {value}s machines that receive no request" + _STARVE + "; set it to off"),
    Setting("FLY", WARNING, "fly.auto_stop_machines", UNSET, "config.platform is fly and"
            " config.fly.auto_stop_machines is not declared: fly launch writes auto_stop_machines = 'stop' by"
            " default; set it to off and declare it", when="platform=fly"),
    Setting("HEROKU_ECO", ERROR, "heroku.dyno_type", ("eco", "free"),
            "config.heroku.dyno_type is {value}: these dynos sleep after 30 idle minutes" + _STARVE),
    Setting("HEROKU", WARNING, "heroku.dyno_type", UNSET, "config.platform is heroku and config.heroku.dyno_type is"
            " not declared: eco dynos sleep when idle; declare the dyno type", when="platform=heroku"),
    Setting("RENDER_FREE", ERROR, "render.plan", ("free",),
            "config.render.plan is free: free instances spin down after 15 idle minutes" + _STARVE),
    Setting("RENDER", WARNING, "render.plan", UNSET, "config.platform is render and config.render.plan is not"
            " declared: free instances spin down when idle; declare the plan", when="platform=render"),
    Setting("RAILWAY_SLEEP", ERROR, "railway.serverless", (True,),
            "config.railway.serverless is true: Railway sleeps services that send no outbound traffic" + _STARVE),
    Setting("RAILWAY", WARNING, "railway.serverless", UNSET, "config.platform is railway and"
            " config.railway.serverless is not declared: serverless services sleep when idle; declare it false",
            when="platform=railway"),
    Setting("AZURE_APP_SERVICE", WARNING, "app_service.always_on", ("!", True), "config.platform is app_service"
            " and config.app_service.always_on is not true: App Service unloads idle apps unless Always On is"
            " enabled", when="platform=app_service"),
    Setting("SYSTEMD_IDLE_STOP", ERROR, "systemd.stop_when_unneeded", (True,), "config.systemd.stop_when_unneeded"
            " is true: systemd stops the server as soon as no other unit needs it" + _STARVE),
    Setting("SYSTEMD_IDLE_STOP", ERROR, "systemd.exit_idle_time", FINITE, "config.systemd.exit_idle_time is"
            " {value}: the socket proxy exits when idle and takes the server down with it" + _STARVE),
    Setting("SYSTEMD_SOCKET_ACTIVATED", WARNING, "systemd.socket_activated", (True,), "config.systemd.socket_activated"
            " is true: the server starts only when a connection arrives, so queued background runs wait for the"
            " first request"),
    Setting("SYSTEMD_NO_RESTART", WARNING, "systemd.restart", ("no",),
            "config.systemd.restart is no: a crashed server stays down and queued background runs wait"),
    Setting("SYSTEMD_RUNTIME_MAX", WARNING, "systemd.runtime_max_sec", FINITE, "config.systemd.runtime_max_sec is"
            " {value}: systemd stops the server after that time and runs in progress are interrupted"),
    Setting("DOCKER_NO_RESTART", WARNING, "restart_policy", ("no",), "config.restart_policy is no: a crashed or"
            " rebooted server stays down; use always or unless-stopped"),
    Setting("DOCKER_NO_RESTART", WARNING, "restart_policy", UNSET, "config.restart_policy is not set: Docker's"
            " default is no, so a crashed or rebooted server stays down; use always or unless-stopped",
            when="platform=docker"),
    Setting("NEON_SCALE_TO_ZERO", WARNING, "database_uri", ("*.neon.tech",), "the database host {value} is on Neon,"
            " whose compute suspends when idle: state is kept, but the first query after a pause waits for a cold"
            " start; disable scale to zero for this endpoint"),
    Setting("NEON_POOLER", WARNING, "database_uri", ("*-pooler*",), "the database host {value} is a pooled"
            " endpoint: LISTEN/NOTIFY needs a direct connection; use the host without -pooler"),
    Setting("AURORA_AUTOPAUSE", WARNING, "database.aurora_min_acu", (0,), "config.database.aurora_min_acu is 0:"
            " Aurora Serverless v2 pauses an idle cluster; the first query after a pause waits for it to resume"),
    Setting("UPSTASH_REDIS", WARNING, "redis_uri", ("*.upstash.io",), "the Redis host {value} is Upstash, a"
            " serverless Redis: long-lived pub/sub streams are billed per command and may be cut; prefer a"
            " dedicated Redis"),
)

# Every finding code; ``waive`` accepts exactly these.  (The state of a real
# systemd unit or Docker container gives codes that have rows above too.)
CODES = tuple(sorted(set(row.code for row in ENV_SIGNALS + SETTING_SIGNALS)))


# ---------------------------------------------------------------------------
# Value checks
# ---------------------------------------------------------------------------

def _show(value):
    text = repr(value)
    return text[:57] + "..." if len(text) > 60 else text


def _invalid(path, desc, value):
    return ValidationError("%s must be %s, got %s" % (path, desc, _show(value)), path)


def _as_int(value, path, minimum=None, maximum=None, desc=None):
    if desc is None:
        desc = ("an integer from %d to %d" % (minimum, maximum) if None not in (minimum, maximum)
                else "an integer >= %d" % minimum if minimum is not None else "an integer")
    number = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, float) and value.is_integer() or isinstance(value, str) and _INT_RE.match(value):
        number = int(value)
    if number is None or (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        raise _invalid(path, desc, value)
    return number


def _as_float(value, path, minimum, maximum):
    number = None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            pass
    if number is None or math.isnan(number) or math.isinf(number) or not minimum <= number <= maximum:
        raise _invalid(path, "a number from %s to %s" % (minimum, maximum), value)
    return number


def _as_bool(value, path):
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _BOOL_TRUE | _BOOL_FALSE:
        return value.strip().lower() in _BOOL_TRUE
    raise _invalid(path, "a boolean", value)


def _as_str(value, path, choices=None):
    if not isinstance(value, str):
        raise _invalid(path, "a string", value)
    if not value.strip():
        raise ValidationError("%s must not be empty" % path, path)
    if choices is not None and value not in choices:
        raise _invalid(path, "one of " + ", ".join(choices), value)
    return value


def _as_dict(value, path, allowed):
    """``value`` as a dict whose keys are all in ``allowed``, without the keys whose value is None:
    they count as not given (Ansible fills every declared sub-option with None)."""
    if not isinstance(value, dict):
        raise _invalid(path, "a dictionary", value)
    unknown = sorted(str(k) for k in value if k not in allowed)
    if unknown:
        raise ValidationError("%s: unsupported parameter(s): %s (supported: %s)"
                              % (path, ", ".join(unknown), ", ".join(sorted(allowed))), path)
    return dict((k, v) for k, v in value.items() if v is not None)


def _as_str_dict(value, path):
    if not isinstance(value, dict):
        raise _invalid(path, "a dictionary of strings", value)
    out = {}
    for key, item in value.items():
        if not isinstance(key, str) or not key or "=" in key:
            raise ValidationError("%s has an invalid key %s" % (path, _show(key)), path)
        if isinstance(item, (int, float)) and not isinstance(item, bool):
            item = str(item)
        if not isinstance(item, str):
            raise _invalid("%s.%s" % (path, key), "a string", item)
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
    userinfo = rest.rsplit("@", 1)[0] if "@" in rest else ""
    if ":" not in userinfo:
        return []
    password = userinfo.split(":", 1)[1]
    return [secret for secret in dict.fromkeys((password, unquote(password))) if secret]


def _split_hostport(item, path, default_port=None):
    """Split one ``host[:port]`` item (IPv6 in brackets).  Never echoes the item."""
    if item.startswith("["):
        end = item.find("]")
        if end < 0:
            raise ValidationError("%s has an unterminated IPv6 address%s" % (path, _ENCODE_HINT), path)
        host, tail = item[1:end], item[end + 1:]
        if tail and not tail.startswith(":"):
            raise ValidationError("%s has an invalid host part%s" % (path, _ENCODE_HINT), path)
        port_text = tail[1:]
    else:
        host, sep, port_text = item.rpartition(":")
        if not sep:
            host, port_text = item, ""
    if port_text and (not port_text.isdigit() or not 0 < int(port_text) < 65536):
        raise ValidationError("%s has a port that is not an integer from 1 to 65535%s" % (path, _ENCODE_HINT), path)
    return unquote(host), int(port_text) if port_text else default_port


def _split_uri(uri, path, schemes):
    """Split a connection URI into (scheme, userinfo, hostlist, parts, query).

    Error messages here and in the parsers never contain the URI, its user name or its password.
    """
    if not isinstance(uri, str) or not uri.strip():
        raise ValidationError("%s must be a non-empty string" % path, path)
    uri = uri.strip()
    match = _SCHEME_RE.match(uri)
    scheme = match.group(1).lower() if match else ""
    if scheme not in schemes:
        raise ValidationError("%s must be a URI with the scheme %s, got %s" % (
            path, " or ".join(schemes), ("'%s'" % scheme) if scheme else "no scheme"), path)
    if not uri[len(scheme) + 1:].startswith("//"):
        raise ValidationError("%s must start with %s://" % (path, scheme), path)
    # The host part ends at the first '/', '?' or '#' (urlsplit's netloc is not used).
    rest = uri.split("://", 1)[1]
    end = min([pos for pos in (rest.find(stop) for stop in "/?#") if pos >= 0] or [len(rest)])
    userinfo, _at, hostlist = rest[:end].rpartition("@")
    tail = rest[end:]
    if "@" in tail.split("?", 1)[0]:
        raise ValidationError("%s could not be parsed: '@' after the host part%s" % (path, _ENCODE_HINT), path)
    try:
        parts = urlsplit("x://h" + tail)
        query = parse_qs(parts.query, keep_blank_values=True)
    except ValueError:
        raise ValidationError("%s could not be parsed%s" % (path, _ENCODE_HINT), path)
    return scheme, userinfo, hostlist, parts, query


def parse_postgres_uri(uri, path="config.database_uri"):
    """Parse a libpq connection URI; return {scheme, hosts: [(host, port)], database}."""
    scheme, userinfo, hostlist, parts, query = _split_uri(uri, path, ("postgresql", "postgres"))
    hosts = [_split_hostport(item, path) for item in hostlist.split(",") if item]
    for one in ",".join(query.get("port", [])).split(","):
        if one and (not one.isdigit() or not 0 < int(one) < 65536):
            raise ValidationError("%s has a ?port= that is not an integer from 1 to 65535" % path, path)
    hosts += [(one, None) for one in ",".join(query.get("host", [])).split(",") if one]
    if not hosts:
        raise ValidationError("%s has no host: give it after '//' or as ?host=" % path, path)
    return {"scheme": scheme, "hosts": hosts, "database": unquote(parts.path.lstrip("/")) or None,
            "has_password": ":" in userinfo}


def parse_redis_uri(uri, path="config.redis_uri"):
    """Parse a Redis URI (redis, rediss or unix); return {scheme, hosts, db}."""
    scheme, userinfo, hostlist, parts, query = _split_uri(uri, path, ("redis", "rediss", "unix"))
    hosts = []
    if scheme == "unix":
        if not parts.path or parts.path == "/":
            raise ValidationError("%s must name the socket path, as unix:///path/to/redis.sock" % path, path)
        db_texts = query.get("db", [])
    else:
        if "," in hostlist or not hostlist:
            raise ValidationError("%s must name exactly one host, as redis://host:6379/0" % path, path)
        host, port = _split_hostport(hostlist, path, default_port=6379)
        if not host:
            raise ValidationError("%s must name a host, as redis://host:6379/0" % path, path)
        hosts.append((host, port))
        db_texts = [text for text in [parts.path.strip("/")] if text] + query.get("db", [])
    if not all(text.isdigit() for text in db_texts):
        raise ValidationError("%s must give the database index as an integer (redis://host:6379/0 or ?db=0)"
                              % path, path)
    return {"scheme": scheme, "hosts": hosts, "db": int(db_texts[-1]) if db_texts else 0,
            "has_password": ":" in userinfo}


# ---------------------------------------------------------------------------
# Options
# ---------------------------------------------------------------------------
# Checks of one option beyond its type: (value, path, the options of the same
# level checked so far) -> the value to use.

def _max_replicas(value, path, siblings):
    floor = max(1, siblings["min_replicas"] or 0)
    return _as_int(value, path, floor, desc="an integer >= %d%s" % (
        floor, " (at least config.min_replicas)" if siblings["min_replicas"] else ""))


def _restart_policy(value, path, _siblings):
    if not isinstance(value, str) or not _RESTART_POLICY_RE.match(value.strip()):
        raise _invalid(path, "one of no, on-failure, on-failure:N, always, unless-stopped", value)
    return value.strip()


def _parsed_uri(parse):
    """Keep the URI as given, with its parsed form next to it as ``<option>_parsed``."""
    def check(value, path, siblings):
        siblings[path.rsplit(".", 1)[1] + "_parsed"] = parse(value, path)
        return value
    return check


def _fly_autostop(value, path, _siblings):
    if isinstance(value, str) and value.strip().lower() in ("off", "stop", "suspend"):
        return value.strip().lower()
    try:
        return "stop" if _as_bool(value, path) else "off"
    except ValidationError:
        raise _invalid(path, "one of off, stop, suspend, true, false", value)


def _timespan(value, path, _siblings):
    """Seconds, a systemd time span (kept as written) or 'infinity'."""
    if isinstance(value, str) and value.strip().lower() == "infinity":
        return "infinity"
    if isinstance(value, str) and not _INT_RE.match(value) and _TIMESPAN_RE.match(value):
        return value.strip()
    return _as_int(value, path, 0, desc="an integer >= 0 (seconds), a systemd time span or 'infinity'")


def _waivers(value, path, _siblings):
    """The ``waive`` list as {code: reason}."""
    if not isinstance(value, list):
        raise _invalid(path, "a list of {code, reason}", value)
    out = {}
    for index, entry in enumerate(value):
        at = "%s[%d]" % (path, index)
        entry = _as_dict(entry, at, OPTIONS["waive"]["options"])
        if "code" not in entry:
            raise ValidationError("%s.code is required" % at, at + ".code")
        code = _as_str(entry["code"], at + ".code")
        if code not in CODES:
            raise ValidationError("%s.code %s is not a known finding code (known: %s)"
                                  % (at, _show(code), ", ".join(CODES)), at + ".code")
        reason = entry.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            raise ValidationError("%s.reason must be a non-empty string: say why %s is acceptable"
                                  % (at, code), at + ".reason")
        out[code] = reason.strip()
    return out


# Checks of a whole dictionary once its options are checked: (values, path).

def _knative_min_scale(knative, path):
    """min_scale and the min-scale annotation (either spelling) must agree; the last one read wins."""
    knative["min_scale_path"] = path + ".min_scale" if knative["min_scale"] is not None else None
    for key in ("autoscaling.knative.dev/min-scale", "autoscaling.knative.dev/minScale"):
        if key in knative["annotations"]:
            key_path = '%s.annotations["%s"]' % (path, key)
            value = _as_int(knative["annotations"][key], key_path, 0)
            if knative["min_scale"] is not None and knative["min_scale"] != value:
                raise ValidationError("%s and %s disagree (%s and %s)" % (
                    knative["min_scale_path"], key_path, knative["min_scale"], value), key_path)
            knative["min_scale"], knative["min_scale_path"] = value, key_path


def _cloud_run_billing(cloud_run, path):
    throttled, billing = cloud_run["cpu_throttling"], cloud_run["billing"]
    if throttled is not None and billing is not None and throttled != (billing == "request"):
        raise ValidationError("%s.cpu_throttling=%s and %s.billing=%s disagree: request-based billing throttles the"
                              " CPU, instance-based billing does not" % (path, str(throttled).lower(), path, billing),
                              path + ".billing")


# The module's options: the one place their names, types, choices and defaults
# are written.  The module passes argument_spec() to AnsibleModule, and
# normalize_params() checks parameters against the same rows when this file is
# called directly.  Besides the argument_spec keys (type, required, default,
# choices, no_log, elements, options), a row may have keys only the checks
# here use:
#   min, max  bounds of a number
#   implied   the value of an option that is not given, without being an
#             Ansible default (Ansible passes None)
#   convert   a check that replaces the one of the type
#   check     a check of a whole dict once its options are checked
# A dict without options is a dictionary of strings.  Options are checked in
# the order of the rows, and the first error is raised.
OPTIONS = {
    "config": dict(type="dict", required=True, options={
        "platform": dict(type="str", default="vm", choices=PLATFORMS),
        "replicas": dict(type="int", min=0),
        "min_replicas": dict(type="int", min=0),
        "max_replicas": dict(type="int", convert=_max_replicas),
        "restart_policy": dict(type="str", convert=_restart_policy),
        "database_uri": dict(type="str", required=True, no_log=True, convert=_parsed_uri(parse_postgres_uri)),
        "redis_uri": dict(type="str", required=True, no_log=True, convert=_parsed_uri(parse_redis_uri)),
        "n_jobs_per_worker": dict(type="int", default=10, min=1, max=1000),
        "env": dict(type="dict", implied={}),
        "keda": dict(type="dict", options={
            "enabled": dict(type="bool", implied=True),
            "min_replica_count": dict(type="int", min=0),
            "idle_replica_count": dict(type="int", min=0),
        }),
        "knative": dict(type="dict", check=_knative_min_scale, options={
            "annotations": dict(type="dict", implied={}),
            "min_scale": dict(type="raw", convert=lambda value, path, _siblings: _as_int(value, path, 0)),
        }),
        "cloud_run": dict(type="dict", check=_cloud_run_billing, options={
            "min_instances": dict(type="int", min=0),
            "cpu_throttling": dict(type="bool"),
            "billing": dict(type="str", choices=("request", "instance")),
        }),
        "container_apps": dict(type="dict", options={"min_replicas": dict(type="int", min=0)}),
        "app_service": dict(type="dict", options={"always_on": dict(type="bool")}),
        "fly": dict(type="dict", options={"auto_stop_machines": dict(type="raw", convert=_fly_autostop)}),
        "heroku": dict(type="dict", options={"dyno_type": dict(type="str")}),
        "render": dict(type="dict", options={"plan": dict(type="str")}),
        "railway": dict(type="dict", options={"serverless": dict(type="bool")}),
        "database": dict(type="dict", options={"aurora_min_acu": dict(type="float", min=0, max=256)}),
        "systemd": dict(type="dict", options={
            "stop_when_unneeded": dict(type="bool"),
            "socket_activated": dict(type="bool"),
            "restart": dict(type="str", choices=(
                "no", "on-success", "on-failure", "on-abnormal", "on-watchdog", "on-abort", "always")),
            "runtime_max_sec": dict(type="raw", convert=_timespan),
            "exit_idle_time": dict(type="raw", convert=_timespan),
        }),
    }),
    "inspect_host": dict(type="bool", default=True),
    "fail_on_warnings": dict(type="bool", default=False),
    "systemd_unit": dict(type="str"),
    "docker_container": dict(type="str"),
    "waive": dict(type="list", elements="dict", default=[], convert=_waivers, options={
        "code": dict(type="str", required=True, choices=CODES),
        "reason": dict(type="str", required=True),
    }),
}
_SPEC_KEYS = ("type", "required", "default", "choices", "no_log", "elements")


def argument_spec(options=None):
    """The module's argument_spec: :data:`OPTIONS` without the keys only the checks here use."""
    spec = {}
    for name, row in (OPTIONS if options is None else options).items():
        spec[name] = dict((k, list(v) if k == "choices" else v) for k, v in row.items() if k in _SPEC_KEYS)
        if "options" in row:
            spec[name]["options"] = argument_spec(row["options"])
    return spec


def _check_options(options, value, path, prefix):
    """Check the dict ``value`` against ``options``; return it with every option (None: not given)."""
    given = _as_dict(value, path, options)
    missing = [prefix + name for name, row in options.items() if row.get("required") and name not in given]
    out = {}
    for name, row in options.items():
        if missing and row.get("required"):
            # Required options are checked together, when the first of them is reached.
            raise ValidationError("%s is required" % missing[0], missing[0])
        value = given.get(name, row.get("default", row.get("implied")))
        out[name] = None if value is None else _check_option(row, value, prefix + name, out)
    return out


def _check_option(row, value, path, siblings):
    if "convert" in row:
        return row["convert"](value, path, siblings)
    if row["type"] == "dict" and "options" in row:
        out = _check_options(row["options"], value, path, path + ".")
        if "check" in row:
            row["check"](out, path)
        return out
    checks = {"dict": _as_str_dict, "bool": _as_bool, "str": lambda v, p: _as_str(v, p, row.get("choices")),
              "int": lambda v, p: _as_int(v, p, row.get("min"), row.get("max")),
              "float": lambda v, p: _as_float(v, p, row["min"], row["max"])}
    return checks[row["type"]](value, path)


def normalize_config(config):
    """Validate ``config`` strictly and return it with every key present (None when unset).

    The URIs are also returned parsed, as ``database_uri_parsed`` and ``redis_uri_parsed``.
    """
    return _check_option(OPTIONS["config"], config, "config", {})


def normalize_params(params):
    """Validate the module parameters; return them normalized, ``waive`` as {code: reason}."""
    return _check_options(OPTIONS, params, "parameters", "")


# ---------------------------------------------------------------------------
# Findings
# ---------------------------------------------------------------------------

def _finding(code, severity, message, path, source):
    return {"code": code, "severity": severity, "message": message, "path": path, "source": source, "waived": False}


def _lookup(cfg, dotted):
    """The normalized setting at ``dotted`` (``keda.enabled``); None when it is not given."""
    for key in dotted.split("."):
        cfg = (cfg or {}).get(key)
    return cfg


def _matches(value, test):
    """Whether ``value`` passes ``test`` (see UNSET and FINITE)."""
    if test[:1] == ("!",):
        return not _matches(value, test[1:])
    return any(value == item or isinstance(value, str) and isinstance(item, str) and fnmatchcase(value, item)
               for item in test)


def _holds(cfg, condition):
    """``name``: the setting is true; ``!name``: it is not; ``name=value``: it has that value; ``a|b``: either."""
    if "|" in condition:
        return any(_holds(cfg, part) for part in condition.split("|"))
    if condition.startswith("!"):
        return not _holds(cfg, condition[1:])
    name, _eq, value = condition.partition("=")
    return _lookup(cfg, name) == value if value else bool(_lookup(cfg, name))


def _env_has(env, spec):
    if spec.startswith("!"):
        return not _env_has(env, spec[1:])
    name, _eq, patterns = spec.partition("=")
    value = env.get(name)
    if value is None or not patterns:
        return value is not None and value.strip() != ""
    return any(fnmatchcase(value, pattern) for pattern in patterns.split("|"))


def _env_findings(sources, cfg):
    """Findings of the environments in ``sources``: one per code, from the first source that has it."""
    findings, also = {}, {}
    for source, path_prefix, env in sources:
        found = set()  # the codes of this environment
        for row in ENV_SIGNALS:
            if row.code in found or found.intersection(row.unless.split()):
                continue
            # Any group of ``when`` (by default, any variable) must match, then the declared setting.
            if not any(all(_env_has(env, spec) for spec in group.split()) for group in row.when or row.variables.split()):
                continue
            declared = next((v for v in (_lookup(cfg, name) for name in row.setting.split()) if v is not None), None)
            if row.setting and not _matches(declared, row.test):
                continue
            found.add(row.code)
            if row.code in findings:  # an earlier source has it: only mention this one
                also[row.code].append(source)
                continue
            names = [spec.partition("=")[0] for spec in row.variables.split() if _env_has(env, spec)]
            shown = ", ".join("%s=%s" % (n, env[n]) if n in _SHOW_VALUE else n for n in names)
            message = row.message.format(env=env, setting=declared)
            message = message.replace(" detected", " detected (%s in %s)" % (shown, source), 1)
            findings[row.code] = _finding(row.code, row.severity, message, path_prefix + names[0], source)
            also[row.code] = []
    for code, finding in findings.items():
        if also[code]:
            finding["message"] += "; also in %s" % ", ".join(also[code])
    return list(findings.values())


def _config_findings(cfg):
    out = []
    # Rows on the same setting are tried value by value, so that the findings
    # of a URI come host by host.
    for setting, rows in groupby(SETTING_SIGNALS, key=lambda row: row.setting):
        rows = list(rows)
        if setting.endswith("_uri"):
            values = [(host, host.lower()) for host, _port in cfg[setting + "_parsed"]["hosts"]]
        else:
            value = _lookup(cfg, setting)
            values = [(value, value.strip().lower() if isinstance(value, str) else value)]
        for value, folded in values:
            for row in rows:
                if _matches(folded, row.test) and all(_holds(cfg, condition) for condition in row.when.split()):
                    path = row.path or _lookup(cfg, setting + "_path") or "config." + setting
                    message = row.message.format(value=value, path=path)
                    out.append(_finding(row.code, row.severity, message, path, "config"))
    return out


def _unit_findings(unit, props):
    """Findings of the real state of the server's systemd unit (``systemctl show``)."""
    def prop(name):
        return (props.get(name) or "").strip()

    sockets = ", ".join(t for t in prop("TriggeredBy").split() if t.endswith(".socket"))
    runtime_max = prop("RuntimeMaxUSec")
    checks = (
        (prop("StopWhenUnneeded") == "yes", "SYSTEMD_IDLE_STOP", ERROR, "%s has StopWhenUnneeded=yes: systemd stops"
         " the server as soon as no other unit needs it" % unit + _STARVE),
        (sockets, "SYSTEMD_SOCKET_ACTIVATED", WARNING,
         "%s is started by %s: queued background runs wait until a connection arrives" % (unit, sockets)),
        (prop("Restart") == "no", "SYSTEMD_NO_RESTART", WARNING, "%s has Restart=no: a crashed server stays down" % unit),
        (runtime_max not in ("", "infinity"), "SYSTEMD_RUNTIME_MAX", WARNING,
         "%s has RuntimeMaxSec=%s: systemd stops the server after that time" % (unit, runtime_max)),
    )
    return [_finding(code, severity, message, "systemd_unit:%s" % unit, "systemd_unit")
            for hit, code, severity, message in checks if hit]


def _source(name, status, detail=""):
    return {"source": name, "status": status, "detail": detail}


def _read_source(name, data, detail):
    """The checked_sources entry of what was read from the host (None: not read); ``detail(data)`` describes it."""
    if data is None:
        return _source(name, "not_read")
    if isinstance(data, Unavailable):
        return _source(name, data.status, data.detail)
    return _source(name, "read", detail(data))


def _listing(findings):
    return "; ".join("%s at %s: %s" % (f["code"], f["path"], f["message"]) for f in findings)


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

    def count(env):
        return "%d variable%s" % (len(env), "" if len(env) == 1 else "s")

    env_sources = []
    for name, prefix, data in ((PROC1_ENVIRON, PROC1_ENVIRON + ":", proc1_env), ("os.environ", "env.", host_env)):
        checked.append(_read_source(name, data, count) if p["inspect_host"]
                       else _source(name, "skipped", "inspect_host is false"))
        if checked[-1]["status"] == "read":
            env_sources.append((name, prefix, dict(data)))
    checked.append(_source("config.env", "checked", count(cfg["env"])))
    env_sources.append(("config.env", "config.env.", cfg["env"]))

    env_findings = _env_findings(env_sources, cfg)
    findings = env_findings + _config_findings(cfg)
    unit, container = p["systemd_unit"], p["docker_container"]
    if unit:
        checked.append(_read_source("systemd_unit:%s" % unit, systemd_props,
                                    lambda props: "LoadState=%s" % props.get("LoadState", "loaded")))
        if checked[-1]["status"] == "read":
            findings += _unit_findings(unit, systemd_props)
    if container:
        name = "docker_container:%s" % container
        checked.append(_read_source(name, docker_restart, lambda policy: "RestartPolicy=%s" % (policy or "no")))
        if checked[-1]["status"] == "read" and docker_restart in ("", "no"):
            findings.append(_finding("DOCKER_NO_RESTART", WARNING, "container %s has restart policy no: a crashed or"
                                     " rebooted server stays down" % container, name, "docker_container"))

    # serverless and scale_to_zero count waived errors too.
    errors = [f["code"] for f in findings if f["severity"] == ERROR]
    serverless = any(code in SERVERLESS_CODES for code in errors)
    scale_to_zero = any(code in SCALE_TO_ZERO_CODES for code in errors)
    for finding in findings:
        reason = p["waive"].get(finding["code"])
        if reason is not None:
            finding.update(waived=True, severity=WARNING if finding["severity"] == ERROR else finding["severity"])
            finding["message"] += " [waived: %s]" % reason
    findings.sort(key=lambda f: SEVERITY_RANK[f["severity"]])
    detected = None
    if env_findings:
        # The platform of the most severe environment finding; its name is the code in lower case but for three.
        code = min(env_findings, key=lambda f: SEVERITY_RANK[f["severity"]])["code"]
        detected = {"AWS_LAMBDA": "lambda", "AZURE_APP_SERVICE": "app_service",
                    "AZURE_CONTAINER_APPS": "container_apps"}.get(code, code.lower())

    errors = [f for f in findings if f["severity"] == ERROR and not f["waived"]]
    warnings = [f for f in findings if f["severity"] == WARNING and not f["waived"]]
    failed = bool(errors) or bool(p["fail_on_warnings"] and warnings)
    if errors:
        msg = "LangGraph Server must not run serverless or scale to zero; %d error(s): %s" % (
            len(errors), _listing(errors))
    elif failed:
        msg = "fail_on_warnings is set and %d warning(s) were found: %s" % (len(warnings), _listing(warnings))
    elif warnings:
        msg = "no serverless or scale-to-zero error; %d warning(s): %s" % (
            len(warnings), ", ".join(f["code"] for f in warnings))
    else:
        msg = "no serverless or scale-to-zero signal found"
    return {"failed": failed, "msg": msg, "serverless": serverless, "scale_to_zero": scale_to_zero,
            "platform_detected": detected, "findings": findings, "checked_sources": checked}


# ---------------------------------------------------------------------------
# Readers (the module passes module.run_command as ``run_command``)
# ---------------------------------------------------------------------------

def parse_environ(data):
    """Parse the NUL-separated contents of /proc/<pid>/environ into a dict."""
    if isinstance(data, bytes):
        data = data.decode("utf-8", "replace")
    return dict(item.split("=", 1) for item in data.split("\0") if "=" in item and not item.startswith("="))


def read_proc1_environ(path=PROC1_ENVIRON):
    """Return PID 1's environment as a dict, or :class:`Unavailable`."""
    try:
        with open(path, "rb") as handle:
            return parse_environ(handle.read())
    except PermissionError:
        return Unavailable("unreadable", "permission denied (run with become to read it)")
    except FileNotFoundError:
        return Unavailable("missing", "%s does not exist" % path)
    except OSError as exc:
        return Unavailable("unreadable", exc.strerror or exc.__class__.__name__)


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
        found = "not found" in detail.lower() or "no such" in detail.lower()
        return Unavailable("not_found" if found else "unavailable", detail)
    props = dict((key.strip(), value.strip()) for key, value in
                 (line.split("=", 1) for line in (out or "").splitlines() if "=" in line))
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
    return str(policy.get("Name") or "") if isinstance(policy, dict) else ""
