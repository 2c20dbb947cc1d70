#!/usr/bin/env bash
# Reads publishers' real files with `monitor import inventory --format ... --dry-run --json` and checks what their
# publishers say they hold. Usage:
#   tests/check-sources.sh SOURCES_DIR GLD_DIR COT_DIR
# SOURCES_DIR holds cme_stocks/*.xls and lme_stocks/*.csv, GLD_DIR the SPDR Gold Trust archive, COT_DIR CFTC
# Commitments of Traders files. Every file must be read, except the scraper's flattened LME month (its metal labels
# are wrong, so it must be rejected). The totals checked are the ones the files' provenance notes list.
set -euo pipefail
if [ $# -ne 3 ]; then
  echo "usage: $0 SOURCES_DIR GLD_DIR COT_DIR" >&2
  exit 2
fi
sources=$1 gld=$2 cot=$3
cd "$(dirname "$0")/.."

monitor=src/Monitor.Cli/bin/Release/net10.0/monitor
[ -x "$monitor" ] || dotnet build src/Monitor.Cli -c Release -v q >/dev/null
out=$(mktemp -d /tmp/check-sources.XXXXXX)
trap 'rm -rf "$out"' EXIT

# read KIND NAME FILE... [-- OPTIONS]: every file must be read (exit 0); values land in $out/NAME.jsonl.
read_files() {
  local kind=$1 name=$2
  shift 2
  if ! "$monitor" import inventory --format "$kind" --dry-run --json "$@" >"$out/$name.jsonl" 2>"$out/$name.err"; then
    echo "FAIL: $kind could not read every file of $name:" >&2
    cat "$out/$name.err" >&2
    exit 1
  fi
}

read_files cme-stocks cme "$sources"/cme_stocks/*.xls
read_files lme-stocks lme "$sources"/lme_stocks/lme_stocks_report_*.csv --as-of 2026-02-02
read_files spdr-gld gld "$gld"/*.csv
read_files cftc-cot cot "$cot"/*.csv
# The CFTC's current-week files (newcot/f_disagg.txt, deafut.txt) are these files' rows without the header row.
mkdir "$out/headerless"
for f in "$cot"/*.csv; do tail -n +2 "$f" >"$out/headerless/$(basename "$f")"; done
read_files cftc-cot cot-headerless "$out"/headerless/*.csv

if "$monitor" import inventory --format lme-stocks --dry-run --json "$sources"/lme_stocks/warrant_*.csv >"$out/warrant.jsonl" 2>"$out/warrant.err"; then
  echo "FAIL: the scraper's mislabelled LME month was read; its labels must not be trusted" >&2
  exit 1
fi
if [ -s "$out/warrant.jsonl" ] || ! grep -q "metal labels are wrong" "$out/warrant.err"; then
  echo "FAIL: the mislabelled LME month was not rejected for its labels, or values were printed:" >&2
  head -5 "$out/warrant.err" >&2
  exit 1
fi

python3 - "$out" <<'PY'
import collections, json, sys

out = sys.argv[1]
failures = []

def load(name):
    with open(f"{out}/{name}.jsonl") as f:
        return [json.loads(line) for line in f if line.strip()]

def value(rows, **where):
    found = [r["quantity"] for r in rows if all(r.get(k) == v for k, v in where.items())]
    if len(found) != 1:
        failures.append(f"expected one value for {where}, found {len(found)}")
        return None
    return found[0]

def expect(what, actual, expected, tolerance=0.0005):
    if actual is None or abs(actual - expected) > tolerance:
        failures.append(f"{what}: expected {expected}, got {actual}")

def expect_totals_are_sums(rows, what):
    # The grand total of each (file, instrument, series, asOf) is the sum of its locations.
    totals, sums = {}, collections.defaultdict(float)
    for r in rows:
        key = (r["file"], r["instrument"], r["series"], r["asOf"])
        if r["location"] is None:
            totals[key] = r["quantity"]
        else:
            sums[key] += r["quantity"]
    for key, total in totals.items():
        if abs(total - sums[key]) > 0.01:
            failures.append(f"{what} {key}: total {total} is not the sum of the locations, {sums[key]}")
    if not totals:
        failures.append(f"{what}: no totals")

# CME: gold, activity date 11/26/2025 (the 12-01 download); the 12-06 and 12-07 downloads repeat 12/4/2025.
cme = load("cme")
gold = dict(file="Gold_Stocks_20251201.xls", instrument="COMEX:GC", location=None, asOf="2025-11-26")
registered = value(cme, series="registered", **gold)
eligible = value(cme, series="eligible", **gold)
expect("CME gold total registered", registered, 18112393.509)
expect("CME gold total eligible", eligible, 18244709.434)
expect("CME gold combined total", (registered or 0) + (eligible or 0), 36357102.943)
for name, day in [("Gold_Stocks_20251205.xls", "2025-12-04"), ("Gold_Stocks_20251206.xls", "2025-12-04"), ("Gold_Stocks_20251207.xls", "2025-12-04")]:
    days = {r["asOf"] for r in cme if r["file"] == name}
    if days != {day}:
        failures.append(f"{name}: activity date {days}, expected {day} (never the download date in the name)")
silver = {r["file"] for r in cme if r["instrument"] == "COMEX:SI"}
if len(silver) != 3:
    failures.append(f"CME silver: expected 3 files of COMEX:SI, got {sorted(silver)}")
expect_totals_are_sums(cme, "CME")

# LME, 2026-02-02 closing stocks.
lme = load("lme")
for instrument, tonnes in [("LME:NI", 285528), ("LME:AH", 495175), ("LME:ZS", 108975), ("LME:PB", 232850), ("LME:NA", 120), ("LME:CA", 176125)]:
    expect(f"LME {instrument} closing stocks", value(lme, instrument=instrument, series="stocks", location=None, asOf="2026-02-02"), tonnes)
expect_totals_are_sums(lme, "LME")
if len({r["instrument"] for r in lme}) != 9:
    failures.append(f"LME: expected the nine metals, got {sorted({r['instrument'] for r in lme})}")

# SPDR: 5,337 days, 175 HOLIDAY and 2 NYSE Closed rows skipped.
gld = load("gld")
expect("GLD holdings values", len(gld), 5337 - 175 - 2, 0)
expect("GLD holdings 2004-11-18", value(gld, asOf="2004-11-18"), 260000.00)
expect("GLD holdings 2025-05-23", value(gld, asOf="2025-05-23"), 29657980.61)

# CFTC: disaggregated 11 weeks and legacy 10 weeks, five metals, four series each.
cot = load("cot")
disagg = [r for r in cot if r["file"].startswith("disagg")]
legacy = [r for r in cot if r["file"].startswith("legacy")]
expect("COT disaggregated values", len(disagg), 11 * 5 * 4, 0)
expect("COT legacy values", len(legacy), 10 * 5 * 4, 0)
pa = dict(instrument="NYMEX:PA", asOf="2021-03-16")
expect("COT palladium open interest", value(disagg, series="openInterest", **pa), 9709)
expect("COT palladium managed money long", value(disagg, series="mmLong", **pa), 4342)
expect("COT palladium managed money short", value(disagg, series="mmShort", **pa), 2101)
expect("COT palladium managed money net", value(disagg, series="mmNet", **pa), 2241)
gc = dict(instrument="COMEX:GC", asOf="2025-03-11")
expect("COT gold non-commercial long", value(legacy, series="ncLong", **gc), 296172)
expect("COT gold non-commercial short", value(legacy, series="ncShort", **gc), 60072)

def without_file(rows):
    return sorted(json.dumps({k: v for k, v in r.items() if k != "file"}, sort_keys=True) for r in rows)
if without_file(load("cot-headerless")) != without_file(cot):
    failures.append("COT: the files without their header row (as the current week's files come) read differently")

if failures:
    print("FAIL: " + "\nFAIL: ".join(failures), file=sys.stderr)
    sys.exit(1)
print(f"publishers' files: {len(cme)} CME, {len(lme)} LME, {len(gld)} SPDR and {len(cot)} CFTC values read and checked")
PY
