# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Evaluate a role's setting checks on the controller in one task: see
plugins/modules/check_settings.py for the documentation."""

from __future__ import annotations

from ansible.errors import AnsibleError
from ansible.playbook.conditional import Conditional
from ansible.plugins.action import ActionBase


class ActionModule(ActionBase):
    _requires_connection = False

    @classmethod
    def finalize_task_arg(cls, name, value, templar, context):
        # ansible-core 2.19 and later: the checks are evaluated one by one in
        # run(), so a message is rendered only for a check that fails (older
        # versions render the arguments before run()).
        if name == "checks":
            return value
        return super().finalize_task_arg(name, value, templar, context)

    def _holds(self, expressions, task_vars):
        for expression in expressions if isinstance(expressions, list) else [expressions]:
            evaluate = getattr(self._templar, "evaluate_conditional", None)
            if evaluate is not None:
                holds = evaluate(conditional=expression)
            else:
                conditional = Conditional(loader=self._loader)
                conditional.when = [expression]
                holds = conditional.evaluate_conditional(templar=self._templar, all_vars=task_vars)
            if not holds:
                return False
        return True

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        checks = self._task.args.get("checks")
        unknown = set(self._task.args) - {"checks"}
        if not isinstance(checks, list) or unknown:
            raise AnsibleError("check_settings takes one argument, checks: a list of {that, msg, when}")
        failures = []
        for number, check in enumerate(checks, 1):
            if not isinstance(check, dict) or "that" not in check or "msg" not in check or set(check) - {"that", "msg", "when"}:
                raise AnsibleError("check_settings: check %d needs that and msg, and may have when; nothing else" % number)
            try:
                if "when" in check and not self._holds(check["when"], task_vars):
                    continue
                if not self._holds(check["that"], task_vars):
                    failures.append(str(self._templar.template(check["msg"])).strip())
            except AnsibleError:
                # A check after a failed one may fail on the same bad value:
                # the first message names it.
                if failures:
                    break
                raise
        result["changed"] = False
        if failures:
            result["failed"] = True
            result["msg"] = "\n".join(failures)
        return result
