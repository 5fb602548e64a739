import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorker } from '../../jobs/runner.ts';
import { createTestApp, createTestTenant, type TestApp, type TestTenant } from '../../test/app.ts';

describe('member-price savings from orders', () => {
  let t: TestApp;
  let a: TestTenant;
  let b: TestTenant;
  const req = (method: string, url: string, payload?: object, tenant: TestTenant = a) =>
    t.app.inject({ method: method as 'GET', url, payload, headers: { ...tenant.auth, ...(method === 'POST' ? { 'idempotency-key': crypto.randomUUID() } : {}) } });
  const drain = () => createWorker(t.deps).drain();
  const newMember = async () => (await req('POST', '/api/v1/members/resolve', { identities: [{ type: 'store_card', value: `OS-${crypto.randomUUID()}` }], profile: { channel: 'store' } })).json().member.id as string;
  const memberPriceSaved = async (memberId: string) => {
    const res = await req('GET', `/api/v1/members/${memberId}/savings`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json().by_kind.member_price as number;
  };
  const order = async (body: object) => {
    const res = await req('POST', '/api/v1/orders', { external_id: `O-${crypto.randomUUID()}`, channel: 'store', occurred_at: new Date().toISOString(), ...body });
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  };

  beforeAll(async () => {
    t = await createTestApp();
    a = await createTestTenant(t.deps);
    b = await createTestTenant(t.deps);
    await req('POST', '/api/v1/products/bulk', { products: [{ sku: 'TEA', name: '乌龙茶', list_price_fen: 3000 }, { sku: 'CUP', name: '随行杯', list_price_fen: 5000 }] });
    const program = (await req('POST', '/api/v1/tier-programs', { name: '会员等级', tiers: [{ code: 'normal', name: '普通', color: '#8c8c8c' }, { code: 'gold', name: '金卡', color: '#faad14' }] })).json();
    expect((await req('POST', '/api/v1/member-prices', { sku: 'TEA', audience: 'tier', audience_id: program.tiers[0].id, price_fen: 2500 })).statusCode).toBe(201);
  });
  afterAll(() => t.close());

  it('credits the list price less the member price for lines sold at or below it, less what is refunded, once', async () => {
    const member = await newMember();
    const sold = await order({
      member_id: member,
      lines: [
        { sku: 'TEA', qty: 3, unit_price_fen: 2500 }, // the member price: 3 × ¥5 saved
        { sku: 'TEA', qty: 1, unit_price_fen: 3000 }, // the POS charged the list price: nothing through the member price
        { sku: 'TEA', qty: 2, unit_price_fen: 2000 }, // a promotion on top: only the member price's ¥5 a unit
        { sku: 'CUP', qty: 1, unit_price_fen: 4000 }, // no member price for this SKU
      ],
      total_paid_fen: 3 * 2500 + 3000 + 2 * 2000 + 4000,
    });
    await drain();
    expect(await memberPriceSaved(member)).toBe(2500);

    const refund = (body: object) => req('POST', `/api/v1/orders/${sold.id}/refunds`, { external_refund_id: `R-${crypto.randomUUID()}`, ...body });
    expect((await refund({ lines: [{ line_no: 1, qty: 1 }] })).statusCode).toBe(201);
    await drain();
    expect(await memberPriceSaved(member)).toBe(2000);
    // Refunding the rest of a line takes its saving back.
    expect((await refund({ lines: [{ line_no: 3, qty: 2 }] })).statusCode).toBe(201);
    await drain();
    expect(await memberPriceSaved(member)).toBe(1000);

    // Recorded per order line: the order's jobs run again (a retry) and nothing is counted twice.
    await t.deps.db.updateTable('jobs').set({ status: 'queued', run_at: new Date(0) }).where('tenant_id', '=', a.tenantId).where('name', '=', 'pricing.order_savings').execute();
    await drain();
    expect(await memberPriceSaved(member)).toBe(1000);
  });

  it('credits a guest order once it is attached to its member, and never another tenant', async () => {
    const guest = await order({ lines: [{ sku: 'TEA', qty: 4, unit_price_fen: 2500 }], total_paid_fen: 10_000 });
    await drain();
    const member = await newMember();
    expect(await memberPriceSaved(member)).toBe(0);
    const attached = await req('POST', `/api/v1/orders/${guest.id}/attach`, { member_id: member });
    expect(attached.statusCode, attached.body).toBe(200);
    await drain();
    expect(await memberPriceSaved(member)).toBe(2000);
    expect((await req('GET', `/api/v1/members/${member}/savings`, undefined, b)).statusCode).toBe(404);
  });
});
