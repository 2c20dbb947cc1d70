// HTTP API client: sends the viewer's key, turns RFC 7807 problem details into ApiError with per-field errors.
import { getKey } from "./keys";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly errors: Record<string, string[]> = {},
  ) {
    super(detail || title || `HTTP ${status}`);
  }

  /** 404 on a collection route: the server does not have this part of the contract (yet). */
  get notAvailable(): boolean {
    return this.status === 404;
  }
}

export async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json" };
  const key = getKey();
  if (key) {
    headers["X-Api-Key"] = key;
  }
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
  }
  let response: Response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: "no-store" });
  } catch {
    throw new ApiError(0, "Offline", "The server cannot be reached.");
  }
  const text = await response.text();
  const parsed: unknown = text ? safeParse(text) : undefined;
  if (!response.ok) {
    const problem = (parsed ?? {}) as { title?: string; detail?: string; errors?: Record<string, string[]> };
    throw new ApiError(response.status, problem.title ?? response.statusText, problem.detail ?? "", problem.errors ?? {});
  }
  return parsed as T;
}

export const get = <T>(path: string): Promise<T> => request<T>("GET", path);
export const post = <T>(path: string, body?: unknown): Promise<T> => request<T>("POST", path, body ?? {});
export const put = <T>(path: string, body: unknown): Promise<T> => request<T>("PUT", path, body);
export const del = (path: string): Promise<void> => request<void>("DELETE", path);

export const encode = encodeURIComponent;

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** What a person should read for a failed call. */
export function describe(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 401) {
      return "This needs an API key: add one in Settings.";
    }
    if (error.status === 403) {
      return `Your key cannot do this. ${error.detail}`.trim();
    }
    return error.detail || error.title;
  }
  return error instanceof Error ? error.message : String(error);
}
