import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestTenant, type TestApp, type TestTenant } from '../../test/app.ts';
import { createTestClock } from '../../test/deps.ts';
import { createWorker } from '../../jobs/runner.ts';
import { signInBySms } from '../member-portal/sign-in.test-helpers.ts';

describe('referrals (推荐有礼)', () => {
  const clock = createTestClock(new Date('2026-11-20T02:00:00Z'));
  let t: TestApp;
  let a: TestTenant;
  let b: TestTenant;
  let template: string;
  let n = 0;
  const req = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object, headers: Record<string, string> = a.auth) => t.app.inject({ method, url, payload, headers });
  const points = async (member: string, tenant = a) => (await req('GET', `/api/v1/members/${member}/points`, undefined, tenant.auth)).json().available as number;
  const member = async (tenant = a) => (await req('POST', '/api/v1/members/resolve', { identities: [{ type: 'store_card', value: `RF-${++n}` }], profile: { channel: 'store' } }, tenant.auth)).json().member.id as string;
  const order = async (memberId: string, fen: number, at: Date, tenant = a) => {
    const res = await req('POST', '/api/v1/orders', { external_id: `RF-O-${++n}`, channel: 'store', member_id: memberId, lines: [{ sku: 'TEA', qty: 1, unit_price_fen: fen }], total_paid_fen: fen, occurred_at: at.toISOString() }, tenant.auth);
    expect(res.statusCode, res.body).toBe(201);
    // First orders are booked by the job that follows each order.
    await createWorker(t.deps).drain();
    return res.json().id as string;
  };
  const settle = async (tenant = a) => (await req('POST', '/api/v1/referrals/settle', undefined, tenant.auth)).json().rewarded as number;
  const events = async (type: string, tenant = a) => (await t.deps.db.selectFrom('domain_events').select('payload').where('tenant_id', '=', tenant.tenantId).where('type', '=', type).execute()).map((e) => e.payload as Record<string, unknown>);
  const days = (d: number) => d * 86_400_000;

  beforeAll(async () => {
    t = await createTestApp({ clock });
    a = await createTestTenant(t.deps);
    b = await createTestTenant(t.deps);
    for (const tenant of [a, b]) await req('POST', '/api/v1/products/bulk', { products: [{ sku: 'TEA', name: '茶', list_price_fen: 1000 }] }, tenant.auth);
    template = (await req('POST', '/api/v1/coupon-templates', { name: '受邀新人券', terms: { kind: 'cash', value_fen: 1000, min_spend_fen: 5000, valid_days: 30 } })).json().id;
    const settings = await req('PUT', '/api/v1/referrals/settings', { min_order_fen: 5000, return_window_days: 7, monthly_limit: 5, burst_per_hour: 3, referrer_points: 100, referee_points: 50, referee_coupon_template_id: template });
    expect(settings.statusCode, settings.body).toBe(200);
    // Another tenant's coupon template is not found, not used.
    expect((await req('PUT', '/api/v1/referrals/settings', { referee_coupon_template_id: template }, b.auth)).statusCode).toBe(404);
  });
  afterAll(() => t.close());

  it('gives a member an invite code with a check symbol, a link and a QR poster; counts shares and clicks once per visitor and local day', async () => {
    const referrer = await signInBySms(t, a.slug, '13900000001', { ip: '10.0.0.1' });
    const mine = (await req('GET', '/api/v1/me/referrals', undefined, referrer.auth)).json();
    expect(mine.invite.code).toMatch(/^[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}$/);
    expect(mine.invite.link).toContain(`brand=${a.slug}`);
    // The member center tells what a friend earns both sides, without the templates' ids.
    expect(mine.offer).toEqual({ referrer_points: 100, referee_points: 50, referrer_coupon: false, referee_coupon: true, min_order_fen: 5000 });
    const again = (await req('GET', `/api/v1/members/${referrer.member_id}/invite`)).json();
    expect(again.code).toBe(mine.invite.code);
    const poster = await req('GET', '/api/v1/me/referrals/poster.svg', undefined, referrer.auth);
    expect(poster.headers['content-type']).toContain('image/svg+xml');
    expect(poster.body).toContain('<svg');
    // One symbol mistyped: the check symbol refuses it before any lookup.
    const code: string = mine.invite.code;
    const typo = code.slice(0, 2) + (code[2] === '7' ? '8' : '7') + code.slice(3);
    const click = (c: string, visitor: string, tenant = a) => t.app.inject({ method: 'POST', url: `/api/v1/public/referrals/${tenant.tenantId}/clicks`, payload: { code: c, visitor_id: visitor } });
    expect((await click(typo, 'v1')).json()).toMatchObject({ status: 404, errors: [{ field: 'code' }] });
    expect((await click(code, 'v1', b)).statusCode).toBe(404);
    const clicks = await Promise.all([click(code, 'v1'), click(code, 'v1'), click(code.toLowerCase(), 'v2')]);
    expect(clicks.map((r) => r.json().counted).sort()).toEqual([false, true, true]);
    expect((await req('POST', '/api/v1/me/referrals/shares', { device_id: 'PHONE-R' }, referrer.auth)).json().counted).toBe(true);
    expect((await req('POST', '/api/v1/me/referrals/shares', { device_id: 'PHONE-R' }, referrer.auth)).json().counted).toBe(false);
    // 00:01 the next day in Shanghai (16:01 UTC): a new day, counted again.
    clock.set(new Date('2026-11-20T16:01:00Z'));
    expect((await click(code, 'v1')).json().counted).toBe(true);
    const funnel = (await req('GET', '/api/v1/referrals/funnel?from=2026-11-20&to=2026-11-21')).json();
    expect(funnel).toMatchObject({ shares: 1, clicks: 3 });
  });

  it('links a new member once, refuses their own code, pays both sides once after the return window, under reruns and concurrency', async () => {
    clock.set(new Date('2026-11-21T02:00:00Z'));
    const referrer = await signInBySms(t, a.slug, '13900000001', { ip: '10.0.0.1' });
    const code = (await req('GET', '/api/v1/me/referrals', undefined, referrer.auth)).json().invite.code as string;
    expect((await req('POST', '/api/v1/me/referrals/join', { code }, referrer.auth)).json()).toMatchObject({ code: 'REFERRAL_REFUSED', errors: [{ field: 'code', code: 'own_code' }] });
    const friend = await signInBySms(t, a.slug, '13900000002', { ip: '10.0.0.2' });
    const other = await signInBySms(t, a.slug, '13900000003', { ip: '10.0.0.3' });
    const otherCode = (await req('GET', '/api/v1/me/referrals', undefined, other.auth)).json().invite.code as string;
    // Two codes at once: one link, the other 409.
    const joins = await Promise.all([req('POST', '/api/v1/me/referrals/join', { code, device_id: 'PHONE-F' }, friend.auth), req('POST', '/api/v1/me/referrals/join', { code: otherCode }, friend.auth)]);
    expect(joins.map((r) => r.statusCode).sort()).toEqual([201, 409]);
    const referrerId = joins[0]!.statusCode === 201 ? referrer.member_id : other.member_id;
    expect((await req('POST', '/api/v1/me/referrals/join', { code }, friend.auth)).json().code).toBe('REFERRAL_EXISTS');
    const caseUrl = `/api/v1/referrals/${friend.member_id}`;
    const referrerNo = (await req('GET', `/api/v1/members/${referrerId}`)).json().member.member_no as string;
    expect(referrerNo).toBeTruthy();
    expect((await req('GET', caseUrl)).json()).toMatchObject({ referrer_id: referrerId, referrer_no: referrerNo, status: 'joined', flags: [] });
    expect((await req('GET', caseUrl, undefined, b.auth)).statusCode).toBe(404);

    await order(friend.member_id, 3000, clock.now()); // below the minimum: not the qualifying order
    const orderId = await order(friend.member_id, 8800, new Date(clock.now().getTime() + 1000));
    expect((await req('GET', caseUrl)).json()).toMatchObject({ status: 'ordered', order_id: orderId, qualifies_at: '2026-11-28T02:00:01.000Z' });
    const before = { referrer: await points(referrerId), friend: await points(friend.member_id) };
    clock.set(new Date('2026-11-28T02:00:00Z'));
    expect(await settle()).toBe(0);
    clock.set(new Date('2026-11-28T02:00:02Z'));
    const runs = await Promise.all(Array.from({ length: 6 }, () => settle()));
    expect(runs.reduce((s, x) => s + x, 0)).toBe(1);
    expect(await settle()).toBe(0);
    expect(await points(referrerId)).toBe(before.referrer + 100);
    expect(await points(friend.member_id)).toBe(before.friend + 50);
    expect((await req('GET', `/api/v1/members/${friend.member_id}/coupons`)).json().data).toHaveLength(1);
    const settled = (await req('GET', caseUrl)).json();
    expect(settled).toMatchObject({ status: 'rewarded', rewards: [{ side: 'referrer', status: 'fulfilled', points: 100 }, { side: 'referee', status: 'fulfilled', points: 50 }] });
    expect(await events('referral.joined')).toContainEqual({ member_id: friend.member_id, referrer_id: referrerId });
    expect(await events('referral.qualified')).toHaveLength(1);
    expect(await events('referral.rewarded')).toHaveLength(1);
    // A refund after payment takes nothing back.
    expect((await req('POST', `/api/v1/orders/${orderId}/refunds`, { external_refund_id: 'RF-late', amount_fen: 8800 })).statusCode).toBe(201);
    expect((await req('GET', caseUrl)).json().status).toBe('rewarded');
    const mine = (await req('GET', '/api/v1/me/referrals', undefined, referrerId === referrer.member_id ? referrer.auth : other.auth)).json();
    expect(mine).toMatchObject({ joined: 1, rewarded: 1, referrals: [{ status: 'rewarded', reward: { points: 100, coupon: false } }] });
  });

  it('cancels the case when the qualifying order is refunded inside the return window', async () => {
    clock.set(new Date('2026-12-01T02:00:00Z'));
    const referrer = await member();
    const code = (await req('GET', `/api/v1/members/${referrer}/invite`)).json().code as string;
    const friend = await member();
    expect((await req('POST', '/api/v1/referrals/joins', { member_id: friend, code })).statusCode).toBe(201);
    const orderId = await order(friend, 6000, clock.now());
    clock.set(new Date('2026-12-05T02:00:00Z'));
    expect((await req('POST', `/api/v1/orders/${orderId}/refunds`, { external_refund_id: 'RF-in', amount_fen: 2000 })).statusCode).toBe(201);
    expect((await req('GET', `/api/v1/referrals/${friend}`)).json().status).toBe('canceled');
    clock.set(new Date('2026-12-09T02:00:00Z'));
    expect(await settle()).toBe(0);
    expect(await points(referrer)).toBe(0);
    expect((await req('GET', `/api/v1/referrals/${friend}`)).json()).toMatchObject({ status: 'canceled', rewards: [] });
  });

  it('cancels the case when the refund comes before the job that books the first order', async () => {
    clock.set(new Date('2026-12-01T02:00:00Z'));
    const referrer = await member();
    const code = (await req('GET', `/api/v1/members/${referrer}/invite`)).json().code as string;
    const friend = await member();
    expect((await req('POST', '/api/v1/referrals/joins', { member_id: friend, code })).statusCode).toBe(201);
    const placed = await req('POST', '/api/v1/orders', { external_id: `RF-O-${++n}`, channel: 'store', member_id: friend, lines: [{ sku: 'TEA', qty: 1, unit_price_fen: 6000 }], total_paid_fen: 6000, occurred_at: clock.now().toISOString() });
    expect((await req('POST', `/api/v1/orders/${placed.json().id}/refunds`, { external_refund_id: 'RF-early', amount_fen: 2000 })).statusCode).toBe(201);
    expect((await req('GET', `/api/v1/referrals/${friend}`)).json().status).toBe('joined');
    await createWorker(t.deps).drain();
    expect((await req('GET', `/api/v1/referrals/${friend}`)).json()).toMatchObject({ status: 'canceled', order_id: placed.json().id });
    expect((await events('referral.canceled')).filter((e) => e.member_id === friend)).toHaveLength(1);
  });

  it('books the first order since joining when older orders of the member come in the same batch', async () => {
    clock.set(new Date('2026-12-01T02:00:00Z'));
    const referrer = await member();
    const code = (await req('GET', `/api/v1/members/${referrer}/invite`)).json().code as string;
    const friend = await member();
    expect((await req('POST', '/api/v1/referrals/joins', { member_id: friend, code })).statusCode).toBe(201);
    const line = [{ sku: 'TEA', qty: 1, unit_price_fen: 6000 }];
    const batch = await req('POST', '/api/v1/orders/batch', {
      orders: [
        { external_id: `RF-O-${++n}`, channel: 'store', member_id: friend, lines: line, total_paid_fen: 6000, occurred_at: '2026-11-30T02:00:00Z' },
        { external_id: `RF-O-${++n}`, channel: 'store', member_id: friend, lines: line, total_paid_fen: 6000, occurred_at: '2026-12-01T03:00:00Z' },
      ],
    });
    expect(batch.statusCode, batch.body).toBe(200);
    await createWorker(t.deps).drain();
    expect((await req('GET', `/api/v1/referrals/${friend}`)).json()).toMatchObject({ status: 'ordered', order_id: batch.json().results[1].order_id });
    // Returned, so that no case of this test is left to be paid by a later settlement.
    expect((await req('POST', `/api/v1/orders/${batch.json().results[1].order_id}/refunds`, { external_refund_id: 'RF-batch', amount_fen: 6000 })).statusCode).toBe(201);
    expect((await req('GET', `/api/v1/referrals/${friend}`)).json().status).toBe('canceled');
  });

  it('sends a self-referral from the referrer’s own device, a reused address and a burst to review, pays nothing until approved', async () => {
    clock.set(new Date('2026-12-10T02:00:00Z'));
    const referrer = await signInBySms(t, a.slug, '13900000011', { ip: '10.0.1.1' });
    const code = (await req('GET', '/api/v1/me/referrals', undefined, referrer.auth)).json().invite.code as string;
    await req('POST', '/api/v1/me/referrals/shares', { device_id: 'PHONE-SELF' }, referrer.auth);
    // A second account signed up on the referrer's own phone.
    const alt = await signInBySms(t, a.slug, '13900000012', { ip: '10.0.1.2' });
    expect((await req('POST', '/api/v1/me/referrals/join', { code, device_id: 'phone-self' }, alt.auth)).statusCode).toBe(201);
    const altCase = (await req('GET', `/api/v1/referrals/${alt.member_id}`)).json();
    expect(altCase).toMatchObject({ status: 'pending_review', flags: ['same_device'] });
    expect(await events('referral.flagged')).toContainEqual({ member_id: alt.member_id, referrer_id: referrer.member_id, flags: ['same_device'] });
    await order(alt.member_id, 9900, clock.now());
    const f1 = await member();
    const f2 = await member();
    expect((await req('POST', '/api/v1/referrals/joins', { member_id: f1, code, address: '上海市 徐汇区 1 号' })).json().flags).toEqual([]);
    expect((await req('POST', '/api/v1/referrals/joins', { member_id: f2, code, address: '上海市徐汇区1号' })).json().flags).toEqual(['same_address']);
    const f3 = await member();
    expect((await req('POST', '/api/v1/referrals/joins', { member_id: f3, code })).json()).toMatchObject({ status: 'pending_review', flags: ['burst'] });
    await order(f2, 9900, clock.now());

    clock.set(new Date('2026-12-20T02:00:00Z'));
    expect(await settle()).toBe(0);
    expect(await points(referrer.member_id)).toBe(0);
    expect(await points(alt.member_id)).toBe(0);
    const queue = (await req('GET', '/api/v1/referrals?status=pending_review')).json().data.map((r: { member_id: string }) => r.member_id);
    expect(new Set(queue)).toEqual(new Set([alt.member_id, f2, f3]));
    expect((await req('GET', '/api/v1/referrals/funnel?from=2026-12-10&to=2026-12-10')).json()).toMatchObject({ joins: 4, first_orders: 2, in_review: 3, rewarded: 0 });
    expect((await req('POST', `/api/v1/referrals/${alt.member_id}/reject`, { note: '同一设备' })).json()).toMatchObject({ status: 'rejected', review_note: '同一设备' });
    expect((await req('POST', `/api/v1/referrals/${alt.member_id}/approve`, {})).json().code).toBe('REFERRAL_NOT_IN_REVIEW');
    expect((await req('POST', `/api/v1/referrals/${f2}/approve`, {}, b.auth)).statusCode).toBe(404);
    // Approval pays at once when the window has closed; without an order the case goes back to waiting for one.
    expect((await req('POST', `/api/v1/referrals/${f2}/approve`, {})).json()).toMatchObject({ status: 'rewarded', rewards: [{ side: 'referrer', status: 'fulfilled' }, { side: 'referee', status: 'fulfilled' }] });
    expect((await req('POST', `/api/v1/referrals/${f3}/approve`, {})).json().status).toBe('joined');
    expect(await points(referrer.member_id)).toBe(100);
    expect(await points(alt.member_id)).toBe(0);
  });

  it('limits referrer rewards per local month: 23:59 on the 30th is November, 00:01 is December', async () => {
    const c = await createTestTenant(t.deps);
    await req('POST', '/api/v1/products/bulk', { products: [{ sku: 'TEA', name: '茶', list_price_fen: 1000 }] }, c.auth);
    await req('PUT', '/api/v1/referrals/settings', { min_order_fen: 0, return_window_days: 7, monthly_limit: 1, referrer_points: 100, referee_points: 10 }, c.auth);
    clock.set(new Date('2026-11-20T01:00:00Z'));
    const referrer = await member(c);
    const code = (await req('GET', `/api/v1/members/${referrer}/invite`, undefined, c.auth)).json().code as string;
    const friends = [await member(c), await member(c)];
    for (const f of friends) {
      await req('POST', '/api/v1/referrals/joins', { member_id: f, code }, c.auth);
      await order(f, 100, new Date('2026-11-20T02:00:00Z'), c);
    }
    clock.set(new Date('2026-11-23T16:00:00Z'));
    const late = await member(c);
    await req('POST', '/api/v1/referrals/joins', { member_id: late, code }, c.auth);
    await order(late, 100, new Date('2026-11-23T16:00:30Z'), c); // qualifies 2026-11-30T16:00:30Z, 00:00:30 on 1 December in Shanghai
    clock.set(new Date('2026-11-30T15:59:00Z'));
    expect(await settle(c)).toBe(2);
    const statuses = await Promise.all(friends.map(async (f) => (await req('GET', `/api/v1/referrals/${f}`, undefined, c.auth)).json().rewards.map((r: { status: string }) => r.status)));
    expect(statuses.sort()).toEqual([['fulfilled', 'fulfilled'], ['limited', 'fulfilled']]);
    expect(await points(referrer, c)).toBe(100);
    clock.set(new Date('2026-11-30T16:01:00Z'));
    expect(await settle(c)).toBe(1);
    expect(await points(referrer, c)).toBe(200);
    expect(await points(late, c)).toBe(10);
  });

  it('a merge hands the referrer\'s code and invitees to the survivor and the invitee\'s case to theirs; erasure drops the code and the fraud hashes', async () => {
    clock.set(new Date('2026-12-10T02:00:00Z'));
    const referrer = await signInBySms(t, a.slug, '13900000031', { ip: '10.0.3.1' });
    const code = (await req('GET', '/api/v1/me/referrals', undefined, referrer.auth)).json().invite.code as string;
    const friend = await signInBySms(t, a.slug, '13900000032', { ip: '10.0.3.2' });
    expect((await req('POST', '/api/v1/me/referrals/join', { code, device_id: 'PHONE-M' }, friend.auth)).statusCode).toBe(201);
    const referrerKeeper = await member();
    expect((await req('POST', `/api/v1/members/${referrerKeeper}/merge`, { from_member_id: referrer.member_id, reason: '同一人' })).statusCode).toBe(200);
    expect((await req('GET', `/api/v1/referrals/${friend.member_id}`)).json()).toMatchObject({ referrer_id: referrerKeeper, status: 'joined' });
    expect((await req('GET', `/api/v1/members/${referrerKeeper}/invite`)).json().code).toBe(code);
    const friendKeeper = await member();
    expect((await req('POST', `/api/v1/members/${friendKeeper}/merge`, { from_member_id: friend.member_id, reason: '同一人' })).statusCode).toBe(200);
    expect((await req('GET', `/api/v1/referrals/${friendKeeper}`)).json()).toMatchObject({ referrer_id: referrerKeeper, status: 'joined' });
    const caseRow = () => t.deps.db.selectFrom('referrals').select(['device_hash', 'referrer_id']).where('tenant_id', '=', a.tenantId).where('member_id', '=', friendKeeper).executeTakeFirstOrThrow();
    expect((await caseRow()).device_hash).not.toBeNull();
    expect((await req('POST', `/api/v1/members/${friendKeeper}/erase`, { reason: '会员申请注销' })).statusCode).toBe(200);
    expect(await caseRow()).toMatchObject({ device_hash: null, referrer_id: referrerKeeper });
    expect((await req('POST', `/api/v1/members/${referrerKeeper}/erase`, { reason: '会员申请注销' })).statusCode).toBe(200);
    expect(await t.deps.db.selectFrom('referral_codes').select('code').where('tenant_id', '=', a.tenantId).where('member_id', '=', referrerKeeper).execute()).toEqual([]);
    expect((await t.app.inject({ method: 'POST', url: `/api/v1/public/referrals/${a.tenantId}/clicks`, payload: { code, visitor_id: 'v-after-erase' } })).statusCode).toBe(404);
  });

  it('pages the cases by join time and answers a hand-made cursor with a 400 on the field', async () => {
    const all = (await req('GET', '/api/v1/referrals?limit=200')).json().data.map((r: { member_id: string }) => r.member_id);
    expect(all.length).toBeGreaterThan(2);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { data: { member_id: string }[]; next_cursor: string | null } = (await req('GET', `/api/v1/referrals?limit=2${cursor ? `&cursor=${cursor}` : ''}`)).json();
      seen.push(...page.data.map((r) => r.member_id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toEqual(all);
    for (const bad of [Buffer.from(JSON.stringify(['x|y'])).toString('base64url'), Buffer.from(JSON.stringify(['2026-11-20T00:00:00Z|not-a-uuid'])).toString('base64url'), 'garbage']) {
      const res = await req('GET', `/api/v1/referrals?cursor=${bad}`);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'query.cursor', code: 'invalid_cursor' }] });
    }
  });
});
