import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestTenant, type TestApp, type TestTenant } from '../../test/app.ts';
import { createTestClock } from '../../test/deps.ts';
import { createWorker } from '../../jobs/runner.ts';
import { signInBySms } from '../member-portal/sign-in.test-helpers.ts';

describe('distribution (分销): two levels, attribution, commission, reversals, withdrawals', () => {
  const clock = createTestClock(new Date('2026-11-20T02:00:00Z'));
  let t: TestApp;
  let a: TestTenant;
  let b: TestTenant;
  let n = 0;
  const req = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object, headers: Record<string, string> = a.auth) => t.app.inject({ method, url, payload, headers });
  // Commission is accrued by the job that follows each order.
  const postOrder = async (payload: object) => {
    const res = await req('POST', '/api/v1/orders', payload);
    await createWorker(t.deps).drain();
    return res;
  };
  const member = async () => (await req('POST', '/api/v1/members/resolve', { identities: [{ type: 'store_card', value: `DS-${++n}` }], profile: { channel: 'store' } })).json().member.id as string;
  const promoter = async (recruiterCode?: string) => {
    const id = await member();
    const applied = await req('POST', '/api/v1/promoters', { member_id: id, ...(recruiterCode && { recruiter_code: recruiterCode }) });
    expect(applied.statusCode, applied.body).toBe(201);
    expect((await req('POST', `/api/v1/promoters/${id}/approve`)).json().status).toBe('approved');
    return { id, code: applied.json().code as string };
  };
  const dash = async (id: string) => (await req('GET', `/api/v1/promoters/${id}/dashboard`)).json();
  const events = async (type: string) => (await t.deps.db.selectFrom('domain_events').select('payload').where('tenant_id', '=', a.tenantId).where('type', '=', type).execute()).map((e) => e.payload as Record<string, unknown>);

  beforeAll(async () => {
    t = await createTestApp({ clock });
    a = await createTestTenant(t.deps);
    b = await createTestTenant(t.deps);
    await req('POST', '/api/v1/products/bulk', { products: [{ sku: 'TEA', name: '龙井', list_price_fen: 5000, category_path: ['饮品', '茶'] }, { sku: 'CUP', name: '茶杯', list_price_fen: 4000, category_path: ['器具'] }] });
    const plan = await req('PUT', '/api/v1/distribution/settings', { attribution_days: 7, return_window_days: 7, min_withdrawal_fen: 1000, levels: [{ default_bp: 1000, categories: { 茶: 2000 }, skus: { CUP: 500 } }, { default_bp: 300 }] });
    expect(plan.statusCode, plan.body).toBe(200);
  });
  afterAll(() => t.close());

  it('refuses a third level, in the plan and in the recruiting chain', async () => {
    const plan = await req('PUT', '/api/v1/distribution/settings', { levels: [{ default_bp: 1000 }, { default_bp: 300 }, { default_bp: 100 }] });
    expect(plan.statusCode).toBe(422);
    expect(plan.headers['content-type']).toContain('application/problem+json');
    expect(plan.json()).toMatchObject({ code: 'DISTRIBUTION_THIRD_LEVEL', errors: [{ field: 'levels', code: 'third_level' }] });
    expect((await req('GET', '/api/v1/distribution/settings')).json().levels).toHaveLength(2);
    const top = await promoter();
    const second = await promoter(top.code);
    const third = await member();
    const refused = await req('POST', '/api/v1/promoters', { member_id: third, recruiter_code: second.code });
    expect(refused.statusCode).toBe(422);
    expect(refused.json()).toMatchObject({ code: 'DISTRIBUTION_THIRD_LEVEL', errors: [{ field: 'recruiter_code' }] });
    // Applying again, now under someone else, does not move the first promoter under a recruiter.
    const other = await promoter();
    expect((await req('POST', '/api/v1/promoters', { member_id: top.id, recruiter_code: other.code })).json().recruiter_id).toBeNull();
    expect((await req('GET', `/api/v1/promoters/${second.id}`)).json().recruiter_id).toBe(top.id);
    expect((await req('GET', `/api/v1/promoters/${other.id}`, undefined, b.auth)).statusCode).toBe(404);
  });

  it('makes every member of a chosen tier an approved promoter without applying', async () => {
    const program = await req('POST', '/api/v1/tier-programs', { name: '会员等级', tiers: [{ code: 'normal', name: '普通', color: '#8c8c8c' }, { code: 'gold', name: '金卡', color: '#faad14' }], evaluation: 'yearly', downgrade_policy: 'one_level', rules: { tiers: [{ code: 'gold', qualify: { op: 'all', items: [{ metric: 'spend_fen', value: 100_000_00 }] } }] } });
    expect(program.statusCode, program.body).toBe(201);
    const gold = (program.json().tiers as { id: string; code: string }[]).find((x) => x.code === 'gold')!.id;
    const settings = (await req('GET', '/api/v1/distribution/settings')).json();
    await req('PUT', '/api/v1/distribution/settings', { ...settings, auto_tier_ids: [gold] });
    const vip = await member();
    const plain = await member();
    expect((await req('GET', `/api/v1/promoters/${vip}`)).statusCode).toBe(404);
    const assigned = await req('POST', `/api/v1/members/${vip}/tier/assignments`, { program_id: program.json().id, tier_code: 'gold', until: '2027-12-31T00:00:00Z', reason: '测试' });
    expect(assigned.statusCode, assigned.body).toBeLessThan(300);
    expect((await req('GET', `/api/v1/promoters/${vip}`)).json()).toMatchObject({ status: 'approved', source: 'tier', recruiter_id: null });
    expect((await req('GET', `/api/v1/promoters/${plain}`)).statusCode).toBe(404);
    await req('PUT', '/api/v1/distribution/settings', settings);
  });

  it('attributes an order to the link within the window, reverses a refund at both levels before and after settlement, and never withdraws more than settled', async () => {
    const top = await promoter();
    const seller = await promoter(top.code);
    const buyer = await member();
    clock.set(new Date('2026-11-20T03:00:00Z'));
    expect((await req('POST', '/api/v1/distribution/visits', { member_id: buyer, code: seller.code.toLowerCase() })).statusCode).toBe(200);
    expect((await req('POST', `/api/v1/public/distribution/${a.tenantId}/clicks`, { code: seller.code, visitor_id: 'v-1' })).json().counted).toBe(true);
    expect((await req('POST', `/api/v1/public/distribution/${b.tenantId}/clicks`, { code: seller.code, visitor_id: 'v-1' })).statusCode).toBe(404);
    const created = await postOrder({ external_id: `DS-O-${++n}`, channel: 'mini_program', member_id: buyer, lines: [{ sku: 'TEA', qty: 2, unit_price_fen: 5000 }, { sku: 'CUP', qty: 1, unit_price_fen: 4000 }], total_paid_fen: 14000, occurred_at: '2026-11-21T02:00:00Z' });
    expect(created.statusCode, created.body).toBe(201);
    const orderId = created.json().id as string;
    // Level 1: tea 20 % of 10000 + cup 5 % of 4000; level 2: 3 % of each line.
    expect(await dash(seller.id)).toMatchObject({ clicks: 2, orders: 1, pending_fen: 2200, settled_fen: 0 });
    expect(await dash(top.id)).toMatchObject({ pending_fen: 420, settled_fen: 0 });
    expect((await events('commission.pending')).map((e) => e.amount_fen).sort()).toEqual([2200, 420]);

    // Half the tea back inside the window: both levels lose the tea line's half, still pending.
    clock.set(new Date('2026-11-23T02:00:00Z'));
    expect((await req('POST', `/api/v1/orders/${orderId}/refunds`, { external_refund_id: 'DS-R1', lines: [{ line_no: 1, qty: 1 }] })).statusCode).toBe(201);
    expect(await dash(seller.id)).toMatchObject({ pending_fen: 1200 });
    expect(await dash(top.id)).toMatchObject({ pending_fen: 270 });
    clock.set(new Date('2026-11-28T01:59:00Z'));
    expect((await req('POST', '/api/v1/commissions/settle')).json().settled).toBe(0);
    clock.set(new Date('2026-11-28T02:00:00Z'));
    expect((await req('POST', '/api/v1/commissions/settle')).json().settled).toBe(2);
    expect((await req('POST', '/api/v1/commissions/settle')).json().settled).toBe(0);
    expect(await dash(seller.id)).toMatchObject({ pending_fen: 0, settled_fen: 1200, available_fen: 1200 });
    expect(await dash(top.id)).toMatchObject({ settled_fen: 270 });
    expect((await events('commission.settled')).map((e) => e.amount_fen).sort()).toEqual([1200, 270]);

    // The cup returned after settlement: a settled negative adjustment at both levels.
    clock.set(new Date('2026-12-02T02:00:00Z'));
    expect((await req('POST', `/api/v1/orders/${orderId}/refunds`, { external_refund_id: 'DS-R2', lines: [{ line_no: 2, qty: 1 }] })).statusCode).toBe(201);
    expect(await dash(seller.id)).toMatchObject({ pending_fen: 0, settled_fen: 1000, available_fen: 1000 });
    expect(await dash(top.id)).toMatchObject({ settled_fen: 150 });
    const reversed = await events('commission.reversed');
    expect(reversed.filter((e) => e.after_settlement).map((e) => e.amount_fen).sort()).toEqual([-120, -200]);
    expect(reversed.filter((e) => !e.after_settlement).map((e) => e.amount_fen).sort()).toEqual([-1000, -150]);

    // An order eight days after the visit is outside the attribution window.
    await postOrder({ external_id: `DS-O-${++n}`, channel: 'store', member_id: buyer, lines: [{ sku: 'TEA', qty: 1, unit_price_fen: 5000 }], total_paid_fen: 5000, occurred_at: '2026-11-28T04:00:00Z' });
    expect((await dash(seller.id)).orders).toBe(1);


    expect((await req('POST', '/api/v1/withdrawals', { member_id: seller.id, amount_fen: 500 })).json()).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'amount_fen', code: 'below_minimum' }] });
    const asks = await Promise.all(Array.from({ length: 6 }, () => req('POST', '/api/v1/withdrawals', { member_id: seller.id, amount_fen: 1000 })));
    expect(asks.filter((r) => r.statusCode === 201)).toHaveLength(1);
    expect(asks.filter((r) => r.statusCode === 422).map((r) => r.json().code)).toEqual(Array(5).fill('COMMISSION_INSUFFICIENT'));
    const withdrawal = asks.find((r) => r.statusCode === 201)!.json().id as string;
    expect((await req('POST', `/api/v1/withdrawals/${withdrawal}/pay`, { payout_ref: 'WX-1' })).json().code).toBe('WITHDRAWAL_TRANSITION_REFUSED');
    expect((await req('POST', `/api/v1/withdrawals/${withdrawal}/approve`, undefined, b.auth)).statusCode).toBe(404);
    expect((await req('POST', `/api/v1/withdrawals/${withdrawal}/approve`)).json().status).toBe('approved');
    expect((await req('POST', `/api/v1/withdrawals/${withdrawal}/pay`, { payout_ref: 'WX-1' })).json()).toMatchObject({ status: 'paid', payout_ref: 'WX-1' });
    expect(await events('withdrawal.paid')).toEqual([{ promoter_id: seller.id, withdrawal_id: withdrawal, amount_fen: 1000, payout_ref: 'WX-1' }]);
    expect(await dash(seller.id)).toMatchObject({ settled_fen: 1000, withdrawn_fen: 1000, available_fen: 0 });

    // The console's lists: filtered, a page at a time, with member numbers; another tenant sees none of it.
    const numberOf = async (id: string) => (await req('GET', `/api/v1/members/${id}`)).json().member.member_no as string;
    const [sellerNo, topNo] = [await numberOf(seller.id), await numberOf(top.id)];
    const list = async (url: string, headers = a.auth) => {
      const res = await req('GET', url, undefined, headers);
      expect(res.statusCode, res.body).toBe(200);
      return res.json() as { data: Record<string, unknown>[]; next_cursor: string | null };
    };
    const all = (await list(`/api/v1/commissions?promoter_id=${seller.id}`)).data;
    expect(all.map((c) => [c.kind, c.amount_fen, c.status])).toEqual([['reversal', -200, 'settled'], ['reversal', -1000, 'settled'], ['accrual', 2200, 'settled']]);
    expect(all.every((c) => c.promoter_no === sellerNo)).toBe(true);
    expect((await list(`/api/v1/commissions?promoter_id=${seller.id}&kind=reversal`)).data.map((c) => c.amount_fen)).toEqual([-200, -1000]);
    expect((await list(`/api/v1/commissions?promoter_id=${seller.id}&status=pending`)).data).toEqual([]);
    const first = await list(`/api/v1/commissions?promoter_id=${seller.id}&limit=2`);
    const rest = await list(`/api/v1/commissions?promoter_id=${seller.id}&limit=2&cursor=${first.next_cursor}`);
    expect([...first.data, ...rest.data].map((c) => c.id)).toEqual(all.map((c) => c.id));
    expect(rest.next_cursor).toBeNull();
    expect((await list(`/api/v1/commissions?promoter_id=${seller.id}`, b.auth)).data).toEqual([]);
    expect((await req('GET', '/api/v1/commissions?cursor=WyJub3BlIl0')).json()).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'query.cursor' }] });
    expect((await list(`/api/v1/promoters?recruiter_id=${top.id}`)).data).toEqual([expect.objectContaining({ member_id: seller.id, member_no: sellerNo, recruiter_id: top.id, recruiter_no: topNo, status: 'approved' })]);
    const promoters = await list('/api/v1/promoters?status=approved&limit=1');
    expect(promoters.data).toHaveLength(1);
    expect((await list(`/api/v1/promoters?status=approved&limit=1&cursor=${promoters.next_cursor}`)).data[0]!.member_id).not.toBe(promoters.data[0]!.member_id);
    expect((await list(`/api/v1/withdrawals?status=paid&promoter_id=${seller.id}`)).data).toEqual([expect.objectContaining({ id: withdrawal, promoter_no: sellerNo, amount_fen: 1000, payout_ref: 'WX-1' })]);
    expect((await list(`/api/v1/withdrawals?status=requested&promoter_id=${seller.id}`)).data).toEqual([]);
  });

  it('reverses a refund that came before the job that accrues the commission, under that refund', async () => {
    const top = await promoter();
    const seller = await promoter(top.code);
    const buyer = await member();
    clock.set(new Date('2026-11-20T03:00:00Z'));
    expect((await req('POST', '/api/v1/distribution/visits', { member_id: buyer, code: seller.code })).statusCode).toBe(200);
    const early = await req('POST', '/api/v1/orders', { external_id: `DS-O-${++n}`, channel: 'store', member_id: buyer, lines: [{ sku: 'TEA', qty: 2, unit_price_fen: 5000 }], total_paid_fen: 10000, occurred_at: '2026-11-21T05:00:00Z' });
    const earlyRefund = await req('POST', `/api/v1/orders/${early.json().id}/refunds`, { external_refund_id: 'DS-R3', lines: [{ line_no: 1, qty: 1 }] });
    expect(earlyRefund.statusCode).toBe(201);
    expect(await dash(seller.id)).toMatchObject({ orders: 0, pending_fen: 0 });
    await createWorker(t.deps).drain();
    await createWorker(t.deps).drain();
    expect(await dash(seller.id)).toMatchObject({ orders: 1, pending_fen: 1000 });
    expect(await dash(top.id)).toMatchObject({ pending_fen: 150 });
    const reversals = await t.deps.db.selectFrom('commission_entries').select(['source_key']).where('tenant_id', '=', a.tenantId).where('order_id', '=', early.json().id).where('kind', '=', 'reversal').orderBy('level').execute();
    expect(reversals.map((e) => e.source_key)).toEqual([`refund:${earlyRefund.json().refund.id}:1`, `refund:${earlyRefund.json().refund.id}:2`]);
  });

  it('a merge hands the buyer\'s attribution to the survivor; erasure drops it, so later orders earn no commission', async () => {
    clock.set(new Date('2026-12-20T02:00:00Z'));
    const seller = await promoter();
    const buyer = await member();
    const survivor = await member();
    expect((await req('POST', '/api/v1/distribution/visits', { member_id: buyer, code: seller.code })).statusCode).toBe(200);
    expect((await req('POST', `/api/v1/members/${survivor}/merge`, { from_member_id: buyer, reason: '同一人' })).statusCode).toBe(200);
    const buy = async (at: string) => {
      const res = await postOrder({ external_id: `DS-O-${++n}`, channel: 'mini_program', member_id: survivor, lines: [{ sku: 'CUP', qty: 1, unit_price_fen: 4000 }], total_paid_fen: 4000, occurred_at: at });
      expect(res.statusCode, res.body).toBe(201);
    };
    await buy('2026-12-20T03:00:00Z');
    expect(await dash(seller.id)).toMatchObject({ orders: 1, pending_fen: 200 });
    expect((await req('POST', `/api/v1/members/${survivor}/erase`, { reason: '会员申请注销' })).statusCode).toBe(200);
    await buy('2026-12-20T04:00:00Z');
    expect(await dash(seller.id)).toMatchObject({ orders: 1, pending_fen: 200 });
  });

  it('shows the promoter center its own figures, the withdrawal minimum and its commission entries only', async () => {
    const me = await signInBySms(t, a.slug, '13900000031');
    const notYet = await req('GET', '/api/v1/me/promoter/commissions', undefined, me.auth);
    expect(notYet.statusCode).toBe(404);
    expect((await req('POST', '/api/v1/me/promoter', {}, me.auth)).statusCode).toBe(201);
    expect((await req('POST', `/api/v1/promoters/${me.member_id}/approve`)).json().status).toBe('approved');
    const code = (await req('GET', '/api/v1/me/promoter', undefined, me.auth)).json().code as string;
    const buyer = await member();
    clock.set(new Date('2027-01-05T02:00:00Z'));
    expect((await req('POST', '/api/v1/distribution/visits', { member_id: buyer, code })).statusCode).toBe(200);
    const sold = await postOrder({ external_id: `DS-O-${++n}`, channel: 'store', member_id: buyer, lines: [{ sku: 'CUP', qty: 2, unit_price_fen: 4000 }], total_paid_fen: 8000, occurred_at: '2027-01-05T03:00:00Z' });
    expect(sold.statusCode, sold.body).toBe(201);
    expect((await req('GET', '/api/v1/me/promoter/dashboard', undefined, me.auth)).json()).toEqual({ clicks: 1, orders: 1, pending_fen: 400, settled_fen: 0, withdrawn_fen: 0, available_fen: 0, min_withdrawal_fen: 1000 });
    // The first test's promoters have entries too: the list holds only this member's one.
    const mine = (await req('GET', '/api/v1/me/promoter/commissions', undefined, me.auth)).json().data;
    expect(mine).toMatchObject([{ promoter_id: me.member_id, order_id: sold.json().id, level: 1, kind: 'accrual', amount_fen: 400, status: 'pending' }]);
    expect((await req('POST', '/api/v1/me/promoter/withdrawals', { amount_fen: 999 }, me.auth)).json()).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'amount_fen', code: 'below_minimum' }] });
  });
});
