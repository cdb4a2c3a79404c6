# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of plugins/module_utils/serverless.py (imported directly, see conftest.py)."""

from __future__ import annotations

import copy

import pytest

import serverless
from serverless import Unavailable, ValidationError, evaluate

PASSWORD = "s3cret"
BASE = {
    "platform": "docker",
    "replicas": 2,
    "restart_policy": "unless-stopped",
    "database_uri": "postgresql://u:s3cret@db.internal:5432/lg",
    "redis_uri": "redis://cache.internal:6379/1",
}


def params(config=None, drop=(), **top):
    cfg = copy.deepcopy(BASE)
    cfg.update(config or {})
    for key in drop:
        cfg.pop(key, None)
    out = {"config": cfg, "inspect_host": False}
    out.update(top)
    return out


def run(config=None, drop=(), host_env=None, proc1_env=None, systemd_props=None,
        docker_restart=None, **top):
    return evaluate(params(config, drop, **top), host_env=host_env, proc1_env=proc1_env,
                    systemd_props=systemd_props, docker_restart=docker_restart)


def codes(result, severity=None):
    return [f["code"] for f in result["findings"] if severity is None or f["severity"] == severity]


def only(result, code):
    found = [f for f in result["findings"] if f["code"] == code]
    assert len(found) == 1, result["findings"]
    return found[0]


def invalid(config=None, drop=(), **top):
    with pytest.raises(ValidationError) as info:
        run(config, drop, **top)
    assert PASSWORD not in info.value.message
    assert PASSWORD not in str(info.value)
    return info.value.message


def no_password_anywhere(result):
    assert PASSWORD not in repr(result)


# ---------------------------------------------------------------------------
# The required cases
# ---------------------------------------------------------------------------

def test_base_is_ok_without_findings():
    result = run()
    assert result["failed"] is False
    assert result["findings"] == []
    assert result["serverless"] is False
    assert result["scale_to_zero"] is False
    assert result["platform_detected"] is None
    assert "changed" not in result
    no_password_anywhere(result)


def test_lambda_in_config_env_fails_with_its_path():
    result = run({"env": {"AWS_LAMBDA_FUNCTION_NAME": "fn"}})
    assert result["failed"] is True
    finding = only(result, "AWS_LAMBDA")
    assert finding["severity"] == "error"
    assert finding["path"] == "config.env.AWS_LAMBDA_FUNCTION_NAME"
    assert finding["source"] == "config.env"
    assert finding["waived"] is False
    assert result["serverless"] is True
    assert result["platform_detected"] == "lambda"
    assert "AWS_LAMBDA" in result["msg"]
    no_password_anywhere(result)


def test_ecs_is_ok_with_info():
    result = run({"env": {"ECS_CONTAINER_METADATA_URI_V4": "http://169.254.170.2/v4/abc",
                          "AWS_EXECUTION_ENV": "AWS_ECS_FARGATE"}})
    assert result["failed"] is False
    finding = only(result, "ECS")
    assert finding["severity"] == "info"
    assert finding["path"] == "config.env.ECS_CONTAINER_METADATA_URI_V4"
    assert result["platform_detected"] == "ecs"
    assert result["serverless"] is False


def test_knative_service_env_fails():
    result = run({"env": {"K_SERVICE": "lg", "K_REVISION": "lg-001", "K_CONFIGURATION": "lg"}})
    assert result["failed"] is True
    assert codes(result) == ["CLOUD_RUN_OR_KNATIVE"]
    assert only(result, "CLOUD_RUN_OR_KNATIVE")["path"] == "config.env.K_SERVICE"
    assert result["platform_detected"] == "cloud_run_or_knative"


def test_cloud_functions_win_over_cloud_run():
    result = run({"env": {"K_SERVICE": "fn", "FUNCTION_TARGET": "handler"}})
    assert result["failed"] is True
    assert codes(result) == ["GCP_FUNCTIONS"]
    assert only(result, "GCP_FUNCTIONS")["path"] == "config.env.FUNCTION_TARGET"


def test_app_service_warns_and_fails_on_warnings():
    result = run({"env": {"WEBSITE_SITE_NAME": "lg-app"}})
    assert result["failed"] is False
    assert codes(result, "warning") == ["AZURE_APP_SERVICE"]
    result = run({"env": {"WEBSITE_SITE_NAME": "lg-app"}}, fail_on_warnings=True)
    assert result["failed"] is True
    assert "AZURE_APP_SERVICE" in result["msg"]
    assert "fail_on_warnings" in result["msg"]


def test_min_replicas_zero_on_kubernetes_fails():
    result = run({"platform": "kubernetes", "min_replicas": 0}, drop=("restart_policy",))
    assert result["failed"] is True
    finding = only(result, "SCALE_TO_ZERO")
    assert finding["severity"] == "error"
    assert finding["path"] == "config.min_replicas"
    assert finding["source"] == "config"
    assert result["scale_to_zero"] is True


def test_keda_enabled_without_minimum_fails():
    result = run({"platform": "kubernetes", "keda": {"enabled": True}})
    assert result["failed"] is True
    assert only(result, "KEDA_MIN_ZERO")["path"] == "config.keda.min_replica_count"
    assert result["scale_to_zero"] is True


def test_restart_policy_no_warns():
    result = run({"restart_policy": "no"})
    assert result["failed"] is False
    finding = only(result, "DOCKER_NO_RESTART")
    assert finding["severity"] == "warning"
    assert finding["path"] == "config.restart_policy"


def test_neon_pooler_host_gives_two_warnings():
    uri = "postgresql://u:s3cret@ep-cool-darkness-123456-pooler.us-east-2.aws.neon.tech/lg?sslmode=require"
    result = run({"database_uri": uri})
    assert result["failed"] is False
    assert sorted(codes(result, "warning")) == ["NEON_POOLER", "NEON_SCALE_TO_ZERO"]
    assert all(f["path"] == "config.database_uri" for f in result["findings"])
    no_password_anywhere(result)


def test_mysql_uri_is_a_clear_error_without_the_password():
    message = invalid({"database_uri": "mysql://u:s3cret@db.internal:3306/lg"})
    assert message == ("config.database_uri must be a URI with the scheme postgresql or"
                       " postgres, got 'mysql'")


def test_min_replicas_two_is_a_clear_error():
    assert invalid({"min_replicas": "two"}) == "config.min_replicas must be an integer >= 0, got 'two'"


def test_min_replicas_negative_is_a_clear_error():
    assert invalid({"min_replicas": -1}) == "config.min_replicas must be an integer >= 0, got -1"


def test_typo_key_is_an_unsupported_parameter():
    message = invalid({"min_replica": 1})
    assert message.startswith("config: unsupported parameter(s): min_replica (supported: ")


def test_lambda_in_check_mode_gives_the_same_result():
    # The logic does not depend on check mode; the module passes the same
    # parameters in check mode (tests/unit/plugins/modules runs the module
    # itself with --check).
    normal = run({"env": {"AWS_LAMBDA_FUNCTION_NAME": "fn"}})
    again = run({"env": {"AWS_LAMBDA_FUNCTION_NAME": "fn"}})
    assert normal == again
    assert normal["failed"] is True
    assert "changed" not in normal


# ---------------------------------------------------------------------------
# Environment signals, row by row
# ---------------------------------------------------------------------------

ENV_ROWS = [
    # (env, code, severity, path variable)
    ({"AWS_LAMBDA_FUNCTION_NAME": "fn"}, "AWS_LAMBDA", "error", "AWS_LAMBDA_FUNCTION_NAME"),
    ({"AWS_EXECUTION_ENV": "AWS_Lambda_python3.12"}, "AWS_LAMBDA", "error", "AWS_EXECUTION_ENV"),
    ({"LAMBDA_TASK_ROOT": "/var/task"}, "AWS_LAMBDA", "error", "LAMBDA_TASK_ROOT"),
    ({"AWS_LAMBDA_RUNTIME_API": "127.0.0.1:9001"}, "AWS_LAMBDA", "error", "AWS_LAMBDA_RUNTIME_API"),
    ({"FUNCTION_TARGET": "h", "K_SERVICE": "fn"}, "GCP_FUNCTIONS", "error", "FUNCTION_TARGET"),
    ({"FUNCTION_TARGET": "h", "FUNCTION_SIGNATURE_TYPE": "http"}, "GCP_FUNCTIONS", "error",
     "FUNCTION_TARGET"),
    ({"FUNCTION_NAME": "fn", "GCP_PROJECT": "p"}, "GCP_FUNCTIONS", "error", "FUNCTION_NAME"),
    ({"FUNCTION_NAME": "fn", "FUNCTION_REGION": "us-central1", "ENTRY_POINT": "h"},
     "GCP_FUNCTIONS", "error", "FUNCTION_NAME"),
    ({"CLOUD_RUN_JOB": "j", "CLOUD_RUN_EXECUTION": "j-1", "CLOUD_RUN_TASK_INDEX": "0"},
     "CLOUD_RUN_JOB", "error", "CLOUD_RUN_JOB"),
    ({"K_SERVICE": "s", "K_REVISION": "s-1", "K_CONFIGURATION": "s"}, "CLOUD_RUN_OR_KNATIVE",
     "error", "K_SERVICE"),
    ({"FUNCTIONS_WORKER_RUNTIME": "python", "FUNCTIONS_EXTENSION_VERSION": "~4",
      "WEBSITE_SKU": "Dynamic"}, "AZURE_FUNCTIONS", "error", "FUNCTIONS_WORKER_RUNTIME"),
    ({"FUNCTIONS_WORKER_RUNTIME": "python", "WEBSITE_SKU": "FlexConsumption"}, "AZURE_FUNCTIONS",
     "error", "FUNCTIONS_WORKER_RUNTIME"),
    ({"WEBSITE_SITE_NAME": "app"}, "AZURE_APP_SERVICE", "warning", "WEBSITE_SITE_NAME"),
    ({"CONTAINER_APP_NAME": "a", "CONTAINER_APP_REVISION": "a--1"}, "AZURE_CONTAINER_APPS",
     "error", "CONTAINER_APP_NAME"),
    ({"GAE_ENV": "standard", "GAE_SERVICE": "default"}, "GAE_STANDARD", "error", "GAE_ENV"),
    ({"GAE_SERVICE": "default"}, "GAE_FLEX", "warning", "GAE_SERVICE"),
    ({"VERCEL": "1"}, "VERCEL", "error", "VERCEL"),
    ({"NETLIFY": "true"}, "NETLIFY", "error", "NETLIFY"),
    ({"fprocess": "python index.py"}, "OPENFAAS", "error", "fprocess"),
    ({"FLY_APP_NAME": "lg"}, "FLY", "warning", "FLY_APP_NAME"),
    ({"DYNO": "web.1"}, "HEROKU", "warning", "DYNO"),
    ({"RENDER": "true"}, "RENDER", "warning", "RENDER"),
    ({"RAILWAY_PROJECT_ID": "p"}, "RAILWAY", "warning", "RAILWAY_PROJECT_ID"),
    ({"ECS_CONTAINER_METADATA_URI_V4": "http://x"}, "ECS", "info", "ECS_CONTAINER_METADATA_URI_V4"),
    ({"AWS_EXECUTION_ENV": "AWS_ECS_FARGATE"}, "ECS", "info", "AWS_EXECUTION_ENV"),
    ({"AWS_EXECUTION_ENV": "AWS_ECS_EC2"}, "ECS", "info", "AWS_EXECUTION_ENV"),
]


@pytest.mark.parametrize("env,code,severity,var", ENV_ROWS,
                         ids=["%s-%s" % (r[1], "-".join(sorted(r[0]))) for r in ENV_ROWS])
def test_env_rows_in_config_env(env, code, severity, var):
    result = run({"env": env})
    assert codes(result) == [code]
    finding = only(result, code)
    assert finding["severity"] == severity
    assert finding["path"] == "config.env." + var
    assert result["failed"] is (severity == "error")
    assert result["serverless"] is (severity == "error")


@pytest.mark.parametrize("env,code,severity,var", ENV_ROWS,
                         ids=["%s-%s" % (r[1], "-".join(sorted(r[0]))) for r in ENV_ROWS])
def test_env_rows_in_proc1_environ(env, code, severity, var):
    result = run(inspect_host=True, proc1_env=env, host_env={})
    finding = only(result, code)
    assert finding["path"] == "/proc/1/environ:" + var
    assert finding["source"] == "/proc/1/environ"
    assert finding["severity"] == severity


@pytest.mark.parametrize("env,code,severity,var", ENV_ROWS[:3],
                         ids=["%s-%s" % (r[1], "-".join(sorted(r[0]))) for r in ENV_ROWS[:3]])
def test_env_rows_in_module_environment(env, code, severity, var):
    result = run(inspect_host=True, host_env=env, proc1_env={})
    finding = only(result, code)
    assert finding["path"] == "env." + var
    assert finding["source"] == "os.environ"


@pytest.mark.parametrize("env", [
    {"FUNCTION_TARGET": "handler"},
    {"K_SERVICE": "s"},
    {"K_SERVICE": "s", "K_REVISION": "r"},
    {"FUNCTION_NAME": "fn"},
    {"CONTAINER_APP_NAME": "a"},
    {"VERCEL": "0"},
    {"NETLIFY": "false"},
    {"RENDER": "false"},
    {"AWS_EXECUTION_ENV": "AWS_ECS_FARGATEX"},
    {"AWS_LAMBDA_FUNCTION_NAME": ""},
    {"PATH": "/usr/bin", "HOME": "/root"},
], ids=lambda env: "-".join(sorted(env)))
def test_partial_signals_give_nothing(env):
    assert run({"env": env})["findings"] == []


def test_cloud_functions_win_over_cloud_run_job_and_knative():
    env = {"FUNCTION_TARGET": "h", "FUNCTION_SIGNATURE_TYPE": "http", "K_SERVICE": "s",
           "K_REVISION": "r", "K_CONFIGURATION": "c", "CLOUD_RUN_JOB": "j"}
    assert codes(run({"env": env})) == ["GCP_FUNCTIONS"]


def test_azure_functions_hide_app_service():
    env = {"FUNCTIONS_WORKER_RUNTIME": "node", "WEBSITE_SITE_NAME": "fn",
           "FUNCTIONS_EXTENSION_VERSION": "~4", "WEBSITE_SKU": "Dynamic"}
    result = run({"env": env})
    assert codes(result) == ["AZURE_FUNCTIONS"]
    assert "consumption plan" in only(result, "AZURE_FUNCTIONS")["message"]


def test_app_service_with_always_on_gives_nothing():
    result = run({"env": {"WEBSITE_SITE_NAME": "app"}, "app_service": {"always_on": True}})
    assert result["findings"] == []


@pytest.mark.parametrize("config", [
    {"container_apps": {"min_replicas": 1}},
    {"min_replicas": 2},
])
def test_container_apps_with_minimum_only_warns(config):
    config = dict(config, env={"CONTAINER_APP_NAME": "a", "CONTAINER_APP_REVISION": "a--1"})
    result = run(config)
    assert result["failed"] is False
    assert only(result, "AZURE_CONTAINER_APPS")["severity"] == "warning"
    assert result["serverless"] is False


@pytest.mark.parametrize("env,config", [
    ({"FLY_APP_NAME": "lg"}, {"fly": {"auto_stop_machines": "off"}}),
    ({"DYNO": "web.1"}, {"heroku": {"dyno_type": "basic"}}),
    ({"RENDER": "true"}, {"render": {"plan": "starter"}}),
    ({"RAILWAY_PROJECT_ID": "p"}, {"railway": {"serverless": False}}),
])
def test_paas_with_declared_setting_is_info(env, config):
    result = run(dict(config, env=env))
    assert [f["severity"] for f in result["findings"]] == ["info"]
    assert result["failed"] is False


def test_same_signal_in_several_sources_is_one_finding_first_source_wins():
    env = {"AWS_LAMBDA_FUNCTION_NAME": "fn"}
    result = run({"env": env}, inspect_host=True, proc1_env=env, host_env=env)
    finding = only(result, "AWS_LAMBDA")
    assert finding["path"] == "/proc/1/environ:AWS_LAMBDA_FUNCTION_NAME"
    assert "also in os.environ, config.env" in finding["message"]


def test_inspect_host_false_ignores_host_environment():
    env = {"AWS_LAMBDA_FUNCTION_NAME": "fn"}
    result = run(inspect_host=False, proc1_env=env, host_env=env)
    assert result["findings"] == []
    sources = dict((s["source"], s["status"]) for s in result["checked_sources"])
    assert sources["/proc/1/environ"] == "skipped"
    assert sources["os.environ"] == "skipped"


def test_unreadable_proc1_environ_is_recorded_not_failed():
    result = run(inspect_host=True, host_env={}, proc1_env=Unavailable("unreadable", "permission denied"))
    assert result["failed"] is False
    source = [s for s in result["checked_sources"] if s["source"] == "/proc/1/environ"][0]
    assert source["status"] == "unreadable"


# ---------------------------------------------------------------------------
# Declared platforms and configuration, row by row
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("platform,code", [
    ("lambda", "AWS_LAMBDA"), ("gcp_functions", "GCP_FUNCTIONS"),
    ("cloud_run_job", "CLOUD_RUN_JOB"), ("azure_functions", "AZURE_FUNCTIONS"),
    ("gae_standard", "GAE_STANDARD"), ("vercel", "VERCEL"), ("netlify", "NETLIFY"),
    ("openfaas", "OPENFAAS"), ("app_runner", "APP_RUNNER"),
])
def test_declared_serverless_platform_is_an_error(platform, code):
    result = run({"platform": platform}, drop=("restart_policy",))
    assert result["failed"] is True
    finding = only(result, code)
    assert finding["severity"] == "error"
    assert finding["path"] == "config.platform"
    assert result["serverless"] is True
    assert result["platform_detected"] is None


@pytest.mark.parametrize("platform,code", [
    ("gae_flex", "GAE_FLEX"), ("fly", "FLY"), ("heroku", "HEROKU"), ("render", "RENDER"),
    ("railway", "RAILWAY"), ("app_service", "AZURE_APP_SERVICE"),
])
def test_declared_platform_with_unseen_setting_warns(platform, code):
    result = run({"platform": platform}, drop=("restart_policy",))
    assert result["failed"] is False
    assert codes(result) == [code]
    assert only(result, code)["severity"] == "warning"


@pytest.mark.parametrize("platform", ["vm", "baremetal", "systemd", "kubernetes", "nomad"])
def test_long_lived_platforms_give_nothing(platform):
    result = run({"platform": platform}, drop=("restart_policy",))
    assert result["findings"] == []


def test_declared_ecs_is_info():
    result = run({"platform": "ecs"})
    assert [(f["code"], f["severity"]) for f in result["findings"]] == [("ECS", "info")]
    assert result["failed"] is False


def test_default_platform_is_vm():
    result = run(drop=("platform", "restart_policy"))
    assert result["findings"] == []


@pytest.mark.parametrize("config,path", [
    ({"replicas": 0}, "config.replicas"),
    ({"min_replicas": 0}, "config.min_replicas"),
    ({"cloud_run": {"min_instances": 0}}, "config.cloud_run.min_instances"),
    ({"container_apps": {"min_replicas": 0}}, "config.container_apps.min_replicas"),
    ({"platform": "cloud_run", "cloud_run": {"cpu_throttling": False}},
     "config.cloud_run.min_instances"),
    ({"platform": "container_apps"}, "config.container_apps.min_replicas"),
])
def test_scale_to_zero(config, path):
    result = run(config)
    assert result["failed"] is True
    finding = only(result, "SCALE_TO_ZERO")
    assert finding["path"] == path
    assert finding["severity"] == "error"
    assert result["scale_to_zero"] is True


@pytest.mark.parametrize("keda,path", [
    ({"enabled": True}, "config.keda.min_replica_count"),
    ({"enabled": True, "min_replica_count": 0}, "config.keda.min_replica_count"),
    ({"min_replica_count": 0}, "config.keda.min_replica_count"),
    ({"enabled": True, "min_replica_count": 1, "idle_replica_count": 0},
     "config.keda.idle_replica_count"),
])
def test_keda_min_zero(keda, path):
    result = run({"platform": "kubernetes", "keda": keda})
    assert result["failed"] is True
    assert only(result, "KEDA_MIN_ZERO")["path"] == path


@pytest.mark.parametrize("keda", [
    {"enabled": True, "min_replica_count": 1},
    {"enabled": False},
    {"enabled": True, "min_replica_count": "2", "idle_replica_count": 1},
])
def test_keda_with_minimum_is_ok(keda):
    assert run({"platform": "kubernetes", "keda": keda})["findings"] == []


MIN_SCALE = "autoscaling.knative.dev/min-scale"


@pytest.mark.parametrize("config,path", [
    ({"platform": "knative"}, 'config.knative.annotations["%s"]' % MIN_SCALE),
    ({"knative": {"annotations": {MIN_SCALE: "0"}}},
     'config.knative.annotations["%s"]' % MIN_SCALE),
    ({"knative": {"annotations": {"autoscaling.knative.dev/minScale": "0"}}},
     'config.knative.annotations["autoscaling.knative.dev/minScale"]'),
    ({"knative": {"min_scale": 0}}, "config.knative.min_scale"),
    ({"platform": "knative", "knative": {"annotations": {}}},
     'config.knative.annotations["%s"]' % MIN_SCALE),
])
def test_knative_min_scale(config, path):
    result = run(config)
    assert result["failed"] is True
    assert only(result, "KNATIVE_MIN_SCALE")["path"] == path


@pytest.mark.parametrize("knative", [
    {"annotations": {MIN_SCALE: "1"}},
    {"min_scale": "2"},
    {"min_scale": 1, "annotations": {MIN_SCALE: "1"}},
])
def test_knative_with_min_scale_is_ok(knative):
    assert run({"platform": "knative", "knative": knative})["findings"] == []


def test_knative_min_scale_disagreement_is_invalid():
    message = invalid({"knative": {"min_scale": 2, "annotations": {MIN_SCALE: "1"}}})
    assert "disagree" in message


@pytest.mark.parametrize("config,path", [
    ({"cloud_run": {"min_instances": 1, "cpu_throttling": True}}, "config.cloud_run.cpu_throttling"),
    ({"cloud_run": {"min_instances": 1, "billing": "request"}}, "config.cloud_run.billing"),
    ({"platform": "cloud_run", "cloud_run": {"min_instances": 1}}, "config.cloud_run.cpu_throttling"),
])
def test_cloud_run_cpu_throttled(config, path):
    result = run(config)
    assert result["failed"] is True
    assert codes(result) == ["CLOUD_RUN_CPU_THROTTLED"]
    assert only(result, "CLOUD_RUN_CPU_THROTTLED")["path"] == path
    assert result["serverless"] is True


@pytest.mark.parametrize("cloud_run", [
    {"min_instances": 1, "cpu_throttling": False},
    {"min_instances": 2, "billing": "instance"},
    {"min_instances": 1, "cpu_throttling": False, "billing": "instance"},
])
def test_cloud_run_always_on_is_ok(cloud_run):
    assert run({"platform": "cloud_run", "cloud_run": cloud_run})["findings"] == []


def test_cloud_run_conflicting_throttling_and_billing_is_invalid():
    message = invalid({"cloud_run": {"cpu_throttling": False, "billing": "request"}})
    assert message.startswith("config.cloud_run.cpu_throttling=false and config.cloud_run.billing=request disagree")


@pytest.mark.parametrize("value", ["stop", "suspend", True, "true", "Stop"])
def test_fly_autostop(value):
    result = run({"platform": "fly", "fly": {"auto_stop_machines": value}})
    assert result["failed"] is True
    assert codes(result) == ["FLY_AUTOSTOP"]
    assert only(result, "FLY_AUTOSTOP")["path"] == "config.fly.auto_stop_machines"


@pytest.mark.parametrize("value", ["off", False, "false"])
def test_fly_autostop_off_is_ok(value):
    assert run({"platform": "fly", "fly": {"auto_stop_machines": value}})["findings"] == []


def test_fly_autostop_bad_value_is_invalid():
    message = invalid({"fly": {"auto_stop_machines": "sometimes"}})
    assert message == ("config.fly.auto_stop_machines must be one of off, stop, suspend, true,"
                       " false, got 'sometimes'")


@pytest.mark.parametrize("config,code,path", [
    ({"heroku": {"dyno_type": "eco"}}, "HEROKU_ECO", "config.heroku.dyno_type"),
    ({"heroku": {"dyno_type": "Eco"}}, "HEROKU_ECO", "config.heroku.dyno_type"),
    ({"render": {"plan": "free"}}, "RENDER_FREE", "config.render.plan"),
    ({"railway": {"serverless": True}}, "RAILWAY_SLEEP", "config.railway.serverless"),
    ({"railway": {"serverless": "yes"}}, "RAILWAY_SLEEP", "config.railway.serverless"),
])
def test_paas_sleeping_plans(config, code, path):
    result = run(config)
    assert result["failed"] is True
    assert codes(result) == [code]
    assert only(result, code)["path"] == path
    assert result["scale_to_zero"] is True


@pytest.mark.parametrize("config", [
    {"platform": "heroku", "heroku": {"dyno_type": "standard-1x"}},
    {"platform": "render", "render": {"plan": "starter"}},
    {"platform": "railway", "railway": {"serverless": False}},
    {"platform": "app_service", "app_service": {"always_on": True}},
])
def test_paas_with_running_plans_is_ok(config):
    assert run(config)["findings"] == []


def test_app_service_always_on_false_warns():
    result = run({"platform": "app_service", "app_service": {"always_on": False}})
    assert codes(result, "warning") == ["AZURE_APP_SERVICE"]


@pytest.mark.parametrize("systemd,code,severity", [
    ({"stop_when_unneeded": True}, "SYSTEMD_IDLE_STOP", "error"),
    ({"exit_idle_time": 300}, "SYSTEMD_IDLE_STOP", "error"),
    ({"exit_idle_time": "5min"}, "SYSTEMD_IDLE_STOP", "error"),
    ({"socket_activated": True}, "SYSTEMD_SOCKET_ACTIVATED", "warning"),
    ({"restart": "no"}, "SYSTEMD_NO_RESTART", "warning"),
    ({"runtime_max_sec": 3600}, "SYSTEMD_RUNTIME_MAX", "warning"),
    ({"runtime_max_sec": "1h 30min"}, "SYSTEMD_RUNTIME_MAX", "warning"),
])
def test_declared_systemd(systemd, code, severity):
    result = run({"platform": "systemd", "systemd": systemd})
    assert codes(result) == [code]
    finding = only(result, code)
    assert finding["severity"] == severity
    assert finding["path"] == "config.systemd." + list(systemd)[0]
    assert result["failed"] is (severity == "error")


@pytest.mark.parametrize("systemd", [
    {"stop_when_unneeded": False, "restart": "always", "runtime_max_sec": "infinity",
     "socket_activated": False, "exit_idle_time": "infinity"},
    {"restart": "on-failure"},
])
def test_declared_systemd_ok(systemd):
    assert run({"platform": "systemd", "systemd": systemd})["findings"] == []


@pytest.mark.parametrize("config,findings", [
    ({"restart_policy": "no"}, ["DOCKER_NO_RESTART"]),
    ({}, []),
    ({"restart_policy": "always"}, []),
    ({"restart_policy": "on-failure"}, []),
    ({"restart_policy": "on-failure:5"}, []),
])
def test_docker_restart_policy(config, findings):
    assert codes(run(config)) == findings


def test_docker_restart_policy_missing_on_docker_warns():
    result = run(drop=("restart_policy",))
    assert codes(result, "warning") == ["DOCKER_NO_RESTART"]
    assert result["failed"] is False


def test_docker_restart_policy_missing_on_vm_is_fine():
    assert run({"platform": "vm"}, drop=("restart_policy",))["findings"] == []


@pytest.mark.parametrize("uri,expected", [
    ("postgresql://u:s3cret@ep-x-123.us-east-2.aws.neon.tech/lg", ["NEON_SCALE_TO_ZERO"]),
    ("postgres://u:s3cret@db-pooler.internal:6432/lg", ["NEON_POOLER"]),
    ("postgresql://u:s3cret@db.internal/lg", []),
])
def test_database_hosts(uri, expected):
    result = run({"database_uri": uri})
    assert codes(result, "warning") == expected
    no_password_anywhere(result)


def test_aurora_autopause_warns():
    result = run({"database": {"aurora_min_acu": 0}})
    finding = only(result, "AURORA_AUTOPAUSE")
    assert finding["severity"] == "warning"
    assert finding["path"] == "config.database.aurora_min_acu"
    assert run({"database": {"aurora_min_acu": 0.5}})["findings"] == []


def test_upstash_redis_warns():
    result = run({"redis_uri": "rediss://default:s3cret@eu1-fine-cat-12345.upstash.io:6379/0"})
    finding = only(result, "UPSTASH_REDIS")
    assert finding["severity"] == "warning"
    assert finding["path"] == "config.redis_uri"
    no_password_anywhere(result)


# ---------------------------------------------------------------------------
# Real state of the deployed unit and container
# ---------------------------------------------------------------------------

SYSTEMD_OK = {"StopWhenUnneeded": "no", "Restart": "always", "RuntimeMaxUSec": "infinity",
              "TriggeredBy": "", "LoadState": "loaded"}


@pytest.mark.parametrize("props,code,severity", [
    ({"StopWhenUnneeded": "yes"}, "SYSTEMD_IDLE_STOP", "error"),
    ({"TriggeredBy": "langgraph-server.socket"}, "SYSTEMD_SOCKET_ACTIVATED", "warning"),
    ({"Restart": "no"}, "SYSTEMD_NO_RESTART", "warning"),
    ({"RuntimeMaxUSec": "1h"}, "SYSTEMD_RUNTIME_MAX", "warning"),
])
def test_systemd_unit_state(props, code, severity):
    state = dict(SYSTEMD_OK, **props)
    result = run(systemd_unit="langgraph-server.service", systemd_props=state)
    assert codes(result) == [code]
    finding = only(result, code)
    assert finding["severity"] == severity
    assert finding["path"] == "systemd_unit:langgraph-server.service"
    assert finding["source"] == "systemd_unit"


def test_systemd_unit_ok_and_missing():
    result = run(systemd_unit="langgraph-server.service", systemd_props=dict(SYSTEMD_OK))
    assert result["findings"] == []
    missing = Unavailable("not_found", "unit langgraph-server.service does not exist")
    result = run(systemd_unit="langgraph-server.service", systemd_props=missing)
    assert result["failed"] is False
    assert result["findings"] == []
    source = result["checked_sources"][-1]
    assert source == {"source": "systemd_unit:langgraph-server.service", "status": "not_found",
                      "detail": "unit langgraph-server.service does not exist"}


@pytest.mark.parametrize("policy,expected", [
    ("", ["DOCKER_NO_RESTART"]), ("no", ["DOCKER_NO_RESTART"]), ("always", []),
    ("unless-stopped", []), ("on-failure", []),
])
def test_docker_container_state(policy, expected):
    result = run(docker_container="langgraph-server", docker_restart=policy)
    assert codes(result) == expected
    for finding in result["findings"]:
        assert finding["path"] == "docker_container:langgraph-server"
        assert finding["severity"] == "warning"


def test_docker_container_missing_is_recorded():
    result = run(docker_container="langgraph-server",
                 docker_restart=Unavailable("not_found", "container langgraph-server does not exist"))
    assert result["failed"] is False
    assert result["checked_sources"][-1]["status"] == "not_found"


# ---------------------------------------------------------------------------
# Waivers and fail_on_warnings
# ---------------------------------------------------------------------------

def test_waived_error_becomes_a_waived_warning():
    result = run({"env": {"AWS_LAMBDA_FUNCTION_NAME": "fn"}},
                 waive=[{"code": "AWS_LAMBDA", "reason": "lab test"}])
    assert result["failed"] is False
    finding = only(result, "AWS_LAMBDA")
    assert finding["severity"] == "warning"
    assert finding["waived"] is True
    assert "lab test" in finding["message"]
    assert result["serverless"] is True


def test_waived_findings_do_not_fail_on_warnings():
    result = run({"restart_policy": "no", "env": {"AWS_LAMBDA_FUNCTION_NAME": "fn"}},
                 fail_on_warnings=True,
                 waive=[{"code": "AWS_LAMBDA", "reason": "lab"},
                        {"code": "DOCKER_NO_RESTART", "reason": "systemd restarts it"}])
    assert result["failed"] is False
    assert all(f["waived"] for f in result["findings"])


def test_waive_only_touches_its_code():
    result = run({"min_replicas": 0, "env": {"AWS_LAMBDA_FUNCTION_NAME": "fn"}},
                 waive=[{"code": "AWS_LAMBDA", "reason": "lab"}])
    assert result["failed"] is True
    assert "SCALE_TO_ZERO" in result["msg"]
    assert "AWS_LAMBDA at" not in result["msg"]


def test_waive_of_absent_code_is_harmless():
    result = run(waive=[{"code": "VERCEL", "reason": "never"}])
    assert result["failed"] is False
    assert result["findings"] == []


@pytest.mark.parametrize("waive,expected", [
    ([{"code": "AWS_LAMBDA", "reason": ""}], "waive[0].reason must be a non-empty string"),
    ([{"code": "AWS_LAMBDA", "reason": "   "}], "waive[0].reason must be a non-empty string"),
    ([{"code": "AWS_LAMBDA"}], "waive[0].reason must be a non-empty string"),
    ([{"code": "NOT_A_CODE", "reason": "x"}], "waive[0].code 'NOT_A_CODE' is not a known finding code"),
    ([{"reason": "x"}], "waive[0].code is required"),
    ([{"code": "AWS_LAMBDA", "reason": "x", "until": "2030"}], "waive[0]: unsupported parameter(s): until"),
    ("AWS_LAMBDA", "waive must be a list"),
])
def test_invalid_waive(waive, expected):
    assert invalid(waive=waive).startswith(expected)


def test_all_codes_are_documented_in_the_module():
    import os
    path = os.path.join(os.path.dirname(serverless.__file__), "..", "modules", "serverless_check.py")
    with open(path) as handle:
        text = handle.read()
    for code in serverless.CODES:
        assert "          - %s\n" % code in text, code


# ---------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("config,expected", [
    ({"platform": "mainframe"}, "config.platform must be one of vm, baremetal"),
    ({"platform": 3}, "config.platform must be a string, got 3"),
    ({"replicas": "two"}, "config.replicas must be an integer >= 0, got 'two'"),
    ({"replicas": True}, "config.replicas must be an integer >= 0, got True"),
    ({"replicas": 1.5}, "config.replicas must be an integer >= 0, got 1.5"),
    ({"max_replicas": 0}, "config.max_replicas must be an integer >= 1, got 0"),
    ({"min_replicas": 3, "max_replicas": 2},
     "config.max_replicas must be an integer >= 3 (at least config.min_replicas), got 2"),
    ({"restart_policy": "sometimes"}, "config.restart_policy must be one of no, on-failure,"
     " on-failure:N, always, unless-stopped, got 'sometimes'"),
    ({"restart_policy": "on-failure:x"}, "config.restart_policy must be one of"),
    ({"n_jobs_per_worker": 0}, "config.n_jobs_per_worker must be an integer from 1 to 1000, got 0"),
    ({"n_jobs_per_worker": 1001}, "config.n_jobs_per_worker must be an integer from 1 to 1000, got 1001"),
    ({"env": {"A": ["x"]}}, "config.env.A must be a string, got ['x']"),
    ({"env": {"A": None}}, "config.env.A must be a string, got None"),
    ({"env": "A=1"}, "config.env must be a dictionary of strings, got 'A=1'"),
    ({"keda": {"enabled": "maybe"}}, "config.keda.enabled must be a boolean, got 'maybe'"),
    ({"keda": {"min_replicas": 1}}, "config.keda: unsupported parameter(s): min_replicas"),
    ({"keda": "on"}, "config.keda must be a dictionary, got 'on'"),
    ({"knative": {"annotations": {MIN_SCALE: "one"}}},
     'config.knative.annotations["%s"] must be an integer >= 0, got \'one\'' % MIN_SCALE),
    ({"cloud_run": {"billing": "per-request"}}, "config.cloud_run.billing must be one of request, instance"),
    ({"cloud_run": {"min_instances": -2}}, "config.cloud_run.min_instances must be an integer >= 0, got -2"),
    ({"container_apps": {"min_replicas": "x"}}, "config.container_apps.min_replicas must be an integer >= 0"),
    ({"app_service": {"always_on": "sure"}}, "config.app_service.always_on must be a boolean"),
    ({"heroku": {"dyno_type": 1}}, "config.heroku.dyno_type must be a string, got 1"),
    ({"render": {"plan": ""}}, "config.render.plan must not be empty"),
    ({"railway": {"sleep": True}}, "config.railway: unsupported parameter(s): sleep"),
    ({"database": {"aurora_min_acu": -1}}, "config.database.aurora_min_acu must be a number from 0 to 256"),
    ({"database": {"aurora_min_acu": "lots"}}, "config.database.aurora_min_acu must be a number"),
    ({"systemd": {"restart": "sometimes"}}, "config.systemd.restart must be one of no, on-success"),
    ({"systemd": {"runtime_max_sec": -5}}, "config.systemd.runtime_max_sec must be an integer >= 0"),
    ({"systemd": {"exit_idle_time": "soon"}}, "config.systemd.exit_idle_time must be an integer >= 0"),
    ({"systemd": {"StopWhenUnneeded": True}}, "config.systemd: unsupported parameter(s): StopWhenUnneeded"),
])
def test_invalid_config(config, expected):
    assert invalid(config).startswith(expected)


@pytest.mark.parametrize("key", ["database_uri", "redis_uri"])
def test_uris_are_required(key):
    assert invalid(drop=(key,)) == "config.%s is required" % key


def test_config_is_required_and_top_level_keys_are_strict():
    with pytest.raises(ValidationError) as info:
        evaluate({"inspect_host": False})
    assert info.value.message == "config is required"
    assert invalid(inspect_hosts=True).startswith("parameters: unsupported parameter(s): inspect_hosts")
    assert invalid(inspect_host="perhaps") == "inspect_host must be a boolean, got 'perhaps'"


def test_values_are_coerced_like_ansible_does():
    result = run({"replicas": "3", "min_replicas": " 1 ", "max_replicas": 4.0,
                  "env": {"PORT": 8000}, "n_jobs_per_worker": "20",
                  "keda": {"enabled": "yes", "min_replica_count": "1"}})
    assert result["findings"] == []
    config = serverless.normalize_config(dict(BASE, replicas="3", env={"PORT": 8000}))
    assert config["replicas"] == 3
    assert config["env"] == {"PORT": "8000"}
    assert config["n_jobs_per_worker"] == 10


def test_none_values_count_as_unset():
    # Ansible fills every declared sub-option with None.
    result = run({"min_replicas": None, "keda": None, "knative": None,
                  "cloud_run": {"min_instances": None, "cpu_throttling": None, "billing": None}})
    assert result["findings"] == []


# ---------------------------------------------------------------------------
# URIs: parsing and redaction
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("uri,hosts,database", [
    ("postgresql://u:s3cret@db.internal:5432/lg", [("db.internal", 5432)], "lg"),
    ("postgres://u:s3cret@db.internal/lg", [("db.internal", None)], "lg"),
    ("postgresql://u:s3cret@[2001:db8::1]:5433/lg", [("2001:db8::1", 5433)], "lg"),
    ("postgresql://u:s3cret@h1:5432,h2:5433/lg?target_session_attrs=read-write",
     [("h1", 5432), ("h2", 5433)], "lg"),
    ("postgresql:///lg?host=/var/run/postgresql&port=5432", [("/var/run/postgresql", None)], "lg"),
    ("postgresql://u:s3cret@/lg?host=db.internal", [("db.internal", None)], "lg"),
    ("postgresql://u:p%40ss%2Fw@db.internal/lg", [("db.internal", None)], "lg"),
    ("postgresql://u:p@ss@db.internal:5432/lg", [("db.internal", 5432)], "lg"),
])
def test_postgres_uri_parsing(uri, hosts, database):
    parsed = serverless.parse_postgres_uri(uri)
    assert parsed["hosts"] == hosts
    assert parsed["database"] == database


@pytest.mark.parametrize("uri,expected", [
    ("mysql://u:s3cret@db.internal:3306/lg", "config.database_uri must be a URI with the scheme"
     " postgresql or postgres, got 'mysql'"),
    ("u:s3cret@db.internal:5432/lg", "config.database_uri must be a URI with the scheme"
     " postgresql or postgres, got 'u'"),
    ("db.internal", "config.database_uri must be a URI with the scheme postgresql or postgres,"
     " got no scheme"),
    ("postgresql:u:s3cret@db", "config.database_uri must start with postgresql://"),
    ("postgresql://u:s3cret@db.internal:port/lg", "config.database_uri has a port that is not an"
     " integer from 1 to 65535"),
    ("postgresql://u:s3cret@db.internal:70000/lg", "config.database_uri has a port that is not an"
     " integer from 1 to 65535"),
    ("postgresql://u:s3cret@db.internal/lg?port=abc", "config.database_uri has a ?port= that is"
     " not an integer"),
    ("postgresql://u:s3cr/et@db.internal:5432/lg", "config.database_uri could not be parsed"),
    ("postgresql://u:s3cret@/lg", "config.database_uri has no host"),
    ("postgresql://u:s3cret@[::1/lg", "config.database_uri has an unterminated IPv6 address"),
    ("", "config.database_uri must be a non-empty string"),
    (5432, "config.database_uri must be a non-empty string"),
])
def test_bad_postgres_uri_never_shows_the_password(uri, expected):
    message = invalid({"database_uri": uri})
    assert message.startswith(expected)
    assert "s3cr" not in message
    assert "u:" not in message


@pytest.mark.parametrize("uri,hosts,db", [
    ("redis://cache.internal:6379/1", [("cache.internal", 6379)], 1),
    ("redis://cache.internal", [("cache.internal", 6379)], 0),
    ("rediss://:s3cret@cache.internal:6380/2", [("cache.internal", 6380)], 2),
    ("redis://default:s3cret@cache.internal:6379?db=3", [("cache.internal", 6379)], 3),
    ("unix:///run/redis/redis.sock?db=4", [], 4),
    ("redis://[::1]:6379/0", [("::1", 6379)], 0),
])
def test_redis_uri_parsing(uri, hosts, db):
    parsed = serverless.parse_redis_uri(uri)
    assert parsed["hosts"] == hosts
    assert parsed["db"] == db


@pytest.mark.parametrize("uri,expected", [
    ("memcached://:s3cret@cache:11211", "config.redis_uri must be a URI with the scheme redis or"
     " rediss or unix, got 'memcached'"),
    ("redis://:s3cret@cache.internal:6379/one", "config.redis_uri must give the database index as"
     " an integer"),
    ("redis://:s3cret@cache.internal:6379?db=x", "config.redis_uri must give the database index as"
     " an integer"),
    ("redis://:s3cret@cache.internal:xyz/0", "config.redis_uri has a port that is not an integer"),
    ("redis://:s3cret@/0", "config.redis_uri must name exactly one host"),
    ("redis://:s3cret@a:1,b:2/0", "config.redis_uri must name exactly one host"),
    ("unix://", "config.redis_uri must name the socket path"),
    ("redis://:s3c/ret@cache.internal:6379/0", "config.redis_uri could not be parsed"),
])
def test_bad_redis_uri_never_shows_the_password(uri, expected):
    message = invalid({"redis_uri": uri})
    assert message.startswith(expected)
    assert "s3c" not in message


@pytest.mark.parametrize("uri,secrets", [
    ("postgresql://u:s3cret@db/lg", ["s3cret"]),
    ("postgresql://u:p%40ss@db/lg", ["p%40ss", "p@ss"]),
    ("postgresql://u:s3cr/et@db/lg", ["s3cr/et"]),
    ("redis://:s3cret@cache:6379/0", ["s3cret"]),
    ("redis://cache:6379/0", []),
    ("postgresql://u@db/lg", []),
    (None, []),
])
def test_uri_secrets(uri, secrets):
    assert serverless.uri_secrets(uri) == secrets


def test_messages_name_hosts_not_passwords():
    result = run({"database_uri": "postgresql://u:s3cret@ep-a-pooler.eu-central-1.aws.neon.tech/lg",
                  "redis_uri": "rediss://default:s3cret@x.upstash.io:6379/0",
                  "min_replicas": 0})
    assert result["failed"] is True
    no_password_anywhere(result)
    assert PASSWORD not in result["msg"]


# ---------------------------------------------------------------------------
# Readers
# ---------------------------------------------------------------------------

class Runner:
    def __init__(self, rc=0, out="", err=""):
        self.rc, self.out, self.err = rc, out, err
        self.calls = []

    def __call__(self, args):
        self.calls.append(args)
        return self.rc, self.out, self.err


def test_parse_environ():
    data = b"PATH=/usr/bin\0AWS_LAMBDA_FUNCTION_NAME=fn\0EQ=a=b\0\0junk\0"
    assert serverless.parse_environ(data) == {"PATH": "/usr/bin", "AWS_LAMBDA_FUNCTION_NAME": "fn",
                                              "EQ": "a=b"}


def test_read_proc1_environ(tmp_path):
    path = tmp_path / "environ"
    path.write_bytes(b"container=docker\0AWS_LAMBDA_FUNCTION_NAME=lab-fn\0")
    assert serverless.read_proc1_environ(str(path)) == {"container": "docker",
                                                        "AWS_LAMBDA_FUNCTION_NAME": "lab-fn"}
    missing = serverless.read_proc1_environ(str(tmp_path / "nope"))
    assert isinstance(missing, Unavailable) and missing.status == "missing"
    directory = serverless.read_proc1_environ(str(tmp_path))
    assert isinstance(directory, Unavailable) and directory.status == "unreadable"


def test_read_proc1_environ_permission_denied(monkeypatch):
    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(serverless, "open", denied, raising=False)
    result = serverless.read_proc1_environ()
    assert isinstance(result, Unavailable)
    assert result.status == "unreadable"


def test_read_systemd_unit():
    runner = Runner(out="StopWhenUnneeded=yes\nRestart=no\nRuntimeMaxUSec=infinity\n"
                        "TriggeredBy=lg.socket\nLoadState=loaded\n")
    props = serverless.read_systemd_unit(runner, "lg.service", "/usr/bin/systemctl")
    assert props["StopWhenUnneeded"] == "yes"
    assert props["TriggeredBy"] == "lg.socket"
    assert runner.calls == [["/usr/bin/systemctl", "show", "-p",
                             "StopWhenUnneeded,Restart,RuntimeMaxUSec,TriggeredBy,LoadState",
                             "lg.service"]]
    result = run(systemd_unit="lg.service", systemd_props=props)
    assert sorted(codes(result)) == ["SYSTEMD_IDLE_STOP", "SYSTEMD_NO_RESTART",
                                     "SYSTEMD_SOCKET_ACTIVATED"]


@pytest.mark.parametrize("runner,systemctl,status", [
    (Runner(out="StopWhenUnneeded=no\nRestart=no\nLoadState=not-found\n"), "systemctl", "not_found"),
    (Runner(out="LoadState=masked\n"), "systemctl", "masked"),
    (Runner(rc=1, err="System has not been booted with systemd as init system (PID 1).\n"),
     "systemctl", "unavailable"),
    (Runner(rc=1, err="Unit x.service not found.\n"), "systemctl", "not_found"),
    (Runner(), None, "unavailable"),
])
def test_read_systemd_unit_unavailable(runner, systemctl, status):
    result = serverless.read_systemd_unit(runner, "x.service", systemctl)
    assert isinstance(result, Unavailable)
    assert result.status == status


@pytest.mark.parametrize("out,expected", [
    ('{"Name":"unless-stopped","MaximumRetryCount":0}\n', "unless-stopped"),
    ('{"Name":"","MaximumRetryCount":0}\n', ""),
    ('{"Name":"no","MaximumRetryCount":0}\n', "no"),
    ("null\n", ""),
])
def test_read_docker_restart(out, expected):
    runner = Runner(out=out)
    assert serverless.read_docker_restart(runner, "lg", "/usr/bin/docker") == expected
    assert runner.calls[0][:3] == ["/usr/bin/docker", "inspect", "--type"]
    assert runner.calls[0][-1] == "lg"


@pytest.mark.parametrize("runner,docker,status", [
    (Runner(rc=1, err="Error: No such container: lg\n"), "docker", "not_found"),
    (Runner(rc=1, err="error: no such object: lg\n"), "docker", "not_found"),
    (Runner(rc=1, err="Cannot connect to the Docker daemon at unix:///var/run/docker.sock.\n"),
     "docker", "unavailable"),
    (Runner(out="garbage"), "docker", "unavailable"),
    (Runner(), None, "unavailable"),
])
def test_read_docker_restart_unavailable(runner, docker, status):
    result = serverless.read_docker_restart(runner, "lg", docker)
    assert isinstance(result, Unavailable)
    assert result.status == status


def test_checked_sources_list_everything():
    result = run(inspect_host=True, host_env={"A": "1"}, proc1_env={"B": "2", "C": "3"},
                 systemd_unit="lg.service", systemd_props=dict(SYSTEMD_OK),
                 docker_container="lg", docker_restart="always")
    assert [(s["source"], s["status"]) for s in result["checked_sources"]] == [
        ("config", "checked"),
        ("/proc/1/environ", "read"),
        ("os.environ", "read"),
        ("config.env", "checked"),
        ("systemd_unit:lg.service", "read"),
        ("docker_container:lg", "read"),
    ]
    assert result["findings"] == []


def test_findings_are_sorted_errors_first():
    result = run({"restart_policy": "no", "min_replicas": 0,
                  "env": {"ECS_CONTAINER_METADATA_URI_V4": "http://x"}})
    assert [f["severity"] for f in result["findings"]] == ["error", "warning", "info"]
