import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueJob, PLATFORM_TENANT_ID } from '../../jobs/enqueue.ts';
import { createWorker } from '../../jobs/runner.ts';
import { createTestApp, createTestTenant, type TestApp, type TestTenant } from '../../test/app.ts';
import { createTestClock } from '../../test/deps.ts';
import { createApiKey } from '../access/access.service.ts';
import { rolePermissions } from '../access/permissions.ts';
import { expireCoupons, remindExpiringCoupons } from './coupons.jobs.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe('coupons: templates, issuance, write-off, refunds, expiry', () => {
  // 10:00 in Shanghai on 20 November.
  const clock = createTestClock(new Date('2026-11-20T02:00:00Z'));
  let t: TestApp;
  let a: TestTenant;
  let b: TestTenant;
  let staff: TestTenant['auth'];
  let n = 0;
  const post = (url: string, payload: object, auth: TestTenant['auth'] = a.auth) => t.app.inject({ method: 'POST', url, payload, headers: auth });
  const get = (url: string, auth: TestTenant['auth'] = a.auth) => t.app.inject({ method: 'GET', url, headers: auth });
  const newMember = async (phone?: string) =>
    (await post('/api/v1/members/resolve', { identities: [phone ? { type: 'phone', value: phone } : { type: 'store_card', value: `CPN-${++n}` }], profile: { channel: 'store' } })).json().member.id as string;
  const template = async (terms: object, extra: object = {}) => {
    const res = await post('/api/v1/coupon-templates', { name: `券 ${++n}`, terms: { valid_days: 3, ...terms }, ...extra });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  };
  const issue = (templateId: string, memberId: string, extra: object = {}) => post('/api/v1/coupons/issue', { template_id: templateId, member_id: memberId, issuance_key: `K-${++n}`, ...extra });
  const couponFor = async (templateId: string, memberId?: string) => {
    const res = await issue(templateId, memberId ?? (await newMember()));
    expect(res.statusCode, res.body).toBe(201);
    return res.json().data[0] as { id: string; code: string; member_id: string; expires_at: string };
  };
  const cart = (lines: { sku: string; qty: number; unit_price_fen: number; discount_fen?: number }[], extra: object = {}) => ({ channel: 'store', lines, ...extra });
  const events = async (type: string) =>
    (await t.deps.db.selectFrom('domain_events').select('payload').where('tenant_id', '=', a.tenantId).where('type', '=', type).execute()).map((e) => e.payload as Record<string, unknown>);

  beforeAll(async () => {
    t = await createTestApp({ clock });
    a = await createTestTenant(t.deps);
    b = await createTestTenant(t.deps);
    staff = { authorization: `Bearer ${(await createApiKey(t.deps, a.ctx, { name: '门店收银', scopes: [...rolePermissions.store_staff] })).secret}` };
    await post('/api/v1/products/bulk', {
      products: [
        { sku: 'LATTE', name: '拿铁', list_price_fen: 3200, category_path: ['饮品', '咖啡'] },
        { sku: 'BEANS', name: '咖啡豆', list_price_fen: 8800, category_path: ['零售', '咖啡豆'] },
        { sku: 'CUP', name: '随行杯', list_price_fen: 9900, category_path: ['周边'] },
      ],
    });
  });
  afterAll(() => t.close());

  it('keeps a template’s terms once coupons are out; pause, resume and stock still work', async () => {
    const bad = await post('/api/v1/coupon-templates', { name: '坏券', terms: { kind: 'cash', valid_days: 3 } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toBe('terms.value_fen');
    const id = await template({ kind: 'cash', value_fen: 2000, min_spend_fen: 10000 }, { stock_total: 1 });
    expect((await t.app.inject({ method: 'PATCH', url: `/api/v1/coupon-templates/${id}`, payload: { terms: { kind: 'cash', value_fen: 2500, min_spend_fen: 10000, valid_days: 3 } }, headers: a.auth })).statusCode).toBe(200);
    await couponFor(id);
    const locked = await t.app.inject({ method: 'PATCH', url: `/api/v1/coupon-templates/${id}`, payload: { terms: { kind: 'cash', value_fen: 9900, valid_days: 3 } }, headers: a.auth });
    expect(locked.statusCode).toBe(409);
    expect(locked.json().code).toBe('COUPON_TEMPLATE_IN_USE');
    expect((await t.app.inject({ method: 'PATCH', url: `/api/v1/coupon-templates/${id}`, payload: { name: '满100减25' }, headers: a.auth })).json()).toMatchObject({ name: '满100减25', in_use: true, terms: { value_fen: 2500 } });

    expect((await issue(id, await newMember())).json().code).toBe('COUPON_OUT_OF_STOCK');
    expect((await post(`/api/v1/coupon-templates/${id}/stock`, { add: 5 })).json()).toMatchObject({ stock_total: 6, issued_count: 1 });
    await post(`/api/v1/coupon-templates/${id}/pause`, {});
    expect((await issue(id, await newMember())).json().code).toBe('COUPON_TEMPLATE_PAUSED');
    await post(`/api/v1/coupon-templates/${id}/resume`, {});
    expect((await issue(id, await newMember())).statusCode).toBe(201);
    expect((await get(`/api/v1/coupon-templates/${id}`, b.auth)).statusCode).toBe(404);
    expect((await post('/api/v1/coupon-templates', { name: 'x', terms: { kind: 'free_shipping', valid_days: 1 } }, staff)).statusCode).toBe(403);
  });

  it('issues once per key, until local midnight after N days, with readable codes, a QR code and an event', async () => {
    const id = await template({ kind: 'cash', value_fen: 500, valid_days: 3 });
    const member = await newMember();
    const first = await post('/api/v1/coupons/issue', { template_id: id, member_id: member, quantity: 2, issuance_key: 'WELCOME-1' });
    expect(first.statusCode).toBe(201);
    const coupons = first.json().data;
    expect(coupons).toHaveLength(2);
    expect(coupons[0].code).toMatch(/^[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}$/);
    // Issued at 10:00 on the 20th (Shanghai): valid through the 22nd, ending at midnight.
    expect(coupons[0].expires_at).toBe('2026-11-22T16:00:00.000Z');
    const again = await post('/api/v1/coupons/issue', { template_id: id, member_id: member, quantity: 2, issuance_key: 'WELCOME-1' });
    expect(again.statusCode).toBe(200);
    expect(again.json().data.map((c: { code: string }) => c.code).sort()).toEqual(coupons.map((c: { code: string }) => c.code).sort());
    expect((await events('coupon.issued')).filter((e) => e.member_id === member)).toHaveLength(2);

    const listed = (await get(`/api/v1/members/${member}/coupons?status=available`)).json().data;
    expect(listed).toHaveLength(2);
    const qr = await get(`/api/v1/members/${member}/coupons/${listed[0].id}/qr`);
    expect(qr.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect(qr.body).toContain('<svg');
    expect((await get(`/api/v1/members/${member}/coupons/${listed[0].id}/qr?format=png`)).rawPayload.subarray(1, 4).toString()).toBe('PNG');
    expect((await get(`/api/v1/coupons/by-code/${listed[0].code.toLowerCase()}`)).json().id).toBe(listed[0].id);
    expect((await get(`/api/v1/coupons/by-code/${listed[0].code}`, b.auth)).statusCode).toBe(404);

    const fixed = await template({ kind: 'free_shipping', valid_days: null, valid_from: '2026-12-01', valid_until: '2026-12-31' });
    expect((await couponFor(fixed)).expires_at).toBe('2026-12-31T16:00:00.000Z');
  });

  it('never exceeds stock or the per-member limit, however many issue at once', async () => {
    const stocked = await template({ kind: 'cash', value_fen: 100 }, { stock_total: 5 });
    const members = await Promise.all(Array.from({ length: 20 }, () => newMember()));
    const results = await Promise.all(members.map((m) => issue(stocked, m)));
    expect(results.filter((r) => r.statusCode === 201)).toHaveLength(5);
    expect(new Set(results.filter((r) => r.statusCode !== 201).map((r) => r.json().code))).toEqual(new Set(['COUPON_OUT_OF_STOCK']));
    expect((await get(`/api/v1/coupon-templates/${stocked}`)).json().issued_count).toBe(5);

    const limited = await template({ kind: 'cash', value_fen: 100, per_member_limit: 2 });
    const one = await newMember();
    const tries = await Promise.all(Array.from({ length: 10 }, () => issue(limited, one)));
    expect(tries.filter((r) => r.statusCode === 201)).toHaveLength(2);
    expect(tries.find((r) => r.statusCode !== 201)!.json().code).toBe('COUPON_LIMIT_REACHED');
  });

  it('quotes a cart in fen: threshold, cap, scope, free item, free shipping, stacking, and refuses mistyped codes', async () => {
    const cash = await couponFor(await template({ kind: 'cash', value_fen: 2000, min_spend_fen: 10000 }));
    const verify = async (code: string, c?: object) => (await post('/api/v1/coupons/verify', { code, cart: c })).json();
    expect(await verify(cash.code, cart([{ sku: 'LATTE', qty: 3, unit_price_fen: 3200 }]))).toMatchObject({ applicable: false, reason: 'min_spend', eligible_fen: 9600 });
    expect(await verify(cash.code, cart([{ sku: 'LATTE', qty: 4, unit_price_fen: 3200 }]))).toMatchObject({ applicable: true, discount_fen: 2000, eligible_fen: 12800 });
    expect(await verify(cash.code)).toMatchObject({ applicable: true, discount_fen: 2000 });
    expect(await verify(cash.code, cart([{ sku: 'LATTE', qty: 4, unit_price_fen: 3200 }], { other_coupon_codes: ['X'] }))).toMatchObject({ applicable: false, reason: 'not_stackable_with_coupons' });

    // 15% off coffee beans only, at most ¥30.
    const beans = await couponFor(await template({ kind: 'percent', percent_off_bp: 1500, cap_fen: 3000, categories: ['咖啡豆'], stackable_with_member_discounts: false }));
    const beanCart = (qty: number) => cart([{ sku: 'BEANS', qty, unit_price_fen: 8800, discount_fen: 1 }, { sku: 'LATTE', qty: 1, unit_price_fen: 3200 }]);
    expect(await verify(beans.code, beanCart(1))).toMatchObject({ applicable: true, eligible_fen: 8799, discount_fen: 1319 });
    expect(await verify(beans.code, beanCart(3))).toMatchObject({ applicable: true, discount_fen: 3000 });
    expect(await verify(beans.code, cart([{ sku: 'LATTE', qty: 1, unit_price_fen: 3200 }]))).toMatchObject({ applicable: false, reason: 'no_eligible_lines' });
    expect(await verify(beans.code, { ...beanCart(1), member_discount_fen: 500 })).toMatchObject({ applicable: false, reason: 'not_stackable_with_member_discounts' });

    const cup = await couponFor(await template({ kind: 'free_item', free_sku: 'CUP', channels: ['mini_program'] }));
    expect(await verify(cup.code, cart([{ sku: 'CUP', qty: 2, unit_price_fen: 9900, discount_fen: 1 }]))).toMatchObject({ applicable: false, reason: 'channel' });
    expect(await verify(cup.code, { ...cart([{ sku: 'CUP', qty: 2, unit_price_fen: 9900, discount_fen: 1 }]), channel: 'mini_program' })).toMatchObject({ applicable: true, discount_fen: 9899 });
    const ship = await couponFor(await template({ kind: 'free_shipping' }));
    expect(await verify(ship.code, cart([{ sku: 'CUP', qty: 1, unit_price_fen: 9900 }], { shipping_fen: 800 }))).toMatchObject({ applicable: true, discount_fen: 800 });

    const chars = cash.code.replaceAll('-', '').split('');
    [chars[3], chars[4]] = [chars[4]!, chars[3]!];
    if (chars[3] !== chars[4]) {
      const swapped = await post('/api/v1/coupons/verify', { code: chars.join('') });
      expect(swapped.statusCode).toBe(400);
      expect(swapped.json().errors[0]).toMatchObject({ field: 'code', code: 'invalid_code' });
    }
  });

  it('reserves for one POS transaction, confirms once, cancels, and replays the same transaction', async () => {
    const id = await template({ kind: 'cash', value_fen: 1000 });
    const coupon = await couponFor(id);
    const c = cart([{ sku: 'LATTE', qty: 1, unit_price_fen: 3200 }]);
    // Store staff may write off.
    expect((await post('/api/v1/coupons/reserve', { code: coupon.code, cart: c, pos_transaction_id: 'POS-1' }, staff)).json()).toMatchObject({ discount_fen: 1000, coupon: { status: 'reserved' } });
    const other = await post('/api/v1/coupons/confirm', { code: coupon.code, cart: c, pos_transaction_id: 'POS-2' });
    expect(other.statusCode).toBe(409);
    expect(other.json().code).toBe('COUPON_RESERVED');
    expect((await post('/api/v1/coupons/cancel', { code: coupon.code, pos_transaction_id: 'POS-1' })).json().status).toBe('available');
    await post('/api/v1/coupons/reserve', { code: coupon.code, cart: c, pos_transaction_id: 'POS-3' });
    // The reservation runs out after the tenant's minutes (10 by default): another till may use it.
    clock.advance(11 * MINUTE);
    const confirmed = await post('/api/v1/coupons/confirm', { code: coupon.code, cart: c, pos_transaction_id: 'POS-4', order_external_id: 'SO-1' });
    expect(confirmed.statusCode).toBe(201);
    expect(confirmed.json()).toMatchObject({ status: 'redeemed', discount_fen: 1000, order_external_id: 'SO-1' });
    expect((await post('/api/v1/coupons/confirm', { code: coupon.code, cart: c, pos_transaction_id: 'POS-4' })).statusCode).toBe(200);
    expect((await post('/api/v1/coupons/cancel', { code: coupon.code, pos_transaction_id: 'POS-3' })).json().code).toBe('COUPON_ALREADY_REDEEMED');

    const second = await couponFor(id);
    await post('/api/v1/coupons/reserve', { code: second.code, cart: c, pos_transaction_id: 'POS-5' });
    expect((await post('/api/v1/coupons/confirm', { code: second.code, pos_transaction_id: 'POS-5' })).json()).toMatchObject({ status: 'redeemed', discount_fen: 1000 });
    expect((await events('coupon.redeemed')).filter((e) => e.coupon_id === second.id)).toEqual([expect.objectContaining({ discount_fen: 1000, member_id: second.member_id })]);
  });

  it('lets exactly one of 100 simultaneous write-offs of one coupon through; the rest get 409 COUPON_ALREADY_REDEEMED', async () => {
    const coupon = await couponFor(await template({ kind: 'cash', value_fen: 500 }));
    const c = cart([{ sku: 'LATTE', qty: 1, unit_price_fen: 3200 }]);
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => post('/api/v1/coupons/confirm', { code: coupon.code, cart: c, pos_transaction_id: `RACE-${i}` })));
    expect(results.filter((r) => r.statusCode === 201)).toHaveLength(1);
    const losers = results.filter((r) => r.statusCode !== 201);
    expect(losers).toHaveLength(99);
    for (const r of losers) expect([r.statusCode, r.json().code]).toEqual([409, 'COUPON_ALREADY_REDEEMED']);
    expect((await events('coupon.redeemed')).filter((e) => e.coupon_id === coupon.id)).toHaveLength(1);
  });

  it('gives a coupon back when its order is fully refunded (tenant policy), and reports revenue influenced', async () => {
    const id = await template({ kind: 'cash', value_fen: 1000, min_spend_fen: 5000 });
    const member = await newMember();
    const coupon = await couponFor(id, member);
    const lines = [{ sku: 'LATTE', qty: 2, unit_price_fen: 3200 }];
    expect((await post('/api/v1/coupons/confirm', { code: coupon.code, cart: cart(lines), pos_transaction_id: 'R-1', order_external_id: 'RO-1' })).statusCode).toBe(201);
    const order = (await post('/api/v1/orders', { external_id: 'RO-1', channel: 'store', member_id: member, lines: [{ ...lines[0], discount_fen: 1000 }], total_paid_fen: 5400, occurred_at: clock.now().toISOString() })).json();
    const report = (await get('/api/v1/coupons/reports/templates')).json().data.find((r: { template_id: string }) => r.template_id === id);
    expect(report).toMatchObject({ issued: 1, redeemed: 1, discount_fen: 1000, revenue_influenced_fen: 5400 });

    await post(`/api/v1/orders/${order.id}/refunds`, { external_refund_id: 'RF-1', amount_fen: 1000 });
    expect((await get(`/api/v1/coupons/by-code/${coupon.code}`)).json().status).toBe('redeemed');
    await post(`/api/v1/orders/${order.id}/refunds`, { external_refund_id: 'RF-2', amount_fen: 4400 });
    expect((await get(`/api/v1/coupons/by-code/${coupon.code}`)).json()).toMatchObject({ status: 'available', order_external_id: null });
    expect((await events('coupon.restored')).filter((e) => e.coupon_id === coupon.id)).toHaveLength(1);

    await t.app.inject({ method: 'PUT', url: '/api/v1/coupons/settings', payload: { reservation_minutes: 10, refund_policy: 'never', expiring_days: 3 }, headers: a.auth });
    expect((await post('/api/v1/coupons/confirm', { code: coupon.code, cart: cart(lines), pos_transaction_id: 'R-2', order_external_id: 'RO-2' })).statusCode).toBe(201);
    const order2 = (await post('/api/v1/orders', { external_id: 'RO-2', channel: 'store', member_id: member, lines, total_paid_fen: 6400, occurred_at: clock.now().toISOString() })).json();
    await post(`/api/v1/orders/${order2.id}/refunds`, { external_refund_id: 'RF-3', amount_fen: 6400 });
    expect((await get(`/api/v1/coupons/by-code/${coupon.code}`)).json().status).toBe('redeemed');
    await t.app.inject({ method: 'PUT', url: '/api/v1/coupons/settings', payload: { reservation_minutes: 10, refund_policy: 'restore_if_valid', expiring_days: 3 }, headers: a.auth });
  });

  it('issues in bulk to ids or a CSV of phones as a job with progress, skipping with reasons, once per key', async () => {
    const id = await template({ kind: 'cash', value_fen: 300, per_member_limit: 1 }, { stock_total: 4 });
    const members = await Promise.all([1, 2, 3].map((i) => newMember(`1390000000${i}`)));
    const unknown = '01900000-0000-7000-8000-000000000000';
    const started = await post('/api/v1/coupon-issuances', { template_id: id, member_ids: [members[0], unknown, members[1], members[0]], issuance_key: 'BULK-1' });
    expect(started.statusCode).toBe(202);
    await createWorker(t.deps).drain();
    const done = (await get(`/api/v1/coupon-issuances/${started.json().id}`)).json();
    expect(done).toMatchObject({ status: 'succeeded', total: 4, processed: 4, issued: 2, skipped: 2 });
    const errors = (await get(`/api/v1/coupon-issuances/${done.id}/errors.csv`)).body;
    expect(errors).toContain('2,member_id,unknown_member');
    expect(errors).toContain('4,member_id,per_member_limit');
    expect((await post('/api/v1/coupon-issuances', { template_id: id, member_ids: [members[2]], issuance_key: 'BULK-1' })).json()).toMatchObject({ id: done.id, issued: 2 });

    const csv = '手机号,姓名\n13900000001,甲\n13900000003,丙\nnot-a-phone,丁\n13900000009,戊\n';
    const upload = await t.app.inject({ method: 'POST', url: `/api/v1/coupon-issuances/import?template_id=${id}&issuance_key=CSV-1&file_name=list.csv`, headers: { ...a.auth, 'content-type': 'text/csv' }, payload: csv });
    expect(upload.statusCode).toBe(202);
    await createWorker(t.deps).drain();
    expect((await get(`/api/v1/coupon-issuances/${upload.json().id}`)).json()).toMatchObject({ status: 'succeeded', total: 4, issued: 1, skipped: 3, file_name: 'list.csv' });
    const csvErrors = (await get(`/api/v1/coupon-issuances/${upload.json().id}/errors.csv`)).body;
    expect(csvErrors).toContain('2,phone,per_member_limit');
    expect(csvErrors).toContain('4,phone,invalid_phone');
    expect(csvErrors).toContain('5,phone,unknown_member');
    expect((await get(`/api/v1/coupon-templates/${id}`)).json().issued_count).toBe(3);
  });

  it('hands out a coupon as a points reward, and spends no points when none is left', async () => {
    const id = await template({ kind: 'free_item', free_sku: 'LATTE' }, { stock_total: 1 });
    const reward = (await post('/api/v1/points/rewards', { name: '拿铁券', points_price: 100, stock: null, status: 'active' })).json();
    expect((await t.app.inject({ method: 'PUT', url: `/api/v1/coupons/reward-links/${reward.id}`, payload: { template_id: id }, headers: a.auth })).statusCode).toBe(200);
    const member = await newMember();
    await post(`/api/v1/members/${member}/points/adjustments`, { points: 500, reason: '测试', external_id: 'CPN-ADJ' });
    const redeemed = await post('/api/v1/points/redemptions', { external_id: 'CPN-R1', member_id: member, kind: 'reward', reward_id: reward.id, quantity: 1 });
    expect(redeemed.statusCode).toBe(201);
    expect((await get(`/api/v1/members/${member}/coupons`)).json().data).toEqual([expect.objectContaining({ template_id: id, kind: 'free_item', status: 'available' })]);
    const refused = await post('/api/v1/points/redemptions', { external_id: 'CPN-R2', member_id: member, kind: 'reward', reward_id: reward.id, quantity: 1 });
    expect([refused.statusCode, refused.json().code]).toEqual([409, 'COUPON_OUT_OF_STOCK']);
    expect((await get(`/api/v1/members/${member}/points`)).json().available).toBe(400);
  });

  it('announces expiring coupons once and expires them at local midnight, set-based and rerunnable', async () => {
    const coupon = await couponFor(await template({ kind: 'cash', value_fen: 100, valid_days: 10 }));
    const mine = async () => (await events('coupon.expiring')).filter((e) => e.coupon_id === coupon.id);
    await remindExpiringCoupons(t.deps);
    expect(await mine()).toHaveLength(0);
    // Two days before: midnight in Shanghai, too early to tell a member; from 10:00 local, once.
    clock.set(new Date(new Date(coupon.expires_at).getTime() - 2 * DAY));
    await remindExpiringCoupons(t.deps);
    expect(await mine()).toHaveLength(0);
    clock.set(new Date(new Date(coupon.expires_at).getTime() - 2 * DAY + 10 * HOUR));
    await remindExpiringCoupons(t.deps);
    // The scheduled job runs the same code (outside the job's own transaction, as it commits per chunk).
    const job = await enqueueJob(t.deps.db, t.deps.jobs, { tenantId: PLATFORM_TENANT_ID, name: 'coupons.remind_expiring', key: 'test-remind' });
    await createWorker(t.deps).drain();
    expect((await t.deps.db.selectFrom('jobs').select('status').where('id', '=', job.id).executeTakeFirstOrThrow()).status).toBe('succeeded');
    expect(await mine()).toHaveLength(1);
    clock.set(new Date(new Date(coupon.expires_at).getTime() - 1));
    expect((await post('/api/v1/coupons/verify', { code: coupon.code })).json().applicable).toBe(true);
    clock.set(new Date(coupon.expires_at));
    expect((await get(`/api/v1/coupons/by-code/${coupon.code}`)).json().status).toBe('expired');
    const late = await post('/api/v1/coupons/confirm', { code: coupon.code, cart: cart([{ sku: 'LATTE', qty: 1, unit_price_fen: 3200 }]), pos_transaction_id: 'LATE' });
    expect([late.statusCode, late.json().code]).toEqual([409, 'COUPON_EXPIRED']);
    expect((await expireCoupons(t.deps)).expired).toBeGreaterThanOrEqual(1);
    expect((await expireCoupons(t.deps)).expired).toBe(0);
    const row = await t.deps.db.selectFrom('coupons').select('status').where('tenant_id', '=', a.tenantId).where('id', '=', coupon.id).executeTakeFirstOrThrow();
    expect(row.status).toBe('expired');
  });
});
