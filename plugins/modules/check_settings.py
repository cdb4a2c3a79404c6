#!/usr/bin/python
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: check_settings
short_description: Check a role's settings in one task, with a message for each that fails
version_added: 0.3.0
description:
  - Evaluates each check's expressions on the controller, in order, and fails with the message of
    every check that does not hold, one per line. Changes nothing and needs no connection.
  - On ansible-core 2.19 and later a check's message is rendered only when the check fails; earlier
    versions render every message first, so a message must render for good settings too.
  - An expression that cannot be evaluated fails the task with its error, unless an earlier check
    already failed; its message then stands for both.
extends_documentation_fragment:
  - langgraph_ops.standalone.module
options:
  checks:
    description: The checks, evaluated in this order.
    type: list
    elements: dict
    required: true
    suboptions:
      that:
        description: A conditional expression, or a list of them that must all hold, as in C(when).
        type: raw
        required: true
      msg:
        description: The message when the check fails. It should name the variable and what it must be.
        type: str
        required: true
      when:
        description: The check applies only when this expression (or each of this list) holds.
        type: raw
"""

EXAMPLES = r"""
- name: Check the role's settings
  langgraph_ops.standalone.check_settings:
    checks:
      - that: redis_port | int >= 1 and redis_port | int <= 65535
        msg: "redis_port must be between 1 and 65535, not {{ redis_port }}."
      - when: redis_metrics | bool
        that: redis_metrics_port | int != redis_port | int
        msg: redis_metrics_port must differ from redis_port.
"""

RETURN = r"""
msg:
  description: The messages of the checks that failed, one per line.
  returned: failure
  type: str
"""
