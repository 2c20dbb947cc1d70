// Number and time formatting for a board read from across a room: fixed decimals, thin units.

const grouped = new Map<number, Intl.NumberFormat>();

function formatter(decimals: number): Intl.NumberFormat {
  let format = grouped.get(decimals);
  if (!format) {
    format = new Intl.NumberFormat("en-US", { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
    grouped.set(decimals, format);
  }
  return format;
}

/** Enough decimals to see a tick move: 4 under 10, 3 under 100, 2 under 10,000, none above. */
export function price(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) {
    return "–";
  }
  const magnitude = Math.abs(value);
  const decimals = magnitude < 10 ? 4 : magnitude < 100 ? 3 : magnitude < 10_000 ? 2 : 0;
  return formatter(decimals).format(value);
}

export function number(value: number | null | undefined, decimals = 2): string {
  return value === null || value === undefined || !Number.isFinite(value) ? "–" : formatter(decimals).format(value);
}

export function percent(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) {
    return "–";
  }
  return `${value > 0 ? "+" : ""}${formatter(2).format(value)}%`;
}

/** Large quantities in k/M/G so 522,074,356 oz reads as 522.07M oz. */
export function quantity(value: number | null | undefined, unit = ""): string {
  if (value === null || value === undefined || !Number.isFinite(value)) {
    return "–";
  }
  const magnitude = Math.abs(value);
  const [scaled, suffix] = magnitude >= 1e9 ? [value / 1e9, "G"] : magnitude >= 1e6 ? [value / 1e6, "M"] : magnitude >= 1e3 ? [value / 1e3, "k"] : [value, ""];
  const text = formatter(Math.abs(scaled) >= 100 ? 1 : 2).format(scaled) + suffix;
  return unit ? `${text} ${unit}` : text;
}

export function signedQuantity(value: number | null | undefined, unit = ""): string {
  if (value === null || value === undefined || !Number.isFinite(value)) {
    return "–";
  }
  return (value > 0 ? "+" : "") + quantity(value, unit);
}

export function dateTime(iso: string | null | undefined): string {
  if (!iso) {
    return "–";
  }
  return new Date(iso).toISOString().slice(0, 19).replace("T", " ") + "Z";
}

/** "12s ago", "5m ago", "3h ago", then the date. */
export function ago(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) {
    return "";
  }
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (seconds < 60) {
    return `${seconds}s ago`;
  }
  if (seconds < 3600) {
    return `${Math.floor(seconds / 60)}m ago`;
  }
  if (seconds < 86_400) {
    return `${Math.floor(seconds / 3600)}h ago`;
  }
  return dateTime(iso).slice(0, 10);
}

export function direction(value: number | null | undefined): "up" | "down" | "flat" {
  return value === null || value === undefined || value === 0 || !Number.isFinite(value) ? "flat" : value > 0 ? "up" : "down";
}
