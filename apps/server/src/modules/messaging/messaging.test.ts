import crypto from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorker } from '../../jobs/runner.ts';
import { createTestApp, createTestTenant, type TestApp, type TestTenant } from '../../test/app.ts';
import { createTestClock } from '../../test/deps.ts';
import { closeEmailTransports } from './channels/email.ts';
import { deliver } from './deliver.job.ts';
import { sendMessage } from './send.service.ts';
import { startSmtpPeer } from './test-peers/smtp-peer.ts';

describe('messaging: send, consent, quiet hours, email and inbox', () => {
  // A Monday 10:00 in Shanghai, in the past so the database's own clock finds every job due.
  const clock = createTestClock(new Date('2025-03-10T02:00:00Z'));
  let t: TestApp;
  let a: TestTenant;
  let b: TestTenant;
  let smtp: Awaited<ReturnType<typeof startSmtpPeer>>;
  let n = 0;
  const req = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object, tenant: TestTenant = a) => t.app.inject({ method, url, payload, headers: tenant.auth });
  const newMember = async (profile: Record<string, unknown> = {}, consents: string[] = ['email', 'sms'], tenant: TestTenant = a) => {
    const res = await req('POST', '/api/v1/members/resolve', { identities: [{ type: 'store_card', value: `MSG-${++n}` }], profile: { channel: 'store', ...profile } }, tenant);
    const id = res.json().member.id as string;
    for (const channel of consents) await req('PUT', `/api/v1/members/${id}/consents`, { channel, granted: true, source: 'test', wording_version: 'v1' }, tenant);
    return id;
  };
  const template = async (body: object, tenant: TestTenant = a) => {
    const res = await req('POST', '/api/v1/messaging/templates', body, tenant);
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  };
  const send = (body: object, tenant: TestTenant = a) => req('POST', '/api/v1/messaging/send', body, tenant);
  const drain = () => createWorker(t.deps).drain();
  const delivery = async (id: string) => (await req('GET', `/api/v1/messaging/deliveries/${id}`)).json();
  let welcome: string;
  let inboxTemplate: string;

  beforeAll(async () => {
    t = await createTestApp({ clock, env: { HEARTH_SECRETS_KEY: crypto.randomBytes(32).toString('base64') } });
    a = await createTestTenant(t.deps);
    b = await createTestTenant(t.deps);
    smtp = await startSmtpPeer();
    const saved = await req('PUT', '/api/v1/messaging/channels/smtp', { enabled: true, settings: smtp.settings, secrets: { password: 'not-used' } });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json()).toMatchObject({ provider: 'smtp', secrets_set: ['password'] });
    expect(saved.body).not.toContain('not-used');
    welcome = await template({
      name: '欢迎邮件',
      channel: 'email',
      category: 'marketing',
      bodies: {
        'zh-CN': { subject: '欢迎，{{ member.name }}', body: '<p>你好 {{ member.name }}，{% if coupon_code %}券码 {{ coupon_code }}{% else %}欢迎加入{% endif %}</p>' },
        en: { subject: 'Welcome, {{ member.name }}', body: '<p>Hello {{ member.name }}</p>' },
      },
    });
    inboxTemplate = await template({ name: '站内信', channel: 'inbox', category: 'transactional', bodies: { 'zh-CN': { subject: '积分变动', body: '{{ member.name }}，您的积分有变动', link: '/m/points' } } });
  });
  afterAll(async () => {
    closeEmailTransports();
    await smtp.close();
    await t.close();
  });

  it('sends an email through the local SMTP server and logs it as sent with message.sent', async () => {
    const member = await newMember({ name: '<b>李雷</b>', email: 'lilei@example.com' });
    const res = await send({ member_id: member, channel: 'email', template_id: welcome, category: 'marketing', dedupe_key: 'welcome-1', variables: { coupon_code: 'ABCDE-12345' } });
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json()).toMatchObject({ status: 'queued' });
    const id = res.json().delivery_id;
    await drain();
    const d = await delivery(id);
    expect(d).toMatchObject({ status: 'sent', attempts: 1, channel: 'email', source: { kind: 'api' } });
    expect(d.provider_message_id).toBe(`<${id}@brand.test>`);
    // Values are HTML-escaped in the email body, not in the subject header.
    expect(d.rendered.body).toBe('<p>你好 &lt;b&gt;李雷&lt;/b&gt;，券码 ABCDE-12345</p>');
    expect(d.rendered.subject).toBe('欢迎，<b>李雷</b>');
    const mails = smtp.received.filter((m) => m.messageId === `<${id}@brand.test>`);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.to).toEqual(['lilei@example.com']);
    const events = await t.deps.db.selectFrom('domain_events').select(['type', 'payload']).where('tenant_id', '=', a.tenantId).where('type', 'like', 'message.%').execute();
    expect(events.filter((e) => (e.payload as { delivery_id: string }).delivery_id === id).map((e) => e.type)).toEqual(['message.sent']);
    // The log names the member by number.
    const log = (await req('GET', `/api/v1/messaging/deliveries?member_id=${member}`)).json().data;
    expect(log).toEqual([expect.objectContaining({ id, member_id: member, member_no: expect.stringMatching(/^M\d+$/) })]);
  });

  it('makes one delivery per dedupe key', async () => {
    const member = await newMember({ email: 'dup@example.com' });
    const body = { member_id: member, channel: 'email', template_id: welcome, category: 'marketing', dedupe_key: 'once-only' };
    const [first, second] = [await send(body), await send(body)];
    expect(second.json().delivery_id).toBe(first.json().delivery_id);
    await drain();
    expect(smtp.received.filter((m) => m.messageId.startsWith(`<${first.json().delivery_id}@`))).toHaveLength(1);
  });

  it('sends nothing when the calling transaction rolls back (outbox)', async () => {
    const member = await newMember({ email: 'rollback@example.com' });
    await expect(
      t.deps.db.transaction().execute(async (trx) => {
        await sendMessage({ ...t.deps, db: trx }, a.ctx, { memberId: member, channel: 'email', templateId: welcome, category: 'marketing', dedupeKey: 'rolled-back', source: { kind: 'journey', id: 'j1' } });
        throw new Error('the journey step failed');
      }),
    ).rejects.toThrow('the journey step failed');
    expect(await t.deps.db.selectFrom('message_deliveries').select('id').where('tenant_id', '=', a.tenantId).where('dedupe_key', '=', 'rolled-back').execute()).toEqual([]);
    expect(await t.deps.db.selectFrom('jobs').select('id').where('tenant_id', '=', a.tenantId).where(sql<boolean>`payload @> ${JSON.stringify({ member_id: member })}::jsonb`).execute()).toEqual([]);
  });

  it('honours consent: marketing needs opt-in, an unsubscribe link stops it, transactional follows the setting', async () => {
    const noConsent = await newMember({ email: 'noconsent@example.com' }, []);
    expect((await send({ member_id: noConsent, channel: 'email', template_id: welcome, category: 'marketing', dedupe_key: 'c1' })).json()).toMatchObject({ status: 'suppressed', reason: 'no_consent' });

    const member = await newMember({ email: 'unsub@example.com' });
    const link = (await req('GET', `/api/v1/members/${member}/unsubscribe-link?channel=email`)).json();
    const path = link.path as string;
    expect((await t.app.inject({ method: 'POST', url: path })).statusCode).toBe(200);
    const suppressed = (await send({ member_id: member, channel: 'email', template_id: welcome, category: 'marketing', dedupe_key: 'c2' })).json();
    expect(suppressed).toMatchObject({ status: 'suppressed', reason: 'consent_withdrawn' });
    expect(await delivery(suppressed.delivery_id)).toMatchObject({ status: 'suppressed', reason: 'consent_withdrawn' });

    const notice = await template({ name: '服务通知', channel: 'email', category: 'transactional', bodies: { 'zh-CN': { subject: '订单已发货', body: '<p>已发货</p>' } } });
    expect((await send({ member_id: member, channel: 'email', template_id: notice, category: 'transactional', dedupe_key: 'c3' })).json()).toMatchObject({ status: 'queued' });
    const settings = (await req('GET', '/api/v1/messaging/settings')).json();
    expect((await req('PUT', '/api/v1/messaging/settings', { ...settings, transactional_consent: 'unless_withdrawn' })).statusCode).toBe(200);
    expect((await send({ member_id: member, channel: 'email', template_id: notice, category: 'transactional', dedupe_key: 'c4' })).json()).toMatchObject({ status: 'suppressed', reason: 'consent_withdrawn' });
    await req('PUT', '/api/v1/messaging/settings', settings);
  });

  it('delays a marketing message due at 23:00 to 09:00 and sends it then; transactional goes at once', async () => {
    const member = await newMember({ email: 'night@example.com' });
    clock.set(new Date('2025-03-10T15:00:00Z')); // 23:00 in Shanghai
    const res = (await send({ member_id: member, channel: 'email', template_id: welcome, category: 'marketing', dedupe_key: 'night-1' })).json();
    expect(res).toMatchObject({ status: 'delayed', send_at: '2025-03-11T01:00:00.000Z' });
    const job = await t.deps.db.selectFrom('jobs').select('run_at').where('tenant_id', '=', a.tenantId).where('dedupe_key', 'like', `delivery:${res.delivery_id}:%`).executeTakeFirstOrThrow();
    expect(job.run_at.toISOString()).toBe('2025-03-11T01:00:00.000Z');
    const notice = (await send({ member_id: member, channel: 'inbox', template_id: inboxTemplate, category: 'transactional', dedupe_key: 'night-2' })).json();
    expect(notice).toMatchObject({ status: 'queued', send_at: '2025-03-10T15:00:00.000Z' });

    clock.set(new Date('2025-03-11T01:00:00Z')); // 09:00
    await drain();
    expect(await delivery(res.delivery_id)).toMatchObject({ status: 'sent', sent_at: '2025-03-11T01:00:00.000Z' });
    expect(smtp.received.filter((m) => m.messageId.startsWith(`<${res.delivery_id}@`))).toHaveLength(1);
    clock.set(new Date('2025-03-10T02:00:00Z'));
  });

  it('re-delays a message whose job only runs inside quiet hours (a backlog) instead of sending at night', async () => {
    const member = await newMember({ email: 'backlog@example.com' });
    const res = (await send({ member_id: member, channel: 'email', template_id: welcome, category: 'marketing', dedupe_key: 'backlog-1' })).json();
    expect(res.status).toBe('queued');
    clock.set(new Date('2025-03-10T14:30:00Z')); // 22:30: the worker only gets to it now
    // Called directly: a worker here would also claim the new 09:00 job at once, since the test database's clock is past 2025.
    expect(await deliver(t.deps, a.tenantId, { member_id: member, delivery_id: res.delivery_id }, { lastAttempt: false })).toEqual({ outcome: 'delayed' });
    expect(await delivery(res.delivery_id)).toMatchObject({ status: 'delayed', send_at: '2025-03-11T01:00:00.000Z' });
    expect(smtp.received.filter((m) => m.messageId.startsWith(`<${res.delivery_id}@`))).toHaveLength(0);
    const jobs = await t.deps.db.selectFrom('jobs').select(['run_at', 'status']).where('tenant_id', '=', a.tenantId).where('dedupe_key', 'like', `delivery:${res.delivery_id}:%`).orderBy('run_at').execute();
    expect(jobs.map((j) => j.run_at.toISOString())).toEqual([expect.any(String), '2025-03-11T01:00:00.000Z']);
    clock.set(new Date('2025-03-11T01:05:00Z'));
    await drain();
    expect(await delivery(res.delivery_id)).toMatchObject({ status: 'sent' });
    clock.set(new Date('2025-03-10T02:00:00Z'));
  });

  it('puts inbox messages in the member’s inbox; reading one marks the delivery clicked', async () => {
    const member = await newMember({ name: '韩梅梅' });
    const res = (await send({ member_id: member, channel: 'inbox', template_id: inboxTemplate, category: 'transactional', dedupe_key: 'inbox-1' })).json();
    await drain();
    expect(await delivery(res.delivery_id)).toMatchObject({ status: 'delivered' });
    const inbox = (await req('GET', `/api/v1/members/${member}/inbox`)).json();
    expect(inbox).toMatchObject({ unread: 1, data: [{ id: res.delivery_id, title: '积分变动', body: '韩梅梅，您的积分有变动', link: '/m/points', read_at: null }] });
    expect((await req('POST', `/api/v1/members/${member}/inbox/read`, { ids: [res.delivery_id] })).json()).toEqual({ marked: 1 });
    expect((await req('GET', `/api/v1/members/${member}/inbox`)).json().unread).toBe(0);
    expect(await delivery(res.delivery_id)).toMatchObject({ status: 'clicked' });
  });

  it('previews a template for a chosen member, in English when asked', async () => {
    const member = await newMember({ name: 'Lucy' });
    const zh = await req('POST', `/api/v1/messaging/templates/${welcome}/preview`, { member_id: member, variables: { coupon_code: 'X1' } });
    expect(zh.json()).toMatchObject({ locale: 'zh-CN', subject: '欢迎，Lucy', body: '<p>你好 Lucy，券码 X1</p>', text: '你好 Lucy，券码 X1' });
    const en = await req('POST', `/api/v1/messaging/templates/${welcome}/preview`, { member_id: member, locale: 'en' });
    expect(en.json()).toMatchObject({ locale: 'en', subject: 'Welcome, Lucy', body: '<p>Hello Lucy</p>' });
  });

  it('refuses a broken template, a template of another channel, and another tenant’s ids (404)', async () => {
    const broken = await req('POST', '/api/v1/messaging/templates', { name: 'x', channel: 'sms', category: 'marketing', bodies: { 'zh-CN': { body: '{% if %}' } } });
    expect(broken.statusCode).toBe(400);
    const member = await newMember({ email: 'x@example.com' });
    expect((await send({ member_id: member, channel: 'sms', template_id: welcome, category: 'marketing', dedupe_key: 'w1' })).json()).toMatchObject({ code: 'VALIDATION_FAILED' });
    const theirs = await newMember({}, [], b);
    expect((await send({ member_id: theirs, channel: 'email', template_id: welcome, category: 'marketing', dedupe_key: 'x1' })).statusCode).toBe(404);
    expect((await send({ member_id: member, channel: 'email', template_id: welcome, category: 'marketing', dedupe_key: 'x2' }, b)).statusCode).toBe(404);
    expect((await req('GET', `/api/v1/messaging/templates/${welcome}`, undefined, b)).statusCode).toBe(404);
    expect((await req('GET', `/api/v1/members/${member}/inbox`, undefined, b)).statusCode).toBe(404);
  });
});
