import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestTenant, type TestApp, type TestTenant } from '../../test/app.ts';
import { closeEmailTransports } from './channels/email.ts';
import { startSmtpPeer } from './test-peers/smtp-peer.ts';

describe('messaging: test send from the channel settings', () => {
  let t: TestApp;
  let a: TestTenant;
  let smtp: Awaited<ReturnType<typeof startSmtpPeer>>;
  const req = (method: 'POST' | 'PUT', url: string, payload?: object) => t.app.inject({ method, url, payload, headers: a.auth });

  beforeAll(async () => {
    t = await createTestApp({ env: { HEARTH_SECRETS_KEY: crypto.randomBytes(32).toString('base64') } });
    a = await createTestTenant(t.deps);
    smtp = await startSmtpPeer();
  });
  afterAll(async () => {
    closeEmailTransports();
    await smtp.close();
    await t.close();
  });

  it('sends one message with the saved credentials, even before the channel is enabled, and reports a refusal', async () => {
    expect((await req('POST', '/api/v1/messaging/channels/smtp/test', { to: 'ops@brand.test' })).json().errors[0]).toMatchObject({ field: 'provider', code: 'not_configured' });
    await req('PUT', '/api/v1/messaging/channels/smtp', { enabled: false, settings: smtp.settings });
    const sent = await req('POST', '/api/v1/messaging/channels/smtp/test', { to: 'ops@brand.test' });
    expect(sent.statusCode, sent.body).toBe(200);
    expect(sent.json()).toMatchObject({ ok: true });
    expect(smtp.received).toHaveLength(1);
    expect(smtp.received[0]).toMatchObject({ to: ['ops@brand.test'], messageId: expect.stringContaining(sent.json().message_id) });
    // Nothing in the delivery log: the test is nobody's message.
    expect(await t.deps.db.selectFrom('message_deliveries').select('id').where('tenant_id', '=', a.tenantId).execute()).toEqual([]);

    // A server that is not there: the provider's error comes back as 502 with its code.
    await req('PUT', '/api/v1/messaging/channels/smtp', { enabled: false, settings: { ...smtp.settings, port: 1 } });
    const refused = await req('POST', '/api/v1/messaging/channels/smtp/test', { to: 'ops@brand.test' });
    expect(refused.statusCode).toBe(502);
    expect(refused.json()).toMatchObject({ code: 'CHANNEL_TEST_FAILED' });
    expect((await req('POST', '/api/v1/messaging/channels/web_push/test', { to: 'x' })).json().errors[0]).toMatchObject({ field: 'provider', code: 'no_test_send' });
    const audited = await t.deps.db.selectFrom('audit_log').select('details').where('tenant_id', '=', a.tenantId).where('action', '=', 'messaging.channel_tested').execute();
    expect(audited.map((r) => (r.details as { ok: boolean }).ok).sort()).toEqual([false, true]);
  });
});
