import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestTenant, type TestApp, type TestTenant } from '../../test/app.ts';
import { createTestClock } from '../../test/deps.ts';
import { runPeriodEnds } from './membership.jobs.ts';

// Paid-membership reports over a known quarter (Asia/Shanghai; 02:00Z is 10:00 local):
//   A  monthly ¥15 from Jan 10; period ends Feb 10 unpaid → grace, renews in grace Feb 12; ends Mar 10
//      unpaid → grace → expired Mar 16 (benefits until the grace end, Mar 15).
//   B  yearly ¥99 from Jan 10; cancels Feb 20 (benefits until Jan 2028).
//   C  7-day trial of the yearly plan from Jan 10; expires Jan 18 (no paid period: never "due").
//   D  never a paid member. E yearly Feb 1, refunded in full Feb 3. F registers Feb 15.
describe('membership reports: paid-member ratio, revenue share, renewals, churn by plan', () => {
  const clock = createTestClock(new Date('2027-01-05T02:00:00Z'));
  let t: TestApp;
  let a: TestTenant;
  let b: TestTenant;
  let monthly: string;
  let yearly: string;
  const m: Record<string, string> = {};
  let n = 0;
  const req = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object, tenant: TestTenant = a) => t.app.inject({ method, url, payload, headers: tenant.auth });
  const at = async (iso: string) => clock.set(new Date(iso));
  const member = async (key: string, registeredAt: string) => {
    const res = await req('POST', '/api/v1/members', { channel: 'store', identities: [{ type: 'store_card', value: `RPT-${key}` }], registered_at: registeredAt });
    expect(res.statusCode, res.body).toBe(201);
    m[key] = res.json().id;
  };
  const order = async (key: string | null, fen: number) => {
    const res = await req('POST', '/api/v1/orders', { external_id: `RO-${++n}`, channel: 'store', member_id: key ? m[key] : null, lines: [{ sku: 'ITEM', qty: 1, unit_price_fen: fen }], total_paid_fen: fen, occurred_at: clock.now().toISOString() });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  };
  const buy = async (key: string, planId: string) => {
    const res = await req('POST', `/api/v1/members/${m[key]}/membership/purchase`, { plan_id: planId, provider: 'offline' });
    expect(res.statusCode, res.body).toBe(201);
    expect((await req('POST', `/api/v1/membership/payments/${res.json().payment.id}/confirm`)).json().outcome).toBe('applied');
  };
  const report = async (name: string, tenant: TestTenant = a) => {
    const res = await req('GET', `/api/v1/membership/reports/${name}?months=3`, undefined, tenant);
    expect(res.statusCode, res.body).toBe(200);
    return res.json().data;
  };

  beforeAll(async () => {
    t = await createTestApp({ clock });
    a = await createTestTenant(t.deps);
    b = await createTestTenant(t.deps);
    await req('POST', '/api/v1/products/bulk', { products: [{ sku: 'ITEM', name: '商品', list_price_fen: 100 }] });
    monthly = (await req('POST', '/api/v1/membership/plans', { name: '月卡', price_fen: 1500, period: 'month' })).json().id;
    yearly = (await req('POST', '/api/v1/membership/plans', { name: '年卡', price_fen: 9900, period: 'year', trial_days: 7 })).json().id;
    expect((await req('PUT', '/api/v1/membership/settings', { full_refund_days: 7, grace_days: 5, reminder_days: 7, query_after_minutes: 5, payment_timeout_minutes: 60 })).statusCode).toBe(200);
    for (const key of ['A', 'B', 'C', 'D', 'E']) await member(key, '2026-12-01T02:00:00Z');
    await order('A', 10000); // Jan 5: A is not a paid member yet.

    await at('2027-01-10T02:00:00Z');
    await buy('A', monthly);
    await buy('B', yearly);
    expect((await req('POST', `/api/v1/members/${m.C}/membership/trial`, { plan_id: yearly })).statusCode).toBe(201);
    await at('2027-01-12T02:00:00Z');
    await order('A', 20000);
    await order('B', 5000);
    await order('C', 1000); // in the trial: entitled, so it counts as a paid member's
    const d = await order('D', 30000);
    expect((await req('POST', `/api/v1/orders/${d}/refunds`, { external_refund_id: 'RF-D', amount_fen: 10000 })).statusCode).toBe(201);
    await at('2027-01-18T02:00:00Z');
    await runPeriodEnds(t.deps); // C's trial expires

    await at('2027-02-01T02:00:00Z');
    await buy('E', yearly);
    await at('2027-02-02T02:00:00Z');
    await order('E', 3000);
    await at('2027-02-03T02:00:00Z');
    expect((await req('POST', `/api/v1/members/${m.E}/membership/refund`, { reason: '七天无理由' })).json()).toMatchObject({ policy: 'full', amount_fen: 9900 });
    await at('2027-02-04T02:00:00Z');
    await order('E', 2000); // after the refund: no longer a paid member's
    await at('2027-02-05T02:00:00Z');
    await order('D', 6000);
    await at('2027-02-11T02:00:00Z');
    await runPeriodEnds(t.deps); // A: active → grace until Feb 15
    await order('A', 4000); // in grace: still entitled
    await at('2027-02-12T02:00:00Z');
    await buy('A', monthly); // renews the period that ended Feb 10
    await at('2027-02-15T02:00:00Z');
    await member('F', '2027-02-15T02:00:00Z');
    await at('2027-02-20T02:00:00Z');
    expect((await req('POST', `/api/v1/members/${m.B}/membership/cancel`, { reason: '不再续费' })).statusCode).toBe(200);

    await at('2027-03-11T02:00:00Z');
    await runPeriodEnds(t.deps); // A: active → grace until Mar 15
    await at('2027-03-16T02:00:00Z');
    await runPeriodEnds(t.deps); // A expires
    await at('2027-03-18T02:00:00Z');
    await order('B', 8000);
    await order('F', 2000);
    await order(null, 50000); // a guest's order is not member revenue
    await at('2027-03-20T02:00:00Z');
  }, 180_000); // the fixture walks a quarter through some forty requests and job runs: slow on a loaded machine, so more than the default minute
  afterAll(() => t.close());

  it('counts paid members at each month end against the members registered by then', async () => {
    expect(await report('paid-ratio')).toEqual([
      { month: '2027-01', members: 5, paid_members: 2, ratio_bp: 4000 },
      { month: '2027-02', members: 6, paid_members: 2, ratio_bp: 3333 },
      { month: '2027-03', members: 6, paid_members: 1, ratio_bp: 1666 },
    ]);
  });

  it('splits member revenue by whether the member held a paid membership when ordering', async () => {
    expect(await report('revenue-share')).toEqual([
      // 10000 + 20000 + 5000 + 1000 + (30000 − 10000 refunded); paid: 20000 + 5000 + 1000.
      { month: '2027-01', member_orders: 5, paid_member_orders: 3, member_revenue_fen: 56000, paid_member_revenue_fen: 26000, share_bp: 4642 },
      { month: '2027-02', member_orders: 4, paid_member_orders: 2, member_revenue_fen: 15000, paid_member_revenue_fen: 7000, share_bp: 4666 },
      { month: '2027-03', member_orders: 2, paid_member_orders: 1, member_revenue_fen: 10000, paid_member_revenue_fen: 8000, share_bp: 8000 },
    ]);
  });

  it('rates renewals by the month the paid period came due', async () => {
    expect(await report('renewals')).toEqual([
      { month: '2027-01', due: 0, renewed: 0, rate_bp: null },
      { month: '2027-02', due: 1, renewed: 1, rate_bp: 10000 },
      { month: '2027-03', due: 1, renewed: 0, rate_bp: 0 },
    ]);
  });

  it('counts expiries, cancellations and refunds per plan and month', async () => {
    const row = (month: string, planId: string, name: string, expired: number, canceled: number, refunded: number) => ({ month, plan_id: planId, plan_name: name, expired, canceled, refunded, churned: expired + canceled + refunded });
    expect(await report('churn')).toEqual([
      row('2027-01', monthly, '月卡', 0, 0, 0),
      row('2027-01', yearly, '年卡', 1, 0, 0),
      row('2027-02', monthly, '月卡', 0, 0, 0),
      row('2027-02', yearly, '年卡', 0, 1, 1),
      row('2027-03', monthly, '月卡', 1, 0, 0),
      row('2027-03', yearly, '年卡', 0, 0, 0),
    ]);
  });

  it('shows another tenant nothing of it and validates the month count', async () => {
    expect((await report('paid-ratio', b)).map((r: { members: number; paid_members: number }) => r.members + r.paid_members)).toEqual([0, 0, 0]);
    expect((await report('revenue-share', b)).every((r: { member_revenue_fen: number }) => r.member_revenue_fen === 0)).toBe(true);
    expect(await report('churn', b)).toEqual([]);
    const bad = await req('GET', '/api/v1/membership/reports/renewals?months=99');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toContain('months');
  });
});
