#!/usr/bin/env bash
# The main job: on a fresh Debian 12 machine, set everything up, start lab
# hosts, deploy LangGraph Server with PostgreSQL and Redis onto them with the
# collection's site playbook (from the built and installed collection tarball),
# and call the deployed server. A second run reuses what exists.
#
#   lab/deploy.sh                    all-in-one: one host (lab/inventory.yml),
#                                    the server at http://127.0.0.1:8123
#   lab/deploy.sh cluster            PostgreSQL, Redis, two servers with queue
#                                    workers and HAProxy on five hosts
#                                    (lab/cluster.yml), called through the proxy
#                                    at https://127.0.0.1:8443
#   lab/deploy.sh destroy [cluster]  remove those hosts, volumes and networks
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
cache="${LAB_CACHE_DIR:-$root/.cache/lab}"
export LAB_API_PORT="${LAB_API_PORT:-8123}" LAB_PROXY_PORT="${LAB_PROXY_PORT:-8443}"

action=deploy
[ "${1:-}" = destroy ] && { action=destroy; shift; }
case "${1:-}" in
  "") inventory="$here/inventory.yml"; url="http://127.0.0.1:$LAB_API_PORT" ;;
  cluster) inventory="$here/cluster.yml"; url="https://127.0.0.1:$LAB_PROXY_PORT" ;;
  *) echo "usage: lab/deploy.sh [destroy] [cluster]" >&2; exit 2 ;;
esac

stage() { printf '\n== %s\n' "$*"; stage_start=$SECONDS; }
done_stage() { printf '   (%d s)\n' "$((SECONDS - stage_start))"; }

if [ "$action" = destroy ]; then
  hosts="$(sed -n 's/^        \(langgraph-lab-[a-z0-9]*\):.*/\1/p' "$inventory" | sort -u)"
  for host in $hosts; do
    docker rm -f "$host" >/dev/null 2>&1 || true
    docker volume rm "$host-var-lib-docker" >/dev/null 2>&1 || true
  done
  for network in langgraph-lab-private langgraph-lab; do
    docker network rm "$network" >/dev/null 2>&1 || true
  done
  echo "lab hosts removed:" $hosts
  exit 0
fi

total_start=$SECONDS
stage "bootstrap: apt packages, Docker engine, virtualenv"
"$here/bootstrap.sh"
export PATH="$root/.venv/bin:$PATH"
done_stage

stage "lab images: Debian 12 host, LangGraph server image"
"$here/build-host-images.sh" bookworm
LAB_PYTHON="$root/.venv/bin/python" "$here/server-image/build.sh"
export LAB_SERVER_ARCHIVE="$cache/langgraph-lab-server.tar"
done_stage

stage "build the collection and install the tarball"
mkdir -p "$root/build/dist"
rm -f "$root"/build/dist/*.tar.gz
ansible-galaxy collection build "$root" --output-path "$root/build/dist" --force >/dev/null
tarball="$(ls "$root"/build/dist/langgraph_ops-standalone-*.tar.gz)"
rm -rf "$root/build/installed"
# Galaxy is not reachable from the lab: the dependencies come from the
# `ansible` package in the virtualenv, so only this collection is installed.
ansible-galaxy collection install "$tarball" -p "$root/build/installed" --no-deps >/dev/null
echo "   installed $(basename "$tarball") into build/installed"
done_stage

stage "lab secrets (made once, kept in $cache/secrets.yml, mode 0600)"
mkdir -p "$cache"
if [ ! -s "$cache/secrets.yml" ]; then
  umask 077
  python3 - "$cache/secrets.yml" <<'PY'
import secrets, sys
with open(sys.argv[1], "w") as f:
    f.write("langgraph_postgres_password: %s\n" % secrets.token_urlsafe(24))
    f.write("langgraph_redis_password: %s\n" % secrets.token_urlsafe(24))
PY
fi
done_stage

export ANSIBLE_COLLECTIONS_PATH="$root/build/installed"
export ANSIBLE_FORCE_COLOR="${ANSIBLE_FORCE_COLOR:-0}"
export ANSIBLE_CALLBACK_RESULT_FORMAT=yaml

stage "start the lab hosts"
ansible-playbook -i "$inventory" "$here/hosts.yml"
done_stage

stage "ansible-playbook langgraph_ops.standalone.site"
ansible-playbook -i "$inventory" -e "@$cache/secrets.yml" langgraph_ops.standalone.site
done_stage

stage "call the deployed server"
# The proxy's certificate is signed by the deployment's CA, made next to the inventory.
SSL_CERT_FILE="$here/.langgraph-tls/ca.crt" python3 "$here/demo.py" "$url"
done_stage
printf '\nmain job finished in %d s; the server is at %s\n' "$((SECONDS - total_start))" "$url"
