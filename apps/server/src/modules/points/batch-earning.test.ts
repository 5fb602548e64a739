import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestTenant, type TestApp, type TestTenant } from '../../test/app.ts';
import { createTestClock } from '../../test/deps.ts';
import { reconcileLedger } from './reconcile.ts';

const HOUR = 3600 * 1000;

/**
 * A batch writes its orders set-based, a hundred at a time; the points it awards must be exactly those
 * of the same orders sent one by one: daily caps, rule versions and repaid debt included.
 */
describe('order batches earn what single orders earn', () => {
  const clock = createTestClock(new Date('2026-11-20T02:00:00Z'));
  let t: TestApp;
  let single: TestTenant;
  let batch: TestTenant;
  const post = (url: string, payload: object, tenant: TestTenant) => t.app.inject({ method: 'POST', url, payload, headers: tenant.auth });
  const get = (url: string, tenant: TestTenant) => t.app.inject({ method: 'GET', url, headers: tenant.auth });

  async function setUp(tenant: TestTenant) {
    await post('/api/v1/products/bulk', { products: [{ sku: 'LATTE', name: '拿铁', list_price_fen: 3200, category_path: ['饮品'] }, { sku: 'BEANS', name: '咖啡豆', list_price_fen: 8800, category_path: ['咖啡豆'] }] }, tenant);
    await t.app.inject({ method: 'PUT', url: '/api/v1/points/settings', headers: tenant.auth, payload: { ...((await get('/api/v1/points/settings', tenant)).json() as object), pending_days: 0, clawback_policy: 'negative_balance' } });
    await post('/api/v1/points/rules', { rules: { base_points_per_yuan: 1, cap_per_day: 150, category_multipliers: [{ category: '咖啡豆', multiplier: 2 }] }, effective_from: '2026-01-01T00:00:00+08:00' }, tenant);
    await post('/api/v1/points/rules', { rules: { base_points_per_yuan: 2, cap_per_day: 300 }, effective_from: '2026-11-21T00:00:00+08:00' }, tenant);
    const members: string[] = [];
    for (let i = 0; i < 4; i++) members.push((await post('/api/v1/members/resolve', { identities: [{ type: 'store_card', value: `B-${i}` }], profile: { channel: 'store' } }, tenant)).json().member.id);
    // The first member starts in debt: points earned, spent, then the order refunded.
    const earned = (await post('/api/v1/orders', { external_id: 'DEBT', channel: 'store', member_id: members[0], lines: [{ sku: 'LATTE', qty: 2, unit_price_fen: 3200 }], total_paid_fen: 6400, occurred_at: '2026-11-19T02:00:00Z' }, tenant)).json();
    expect((await post('/api/v1/points/redemptions', { external_id: 'SPEND', member_id: members[0], kind: 'cash', points: 64, order_total_fen: 100000, capture: true }, tenant)).statusCode).toBe(201);
    expect((await post(`/api/v1/orders/${earned.id}/refunds`, { external_refund_id: 'R', amount_fen: 6400 }, tenant)).statusCode).toBe(201);
    return members;
  }

  beforeAll(async () => {
    t = await createTestApp({ clock });
    single = await createTestTenant(t.deps);
    batch = await createTestTenant(t.deps);
  });
  afterAll(() => t.close());

  it('awards the same points per order and per member, across chunks, caps, rule versions and debt', async () => {
    const singleMembers = await setUp(single);
    const batchMembers = await setUp(batch);
    // A fixed pseudo-random stream: the same orders for both tenants.
    let seed = 7;
    const next = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const orders = Array.from({ length: 130 }, (_, i) => {
      const latte = 1 + next(3);
      const beans = next(2);
      const who = next(5); // 4 is a guest
      return {
        i,
        who,
        external_id: `O-${i}`,
        channel: 'store',
        lines: [{ sku: 'LATTE', qty: latte, unit_price_fen: 3200, discount_fen: next(2) * 100 }, ...(beans ? [{ sku: 'BEANS', qty: beans, unit_price_fen: 8800 }] : [])],
        occurred_at: new Date(Date.parse('2026-11-20T01:00:00Z') + i * HOUR).toISOString(),
      };
    });
    const body = (o: (typeof orders)[number], members: string[]) => ({
      external_id: o.external_id,
      channel: o.channel,
      ...(o.who < 4 ? { member_id: members[o.who] } : {}),
      lines: o.lines,
      total_paid_fen: o.lines.reduce((s, l) => s + l.qty * l.unit_price_fen - (l.discount_fen ?? 0), 0),
      occurred_at: o.occurred_at,
    });
    for (const o of orders) expect((await post('/api/v1/orders', body(o, singleMembers), single)).statusCode).toBe(201);
    const sent = orders.map((o) => body(o, batchMembers));
    const response = await post('/api/v1/orders/batch', { orders: [...sent, sent[3], { ...sent[5]!, external_id: 'DEBT' }, { ...sent[6]!, external_id: 'BAD', total_paid_fen: 1 }] }, batch);
    expect(response.statusCode).toBe(200);
    const statuses = response.json().results.map((r: { status: string; error?: { code: string } }) => r.error?.code ?? r.status);
    expect(statuses).toEqual([...orders.map(() => 'created'), 'duplicate', 'ORDER_CONFLICT', 'VALIDATION_FAILED']);

    const pointsByOrder = async (tenant: TestTenant) => {
      const rows = await t.deps.db
        .selectFrom('points_transactions as p')
        .innerJoin('orders as o', (j) => j.onRef('o.tenant_id', '=', 'p.tenant_id').onRef('o.id', '=', 'p.order_id'))
        .select(['o.external_id', 'p.kind', 'p.points'])
        .where('p.tenant_id', '=', tenant.tenantId)
        .orderBy('o.external_id')
        .orderBy('p.kind')
        .execute();
      return rows.map((r) => `${r.external_id} ${r.kind} ${r.points}`);
    };
    const awarded = await pointsByOrder(single);
    expect(await pointsByOrder(batch)).toEqual(awarded);
    // The caps did bite, both rule versions applied, and the debt was repaid out of an award.
    const { rows: [seen] } = await sql<{ capped: number; versions: number; repaid: number }>`
      select count(*) filter (where details->'explanation'->>'capped_by' = 'cap_per_day')::int as capped,
        count(distinct details->'explanation'->>'rule_version')::int as versions,
        count(*) filter (where details ? 'debt_repaid')::int as repaid
      from points_transactions where tenant_id = ${batch.tenantId} and kind = 'earn'`.execute(t.deps.db);
    expect(seen!.versions).toBe(2);
    expect(seen!.capped).toBeGreaterThan(10);
    expect(seen!.repaid).toBeGreaterThan(0);
    for (const [i, member] of singleMembers.entries()) {
      const one = (await get(`/api/v1/members/${member}/points`, single)).json();
      const other = (await get(`/api/v1/members/${batchMembers[i]}/points`, batch)).json();
      expect({ ...other, member_id: null }).toEqual({ ...one, member_id: null });
    }
    expect(await reconcileLedger(t.deps.db, single.tenantId)).toEqual([]);
    expect(await reconcileLedger(t.deps.db, batch.tenantId)).toEqual([]);
    // 130 orders one by one, then as a batch: a loaded two-core machine has needed more than the default 30 s.
  }, 180_000);
});
