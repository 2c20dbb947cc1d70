#!/usr/bin/env bash
# Runs an N-silo Monitor cluster on this machine: one Orleans cluster (ADO.NET membership) on PostgreSQL, each silo a
# server process with its own free HTTP, silo and gateway ports.
#   deploy/cluster.sh start [N] [-- SERVER ARGS...]   build the server, start N silos (default 2), print their URLs
#   deploy/cluster.sh status                          each silo's pid, URL and readiness, and who holds which instruments
#   deploy/cluster.sh stop                            stop the silos by pid (SIGTERM, SIGKILL after 30 s) and the
#                                                     PostgreSQL this script started
# PostgreSQL: ConnectionStrings__Monitor when set, else a throwaway one (deploy/postgres-local.sh) under the state
# directory. State (pids, logs): MONITOR_CLUSTER_DIR, default /tmp/monitor-cluster. The demo feed runs on the first
# silo only: one simulated market per cluster. Server args after -- go to every silo (e.g. --Monitor:DemoFeed:Enabled=false).
set -euo pipefail
cd "$(dirname "$0")/.."
state=${MONITOR_CLUSTER_DIR:-/tmp/monitor-cluster}
server=$PWD/src/Monitor.Server/bin/Release/net10.0/Monitor.Server

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

alive() {
  kill -0 "$1" 2>/dev/null
}

ready() {
  curl -fsS -o /dev/null --max-time 2 "$1/health/ready" 2>/dev/null
}

start() {
  local count=${1:-2}
  [ $# -gt 0 ] && shift
  [ "${1:-}" = -- ] && shift
  if [ -s "$state/silos" ]; then
    echo "a cluster is recorded in $state/silos already; run $0 stop first" >&2
    exit 1
  fi
  mkdir -p "$state"
  chmod 755 "$state"

  local connection=${ConnectionStrings__Monitor:-}
  if [ -z "$connection" ]; then
    connection=$(deploy/postgres-local.sh start "$state/pg")
    touch "$state/pg-started"
  fi

  dotnet build src/Monitor.Server -c Release -v quiet -nologo >&2

  : >"$state/silos"
  for i in $(seq 1 "$count"); do
    local http silo gateway dir feed=false
    http=$(free_port) silo=$(free_port) gateway=$(free_port)
    dir="$state/silo-$i"
    mkdir -p "$dir"
    [ "$i" = 1 ] && feed=true
    # In a session of its own, so it outlives this script; relative paths resolve in the silo's directory.
    (cd "$dir" && exec setsid "$server" \
      --urls="http://127.0.0.1:$http" \
      --Monitor:Storage:Provider=postgres \
      "--ConnectionStrings:Monitor=$connection" \
      --Monitor:Cluster:Mode=adonet \
      --Monitor:Cluster:SiloPort="$silo" \
      --Monitor:Cluster:GatewayPort="$gateway" \
      --Monitor:DemoFeed:Enabled="$feed" \
      "$@" >"$dir/server.log" 2>&1) &
    echo "$! http://127.0.0.1:$http $silo $gateway $dir" >>"$state/silos"
  done

  while read -r pid url _ _ dir; do
    for _ in $(seq 1 120); do
      ready "$url" && break
      if ! alive "$pid"; then
        echo "silo $pid ($url) exited; the end of $dir/server.log:" >&2
        tail -20 "$dir/server.log" >&2
        exit 1
      fi
      sleep 0.5
    done
    ready "$url" || { echo "silo $pid ($url) not ready within a minute" >&2; exit 1; }
    echo "$url"
  done <"$state/silos"
}

status() {
  [ -s "$state/silos" ] || { echo "no cluster recorded in $state"; return 0; }
  local any=""
  while read -r pid url silo gateway _; do
    local health=down
    if alive "$pid"; then
      health=starting
      ready "$url" && health=ready && any=$url
    else
      health=exited
    fi
    echo "pid $pid  $url  silo port $silo  gateway port $gateway  $health"
  done <"$state/silos"
  if [ -n "$any" ]; then
    echo "membership and instruments, as $any sees them:"
    curl -fsS --max-time 10 "$any/api/v1/cluster" | python3 -c "$(cat <<'PY'
import json, sys
for silo in json.load(sys.stdin)["silos"]:
    print("  %s  %s  %d instruments: %s" % (silo["address"], silo["status"], len(silo["instruments"]), " ".join(silo["instruments"])))
PY
)"
  fi
}

stop() {
  if [ -s "$state/silos" ]; then
    # All at once: each drains its requests and leaves the cluster in parallel.
    while read -r pid _; do
      if alive "$pid"; then kill -TERM "$pid"; fi
    done <"$state/silos"
    while read -r pid url _; do
      for _ in $(seq 1 60); do alive "$pid" || break; sleep 0.5; done
      if alive "$pid"; then kill -KILL "$pid"; fi
      echo "stopped $pid ($url)"
    done <"$state/silos"
    rm -f "$state/silos"
  fi
  if [ -f "$state/pg-started" ]; then
    deploy/postgres-local.sh stop "$state/pg"
    rm -f "$state/pg-started"
  fi
}

action=${1:-}
[ $# -gt 0 ] && shift
case "$action" in
  start) start "$@" ;;
  status) status ;;
  stop) stop ;;
  *)
    echo "usage: $0 start [N] [-- SERVER ARGS...] | status | stop" >&2
    exit 2
    ;;
esac
