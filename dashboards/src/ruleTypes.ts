// The params of each rule type (docs/api.md, Rules), for a form per type. The server validates; these only shape the
// form and give examples. Optional age limits apply to every type.

export type FieldKind = "input" | "series" | "window" | "number" | "integer" | "choice" | "text";

export interface ParamField {
  name: string;
  kind: FieldKind;
  required: boolean;
  example?: string;
  choices?: string[];
  help?: string;
}

const req = (name: string, kind: FieldKind, example?: string, choices?: string[], help?: string): ParamField => ({ name, kind, required: true, example, choices, help });
const opt = (name: string, kind: FieldKind, example?: string, choices?: string[], help?: string): ParamField => ({ name, kind, required: false, example, choices, help });

const inputHelp = "INSTRUMENT (price), INSTRUMENT/series (inventory) or INSTRUMENT@indicator";

export const ruleTypes: Record<string, ParamField[]> = {
  threshold: [req("input", "input", "COMEX:SI", undefined, inputHelp), req("op", "choice", undefined, ["above", "below", "crossesAbove", "crossesBelow"]), req("value", "number", "100")],
  percentMove: [req("input", "input", "COMEX:SI", undefined, inputHelp), req("window", "window", "PT4H"), req("minPct", "number", "3")],
  indicatorCross: [req("fast", "input", "COMEX:GC@macd(12,26,9).macd"), req("slow", "input", "COMEX:GC@macd(12,26,9).signal"), opt("direction", "choice", undefined, ["both", "up", "down"])],
  priceFlowDivergence: [
    req("price", "input", "COMEX:SI"),
    req("flow", "series", "ETF:SLV/holdings"),
    req("window", "window", "P15D"),
    req("minPriceChangePct", "number", "20"),
    req("minFlowChangePct", "number", "1.5"),
    opt("direction", "choice", undefined, ["both", "bearish", "bullish"]),
  ],
  inventoryDrawdown: [req("input", "series", "COMEX:SI/registered"), req("window", "window", "P10D"), opt("minPerDay", "number", "2000000", undefined, "give minPerDay or minPct"), opt("minPct", "number", "10"), opt("unit", "text", "oz")],
  crossVenueFlow: [req("from", "series", "COMEX:SI/registered"), req("to", "series", "COMEX:SI/vault"), req("window", "window", "P10D"), req("minTransfer", "number", "10000000"), opt("unit", "text", "oz")],
  ratioZScore: [req("numerator", "input", "COMEX:GC"), req("denominator", "input", "COMEX:SI"), req("window", "window", "60"), req("z", "number", "2")],
  spread: [req("near", "input", "LME:CA"), req("far", "input", "COMEX:HG"), req("op", "choice", undefined, ["backwardation", "contango", "above", "below"]), opt("value", "number", "0", undefined, "for above/below")],
  stockToUse: [req("input", "series", "LME:CA/stocks"), req("annualUse", "number", "26000000"), req("maxDays", "number", "5"), opt("unit", "text", "t")],
  rsiDivergence: [req("input", "input", "COMEX:SI"), opt("period", "integer", "14"), req("lookback", "integer", "20")],
  expression: [
    req("condition", "text", "pctChange(COMEX:SI, P10D) >= 8 and pctChange(ETF:SLV/holdings, P10D) <= -1", undefined, "the rule language: docs/api.md, Rules"),
    opt("message", "text", "SLV {pctChange(ETF:SLV/holdings, P10D)}%"),
  ],
};

export const ageFields: ParamField[] = [
  opt("maxInputAge", "window", "PT2H", undefined, "stale input after this age"),
  opt("maxPriceAge", "window", "PT10M"),
  opt("maxInventoryAge", "window", "P40D"),
];

export const severities = ["info", "warning", "critical"];
export const evaluations = ["bar", "tick"];
