#!/usr/bin/env bash
# Runs a throwaway PostgreSQL 15 cluster from Debian's packages on a loopback port.
#   deploy/postgres-local.sh start DIR [PORT]   initdb into DIR (if new) and start; prints the connection string
#     (set DURABLE=1 for fsync and full page writes on, as in production: benchmarks want it, tests do not)
#   deploy/postgres-local.sh stop DIR           stop it
# PostgreSQL refuses to run as root, so as root the cluster belongs to the postgres user.
set -euo pipefail
bin=/usr/lib/postgresql/15/bin
action=${1:?start or stop}
dir=${2:?data directory}

as_owner() {
  if [ "$(id -u)" = 0 ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi
}

install_if_missing() {
  if [ ! -x "$bin/initdb" ]; then
    echo "installing PostgreSQL 15 from Debian's packages" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2 && apt-get install -y -qq postgresql >&2
  fi
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

case "$action" in
  start)
    install_if_missing
    port=${3:-$(free_port)}
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$dir"
    if [ ! -f "$dir/PG_VERSION" ]; then
      as_owner "$bin/initdb -D '$dir' -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8" >/dev/null
    fi
    # Tests trade crash safety of the throwaway cluster for speed; the service's own durability is tested above it.
    unsafe="-c fsync=off -c full_page_writes=off"
    [ "${DURABLE:-0}" = 1 ] && unsafe=""
    as_owner "$bin/pg_ctl -D '$dir' -l '$dir/server.log' -w -o \"-p $port -k /tmp -c listen_addresses=127.0.0.1 $unsafe -c max_connections=300\" start" >/dev/null
    echo "Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
    ;;
  stop)
    as_owner "$bin/pg_ctl -D '$dir' -m fast -w stop" >/dev/null || true
    ;;
  *)
    echo "usage: $0 start|stop DIR [PORT]" >&2
    exit 2
    ;;
esac
