#!/usr/bin/python
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: connection_check
short_description: Log in to PostgreSQL and Redis as LangGraph Server will, before anything changes
version_added: 0.2.0
description:
  - Opens the connections the given URIs describe from the target host, the way the server
    containers will, and fails with the service, host, port and reason when one would fail.
    The password never appears in a message.
  - PostgreSQL - TCP or a unix socket; TLS as C(sslmode) asks (C(verify-full) checks the
    certificate against O(ca) and the host name); login with SCRAM-SHA-256, MD5 or password;
    then the database is opened.
  - Redis - C(redis://), C(rediss://) (TLS, checked against O(ca); the host name too with
    C(ssl_check_hostname=true)) or C(unix://); C(AUTH) as the URI's user, C(SELECT) of its
    database, C(PING).
  - Needs nothing on the target but Python's standard library, so it runs before any package
    is installed. It changes nothing.
extends_documentation_fragment:
  - langgraph_ops.standalone.module
options:
  database_uri:
    description: A libpq connection URI (C(postgresql://user:password@host:port/database?sslmode=...)).
    type: str
  redis_uri:
    description: A Redis URI (C(redis://user:password@host:port/db), C(rediss://...), C(unix://...)).
    type: str
  ca:
    description:
      - PEM text of the CA certificates that verify the servers' certificates. Empty uses the CA file
        the URI names (C(sslrootcert=), C(ssl_ca_certs=)) when the target has it, as the clients do, or
        else the host's trusted CAs (also for C(sslrootcert=system)).
    type: str
    default: ""
  timeout:
    description: Seconds to wait for each connection and each answer.
    type: float
    default: 10
"""

EXAMPLES = r"""
- name: Check the managed database and cache before any change
  langgraph_ops.standalone.connection_check:
    database_uri: "{{ vault_database_uri }}"
    redis_uri: "{{ vault_redis_uri }}"
    ca: "{{ lookup('ansible.builtin.file', 'files/provider-ca.pem') }}"
"""

RETURN = r"""
checked:
  description: The services that accepted the login, as "PostgreSQL at host:port" or "Redis at host:port".
  returned: always
  type: list
  elements: str
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.langgraph_ops.standalone.plugins.module_utils.connection import (
    ConnectionCheckError,
    check_postgres,
    check_redis,
    parse_postgres_uri,
    parse_redis_uri,
)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            database_uri=dict(type="str", no_log=True),
            redis_uri=dict(type="str", no_log=True),
            ca=dict(type="str", default=""),
            timeout=dict(type="float", default=10),
        ),
        required_one_of=[("database_uri", "redis_uri")],
        supports_check_mode=True,
    )
    checks = (
        ("database_uri", parse_postgres_uri, check_postgres, "PostgreSQL"),
        ("redis_uri", parse_redis_uri, check_redis, "Redis"),
    )
    checked, failures = [], []
    for key, parse, check, service in checks:
        uri = module.params[key]
        if not uri:
            continue
        try:
            conf = parse(uri)
            module.no_log_values.update(v for v in (conf["password"],) if v)
            check(uri, module.params["ca"], module.params["timeout"])
            checked.append("%s at %s" % (service, conf["host"] if conf["host"].startswith("/") else "%s:%s" % (conf["host"], conf["port"])))
        except ConnectionCheckError as err:
            failures.append(str(err))
    if failures:
        module.fail_json(msg="; ".join(failures), checked=checked)
    module.exit_json(changed=False, checked=checked)


if __name__ == "__main__":
    main()
