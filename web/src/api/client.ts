/**
 * The dashboard's only way to the server: JSON over fetch with the signed-in key as a Bearer
 * header. The key never goes into a URL (no query parameter, no fragment), so it stays out of
 * logs, history and Referer headers.
 */

export type QueryValue = string | number | boolean | undefined | null | readonly (string | number)[];

/** An answer the API gave as `{ error: { code, message, details } }`, or a network failure (status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown = null,
  ) {
    super(message);
  }
}

/** Build `path?query` with every value percent-encoded; undefined/null/'' values are left out. */
export function withQuery(path: string, query: Record<string, QueryValue> = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v)) for (const item of v) params.append(k, String(item));
    else params.append(k, String(v));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

/** `/api/v1/models/<id>` with the id segment encoded. */
export const segment = (value: string): string => encodeURIComponent(value);

export interface Api {
  get<T>(path: string, query?: Record<string, QueryValue>, signal?: AbortSignal): Promise<T>;
  send<T>(method: 'POST' | 'PATCH' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T>;
}

/**
 * An API client for a key. `onUnauthorized` runs when the server rejects the key (revoked,
 * unknown): the app signs out.
 */
export function createApi(key: string, onUnauthorized: () => void, base = ''): Api {
  async function request<T>(method: string, path: string, body: unknown, signal?: AbortSignal): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${key}`, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal, credentials: 'omit', cache: 'no-store' });
    } catch (e) {
      if ((e as Error).name === 'AbortError') throw e;
      throw new ApiError(0, 'network', 'the server cannot be reached');
    }
    const text = await res.text();
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON: handled below */
    }
    if (!res.ok) {
      const err = (parsed as { error?: { code?: string; message?: string; details?: unknown } } | null)?.error;
      if (res.status === 401) onUnauthorized();
      throw new ApiError(res.status, err?.code ?? `http_${res.status}`, err?.message ?? `${res.status} ${res.statusText}`, err?.details ?? null);
    }
    return parsed as T;
  }
  return {
    get: (path, query, signal) => request('GET', withQuery(path, query), undefined, signal),
    send: (method, path, body) => request(method, path, body),
  };
}
