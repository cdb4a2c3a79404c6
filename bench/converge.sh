#!/usr/bin/env bash
# Figures for the all-in-one deployment on a fresh lab host (molecule scenario
# "default", Debian 12 unless BENCH_SCENARIO says otherwise), once per
# connection in BENCH_CONNECTIONS (default "ssh docker"):
#   - ssh: as users connect, as "deploy" with sudo over SSH, with pipelining,
#     ControlPersist, no ssh compression and a fixed interpreter (the
#     ansible.cfg the README shows), to the host's own address;
#   - docker: the Docker connection the tests and lab/deploy.sh use.
# For each: the first converge (site on a fresh host) and an idempotent rerun,
# in seconds, with the number of tasks run and the slowest ten; then the time
# from systemctl restart of the server unit to GET /ok 200 (median of
# BENCH_RESTARTS, default 5), and over SSH what one module call and one step
# on the controller cost on this machine (call_cost). The figures also go to
# build/bench/converge.json.
# Needs the lab images (tests/run.sh images, or lab/deploy.sh, builds them).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export PATH="$root/.venv/bin:$PATH"
export ANSIBLE_COLLECTIONS_PATH="$root/build/collections"
export NO_COLOR=1 ANSIBLE_FORCE_COLOR=0 PY_COLORS=0
scenario="${BENCH_SCENARIO:-default}"
connections="${BENCH_CONNECTIONS:-ssh docker}"
restarts="${BENCH_RESTARTS:-5}"
host="$(sed -n 's/^  - name: //p' "molecule/$scenario/molecule.yml" | head -n1)"
# Kept in build/ until the run is over, so that a failed run leaves the
# figures of the last good one in place.
figures="$root/build/bench-converge.json"
mkdir -p "$root/build/bench"
echo "{\"scenario\": \"$scenario\"}" >"$figures"

seconds() { python3 -c 'import sys,time; print(f"{time.monotonic()-float(sys.argv[1]):.1f}")' "$1"; }
now() { python3 -c 'import time; print(time.monotonic())'; }

# The recap of the last run in a log (tasks run and the ten slowest), printed
# and kept in the figures as <connection>.<phase> with its seconds.
recap() {
  python3 - "$@" "$figures" <<'PY'
import json, re, sys
log, connection, phase, seconds, figures = sys.argv[1:]
text = open(log, errors="replace").read()
text = re.sub(r"\x1b\[[0-9;]*m", "", text)
run = text.rsplit("converge.yml", 1)[-1]
recap = re.findall(r"ok=(\d+)\s+changed=(\d+)\s+unreachable=\d+\s+failed=\d+\s+skipped=(\d+)", run)
ok, changed, skipped = (sum(int(r[i]) for r in recap) for i in range(3))
print(f"{connection:<8} {phase:<30} {seconds:>6} s")
print(f"  tasks: {ok} run ({changed} changed), {skipped} skipped")
slow = run.split("TASKS RECAP", 1)[-1]
slow = re.sub(r"\n\s*│?\s*", " ", slow)
slowest = re.findall(r"((?:[\w.]+ : )?[A-Z][^=\n]*?) -{2,} ([0-9.]+)s", slow)[:10]
for name, secs in slowest:
    print(f"    {float(secs):6.2f} s  {name.strip()}")
kept = json.load(open(figures))
kept.setdefault(connection, {})[phase] = {
    "seconds": float(seconds), "tasks": ok, "changed": changed, "skipped": skipped,
    "slowest": [[name.strip(), float(secs)] for name, secs in slowest]}
json.dump(kept, open(figures, "w"), indent=1)
PY
}

bench() {
  local connection="$1" log="$root/build/bench-$scenario-$1.log" extra=() address
  molecule destroy -s "$scenario" >"$log" 2>&1
  molecule create -s "$scenario" >>"$log" 2>&1
  molecule prepare -s "$scenario" >>"$log" 2>&1
  if [ "$connection" = ssh ]; then
    # The host's own address, as users reach their VMs (not a port published
    # through Docker's userland proxy). A second inventory whose host
    # variables win over molecule's (extra vars would also take over the
    # tasks the roles delegate to the controller).
    address="$(docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}' "$host" | awk '{print $1}')"
    cat >"$root/build/bench-ssh-inventory.yml" <<EOF
all:
  hosts:
    $host:
      ansible_connection: ssh
      ansible_host: $address
      ansible_user: deploy
      ansible_become: true
      ansible_python_interpreter: /usr/bin/python3
      ansible_ssh_private_key_file: $root/.cache/lab/ssh/id_ed25519
      ansible_ssh_common_args: -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null
EOF
    extra=(-- -i "$root/build/bench-ssh-inventory.yml")
  fi

  local t first second
  t=$(now); molecule converge -s "$scenario" "${extra[@]}" >"$log.first" 2>&1; first=$(seconds "$t")
  t=$(now); molecule converge -s "$scenario" "${extra[@]}" >"$log.rerun" 2>&1; second=$(seconds "$t")

  recap "$log.first" "$connection" first_converge "$first"
  recap "$log.rerun" "$connection" rerun "$second"
  [ "$connection" = ssh ] && call_cost "$log.calls"
  return 0
}

# What this machine and network make of one step, so that converge figures
# from different machines compare: one module call on the host over SSH
# (ping, with sudo) and one step on the controller alone (set_fact), each the
# median of 20 tasks of a playbook with the converge's connection settings.
call_cost() {
  local log="$1" playbook="$root/build/bench-calls.yml"
  python3 - "$playbook" <<'PY'
import sys
tasks = ["    - name: warm\n      ansible.builtin.ping:\n"]
tasks += [f"    - name: call {i}\n      ansible.builtin.ping:\n" for i in range(20)]
tasks += [f"    - name: step {i}\n      ansible.builtin.set_fact:\n        bench_step: {i}\n" for i in range(20)]
tasks += ["    - name: end\n      ansible.builtin.ping:\n"]
open(sys.argv[1], "w").write("- hosts: all\n  gather_facts: false\n  become: true\n  tasks:\n" + "".join(tasks))
PY
  ANSIBLE_PIPELINING=true ANSIBLE_SSH_ARGS="-o ControlMaster=auto -o ControlPersist=60s" \
    ANSIBLE_CALLBACKS_ENABLED=ansible.posix.profile_tasks PROFILE_TASKS_SORT_ORDER=none PROFILE_TASKS_TASK_OUTPUT_LIMIT=all \
    ansible-playbook -i "$root/build/bench-ssh-inventory.yml" "$playbook" >"$log" 2>&1
  python3 - "$log" "$figures" <<'PY'
import json, re, statistics, sys
text = re.sub(r"\x1b\[[0-9;]*m", "", open(sys.argv[1]).read()).split("TASKS RECAP", 1)[-1]
times = dict(re.findall(r"^(call \d+|step \d+) -+ ([0-9.]+)s", text, re.M))
call = statistics.median(float(v) for k, v in times.items() if k.startswith("call"))
step = statistics.median(float(v) for k, v in times.items() if k.startswith("step"))
print(f"one module call over ssh (ping)  {call:.2f} s median of 20")
print(f"one step on the controller       {step:.3f} s median of 20")
kept = json.load(open(sys.argv[2]))
kept["ssh"]["call_s"], kept["ssh"]["step_s"] = round(call, 3), round(step, 3)
json.dump(kept, open(sys.argv[2], "w"), indent=1)
PY
}

restart_to_ok() {
  local samples=() median
  for _ in $(seq 1 "$restarts"); do
    samples+=("$(docker exec -i "$host" python3 - <<'PY'
import socket, subprocess, time, urllib.request
address = socket.gethostbyname(socket.gethostname())
start = time.monotonic()
subprocess.run(["systemctl", "restart", "langgraph-server.service"], check=True)
while True:
    try:
        with urllib.request.urlopen(f"http://{address}:8000/ok", timeout=2) as r:
            if r.status == 200:
                break
    except OSError:
        pass
    if time.monotonic() - start > 300:
        raise SystemExit("no /ok within 300 s")
    time.sleep(0.05)
print(f"{time.monotonic() - start:.2f}")
PY
)")
  done
  median=$(printf '%s\n' "${samples[@]}" | sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}')
  printf 'restart to GET /ok 200           %s s median of %s (%s)\n' "$median" "$restarts" "${samples[*]}"
  python3 - "$figures" "$median" "${samples[@]}" <<'PY'
import json, sys
kept = json.load(open(sys.argv[1]))
kept["restart_to_ok_s"] = {"median": float(sys.argv[2]), "samples": [float(s) for s in sys.argv[3:]]}
json.dump(kept, open(sys.argv[1], "w"), indent=1)
PY
}

trap 'molecule destroy -s "$scenario" >/dev/null 2>&1 || true' EXIT
printf 'scenario                         %s (%s)\n' "$scenario" "$host"
for connection in $connections; do
  bench "$connection"
done
restart_to_ok
mv "$figures" "$root/build/bench/converge.json"
