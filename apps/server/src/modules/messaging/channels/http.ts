import { DeliveryError } from './adapter.ts';

/** fetch with a timeout; a network failure or timeout is a transient delivery error. */
export async function post(url: string, init: RequestInit & { timeoutMs?: number }): Promise<{ status: number; text: string; headers: Headers }> {
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(init.timeoutMs ?? 15_000) });
    return { status: response.status, text: await response.text(), headers: response.headers };
  } catch (error) {
    throw new DeliveryError('PROVIDER_UNREACHABLE', `${new URL(url).host}: ${(error as Error).message}`, false);
  }
}

export function parseJson<T>(text: string, provider: string): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new DeliveryError('PROVIDER_BAD_RESPONSE', `${provider} answered something that is not JSON: ${text.slice(0, 200)}`, false);
  }
}
