import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueJob } from '../../jobs/enqueue.ts';
import { createWorker } from '../../jobs/runner.ts';
import { createTestApp, createTestTenant, type TestApp, type TestTenant } from '../../test/app.ts';
import { createTestClock } from '../../test/deps.ts';
import { signInBySms } from '../member-portal/sign-in.test-helpers.ts';
import { PACK_JOB, REMIND_JOB, SWEEP_JOB } from './member-days.jobs.ts';

/**
 * Member days in Asia/Shanghai (the test tenants' zone): the 18th of every month at 2× for the members of a
 * segment. "23:59" and "00:01" are local times around 2026-11-18.
 */
describe('member days', () => {
  const clock = createTestClock(new Date('2026-11-10T02:00:00Z'));
  let t: TestApp;
  let single: TestTenant;
  let batch: TestTenant;
  let other: TestTenant;
  let n = 0;
  const req = (method: 'GET' | 'POST' | 'PUT', url: string, tenant: { auth: object } | TestTenant, payload?: object) =>
    t.app.inject({ method, url: `/api/v1${url}`, headers: tenant.auth as Record<string, string>, payload });
  const ok = async (method: 'GET' | 'POST' | 'PUT', url: string, tenant: TestTenant, payload?: object, status = method === 'POST' ? 201 : 200) => {
    const res = await req(method, url, tenant, payload);
    expect(res.statusCode, res.body).toBe(status);
    return res.json();
  };
  const drain = () => createWorker(t.deps).drain();
  const runJob = async (tenantId: string, name: string, payload: Record<string, unknown> = {}) => {
    await enqueueJob(t.deps.db, t.deps.jobs, { tenantId, name, key: `test:${++n}`, payload });
    await drain();
  };

  /** Products, 1 point per yuan, a static segment with the eligible member, and both members. */
  async function setUp(tenant: TestTenant) {
    await ok('POST', '/products/bulk', tenant, { products: [{ sku: 'LATTE', name: '拿铁', list_price_fen: 10000, category_path: ['饮品'] }] }, 200);
    await ok('POST', '/points/rules', tenant, { rules: { base_points_per_yuan: 1 }, effective_from: '2026-01-01T00:00:00+08:00' });
    const member = async (card: string) => (await ok('POST', '/members/resolve', tenant, { identities: [{ type: 'store_card', value: card }], profile: { channel: 'store' } })).member.id as string;
    const [vip, plain] = [await member('VIP'), await member('PLAIN')];
    const segment = (await ok('POST', '/segments', tenant, { name: '会员日人群', kind: 'static' })).id as string;
    await ok('POST', `/segments/${segment}/members`, tenant, { action: 'add', member_ids: [vip] }, 200);
    const day = await ok('POST', '/member-days', tenant, { name: '18 号会员日', schedule: { kind: 'monthly_day', day: 18 }, start_date: '2026-11-01', points_multiplier_bp: 20000, eligibility: { segment_ids: [segment] } });
    return { vip, plain, segment, dayId: day.id as string };
  }

  const around = [
    { external_id: 'BEFORE', occurred_at: '2026-11-17T23:59:00+08:00', vipPoints: 100 },
    { external_id: 'START', occurred_at: '2026-11-18T00:01:00+08:00', vipPoints: 200 },
    { external_id: 'END', occurred_at: '2026-11-18T23:59:00+08:00', vipPoints: 200 },
    { external_id: 'AFTER', occurred_at: '2026-11-19T00:01:00+08:00', vipPoints: 100 },
  ];
  const orderBody = (o: { external_id: string; occurred_at: string }, memberId: string) => ({
    external_id: `${o.external_id}-${memberId.slice(-4)}`,
    channel: 'store',
    member_id: memberId,
    lines: [{ sku: 'LATTE', qty: 1, unit_price_fen: 10000 }],
    total_paid_fen: 10000,
    occurred_at: new Date(o.occurred_at).toISOString(),
  });
  const pointsOf = async (tenant: TestTenant) => {
    const rows = await t.deps.db
      .selectFrom('points_transactions as p')
      .innerJoin('orders as o', (j) => j.onRef('o.tenant_id', '=', 'p.tenant_id').onRef('o.id', '=', 'p.order_id'))
      .select(['o.external_id', 'p.points'])
      .where('p.tenant_id', '=', tenant.tenantId)
      .where('p.kind', '=', 'earn')
      .execute();
    return Object.fromEntries(rows.map((r) => [r.external_id.replace(/-[0-9a-f]{4}$/, ''), r.points]));
  };

  let a: Awaited<ReturnType<typeof setUp>>;
  let b: Awaited<ReturnType<typeof setUp>>;

  beforeAll(async () => {
    t = await createTestApp({ clock });
    single = await createTestTenant(t.deps);
    batch = await createTestTenant(t.deps);
    other = await createTestTenant(t.deps);
    a = await setUp(single);
    b = await setUp(batch);
  });
  afterAll(() => t.close());

  it('lists the next days in local dates, and previews a quarterly first Saturday', async () => {
    const next = await ok('GET', `/member-days/${a.dayId}/occurrences?limit=3`, single);
    expect(next.data.map((d: { day: string }) => d.day)).toEqual(['2026-11-18', '2026-12-18', '2027-01-18']);
    expect(next.data[0]).toMatchObject({ starts_at: '2026-11-17T16:00:00.000Z', ends_at: '2026-11-18T16:00:00.000Z', started: false });
    const preview = await ok('POST', '/member-days/preview', single, { schedule: { kind: 'nth_weekday', weekday: 6, nth: 1, months: [1, 4, 7, 10] }, start_date: '2026-11-01', count: 3 }, 200);
    expect(preview.data.map((d: { day: string }) => d.day)).toEqual(['2027-01-02', '2027-04-03', '2027-07-03']);
    const lastDay = await ok('POST', '/member-days/preview', single, { schedule: { kind: 'monthly_day', day: -1, months: [2] }, start_date: '2027-01-01', count: 2 }, 200);
    expect(lastDay.data.map((d: { day: string }) => d.day)).toEqual(['2027-02-28', '2028-02-29']);
    expect((await ok('GET', '/member-days', single)).data[0]).toMatchObject({ id: a.dayId, next_day: '2026-11-18', points_multiplier_bp: 20000 });
  });

  it('multiplies points only inside the day in the tenant’s zone, for eligible members, one by one and in a batch alike', async () => {
    clock.set(new Date('2026-11-20T02:00:00Z'));
    for (const o of around) {
      await ok('POST', '/orders', single, orderBody(o, a.vip));
      await ok('POST', '/orders', single, orderBody({ ...o, external_id: `PLAIN-${o.external_id}` }, a.plain));
    }
    const batched = await ok('POST', '/orders/batch', batch, { orders: around.flatMap((o) => [orderBody(o, b.vip), orderBody({ ...o, external_id: `PLAIN-${o.external_id}` }, b.plain)]) }, 200);
    expect(batched.results.map((r: { status: string }) => r.status)).toEqual(around.flatMap(() => ['created', 'created']));

    const expected = Object.fromEntries(around.flatMap((o) => [[o.external_id, o.vipPoints], [`PLAIN-${o.external_id}`, 100]]));
    expect(await pointsOf(single)).toEqual(expected);
    expect(await pointsOf(batch)).toEqual(expected);
    const explained = await t.deps.db.selectFrom('points_transactions').select('details').where('tenant_id', '=', single.tenantId).where('source_key', 'like', 'order:%').execute();
    expect(JSON.stringify(explained)).toContain(`member_day:${a.dayId}`);
  });

  it('issues the coupon pack once to eligible members when the day starts, however often it reruns', async () => {
    const template = (await ok('POST', '/coupon-templates', other, { name: '会员日 10 元券', terms: { kind: 'cash', value_fen: 1000, min_spend_fen: 5000, valid_days: 7 } })).id;
    const segment = (await ok('POST', '/segments', other, { name: '会员日人群', kind: 'static' })).id;
    const member = async (card: string) => (await ok('POST', '/members/resolve', other, { identities: [{ type: 'store_card', value: card }], profile: { channel: 'store' } })).member.id as string;
    const [vip, plain] = [await member('VIP'), await member('PLAIN')];
    await ok('POST', `/segments/${segment}/members`, other, { action: 'add', member_ids: [vip] }, 200);
    const day = await ok('POST', '/member-days', other, { name: '月中会员日', schedule: { kind: 'dates', dates: ['2026-12-18'] }, start_date: '2026-12-01', coupon_pack: [{ template_id: template, quantity: 2 }], eligibility: { segment_ids: [segment] } });

    clock.set(new Date('2026-12-17T15:59:00Z')); // 23:59 on the 17th: not yet
    await runJob(other.tenantId, SWEEP_JOB);
    const coupons = async (memberId: string) => (await t.deps.db.selectFrom('coupons').select('id').where('tenant_id', '=', other.tenantId).where('member_id', '=', memberId).execute()).length;
    expect(await coupons(vip)).toBe(0);

    clock.set(new Date('2026-12-17T16:01:00Z')); // 00:01 on the 18th
    await Promise.all([runJob(other.tenantId, SWEEP_JOB), runJob(other.tenantId, SWEEP_JOB)]);
    expect(await coupons(vip)).toBe(2);
    expect(await coupons(plain)).toBe(0);
    await runJob(other.tenantId, PACK_JOB, { member_day_id: day.id, day: '2026-12-18' });
    await runJob(other.tenantId, SWEEP_JOB);
    expect(await coupons(vip)).toBe(2);
    const started = await t.deps.db.selectFrom('domain_events').select('payload').where('tenant_id', '=', other.tenantId).where('type', '=', 'member_day.started').execute();
    expect(started.map((e) => e.payload)).toEqual([{ member_day_id: day.id, day: '2026-12-18', name: '月中会员日' }]);
    expect((await ok('GET', `/member-days/${day.id}/occurrences`, other)).data[0]).toMatchObject({ day: '2026-12-18', started: true });
  });

  it('reminds each eligible member once per day, with member_day.upcoming and the template', async () => {
    clock.set(new Date('2027-01-10T02:00:00Z'));
    const template = (await ok('POST', '/messaging/templates', single, { name: '会员日提醒', channel: 'inbox', category: 'marketing', bodies: { 'zh-CN': { subject: '明天会员日', body: '{{ member_day.name }} 积分 {{ member_day.points_multiplier }} 倍' } } })).id;
    const day = await ok('PUT', `/member-days/${a.dayId}`, single, { name: '18 号会员日', schedule: { kind: 'monthly_day', day: 18 }, start_date: '2026-11-01', points_multiplier_bp: 20000, eligibility: { segment_ids: [a.segment] }, reminder_lead_hours: 24, reminder_template_id: template });
    expect(day.next_day).toBe('2027-01-18');

    clock.set(new Date('2027-01-16T15:00:00Z')); // 25 hours before: too early
    await runJob(single.tenantId, SWEEP_JOB);
    clock.set(new Date('2027-01-16T16:30:00Z')); // 23.5 hours before
    await runJob(single.tenantId, SWEEP_JOB);
    await runJob(single.tenantId, SWEEP_JOB);
    await runJob(single.tenantId, REMIND_JOB, { member_day_id: a.dayId, day: '2027-01-18' });
    const upcoming = await t.deps.db.selectFrom('domain_events').select('payload').where('tenant_id', '=', single.tenantId).where('type', '=', 'member_day.upcoming').execute();
    expect(upcoming.map((e) => e.payload)).toEqual([expect.objectContaining({ member_id: a.vip, member_day_id: a.dayId, day: '2027-01-18', starts_at: '2027-01-17T16:00:00.000Z' })]);
    const deliveries = await t.deps.db.selectFrom('message_deliveries').select(['member_id', 'status']).where('tenant_id', '=', single.tenantId).where('template_id', '=', template).execute();
    // Consent and quiet hours are messaging's: whatever it decided, it decided once.
    expect(deliveries.map((d) => d.member_id)).toEqual([a.vip]);
  });

  it('compares each member day with the average ordinary day, to the fen, in the tenant’s zone', async () => {
    const s = other;
    clock.set(new Date('2027-03-10T02:00:00Z'));
    const plan = (await ok('POST', '/membership/plans', s, { name: '年卡', price_fen: 9900, period: 'year' })).id;
    const member = async (card: string) => (await ok('POST', '/members/resolve', s, { identities: [{ type: 'store_card', value: card }], profile: { channel: 'store' } })).member.id as string;
    const [m1, m2, m3] = [await member('S1'), await member('S2'), await member('S3')];
    await ok('POST', '/products/bulk', s, { products: [{ sku: 'LATTE', name: '拿铁', list_price_fen: 10000, category_path: ['饮品'] }] }, 200);
    const day = await ok('POST', '/member-days', s, { name: '三月会员日', schedule: { kind: 'dates', dates: ['2027-03-18'] }, start_date: '2027-03-01' });
    clock.set(new Date('2027-03-20T04:00:00Z'));
    const order = async (memberId: string, fen: number, at: string) => (await ok('POST', '/orders', s, { external_id: `ST-${++n}`, channel: 'store', member_id: memberId, lines: [{ sku: 'LATTE', qty: 1, unit_price_fen: fen }], total_paid_fen: fen, occurred_at: new Date(at).toISOString() })).id as string;
    // The member day: three orders by two members, one partly refunded; one at 00:00:30 local counts here.
    const refunded = await order(m1, 10000, '2027-03-18T00:00:30+08:00');
    await order(m1, 20000, '2027-03-18T12:00:00+08:00');
    await order(m2, 3333, '2027-03-18T23:59:59+08:00');
    // Ordinary days: 23:59:59 on the 17th and 00:00:00 on the 19th belong to those days.
    await order(m3, 5001, '2027-03-17T23:59:59+08:00');
    const full = await order(m3, 7000, '2027-03-19T00:00:00+08:00');
    await ok('POST', `/orders/${refunded}/refunds`, s, { external_refund_id: 'R1', amount_fen: 1000 });
    await ok('POST', `/orders/${full}/refunds`, s, { external_refund_id: 'R2', amount_fen: 7000 });
    // A new paid member on the member day (the purchase's instant decides the day).
    clock.set(new Date('2027-03-18T03:00:00Z'));
    const bought = await ok('POST', `/members/${m2}/membership/purchase`, s, { plan_id: plan, provider: 'offline' });
    await ok('POST', `/membership/payments/${bought.payment.id}/confirm`, s, undefined, 200);
    clock.set(new Date('2027-03-20T04:00:00Z'));

    const stats = await ok('GET', `/member-days/${day.id}/stats?from=2027-03-15&to=2027-03-20`, s);
    expect(stats.member_days).toEqual([{ day: '2027-03-18', orders: 3, revenue_fen: 32333, members: 2, new_paid_members: 1 }]);
    // Ordinary days: 15, 16, 17, 19 and 20; the fully refunded order counts as neither an order nor a member.
    expect(stats.ordinary_average).toEqual({ days: 5, orders: 0.2, revenue_fen: 1000, members: 0.2, new_paid_members: 0 });
    expect(stats.lift_bp.revenue_fen).toBe(Math.round((32333 / 1000 - 1) * 10000));
    expect(stats.lift_bp.new_paid_members).toBeNull();
    expect((await req('GET', `/member-days/${day.id}/stats?from=2027-03-21&to=2027-03-20`, s)).json()).toMatchObject({ status: 400, errors: [{ field: 'from' }] });
  });

  it('shows the member their next member day and what applies', async () => {
    clock.set(new Date('2027-02-10T02:00:00Z'));
    const tenant = await createTestTenant(t.deps);
    const template = (await ok('POST', '/coupon-templates', tenant, { name: '会员日 10 元券', terms: { kind: 'cash', value_fen: 1000, min_spend_fen: 5000, valid_days: 7 } })).id;
    await ok('POST', '/products/bulk', tenant, { products: [{ sku: 'BEANS', name: '会员专享咖啡豆', list_price_fen: 8800, category_path: ['咖啡豆'] }] }, 200);
    await ok('POST', '/member-days', tenant, { name: '18 号会员日', schedule: { kind: 'monthly_day', day: 18 }, start_date: '2027-01-01', points_multiplier_bp: 20000, coupon_pack: [{ template_id: template }], skus: ['BEANS'] });
    const me = await signInBySms(t, tenant.slug, '13900001111');
    const res = await t.app.inject({ url: '/api/v1/me/member-days', headers: me.auth });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().data).toEqual([
      expect.objectContaining({ name: '18 号会员日', day: '2027-02-18', today: false, eligible: true, points_multiplier_bp: 20000, coupons: [{ template_id: template, name: '会员日 10 元券', quantity: 1 }], products: [{ sku: 'BEANS', name: '会员专享咖啡豆', list_price_fen: 8800 }] }),
    ]);
    expect((await t.app.inject({ url: '/api/v1/me/member-days', headers: single.auth })).statusCode).toBe(401);
  });

  it('answers another tenant’s member day with 404 and bad input with the offending field', async () => {
    for (const url of [`/member-days/${a.dayId}`, `/member-days/${a.dayId}/occurrences`, `/member-days/${a.dayId}/stats`]) expect((await req('GET', url, other)).statusCode).toBe(404);
    const body = { name: '会员日', schedule: { kind: 'monthly_day', day: 18 }, start_date: '2027-01-01' };
    expect((await req('PUT', `/member-days/${a.dayId}`, other, body)).statusCode).toBe(404);
    const fieldOf = async (payload: object) => {
      const res = await req('POST', '/member-days', single, payload);
      expect(res.statusCode, res.body).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      return (res.json().errors as { field: string }[]).map((e) => e.field);
    };
    expect(await fieldOf({ ...body, points_multiplier_bp: 15050 })).toEqual(['points_multiplier_bp']);
    expect(await fieldOf({ ...body, end_date: '2026-12-31' })).toEqual(['end_date']);
    expect(await fieldOf({ ...body, schedule: { kind: 'monthly_day', day: 32 } })).toEqual(['schedule.day']);
    expect(await fieldOf({ ...body, coupon_pack: [{ template_id: '00000000-0000-7000-8000-000000000000' }] })).toEqual(['coupon_pack.0.template_id']);
    expect(await fieldOf({ ...body, skus: ['NOPE'] })).toEqual(['skus.0']);
  });
});
