import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Overview } from '@hearth/contracts/analytics';
import { createTestApp, createTestTenant, type TestApp, type TestTenant } from '../../test/app.ts';
import { createTestClock } from '../../test/deps.ts';

describe('console overview', () => {
  // 10:00 in Shanghai on 23 Nov: "today" starts at 2026-11-22T16:00Z.
  const clock = createTestClock(new Date('2026-11-23T02:00:00Z'));
  let t: TestApp;
  let a: TestTenant;
  let b: TestTenant;
  let n = 0;
  const post = (url: string, payload: object, tenant: TestTenant = a) => t.app.inject({ method: 'POST', url, payload, headers: tenant.auth });
  const member = async () => (await post('/api/v1/members/resolve', { identities: [{ type: 'store_card', value: `OV-${++n}` }], profile: { channel: 'store' } })).json().member.id as string;
  const order = async (memberId: string | null, fen: number, occurredAt: string) => {
    const response = await post('/api/v1/orders', { external_id: `OV-O-${++n}`, channel: 'store', member_id: memberId, lines: [{ sku: 'TEA', qty: 1, unit_price_fen: fen }], total_paid_fen: fen, occurred_at: occurredAt });
    expect(response.statusCode).toBe(201);
    return response.json().id as string;
  };

  beforeAll(async () => {
    t = await createTestApp({ clock });
    a = await createTestTenant(t.deps);
    b = await createTestTenant(t.deps);
    await post('/api/v1/products/bulk', { products: [{ sku: 'TEA', name: '茶', list_price_fen: 1000 }] });
    await post('/api/v1/points/rules', { rules: { base_points_per_yuan: 1 }, effective_from: '2026-01-01T00:00:00+08:00' });
  });
  afterAll(() => t.close());

  it('counts orders, revenue net of refunds, buyers and new members by day in the tenant’s zone, against the days before', async () => {
    const [m1, m2] = [await member(), await member()];
    await order(m1, 1234, '2026-11-22T17:00:00Z'); // 01:00 on the 23rd in Shanghai: today
    await order(m2, 500, '2026-11-22T15:59:59Z'); // 23:59:59 on the 22nd
    const refunded = await order(m2, 800, '2026-11-20T04:00:00Z');
    expect((await post(`/api/v1/orders/${refunded}/refunds`, { external_refund_id: 'R1', amount_fen: 800 })).statusCode).toBe(201);
    const partly = await order(m1, 1000, '2026-11-10T04:00:00Z');
    expect((await post(`/api/v1/orders/${partly}/refunds`, { external_refund_id: 'R2', amount_fen: 250 })).statusCode).toBe(201);
    await order(null, 300, '2026-11-23T01:00:00Z'); // a guest order: revenue, no buyer
    await order(m1, 999, '2026-11-02T04:00:00Z'); // the window before (days 8–14 back)
    await order(m1, 50, '2026-11-23T00:00:00Z'); // today
    await post('/api/v1/orders', { external_id: 'OTHER', channel: 'store', lines: [{ sku: 'X', qty: 1, unit_price_fen: 100 }], total_paid_fen: 100, occurred_at: '2026-11-23T01:00:00Z' }, b);

    const response = await t.app.inject({ method: 'GET', url: '/api/v1/analytics/overview?days=14', headers: a.auth });
    expect(response.statusCode).toBe(200);
    const report = response.json() as Overview;
    expect(report).toMatchObject({ time_zone: 'Asia/Shanghai', from: '2026-11-10', to: '2026-11-23', members: 2, active_buyers_90d: 2 });
    expect(report.today).toEqual({ orders: 3, revenue_fen: 1234 + 300 + 50, buyers: 1, new_members: 2 });
    expect(report.window).toEqual({ orders: 5, revenue_fen: 1234 + 500 + 750 + 300 + 50, buyers: 2, new_members: 2 });
    expect(report.previous_window).toEqual({ orders: 1, revenue_fen: 999, buyers: 1, new_members: 0 });
    expect(report.daily).toHaveLength(14);
    expect(report.daily.find((d) => d.day === '2026-11-22')).toEqual({ day: '2026-11-22', orders: 1, revenue_fen: 500, new_members: 0 });
    expect(report.daily.find((d) => d.day === '2026-11-20')).toEqual({ day: '2026-11-20', orders: 0, revenue_fen: 0, new_members: 0 });
    // What the members' balances add up to (rounding and clawback are the points module's to test).
    const balances = await Promise.all([m1, m2].map(async (id) => (await t.app.inject({ method: 'GET', url: `/api/v1/members/${id}/points`, headers: a.auth })).json().balance as number));
    expect(report.points.outstanding_points).toBe(balances[0]! + balances[1]!);
    expect(report.points.outstanding_points).toBeGreaterThan(30);
  });

  it('refuses a window it does not serve, naming the field', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/v1/analytics/overview?days=400', headers: a.auth });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors[0].field).toContain('days');
  });
});
