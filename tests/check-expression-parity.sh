#!/usr/bin/env bash
# Built-in rules and the same rules written as expressions (type "expression") raise the same alerts on real market
# histories: `monitor backtest` runs both over the same ticks and inventory, and every alert (id, state, times) must
# match, with every rule firing at least once. Usage:
#   tests/check-expression-parity.sh MARKET_DIR
# MARKET_DIR holds futures_yf_daily (COMEX silver and gold), etf_close_long (SLV, GLD), slv_shares_outstanding (SLV
# holdings), gld_holdings (GLD's ounces) and comex_silver_inventory_2026 (COMEX silver registered and spot, January 2026).
set -euo pipefail
if [ $# -ne 1 ]; then
  echo "usage: $0 MARKET_DIR" >&2
  exit 2
fi
market=$1
cd "$(dirname "$0")/.."

monitor=src/Monitor.Cli/bin/Release/net10.0/monitor
[ -x "$monitor" ] || dotnet build src/Monitor.Cli -c Release -v q >/dev/null
out=$(mktemp -d /tmp/check-expression-parity.XXXXXX)
trap 'rm -rf "$out"' EXIT

python3 - "$market" "$out" <<'PY'
import csv, json, os, sys
from datetime import datetime, timedelta
market, out = sys.argv[1], sys.argv[2]

ticks = []
def daily(path, instrument, date=lambda d: d[:10]):
    with open(os.path.join(market, path)) as f:
        for row in csv.DictReader(f):
            if row.get("Close"):
                ticks.append((f"{date(row['Date'])}T21:00:00Z", instrument, float(row["Close"])))
daily("futures_yf_daily/SI=F.csv", "COMEX:SI")
daily("futures_yf_daily/GC=F.csv", "COMEX:GC")
daily("etf_close_long/SLV.csv", "ETF:SLV")
daily("etf_close_long/GLD.csv", "ETF:GLD")
# January 2026 silver: spot snapshots stand for COMEX:SI where the futures history ends.
with open(os.path.join(market, "comex_silver_inventory_2026/spot_prices.csv")) as f:
    for row in csv.DictReader(f):
        ticks.append((row["timestamp"].replace(" ", "T") + "Z", "COMEX:SI", float(row["price_usd"])))
ticks.sort()
with open(os.path.join(out, "ticks.csv"), "w") as f:
    f.write("ts,instrument,price\n")
    for ts, instrument, price in ticks:
        f.write(f"{ts},{instrument},{price}\n")

inventory = []
def next_morning(day):
    return (datetime.strptime(day, "%Y-%m-%d") + timedelta(days=1)).strftime("%Y-%m-%dT01:00:00Z")
with open(os.path.join(market, "slv_shares_outstanding/slv_holdings_derived_approx.csv")) as f:
    for row in csv.DictReader(f):
        inventory.append((next_morning(row["date"]), "ETF:SLV", "holdings", row["date"], row["troy_oz_approx"]))
with open(os.path.join(market, "gld_holdings/GLD_US_archive_EN.csv")) as f:
    reader = csv.reader(f)
    header = [h.strip() for h in next(reader)]
    ounces = header.index("Total Net Asset Value Ounces in the Trust as at 4.15 p.m. NYT")
    for row in reader:
        try:
            day = datetime.strptime(row[0].strip(), "%d-%b-%Y").strftime("%Y-%m-%d")
            quantity = float(row[ounces].strip().replace(",", ""))
        except (ValueError, IndexError):
            continue
        if quantity > 0:
            inventory.append((next_morning(day), "ETF:GLD", "holdings", day, quantity))
with open(os.path.join(market, "comex_silver_inventory_2026/inventory.csv")) as f:
    for row in csv.DictReader(f):
        published = row["timestamp"].replace(" ", "T") + "Z"
        inventory.append((published, "COMEX:SI", "registered", row["timestamp"][:10], row["registered_oz"]))
inventory.sort()
with open(os.path.join(out, "inventory.csv"), "w") as f:
    f.write("publishedAt,instrument,series,asOf,quantity,unit\n")
    for published, instrument, series, as_of, quantity in inventory:
        f.write(f"{published},{instrument},{series},{as_of},{quantity},oz\n")

# Each built-in rule and its expression, written as a person would write it.
rules = [
    ("slv-rsi-high", "1d", {"type": "threshold", "params": {"input": "ETF:SLV@rsi(14)", "op": "above", "value": 75}},
     "ETF:SLV@rsi(14) > 75"),
    ("gld-cross-2000", "1d", {"type": "threshold", "params": {"input": "ETF:GLD", "op": "crossesAbove", "value": 200}},
     "crossesAbove(ETF:GLD, 200)"),
    ("slv-move", "1d", {"type": "percentMove", "params": {"input": "ETF:SLV", "window": "P10D", "minPct": 10}},
     "pctChange(ETF:SLV, P10D) >= 10 or pctChange(ETF:SLV, P10D) <= -10"),
    ("gld-ema-cross", "1d", {"type": "indicatorCross", "params": {"fast": "ETF:GLD@ema(10)", "slow": "ETF:GLD@ema(50)"}},
     "crossesAbove(ETF:GLD@ema(10), ETF:GLD@ema(50)) or crossesBelow(ETF:GLD@ema(10), ETF:GLD@ema(50))"),
    ("slv-divergence", "1d", {"type": "priceFlowDivergence", "params": {"price": "ETF:SLV", "flow": "ETF:SLV/holdings", "window": "P15D", "minPriceChangePct": 10, "minFlowChangePct": 1}},
     "(pctChange(ETF:SLV, P15D) >= 10 and pctChange(ETF:SLV/holdings, P15D) <= -1) or (pctChange(ETF:SLV, P15D) <= -10 and pctChange(ETF:SLV/holdings, P15D) >= 1)"),
    ("gld-drawdown", "1d", {"type": "inventoryDrawdown", "params": {"input": "ETF:GLD/holdings", "window": "P10D", "minPct": 3}},
     "pctChange(ETF:GLD/holdings, P10D) <= -3"),
    ("slv-outflow", "1d", {"type": "inventoryDrawdown", "params": {"input": "ETF:SLV/holdings", "window": "P10D", "minPerDay": 1, "unit": "moz"}},
     "perDay(ETF:SLV/holdings, P10D) <= -1 moz"),
    ("comex-drain", "1h", {"type": "inventoryDrawdown", "params": {"input": "COMEX:SI/registered", "window": "PT24H", "minPerDay": 0.5, "unit": "moz"}},
     "perDay(COMEX:SI/registered, PT24H) <= -0.5 moz"),
    ("gld-to-slv", "1d", {"type": "crossVenueFlow", "params": {"from": "ETF:GLD/holdings", "to": "ETF:SLV/holdings", "window": "P10D", "minTransfer": 0.2, "unit": "moz"}},
     "change(ETF:GLD/holdings, P10D) <= -0.2 moz and change(ETF:SLV/holdings, P10D) >= 0.2 moz"),
    ("gold-silver-z", "1d", {"type": "ratioZScore", "params": {"numerator": "COMEX:GC", "denominator": "COMEX:SI", "window": "60", "z": 2.5}},
     "zscore(COMEX:GC / COMEX:SI, 60) >= 2.5 or zscore(COMEX:GC / COMEX:SI, 60) <= -2.5"),
    ("gld-slv-spread", "1d", {"type": "spread", "params": {"near": "ETF:GLD", "far": "ETF:SLV", "op": "above", "value": 300}},
     "ETF:GLD - ETF:SLV > 300"),
    ("slv-stock-to-use", "1d", {"type": "stockToUse", "params": {"input": "ETF:SLV/holdings", "annualUse": 1000000000, "maxDays": 150, "unit": "oz"}},
     "ETF:SLV/holdings / (1000000000 oz / 365) < 150"),
]
builtin, expression = [], []
for rule_id, interval, definition, condition in rules:
    builtin.append({"id": rule_id, "interval": interval, **definition})
    expression.append({"id": rule_id, "interval": interval, "type": "expression", "params": {"condition": condition}})
json.dump(builtin, open(os.path.join(out, "builtin.json"), "w"))
json.dump(expression, open(os.path.join(out, "expression.json"), "w"))
print(f"{len(ticks)} ticks, {len(inventory)} inventory values, {len(rules)} rules")
PY

for form in builtin expression; do
  if ! "$monitor" backtest --rules "$out/$form.json" --ticks "$out/ticks.csv" --inventory "$out/inventory.csv" \
      --out "$out/$form.report.json" >"$out/$form.log" 2>&1; then
    echo "FAIL: the $form backtest did not run:" >&2
    cat "$out/$form.log" >&2
    exit 1
  fi
done

python3 - "$out" <<'PY'
import json, os, sys
out = sys.argv[1]
def alerts(form):
    report = json.load(open(os.path.join(out, f"{form}.report.json")))
    return [(a["id"], a["ruleId"], a["state"], a["startedAt"], a["firedAt"], a["resolvedAt"]) for a in report["alerts"]]
builtin, expression = alerts("builtin"), alerts("expression")
rules = [r["id"] for r in json.load(open(os.path.join(out, "builtin.json")))]
failed = False
for rule in rules:
    b = sorted(a for a in builtin if a[1] == rule)
    e = sorted(a for a in expression if a[1] == rule)
    fired = sum(1 for a in b if a[4] is not None)
    same = b == e
    print(f"{'ok  ' if same and fired else 'FAIL'} {rule}: {len(b)} alerts ({fired} fired) built-in, {len(e)} as an expression")
    if not same:
        only_b, only_e = set(b) - set(e), set(e) - set(b)
        print("     only built-in:", sorted(only_b)[:3], "\n     only expression:", sorted(only_e)[:3])
    failed |= not same or fired == 0
sys.exit(1 if failed else 0)
PY
