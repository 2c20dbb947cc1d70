#!/usr/bin/env bash
# Measures `monitor import ticks` into an empty SQLite store, then `monitor backtest` over it (Release build):
# generates a CSV of N ticks (default 4,000,000: COMEX:SI, COMEX:GC, ETF:SLV and ETF:GLD, four ticks a second,
# seeded random walks) once, imports it (the command prints ticks/s), and backtests four rules over it: over the
# first quarter of the range and over all of it, with the peak resident memory of each (it should not grow with the
# range). Usage:
#   tests/Monitor.Benchmarks/import-benchmark.sh [TICKS]
set -euo pipefail
cd "$(dirname "$0")/../.."
ticks=${1:-4000000}
work=$(mktemp -d /tmp/monitor-import-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

dotnet build src/Monitor.Cli -c Release -v quiet -nologo >/dev/null
cli="dotnet $PWD/src/Monitor.Cli/bin/Release/net10.0/monitor.dll"

python3 - "$ticks" "$work/ticks.csv" <<'PY'
import sys, random, datetime
n, out = int(sys.argv[1]), sys.argv[2]
prices = {"COMEX:SI": 30.0, "COMEX:GC": 2400.0, "ETF:SLV": 27.0, "ETF:GLD": 220.0}
random.seed(1)
start = datetime.datetime(2025, 1, 6, tzinfo=datetime.timezone.utc)
with open(out, "w") as f:
    f.write("instrument,ts,price,volume,seq\n")
    for k in range(n // len(prices)):
        ts = (start + datetime.timedelta(milliseconds=250 * k)).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
        for instrument in prices:
            prices[instrument] *= 1 + random.gauss(0, 0.0004)
            f.write(f"{instrument},{ts},{prices[instrument]:.4f},{random.randint(1, 9)},{k + 1}\n")
PY

cat >"$work/rules.json" <<'JSON'
[{"id":"si-rsi","type":"threshold","interval":"1m","params":{"input":"COMEX:SI@rsi(14)","op":"above","value":70}},
 {"id":"gc-macd","type":"indicatorCross","interval":"1m","params":{"fast":"COMEX:GC@macd(12,26,9).macd","slow":"COMEX:GC@macd(12,26,9).signal"}},
 {"id":"ratio","type":"ratioZScore","interval":"1h","params":{"numerator":"COMEX:GC","denominator":"COMEX:SI","window":"48","z":2}},
 {"id":"slv-move","type":"percentMove","evaluate":"tick","interval":"1m","params":{"input":"ETF:SLV","window":"PT1H","minPct":1}}]
JSON

export Monitor__Storage__Provider=sqlite Monitor__Storage__Sqlite__Path="$work/monitor.db"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
$cli import ticks "$work/ticks.csv"
quarter=$(python3 -c "import datetime; print((datetime.datetime(2025, 1, 6) + datetime.timedelta(milliseconds=250 * $ticks // 16)).isoformat() + 'Z')")
for to in "$quarter" ""; do
  /usr/bin/time -f "peak resident memory: %M KB" $cli backtest --rules "$work/rules.json" ${to:+--to "$to"} --out "$work/report.json" 2>&1 | grep -v '^backtest: '
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
