#!/usr/bin/env bash
# Build the lab's base host images: Debian with systemd as PID 1, python3, sudo
# and ca-certificates, made with debootstrap and loaded with `docker import`
# (no container registry is reachable from the lab).
#
#   lab/build-host-images.sh [bookworm|trixie ...]    (default: both)
#
# Each image carries a label with the hash of its recipe (see recipe_hash); an image whose label matches is kept, so reruns take a second.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mirror="${LAB_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
packages="systemd,systemd-sysv,dbus,python3,python3-apt,sudo,ca-certificates,iproute2,procps,gnupg,openssh-server"
cache="${LAB_CACHE_DIR:-$here/../.cache/lab}"
suites=("$@")
((${#suites[@]})) || suites=(bookworm trixie)

log() { printf '[lab] %s\n' "$*" >&2; }

image_for() {
  case "$1" in
    bookworm) echo "langgraph-lab/debian:12" ;;
    trixie) echo "langgraph-lab/debian:13" ;;
    *) log "unknown suite: $1 (expected bookworm or trixie)"; exit 2 ;;
  esac
}

# The recipe is the suite, the package list and the function that builds the
# root file system; edits elsewhere in this file do not force a rebuild.
recipe_hash() {
  { declare -f build_one; echo "$1 $packages $mirror"; } | sha256sum | cut -c1-16
}

build_one() {
  local suite="$1" image hash current root start
  image="$(image_for "$suite")"
  hash="$(recipe_hash "$suite")"
  current="$(docker image inspect -f '{{ index .Config.Labels "lab.recipe" }}' "$image" 2>/dev/null || true)"
  if [ "$current" = "$hash" ]; then
    log "$image is up to date (recipe $hash)"
    return 0
  fi
  start=$SECONDS
  root="$(mktemp -d /var/tmp/lab-rootfs-"$suite".XXXXXX)"
  trap 'rm -rf "$root"' RETURN
  log "debootstrap $suite into $root"
  debootstrap --variant=minbase --include="$packages" "$suite" "$root" "$mirror" \
    >"$root.log" 2>&1 || { tail -n 40 "$root.log" >&2; exit 1; }
  rm -f "$root.log"

  # A container has no consoles, no kernel modules to load and no udev.
  for unit in getty@tty1.service console-getty.service systemd-udevd.service \
    systemd-udev-trigger.service systemd-modules-load.service \
    sys-kernel-config.mount sys-kernel-debug.mount sys-kernel-tracing.mount \
    systemd-firstboot.service systemd-remount-fs.service; do
    ln -sf /dev/null "$root/etc/systemd/system/$unit"
  done
  # Users reach their VMs over SSH as a user with sudo: "deploy" gets
  # password-less sudo and key-only logins; the lab puts its public key in
  # when it starts a host (molecule/resources/create.yml).
  chroot "$root" useradd --create-home --shell /bin/bash deploy
  echo 'deploy ALL=(ALL) NOPASSWD:ALL' >"$root/etc/sudoers.d/deploy"
  chmod 0440 "$root/etc/sudoers.d/deploy"
  printf 'PasswordAuthentication no\nPermitRootLogin no\n' >"$root/etc/ssh/sshd_config.d/lab.conf"
  : >"$root/etc/machine-id"
  echo "lab" >"$root/etc/hostname"
  printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n' \
    >"$root/etc/apt/apt.conf.d/90lab-no-recommends"
  printf 'deb %s %s main\ndeb %s %s-updates main\n' "$mirror" "$suite" "$mirror" "$suite" \
    >"$root/etc/apt/sources.list"
  rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/archives/*.deb
  # An emptied list directory must not look like a fresh `apt-get update`.
  touch -d '2000-01-01' "$root/var/lib/apt/lists"

  log "docker import $image"
  tar -C "$root" -c . | docker import \
    --change 'ENV container=docker' \
    --change 'CMD ["/lib/systemd/systemd"]' \
    --change "LABEL lab.recipe=$hash" \
    - "$image" >/dev/null
  log "$image built in $((SECONDS - start)) s"
}

# A tiny image for tests that need to run "some container" on a lab host:
# the host's static busybox, imported and saved as an archive (no registry).
build_busybox() {
  local image=langgraph-lab/busybox:latest archive="$cache/busybox.tar" root
  if ! command -v busybox >/dev/null || ! busybox --list >/dev/null 2>&1 || ldd "$(command -v busybox)" >/dev/null 2>&1; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq busybox-static >/dev/null
  fi
  mkdir -p "$cache"
  if ! docker image inspect "$image" >/dev/null 2>&1; then
    root="$(mktemp -d)"
    mkdir -p "$root/bin"
    cp "$(command -v busybox)" "$root/bin/busybox"
    for applet in sh echo cat sleep ls wget; do ln -s busybox "$root/bin/$applet"; done
    tar -C "$root" -c . | docker import --change 'CMD ["/bin/sh"]' - "$image" >/dev/null
    rm -rf "$root"
    rm -f "$archive"
  fi
  if [ ! -s "$archive" ]; then
    docker save -o "$archive" "$image"
  fi
  log "$image saved at $archive"
}

"$here/ensure-docker.sh"
build_busybox
command -v debootstrap >/dev/null || { log "debootstrap is missing"; exit 1; }
pids=()
for suite in "${suites[@]}"; do
  build_one "$suite" &
  pids+=($!)
done
rc=0
for pid in "${pids[@]}"; do wait "$pid" || rc=1; done
exit $rc
