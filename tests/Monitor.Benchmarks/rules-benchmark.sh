#!/usr/bin/env bash
# Ingest throughput of the live service without rules and with 1,000 rules over every simulated instrument, one
# after the other on fresh servers (service-benchmark.sh's ingest phase). The rules evaluate on minute bars: 70% over
# one instrument (run in its grain), 30% over two (each in a rule grain of its own, fed by both instruments' grains).
# Usage: tests/Monitor.Benchmarks/rules-benchmark.sh [DURATION] [extra server settings...]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
rules=$(mktemp /tmp/monitor-bench-rules.XXXXXX.json)
trap 'rm -f "$rules"' EXIT
python3 - "$rules" "${RULE_KINDS:-0123456789}" <<'PY'
import json, sys
instruments = ["LME:CA", "LME:CA.CASH", "LME:AH", "COMEX:HG", "COMEX:SI", "COMEX:GC", "NYMEX:PL", "NYMEX:PA", "ETF:SLV",
               "ETF:GLD", "ETF:SIL", "ETF:GDX", "ETF:COPX", "ETF:REMX", "ETF:SMH", "ETF:LIT", "ETF:URA", "ETF:XME"]
def params(kind, a, b):
    return [
        {"type": "threshold", "params": {"input": a, "op": "above", "value": 1e9}},
        {"type": "threshold", "params": {"input": a + "@rsi(14)", "op": "above", "value": 80}},
        {"type": "percentMove", "params": {"input": a, "window": "30", "minPct": 5}},
        {"type": "indicatorCross", "params": {"fast": a + "@macd(12,26,9).macd", "slow": a + "@macd(12,26,9).signal"}},
        {"type": "rsiDivergence", "params": {"input": a, "lookback": 20}},
        {"type": "threshold", "params": {"input": a + "@bb(20,2).percentB", "op": "above", "value": 1.5}},
        {"type": "percentMove", "params": {"input": a, "window": "PT10M", "minPct": 4}},
        {"type": "ratioZScore", "params": {"numerator": a, "denominator": b, "window": "60", "z": 4}},
        {"type": "spread", "params": {"near": a, "far": b, "op": "above", "value": 1e9}},
        {"type": "ratioZScore", "params": {"numerator": a, "denominator": b, "window": "PT30M", "z": 5}},
    ][kind]
rules = []
kinds = [int(k) for k in sys.argv[2]]
for i in range(1000):
    if i % 10 not in kinds:
        continue
    a = instruments[i % len(instruments)]
    b = instruments[(i // len(instruments) + 1 + i) % len(instruments)]
    b = b if b != a else instruments[(i + 1) % len(instruments)]
    rule = {"id": f"bench-{i:04d}", "interval": "1m", "severity": "info"}
    rule.update(params(i % 10, a, b))
    rules.append(rule)
json.dump(rules, open(sys.argv[1], "w"))
PY
echo "== without rules" >&2
PHASES=ingest "$here/service-benchmark.sh" "$@"
echo "== with 1,000 rules" >&2
PHASES=ingest RULES=$rules "$here/service-benchmark.sh" "$@"
