import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorker } from '../../jobs/runner.ts';
import { createTestApp, createTestTenant, type TestApp, type TestTenant } from '../../test/app.ts';
import { createTestClock } from '../../test/deps.ts';
import { armOf } from './broadcasts.service.ts';
import { closeEmailTransports } from './channels/email.ts';
import { sendMessage } from './send.service.ts';
import { startSmtpPeer } from './test-peers/smtp-peer.ts';

describe('messaging: broadcasts', () => {
  const clock = createTestClock(new Date('2025-03-12T03:00:00Z')); // Wednesday 11:00 in Shanghai
  let t: TestApp;
  let a: TestTenant;
  let b: TestTenant;
  let smtp: Awaited<ReturnType<typeof startSmtpPeer>>;
  const req = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object, tenant: TestTenant = a) => t.app.inject({ method, url, payload, headers: tenant.auth });

  beforeAll(async () => {
    t = await createTestApp({ clock, env: { HEARTH_SECRETS_KEY: crypto.randomBytes(32).toString('base64') } });
    a = await createTestTenant(t.deps);
    b = await createTestTenant(t.deps);
    smtp = await startSmtpPeer();
    await req('PUT', '/api/v1/messaging/channels/smtp', { enabled: true, settings: smtp.settings });
  });
  afterAll(async () => {
    closeEmailTransports();
    await smtp.close();
    await t.close();
  });

  it('splits a segment into a holdout and A/B arms by hash, under caps and consent, and sends each member at most once', async () => {
    const members: string[] = [];
    for (let i = 0; i < 40; i++) {
      const id = (await req('POST', '/api/v1/members/resolve', { identities: [{ type: 'store_card', value: `BC-${i}` }], profile: { channel: 'store', email: `m${i}@example.com` } })).json().member.id as string;
      // Every tenth member never agreed to marketing email.
      if (i % 10 !== 0) await req('PUT', `/api/v1/members/${id}/consents`, { channel: 'email', granted: true, source: 'test', wording_version: 'v1' });
      members.push(id);
    }
    const segment = (await req('POST', '/api/v1/segments', { name: '春季活动', kind: 'static' })).json().id as string;
    expect((await req('POST', `/api/v1/segments/${segment}/members`, { action: 'add', member_ids: members })).json()).toMatchObject({ changed: 40 });
    const tpl = async (name: string) => (await req('POST', '/api/v1/messaging/templates', { name, channel: 'email', category: 'marketing', bodies: { 'zh-CN': { subject: name, body: `<p>${name}</p>` } } })).json().id as string;
    const [ta, tb] = [await tpl('方案 A'), await tpl('方案 B')];
    const settings = (await req('GET', '/api/v1/messaging/settings')).json();
    await req('PUT', '/api/v1/messaging/settings', { ...settings, caps: { email: { per_day: null, per_week: 1 } } });
    // Three members already had their one marketing email this week (from a journey).
    const capped = members.slice(1, 4);
    for (const m of capped) await sendMessage(t.deps, a.ctx, { memberId: m, channel: 'email', templateId: ta, category: 'marketing', dedupeKey: `earlier:${m}`, source: { kind: 'journey', id: 'j' } });

    const bad = await req('POST', '/api/v1/messaging/broadcasts', { name: 'x', segment_id: segment, channel: 'email', variants: [{ key: 'A', template_id: ta, weight_bp: 6000 }], holdout_bp: 0 });
    expect(bad.statusCode).toBe(400);
    const sameTemplate = await req('POST', '/api/v1/messaging/broadcasts', { name: 'x', segment_id: segment, channel: 'email', variants: [{ key: 'A', template_id: ta, weight_bp: 5000 }, { key: 'B', template_id: ta, weight_bp: 5000 }] });
    expect(sameTemplate.json().errors[0]).toMatchObject({ field: 'variants', code: 'duplicate_template' });
    const created = await req('POST', '/api/v1/messaging/broadcasts', { name: '春季上新', segment_id: segment, channel: 'email', variants: [{ key: 'A', template_id: ta, weight_bp: 5000 }, { key: 'B', template_id: tb, weight_bp: 5000 }], holdout_bp: 2000 });
    expect(created.statusCode, created.body).toBe(201);
    const broadcast = created.json();
    await createWorker(t.deps).drain();

    const after = (await req('GET', `/api/v1/messaging/broadcasts/${broadcast.id}`)).json();
    const row = { id: broadcast.id as string, holdout_bp: 2000, variants: broadcast.variants };
    const arms = new Map(members.map((m) => [m, armOf(row, m)]));
    const held = members.filter((m) => arms.get(m) === 'holdout');
    expect(held.length).toBeGreaterThan(2);
    expect(held.length).toBeLessThan(18);
    const deliveries = await t.deps.db.selectFrom('message_deliveries').select(['member_id', 'template_id', 'status', 'reason']).where('tenant_id', '=', a.tenantId).where('source_id', '=', broadcast.id).execute();
    // Holdout members get nothing and are recorded.
    expect(deliveries.filter((d) => held.includes(d.member_id))).toEqual([]);
    const recorded = await t.deps.db.selectFrom('message_broadcast_holdouts').select('member_id').where('tenant_id', '=', a.tenantId).where('broadcast_id', '=', broadcast.id).execute();
    expect(recorded.map((r) => r.member_id).sort()).toEqual([...held].sort());
    // Everyone else: one delivery, with their arm's template; suppressed for no consent or the weekly cap.
    expect(deliveries).toHaveLength(40 - held.length);
    for (const d of deliveries) {
      const arm = arms.get(d.member_id) as { template_id: string };
      expect(d.template_id).toBe(arm.template_id);
      const i = members.indexOf(d.member_id);
      if (i % 10 === 0) expect(d).toMatchObject({ status: 'suppressed', reason: 'no_consent' });
      else if (capped.includes(d.member_id)) expect(d).toMatchObject({ status: 'suppressed', reason: 'cap_week' });
      else expect(d.status).toBe('sent');
    }
    const sent = deliveries.filter((d) => d.status === 'sent').length;
    expect(new Set(deliveries.map((d) => d.template_id))).toEqual(new Set([ta, tb]));
    expect(after).toMatchObject({ status: 'done', counts: { processed: 40, holdout: held.length, queued: sent, suppressed: 40 - held.length - sent } });
    // Per arm, as the console shows it: each arm's members, suppressed and sent, and the holdout.
    const stats = (await req('GET', `/api/v1/messaging/broadcasts/${broadcast.id}/stats`)).json();
    const armStats = (template: string) => {
      const mine = deliveries.filter((d) => d.template_id === template);
      const sentHere = mine.filter((d) => d.status === 'sent').length;
      return { template_id: template, members: mine.length, suppressed: mine.length - sentHere, pending: 0, sent: sentHere, delivered: 0, clicked: 0, failed: 0 };
    };
    expect(stats).toEqual({ broadcast_id: broadcast.id, arms: [{ key: 'A', ...armStats(ta) }, { key: 'B', ...armStats(tb) }], holdout: held.length });
    expect((await req('GET', `/api/v1/messaging/broadcasts/${broadcast.id}/stats`, undefined, b)).statusCode).toBe(404);
    expect(smtp.unique().size).toBe(sent + capped.length);
    expect(smtp.received).toHaveLength(sent + capped.length);

    expect((await req('GET', `/api/v1/messaging/broadcasts/${broadcast.id}`, undefined, b)).statusCode).toBe(404);
    expect((await req('POST', `/api/v1/messaging/broadcasts/${broadcast.id}/cancel`)).statusCode).toBe(409);
  });

  it('a broadcast scheduled for later sends nothing until then, and a canceled one sends nothing', async () => {
    const segment = (await req('POST', '/api/v1/segments', { name: '空', kind: 'static' })).json().id as string;
    const template = (await req('GET', '/api/v1/messaging/templates')).json().data[0].id as string;
    const later = await req('POST', '/api/v1/messaging/broadcasts', { name: '稍后', segment_id: segment, channel: 'email', variants: [{ key: 'A', template_id: template, weight_bp: 10000 }], send_at: '2099-01-01T02:00:00Z' });
    expect(later.json()).toMatchObject({ status: 'scheduled', send_at: '2099-01-01T02:00:00.000Z' });
    const canceled = await req('POST', `/api/v1/messaging/broadcasts/${later.json().id}/cancel`);
    expect(canceled.json()).toMatchObject({ status: 'canceled' });
    await t.deps.db.updateTable('jobs').set({ run_at: new Date(0) }).where('tenant_id', '=', a.tenantId).where('dedupe_key', '=', `broadcast:${later.json().id}:start`).execute();
    await createWorker(t.deps).drain();
    expect((await req('GET', `/api/v1/messaging/broadcasts/${later.json().id}`)).json()).toMatchObject({ status: 'canceled', counts: { processed: 0 } });
  });
});
