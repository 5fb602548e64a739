import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Rule } from '@hearth/contracts/segments';
import { createWorker } from '../../jobs/runner.ts';
import { createTestApp, createTestTenant, type TestApp, type TestTenant } from '../../test/app.ts';
import { createTestClock } from '../../test/deps.ts';
import { sweep } from '../segments/segments.jobs.ts';
import { runPeriodEnds } from './membership.jobs.ts';

// The segment condition paid_status: through the preview endpoint, and live on membership events, with the
// hourly sweep catching what time alone changes (a period ending into grace, benefits running out).
describe('segments: the paid_status condition of the membership module', () => {
  const clock = createTestClock(new Date('2027-03-01T02:00:00Z'));
  let t: TestApp;
  let a: TestTenant;
  let b: TestTenant;
  let yearly: string;
  let monthly: string;
  const ids: Record<string, string> = {};
  let n = 0;
  const post = (url: string, payload?: object, tenant: TestTenant = a) => t.app.inject({ method: 'POST', url, payload, headers: tenant.auth });
  const preview = async (rule: Rule, tenant: TestTenant = a) => {
    const res = await post('/api/v1/segments/preview', { rule, sample_size: 50 }, tenant);
    expect(res.statusCode, res.body).toBe(200);
    const found = new Set((res.json().sample as { id: string }[]).map((m) => m.id));
    return Object.keys(ids).filter((k) => found.has(ids[k]!)).sort().join('');
  };
  const buy = async (key: string, planId: string) => {
    const res = await post(`/api/v1/members/${ids[key]}/membership/purchase`, { plan_id: planId, provider: 'offline' });
    expect(res.statusCode, res.body).toBe(201);
    expect((await post(`/api/v1/membership/payments/${res.json().payment.id}/confirm`)).json().outcome).toBe('applied');
  };
  const segmentMembers = async (id: string) => {
    const res = await t.app.inject({ url: `/api/v1/segments/${id}/members?limit=50`, headers: a.auth });
    const found = new Set((res.json().data as { member_id?: string; id?: string }[]).map((m) => m.member_id ?? m.id));
    return Object.keys(ids).filter((k) => found.has(ids[k]!)).sort().join('');
  };
  const drain = () => createWorker(t.deps).drain();

  beforeAll(async () => {
    t = await createTestApp({ clock });
    a = await createTestTenant(t.deps);
    b = await createTestTenant(t.deps);
    yearly = (await post('/api/v1/membership/plans', { name: '年卡', price_fen: 9900, period: 'year', trial_days: 7 })).json().id;
    monthly = (await post('/api/v1/membership/plans', { name: '月卡', price_fen: 1500, period: 'month' })).json().id;
    await t.app.inject({ method: 'PUT', url: '/api/v1/membership/settings', payload: { full_refund_days: 7, grace_days: 5, reminder_days: 7, query_after_minutes: 5, payment_timeout_minutes: 60 }, headers: a.auth });
    for (const key of ['a', 'b', 'c', 'd', 'e']) ids[key] = (await post('/api/v1/members', { channel: 'store', identities: [{ type: 'store_card', value: `PS-${++n}` }] })).json().id;
    await buy('a', yearly);
    expect((await post(`/api/v1/members/${ids.b}/membership/trial`, { plan_id: yearly })).statusCode).toBe(201);
    await buy('c', monthly);
    await buy('e', yearly);
    expect((await post(`/api/v1/members/${ids.e}/membership/refund`, { reason: '退款' })).statusCode).toBe(200);
  }, 180_000); // five members buy, try, and refund through the API before the first test: slow on a loaded machine, so more than the default minute
  afterAll(() => t.close());

  it('previews paid members now, by plan and by status, and its negation', async () => {
    expect(await preview({ type: 'paid_status' })).toBe('abc');
    expect(await preview({ type: 'paid_status', plan_ids: [monthly] })).toBe('c');
    expect(await preview({ type: 'paid_status', statuses: ['trialing'] })).toBe('b');
    expect(await preview({ type: 'paid_status', plan_ids: [yearly], statuses: ['active', 'grace'] })).toBe('a');
    expect(await preview({ op: 'not', rule: { type: 'paid_status' } })).toBe('de');
    expect(await preview({ type: 'paid_status' }, b)).toBe('');
    const bad = await post('/api/v1/segments/preview', { rule: { type: 'paid_status', statuses: ['expired'] } });
    expect(bad.statusCode).toBe(400);
  });

  it('follows membership events live, and the sweep catches grace and the end of benefits', async () => {
    const created = await post('/api/v1/segments', { name: '有效付费会员', rule: { type: 'paid_status', statuses: ['active'] } });
    expect(created.statusCode, created.body).toBe(201);
    const segment = created.json();
    expect(segment).toMatchObject({ time_based: true, depends_on: ['membership'] });
    const grace = (await post('/api/v1/segments', { name: '宽限期会员', rule: { type: 'paid_status', statuses: ['grace'] } })).json();
    await drain(); // the first computation runs as a job
    expect(await segmentMembers(segment.id)).toBe('ac');

    await buy('d', monthly); // membership.started
    expect((await post(`/api/v1/members/${ids.a}/membership/cancel`, { reason: '不续了' })).statusCode).toBe(200); // membership.canceled
    await drain();
    expect(await segmentMembers(segment.id)).toBe('cd');
    const causes = await t.deps.db.selectFrom('segment_membership_history').select(['member_id', 'action', 'cause']).where('tenant_id', '=', a.tenantId).where('segment_id', '=', segment.id).execute();
    expect(causes.filter((h) => h.cause.startsWith('live:membership.')).map((h) => h.action).sort()).toEqual(['entered', 'exited']);

    // Apr 1: c's and d's months end unpaid → grace (no event): the sweep moves them out of "active" into "grace".
    clock.set(new Date('2027-04-01T03:00:00Z'));
    await runPeriodEnds(t.deps);
    await sweep(t.deps, { tenantId: a.tenantId });
    expect(await segmentMembers(segment.id)).toBe('');
    expect(await segmentMembers(grace.id)).toBe('cd');
    // d pays in grace: renewed, live.
    await buy('d', monthly);
    await drain();
    expect(await segmentMembers(segment.id)).toBe('d');
    expect(await segmentMembers(grace.id)).toBe('c');
    // After the grace end c holds nothing, even before the period-end job expires the subscription (b's
    // trial ended on Mar 8; a canceled but keeps the benefits until the year is over).
    clock.set(new Date('2027-04-06T03:00:00Z'));
    expect(await preview({ type: 'paid_status' })).toBe('ad');
    await sweep(t.deps, { tenantId: a.tenantId });
    expect(await segmentMembers(grace.id)).toBe('');
  });
});
