import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Rule } from '@hearth/contracts/segments';
import { createTestApp, createTestTenant, type TestApp, type TestTenant } from '../../test/app.ts';
import { createTestClock } from '../../test/deps.ts';
import { createWorker } from '../../jobs/runner.ts';

// Conditions other modules add to the segment builder: tier (live on tier events), CLV percentile and
// influence (time-based: their scores are rewritten by jobs, and the sweep picks them up).
describe('segment conditions of the tiers and analytics modules', () => {
  const clock = createTestClock(new Date('2027-01-05T02:00:00Z'));
  let t: TestApp;
  let tenant: TestTenant;
  let program: { id: string; tiers: { id: string; code: string }[] };
  const ids: Record<string, string> = {};
  const post = (url: string, payload: object) => t.app.inject({ method: 'POST', url, payload, headers: tenant.auth });
  const preview = async (rule: Rule) => {
    const res = await post('/api/v1/segments/preview', { rule, sample_size: 50 });
    expect(res.statusCode, res.body).toBe(200);
    const found = new Set((res.json().sample as { id: string }[]).map((m) => m.id));
    return Object.keys(ids).filter((k) => found.has(ids[k]!)).sort().join('');
  };
  const tierId = (code: string) => program.tiers.find((x) => x.code === code)!.id;

  beforeAll(async () => {
    t = await createTestApp({ clock });
    tenant = await createTestTenant(t.deps);
    await post('/api/v1/products/bulk', { products: [{ sku: 'ITEM', name: '商品', list_price_fen: 100 }] });
    const created = await post('/api/v1/tier-programs', {
      name: '会员等级',
      tiers: [
        { code: 'normal', name: '普通', color: '#8c8c8c' },
        { code: 'silver', name: '银卡', color: '#bfbfbf' },
      ],
      evaluation: 'yearly',
      downgrade_policy: 'one_level',
      rules: { tiers: [{ code: 'silver', qualify: { op: 'all', items: [{ metric: 'spend_fen', value: 100_00 }] } }] },
    });
    expect(created.statusCode, created.body).toBe(201);
    program = created.json();
    for (const key of ['a', 'b', 'c']) {
      const res = await post('/api/v1/members', { channel: 'store', identities: [{ type: 'store_card', value: `MC-${key}` }] });
      ids[key] = res.json().id;
    }
    // Scores as the weekly fit writes them (its inputs do not matter to the condition).
    const fitId = uuidv7();
    await sql`insert into clv_fits (tenant_id, id, status, calibration_end, horizon_months, discount_bp) values (${tenant.tenantId}, ${fitId}, 'succeeded', '2027-01-04', 12, 1000)`.execute(t.deps.db);
    await sql`insert into member_clv (tenant_id, member_id, fit_id, repeat_purchases, recency_weeks, age_weeks, p_alive, expected_purchases, expected_spend_per_purchase_fen,
        expected_spend_fen, clv_fen, historic_value_fen, clv_percentile, computed_at)
      select ${tenant.tenantId}::uuid, x.m, ${fitId}::uuid, 1, 1, 2, 0.5, 1, 100, 100, 100, 100, x.p, now() from unnest(${[ids.a, ids.b]}::uuid[], ${[90, 40]}::int[]) as x(m, p)`.execute(t.deps.db);
    await sql`insert into member_analytics (tenant_id, member_id, heavy_user, influence_index, computed_at)
      select ${tenant.tenantId}::uuid, x.m, x.h, x.i, now() from unnest(${[ids.a, ids.b]}::uuid[], ${[true, false]}::bool[], ${[80, 10]}::int[]) as x(m, h, i)`.execute(t.deps.db);
  });
  afterAll(() => t.close());

  it('selects by CLV percentile and influence, counting members without scores as 0', async () => {
    expect(await preview({ type: 'clv_percentile', compare: { op: 'gte', value: 80 } })).toBe('a');
    expect(await preview({ type: 'clv_percentile', compare: { op: 'lt', value: 50 } })).toBe('bc');
    expect(await preview({ type: 'influence', index: { op: 'gte', value: 10 } })).toBe('ab');
    expect(await preview({ type: 'influence', heavy_user: false })).toBe('bc');
    expect(await preview({ op: 'not', rule: { type: 'influence', heavy_user: true, index: { op: 'gte', value: 50 } } })).toBe('bc');
    const bad = await post('/api/v1/segments/preview', { rule: { type: 'influence' } });
    expect(bad.statusCode).toBe(400);
  });

  it('selects by tier, and a live segment follows an upgrade', async () => {
    const segment = await post('/api/v1/segments', { name: '银卡会员', rule: { type: 'tier', program_id: program.id, tier_ids: [tierId('silver')] } });
    expect(segment.statusCode, segment.body).toBe(201);
    expect(await preview({ type: 'tier', program_id: program.id, tier_ids: [tierId('silver')] })).toBe('');
    const order = await post('/api/v1/orders', { external_id: 'MC-1', channel: 'store', member_id: ids.b, lines: [{ sku: 'ITEM', qty: 1, unit_price_fen: 200_00 }], total_paid_fen: 200_00, occurred_at: clock.now().toISOString() });
    expect(order.statusCode, order.body).toBe(201);
    expect(await preview({ type: 'tier', program_id: program.id, tier_ids: [tierId('silver')] })).toBe('b');
    await createWorker(t.deps).drain();
    const members = await t.app.inject({ url: `/api/v1/segments/${segment.json().id}/members`, headers: tenant.auth });
    expect((members.json().data as { member_id?: string; id?: string }[]).map((m) => m.member_id ?? m.id)).toEqual([ids.b]);
  });
});
