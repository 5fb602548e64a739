import { CSRF_HEADER } from '@hearth/contracts/auth';
import type { Problem } from '@hearth/contracts/common';
import { rememberTimeZone } from './dates.ts';

/** A problem+json answer from the server. */
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

  /** The first field error's code (invalid_phone, wrong_code …), for a precise message. */
  get fieldCode() {
    return this.problem.errors?.[0]?.code;
  }
}

let onUnauthenticated: () => void = () => {};
export function setUnauthenticatedHandler(handler: () => void) {
  onUnauthenticated = handler;
}

/** Calls /api/v1/me… with the member's cookie; writes prove they come from this page and may not repeat. */
export async function api<T>(path: string, options: { method?: 'GET' | 'POST' | 'PUT' | 'PATCH'; body?: unknown } = {}): Promise<T> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = {};
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') {
    headers[CSRF_HEADER] = '1';
    headers['idempotency-key'] = crypto.randomUUID();
  }
  const response = await fetch(`/api/v1${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body), credentials: 'include' });
  rememberTimeZone(response.headers.get('x-hearth-time-zone'));
  if (response.status === 204) return undefined as T;
  const payload: unknown = await response.json().catch(() => ({}));
  if (!response.ok) {
    if (response.status === 401 && !path.startsWith('/me/auth/')) onUnauthenticated();
    throw new ApiError(response.status, payload as Partial<Problem>);
  }
  return payload as T;
}

export function fen(value: number): string {
  return `¥${(value / 100).toFixed(2)}`;
}
