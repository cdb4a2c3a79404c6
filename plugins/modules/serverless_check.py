#!/usr/bin/python
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: serverless_check
short_description: Refuse serverless and scale-to-zero deployments of LangGraph Server
version_added: 0.1.0
description:
  - Checks, before anything changes, that LangGraph Server will run as a long-lived process that
    keeps its CPU when no request arrives.
  - Background runs wait in a Postgres-backed queue and stream their output over Redis pub/sub.
    They are not requests, so platforms that freeze, throttle or remove idle processes make them
    starve or die. LangGraph's own guidance is not to run standalone servers in serverless
    environments, because scale to zero may lose tasks and scaling up is not reliable.
  - Reads three kinds of signals. The environment of PID 1 (C(/proc/1/environ)), the module's own
    environment and O(config.env) reveal the platform the host runs on (AWS Lambda, Cloud Functions,
    Cloud Run, Knative, Azure Functions, App Service, Container Apps, App Engine, Vercel, Netlify,
    OpenFaaS, Fly.io, Heroku, Render, Railway, ECS). The declared O(config) reveals scale-to-zero
    settings (replica counts, KEDA, Knative, Cloud Run, Container Apps, Fly.io, Heroku, Render,
    Railway, App Runner, systemd, Docker restart policy, Neon, Aurora, Upstash). O(systemd_unit) and
    O(docker_container) read the real state of what the collection deployed.
  - Each finding has a severity. V(error) means the platform removes the process or its CPU when no
    request arrives. V(warning) means idle-stop depends on a setting the module cannot see, or a
    backing store can pause (state is durable, the cost is latency). V(info) is recorded only.
  - The module fails on any error that is not waived, and on any warning that is not waived when
    O(fail_on_warnings=true). It never changes anything.
extends_documentation_fragment:
  - langgraph_ops.standalone.module
options:
  config:
    description:
      - The deployment as declared. Unknown keys are rejected.
    type: dict
    required: true
    suboptions:
      platform:
        description:
          - Where the server runs.
          - V(lambda), V(gcp_functions), V(cloud_run_job), V(azure_functions), V(gae_standard),
            V(vercel), V(netlify), V(openfaas) and V(app_runner) are refused (error).
          - V(gae_flex), V(fly), V(heroku), V(render), V(railway) and V(app_service) give a warning
            unless the matching sub-dictionary declares a setting that keeps the server running.
          - V(cloud_run), V(container_apps) and V(knative) are refused unless their minimum instance
            count is declared and at least 1 (and, for Cloud Run, the CPU is not throttled).
        type: str
        default: vm
        choices:
          - vm
          - baremetal
          - docker
          - systemd
          - kubernetes
          - nomad
          - ecs
          - knative
          - cloud_run
          - container_apps
          - app_service
          - app_runner
          - fly
          - heroku
          - render
          - railway
          - gae_flex
          - lambda
          - gcp_functions
          - cloud_run_job
          - azure_functions
          - gae_standard
          - vercel
          - netlify
          - openfaas
      replicas:
        description: Number of server replicas. V(0) is an error (V(SCALE_TO_ZERO)).
        type: int
      min_replicas:
        description: Minimum number of server replicas an autoscaler keeps. V(0) is an error (V(SCALE_TO_ZERO)).
        type: int
      max_replicas:
        description: Maximum number of server replicas; at least 1 and at least O(config.min_replicas).
        type: int
      restart_policy:
        description:
          - Docker restart policy of the server container, one of V(no), V(on-failure), V(on-failure:N),
            V(always), V(unless-stopped).
          - V(no), or no value with O(config.platform=docker), gives a warning (V(DOCKER_NO_RESTART)).
        type: str
      database_uri:
        description:
          - PostgreSQL URI of the server, scheme V(postgres) or V(postgresql). The host comes from the
            host part or from C(?host=); ports must be integers.
          - Never shown in output; messages name only the host.
        type: str
        required: true
      redis_uri:
        description:
          - Redis URI of the server, scheme V(redis), V(rediss) or V(unix), with an integer database index.
          - Never shown in output; messages name only the host.
        type: str
        required: true
      n_jobs_per_worker:
        description: Background runs each worker takes at once (C(N_JOBS_PER_WORKER)), from 1 to 1000.
        type: int
        default: 10
      env:
        description:
          - Environment the server will run with; checked for the same platform variables as the host.
          - Values must be strings (numbers are converted).
        type: dict
      keda:
        description: KEDA ScaledObject settings, when KEDA scales the server.
        type: dict
        suboptions:
          enabled:
            description: Whether KEDA scales the server. A O(config.keda) dictionary without it counts as enabled.
            type: bool
          min_replica_count:
            description: C(minReplicaCount). KEDA's default is 0, so a missing value is an error (V(KEDA_MIN_ZERO)).
            type: int
          idle_replica_count:
            description: C(idleReplicaCount). V(0) is an error (V(KEDA_MIN_ZERO)).
            type: int
      knative:
        description: Knative Service settings. Present, or O(config.platform=knative), enables the min-scale check.
        type: dict
        suboptions:
          annotations:
            description:
              - Revision template annotations. C(autoscaling.knative.dev/min-scale) (or the older
                C(autoscaling.knative.dev/minScale)) must be set and at least 1 (V(KNATIVE_MIN_SCALE)).
            type: dict
          min_scale:
            description: Same as the C(autoscaling.knative.dev/min-scale) annotation, as a number.
            type: raw
      cloud_run:
        description: Cloud Run service settings.
        type: dict
        suboptions:
          min_instances:
            description:
              - Minimum instances. V(0) is an error (V(SCALE_TO_ZERO)); so is no value with
                O(config.platform=cloud_run), because Cloud Run's default is 0.
            type: int
          cpu_throttling:
            description:
              - Whether the CPU is only allocated during requests. V(true) is an error
                (V(CLOUD_RUN_CPU_THROTTLED)); so is no value (and no O(config.cloud_run.billing))
                with O(config.platform=cloud_run), because that is Cloud Run's default.
            type: bool
          billing:
            description: Billing model; V(request) means throttled CPU (error), V(instance) means always-allocated CPU.
            type: str
            choices: [request, instance]
      container_apps:
        description: Azure Container Apps settings.
        type: dict
        suboptions:
          min_replicas:
            description:
              - C(minReplicas). V(0) is an error (V(SCALE_TO_ZERO)); so is no value (and no
                O(config.min_replicas)) with O(config.platform=container_apps), because the default is 0.
            type: int
      app_service:
        description: Azure App Service settings.
        type: dict
        suboptions:
          always_on:
            description: Whether Always On is enabled. V(true) silences the V(AZURE_APP_SERVICE) warning.
            type: bool
      fly:
        description: Fly.io settings.
        type: dict
        suboptions:
          auto_stop_machines:
            description:
              - C(auto_stop_machines) of C(fly.toml), one of V(off), V(stop), V(suspend), V(true), V(false).
                V(stop), V(suspend) and V(true) are errors (V(FLY_AUTOSTOP)).
            type: raw
      heroku:
        description: Heroku settings.
        type: dict
        suboptions:
          dyno_type:
            description: Dyno type, for example V(basic) or V(standard-1x). V(eco) is an error (V(HEROKU_ECO)).
            type: str
      render:
        description: Render settings.
        type: dict
        suboptions:
          plan:
            description: Instance plan, for example V(starter). V(free) is an error (V(RENDER_FREE)).
            type: str
      railway:
        description: Railway settings.
        type: dict
        suboptions:
          serverless:
            description: Whether Serverless (app sleeping) is enabled. V(true) is an error (V(RAILWAY_SLEEP)).
            type: bool
      database:
        description: Settings of the PostgreSQL service behind O(config.database_uri).
        type: dict
        suboptions:
          aurora_min_acu:
            description: Minimum capacity of an Aurora Serverless v2 cluster. V(0) (auto-pause) is a warning (V(AURORA_AUTOPAUSE)).
            type: float
      systemd:
        description: systemd settings of the server unit, as declared.
        type: dict
        suboptions:
          stop_when_unneeded:
            description: C(StopWhenUnneeded=). V(true) is an error (V(SYSTEMD_IDLE_STOP)).
            type: bool
          restart:
            description: C(Restart=). V(no) is a warning (V(SYSTEMD_NO_RESTART)).
            type: str
            choices: [always, on-success, on-failure, on-abnormal, on-watchdog, on-abort, 'no']
          runtime_max_sec:
            description:
              - C(RuntimeMaxSec=), in seconds, as a systemd time span, or V(infinity).
                Any finite value is a warning (V(SYSTEMD_RUNTIME_MAX)).
            type: raw
          socket_activated:
            description: Whether a C(.socket) unit starts the server. V(true) is a warning (V(SYSTEMD_SOCKET_ACTIVATED)).
            type: bool
          exit_idle_time:
            description:
              - C(--exit-idle-time=) of a C(systemd-socket-proxyd) in front of the server, in seconds, as a
                systemd time span, or V(infinity). Any finite value is an error (V(SYSTEMD_IDLE_STOP)).
            type: raw
  inspect_host:
    description:
      - Read the environment of PID 1 (C(/proc/1/environ)) and of the module itself.
      - An unreadable C(/proc/1/environ) is recorded in RV(checked_sources) as V(unreadable), not a failure.
    type: bool
    default: true
  systemd_unit:
    description:
      - systemd unit of the server to read with C(systemctl show), for example C(langgraph-server.service).
      - A unit that does not exist yet, or a host without systemd, is recorded in RV(checked_sources), not an error.
    type: str
  docker_container:
    description:
      - Docker container of the server whose restart policy is read with C(docker inspect).
      - A container that does not exist, or a host without Docker, is recorded in RV(checked_sources), not an error.
    type: str
  fail_on_warnings:
    description: Fail on warnings that are not waived, too.
    type: bool
    default: false
  waive:
    description:
      - Findings to accept. Each error of a waived code becomes a warning marked C(waived); waived
        findings never make the module fail, even with O(fail_on_warnings=true).
    type: list
    elements: dict
    default: []
    suboptions:
      code:
        description: Finding code to waive, for example V(AWS_LAMBDA).
        type: str
        required: true
        choices:
          - AWS_LAMBDA
          - GCP_FUNCTIONS
          - CLOUD_RUN_JOB
          - CLOUD_RUN_OR_KNATIVE
          - AZURE_FUNCTIONS
          - AZURE_APP_SERVICE
          - AZURE_CONTAINER_APPS
          - GAE_STANDARD
          - GAE_FLEX
          - VERCEL
          - NETLIFY
          - OPENFAAS
          - FLY
          - HEROKU
          - RENDER
          - RAILWAY
          - ECS
          - SCALE_TO_ZERO
          - KEDA_MIN_ZERO
          - KNATIVE_MIN_SCALE
          - CLOUD_RUN_CPU_THROTTLED
          - FLY_AUTOSTOP
          - HEROKU_ECO
          - RENDER_FREE
          - RAILWAY_SLEEP
          - APP_RUNNER
          - SYSTEMD_IDLE_STOP
          - SYSTEMD_SOCKET_ACTIVATED
          - SYSTEMD_NO_RESTART
          - SYSTEMD_RUNTIME_MAX
          - DOCKER_NO_RESTART
          - NEON_SCALE_TO_ZERO
          - NEON_POOLER
          - AURORA_AUTOPAUSE
          - UPSTASH_REDIS
      reason:
        description: Why the finding is acceptable. Must not be empty.
        type: str
        required: true
notes:
  - Read C(/proc/1/environ) as root (C(become=true)); otherwise it is usually unreadable.
  - The collection's C(site) and C(validate) playbooks run this module first, so a refused
    deployment fails before any host is changed.
seealso:
  - name: LangGraph Standalone Container
    description: Deployment guide for LangGraph Server as a standalone container.
    link: https://langchain-ai.github.io/langgraph/cloud/deployment/standalone_container/
"""

EXAMPLES = r"""
- name: Refuse serverless and scale-to-zero deployments
  langgraph_ops.standalone.serverless_check:
    config:
      platform: docker
      replicas: 2
      restart_policy: unless-stopped
      database_uri: "postgresql://langgraph:{{ pg_password | urlencode }}@db.internal:5432/langgraph"
      redis_uri: redis://cache.internal:6379/0
    systemd_unit: langgraph-server.service
    docker_container: langgraph-server
  become: true

- name: Kubernetes with KEDA; refuses a ScaledObject that can reach zero
  langgraph_ops.standalone.serverless_check:
    config:
      platform: kubernetes
      min_replicas: 2
      max_replicas: 6
      database_uri: "{{ langgraph_database_uri }}"
      redis_uri: "{{ langgraph_redis_uri }}"
      keda:
        enabled: true
        min_replica_count: 2
    inspect_host: false

- name: Accept a known finding, with the reason on record
  langgraph_ops.standalone.serverless_check:
    config:
      platform: ecs
      replicas: 1
      database_uri: "{{ langgraph_database_uri }}"
      redis_uri: "{{ langgraph_redis_uri }}"
      database:
        aurora_min_acu: 0
    waive:
      - code: AURORA_AUTOPAUSE
        reason: staging cluster; a cold start after a pause is acceptable
    fail_on_warnings: true
"""

RETURN = r"""
serverless:
  description: Whether an unwaived or waived error says the platform is serverless.
  returned: always
  type: bool
  sample: false
scale_to_zero:
  description: Whether an unwaived or waived error says the server can be scaled or stopped to zero.
  returned: always
  type: bool
  sample: false
platform_detected:
  description:
    - Platform recognised from environment variables (PID 1, the module's own environment or O(config.env)),
      for example V(lambda), V(cloud_run_or_knative), V(container_apps), V(ecs); V(null) when none was recognised.
  returned: always
  type: str
  sample: ecs
findings:
  description: What was found, errors first.
  returned: always
  type: list
  elements: dict
  contains:
    code:
      description: Finding code, as accepted by O(waive[].code).
      type: str
      sample: AWS_LAMBDA
    severity:
      description: V(error), V(warning) or V(info). A waived error is reported as V(warning).
      type: str
      sample: error
    message:
      description: What was found and why it matters. Never contains a password.
      type: str
      sample: "AWS Lambda detected: Lambda freezes the process between invocations; ..."
    path:
      description: Where the finding came from.
      type: str
      sample: /proc/1/environ:AWS_LAMBDA_FUNCTION_NAME
    source:
      description:
        - V(config), V(config.env), V(os.environ), V(/proc/1/environ), V(systemd_unit) or V(docker_container).
      type: str
      sample: /proc/1/environ
    waived:
      description: Whether the finding was waived with O(waive).
      type: bool
      sample: false
  sample:
    - code: DOCKER_NO_RESTART
      severity: warning
      message: "config.restart_policy is no: a crashed or rebooted server stays down; use always or unless-stopped"
      path: config.restart_policy
      source: config
      waived: false
checked_sources:
  description: Every source that was consulted and what came of it.
  returned: always
  type: list
  elements: dict
  contains:
    source:
      description: Name of the source, for example V(/proc/1/environ) or V(systemd_unit:langgraph-server.service).
      type: str
    status:
      description:
        - V(checked) or V(read) when it was used; V(skipped) with O(inspect_host=false); V(unreadable),
          V(missing), V(not_found) or V(unavailable) when it could not be read (never a failure).
      type: str
    detail:
      description: Short explanation.
      type: str
  sample:
    - source: config
      status: checked
      detail: ""
    - source: /proc/1/environ
      status: unreadable
      detail: permission denied (run with become to read it)
    - source: systemd_unit:langgraph-server.service
      status: not_found
      detail: unit langgraph-server.service does not exist
"""

import os

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.langgraph_ops.standalone.plugins.module_utils.serverless import (
    ValidationError,
    argument_spec,
    evaluate,
    read_docker_restart,
    read_proc1_environ,
    read_systemd_unit,
    uri_secrets,
)


def _drop_none(value):
    """Ansible fills unset options with None; drop them so only what was given is checked."""
    if isinstance(value, dict):
        return dict((k, _drop_none(v)) for k, v in value.items() if v is not None)
    return value


def main():
    # The options are OPTIONS in module_utils/serverless.py; ansible-test validate-modules
    # compares the argument_spec built from them with DOCUMENTATION above.
    module = AnsibleModule(argument_spec=argument_spec(), supports_check_mode=True)
    params = module.params
    # The whole URIs are no_log; their passwords are masked on their own too,
    # so that no message can show them even in part.
    for key in ("database_uri", "redis_uri"):
        module.no_log_values.update(uri_secrets(params["config"].get(key)))

    unit, container = params["systemd_unit"] or None, params["docker_container"] or None
    host_env = proc1_env = systemd_props = docker_restart = None
    if params["inspect_host"]:
        host_env, proc1_env = dict(os.environ), read_proc1_environ()
    if unit:
        systemd_props = read_systemd_unit(module.run_command, unit, module.get_bin_path("systemctl"))
    if container:
        docker_restart = read_docker_restart(module.run_command, container, module.get_bin_path("docker"))

    try:
        result = evaluate(_drop_none(dict(params, systemd_unit=unit, docker_container=container)),
                          host_env=host_env, proc1_env=proc1_env, systemd_props=systemd_props,
                          docker_restart=docker_restart)
    except ValidationError as exc:
        module.fail_json(msg=exc.message, changed=False)

    failed = result.pop("failed")
    if failed:
        module.fail_json(changed=False, **result)
    module.exit_json(changed=False, **result)


if __name__ == "__main__":
    main()
