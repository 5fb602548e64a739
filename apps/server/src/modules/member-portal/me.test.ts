import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestTenant, type TestApp, type TestTenant } from '../../test/app.ts';
import { createTestClock } from '../../test/deps.ts';
import { signInBySms } from './sign-in.test-helpers.ts';

type Auth = { authorization: string };

describe('member center API: only the signed-in member’s own data', () => {
  const clock = createTestClock(new Date('2026-11-20T02:00:00Z'));
  let t: TestApp;
  let a: TestTenant;
  let other: TestTenant;
  let alice: { member_id: string; auth: Auth; cookie?: string };
  let bob: { member_id: string; auth: Auth };
  let n = 0;
  const api = (method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, auth: object, payload?: object) => t.app.inject({ method, url, headers: auth as Record<string, string>, payload });
  const issueCoupon = async (memberId: string) => {
    const res = await api('POST', '/api/v1/coupons/issue', a.auth, { template_id: templateId, member_id: memberId, issuance_key: `K-${++n}` });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().data[0] as { id: string; code: string; qr_payload: string };
  };
  const order = async (memberId: string, paid: number) => {
    const res = await api('POST', '/api/v1/orders', a.auth, { external_id: `O-${++n}`, channel: 'store', member_id: memberId, lines: [{ sku: 'LATTE', qty: 1, unit_price_fen: paid }], total_paid_fen: paid, occurred_at: clock.now().toISOString() });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  };
  let templateId: string;

  beforeAll(async () => {
    t = await createTestApp({ clock });
    a = await createTestTenant(t.deps);
    other = await createTestTenant(t.deps);
    await api('POST', '/api/v1/products/bulk', a.auth, { products: [{ sku: 'LATTE', name: '拿铁', list_price_fen: 3200, category_path: ['饮品'] }] });
    const rules = await api('POST', '/api/v1/points/rules', a.auth, { rules: { base_points_per_yuan: 1 }, effective_from: '2026-01-01T00:00:00Z' });
    expect(rules.statusCode, rules.body).toBe(201);
    // Points are spendable at once here (the default holds them 7 days against returns).
    const settings = await api('PUT', '/api/v1/points/settings', a.auth, { fen_per_100_points: 100, pending_days: 0, expiry: { kind: 'rolling_months', months: 12 }, clawback_policy: 'negative_balance', max_cash_share_pct: 50, hold_minutes: 15, reminder_days: [30, 7] });
    expect(settings.statusCode, settings.body).toBe(200);
    const tpl = await api('POST', '/api/v1/coupon-templates', a.auth, { name: '满100减20', terms: { kind: 'cash', value_fen: 2000, min_spend_fen: 10000, valid_days: 7 } });
    templateId = tpl.json().id;
    alice = await signInBySms(t, a.slug, '13800000001', { session: 'cookie' });
    alice.auth = { authorization: '' };
    bob = await signInBySms(t, a.slug, '13800000002');
  });
  afterAll(() => t.close());

  const aliceCookie = (csrf = true) => ({ cookie: `hearth_member=${alice.cookie}`, ...(csrf && { 'x-hearth-csrf': '1' }) });

  it('answers 404 for another member’s coupon and order ids, and lists only one’s own', async () => {
    const bobCoupon = await issueCoupon(bob.member_id);
    const aliceCoupon = await issueCoupon(alice.member_id);
    const bobOrder = await order(bob.member_id, 3200);
    for (const url of [`/api/v1/me/coupons/${bobCoupon.id}`, `/api/v1/me/coupons/${bobCoupon.id}/qr.svg`, `/api/v1/me/orders/${bobOrder}`]) {
      const res = await api('GET', url, aliceCookie());
      expect(res.statusCode, url).toBe(404);
    }
    expect((await api('GET', `/api/v1/me/coupons/${aliceCoupon.id}`, aliceCookie())).json().code).toBe(aliceCoupon.code);
    const svg = await api('GET', `/api/v1/me/coupons/${aliceCoupon.id}/qr.svg`, aliceCookie());
    expect(svg.headers['content-type']).toContain('image/svg+xml');
    expect((await api('GET', `/api/v1/me/orders/${bobOrder}`, bob.auth)).statusCode).toBe(200);
    const mine = (await api('GET', '/api/v1/me/coupons', aliceCookie())).json() as { id: string; terms: { value_fen: number } }[];
    expect(mine.map((c) => c.id)).toEqual([aliceCoupon.id]);
    expect(mine[0]!.terms.value_fen).toBe(2000);
    expect((await api('GET', '/api/v1/me/orders', aliceCookie())).json().data).toEqual([]);
    expect((await api('GET', '/api/v1/me/inbox', aliceCookie())).json()).toEqual({ data: [], next_cursor: null, unread: 0 });
  });

  it('takes no operator credentials on /me and no member session on operator routes', async () => {
    expect((await api('GET', '/api/v1/me/card', a.auth)).statusCode).toBe(401);
    const login = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { tenant: a.slug, email: a.ownerEmail, password: a.ownerPassword } });
    const operatorCookie = login.cookies.find((c) => c.name === 'hearth_session')!.value;
    expect((await api('GET', '/api/v1/me/card', { cookie: `hearth_session=${operatorCookie}` })).statusCode).toBe(401);
    expect((await api('GET', `/api/v1/members/${bob.member_id}`, bob.auth)).statusCode).toBe(401);
    expect((await api('GET', `/api/v1/members/${alice.member_id}`, { cookie: `hearth_member=${alice.cookie}` })).statusCode).toBe(401);
    // Another tenant's API key knows nothing of these members either.
    expect((await api('GET', `/api/v1/members/${alice.member_id}`, other.auth)).statusCode).toBe(404);
  });

  it('needs the CSRF header for cookie writes, not for bearer tokens', async () => {
    const res = await api('PATCH', '/api/v1/me/profile', aliceCookie(false), { nickname: '爱丽丝' });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('CSRF_HEADER_MISSING');
    expect((await api('PATCH', '/api/v1/me/profile', aliceCookie(), { nickname: '爱丽丝' })).json().nickname).toBe('爱丽丝');
    expect((await api('PATCH', '/api/v1/me/profile', bob.auth, { nickname: '鲍勃' })).statusCode).toBe(200);
  });

  it('sets the birthday once only', async () => {
    const first = await api('PATCH', '/api/v1/me/profile', bob.auth, { birthday: { month: 5, day: 20 } });
    expect(first.json()).toMatchObject({ birthday: { month: 5, day: 20, year: null }, birthday_locked: true });
    const move = await api('PATCH', '/api/v1/me/profile', bob.auth, { birthday: { month: 6, day: 1 } });
    expect(move.statusCode).toBe(409);
    expect(move.json()).toMatchObject({ code: 'BIRTHDAY_ALREADY_SET', errors: [{ field: 'birthday' }] });
    // Sending the same day back with other changes is fine.
    expect((await api('PATCH', '/api/v1/me/profile', bob.auth, { birthday: { month: 5, day: 20 }, city: '上海' })).json()).toMatchObject({ city: '上海', birthday: { month: 5, day: 20 } });
  });

  it('shows points with their value, and redeems a reward only when there are enough', async () => {
    await order(alice.member_id, 50_00);
    const points = (await api('GET', '/api/v1/me/points', aliceCookie())).json();
    expect(points).toMatchObject({ available: 50, value_fen: 50 });
    const reward = await api('POST', '/api/v1/points/rewards', a.auth, { name: '美式咖啡', points_price: 40, stock: null });
    const rewardId = reward.json().id;
    await api('PUT', `/api/v1/coupons/reward-links/${rewardId}`, a.auth, { template_id: templateId });
    const listed = (await api('GET', '/api/v1/me/rewards', aliceCookie())).json();
    expect(listed).toEqual([expect.objectContaining({ id: rewardId, affordable: true, in_stock: true })]);
    const ok = await api('POST', `/api/v1/me/rewards/${rewardId}/redeem`, aliceCookie(), { quantity: 1 });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ points: 40, balance: 10 });
    expect((await api('GET', '/api/v1/me/coupons', aliceCookie())).json()).toHaveLength(2);
    const poor = await api('POST', `/api/v1/me/rewards/${rewardId}/redeem`, aliceCookie(), { quantity: 1 });
    expect(poor.statusCode).toBe(422);
    expect(poor.json().code).toBe('POINTS_INSUFFICIENT');
    const ledger = (await api('GET', '/api/v1/me/points/ledger', aliceCookie())).json().data;
    expect(ledger.map((e: { kind: string; points: number }) => [e.kind, e.points])).toEqual([['spend', -40], ['earn', 50]]);
    const cardResponse = await api('GET', '/api/v1/me/card', aliceCookie());
    expect(cardResponse.json()).toMatchObject({ points: { available: 10, value_fen: 10 }, coupons_available: 2, paid_member: false });
    // The member center writes dates in the brand's zone, named on every member response.
    expect(cardResponse.headers['x-hearth-time-zone']).toBe('Asia/Shanghai');
  });

  it('shows my benefits with the uses left and this year’s savings, and names the benefits of plans', async () => {
    const benefit = await api('POST', '/api/v1/benefits', a.auth, { code: 'tasting', name: '每月 2 次免费品鉴', usage_limit: { period: 'month', uses: 2 }, value_fen: 1500, config: { type: 'free_service', service: '咖啡品鉴' } });
    expect(benefit.statusCode, benefit.body).toBe(201);
    const grant = await api('POST', `/api/v1/members/${alice.member_id}/benefit-grants`, a.auth, { benefit_id: benefit.json().id, grant_key: 'G-1', valid_until: '2026-12-31T15:59:59Z', reason: '新会员礼' });
    expect(grant.statusCode, grant.body).toBe(201);
    const mine = (await api('GET', '/api/v1/me/benefits', aliceCookie())).json();
    expect(mine.entitlements).toEqual([expect.objectContaining({ benefit: expect.objectContaining({ name: '每月 2 次免费品鉴' }), remaining: 2 })]);
    expect(mine.savings).toMatchObject({ total_fen: 0 });
    expect((await api('GET', '/api/v1/me/benefits', bob.auth)).json().entitlements).toEqual([]);
    const plan = await api('POST', '/api/v1/membership/plans', a.auth, { name: '付费会员', price_fen: 9900, period: 'year', benefit_ids: [benefit.json().id] });
    expect(plan.statusCode, plan.body).toBe(201);
    const plans = (await api('GET', '/api/v1/me/membership', aliceCookie())).json().plans;
    expect(plans[0].benefits).toEqual([expect.objectContaining({ name: '每月 2 次免费品鉴' })]);
  });

  it('buys a plan to pay at the counter, is a paid member once staff confirm, and stops auto-renew', async () => {
    const plans = (await api('GET', '/api/v1/me/membership', aliceCookie())).json().plans as { id: string }[];
    const bought = await api('POST', '/api/v1/me/membership/purchase', aliceCookie(), { plan_id: plans[0]!.id, provider: 'offline', auto_renew: true });
    expect(bought.statusCode, bought.body).toBe(200);
    expect(bought.json()).toMatchObject({ payment: { status: 'pending', amount_fen: 9900 }, pay_params: null });
    // WeChat Pay needs the openid of a WeChat sign-in; this session came by SMS.
    expect((await api('POST', '/api/v1/me/membership/purchase', aliceCookie(), { plan_id: plans[0]!.id, provider: 'wechat' })).json().errors[0].code).toBe('wechat_sign_in_needed');
    expect((await api('POST', `/api/v1/membership/payments/${bought.json().payment.id}/confirm`, a.auth)).statusCode).toBe(200);
    const paid = (await api('GET', '/api/v1/me/membership', aliceCookie())).json();
    expect(paid.membership).toMatchObject({ is_paid_member: true, current: { status: 'active', auto_renew: true } });
    expect((await api('GET', '/api/v1/me/card', aliceCookie())).json().paid_member).toBe(true);
    expect((await api('POST', '/api/v1/me/membership/cancel', bob.auth)).statusCode).toBe(404);
    const canceled = await api('POST', '/api/v1/me/membership/cancel', aliceCookie());
    expect(canceled.json()).toMatchObject({ status: 'canceled', auto_renew: false });
    expect((await api('GET', '/api/v1/me/card', aliceCookie())).json().paid_member).toBe(true);
  });

  it('hands out card codes for five minutes ahead, each valid at the counter in its own minute, once', async () => {
    const window = (await api('GET', '/api/v1/me/member-code', bob.auth)).json();
    expect(window.step_seconds).toBe(60);
    expect(window.codes).toHaveLength(5);
    const verify = (code: string) => api('POST', '/api/v1/member-codes/verify', a.auth, { code });
    expect((await verify(window.codes[0].code)).statusCode).toBe(200);
    expect((await verify(window.codes[0].code)).json().errors[0].code).toBe('replayed');
    expect((await verify(window.codes[2].code)).json().errors[0].code).toBe('expired');
    clock.advance(2 * 60_000);
    const later = await verify(window.codes[2].code);
    expect(later.statusCode, later.body).toBe(200);
    expect(later.json().member.id).toBe(bob.member_id);
  });

  it('records consent, exports my data, and erases me after confirmation, ending my sessions', async () => {
    const consents = (await api('GET', '/api/v1/me/consents', bob.auth)).json();
    expect(consents.map((c: { channel: string }) => c.channel)).toEqual(['sms', 'email', 'wechat', 'app_push', 'location']);
    expect((await api('PUT', '/api/v1/me/consents/sms', bob.auth, { granted: true })).json()).toMatchObject({ channel: 'sms', granted: true });
    const exported = (await api('POST', '/api/v1/me/privacy/export', bob.auth)).json();
    expect(exported.profile.phone).toBe('+8613800000002');
    expect((await api('POST', '/api/v1/me/privacy/erase', bob.auth, { confirm: false })).statusCode).toBe(400);
    expect((await api('POST', '/api/v1/me/privacy/erase', bob.auth, { confirm: true })).statusCode).toBe(204);
    expect((await api('GET', '/api/v1/me/card', bob.auth)).statusCode).toBe(401);
    expect(await t.deps.db.selectFrom('member_sessions').select('id').where('member_id', '=', bob.member_id).execute()).toEqual([]);
    const audit = await t.deps.db.selectFrom('audit_log').select(['actor_type', 'actor_id']).where('action', '=', 'member.erase').executeTakeFirstOrThrow();
    expect(audit).toEqual({ actor_type: 'member', actor_id: bob.member_id });
  });
});
