#!/usr/bin/env bash
# What the proxy costs, on the lab cluster (lab/deploy.sh cluster, run first
# when its hosts are not up): runs/wait through HAProxy over HTTPS against
# runs/wait straight to one server's private address, same clients, one run.
# Options go to bench/proxy.py (--requests, --concurrency, --rounds); the
# figures also go to build/bench/proxy.json.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ "$(docker inspect -f '{{.State.Running}}' langgraph-lab-proxy 2>/dev/null)" != true ]; then
  "$root/lab/deploy.sh" cluster >"$root/build/bench-proxy-deploy.log" 2>&1
fi
mkdir -p "$root/build/bench"
address() { docker inspect -f "{{with index .NetworkSettings.Networks \"$2\"}}{{.IPAddress}}{{end}}" "$1"; }
# The proxy on its public address (its certificate names it), not through
# the port Docker publishes on loopback, whose userland proxy would add a hop.
exec python3 "$root/bench/proxy.py" --direct "http://$(address langgraph-lab-api1 langgraph-lab-private):8000" \
  --proxy "https://$(address langgraph-lab-proxy langgraph-lab)" \
  --ca "$root/lab/.langgraph-tls/ca.crt" --out "$root/build/bench/proxy.json" "$@"
