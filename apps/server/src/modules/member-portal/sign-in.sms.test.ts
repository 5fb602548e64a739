import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestApp, createTestTenant, type TestApp, type TestTenant } from '../../test/app.ts';
import { startSmsFake } from '../messaging/test-peers/fakes.ts';

describe('member sign-in codes through the brand’s SMS provider', () => {
  const creds = { aliyun: { id: 'LTAI-test', secret: 'aliyun-secret-1' }, tencent: { id: 'AKID-test', secret: 'tencent-secret-1' } };
  let t: TestApp;
  let a: TestTenant;
  let fake: Awaited<ReturnType<typeof startSmsFake>>;

  beforeAll(async () => {
    fake = await startSmsFake(creds);
    t = await createTestApp({ env: { HEARTH_SECRETS_KEY: Buffer.alloc(32, 9).toString('base64') } });
    a = await createTestTenant(t.deps);
  });
  afterAll(async () => {
    await t.close();
    await fake.close();
  });

  it('sends the code as a transactional SMS with the sign-in template, keeps it out of the log, and signs in with it', async () => {
    const res = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/messaging/channels/aliyun_sms',
      headers: a.auth,
      payload: { enabled: true, settings: { access_key_id: creds.aliyun.id, base_url: fake.url, sign_name: '炉火', sign_in_template: 'SMS_000001' }, secrets: { access_key_secret: creds.aliyun.secret } },
    });
    expect(res.statusCode, res.body).toBe(200);
    const info = vi.spyOn(t.deps.log, 'info');
    const sent = await t.app.inject({ method: 'POST', url: '/api/v1/me/auth/sms/code', payload: { brand: a.slug, phone: '13912345678' } });
    expect(sent.statusCode, sent.body).toBe(200);
    expect(info.mock.calls.some((c) => JSON.stringify(c).includes('sign_in_code'))).toBe(false);
    info.mockRestore();
    expect(fake.accepted).toHaveLength(1);
    const { phone, params } = fake.accepted[0]!;
    expect(phone).toBe('13912345678');
    const code = (params as { code: string }).code;
    expect(code).toMatch(/^\d{6}$/);
    const ok = await t.app.inject({ method: 'POST', url: '/api/v1/me/auth/sms/verify', payload: { brand: a.slug, phone: '13912345678', code, session: 'bearer' } });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().created).toBe(true);
  });
});
