#!/usr/bin/env bash
# Ingest throughput of the live service without rules, with 1,000 built-in rules and with the same 1,000 rules written
# as expressions (type "expression"), over every simulated instrument, one after the other on fresh servers in one run
# (service-benchmark.sh's ingest phase). The rules evaluate on minute bars: 70% over one instrument (run in its grain),
# 30% over two (each in a rule grain of its own, fed by both instruments' grains).
# Usage: tests/Monitor.Benchmarks/rules-benchmark.sh [DURATION] [extra server settings...]
# FORMS="builtIn expression" (default) chooses the rule phases; RULE_KINDS keeps some of the ten kinds (default all).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
builtin=$(mktemp /tmp/monitor-bench-rules.XXXXXX.json)
expression=$(mktemp /tmp/monitor-bench-expressions.XXXXXX.json)
trap 'rm -f "$builtin" "$expression"' EXIT
python3 - "$builtin" "$expression" "${RULE_KINDS:-0123456789}" <<'PY'
import json, sys
instruments = ["LME:CA", "LME:CA.CASH", "LME:AH", "COMEX:HG", "COMEX:SI", "COMEX:GC", "NYMEX:PL", "NYMEX:PA", "ETF:SLV",
               "ETF:GLD", "ETF:SIL", "ETF:GDX", "ETF:COPX", "ETF:REMX", "ETF:SMH", "ETF:LIT", "ETF:URA", "ETF:XME"]
def builtin(kind, a, b):
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
def expression(kind, a, b):
    macd = f"{a}@macd(12,26,9)"
    return {"type": "expression", "params": {"condition": [
        f"{a} > 1e9",
        f"{a}@rsi(14) > 80",
        f"pctChange({a}, 30) >= 5 or pctChange({a}, 30) <= -5",
        f"crossesAbove({macd}.macd, {macd}.signal) or crossesBelow({macd}.macd, {macd}.signal)",
        # rsiDivergence has no expression equivalent: a new 20-bar high on an RSI above 80 stands in for it.
        f"{a}@rsi(14) > 80 and max({a}, 20) > previous(max({a}, 20), 1)",
        f"{a}@bb(20,2).percentB > 1.5",
        f"pctChange({a}, PT10M) >= 4 or pctChange({a}, PT10M) <= -4",
        f"zscore({a} / {b}, 60) >= 4 or zscore({a} / {b}, 60) <= -4",
        f"{a} - {b} > 1e9",
        f"zscore({a} / {b}, PT30M) >= 5 or zscore({a} / {b}, PT30M) <= -5",
    ][kind]}}
forms = {sys.argv[1]: builtin, sys.argv[2]: expression}
kinds = [int(k) for k in sys.argv[3]]
for path, form in forms.items():
    rules = []
    for i in range(1000):
        if i % 10 not in kinds:
            continue
        a = instruments[i % len(instruments)]
        b = instruments[(i // len(instruments) + 1 + i) % len(instruments)]
        b = b if b != a else instruments[(i + 1) % len(instruments)]
        rule = {"id": f"bench-{i:04d}", "interval": "1m", "severity": "info"}
        rule.update(form(i % 10, a, b))
        rules.append(rule)
    json.dump(rules, open(path, "w"))
PY
echo "== without rules" >&2
PHASES=ingest "$here/service-benchmark.sh" "$@"
for form in ${FORMS:-builtIn expression}; do
    file=$builtin
    [ "$form" = expression ] && file=$expression
    echo "== with 1,000 $form rules" >&2
    PHASES=ingest RULES=$file "$here/service-benchmark.sh" "$@"
done
