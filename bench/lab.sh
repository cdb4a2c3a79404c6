# Sourced by the benchmarks that run on the lab cluster, once $root is set.

# lab_cluster WORK: make the benchmark's work folder WORK and build/bench,
# and deploy the lab cluster (lab/deploy.sh cluster, its output to
# WORK/deploy.log) unless its hosts are up.
lab_cluster() {
  mkdir -p "$1" "$root/build/bench"
  if [ "$(docker inspect -f '{{.State.Running}}' langgraph-lab-proxy 2>/dev/null)" != true ]; then
    "$root/lab/deploy.sh" cluster >"$1/deploy.log" 2>&1
  fi
}

# address HOST NETWORK: a lab host's address on one of its Docker networks.
address() { docker inspect -f "{{with index .NetworkSettings.Networks \"$2\"}}{{.IPAddress}}{{end}}" "$1"; }
