#!/usr/bin/env bash
# A bounded soak of the lab cluster (lab/deploy.sh cluster, run first when its
# hosts are not up) through its proxy: BENCH_SOAK_SECONDS (default 600) of
# bench/load.py at a fixed concurrency, four runs/wait clients, two streams,
# four background-run clients (runs of 4 s) and two thread readers, against
# the proxy's address on the lab network only. Prints the requests made and
# failed, the longest time without a successful answer, the background runs'
# final states, and the memory of every service (PostgreSQL, Redis, each API
# and queue worker container, HAProxy) before and after, and how fast it grew
# over the second half, from a sample every BENCH_SOAK_SAMPLE_SECONDS (60);
# build/bench/soak.json keeps them with the samples and the request timeline.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$root/build/bench-soak"
. "$root/bench/lab.sh"
lab_cluster "$work"

# The memory of each service, in MiB, as "host service MiB" lines: systemd's
# count for a unit (page cache included), Docker's for a container.
memory() {
  local host unit bytes
  for host_unit in langgraph-lab-pg:postgresql@15-main langgraph-lab-redis:redis-server langgraph-lab-proxy:haproxy; do
    host="${host_unit%%:*}" unit="${host_unit#*:}"
    bytes="$(docker exec "$host" systemctl show -P MemoryCurrent "$unit.service")"
    [[ "$bytes" =~ ^[0-9]+$ ]] || { echo "no memory figure for $unit on $host: $bytes" >&2; exit 1; }
    awk -v host="$host" -v unit="$unit" -v bytes="$bytes" 'BEGIN {printf "%s %s %.1f\n", host, unit, bytes / 1048576}'
  done
  for host in langgraph-lab-api1 langgraph-lab-api2; do
    docker exec "$host" docker stats --no-stream --format '{{.Name}} {{.MemUsage}}' |
      python3 -c '
import re, sys
units = {"B": 1 / 1048576, "KiB": 1 / 1024, "MiB": 1, "GiB": 1024}
for line in sys.stdin:
    name, used = line.split()[:2]
    number, unit = re.match(r"([0-9.]+)(\w+)", used).groups()
    print(sys.argv[1], name, f"{float(number) * units[unit]:.1f}")' "$host"
  done
}

proxy_address="$(address langgraph-lab-proxy langgraph-lab)"
memory >"$work/memory-start.txt"
[ -s "$work/memory-start.txt" ] || { echo "no memory figures" >&2; exit 1; }
# "unix-time host service MiB" lines, until the load ends.
: >"$work/memory-samples.txt"
while sleep "${BENCH_SOAK_SAMPLE_SECONDS:-60}"; do
  memory | sed "s/^/$(date +%s) /" >>"$work/memory-samples.txt"
done &
sampler=$!
trap 'kill "$sampler" 2>/dev/null || true' EXIT
python3 "$root/bench/load.py" --url "https://$proxy_address" --ca "$root/lab/.langgraph-tls/ca.crt" \
  --max-seconds "${BENCH_SOAK_SECONDS:-600}" --wait-clients 4 --stream-clients 2 --background-clients 4 \
  --read-clients 2 --out "$work/load.json" >/dev/null
kill "$sampler" 2>/dev/null || true
memory >"$work/memory-end.txt"

python3 - "$work" "$root/build/bench/soak.json" <<'PY'
import json, sys
work, figures = sys.argv[1:]
load = json.load(open(f"{work}/load.json"))
def read(name):
    return {f"{host} {service}": float(mib) for host, service, mib in
            (line.split() for line in open(f"{work}/memory-{name}.txt"))}
start, end = read("start"), read("end")
samples = {}
for line in open(f"{work}/memory-samples.txt"):
    moment, host, service, mib = line.split()
    samples.setdefault(f"{host} {service}", []).append([round(int(moment) - load["started_at"]), float(mib)])
def growth(points):
    """MiB per hour over the second half of the samples, by least squares."""
    half = [point for point in points if point[0] >= load["seconds"] / 2]
    if len(half) < 2:
        return None
    mean_t = sum(t for t, _ in half) / len(half)
    mean_m = sum(m for _, m in half) / len(half)
    spread = sum((t - mean_t) ** 2 for t, _ in half)
    return round(3600 * sum((t - mean_t) * (m - mean_m) for t, m in half) / spread, 1) if spread else None
memory = {key: {"start_mib": start[key], "end_mib": end.get(key),
                "second_half_mib_per_hour": growth(samples.get(key, []))} for key in start}
runs = ", ".join(f"{n} {s}" for s, n in load["runs"].items())
print(f"soak through the proxy: {load['seconds']} s, {load['requests']} requests, {load['failed']} failed, "
      f"longest gap {load['longest_gap_s']} s, stream rejoins {load['stream_rejoins']}")
slowest = ", ".join(f"{kind} {secs} s" for kind, secs in load["slowest_call_s"].items())
print(f"background runs: {runs}; slowest call: {slowest}")
for failure in load["failures"]:
    print(f"  failed: {failure}")
print(f"{'memory (MiB)':<48} {'start':>8} {'end':>8} {'MiB/h, 2nd half':>16}")
for key, mib in memory.items():
    end_mib = "gone" if mib["end_mib"] is None else f"{mib['end_mib']:.1f}"
    rate = "-" if mib["second_half_mib_per_hour"] is None else mib["second_half_mib_per_hour"]
    print(f"{key:<48} {mib['start_mib']:>8.1f} {end_mib:>8} {rate:>16}")
json.dump({**load, "memory": memory, "memory_samples": samples}, open(figures, "w"))
PY
