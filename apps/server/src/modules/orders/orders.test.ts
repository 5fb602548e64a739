import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestTenant, type TestApp, type TestTenant } from '../../test/app.ts';

describe('orders and refunds', () => {
  let t: TestApp;
  let a: TestTenant;
  let n = 0;
  beforeAll(async () => {
    t = await createTestApp();
    a = await createTestTenant(t.deps);
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/products/bulk',
      headers: a.auth,
      payload: { products: [{ sku: 'LATTE', name: '拿铁', list_price_fen: 3200 }, { sku: 'BEANS', name: '咖啡豆', list_price_fen: 8800 }, { sku: 'CARD', name: '储值卡', list_price_fen: 10000 }] },
    });
  });
  afterAll(() => t.close());

  const order = (overrides: object = {}) => ({
    external_id: `POS-${++n}`,
    channel: 'store',
    lines: [
      { sku: 'LATTE', qty: 3, unit_price_fen: 3200, discount_fen: 500 },
      { sku: 'BEANS', qty: 1, unit_price_fen: 8800 },
    ],
    shipping_fen: 0,
    total_paid_fen: 3 * 3200 - 500 + 8800,
    payment_method: 'wechat_pay',
    occurred_at: '2026-11-20T10:00:00+08:00',
    ...overrides,
  });
  const post = (url: string, payload: object, tenant: TestTenant = a) => t.app.inject({ method: 'POST', url, payload, headers: tenant.auth });
  const countOrders = async () => (await t.deps.db.selectFrom('orders').select(({ fn }) => fn.countAll<number>().as('n')).where('tenant_id', '=', a.tenantId).executeTakeFirstOrThrow()).n;

  it('records an order once: the same order again changes nothing, other content under its id is a 409', async () => {
    const body = order();
    const first = await post('/api/v1/orders', body);
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({ subtotal_fen: 18400, discount_fen: 500, total_paid_fen: 17900, status: 'paid', lines: [{ line_no: 1, paid_fen: 9100 }, { line_no: 2, paid_fen: 8800 }] });
    const before = await countOrders();
    const again = await post('/api/v1/orders', { ...body, lines: body.lines.map((l) => ({ ...l })) });
    expect(again.statusCode).toBe(200);
    expect(again.json().id).toBe(first.json().id);
    expect(await countOrders()).toBe(before);
    const other = await post('/api/v1/orders', { ...body, total_paid_fen: 8800, lines: [body.lines[1]] });
    expect(other.statusCode).toBe(409);
    expect(other.json()).toMatchObject({ code: 'ORDER_CONFLICT', errors: [{ field: 'external_id' }] });
  });

  it('makes one order of simultaneous deliveries of the same order', async () => {
    const body = order();
    const before = await countOrders();
    const responses = await Promise.all(Array.from({ length: 5 }, () => post('/api/v1/orders', body)));
    expect(responses.map((r) => r.statusCode).sort()).toEqual([200, 200, 200, 200, 201]);
    expect(new Set(responses.map((r) => r.json().id)).size).toBe(1);
    expect(await countOrders()).toBe(before + 1);
  });

  it('checks the order to the fen and names each bad field', async () => {
    const bad = await post('/api/v1/orders', order({ total_paid_fen: 17901, lines: [{ sku: 'LATTE', qty: 1, unit_price_fen: 3200, discount_fen: 4000 }, { sku: 'NOPE', qty: 1, unit_price_fen: 100 }] }));
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors.map((e: { field: string; code: string }) => `${e.field}:${e.code}`).sort()).toEqual(['lines.0.discount_fen:discount_too_large', 'lines.1.sku:unknown_sku', 'total_paid_fen:total_mismatch']);
    const float = await post('/api/v1/orders', order({ total_paid_fen: 179.5 }));
    expect(float.json().errors[0]).toMatchObject({ field: 'total_paid_fen' });
  });

  it('finds the member by identity, keeps guest orders, and attaches them later', async () => {
    const member = (await post('/api/v1/members/resolve', { identities: [{ type: 'phone', value: '13612345678' }], profile: { channel: 'store' } })).json().member;
    const byPhone = (await post('/api/v1/orders', order({ identity: { type: 'phone', value: '136 1234 5678' } }))).json();
    expect(byPhone.member_id).toBe(member.id);
    const guest = (await post('/api/v1/orders', order())).json();
    expect(guest.member_id).toBeNull();
    const attached = await post(`/api/v1/orders/${guest.id}/attach`, { identity: { type: 'phone', value: '13612345678' } });
    expect(attached.json().member_id).toBe(member.id);
    expect((await post(`/api/v1/orders/${guest.id}/attach`, { member_id: member.id })).statusCode).toBe(409);
    // Orders follow a merge to the survivor.
    const other = (await post('/api/v1/members/resolve', { identities: [{ type: 'store_card', value: 'ORD-CARD' }], profile: { channel: 'store' } })).json().member;
    const ofOther = (await post('/api/v1/orders', order({ member_id: other.id }))).json();
    await post(`/api/v1/members/${member.id}/merge`, { from_member_id: other.id, reason: 'same person' });
    expect((await t.app.inject({ url: `/api/v1/orders/${ofOther.id}`, headers: a.auth })).json().member_id).toBe(member.id);
  });

  it('records a batch order by order', async () => {
    const good = order();
    const response = await post('/api/v1/orders/batch', { orders: [good, good, order({ total_paid_fen: 1 })] });
    expect(response.json().results.map((r: { status: string }) => r.status)).toEqual(['created', 'duplicate', 'error']);
    expect(response.json().results[2].error).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'total_paid_fen' }] });
  });

  it('refunds by line (the last unit takes the remaining fen) and by amount, once, never beyond what was paid', async () => {
    const created = (await post('/api/v1/orders', order({ lines: [{ sku: 'LATTE', qty: 3, unit_price_fen: 3200, discount_fen: 100 }], total_paid_fen: 9500, shipping_fen: 0 }))).json();
    const url = `/api/v1/orders/${created.id}/refunds`;
    const one = await post(url, { external_refund_id: 'R1', lines: [{ line_no: 1, qty: 1 }] });
    expect(one.statusCode).toBe(201);
    expect(one.json().refund).toMatchObject({ amount_fen: 3166 });
    expect((await post(url, { external_refund_id: 'R1', lines: [{ line_no: 1, qty: 1 }] })).json()).toMatchObject({ replayed: true, order: { refunded_fen: 3166 } });
    expect((await post(url, { external_refund_id: 'R1', amount_fen: 5 })).statusCode).toBe(409);
    expect((await post(url, { external_refund_id: 'R2', lines: [{ line_no: 1, qty: 3 }] })).json().errors[0]).toMatchObject({ field: 'lines.0.qty', code: 'exceeds_quantity' });
    const rest = (await post(url, { external_refund_id: 'R3', lines: [{ line_no: 1, qty: 2 }] })).json();
    expect(rest.refund.amount_fen).toBe(9500 - 3166);
    expect(rest.order).toMatchObject({ status: 'refunded', refunded_fen: 9500 });
    const more = await post(url, { external_refund_id: 'R4', amount_fen: 1 });
    expect(more.statusCode).toBe(422);
    expect(more.json().code).toBe('REFUND_EXCEEDS_PAID');
  });

  it('refunds a line after an amount refund took part of it, without exceeding what the line holds', async () => {
    // Found by the property below on PostgreSQL: kept as a fixed case so it runs on every database every time.
    const lines = [
      { sku: 'LATTE', qty: 2, unit_price_fen: 126, discount_fen: 61 },
      { sku: 'LATTE', qty: 2, unit_price_fen: 8518, discount_fen: 58 },
      { sku: 'LATTE', qty: 5, unit_price_fen: 3207, discount_fen: 396 },
    ];
    const created = (await post('/api/v1/orders', order({ lines, shipping_fen: 243, total_paid_fen: 191 + 16978 + 15639 + 243 }))).json();
    const url = `/api/v1/orders/${created.id}/refunds`;
    expect((await post(url, { external_refund_id: 'C1', amount_fen: 19680 })).statusCode).toBe(201);
    const line = await post(url, { external_refund_id: 'C2', lines: [{ line_no: 2, qty: 1 }] });
    expect(line.statusCode).toBe(201);
    const after = line.json().order.lines[1];
    expect(after.refunded_fen).toBeLessThanOrEqual(after.paid_fen);
    expect((await post(url, { external_refund_id: 'C3', lines: [{ line_no: 1, qty: 5 }] })).statusCode).toBe(400);
    expect((await post(url, { external_refund_id: 'C4', lines: [{ line_no: 3, qty: 1 }, { line_no: 3, qty: 1 }] })).json().errors[0].code).toBe('duplicate_line');
  });

  it('never refunds more than was paid, whatever the sequence of refunds (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ qty: fc.integer({ min: 1, max: 5 }), unit: fc.integer({ min: 1, max: 9999 }), discount: fc.integer({ min: 0, max: 500 }) }), { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 0, max: 1500 }),
        fc.array(fc.oneof(fc.record({ amount: fc.integer({ min: 1, max: 30000 }) }), fc.record({ line: fc.integer({ min: 1, max: 3 }), qty: fc.integer({ min: 1, max: 5 }) })), { maxLength: 6 }),
        async (lineSpecs, shipping, refunds) => {
          const lines = lineSpecs.map((l) => ({ sku: 'LATTE', qty: l.qty, unit_price_fen: l.unit, discount_fen: Math.min(l.discount, l.qty * l.unit) }));
          const total = lines.reduce((sum, l) => sum + l.qty * l.unit_price_fen - l.discount_fen, 0) + shipping;
          const created = (await post('/api/v1/orders', order({ lines, shipping_fen: shipping, total_paid_fen: total }))).json();
          let refundedSoFar = 0;
          for (const [index, refund] of refunds.entries()) {
            const body = 'amount' in refund ? { amount_fen: refund.amount } : { lines: [{ line_no: refund.line, qty: refund.qty }] };
            const response = await post(`/api/v1/orders/${created.id}/refunds`, { external_refund_id: `P${index}`, ...body });
            if (response.statusCode === 201) refundedSoFar += response.json().refund.amount_fen;
            else expect([400, 422]).toContain(response.statusCode);
          }
          const final = (await t.app.inject({ url: `/api/v1/orders/${created.id}`, headers: a.auth })).json();
          expect(final.refunded_fen).toBe(refundedSoFar);
          expect(final.refunded_fen).toBeLessThanOrEqual(total);
          for (const line of final.lines) expect(line.refunded_fen).toBeLessThanOrEqual(line.paid_fen);
          expect(final.lines.reduce((sum: number, l: { refunded_fen: number }) => sum + l.refunded_fen, 0)).toBeLessThanOrEqual(final.refunded_fen);
        },
      ),
      { numRuns: 25 },
    );
  });

  it("keeps brands apart: another brand's order is 404 for reads, refunds and attaching", async () => {
    const mine = (await post('/api/v1/orders', order())).json();
    const b = await createTestTenant(t.deps);
    expect((await t.app.inject({ url: `/api/v1/orders/${mine.id}`, headers: b.auth })).statusCode).toBe(404);
    expect((await post(`/api/v1/orders/${mine.id}/refunds`, { external_refund_id: 'X', amount_fen: 1 }, b)).statusCode).toBe(404);
    expect((await post(`/api/v1/orders/${mine.id}/attach`, { member_id: mine.id }, b)).statusCode).toBe(404);
    expect((await t.app.inject({ url: '/api/v1/orders', headers: b.auth })).json().data).toEqual([]);
    // Brand B has no such SKU: the same order is refused there.
    expect((await post('/api/v1/orders', order(), b)).json().errors[0].code).toBe('unknown_sku');
  });
});
