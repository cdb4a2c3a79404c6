#!/usr/bin/env bash
# Make sure a Docker engine answers on this machine.
# Installs Debian's docker.io, iptables and debootstrap when missing and starts
# dockerd when nothing answers. An engine that already runs is never restarted.
set -euo pipefail

log() { printf '[lab] %s\n' "$*" >&2; }

need_pkgs=()
command -v dockerd >/dev/null 2>&1 || need_pkgs+=(docker.io)
command -v docker >/dev/null 2>&1 || need_pkgs+=(docker.io)
command -v iptables >/dev/null 2>&1 || need_pkgs+=(iptables)
command -v debootstrap >/dev/null 2>&1 || need_pkgs+=(debootstrap)
if ((${#need_pkgs[@]})); then
  log "installing ${need_pkgs[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >/dev/null
fi

if docker info >/dev/null 2>&1; then
  log "docker engine already answers"
  exit 0
fi

# The lab hosts sit on networks users have, 172.17.0.0/16 among them, which is
# also the engine's default bridge: an engine this script starts puts its own
# bridge elsewhere. An existing daemon.json is left alone.
if [ ! -e /etc/docker/daemon.json ]; then
  mkdir -p /etc/docker
  printf '{\n  "bip": "10.213.0.1/24"\n}\n' >/etc/docker/daemon.json
  log "wrote /etc/docker/daemon.json (engine bridge 10.213.0.1/24)"
fi

if command -v systemctl >/dev/null 2>&1 && [ "$(cat /proc/1/comm 2>/dev/null)" = systemd ]; then
  log "starting docker.service"
  systemctl start docker
else
  log "starting dockerd in the background (log: /var/log/lab-dockerd.log)"
  nohup dockerd >/var/log/lab-dockerd.log 2>&1 &
fi

for _ in $(seq 1 60); do
  if docker info >/dev/null 2>&1; then
    log "docker engine is up: $(docker version --format '{{.Server.Version}}')"
    exit 0
  fi
  sleep 1
done
log "docker engine did not answer within 60 s"
tail -n 30 /var/log/lab-dockerd.log >&2 || true
exit 1
