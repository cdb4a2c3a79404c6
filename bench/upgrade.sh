#!/usr/bin/env bash
# What an upgrade costs the clients, under the same steady load through the
# proxy (bench/load.py: runs/wait, a stream, background runs of 4 s), in one run
# on two lab layouts:
#
# the lab cluster (lab/deploy.sh cluster, run first when its hosts are not up):
#   restart     systemctl restart of the API unit on every server host at once,
#               what a plain image change without the upgrade playbook does
#   rolling     the upgrade playbook to image B (lab/server-image/variant.Dockerfile),
#               then back to the lab image, one host at a time, drained
#   rotate      the rotate_secrets playbook to new PostgreSQL and Redis
#               passwords, then back to the lab's own
# the lab's all-in-one host (lab/deploy.sh) with the proxy on it as well:
#   restart     systemctl restart of its API unit
#   blue/green  the upgrade playbook to image B and back: a second container
#               on a standby port, the proxy switched to it, the old one drained
#   rotate      rotate_secrets there too (a stand-in serves while the host restarts)
#
# Prints, for each, the requests made and failed, the longest time without a
# successful answer, the background runs' final states, and how long it took;
# build/bench/upgrade.json keeps them with each request timeline.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$root/build/bench-upgrade"
# Kept in the work folder until every action has run, so that a failed run
# leaves the figures of the last good one in place.
figures="$work/figures.json"
mkdir -p "$work" "$root/build/bench"
echo '[]' >"$figures"
. "$root/bench/lab.sh"
lab_cluster "$work"
export PATH="$root/.venv/bin:$PATH" ANSIBLE_COLLECTIONS_PATH="$root/build/installed"
export LAB_SERVER_ARCHIVE="$root/.cache/lab/langgraph-lab-server.tar"

# The layout measured next: its inventories, server hosts and proxy.
use() {
  layout="$1"
  shift
  inventories=("${@:3}")
  read -r -a servers <<<"$1"
  proxy="https://$(address "$2" langgraph-lab)"
  local host
  for host in "${servers[@]}"; do
    docker exec -i "$host" sh -c 'mkdir -p /var/tmp/lab-variant && cat >/var/tmp/lab-variant/Dockerfile &&
      docker build -q --network none --build-arg VARIANT=b -t langgraph-lab/server:b /var/tmp/lab-variant >/dev/null' \
      <"$root/lab/server-image/variant.Dockerfile"
  done
}
playbook() {
  local args=() inventory
  for inventory in "${inventories[@]}"; do args+=(-i "$inventory"); done
  ansible-playbook "${args[@]}" -e "@$root/.cache/lab/secrets.yml" "$@"
}
upgrade() {
  playbook -e '{"upgrade_backup": false}' -e "$1" langgraph_ops.standalone.upgrade >>"$work/upgrade.log" 2>&1
}
# New passwords (in a file, as a vault would hold them), then the lab's own again.
rotated="$work/rotated-passwords.yml"
printf 'langgraph_postgres_password: pg-Bench_rotated.7\nlanggraph_redis_password: redis-Bench_rotated.8\n' >"$rotated"
rotate() {
  playbook ${1:+-e "@$1"} langgraph_ops.standalone.rotate_secrets >>"$work/rotate.log" 2>&1
}
restart_all() {
  local pids=() host
  for host in "${servers[@]}"; do
    docker exec "$host" systemctl restart langgraph-server.service & pids+=($!)
  done
  wait "${pids[@]}"
}

# Runs the load for the length of one action (with 10 s of quiet load before and after).
measure() {
  local name="$1" stop="$work/$1.stop" out="$work/$1.json" start took began ended
  shift
  rm -f "$stop" "$out"
  python3 "$root/bench/load.py" --url "$proxy" --ca "$root/lab/.langgraph-tls/ca.crt" \
    --stop-file "$stop" --out "$out" >/dev/null &
  local load=$!
  sleep 10
  start=$SECONDS
  began=$(date +%s.%N)
  "$@"
  ended=$(date +%s.%N)
  took=$((SECONDS - start))
  sleep 10
  touch "$stop"
  wait "$load"
  python3 - "$name" "$took" "$out" "$layout" "$began" "$ended" "$figures" <<'PY'
import json, sys
name, took, out = sys.argv[1], sys.argv[2], json.load(open(sys.argv[3]))
layout, began, ended, figures = sys.argv[4], float(sys.argv[5]), float(sys.argv[6]), sys.argv[7]
kept = json.load(open(figures))
kept.append({"name": name, "layout": layout, "took_s": int(took),
             "action_s": [round(began - out["started_at"], 1), round(ended - out["started_at"], 1)], **out})
json.dump(kept, open(figures, "w"))
runs = ", ".join(f"{n} {s}" for s, n in out["runs"].items())
print(f"{name:<16} {took:>5} s {out['requests']:>9} {out['failed']:>7} {out['longest_gap_s']:>9.2f} s"
      f" {out['stream_rejoins']:>8}   {runs}")
PY
}

to_b='{"langgraph_server_image": "langgraph-lab/server:b", "langgraph_server_image_archive": ""}'
back=langgraph_server_image=langgraph-lab/server:latest
printf '%-16s %7s %9s %7s %11s %8s   %s\n' action took requests failed "max gap" rejoins "background runs"

echo "cluster: 2 server hosts with 2 queue workers each, HAProxy on its own host"
use cluster "langgraph-lab-api1 langgraph-lab-api2" langgraph-lab-proxy "$root/lab/cluster.yml"
measure restart restart_all
measure rolling-to-b upgrade "$to_b"
measure rolling-back upgrade "$back"
measure rotate rotate "$rotated"
measure rotate-back rotate

echo "all-in-one: one host with PostgreSQL, Redis, the server and HAProxy"
cat >"$work/aio-proxy.yml" <<'EOF'
all:
  children:
    langgraph_proxy:
      hosts:
        langgraph-lab-aio:
EOF
inventories=("$root/lab/inventory.yml" "$work/aio-proxy.yml")
playbook "$root/lab/hosts.yml" >"$work/deploy-aio.log" 2>&1
playbook langgraph_ops.standalone.site >>"$work/deploy-aio.log" 2>&1
use all-in-one langgraph-lab-aio langgraph-lab-aio "${inventories[@]}"
measure aio-restart restart_all
measure bluegreen-to-b upgrade "$to_b"
measure bluegreen-back upgrade "$back"
measure aio-rotate rotate "$rotated"
measure aio-rotate-back rotate

mv "$figures" "$root/build/bench/upgrade.json"
