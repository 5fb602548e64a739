import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorker } from '../../jobs/runner.ts';
import { createTestApp, createTestTenant, type TestApp, type TestTenant } from '../../test/app.ts';
import { createTestClock } from '../../test/deps.ts';
import { closeEmailTransports } from './channels/email.ts';
import { startSmsFake } from './test-peers/fakes.ts';
import { startSmtpPeer } from './test-peers/smtp-peer.ts';

describe('messaging: click tracking', () => {
  const clock = createTestClock(new Date('2025-03-10T02:00:00Z')); // Monday 10:00 in Shanghai: no quiet hours
  let t: TestApp;
  let a: TestTenant;
  let b: TestTenant;
  let n = 0;
  let smtp: Awaited<ReturnType<typeof startSmtpPeer>>;
  let sms: Awaited<ReturnType<typeof startSmsFake>>;
  const req = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object, tenant: TestTenant = a) => t.app.inject({ method, url, payload, headers: tenant.auth });
  const newMember = async () => {
    const res = await req('POST', '/api/v1/members/resolve', { identities: [{ type: 'phone', value: `1380000${String(++n).padStart(4, '0')}` }], profile: { channel: 'store', name: `会员${n}`, email: `c${n}@example.com` } });
    return res.json().member.id as string;
  };
  const template = async (body: object) => (await req('POST', '/api/v1/messaging/templates', body)).json().id as string;
  const settings = async (clickTracking: object) => {
    const current = (await req('GET', '/api/v1/messaging/settings')).json();
    return req('PUT', '/api/v1/messaging/settings', { ...current, click_tracking: clickTracking });
  };
  const send = async (member: string, channel: string, templateId: string, key: string) => {
    const res = await req('POST', '/api/v1/messaging/send', { member_id: member, channel, template_id: templateId, category: 'transactional', dedupe_key: key });
    expect(res.statusCode, res.body).toBe(202);
    await createWorker(t.deps).drain();
    return res.json().delivery_id as string;
  };
  const clickedEvents = async (deliveryId: string) =>
    (await t.deps.db.selectFrom('domain_events').select('payload').where('tenant_id', '=', a.tenantId).where('type', '=', 'message.clicked').execute()).filter((e) => (e.payload as { delivery_id: string }).delivery_id === deliveryId);

  beforeAll(async () => {
    t = await createTestApp({ clock, env: { HEARTH_SECRETS_KEY: crypto.randomBytes(32).toString('base64') } });
    a = await createTestTenant(t.deps);
    b = await createTestTenant(t.deps);
    smtp = await startSmtpPeer();
    sms = await startSmsFake({ aliyun: { id: 'LTAI-c', secret: 'c-secret' }, tencent: { id: 'x', secret: 'x' } });
    await req('PUT', '/api/v1/messaging/channels/smtp', { enabled: true, settings: smtp.settings });
    await req('PUT', '/api/v1/messaging/channels/aliyun_sms', { enabled: true, settings: { access_key_id: 'LTAI-c', base_url: sms.url, sign_name: '炉火' }, secrets: { access_key_secret: 'c-secret' } });
  });
  afterAll(async () => {
    closeEmailTransports();
    await Promise.all([smtp.close(), sms.close()]);
    await t.close();
  });

  it('rewrites email and SMS links to a signed redirect that records the click once and sends the member on', async () => {
    expect((await settings({ enabled: true, base_url: null })).json().errors[0].field).toBe('click_tracking.base_url');
    expect((await settings({ enabled: true, base_url: 'https://vip.brand.test/' })).json()).toMatchObject({ click_tracking: { enabled: true, base_url: 'https://vip.brand.test' } });
    const member = await newMember();
    const email = await template({ name: '春季', channel: 'email', category: 'transactional', bodies: { 'zh-CN': { subject: '春季上新', body: '<p>{{ member.name }}，<a href="https://shop.example.com/spring?a=1&b=2">看看新品</a> 或 <a href="https://shop.example.com/stores">找门店</a>，<a href="mailto:vip@brand.test">写信</a></p>' } } });
    const deliveryId = await send(member, 'email', email, 'click-email');

    const raw = smtp.received.find((m) => m.messageId.includes(deliveryId))!.raw.replace(/=\r?\n/g, '').replace(/=3D/g, '=');
    const tracked = [...raw.matchAll(/href="(https:\/\/vip\.brand\.test\/[^"]+)"/g)].map((m) => m[1]!);
    expect(tracked).toHaveLength(2);
    expect(raw).toContain('href="mailto:vip@brand.test"');
    expect(raw).not.toContain('shop.example.com');
    const path0 = new URL(tracked[0]!).pathname;
    expect(path0).toMatch(new RegExp(`^/api/v1/public/messaging/${a.tenantId}/c/[A-Za-z0-9_-]{22}\\.0\\.[A-Za-z0-9_-]{22}$`));

    const first = await t.app.inject({ method: 'GET', url: path0 });
    expect(first.statusCode).toBe(302);
    expect(first.headers.location).toBe('https://shop.example.com/spring?a=1&b=2');
    expect((await req('GET', `/api/v1/messaging/deliveries/${deliveryId}`)).json()).toMatchObject({ status: 'clicked', clicked_at: clock.now().toISOString() });
    // A second click, and a click on the other link, still redirect but record nothing more.
    expect((await t.app.inject({ method: 'GET', url: path0 })).statusCode).toBe(302);
    const second = await t.app.inject({ method: 'GET', url: new URL(tracked[1]!).pathname });
    expect(second.headers.location).toBe('https://shop.example.com/stores');
    expect(await clickedEvents(deliveryId)).toHaveLength(1);

    // A forged signature, another link index, or another tenant's path: 404 and nothing recorded.
    const forged = path0.replace(/\.[A-Za-z0-9_-]{22}$/, `.${'A'.repeat(22)}`);
    expect((await t.app.inject({ method: 'GET', url: forged })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: path0.replace('.0.', '.5.') })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: path0.replace(a.tenantId, b.tenantId) })).statusCode).toBe(404);

    // SMS: bare URLs in the text and in the provider's template parameters.
    const smsTemplate = await template({ name: '短信', channel: 'sms', category: 'transactional', provider_template: 'SMS_1', bodies: { 'zh-CN': { body: '详情 https://shop.example.com/s/1。', fields: { link: 'https://shop.example.com/s/1', name: '{{ member.name }}' } } } });
    const smsDelivery = await send(member, 'sms', smsTemplate, 'click-sms');
    const params = sms.accepted.find((x) => x.clientId === smsDelivery)!.params as { link: string; name: string };
    expect(params.name).toBe(`会员${n}`);
    expect(params.link).toMatch(/^https:\/\/vip\.brand\.test\/api\/v1\/public\/messaging\/[0-9a-f-]{36}\/c\//);
    const click = await t.app.inject({ method: 'GET', url: new URL(params.link).pathname });
    expect(click.headers.location).toBe('https://shop.example.com/s/1');
    expect((await req('GET', `/api/v1/messaging/deliveries/${smsDelivery}`)).json().status).toBe('clicked');
    expect(await clickedEvents(smsDelivery)).toHaveLength(1);
  });

  it('leaves links alone when tracking is off', async () => {
    await settings({ enabled: false, base_url: 'https://vip.brand.test' });
    const member = await newMember();
    const email = await template({ name: '无追踪', channel: 'email', category: 'transactional', bodies: { 'zh-CN': { subject: '通知', body: '<p><a href="https://shop.example.com/plain">看看</a></p>' } } });
    const deliveryId = await send(member, 'email', email, 'plain-email');
    const raw = smtp.received.find((m) => m.messageId.includes(deliveryId))!.raw;
    expect(raw).toContain('https://shop.example.com/plain');
    expect(raw).not.toContain('vip.brand.test');
  });
});
