import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestTenant, type TestApp, type TestTenant } from '../../test/app.ts';
import { createTestClock } from '../../test/deps.ts';
import { applyDiscounts, largestRemainder, type DiscountTerms, type QuoteLine } from './quote.ts';

const categories = ['饮品', '烘焙', '咖啡豆'];
const skus = ['A', 'B', 'C', 'D'];
const lineArb = fc.record({ sku: fc.constantFrom(...skus), categories: fc.subarray(categories, { maxLength: 2 }), paidFen: fc.oneof(fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 0, max: 9_000_000_000_000 })) });
const termsArb = fc.record({
  id: fc.uuid(),
  code: fc.stringMatching(/^[a-z]{1,6}$/),
  mode: fc.constantFrom('percent' as const, 'fixed' as const),
  percentOffBp: fc.integer({ min: 1, max: 10000 }),
  amountFen: fc.integer({ min: 1, max: 1_000_000 }),
  capFen: fc.option(fc.integer({ min: 1, max: 500_000 }), { nil: null }),
  minSpendFen: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 20_000 })),
  categories: fc.subarray(categories, { maxLength: 2 }),
  skus: fc.subarray(skus, { maxLength: 2 }),
  stackable: fc.boolean(),
}) satisfies fc.Arbitrary<DiscountTerms>;

describe('benefits: cart quote arithmetic', () => {
  it('never takes more off a line than it costs, and the lines add up to the total exactly', () => {
    fc.assert(
      fc.property(fc.array(lineArb, { minLength: 1, maxLength: 12 }), fc.array(termsArb, { maxLength: 6 }), (lines: QuoteLine[], terms) => {
        const result = applyDiscounts(lines, terms);
        result.lineDiscounts.forEach((d, i) => {
          expect(Number.isInteger(d)).toBe(true);
          expect(d).toBeGreaterThanOrEqual(0);
          expect(d).toBeLessThanOrEqual(lines[i]!.paidFen);
        });
        expect(result.lineDiscounts.reduce((a, b) => a + b, 0)).toBe(result.totalFen);
        // Each applied benefit's lines add up to its total too, and at most one non-stackable applies.
        for (const a of result.applied) expect(a.perLine.reduce((x, y) => x + y, 0)).toBe(a.totalFen);
        expect(result.applied.filter((a) => !terms.find((x) => x.id === a.id)!.stackable).length).toBeLessThanOrEqual(1);
        expect(result.applied.length + result.notApplied.length).toBe(terms.length);
      }),
      { numRuns: 500 },
    );
  });

  it('spreads by largest remainder in proportion, the earlier line winning ties', () => {
    expect(largestRemainder(100n, [1n, 1n, 1n])).toEqual([34n, 33n, 33n]);
    expect(largestRemainder(10n, [3000n, 1000n, 0n])).toEqual([8n, 2n, 0n]);
    expect(largestRemainder(7n, [2n, 5n])).toEqual([2n, 5n]);
  });

  it('picks the best exclusive discount, then stacks percent before fixed on what is left', () => {
    const lines: QuoteLine[] = [
      { sku: 'A', categories: ['饮品'], paidFen: 3200 },
      { sku: 'B', categories: ['烘焙'], paidFen: 1801 },
    ];
    const base = { capFen: null, minSpendFen: 0, categories: [], skus: [], percentOffBp: null, amountFen: null };
    const result = applyDiscounts(lines, [
      { ...base, id: 'x1', code: 'drinks', mode: 'percent', percentOffBp: 2000, categories: ['饮品'], stackable: false }, // 640
      { ...base, id: 'x2', code: 'all', mode: 'percent', percentOffBp: 1000, stackable: false }, // 500
      { ...base, id: 's2', code: 'five', mode: 'fixed', amountFen: 500, stackable: true },
      { ...base, id: 's1', code: 'zz', mode: 'percent', percentOffBp: 500, stackable: true, minSpendFen: 99_999 },
    ]);
    expect(result.applied.map((a) => [a.id, a.totalFen])).toEqual([['x1', 640], ['s2', 500]]);
    expect(result.notApplied).toEqual([{ id: 'x2', reason: 'not_best' }, { id: 's1', reason: 'min_spend' }]);
    // 500 over what is left: 2560 and 1801 → 293.5… and 206.4… → 294 + 206.
    expect(result.applied[1]!.perLine).toEqual([294, 206]);
    expect(result.lineDiscounts).toEqual([934, 206]);
    expect(result.totalFen).toBe(1140);
  });
});

describe('benefits: POST /benefits/quote', () => {
  const clock = createTestClock(new Date('2027-05-10T02:00:00Z'));
  let t: TestApp;
  let a: TestTenant;
  let b: TestTenant;
  let member: string;
  const req = (url: string, payload: object, tenant: TestTenant = a) => t.app.inject({ method: 'POST', url, payload, headers: tenant.auth });

  beforeAll(async () => {
    t = await createTestApp({ clock });
    a = await createTestTenant(t.deps);
    b = await createTestTenant(t.deps);
    await t.app.inject({ method: 'PUT', url: '/api/v1/products/LATTE', payload: { name: '拿铁', category_path: ['饮品', '咖啡'], list_price_fen: 3200 }, headers: a.auth });
    member = (await req('/api/v1/members', { channel: 'store', identities: [{ type: 'store_card', value: 'Q-1' }] })).json().id;
    const create = async (body: object) => (await req('/api/v1/benefits', body)).json().id as string;
    const drinks = await create({ code: 'drinks', name: '饮品 8 折', config: { type: 'discount', mode: 'percent', percent_off_bp: 2000, cap_fen: 1000, categories: ['饮品'] } });
    const once = await create({ code: 'once', name: '满减 3 元（每月一次）', usage_limit: { period: 'month', uses: 1 }, config: { type: 'discount', mode: 'fixed', amount_fen: 300, stackable: true } });
    const ship = await create({ code: 'ship', name: '满 39 免运费', config: { type: 'free_shipping', min_spend_fen: 3900 } });
    for (const benefit of [drinks, once, ship]) await req(`/api/v1/members/${member}/benefit-grants`, { benefit_id: benefit, grant_key: `G-${benefit}`, valid_until: '2027-12-31T00:00:00Z', reason: '测试' });
  });
  afterAll(() => t.close());

  it('quotes the member’s discounts per line, with categories from the catalogue, and free shipping', async () => {
    const cart = { member_id: member, channel: 'store', shipping_fen: 800, lines: [{ sku: 'LATTE', qty: 2, unit_price_fen: 3200 }, { sku: 'CAKE', category: '烘焙', qty: 1, unit_price_fen: 1500, discount_fen: 100 }] };
    const quote = await req('/api/v1/benefits/quote', cart);
    expect(quote.statusCode, quote.body).toBe(200);
    const q = quote.json();
    // 20% of 6400 is 1280, capped at 1000, all on the latte line; then 300 over 5400 and 1400 → 238 + 62.
    expect(q.applied.map((x: { code: string; discount_fen: number }) => [x.code, x.discount_fen])).toEqual([['drinks', 1000], ['once', 300]]);
    expect(q.lines.map((l: { paid_fen: number; discount_fen: number }) => [l.paid_fen, l.discount_fen])).toEqual([[6400, 1238], [1400, 62]]);
    expect(q).toMatchObject({ total_discount_fen: 1300, free_shipping: true, shipping_discount_fen: 800 });
    // After the monthly fixed discount is used, it no longer applies; a small cart misses free shipping.
    await req(`/api/v1/members/${member}/benefits/${q.applied[1].benefit_id}/use`, { use_key: 'POS-Q1', value_fen: 300 });
    const small = (await req('/api/v1/benefits/quote', { ...cart, lines: [{ sku: 'LATTE', qty: 1, unit_price_fen: 3200 }] })).json();
    expect(small).toMatchObject({ total_discount_fen: 640, free_shipping: false, shipping_discount_fen: 0 });
    expect(small.not_applied.map((x: { code: string; reason: string }) => `${x.code}:${x.reason}`).sort()).toEqual(['once:no_uses_left', 'ship:min_spend']);
  });

  it('names the field of a bad cart and does not quote for another tenant’s member', async () => {
    const bad = await req('/api/v1/benefits/quote', { member_id: member, channel: 'kiosk', lines: [{ sku: 'LATTE', qty: 0, unit_price_fen: 1.5 }] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors.map((e: { field: string }) => e.field).sort()).toEqual(['channel', 'lines.0.qty', 'lines.0.unit_price_fen']);
    const over = await req('/api/v1/benefits/quote', { member_id: member, channel: 'store', lines: [{ sku: 'LATTE', qty: 1, unit_price_fen: 100, discount_fen: 200 }] });
    expect(over.json().errors[0].field).toBe('lines.0.discount_fen');
    const foreign = await req('/api/v1/benefits/quote', { member_id: member, channel: 'store', lines: [{ sku: 'LATTE', qty: 1, unit_price_fen: 3200 }] }, b);
    expect(foreign.statusCode).toBe(400);
    expect(foreign.json().errors[0].field).toBe('member_id');
  });
});
