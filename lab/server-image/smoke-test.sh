#!/usr/bin/env bash
# Prove that the lab's LangGraph Server image really works: start a throwaway
# PostgreSQL cluster and Redis from Debian's packages on loopback, run the
# migration container, run the server container, exercise the API with
# smoke_test.py, check the health check and a clean SIGTERM stop. Everything
# it starts is removed on exit, on failure too.
#
#   lab/server-image/smoke-test.sh [IMAGE]    (default: langgraph-lab/server:latest)
#
# Environment: LAB_SMOKE_PG_PORT (55432), LAB_SMOKE_REDIS_PORT (56379),
# LAB_SMOKE_API_PORT (58123). Needs root (it runs PostgreSQL as user postgres);
# installs postgresql and redis-server with apt-get when they are missing.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
image="${1:-langgraph-lab/server:latest}"
pg_port="${LAB_SMOKE_PG_PORT:-55432}"
redis_port="${LAB_SMOKE_REDIS_PORT:-56379}"
api_port="${LAB_SMOKE_API_PORT:-58123}"
db_password="smoke-pg-$$"
redis_password="smoke-redis-$$"
name="lab-smoke-$$"
database_uri="postgres://langgraph:$db_password@127.0.0.1:$pg_port/langgraph?sslmode=disable"
redis_uri="redis://:$redis_password@127.0.0.1:$redis_port/0"

log() { printf '[smoke] %s\n' "$*" >&2; }
die() { log "FAIL: $*"; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root"
"$here/../ensure-docker.sh"
docker image inspect "$image" >/dev/null 2>&1 || die "no image $image (run build.sh)"

# ------------------------------------------------------------ tools
newest_pg_bin() { printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n 1; }
pg_bin="$(newest_pg_bin)"
need=()
[ -x "$pg_bin/initdb" ] || need+=(postgresql)
command -v redis-server >/dev/null || need+=(redis-server)
if ((${#need[@]})); then
  log "installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  pg_bin="$(newest_pg_bin)"
fi

port_free() {
  python3 -c 'import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)' "$1"
}
for p in "$pg_port" "$redis_port" "$api_port"; do
  port_free "$p" || die "port $p on 127.0.0.1 is taken"
done

# ------------------------------------------------------------ cleanup
work="$(mktemp -d /tmp/lab-smoke.XXXXXX)"
chmod 755 "$work"
failed=1
cleanup() {
  set +e
  if [ "$failed" = 1 ] && docker container inspect "$name-server" >/dev/null 2>&1; then
    log "last server log lines:"
    docker logs --tail 60 "$name-server" 2>&1 | sed 's/^/    /' >&2
  fi
  for c in "$name-migrate" "$name-server"; do
    docker rm -f "$c" >/dev/null 2>&1
  done
  if [ -f "$work/pg/postmaster.pid" ]; then
    runuser -u postgres -- "$pg_bin/pg_ctl" -D "$work/pg" -m immediate -w stop >/dev/null 2>&1
  fi
  local redis_pid
  redis_pid="$(cat "$work/redis.pid" 2>/dev/null)"
  if [ -n "$redis_pid" ]; then
    kill "$redis_pid" 2>/dev/null
    for _ in $(seq 1 50); do kill -0 "$redis_pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ------------------------------------------------------------ postgres + redis
log "PostgreSQL $("$pg_bin/postgres" -V | awk '{print $3}') on 127.0.0.1:$pg_port"
install -d -o postgres -g postgres -m 700 "$work/pg" "$work/pgsock" "$work/pglog"
runuser -u postgres -- "$pg_bin/initdb" -D "$work/pg" -U postgres --auth-local=trust \
  --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$work/initdb.log" 2>&1 \
  || { cat "$work/initdb.log" >&2; die "initdb"; }
runuser -u postgres -- "$pg_bin/pg_ctl" -D "$work/pg" -l "$work/pglog/postgres.log" -w -t 30 \
  -o "-p $pg_port -c listen_addresses=127.0.0.1 -k $work/pgsock -c fsync=off" start >/dev/null \
  || { cat "$work/pglog/postgres.log" >&2; die "postgres did not start"; }
psql_su() { runuser -u postgres -- "$pg_bin/psql" -h "$work/pgsock" -p "$pg_port" -v ON_ERROR_STOP=1 -qAt "$@"; }
# An ordinary role that owns its database: no superuser, no extensions.
psql_su -d postgres -c "CREATE ROLE langgraph LOGIN PASSWORD '$db_password' NOSUPERUSER NOCREATEDB NOCREATEROLE"
psql_su -d postgres -c "CREATE DATABASE langgraph OWNER langgraph"

log "Redis $(redis-server --version | awk '{print $3}' | cut -d= -f2) on 127.0.0.1:$redis_port"
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no \
  --requirepass "$redis_password" --daemonize yes --dir "$work" \
  --pidfile "$work/redis.pid" --logfile "$work/redis.log"
for _ in $(seq 1 50); do [ -s "$work/redis.pid" ] && break; sleep 0.1; done
[ -s "$work/redis.pid" ] || { cat "$work/redis.log" >&2; die "redis did not start"; }

# ------------------------------------------------------------ migration
env_args=(-e "DATABASE_URI=$database_uri" -e "REDIS_URI=$redis_uri")
for round in 1 2; do
  log "migration, run $round: docker run --rm $image langgraph-runtime-pg-migrate upgrade"
  docker run --rm --name "$name-migrate" --network host "${env_args[@]}" \
    "$image" langgraph-runtime-pg-migrate upgrade >&2 || die "migration run $round"
done
count_tables() {
  psql_su -d langgraph -c "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner = 'langgraph'"
}
count_extensions() {
  psql_su -d langgraph -c "SELECT count(*) FROM pg_extension WHERE extname <> 'plpgsql'"
}
# The migration makes the runtime's tables (7 + alembic_version); the server
# adds the checkpointer's and the store's (6) when it starts.
tables="$(count_tables)"
log "schema after the migration: $tables tables owned by langgraph"
[ "$tables" -ge 8 ] || die "expected at least 8 tables after the migration, found $tables"

# ------------------------------------------------------------ server
log "starting $image on 127.0.0.1:$api_port"
docker run -d --name "$name-server" --network host "${env_args[@]}" \
  -e "PORT=$api_port" -e LG_RUNTIME_PG_AUTO_MIGRATE=false -e N_JOBS_PER_WORKER=4 \
  "$image" >/dev/null
uid="$(docker exec "$name-server" id -u)"
[ "$uid" = 1000 ] || die "server runs as uid $uid, want 1000"
log "server runs as uid $uid"

python3 "$here/smoke_test.py" --url "http://127.0.0.1:$api_port" --wait 90 \
  || die "API checks (container state: $(docker inspect -f '{{.State.Status}} exit={{.State.ExitCode}}' "$name-server"))"

tables="$(count_tables)"
extensions="$(count_extensions)"
log "schema with the server up: $tables tables owned by langgraph, $extensions extensions"
[ "$tables" -ge 14 ] || die "expected at least 14 tables with the server up, found $tables"
[ "$extensions" = 0 ] || die "extensions were created: $extensions"

log "waiting for the image's HEALTHCHECK to report healthy"
health=""
for _ in $(seq 1 60); do
  health="$(docker inspect -f '{{.State.Health.Status}}' "$name-server")"
  [ "$health" = healthy ] && break
  sleep 1
done
[ "$health" = healthy ] || die "health status is '$health'"
log "health: $health"

t0=$SECONDS
docker stop -t 30 "$name-server" >/dev/null
code="$(docker inspect -f '{{.State.ExitCode}}' "$name-server")"
log "docker stop (SIGTERM) took $((SECONDS - t0)) s, exit code $code"
[ "$code" = 0 ] || die "server exited with $code on SIGTERM"

failed=0
log "PASS: $image works with PostgreSQL and Redis"
