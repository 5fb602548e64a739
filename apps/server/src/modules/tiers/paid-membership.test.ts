import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorker } from '../../jobs/runner.ts';
import { createTestApp, createTestTenant, type TestApp, type TestTenant } from '../../test/app.ts';
import { createTestClock } from '../../test/deps.ts';
import { runPeriodEnds } from '../membership/membership.jobs.ts';
import { runEvaluation } from './runs.ts';

// The `paid_membership` metric, read from the membership module: 1 while the member holds a paid membership
// at the decision's instant. Buying one upgrades at once; losing one counts only at the evaluation.
describe('tiers: the paid_membership metric', () => {
  const clock = createTestClock(new Date('2027-03-01T02:00:00Z'));
  let t: TestApp;
  let a: TestTenant;
  let program: { id: string };
  let yearly: string;
  const ids: Record<string, string> = {};
  let n = 0;
  const post = (url: string, payload?: object) => t.app.inject({ method: 'POST', url, payload, headers: a.auth });
  const tierOf = async (key: string) => (await t.app.inject({ url: `/api/v1/members/${ids[key]}/tier`, headers: a.auth })).json().data[0];
  const codes = async () => Object.fromEntries(await Promise.all(Object.keys(ids).sort().map(async (k) => [k, (await tierOf(k)).tier.code as string])));
  const buy = async (key: string) => {
    const res = await post(`/api/v1/members/${ids[key]}/membership/purchase`, { plan_id: yearly, provider: 'offline' });
    expect(res.statusCode, res.body).toBe(201);
    expect((await post(`/api/v1/membership/payments/${res.json().payment.id}/confirm`)).json().outcome).toBe('applied');
  };
  const drain = () => createWorker(t.deps).drain();

  beforeAll(async () => {
    t = await createTestApp({ clock });
    a = await createTestTenant(t.deps);
    await post('/api/v1/products/bulk', { products: [{ sku: 'ITEM', name: '商品', list_price_fen: 100 }] });
    yearly = (await post('/api/v1/membership/plans', { name: '付费会员年卡', price_fen: 9900, period: 'year', trial_days: 7 })).json().id;
    const created = await post('/api/v1/tier-programs', {
      name: '会员等级',
      tiers: [
        { code: 'normal', name: '普通', color: '#8c8c8c' },
        { code: 'silver', name: '银卡', color: '#bfbfbf' },
      ],
      evaluation: 'yearly',
      downgrade_policy: 'one_level',
      rules: { tiers: [{ code: 'silver', qualify: { op: 'any', items: [{ metric: 'paid_membership', value: 1 }, { metric: 'spend_fen', value: 1_000_00 }] } }] },
    });
    expect(created.statusCode, created.body).toBe(201);
    program = created.json();
    for (const key of ['trial', 'refunded', 'kept', 'never']) ids[key] = (await post('/api/v1/members', { channel: 'store', identities: [{ type: 'store_card', value: `PM-${++n}` }], registered_at: '2027-01-01T00:00:00Z' })).json().id;
  });
  afterAll(() => t.close());

  it('upgrades at once when a paid membership (or its trial) starts, and tells the others what is missing', async () => {
    await buy('refunded');
    await buy('kept');
    expect((await post(`/api/v1/members/${ids.trial}/membership/trial`, { plan_id: yearly })).statusCode).toBe(201);
    const order = await post('/api/v1/orders', { external_id: 'PM-O1', channel: 'store', member_id: ids.never, lines: [{ sku: 'ITEM', qty: 1, unit_price_fen: 500 }], total_paid_fen: 500, occurred_at: clock.now().toISOString() });
    expect(order.statusCode, order.body).toBe(201);
    await drain();
    expect(await codes()).toEqual({ kept: 'silver', never: 'normal', refunded: 'silver', trial: 'silver' });
    const kept = await tierOf('kept');
    expect(kept.metrics['paid_membership@calendar_year']).toBe(1);
    const never = await tierOf('never');
    expect(never.metrics['paid_membership@calendar_year']).toBe(0);
    expect(never.next.message['zh-CN']).toContain('开通付费会员');
    // The simulation reads the same metric.
    const sim = await post(`/api/v1/tier-programs/${program.id}/simulate`, { as_of: clock.now().toISOString() });
    expect(sim.statusCode, sim.body).toBe(200);
    expect(sim.json().distribution.map((d: { tier_code: string; after: number }) => [d.tier_code, d.after])).toEqual([['normal', 1], ['silver', 3]]);
  });

  it('keeps the tier through a refund or an ended trial until the evaluation, which reads who was paid at the year end', async () => {
    clock.set(new Date('2027-03-03T02:00:00Z'));
    expect((await post(`/api/v1/members/${ids.refunded}/membership/refund`, { reason: '退款' })).statusCode).toBe(200);
    clock.set(new Date('2027-03-09T02:00:00Z'));
    await runPeriodEnds(t.deps); // the trial ends unconverted
    await drain();
    expect(await codes()).toEqual({ kept: 'silver', never: 'normal', refunded: 'silver', trial: 'silver' });

    // Jan 1 2028, 00:00 in Shanghai; the evaluation runs a little later, as the hourly job does.
    clock.set(new Date('2027-12-31T16:23:00Z'));
    const run = await runEvaluation(t.deps, a.tenantId, program.id, 'scheduled', new Date('2027-12-31T16:00:00Z'));
    expect(run).toMatchObject({ status: 'done' });
    expect(await codes()).toEqual({ kept: 'silver', never: 'normal', refunded: 'normal', trial: 'normal' });
    const history = (await t.app.inject({ url: `/api/v1/members/${ids.refunded}/tier/history`, headers: a.auth })).json().data;
    expect(history[0]).toMatchObject({ kind: 'downgraded', reason: 'not_qualified', metrics: { 'paid_membership@calendar_year': 0 } });
  });
});
