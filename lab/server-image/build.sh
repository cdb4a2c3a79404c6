#!/usr/bin/env bash
# Build the lab's LangGraph Server image offline and save it as a tar archive.
#
#   lab/server-image/build.sh
#
# Steps, each skipped when its result is already there for the same recipe:
#   base       debootstrap Debian 12 (minbase + python3, python3-venv,
#              ca-certificates), `docker import` as langgraph-lab/pybase:bookworm
#   wheelhouse `pip wheel` every package of requirements.lock (exact versions,
#              sha256-checked) into $LAB_CACHE_DIR/wheelhouse
#   image      `docker build --network none` of the Dockerfile on that base with
#              that wheelhouse: langgraph-lab/server:<langgraph-api version> and
#              langgraph-lab/server:latest
#   save       `docker save` both tags to $LAB_CACHE_DIR/langgraph-lab-server.tar
#
# Environment:
#   LAB_CACHE_DIR       cache directory (default: <repo>/.cache/lab)
#   LAB_PYTHON          Python 3.11 whose pip builds the wheelhouse (default: python3)
#   LAB_DEBIAN_MIRROR   Debian mirror (default: http://deb.debian.org/debian)
#   LAB_DEBIAN_SECURITY_MIRROR  (default: http://deb.debian.org/debian-security)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
cache="${LAB_CACHE_DIR:-$repo/.cache/lab}"
python="${LAB_PYTHON:-python3}"
mirror="${LAB_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
security_mirror="${LAB_DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}"

suite=bookworm
base_packages="python3,python3-venv,ca-certificates"
base_image="langgraph-lab/pybase:bookworm"
server_repo="langgraph-lab/server"
lock="$here/requirements.lock"
wheelhouse="$cache/wheelhouse"
archive="$cache/langgraph-lab-server.tar"

log() { printf '[lab] %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

api_version="$(sed -n 's/^langgraph-api==\([^ ]*\).*/\1/p' "$lock")"
[ -n "$api_version" ] || die "no langgraph-api pin in $lock"
server_image="$server_repo:$api_version"
server_latest="$server_repo:latest"

# Run one step and print how long it took.
step() {
  local name="$1" t0 t1
  shift
  t0="$(date +%s.%N)"
  "$@"
  t1="$(date +%s.%N)"
  log "$(awk -v n="$name" -v a="$t0" -v b="$t1" 'BEGIN { printf "step %-10s %7.1f s", n, b - a }')"
}

label_of() {
  docker image inspect -f "{{ index .Config.Labels \"$2\" }}" "$1" 2>/dev/null || true
}

# ---------------------------------------------------------------- base image
# The recipe hash covers this function's text, so any change to how the root
# file system is made rebuilds the base (and, through its image ID, the server).
make_base_rootfs() {
  local root="$1"
  debootstrap --variant=minbase --include="$base_packages" "$suite" "$root" "$mirror" \
    >"$root.log" 2>&1 || { tail -n 40 "$root.log" >&2; return 1; }
  rm -f "$root.log"

  # Take bookworm's point-release and security updates as of today.
  printf 'deb %s %s main\ndeb %s %s-updates main\ndeb %s %s-security main\n' \
    "$mirror" "$suite" "$mirror" "$suite" "$security_mirror" "$suite" \
    >"$root/etc/apt/sources.list"
  printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n' \
    >"$root/etc/apt/apt.conf.d/90lab-no-recommends"
  printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
  chmod +x "$root/usr/sbin/policy-rc.d"
  cp /etc/resolv.conf "$root/etc/resolv.conf"
  chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
    DEBIAN_FRONTEND=noninteractive sh -c \
    'apt-get update -qq && apt-get -y -qq -o Dpkg::Use-Pty=0 upgrade && apt-get clean' \
    >"$root.log" 2>&1 || { tail -n 40 "$root.log" >&2; return 1; }
  rm -f "$root.log" "$root/usr/sbin/policy-rc.d"
  : >"$root/etc/resolv.conf"
  : >"$root/etc/machine-id"
  rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin \
    "$root"/var/cache/apt/archives/*.deb "$root"/var/log/apt/* "$root"/var/log/dpkg.log
  # Documentation is not needed at run time; the copyright files stay.
  find "$root/usr/share/doc" -type f ! -name copyright -delete
  find "$root/usr/share/doc" -type d -empty -delete
  rm -rf "$root"/usr/share/man/* "$root"/usr/share/info/*
}

base_recipe() {
  { declare -f make_base_rootfs; echo "$suite $base_packages"; } | sha256sum | cut -c1-16
}

build_base() {
  local hash root
  hash="$(base_recipe)"
  if [ "$(label_of "$base_image" lab.recipe)" = "$hash" ]; then
    log "$base_image is up to date (recipe $hash)"
    return 0
  fi
  command -v debootstrap >/dev/null || die "debootstrap is missing"
  root="$(mktemp -d /var/tmp/lab-pybase.XXXXXX)"
  # shellcheck disable=SC2064
  trap "rm -rf '$root' '$root.log'" RETURN
  log "debootstrap $suite + $base_packages into $root"
  make_base_rootfs "$root"
  local pyver
  pyver="$(chroot "$root" python3 -c 'import platform; print(platform.python_version())')"
  log "docker import $base_image (Python $pyver)"
  tar -C "$root" -c . | docker import \
    --change 'ENV LANG=C.UTF-8' \
    --change 'CMD ["python3"]' \
    --change "LABEL lab.recipe=$hash" \
    --change "LABEL lab.python=$pyver" \
    - "$base_image" >/dev/null
}

# ---------------------------------------------------------------- wheelhouse
wheelhouse_recipe() {
  { cat "$lock"; echo "pip wheel --no-deps --require-hashes"; "$python" -c 'import sys; print(sys.version_info[:2])'; } \
    | sha256sum | cut -c1-16
}

build_wheelhouse() {
  local hash pyver tmp want have
  pyver="$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
  [ "$pyver" = 3.11 ] || die "$python is Python $pyver; the wheelhouse needs a Python 3.11 (set LAB_PYTHON)"
  hash="$(wheelhouse_recipe)"
  if [ -f "$wheelhouse/.lab-recipe" ] && [ "$(cat "$wheelhouse/.lab-recipe")" = "$hash" ]; then
    log "wheelhouse $wheelhouse is up to date (recipe $hash)"
    return 0
  fi
  tmp="$cache/wheelhouse.tmp.$$"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  log "pip wheel $(grep -c '==' "$lock") pinned packages into $wheelhouse"
  "$python" -m pip wheel --quiet --disable-pip-version-check --no-deps --require-hashes \
    -r "$lock" -w "$tmp" >"$tmp.log" 2>&1 || { grep -v 'is ignored' "$tmp.log" | tail -n 40 >&2; rm -rf "$tmp"; return 1; }
  rm -f "$tmp.log"
  want="$(grep -c '==' "$lock")"
  have="$(find "$tmp" -maxdepth 1 -name '*.whl' | wc -l)"
  [ "$want" = "$have" ] || { rm -rf "$tmp"; die "wheelhouse has $have wheels, the lock pins $want"; }
  echo "$hash" >"$tmp/.lab-recipe"
  rm -rf "$wheelhouse"
  mv "$tmp" "$wheelhouse"
}

# ---------------------------------------------------------------- server image
server_recipe() {
  {
    docker image inspect -f '{{.Id}}' "$base_image"
    cat "$wheelhouse/.lab-recipe"
    (
      cd "$here"
      for f in Dockerfile langgraph-server runtime_metrics.py requirements.txt requirements.lock \
        $(find graph -type f -name '*.py' | sort); do
        echo "== $f"
        cat "$f"
      done
    )
  } | sha256sum | cut -c1-16
}

build_server() {
  local hash current old_id ctx
  hash="$(server_recipe)"
  current="$(label_of "$server_image" lab.recipe)"
  if [ "$current" = "$hash" ]; then
    docker tag "$server_image" "$server_latest"
    log "$server_image is up to date (recipe $hash)"
    return 0
  fi
  old_id="$(docker image inspect -f '{{.Id}}' "$server_image" 2>/dev/null || true)"
  ctx="$cache/server-context"
  rm -rf "$ctx"
  mkdir -p "$ctx/wheels" "$ctx/graph"
  cp -l "$wheelhouse"/*.whl "$ctx/wheels/" 2>/dev/null || cp "$wheelhouse"/*.whl "$ctx/wheels/"
  cp "$here/Dockerfile" "$here/langgraph-server" "$here/runtime_metrics.py" "$here/requirements.txt" "$ctx/"
  (cd "$here/graph" && find . -type f -name '*.py' -exec cp --parents {} "$ctx/graph/" \;)
  log "docker build $server_image (network none, log: $cache/server-build.log)"
  DOCKER_BUILDKIT=0 docker build --network none --force-rm \
    --build-arg "BASE_IMAGE=$base_image" \
    --label "lab.recipe=$hash" \
    --label "org.opencontainers.image.title=langgraph-lab-server" \
    --label "org.opencontainers.image.version=$api_version" \
    --label "org.opencontainers.image.description=LangGraph Server (langgraph-api $api_version, runtime edition pg) for the lab" \
    -t "$server_image" -t "$server_latest" "$ctx" >"$cache/server-build.log" 2>&1 \
    || { tail -n 40 "$cache/server-build.log" >&2; rm -rf "$ctx"; return 1; }
  rm -rf "$ctx"
  docker image prune -f --filter label=lab.stage=server-venv >/dev/null || true
  if [ -n "$old_id" ] && [ "$old_id" != "$(docker image inspect -f '{{.Id}}' "$server_image")" ]; then
    docker image rm "$old_id" >/dev/null 2>&1 || true
  fi
}

# ---------------------------------------------------------------- archive
save_server() {
  local id
  id="$(docker image inspect -f '{{.Id}}' "$server_image")"
  if [ -f "$archive" ] && [ -f "$archive.id" ] && [ "$(cat "$archive.id")" = "$id" ]; then
    log "$archive is up to date ($id)"
    return 0
  fi
  log "docker save $server_image $server_latest -> $archive"
  rm -f "$archive.id"
  docker save -o "$archive.tmp" "$server_image" "$server_latest"
  chmod 0644 "$archive.tmp"
  mv "$archive.tmp" "$archive"
  echo "$id" >"$archive.id"
}

# ---------------------------------------------------------------- main
mkdir -p "$cache"
exec 9>"$cache/.server-image.lock"
flock 9
total0=$SECONDS
step docker "$here/../ensure-docker.sh"
step base build_base
step wheelhouse build_wheelhouse
step image build_server
step save save_server

size="$(docker image inspect -f '{{.Size}}' "$server_image")"
log "done in $((SECONDS - total0)) s"
cat <<EOF
image:   $server_image (also $server_latest)
id:      $(docker image inspect -f '{{.Id}}' "$server_image")
size:    $((size / 1000 / 1000)) MB
archive: $archive ($(du -m "$archive" | cut -f1) MiB; docker load -i $archive)
base:    $base_image (Python $(label_of "$base_image" lab.python))
EOF
