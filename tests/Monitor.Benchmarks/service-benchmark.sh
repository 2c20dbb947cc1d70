#!/usr/bin/env bash
# Measures the live service with `monitor feed` against a real server process (Release build):
#   1. sustained ingest: 4 concurrent posters of 1,000-tick batches, as fast as the server takes them;
#   2. the same over the tick stream (GET /api/v1/ticks/stream): 4 WebSocket connections of 5,000-tick batches;
#   3. tick-to-client latency through the SignalR hub at a steady 10,000 ticks/s.
# Latency is measured for every tick: from sending it to the first quote that carries it or a later tick of its
# instrument (quotes come as one batch per push, ?quotes=batched).
# Phases the default leaves out (name them in PHASES), each at 10,000 ticks/s unless named otherwise:
#   latency-18:   tick-to-client latency at 1,000, 10,000 and 100,000 ticks/s over 18 instruments (the first catalog and LME:ZS)
#   hub-clients:  10 hub clients measured;          hub-stalled: the same beside 20 clients that never read
#   hub-stalled-memory: 10 hub clients beside one batching client that never reads, the server's memory sampled every
#                 5 s (run it for at least 70s: the stalled client connects after the warm-up's start)
#   hub-fanout:   1,000 hub clients measured (FANOUT_CLIENTS to change), each on every instrument
#   ingest-2000:  ingest as fast as it goes over 18 instruments, then over 2,000 (FEED:I0..FEED:I1999, created with
#                 PUT /api/v1/instruments in batches of 1,000 with one RSI rule each through PUT /api/v1/rules, the feed
#                 spread over all of them with `monitor feed --spread 2000`), side by side (issue 18.1: at least 150,000
#                 ticks/s and 70% of the 18-instrument figure); SPREAD_INSTRUMENTS changes the 2,000
#   latency-2000: tick-to-client latency at 10,000 ticks/s spread over the same 2,000 instruments with a rule each, the
#                 hub client subscribed to 100 of them (FEED:I0..FEED:I99) and measuring their ticks (issue 18.4)
# For the hub phases the server's and the feed's CPU seconds are printed too (they share the machine).
# Latencies of each phase's first 10 seconds (JIT and connection warm-up) stay out of the totals.
# Each phase gets a fresh server and an empty store. Usage:
#   tests/Monitor.Benchmarks/service-benchmark.sh [DURATION] [extra server settings...]
#   e.g. ... 60s --Monitor:Storage:Provider=postgres --ConnectionStrings:Monitor='Host=...'
#   PHASES="hub-clients hub-stalled" tests/Monitor.Benchmarks/service-benchmark.sh 60s
# Environment: PHASES (default "ingest stream latency"); RULES, a file with a JSON array of rules each server gets before
# the feed starts (see rules-benchmark.sh); STALLED, clients that never read during a phase (set by hub-stalled);
# FEED_ARGS, more options for every phase's `monitor feed` (e.g. "--instruments LME:CA,COMEX:SI" to compare builds
# whose catalogs differ over the same instruments);
# TRACE, a directory: each phase's server is profiled with dotnet-trace (sampled thread time, 20 s from 15 s in; the tool
# from `dotnet tool install dotnet-trace`, or DOTNET_TRACE=path) into PHASE.nettrace, and its top methods by exclusive
# and inclusive time are written beside it. LATENCY_RATES, the rates latency-18 runs (default "1000 10000 100000").
set -euo pipefail
cd "$(dirname "$0")/../.."
duration=${1:-60s}
shift || true
key=bench-key-0123456789abcdef
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

dotnet build src/Monitor.Server -c Release -v quiet -nologo >/dev/null
dotnet build src/Monitor.Cli -c Release -v quiet -nologo >/dev/null
server_bin=$PWD/src/Monitor.Server/bin/Release/net10.0/Monitor.Server
cli="dotnet $PWD/src/Monitor.Cli/bin/Release/net10.0/monitor.dll"
tools="dotnet $PWD/tests/Monitor.Board.Tools/bin/Release/net10.0/Monitor.Board.Tools.dll"
case " ${PHASES:-} " in *" hub-stalled"*) dotnet build tests/Monitor.Board.Tools -c Release -v quiet -nologo >/dev/null ;; esac

# The server's process: the one started, or its child when the start left a parent between.
server_process() {
  local child
  child=$(pgrep -P "$1" | head -1 || true)
  echo "${child:-$1}"
}

# utime + stime of the server process and its threads, in clock ticks (1/100 s).
server_cpu() {
  awk '{print $14 + $15}' "/proc/$(server_process "$1")/stat"
}

run_phase() {
  local name=$1; shift
  local work port pid
  work=$(mktemp -d /tmp/monitor-bench.XXXXXX)
  port=$(free_port)
  (cd "$work" && exec "$server_bin" --urls="http://127.0.0.1:$port" --Monitor:DemoFeed:Enabled=false \
      --Monitor:Cluster:SiloPort="$(free_port)" --Monitor:Cluster:GatewayPort="$(free_port)" \
      --Monitor:Auth:ApiKeys:0:Name=bench --Monitor:Auth:ApiKeys:0:Key=$key --Monitor:Auth:ApiKeys:0:Roles:0=admin \
      --Logging:LogLevel:Default=Warning "${server_settings[@]}" >"$work/server.log" 2>&1) &
  pid=$!
  for _ in $(seq 1 120); do
    curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1 && break
    sleep 0.5
  done
  if [ -n "${SPREAD:-}" ]; then
    python3 - "$SPREAD" "http://127.0.0.1:$port" "$key" <<'PY' >&2
import json, sys, time, urllib.request
count, url, key = int(sys.argv[1]), sys.argv[2], sys.argv[3]
def put(path, body):
    request = urllib.request.Request(url + path, json.dumps(body).encode(), {"Content-Type": "application/json", "X-Api-Key": key}, method="PUT")
    urllib.request.urlopen(request, timeout=300).read()
started = time.time()
ids = [f"FEED:I{k}" for k in range(count)]
for first in range(0, count, 1000):
    chunk = ids[first:first + 1000]
    put("/api/v1/instruments", [{"id": i, "name": i, "kind": "future", "unit": "USD/t"} for i in chunk])
    put("/api/v1/rules", [{"id": "rsi-" + i.replace(":", "-"), "type": "threshold", "params": {"input": i + "@rsi(14)", "op": "above", "value": 70}} for i in chunk])
print(f"created {count} instruments with one rule each in {time.time() - started:.1f} s")
PY
  fi
  if [ -n "${RULES:-}" ]; then
    python3 - "$RULES" "http://127.0.0.1:$port" "$key" <<'PY' >&2
import json, sys, time, urllib.request
rules, url, key = json.load(open(sys.argv[1])), sys.argv[2], sys.argv[3]
started = time.time()
for rule in rules:
    request = urllib.request.Request(url + "/api/v1/rules", json.dumps(rule).encode(), {"Content-Type": "application/json", "X-Api-Key": key})
    urllib.request.urlopen(request).read()
print(f"created {len(rules)} rules in {time.time() - started:.1f} s")
PY
  fi
  echo "== $name" >&2
  # The server's CPU time over the feed, per accepted tick: a figure other load on the machine barely moves.
  local cpu_before result stall_pid="" sampler=""
  if [ "${STALLED:-0}" -gt 0 ]; then
    $tools stall "http://127.0.0.1:$port" "$STALLED" 100000 ${STALL_BATCHED:+batched} >"$work/stall.log" 2>&1 &
    stall_pid=$!
    until grep -q "^stall:" "$work/stall.log" 2>/dev/null; do sleep 0.2; done
    # The server's resident memory every 5 s while clients stall: it must level off, not grow with the backlog.
    local server_pid
    server_pid=$(server_process "$pid")
    (while sleep 5; do awk '/VmRSS/ {print $2}' "/proc/$server_pid/status" 2>/dev/null || true; done >"$work/rss.log") &
    sampler=$!
  fi
  local tracer=""
  if [ -n "${TRACE:-}" ]; then
    mkdir -p "$TRACE"
    (sleep 15
     "${DOTNET_TRACE:-dotnet-trace}" collect -p "$(server_process "$pid")" --profile dotnet-sampled-thread-time --duration 00:00:00:20 -o "$TRACE/$phase${rate:+-$rate}.nettrace" >/dev/null 2>&1
     "${DOTNET_TRACE:-dotnet-trace}" report "$TRACE/$phase${rate:+-$rate}.nettrace" topN -n 40 >"$TRACE/$phase${rate:+-$rate}.exclusive.txt" 2>&1
     "${DOTNET_TRACE:-dotnet-trace}" report "$TRACE/$phase${rate:+-$rate}.nettrace" topN -n 60 --inclusive >"$TRACE/$phase${rate:+-$rate}.inclusive.txt" 2>&1) &
    tracer=$!
  fi
  cpu_before=$(server_cpu "$pid")
  result=$(/usr/bin/time -f "%U %S" -o "$work/feed.cpu" $cli feed --url "http://127.0.0.1:$port" --api-key $key --duration "$duration" --warmup 10s --json "$@" ${FEED_ARGS:-} 2>/dev/null || true)
  echo "$result"
  python3 -c 'import json,sys; r=json.loads(sys.argv[1]); n=r["ticks"]["accepted"]; print(f"server CPU {(int(sys.argv[3])-int(sys.argv[2]))*10_000/max(n,1):.2f} us per accepted tick ({n} ticks)")' \
    "$result" "$cpu_before" "$(server_cpu "$pid")" >&2 || true
  awk -v before="$cpu_before" -v after="$(server_cpu "$pid")" '{printf "CPU seconds: server %.1f, feed and its hub clients %.1f\n", (after-before)/100, $1+$2}' "$work/feed.cpu" >&2 || true
  if [ -n "$tracer" ]; then
    wait "$tracer" || true
  fi
  if [ -n "$stall_pid" ]; then
    # Either may have ended already (the stall tool stops when it cannot reconnect): that must not end the script.
    kill "$stall_pid" 2>/dev/null || echo "the stall tool had stopped: $(tail -1 "$work/stall.log")" >&2
    wait "$stall_pid" 2>/dev/null || true
    kill "$sampler" 2>/dev/null || true
    wait "$sampler" 2>/dev/null || true
    echo "stalled clients: $(grep -c 'stopped reading' "$work/server.log") disconnected by the server" >&2
    awk 'NR==1 {first=$1} {if ($1>max) max=$1; last=$1} END {if (NR) printf "server memory (RSS) while stalled, every 5 s: first %.0f MB, max %.0f MB, last %.0f MB (%d samples)\n", first/1024, max/1024, last/1024, NR}' "$work/rss.log" >&2
  fi
  kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true
  rm -rf "$work"
}

server_settings=("$@")
# 18 instruments: the first catalog (17, before the LME report's metals joined it) and LME zinc.
first18=LME:CA,LME:AH,LME:ZS,COMEX:HG,COMEX:SI,COMEX:GC,NYMEX:PL,NYMEX:PA,ETF:SLV,ETF:GLD,ETF:SIL,ETF:GDX,ETF:COPX,ETF:REMX,ETF:SMH,ETF:LIT,ETF:URA,ETF:XME
for phase in ${PHASES:-ingest stream latency}; do
  case $phase in
    ingest) run_phase "ingest, as fast as it goes (4 posters x 1,000-tick batches)" --rate 0 --concurrency 4 --batch 1000 ;;
    stream) run_phase "ingest over the tick stream, as fast as it goes (4 connections x 5,000-tick batches)" --rate 0 --concurrency 4 --batch 5000 --stream ;;
    latency) run_phase "tick-to-client latency at 10,000 ticks/s" --rate 10000 --concurrency 4 --batch 1000 --measure-latency ;;
    hub-clients) run_phase "10 hub clients at 10,000 ticks/s" --rate 10000 --concurrency 4 --batch 1000 --measure-latency --hub-clients 10 ;;
    hub-stalled) STALLED=20 run_phase "10 hub clients at 10,000 ticks/s beside 20 that never read" --rate 10000 --concurrency 4 --batch 1000 --measure-latency --hub-clients 10 ;;
    latency-18)
      # LATENCY_RATES to run fewer (each rate's trace is named after it: latency-18-100000.nettrace).
      for rate in ${LATENCY_RATES:-1000 10000 100000}; do
        run_phase "tick-to-client latency at $rate ticks/s over 18 instruments" --rate "$rate" --concurrency 4 --batch 1000 --measure-latency --instruments "$first18"
      done
      unset rate ;;
    hub-stalled-memory) STALLED=1 STALL_BATCHED=1 run_phase "10 hub clients at 10,000 ticks/s beside one batching client that never reads" --rate 10000 --concurrency 4 --batch 1000 --measure-latency --hub-clients 10 ;;
    ingest-2000)
      run_phase "ingest over 18 instruments, as fast as it goes (4 posters x 1,000-tick batches)" --rate 0 --concurrency 4 --batch 1000 --instruments "$first18"
      SPREAD=${SPREAD_INSTRUMENTS:-2000} run_phase "ingest spread over ${SPREAD_INSTRUMENTS:-2000} instruments with a rule each, as fast as it goes (4 posters x 1,000-tick batches)" \
        --rate 0 --concurrency 4 --batch 1000 --spread "${SPREAD_INSTRUMENTS:-2000}" ;;
    latency-2000) SPREAD=${SPREAD_INSTRUMENTS:-2000} run_phase "tick-to-client latency at 10,000 ticks/s over ${SPREAD_INSTRUMENTS:-2000} instruments with a rule each, the client subscribed to 100" \
        --rate 10000 --concurrency 4 --batch 1000 --measure-latency --spread "${SPREAD_INSTRUMENTS:-2000}" --hub-instruments 100 ;;
    hub-fanout) run_phase "${FANOUT_CLIENTS:-1000} hub clients at 10,000 ticks/s" --rate 10000 --concurrency 4 --batch 1000 --measure-latency --hub-clients "${FANOUT_CLIENTS:-1000}" ;;
  esac
done
