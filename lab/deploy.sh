#!/usr/bin/env bash
# The main job: on a fresh Debian 12 machine, set everything up, start a lab
# host, deploy LangGraph Server with PostgreSQL and Redis onto it with the
# collection's site playbook (from the built and installed collection tarball),
# and call the deployed server. A second run reuses what exists.
#
#   lab/deploy.sh            deploy (or converge again) and call the server
#   lab/deploy.sh destroy    remove the lab host, its volume and network
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
cache="${LAB_CACHE_DIR:-$root/.cache/lab}"
export LAB_API_PORT="${LAB_API_PORT:-8123}"

stage() { printf '\n== %s\n' "$*"; stage_start=$SECONDS; }
done_stage() { printf '   (%d s)\n' "$((SECONDS - stage_start))"; }

if [ "${1:-}" = destroy ]; then
  docker rm -f langgraph-lab-aio >/dev/null 2>&1 || true
  docker volume rm langgraph-lab-aio-var-lib-docker >/dev/null 2>&1 || true
  docker network rm langgraph-lab >/dev/null 2>&1 || true
  echo "lab host removed"
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

stage "start the lab host"
ansible-playbook -i "$here/inventory.yml" "$here/hosts.yml"
done_stage

stage "ansible-playbook langgraph_ops.standalone.site"
ansible-playbook -i "$here/inventory.yml" -e "@$cache/secrets.yml" langgraph_ops.standalone.site
done_stage

stage "call the deployed server"
python3 "$here/demo.py" "http://127.0.0.1:$LAB_API_PORT"
done_stage
printf '\nmain job finished in %d s; the server is at http://127.0.0.1:%s\n' "$((SECONDS - total_start))" "$LAB_API_PORT"
