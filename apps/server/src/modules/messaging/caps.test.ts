import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestApp, createTestTenant, type TestApp, type TestTenant } from '../../test/app.ts';
import { createTestClock } from '../../test/deps.ts';
import { sendMessage } from './send.service.ts';

describe('messaging: frequency caps under concurrency', () => {
  const clock = createTestClock(new Date('2025-03-12T03:00:00Z')); // Wednesday 11:00 in Shanghai
  let t: TestApp;
  let a: TestTenant;
  const req = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) => t.app.inject({ method, url, payload, headers: a.auth });

  beforeAll(async () => {
    t = await createTestApp({ clock });
    a = await createTestTenant(t.deps);
  });
  afterAll(() => t.close());

  it('20 journeys sending to the same members at once never pass 2 marketing SMS a week; transactional ones are not counted', async () => {
    const settings = (await req('GET', '/api/v1/messaging/settings')).json();
    expect((await req('PUT', '/api/v1/messaging/settings', { ...settings, caps: { sms: { per_day: null, per_week: 2 } } })).statusCode).toBe(200);
    const members: string[] = [];
    for (let i = 0; i < 8; i++) {
      const id = (await req('POST', '/api/v1/members/resolve', { identities: [{ type: 'phone', value: `1380013${String(i).padStart(4, '0')}` }], profile: { channel: 'store' } })).json().member.id as string;
      await req('PUT', `/api/v1/members/${id}/consents`, { channel: 'sms', granted: true, source: 'test', wording_version: 'v1' });
      members.push(id);
    }
    const template = (await req('POST', '/api/v1/messaging/templates', { name: '促销短信', channel: 'sms', category: 'marketing', bodies: { 'zh-CN': { body: '{{ member.name }}，周末双倍积分' } }, provider_template: 'SMS_1' })).json().id as string;
    const notice = (await req('POST', '/api/v1/messaging/templates', { name: '验证码', channel: 'sms', category: 'transactional', bodies: { 'zh-CN': { body: '验证码 {{ code }}' } }, provider_template: 'SMS_2' })).json().id as string;

    // Each journey step is its own transaction, as the journey engine runs them; all of them at once.
    const sends = members.flatMap((memberId) =>
      Array.from({ length: 20 }, (_, journey) =>
        t.deps.db.transaction().execute((trx) =>
          sendMessage({ ...t.deps, db: trx }, a.ctx, { memberId, channel: 'sms', templateId: template, category: 'marketing', dedupeKey: `j${journey}:${memberId}`, source: { kind: 'journey', id: `j${journey}` } }),
        ),
      ),
    );
    const results = await Promise.all(sends);
    expect(results.filter((r) => r.status === 'queued')).toHaveLength(members.length * 2);
    expect(new Set(results.filter((r) => r.status === 'suppressed').map((r) => r.reason))).toEqual(new Set(['cap_week']));

    const perMember = await sql<{ member_id: string; sent: number; counted: number }>`
      select d.member_id, count(*) filter (where d.status <> 'suppressed')::int as sent,
        (select count from message_frequency_counters c where c.tenant_id = d.tenant_id and c.member_id = d.member_id and c.channel = 'sms' and c.period like 'w:%') as counted
      from message_deliveries d where d.tenant_id = ${a.tenantId} group by d.tenant_id, d.member_id`.execute(t.deps.db);
    expect(perMember.rows).toHaveLength(members.length);
    for (const row of perMember.rows) expect(row).toMatchObject({ sent: 2, counted: 2 });

    // Transactional notices go out past the cap and do not count against it.
    const code = await sendMessage(t.deps, a.ctx, { memberId: members[0]!, channel: 'sms', templateId: notice, category: 'transactional', variables: { code: '123456' }, dedupeKey: 'otp-1', source: { kind: 'system', id: 'login' } });
    expect(code.status).toBe('queued');

    // Next ISO week (Monday) the cap starts over.
    clock.set(new Date('2025-03-17T03:00:00Z'));
    const next = await sendMessage(t.deps, a.ctx, { memberId: members[0]!, channel: 'sms', templateId: template, category: 'marketing', dedupeKey: 'next-week', source: { kind: 'journey', id: 'j0' } });
    expect(next.status).toBe('queued');
  });
});
