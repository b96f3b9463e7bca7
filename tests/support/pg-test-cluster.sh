#!/usr/bin/env bash
# Starts or stops the throwaway PostgreSQL cluster the `postgres`-labelled tests share (a CTest fixture).
# Unix socket only, trust auth, durability off: it lives for one ctest run and holds nothing of value.
#   pg-test-cluster.sh start DIR   → cluster in DIR/data, socket in DIR/socket, superuser `postgres`
#   pg-test-cluster.sh stop DIR
# Tests of database faults run a private cluster of their own the same way and also use:
#   pg-test-cluster.sh restart DIR   → pg_ctl restart -m fast (sessions are cut, data stays)
#   pg-test-cluster.sh down DIR      → pg_ctl stop -m fast, data stays;  up DIR → start it again
set -euo pipefail
action=${1:?start|stop}
dir=${2:?directory}
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$bindir/initdb" ] || { echo "PostgreSQL server binaries not found (apt-get install postgresql)" >&2; exit 1; }

# PostgreSQL refuses to run as root: as root, run the server as the `postgres` system user.
as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

server_start() {
  as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses='' -k $dir/socket -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=${GSA_PG_MAX_CONNECTIONS:-300} -c shared_buffers=${GSA_PG_SHARED_BUFFERS:-256MB}" \
    start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
}

case "$action" in
start)
  if [ -f "$dir/data/postmaster.pid" ]; then as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true; fi
  rm -rf "$dir"
  mkdir -p "$dir/socket"
  [ "$(id -u)" = 0 ] && chown -R postgres:postgres "$dir"
  as_owner "$bindir/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 ||
    { cat "$dir/initdb.log" >&2; exit 1; }
  server_start
  echo "test cluster up: socket $dir/socket"
  ;;
restart)
  as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -m fast -w -t 60 restart >/dev/null ||
    { cat "$dir/server.log" >&2; exit 1; }
  ;;
down)
  as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
  ;;
up)
  server_start
  ;;
stop)
  if [ -f "$dir/data/postmaster.pid" ]; then as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true; fi
  rm -rf "$dir"
  ;;
*) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
