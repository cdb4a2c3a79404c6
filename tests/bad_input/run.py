"""Bad input, table-driven: every case of cases.yml must fail before any change.

Each case runs a playbook (validate by default) against this machine as an
all-in-one inventory (one host, ansible_connection=local, in every group) with
the case's variables over a good base. It passes when the run fails, its
output matches the case's pattern (which names the variable and the reason),
no task changed anything, and no password of the case shows in the output.
The good base itself must pass, so a case cannot pass by an unrelated failure.

    python tests/bad_input/run.py [--jobs N] [name ...]
"""

from __future__ import annotations

import argparse
import concurrent.futures
import copy
import os
import pathlib
import re
import subprocess
import sys
import tempfile
import time

import yaml

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
from secret_values import secret_values  # noqa: E402  (tests/secret_values.py)

GROUPS = ("langgraph_postgres", "langgraph_redis", "langgraph_server", "langgraph_proxy", "langgraph_monitoring")


def inventory(case, base):
    variables = {**copy.deepcopy(base), **copy.deepcopy(case.get("vars", {}))}
    for name in case.get("unset", []):
        variables.pop(name, None)
    host = {"ansible_connection": "local", "ansible_python_interpreter": sys.executable}
    groups = case.get("groups", list(GROUPS))
    return {"all": {"hosts": {"target": host}, "vars": variables,
                    "children": {group: {"hosts": {"target": {}} if group in groups else {}} for group in GROUPS}}}


def run(case, base, workdir):
    path = pathlib.Path(workdir) / f"{case['name']}.yml"
    inv = inventory(case, base)
    path.write_text(yaml.safe_dump(inv))
    playbook = case.get("playbook", "validate")
    command = ["ansible-playbook", "-i", str(path), f"langgraph_ops.standalone.{playbook}", *case.get("args", [])]
    start = time.monotonic()
    done = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "ANSIBLE_NOCOLOR": "1"}, check=False)
    took = time.monotonic() - start
    output = done.stdout + done.stderr
    problems = []
    if "expect" not in case:
        if done.returncode != 0:
            problems.append("the good base failed")
    else:
        if done.returncode == 0:
            problems.append("the run passed")
        elif not re.search(case["expect"], output, re.S):
            problems.append(f"no match for {case['expect']!r}")
    if re.search(r"target\s+:.*changed=[1-9]", output):
        problems.append("a task changed something")
    leaked = [s for s in secret_values(inv) if s in output]
    if leaked:
        problems.append(f"{len(leaked)} password(s) in the output")
    message = re.findall(r'"msg": "([^"]*)"', output)
    return case["name"], problems, took, (message[-1] if message else output.strip().splitlines()[-1:])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("names", nargs="*")
    args = parser.parse_args()
    spec = yaml.safe_load((HERE / "cases.yml").read_text())
    cases = [{"name": "good-base"}] + spec["cases"]
    names = [c["name"] for c in cases]
    if len(set(names)) != len(names):
        sys.exit("cases.yml: a name is used twice")
    unknown = set(args.names) - set(names)
    if unknown:
        sys.exit(f"no such case: {', '.join(sorted(unknown))}")
    if args.names:
        # The good base always runs: a case must not pass by an unrelated failure.
        cases = [c for c in cases if c["name"] == "good-base" or c["name"] in args.names]
    failed = 0
    with tempfile.TemporaryDirectory() as workdir, concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        for name, problems, took, message in pool.map(lambda c: run(c, spec["base"], workdir), cases):
            failed += bool(problems)
            print(f"{'FAIL' if problems else 'ok  '} {name:<40} {took:5.1f} s  {'; '.join(problems) or message}")
    print(f"{len(cases) - 1} bad inputs (and the good base): {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
