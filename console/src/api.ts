// Every request of the console: same origin, the session cookie (HttpOnly, never visible here), the session's
// CSRF token on writes, JSON both ways. A 401 means the session ended: the app returns to sign-in.
const API = '/api/v1';

export interface Reply<T> {
  status: number;
  data: T;
}

let csrfToken: string | null = null;
let onUnauthenticated: () => void = () => undefined;

/** The CSRF token of the current session (from GET/POST /session), or null after sign-out. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** What to do when the API answers 401 (the app shows the sign-in form). */
export function whenUnauthenticated(handler: () => void): void {
  onUnauthenticated = handler;
}

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Calls /api/v1 + path; the data is the parsed JSON (a problem response on 4xx/5xx), null when there is none. */
export async function call<T>(method: Method, path: string, body?: unknown): Promise<Reply<T>> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  const res = await fetch(API + path, {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = (res.status === 204 ? null : await res.json().catch(() => null)) as T;
  if (res.status === 401 && path !== '/session') onUnauthenticated();
  return { status: res.status, data };
}

/** A query string from the defined values (`?a=1&b=x`), or '' when there are none. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}
