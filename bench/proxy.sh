#!/usr/bin/env bash
# What the proxy costs, on the lab cluster (lab/deploy.sh cluster, run first
# when its hosts are not up): runs/wait through HAProxy over HTTPS against
# runs/wait straight to one server's private address, same clients, one run.
# Options go to bench/proxy.py (--requests, --concurrency, --rounds); the
# figures also go to build/bench/proxy.json.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$root/bench/lab.sh"
lab_cluster "$root/build/bench-proxy"
# The proxy on its public address (its certificate names it), not through
# the port Docker publishes on loopback, whose userland proxy would add a hop.
exec python3 "$root/bench/proxy.py" --direct "http://$(address langgraph-lab-api1 langgraph-lab-private):8000" \
  --proxy "https://$(address langgraph-lab-proxy langgraph-lab)" \
  --ca "$root/lab/.langgraph-tls/ca.crt" --out "$root/build/bench/proxy.json" "$@"
