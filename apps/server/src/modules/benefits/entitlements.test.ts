import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestTenant, type TestApp, type TestTenant } from '../../test/app.ts';
import { createTestClock } from '../../test/deps.ts';
import { withTransaction } from '../../db/transaction.ts';
import { exclusiveSkus, priorityWindowHours } from './entitlements.ts';
import { recordSavings } from './savings.service.ts';

describe('benefits: paid plans, refunds, points multiplier, savings, report, merge', () => {
  const clock = createTestClock(new Date('2027-05-10T02:00:00Z'));
  let t: TestApp;
  let a: TestTenant;
  let n = 0;
  let double: string;
  let tenOff: string;
  let plan: string;
  const req = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object, tenant: TestTenant = a) => t.app.inject({ method, url, payload, headers: tenant.auth });
  const newMember = async () => (await req('POST', '/api/v1/members', { channel: 'store', identities: [{ type: 'store_card', value: `ENT-${++n}` }] })).json().id as string;
  const codes = async (memberId: string) => ((await req('GET', `/api/v1/members/${memberId}/benefits`)).json().data as { benefit: { code: string }; sources: { kind: string }[] }[]).map((h) => `${h.benefit.code}:${h.sources.map((s) => s.kind).join('+')}`);
  const order = async (memberId: string, fen: number) => {
    const res = await req('POST', '/api/v1/orders', { external_id: `EO-${++n}`, channel: 'store', member_id: memberId, lines: [{ sku: 'LATTE', qty: 1, unit_price_fen: fen }], total_paid_fen: fen, occurred_at: clock.now().toISOString() });
    expect(res.statusCode, res.body).toBe(201);
  };
  const points = async (memberId: string) => (await req('GET', `/api/v1/members/${memberId}/points`)).json().balance as number;
  const subscribe = async (memberId: string) => {
    const purchase = await req('POST', `/api/v1/members/${memberId}/membership/purchase`, { plan_id: plan, provider: 'offline' });
    expect(purchase.statusCode, purchase.body).toBe(201);
    expect((await req('POST', `/api/v1/membership/payments/${purchase.json().payment.id}/confirm`)).json().outcome).toBe('applied');
  };

  beforeAll(async () => {
    t = await createTestApp({ clock });
    a = await createTestTenant(t.deps);
    await req('PUT', '/api/v1/products/LATTE', { name: '拿铁', category_path: ['饮品', '咖啡'], list_price_fen: 3200 });
    expect((await req('POST', '/api/v1/points/rules', { rules: { base_points_per_yuan: 1 }, effective_from: '2027-01-01T00:00:00Z' })).statusCode).toBe(201);
    double = (await req('POST', '/api/v1/benefits', { code: 'double', name: '双倍积分', config: { type: 'points_multiplier', multiplier: 2 } })).json().id;
    tenOff = (await req('POST', '/api/v1/benefits', { code: 'ten-off', name: '饮品 9 折', config: { type: 'discount', mode: 'percent', percent_off_bp: 1000, categories: ['饮品'] } })).json().id;
    const p = await req('POST', '/api/v1/membership/plans', { name: '付费会员', price_fen: 9900, period: 'year', benefit_ids: [double, tenOff] });
    expect(p.statusCode, p.body).toBe(201);
    plan = p.json().id;
  });
  afterAll(() => t.close());

  it('gives a paid member the plan’s benefits, 2× points through the earning hook, and ends them at once on refund', async () => {
    const member = await newMember();
    expect(await codes(member)).toEqual([]);
    await order(member, 10_000);
    expect(await points(member)).toBe(100);
    await subscribe(member);
    expect(await codes(member)).toEqual(['double:plan', 'ten-off:plan']);
    const held = (await req('GET', `/api/v1/members/${member}/benefits`)).json().data[0];
    expect(held.valid_until).toBe(held.sources[0].valid_until);
    expect(held.valid_until).not.toBeNull();
    await order(member, 10_000);
    expect(await points(member)).toBe(300);
    const preview = (await req('POST', '/api/v1/points/preview', { member_id: member, channel: 'store', lines: [{ sku: 'LATTE', qty: 1, unit_price_fen: 5000 }] })).json();
    expect(preview.points).toBe(100);
    expect((await req('POST', `/api/v1/members/${member}/benefits/${tenOff}/use`, { use_key: 'PAID-1', value_fen: 320 })).statusCode).toBe(201);

    const refund = await req('POST', `/api/v1/members/${member}/membership/refund`, { reason: '不想要了' });
    expect(refund.statusCode, refund.body).toBe(200);
    expect(await codes(member)).toEqual([]);
    const refused = await req('POST', `/api/v1/members/${member}/benefits/${tenOff}/use`, { use_key: 'PAID-2' });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe('BENEFIT_NOT_ENTITLED');
    const quote = (await req('POST', '/api/v1/benefits/quote', { member_id: member, channel: 'store', lines: [{ sku: 'LATTE', qty: 1, unit_price_fen: 3200 }] })).json();
    expect(quote.total_discount_fen).toBe(0);
    await order(member, 10_000);
    expect(await points(member)).toBe(400);
    // The use made while paid stays (and its saving).
    expect((await req('GET', `/api/v1/members/${member}/savings`)).json().by_kind.benefit).toBe(320);
  });

  it('tells the pricing module a member’s priority window and exclusive products', async () => {
    const member = await newMember();
    const early = (await req('POST', '/api/v1/benefits', { code: 'early', name: '提前 48 小时', config: { type: 'priority_window', hours: 48 } })).json().id;
    const beans = (await req('POST', '/api/v1/benefits', { code: 'early-beans', name: '新豆提前 72 小时', config: { type: 'priority_window', hours: 72, skus: ['BEAN-NEW'] } })).json().id;
    const geisha = (await req('POST', '/api/v1/benefits', { code: 'geisha', name: '瑰夏专享', config: { type: 'exclusive_access', skus: ['BEAN-GEISHA'] } })).json().id;
    const now = clock.now();
    expect(await priorityWindowHours(t.deps.db, a.tenantId, member, now, 'BEAN-NEW')).toBe(0);
    for (const id of [early, beans, geisha]) await req('POST', `/api/v1/members/${member}/benefit-grants`, { benefit_id: id, grant_key: `P-${id}`, valid_until: '2027-12-31T00:00:00Z', reason: '测试' });
    expect(await priorityWindowHours(t.deps.db, a.tenantId, member, now, 'BEAN-NEW')).toBe(72);
    expect(await priorityWindowHours(t.deps.db, a.tenantId, member, now, 'LATTE')).toBe(48);
    expect([...(await exclusiveSkus(t.deps.db, a.tenantId, member, now))]).toEqual(['BEAN-GEISHA']);
    expect(await priorityWindowHours(t.deps.db, a.tenantId, member, new Date('2028-01-01T00:00:00Z'))).toBe(0);
  });

  it('adds up this year’s savings from benefit uses, coupons and member prices, by kind', async () => {
    const member = await newMember();
    await subscribe(member);
    await req('POST', `/api/v1/members/${member}/benefits/${tenOff}/use`, { use_key: 'S-1', value_fen: 480 });
    const template = await req('POST', '/api/v1/coupon-templates', { name: '满50减10', terms: { kind: 'cash', value_fen: 1000, min_spend_fen: 5000, valid_days: 30 } });
    const issued = await req('POST', '/api/v1/coupons/issue', { template_id: template.json().id, member_id: member, issuance_key: 'SAV-1' });
    const code = issued.json().data[0].code;
    const confirmed = await req('POST', '/api/v1/coupons/confirm', { code, pos_transaction_id: 'POS-SAV', cart: { channel: 'store', lines: [{ sku: 'LATTE', qty: 2, unit_price_fen: 3200 }] } });
    expect(confirmed.statusCode, confirmed.body).toBe(201);
    // What the pricing module will do for member prices: idempotent by its source id.
    const ctx = { tenantId: a.tenantId };
    for (let i = 0; i < 2; i++) {
      await withTransaction(t.deps.db, (trx) => recordSavings(t.deps, trx, ctx, { memberId: member, kind: 'member_price', amountFen: 250, sourceId: 'order-line:X1', occurredAt: clock.now() }));
    }
    // Last year's saving does not count this year.
    await withTransaction(t.deps.db, (trx) => recordSavings(t.deps, trx, ctx, { memberId: member, kind: 'member_price', amountFen: 999, sourceId: 'order-line:OLD', occurredAt: new Date('2026-12-31T15:00:00Z') }));
    const savings = (await req('GET', `/api/v1/members/${member}/savings`)).json();
    expect(savings).toMatchObject({ year: 2027, total_fen: 1730, by_kind: { benefit: 480, coupon: 1000, member_price: 250, partner: 0, other: 0 } });
    expect(savings.message).toEqual({ zh: '本年已为您节省 ¥17.30', en: 'You saved ¥17.30 this year' });
    expect((await req('GET', `/api/v1/members/${member}/savings?year=2026`)).json()).toMatchObject({ total_fen: 999, message: { zh: '2026 年已为您节省 ¥9.99' } });
    const m360 = (await req('GET', `/api/v1/members/${member}`)).json();
    expect(m360.sections.benefits).toMatchObject({ savings: { total_fen: 1730 }, entitlements: [{ benefit: { code: 'double' } }, { benefit: { code: 'ten-off' } }] });
  });

  it('reports usage by benefit and source over a window', async () => {
    const grantee = await newMember();
    await req('POST', `/api/v1/members/${grantee}/benefit-grants`, { benefit_id: tenOff, grant_key: 'R-1', valid_until: '2027-12-31T00:00:00Z', uses: 2, reason: '回馈' });
    await req('POST', `/api/v1/members/${grantee}/benefits/${tenOff}/use`, { use_key: 'R-U1', value_fen: 100 });
    const rows = (await req('GET', `/api/v1/benefits/reports/usage?from=2027-05-01T00:00:00Z&to=2027-06-01T00:00:00Z`)).json().data;
    expect(rows).toEqual(
      expect.arrayContaining([
        { benefit_id: tenOff, code: 'ten-off', name: '饮品 9 折', type: 'discount', source: 'plan', uses: 2, members: 2, value_fen: 800 },
        { benefit_id: tenOff, code: 'ten-off', name: '饮品 9 折', type: 'discount', source: 'grant', uses: 1, members: 1, value_fen: 100 },
      ]),
    );
    expect((await req('GET', `/api/v1/benefits/reports/usage?from=2027-06-01T00:00:00Z`)).json().data).toEqual([]);
  });

  it('moves grants, uses and savings to the survivor of a merge', async () => {
    const survivor = await newMember();
    const merged = await newMember();
    for (const m of [survivor, merged]) await req('POST', `/api/v1/members/${m}/benefit-grants`, { benefit_id: tenOff, grant_key: `M-${m}`, valid_until: '2027-12-31T00:00:00Z', uses: 3, reason: '回馈' });
    await req('POST', `/api/v1/members/${survivor}/benefits/${tenOff}/use`, { use_key: 'SAME', value_fen: 100 });
    await req('POST', `/api/v1/members/${merged}/benefits/${tenOff}/use`, { use_key: 'SAME', value_fen: 200 });
    const merge = await req('POST', `/api/v1/members/${survivor}/merge`, { from_member_id: merged, reason: '同一人' });
    expect(merge.statusCode, merge.body).toBe(200);
    expect(merge.json().moved.benefits).toBeGreaterThanOrEqual(3);
    const uses = (await req('GET', `/api/v1/members/${survivor}/benefit-uses`)).json().data;
    expect(uses.map((u: { use_key: string }) => u.use_key).sort()).toEqual(['SAME', `SAME~merged:${merged}`]);
    expect((await req('GET', `/api/v1/members/${survivor}/benefit-grants`)).json().data).toHaveLength(2);
    expect((await req('GET', `/api/v1/members/${survivor}/savings`)).json().by_kind.benefit).toBe(300);
    expect((await req('GET', `/api/v1/members/${survivor}/benefits`)).json().data[0]).toMatchObject({ remaining: 4 });
  });

  it('gives back the uses recorded against an order when it is fully refunded', async () => {
    const member = await newMember();
    await req('POST', `/api/v1/members/${member}/benefit-grants`, { benefit_id: tenOff, grant_key: `REF-${member}`, valid_until: '2027-12-31T00:00:00Z', uses: 2, reason: '回馈' });
    const orders = [];
    for (const key of ['RO-1', 'RO-2']) {
      const res = await req('POST', '/api/v1/orders', { external_id: key, channel: 'store', member_id: member, lines: [{ sku: 'LATTE', qty: 1, unit_price_fen: 2880 }], total_paid_fen: 2880, occurred_at: clock.now().toISOString() });
      orders.push(res.json().id as string);
      expect((await req('POST', `/api/v1/members/${member}/benefits/${tenOff}/use`, { use_key: `POS-${key}`, value_fen: 320, order_external_id: key })).statusCode).toBe(201);
    }
    const left = async () => ((await req('GET', `/api/v1/members/${member}/benefits`)).json().data[0]?.remaining ?? 0) as number;
    expect(await left()).toBe(0);
    // A partial refund keeps the use; the full refund gives it back, with its saving.
    expect((await req('POST', `/api/v1/orders/${orders[0]}/refunds`, { external_refund_id: 'R-1a', amount_fen: 1000 })).statusCode).toBe(201);
    expect(await left()).toBe(0);
    expect((await req('POST', `/api/v1/orders/${orders[0]}/refunds`, { external_refund_id: 'R-1b', amount_fen: 1880 })).statusCode).toBe(201);
    expect(await left()).toBe(1);
    expect((await req('GET', `/api/v1/members/${member}/savings`)).json().by_kind.benefit).toBe(320);
    const uses = (await req('GET', `/api/v1/members/${member}/benefit-uses`)).json().data;
    expect(uses.map((u: { use_key: string; undo_reason: string | null }) => [u.use_key, u.undo_reason])).toEqual(expect.arrayContaining([['POS-RO-1', 'order_refunded'], ['POS-RO-2', null]]));
  });
});
