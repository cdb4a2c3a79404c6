#!/usr/bin/env bash
# Everything the controller side needs on a fresh Debian 12 machine:
# apt packages, a running Docker engine, and the project's virtualenv with the
# pinned tools of requirements-dev.txt. Safe to rerun; each step is skipped
# when already done.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
venv="${LAB_VENV:-$root/.venv}"

log() { printf '[lab] %s\n' "$*" >&2; }

missing=()
for cmd_pkg in git:git rsync:rsync curl:curl; do
  command -v "${cmd_pkg%%:*}" >/dev/null 2>&1 || missing+=("${cmd_pkg#*:}")
done
python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || missing+=(python3-venv)
if ((${#missing[@]})); then
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

"$here/ensure-docker.sh"

stamp="$venv/.requirements.sha256"
want="$(sha256sum "$root/requirements-dev.txt" | cut -d' ' -f1)"
if [ -x "$venv/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
  log "virtualenv $venv is up to date"
else
  log "creating virtualenv $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --upgrade pip
  "$venv/bin/pip" install -q -r "$root/requirements-dev.txt"
  echo "$want" >"$stamp"
fi

# The collection, as the tests and the lab use it from this checkout.
mkdir -p "$root/build/collections/ansible_collections/langgraph_ops"
ln -sfn ../../../.. "$root/build/collections/ansible_collections/langgraph_ops/standalone"

# ansible-test (sanity) downloads a pip bootstrap script from a host the lab
# cannot reach; give it the offline stand-in under the name it looks for.
pip_ver="$(sed -n "s/^ *pip='\([0-9.]*\)',\$/\1/p" \
  "$venv"/lib/python3*/site-packages/ansible_test/_internal/python_requirements.py | head -n1 | tr . _)"
if [ -n "$pip_ver" ]; then
  cache_dir="$HOME/.ansible/test/cache"
  mkdir -p "$cache_dir"
  if ! cmp -s "$here/ansible-test-get-pip.py" "$cache_dir/get_pip_$pip_ver.py"; then
    cp "$here/ansible-test-get-pip.py" "$cache_dir/get_pip_$pip_ver.py"
    log "ansible-test pip bootstrap: $cache_dir/get_pip_$pip_ver.py"
  fi
fi
