import { CSRF_HEADER } from '@hearth/contracts/auth';
import type { Problem } from '@hearth/contracts/common';

/** A problem+json answer from the server, thrown by every API call that fails. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Partial<Problem>,
  ) {
    super(problem.detail ?? problem.title ?? `HTTP ${status}`);
  }

  get code() {
    return this.problem.code ?? 'UNKNOWN';
  }

  /** Field errors keyed by field path, for form items. */
  get fieldErrors(): Record<string, string> {
    return Object.fromEntries((this.problem.errors ?? []).map((e) => [e.field, e.message]));
  }
}

let onUnauthenticated: () => void = () => {};
export function setUnauthenticatedHandler(handler: () => void) {
  onUnauthenticated = handler;
}

interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  /** Raw text body with its content type (CSV import). */
  text?: { body: string; contentType: string };
  /** Send an Idempotency-Key so a double click or a retry never creates twice. */
  idempotent?: boolean;
}

export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = {};
  let body: string | undefined;
  if (options.text) {
    headers['content-type'] = options.text.contentType;
    body = options.text.body;
  } else if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  // The session cookie authenticates the console; writes must prove they come from this page.
  if (method !== 'GET') headers[CSRF_HEADER] = '1';
  if (options.idempotent) headers['idempotency-key'] = crypto.randomUUID();
  const response = await fetch(`/api/v1${path}`, { method, headers, body, credentials: 'include' });
  if (response.status === 204) return undefined as T;
  const payload: unknown = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = new ApiError(response.status, payload as Partial<Problem>);
    if (response.status === 401 && !path.startsWith('/auth/login')) onUnauthenticated();
    throw error;
  }
  return payload as T;
}

export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

export function query(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}
