// The viewer's API key (README, The board): taken once from a `key` query parameter, kept in the browser's storage,
// and removed from the address bar so it is not left in history, bookmarks or screenshots.

const storageKey = "monitor.apiKey";
const nameKey = "monitor.ackName";

export function captureKeyFromAddress(): void {
  const url = new URL(window.location.href);
  const key = url.searchParams.get("key");
  if (key === null) {
    return;
  }
  setKey(key);
  url.searchParams.delete("key");
  window.history.replaceState(window.history.state, "", url.pathname + url.search + url.hash);
}

export function getKey(): string | null {
  return localStorage.getItem(storageKey);
}

export function setKey(key: string | null): void {
  const trimmed = key?.trim();
  if (trimmed) {
    localStorage.setItem(storageKey, trimmed);
  } else {
    localStorage.removeItem(storageKey);
  }
}

/** The name last used to acknowledge an alert, offered again next time. */
export function getAckName(): string {
  return localStorage.getItem(nameKey) ?? "";
}

export function setAckName(name: string): void {
  localStorage.setItem(nameKey, name.trim());
}
