import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestTenant, type TestApp, type TestTenant } from '../../test/app.ts';
import { createTestClock } from '../../test/deps.ts';
import { expireDuePoints, remindExpiringPoints } from './expiry.job.ts';
import { reconcileLedger } from './reconcile.ts';
import { releaseExpiredHolds } from './redemptions.service.ts';

const DAY = 24 * 3600 * 1000;

describe('points: earning, clawback, redemption, expiry', () => {
  const clock = createTestClock(new Date('2026-11-20T02:00:00Z'));
  let t: TestApp;
  let a: TestTenant;
  let n = 0;
  const post = (url: string, payload: object, tenant: TestTenant = a) => t.app.inject({ method: 'POST', url, payload, headers: tenant.auth });
  const get = (url: string, tenant: TestTenant = a) => t.app.inject({ method: 'GET', url, headers: tenant.auth });
  const newMember = async () => (await post('/api/v1/members/resolve', { identities: [{ type: 'store_card', value: `PTS-${++n}` }], profile: { channel: 'store' } })).json().member.id as string;
  const order = (memberId: string | null, lines: { sku: string; qty: number; unit_price_fen: number; discount_fen?: number; flags?: string[] }[], extra: object = {}) => {
    const total = lines.reduce((s, l) => s + l.qty * l.unit_price_fen - (l.discount_fen ?? 0), 0) + ((extra as { shipping_fen?: number }).shipping_fen ?? 0);
    return post('/api/v1/orders', { external_id: `PO-${++n}`, channel: 'store', member_id: memberId, lines, total_paid_fen: total, occurred_at: clock.now().toISOString(), ...extra });
  };
  const balance = async (memberId: string) => (await get(`/api/v1/members/${memberId}/points`)).json();
  const books = async () => expect(await reconcileLedger(t.deps.db, a.tenantId)).toEqual([]);

  beforeAll(async () => {
    t = await createTestApp({ clock });
    a = await createTestTenant(t.deps);
    await post('/api/v1/products/bulk', {
      products: [
        { sku: 'LATTE', name: '拿铁', list_price_fen: 3200, category_path: ['饮品', '咖啡'] },
        { sku: 'BEANS', name: '咖啡豆', list_price_fen: 8800, category_path: ['零售', '咖啡豆'] },
        { sku: 'CARD', name: '储值卡', list_price_fen: 10000 },
        { sku: 'CUP', name: '随行杯', list_price_fen: 9900, category_path: ['周边'] },
      ],
    });
    const rules = await post('/api/v1/points/rules', {
      rules: {
        base_points_per_yuan: 1,
        category_multipliers: [{ category: '咖啡豆', multiplier: 2 }],
        sku_multipliers: [{ sku: 'CUP', multiplier: 0 }],
        channel_multipliers: [{ channel: 'mini_program', multiplier: 1.5 }],
      },
      effective_from: '2026-01-01T00:00:00+08:00',
      note: '基础规则',
    });
    expect(rules.statusCode).toBe(201);
  });
  afterAll(() => t.close());

  it('explains an order’s points rule by rule without writing anything', async () => {
    const preview = await post('/api/v1/points/preview', {
      channel: 'mini_program',
      lines: [
        { sku: 'LATTE', qty: 2, unit_price_fen: 3200, discount_fen: 400 },
        { sku: 'BEANS', qty: 1, unit_price_fen: 8800 },
        { sku: 'CARD', qty: 1, unit_price_fen: 10000, flags: ['gift_card'] },
        { sku: 'CUP', qty: 1, unit_price_fen: 9900 },
      ],
      shipping_fen: 1000,
    });
    expect(preview.statusCode).toBe(200);
    const body = preview.json();
    // (60 + 88×2) × 1.5 = 354: discounts, the gift card, the cup (×0) and shipping earn nothing.
    expect(body.points).toBe(354);
    expect(body.eligible_fen).toBe(6000 + 8800);
    expect(body.lines.map((l: { excluded: string | null }) => l.excluded)).toEqual([null, null, 'gift_card', 'sku:CUP', 'shipping']);
    expect(body.lines.reduce((s: number, l: { points: number }) => s + l.points, 0)).toBe(354);
    expect(body.contributions.map((c: { rule: string; points: number }) => [c.rule, c.points])).toEqual([
      ['base', 148],
      ['category:咖啡豆', 88],
      ['channel:mini_program', 118],
    ]);
    const draft = await post('/api/v1/points/preview', { channel: 'store', lines: [{ sku: 'LATTE', qty: 1, unit_price_fen: 3250 }], rules: { base_points_per_yuan: 0.5, rounding: 'round', cap_per_order: 10 } });
    expect(draft.json()).toMatchObject({ points: 10, capped_by: 'cap_per_order', rule_version: null });
    const bad = await post('/api/v1/points/preview', { channel: 'store', lines: [{ sku: 'LATTE', qty: 1, unit_price_fen: 100 }], rules: { base_points_per_yuan: 0.333 } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toBe('rules.base_points_per_yuan');
  });

  it('earns once per order into a pending lot that expires by the policy, and follows rule versions', async () => {
    const member = await newMember();
    const body = { external_id: `PO-${++n}`, channel: 'store', member_id: member, lines: [{ sku: 'LATTE', qty: 3, unit_price_fen: 3200, discount_fen: 500 }], total_paid_fen: 9100, occurred_at: clock.now().toISOString() };
    expect((await post('/api/v1/orders', body)).statusCode).toBe(201);
    expect((await post('/api/v1/orders', body)).statusCode).toBe(200);
    let b = await balance(member);
    expect(b).toMatchObject({ available: 0, pending: 91, held: 0, lifetime_earned: 91 });
    const lots = (await get(`/api/v1/members/${member}/points/lots`)).json().data;
    // Earned 2026-11-20 in Shanghai: spendable after the 7-day return window, gone at the start of 2027-11-21.
    expect(lots).toMatchObject([{ amount: 91, remaining: 91, available_at: '2026-11-27T02:00:00.000Z', expires_at: '2027-11-20T16:00:00.000Z' }]);
    const ledger = (await get(`/api/v1/members/${member}/points/ledger`)).json().data;
    expect(ledger).toHaveLength(1);
    expect(ledger[0]).toMatchObject({ kind: 'earn', points: 91, postings: expect.arrayContaining([{ account: 'member', amount: 91 }, { account: 'issued', amount: -91 }]), lots: [{ amount: 91 }] });

    // A new version from tomorrow doubles the rate; today's orders keep the old one.
    await post('/api/v1/points/rules', { rules: { base_points_per_yuan: 2 }, effective_from: new Date(clock.now().getTime() + DAY).toISOString() });
    await order(member, [{ sku: 'LATTE', qty: 1, unit_price_fen: 1000 }]);
    await order(member, [{ sku: 'LATTE', qty: 1, unit_price_fen: 1000 }], { occurred_at: new Date(clock.now().getTime() + 2 * DAY).toISOString() });
    b = await balance(member);
    expect(b.pending).toBe(91 + 10 + 20);
    await post('/api/v1/points/rules', { rules: { base_points_per_yuan: 1, category_multipliers: [{ category: '咖啡豆', multiplier: 2 }], sku_multipliers: [{ sku: 'CUP', multiplier: 0 }], channel_multipliers: [{ channel: 'mini_program', multiplier: 1.5 }] }, effective_from: new Date(clock.now().getTime() + DAY).toISOString() });
    await books();
  });

  it('earns nothing on guest orders until they are attached, then once', async () => {
    const member = await newMember();
    const guest = (await order(null, [{ sku: 'BEANS', qty: 1, unit_price_fen: 8800 }])).json();
    expect((await balance(member)).pending).toBe(0);
    await post(`/api/v1/orders/${guest.id}/attach`, { member_id: member });
    expect((await balance(member)).pending).toBe(176);
  });

  it('claws back refunds line by line, once per refund, and settles spent points by policy', async () => {
    const member = await newMember();
    const o = (await order(member, [{ sku: 'LATTE', qty: 4, unit_price_fen: 2500 }, { sku: 'BEANS', qty: 1, unit_price_fen: 5000 }])).json();
    expect((await balance(member)).pending).toBe(100 + 100);
    const refund = { external_refund_id: 'R1', lines: [{ line_no: 1, qty: 1 }] };
    expect((await post(`/api/v1/orders/${o.id}/refunds`, refund)).statusCode).toBe(201);
    expect((await post(`/api/v1/orders/${o.id}/refunds`, refund)).statusCode).toBe(200);
    expect((await balance(member)).pending).toBe(200 - 25);
    // The rest of the order refunded by amount: everything it earned is back, to the point.
    await post(`/api/v1/orders/${o.id}/refunds`, { external_refund_id: 'R2', amount_fen: 12500 });
    expect((await balance(member)).pending).toBe(0);
    const clawbacks = (await get(`/api/v1/members/${member}/points/ledger`)).json().data.filter((e: { kind: string }) => e.kind === 'clawback');
    expect(clawbacks.map((e: { points: number }) => e.points).sort()).toEqual([-175, -25]);
    await books();
  });

  it('holds, captures and cancels cash redemptions; never spends pending or held points', async () => {
    const member = await newMember();
    await order(member, [{ sku: 'LATTE', qty: 10, unit_price_fen: 1000 }]);
    const early = await post('/api/v1/points/redemptions', { external_id: 'H0', member_id: member, kind: 'cash', points: 50, order_total_fen: 10000 });
    expect(early.statusCode).toBe(422);
    expect(early.json()).toMatchObject({ code: 'POINTS_INSUFFICIENT', errors: [{ field: 'points' }] });
    clock.advance(8 * DAY);
    const hold = await post('/api/v1/points/redemptions', { external_id: 'H1', member_id: member, kind: 'cash', points: 60, order_total_fen: 10000 });
    expect(hold.statusCode).toBe(201);
    expect(hold.json()).toMatchObject({ status: 'held', points: 60, value_fen: 60 });
    expect(await balance(member)).toMatchObject({ available: 40, held: 60 });
    const second = await post('/api/v1/points/redemptions', { external_id: 'H2', member_id: member, kind: 'cash', points: 50, order_total_fen: 10000 });
    expect(second.json().code).toBe('POINTS_INSUFFICIENT');
    const share = await post('/api/v1/points/redemptions', { external_id: 'H3', member_id: member, kind: 'cash', points: 30, order_total_fen: 50 });
    expect(share.json()).toMatchObject({ code: 'REDEMPTION_EXCEEDS_SHARE', errors: [{ field: 'points' }] });
    const canceled = await post(`/api/v1/points/redemptions/${hold.json().id}/cancel`, {});
    expect(canceled.json().status).toBe('canceled');
    expect(await balance(member)).toMatchObject({ available: 100, held: 0 });
    expect((await post(`/api/v1/points/redemptions/${hold.json().id}/capture`, {})).json().code).toBe('HOLD_NOT_ACTIVE');

    const hold2 = (await post('/api/v1/points/redemptions', { external_id: 'H4', member_id: member, kind: 'cash', points: 30, order_total_fen: 10000 })).json();
    const captured = await post(`/api/v1/points/redemptions/${hold2.id}/capture`, {});
    expect(captured.json().status).toBe('captured');
    expect(await balance(member)).toMatchObject({ available: 70, held: 0, lifetime_spent: 30 });
    const capture = (await get(`/api/v1/members/${member}/points/ledger`)).json().data.find((e: { kind: string }) => e.kind === 'capture');
    expect(capture.lots.reduce((s: number, l: { amount: number }) => s + l.amount, 0)).toBe(-30);

    // A hold nobody settles lapses and its points come back.
    const hold3 = (await post('/api/v1/points/redemptions', { external_id: 'H5', member_id: member, kind: 'cash', points: 20, order_total_fen: 10000 })).json();
    clock.advance(16 * 60 * 1000);
    expect(await releaseExpiredHolds(t.deps)).toBeGreaterThanOrEqual(1);
    expect((await get(`/api/v1/points/redemptions/${hold3.id}`)).json().status).toBe('expired');
    expect(await balance(member)).toMatchObject({ available: 70, held: 0 });
    await books();
  });

  it('redeems rewards from stock, and records a clawback of spent points by the tenant policy', async () => {
    const member = await newMember();
    const o = (await order(member, [{ sku: 'LATTE', qty: 1, unit_price_fen: 10000 }])).json();
    clock.advance(8 * DAY);
    const reward = (await post('/api/v1/points/rewards', { name: '免费拿铁券', points_price: 40, stock: 1 })).json();
    expect((await post('/api/v1/points/redemptions', { external_id: 'RW1', member_id: member, kind: 'reward', reward_id: reward.id })).statusCode).toBe(201);
    const out = await post('/api/v1/points/redemptions', { external_id: 'RW2', member_id: member, kind: 'reward', reward_id: reward.id });
    expect(out.json().code).toBe('REWARD_OUT_OF_STOCK');
    // The order is refunded after 40 of its 100 points were spent: the default policy leaves a negative balance.
    await post(`/api/v1/orders/${o.id}/refunds`, { external_refund_id: 'RF', amount_fen: 10000 });
    expect(await balance(member)).toMatchObject({ available: -40, debt: 40 });
    const clawback = (await get(`/api/v1/members/${member}/points/ledger`)).json().data.find((e: { kind: string }) => e.kind === 'clawback');
    expect(clawback.details).toMatchObject({ policy: 'negative_balance', shortfall: 40, negative_balance: 40 });
    // The next points repay the debt first.
    await order(member, [{ sku: 'LATTE', qty: 1, unit_price_fen: 5000 }]);
    clock.advance(8 * DAY);
    expect(await balance(member)).toMatchObject({ available: 10, debt: 0 });
    await books();

    // Under the loss policy the brand absorbs what was spent.
    await t.app.inject({ method: 'PUT', url: '/api/v1/points/settings', headers: a.auth, payload: { ...((await get('/api/v1/points/settings')).json() as object), clawback_policy: 'loss' } });
    const other = await newMember();
    const o2 = (await order(other, [{ sku: 'LATTE', qty: 1, unit_price_fen: 5000 }])).json();
    clock.advance(8 * DAY);
    await post('/api/v1/points/redemptions', { external_id: 'C1', member_id: other, kind: 'cash', points: 30, order_total_fen: 10000, capture: true });
    await post(`/api/v1/orders/${o2.id}/refunds`, { external_refund_id: 'RF', amount_fen: 5000 });
    expect(await balance(other)).toMatchObject({ available: 0, debt: 0 });
    const loss = (await get(`/api/v1/members/${other}/points/ledger`)).json().data.find((e: { kind: string }) => e.kind === 'clawback');
    expect(loss.postings).toEqual(expect.arrayContaining([{ account: 'loss', amount: -30 }, { account: 'member', amount: -20 }, { account: 'issued', amount: 50 }]));
    await t.app.inject({ method: 'PUT', url: '/api/v1/points/settings', headers: a.auth, payload: { ...((await get('/api/v1/points/settings')).json() as object), clawback_policy: 'negative_balance' } });
    await books();
  });

  it('adjusts with a reason (audited, idempotent), never below what the member has', async () => {
    const member = await newMember();
    const plus = await post(`/api/v1/members/${member}/points/adjustments`, { points: 500, reason: '客诉补偿', external_id: 'ADJ-1' });
    expect(plus.statusCode).toBe(201);
    expect((await post(`/api/v1/members/${member}/points/adjustments`, { points: 500, reason: '客诉补偿', external_id: 'ADJ-1' })).statusCode).toBe(200);
    expect((await post(`/api/v1/members/${member}/points/adjustments`, { points: 5, reason: '别的', external_id: 'ADJ-1' })).statusCode).toBe(409);
    expect((await balance(member)).available).toBe(500);
    const minus = await post(`/api/v1/members/${member}/points/adjustments`, { points: -600, reason: '误发' });
    expect(minus.json()).toMatchObject({ code: 'POINTS_INSUFFICIENT' });
    expect((await post(`/api/v1/members/${member}/points/adjustments`, { points: 0, reason: 'x' })).json().errors.map((e: { field: string }) => e.field).sort()).toEqual(['points', 'reason']);
    const partner = await post(`/api/v1/members/${member}/points/adjustments`, { points: 200, reason: '航空里程兑入', partner: 'airline' });
    expect(partner.statusCode).toBe(201);
    const audit = (await get('/api/v1/audit-log?action=points.adjust')).json().data;
    expect(audit.some((e: { details: { reason?: string } }) => e.details.reason === '客诉补偿')).toBe(true);
    expect((await get('/api/v1/points/reconciliation')).json()).toEqual({ problems: [] });
    const liability = (await get('/api/v1/points/liability')).json();
    expect(liability.accounts.reduce((s: number, acc: { balance: number }) => s + acc.balance, 0)).toBe(0);
    expect(liability.accounts).toEqual(expect.arrayContaining([{ account: 'partner', balance: -200 }]));
    // The ledger pages newest first by (time, id); a cursor not made by the API is a 400 on the query field.
    const first = (await get(`/api/v1/members/${member}/points/ledger?limit=1`)).json();
    expect(first.data).toHaveLength(1);
    const second = (await get(`/api/v1/members/${member}/points/ledger?limit=5&cursor=${first.next_cursor}`)).json();
    expect([...first.data, ...second.data].map((e: { points: number }) => e.points)).toEqual([200, 500]);
    expect(second.next_cursor).toBeNull();
    expect((await get(`/api/v1/members/${member}/points/ledger?cursor=bm90LWEtY3Vyc29y`)).json().errors).toEqual([expect.objectContaining({ field: 'query.cursor', code: 'invalid_cursor' })]);
    await books();
  });

  it('expires due lots exactly once, and reminds N days before', async () => {
    const member = await newMember();
    await post(`/api/v1/members/${member}/points/adjustments`, { points: 300, reason: '活动奖励' });
    const [lot] = (await get(`/api/v1/members/${member}/points/lots`)).json().data;
    const expiresAt = new Date(lot.expires_at).getTime();
    clock.set(new Date(expiresAt - 30 * DAY + 3600 * 1000));
    expect(await remindExpiringPoints(t.deps)).toBeGreaterThanOrEqual(1);
    const firstRound = await t.deps.db.selectFrom('points_expiry_reminders').selectAll().where('tenant_id', '=', a.tenantId).where('member_id', '=', member).execute();
    expect(firstRound).toMatchObject([{ days_before: 30, points: 300 }]);
    await remindExpiringPoints(t.deps);
    expect(await t.deps.db.selectFrom('points_expiry_reminders').selectAll().where('tenant_id', '=', a.tenantId).where('member_id', '=', member).execute()).toHaveLength(1);
    const event = await t.deps.db.selectFrom('domain_events').select('payload').where('tenant_id', '=', a.tenantId).where('type', '=', 'points.expiring').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(event.payload).toMatchObject({ points: 300, value_fen: 300, days_before: 30, link: '/m/points' });

    clock.set(new Date(expiresAt + 1000));
    const first = await expireDuePoints(t.deps, { membersPerChunk: 2 });
    expect(first.lots).toBeGreaterThanOrEqual(1);
    expect(await expireDuePoints(t.deps)).toEqual({ lots: 0, members: 0, points: 0 });
    expect((await balance(member)).available).toBe(0);
    const expired = (await get(`/api/v1/members/${member}/points/ledger`)).json().data.find((e: { kind: string }) => e.kind === 'expire');
    expect(expired).toMatchObject({ points: -300, postings: expect.arrayContaining([{ account: 'expired', amount: 300 }]), lots: [{ lot_id: lot.id, amount: -300 }] });
    await books();
  });

  it('moves points with a member merge, and hides other tenants’ members', async () => {
    const survivor = await newMember();
    const merged = await newMember();
    await post(`/api/v1/members/${survivor}/points/adjustments`, { points: 100, reason: '合并测试', external_id: 'SAME' });
    await post(`/api/v1/members/${merged}/points/adjustments`, { points: 50, reason: '合并测试', external_id: 'SAME' });
    const merge = await post(`/api/v1/members/${survivor}/merge`, { from_member_id: merged, reason: '同一人' });
    expect(merge.statusCode).toBe(200);
    expect((await balance(survivor)).available).toBe(150);
    await books();
    const b = await createTestTenant(t.deps);
    expect((await get(`/api/v1/members/${survivor}/points`, b)).statusCode).toBe(404);
    expect((await post(`/api/v1/members/${survivor}/points/adjustments`, { points: 1, reason: '越权' }, b)).statusCode).toBe(404);
  });
});
