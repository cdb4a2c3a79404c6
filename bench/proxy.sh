#!/usr/bin/env bash
# What the proxy costs, on the lab cluster (lab/deploy.sh cluster, run first
# when its hosts are not up): runs/wait through HAProxy over HTTPS against
# runs/wait straight to one server's private address, same clients, one run.
# Options go to bench/proxy.py (--requests, --concurrency, --rounds).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
proxy_port="${LAB_PROXY_PORT:-8443}"
if [ "$(docker inspect -f '{{.State.Running}}' langgraph-lab-proxy 2>/dev/null)" != true ]; then
  "$root/lab/deploy.sh" cluster >"$root/build/bench-proxy-deploy.log" 2>&1
fi
api1="$(docker inspect -f '{{with index .NetworkSettings.Networks "langgraph-lab-private"}}{{.IPAddress}}{{end}}' langgraph-lab-api1)"
exec python3 "$root/bench/proxy.py" --direct "http://$api1:8000" --proxy "https://127.0.0.1:$proxy_port" \
  --ca "$root/lab/.langgraph-tls/ca.crt" "$@"
