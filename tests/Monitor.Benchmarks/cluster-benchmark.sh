#!/usr/bin/env bash
# Ingest throughput of one silo against two on this machine, in one run, on a durable throwaway PostgreSQL:
# each configuration gets a fresh database and fresh silos (deploy/cluster.sh), then two `monitor feed` processes
# post as fast as the cluster answers (--rate 0, 2 posters each, 1,000-tick batches), each feeding half the
# instruments. With two silos each feed posts to its own silo, as a load balancer would spread them; with one,
# both post to it. Prints both totals, the silos' CPU time per accepted tick (which other load on the machine barely
# moves) and the load average before each configuration. Usage:
#   tests/Monitor.Benchmarks/cluster-benchmark.sh [DURATION]        (default 60s)
set -euo pipefail
cd "$(dirname "$0")/../.."
duration=${1:-60s}
key=bench-key-0123456789abcdef
work=$(mktemp -d /tmp/monitor-cluster-bench.XXXXXX)
chmod 755 "$work"
cleanup() {
  MONITOR_CLUSTER_DIR="$work/cluster" deploy/cluster.sh stop >/dev/null 2>&1 || true
  deploy/postgres-local.sh stop "$work/pg" || true
  rm -rf "$work"
}
trap cleanup EXIT

dotnet build src/Monitor.Cli -c Release -v quiet -nologo >/dev/null
cli="dotnet $PWD/src/Monitor.Cli/bin/Release/net10.0/monitor.dll"
server=$(DURABLE=1 deploy/postgres-local.sh start "$work/pg")
# The simulator's instruments, split in two halves, one per feed.
first="COMEX:SI,COMEX:GC,COMEX:HG,NYMEX:PL,NYMEX:PA,LME:CA,LME:AH"
second="ETF:SLV,ETF:GLD,ETF:SIL,ETF:GDX,ETF:COPX,ETF:REMX,ETF:SMH,ETF:LIT,ETF:URA,ETF:XME"

# utime + stime of every silo of the cluster, in clock ticks (1/100 s).
silos_cpu() {
  local total=0 pid
  for pid in $(cut -d' ' -f1 "$work/cluster/silos"); do
    total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat")))
  done
  echo "$total"
}

run() {
  local silos=$1 database=bench_silos_$1
  psql "postgresql://postgres@127.0.0.1:$(sed 's/.*Port=\([0-9]*\).*/\1/' <<<"$server")/postgres" -qc "CREATE DATABASE $database" >/dev/null
  echo "== $silos silo(s); load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
  local urls
  urls=$(ConnectionStrings__Monitor="${server/Database=postgres/Database=$database}" MONITOR_CLUSTER_DIR="$work/cluster" \
    deploy/cluster.sh start "$silos" -- --Monitor:DemoFeed:Enabled=false --Logging:LogLevel:Default=Warning \
      --Monitor:Auth:ApiKeys:0:Name=bench --Monitor:Auth:ApiKeys:0:Key=$key --Monitor:Auth:ApiKeys:0:Roles:0=admin)
  local a b
  a=$(head -1 <<<"$urls")
  b=$(tail -1 <<<"$urls")
  local cpu_before
  cpu_before=$(silos_cpu)
  $cli feed --url "$a" --api-key $key --rate 0 --concurrency 2 --batch 1000 --duration "$duration" --warmup 10s --json --instruments "$first" >"$work/feed-a.json" 2>/dev/null &
  local feed_a=$!
  $cli feed --url "$b" --api-key $key --rate 0 --concurrency 2 --batch 1000 --duration "$duration" --warmup 10s --json --instruments "$second" >"$work/feed-b.json" 2>/dev/null
  wait "$feed_a"
  python3 - "$silos" "$(($(silos_cpu) - cpu_before))" "$work/feed-a.json" "$work/feed-b.json" <<'PY'
import json, sys
feeds = [json.load(open(path)) for path in sys.argv[3:]]
total = sum(f["ticks"]["accepted"] for f in feeds)
seconds = max(f["elapsedSeconds"] for f in feeds)
cpu_us = int(sys.argv[2]) * 10_000 / max(total, 1)
print(f"{sys.argv[1]} silo(s): {total / seconds:,.0f} ticks/s accepted ({total:,} ticks in {seconds:.0f} s), "
      f"silos' CPU {cpu_us:.2f} us per accepted tick; "
      + "; ".join(f"feed {i + 1}: {f['ticks']['accepted'] / f['elapsedSeconds']:,.0f}/s" for i, f in enumerate(feeds)))
PY
  # Where the instruments' grains ran: a grain on another silo than the feed that posts its ticks costs a hop.
  MONITOR_CLUSTER_DIR="$work/cluster" deploy/cluster.sh status | sed -n 's/^  /  grains: /p'
  MONITOR_CLUSTER_DIR="$work/cluster" deploy/cluster.sh stop >/dev/null
}

run 1
run 2
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
