import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PointsSettings } from '@hearth/contracts/points';
import { AppError } from '../../http/errors.ts';
import { createTestApp, createTestTenant, type TestApp, type TestTenant } from '../../test/app.ts';
import { createTestClock } from '../../test/deps.ts';
import { createOrder } from '../orders/orders.service.ts';
import { refundOrder } from '../orders/refunds.service.ts';
import { createMember } from '../members/members.service.ts';
import { upsertProducts } from '../products/products.service.ts';
import { expireDuePoints } from './expiry.job.ts';
import { defaultPointsSettings } from './ledger.ts';
import { adjustPoints, getBalance, updateSettings } from './points.service.ts';
import { reconcileLedger } from './reconcile.ts';
import { redeem, releaseExpiredHolds, settleHold } from './redemptions.service.ts';
import { createRuleVersion } from './rules.service.ts';

const DAY = 24 * 3600 * 1000;

const operation = fc.oneof(
  { weight: 5, arbitrary: fc.record({ op: fc.constant('order' as const), member: fc.nat(1), lines: fc.array(fc.record({ qty: fc.integer({ min: 1, max: 3 }), unit: fc.integer({ min: 1, max: 20000 }), discount: fc.integer({ min: 0, max: 300 }) }), { minLength: 1, maxLength: 3 }), shipping: fc.integer({ min: 0, max: 800 }) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('refund' as const), pick: fc.nat(), amount: fc.option(fc.integer({ min: 1, max: 30000 })), line: fc.integer({ min: 1, max: 3 }), qty: fc.integer({ min: 1, max: 3 }) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('hold' as const), member: fc.nat(1), points: fc.integer({ min: 1, max: 400 }), capture: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('spend_all' as const), member: fc.nat(1) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('settle' as const), pick: fc.nat(), action: fc.constantFrom('capture' as const, 'cancel' as const) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('adjust' as const), member: fc.nat(1), points: fc.integer({ min: -300, max: 500 }).filter((p) => p !== 0) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('advance' as const), days: fc.integer({ min: 1, max: 100 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('expire' as const) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('policy' as const), clawback: fc.constantFrom('negative_balance' as const, 'other_lots' as const, 'loss' as const), months: fc.integer({ min: 1, max: 6 }) }) },
);

describe('points ledger properties', () => {
  const clock = createTestClock(new Date('2026-01-05T02:00:00Z'));
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ clock });
  });
  afterAll(() => t.close());

  it('keeps the books closed over any sequence of orders, refunds, holds, spends, adjustments and expiries (property)', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { minLength: 5, maxLength: 40 }), fc.constantFrom(0, 7), async (ops, pendingDays) => {
        const tenant = await createTestTenant(t.deps);
        const ctx = tenant.ctx;
        run += 1;
        await upsertProducts(t.deps, ctx, [0, 1, 2].map((i) => ({ sku: `P${i}`, name: `商品${i}`, list_price_fen: 1000, category_path: i === 1 ? ['double'] : [], member_only: false, tags: [], status: 'active' as const })));
        await createRuleVersion(t.deps, ctx, { rules: { base_points_per_yuan: 1.25, rounding: 'round', min_order_fen: 0, cap_per_order: null, cap_per_day: 5000, exclude: { discounted_part: true, gift_cards: true, shipping: false }, category_multipliers: [{ category: 'double', multiplier: 2 }], sku_multipliers: [], channel_multipliers: [] }, effective_from: '2020-01-01T00:00:00Z' });
        const members: string[] = [];
        for (let i = 0; i < 2; i++) members.push((await createMember(t.deps, ctx, { identities: [{ type: 'store_card', value: `C${run}-${i}` }], channel: 'store' })).id);
        const orders: { id: string }[] = [];
        const holds: string[] = [];
        let settings: PointsSettings = { ...defaultPointsSettings, pending_days: pendingDays, expiry: { kind: 'rolling_months', months: 3 } };
        await updateSettings(t.deps, ctx, settings);
        let n = 0;
        const expected = (error: unknown) => {
          if (!(error instanceof AppError) || error.status >= 500) throw error;
        };
        for (const op of ops) {
          n += 1;
          try {
            if (op.op === 'order') {
              const lines = op.lines.map((l, i) => ({ sku: `P${i}`, qty: l.qty, unit_price_fen: l.unit, discount_fen: Math.min(l.discount, l.qty * l.unit), flags: [] as ('gift_card' | 'non_earning')[] }));
              const total = lines.reduce((s, l) => s + l.qty * l.unit_price_fen - l.discount_fen, 0) + op.shipping;
              const { order } = await createOrder(t.deps, ctx, { external_id: `O${n}`, channel: 'store', member_id: members[op.member], lines, shipping_fen: op.shipping, total_paid_fen: total, occurred_at: clock.now().toISOString() });
              orders.push(order);
            } else if (op.op === 'refund' && orders.length) {
              const order = orders[op.pick % orders.length]!;
              await refundOrder(t.deps, ctx, order.id, op.amount === null ? { external_refund_id: `R${n}`, lines: [{ line_no: op.line, qty: op.qty }] } : { external_refund_id: `R${n}`, amount_fen: op.amount });
            } else if (op.op === 'hold') {
              const { redemption } = await redeem(t.deps, ctx, { external_id: `H${n}`, member_id: members[op.member], kind: 'cash', points: op.points, order_total_fen: 1_000_000, capture: op.capture, quantity: 1 });
              if (redemption.status === 'held') holds.push(redemption.id);
            } else if (op.op === 'spend_all') {
              // Spending everything makes the next refund claw back points that are gone: the policy's case.
              const { available } = await getBalance(t.deps, ctx, members[op.member]!);
              if (available > 0) await redeem(t.deps, ctx, { external_id: `A${n}`, member_id: members[op.member], kind: 'cash', points: available, order_total_fen: 100_000_000, capture: true, quantity: 1 });
            } else if (op.op === 'settle' && holds.length) {
              await settleHold(t.deps, ctx, holds[op.pick % holds.length]!, op.action);
            } else if (op.op === 'adjust') {
              await adjustPoints(t.deps, ctx, members[op.member]!, { points: op.points, reason: '属性测试' });
            } else if (op.op === 'advance') {
              clock.advance(op.days * DAY);
              await releaseExpiredHolds(t.deps);
            } else if (op.op === 'expire') {
              await expireDuePoints(t.deps, { membersPerChunk: 2 });
            } else if (op.op === 'policy') {
              settings = { ...settings, clawback_policy: op.clawback, expiry: { kind: 'rolling_months', months: op.months } };
              await updateSettings(t.deps, ctx, settings);
            }
          } catch (error) {
            expected(error);
          }
        }
        await expireDuePoints(t.deps);
        expect(await reconcileLedger(t.deps.db, tenant.tenantId)).toEqual([]);
        for (const member of members) {
          const balance = await getBalance(t.deps, ctx, member);
          expect(balance.held).toBeGreaterThanOrEqual(0);
          // Negative only through a negative-balance clawback, which reconcileLedger checked above.
          if (balance.available < 0) expect(balance.debt).toBeGreaterThan(0);
        }
        const negativeLots = await t.deps.db.selectFrom('points_lots').select('id').where('tenant_id', '=', tenant.tenantId).where('remaining', '<', 0).execute();
        expect(negativeLots).toEqual([]);
      }),
      { numRuns: Number(process.env.HEARTH_PROPERTY_RUNS ?? 25) },
    );
  }, 180_000);
});

describe('concurrent redemptions', () => {
  let t: TestApp;
  let a: TestTenant;
  beforeAll(async () => {
    t = await createTestApp();
    a = await createTestTenant(t.deps);
  });
  afterAll(() => t.close());

  it('lets exactly 10 of 50 simultaneous redemptions through for a member who can afford 10', async () => {
    const member = (await createMember(t.deps, a.ctx, { identities: [{ type: 'store_card', value: 'RUSH' }], channel: 'store' })).id;
    await adjustPoints(t.deps, a.ctx, member, { points: 1000, reason: '并发测试' });
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        t.app.inject({ method: 'POST', url: '/api/v1/points/redemptions', headers: a.auth, payload: { external_id: `RUSH-${i}`, member_id: member, kind: 'cash', points: 100, order_total_fen: 100_000, capture: i % 2 === 0 } }),
      ),
    );
    const statuses = responses.map((r) => r.statusCode);
    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    expect(statuses.filter((s) => s === 422)).toHaveLength(40);
    expect(new Set(responses.filter((r) => r.statusCode === 422).map((r) => r.json().code))).toEqual(new Set(['POINTS_INSUFFICIENT']));
    const balance = await getBalance(t.deps, a.ctx, member);
    expect(balance.available).toBe(0);
    expect(balance.available + balance.held + balance.lifetime_spent).toBe(1000);
    expect(await reconcileLedger(t.deps.db, a.tenantId)).toEqual([]);
  });
});
