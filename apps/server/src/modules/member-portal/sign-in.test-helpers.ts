import { vi } from 'vitest';
import type { TestApp } from '../../test/app.ts';

/**
 * Signs a phone in through the real SMS flow, reading the code where development puts it: the server log
 * (tests spy on the logger, as the browser test reads the server's output).
 */
export async function signInBySms(t: TestApp, brand: string, phone: string, options: { session?: 'cookie' | 'bearer'; ip?: string } = {}) {
  const code = await requestCode(t, brand, phone, options.ip);
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/me/auth/sms/verify', payload: { brand, phone, code, session: options.session ?? 'bearer' }, remoteAddress: options.ip });
  if (res.statusCode !== 200) throw new Error(`sign-in failed: ${res.statusCode} ${res.body}`);
  const body = res.json() as { member_id: string; token: string | null; created: boolean };
  const cookie = res.cookies.find((c) => c.name === 'hearth_member')?.value;
  return { ...body, auth: { authorization: `Bearer ${body.token}` }, cookie };
}

/** Asks for a code and returns it from the log line; throws with the answer when none was sent. */
export async function requestCode(t: TestApp, brand: string, phone: string, ip?: string): Promise<string> {
  const spy = vi.spyOn(t.deps.log, 'info');
  try {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/me/auth/sms/code', payload: { brand, phone }, remoteAddress: ip });
    if (res.statusCode !== 200) throw Object.assign(new Error(`code refused: ${res.statusCode} ${res.body}`), { response: res });
    const call = spy.mock.calls.find((c) => typeof c[0] === 'object' && c[0] !== null && 'sign_in_code' in (c[0] as object));
    return (call![0] as { sign_in_code: string }).sign_in_code;
  } finally {
    spy.mockRestore();
  }
}
