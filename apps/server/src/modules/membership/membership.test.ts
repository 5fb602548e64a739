import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestTenant, type TestApp, type TestTenant } from '../../test/app.ts';
import { createTestClock } from '../../test/deps.ts';
import { checkPendingPayments, runPeriodEnds, sendRenewalReminders } from './membership.jobs.ts';
import { isPaidMember } from './membership.service.ts';
import { periodDays, periodEnd, proRataFen, unusedDays } from './periods.ts';
import { canTransition, subscriptionStatuses, transitions } from './transitions.ts';

const DAY = 24 * 3600 * 1000;

describe('membership: periods and the transition table', () => {
  it('adds months in the tenant zone without drifting at month ends', () => {
    const anchor = new Date('2027-01-31T04:00:00+08:00');
    const ends = [1, 2, 3].map((n) => periodEnd(anchor, 'month', n, 'Asia/Shanghai').toISOString());
    expect(ends).toEqual(['2027-02-27T20:00:00.000Z', '2027-03-30T20:00:00.000Z', '2027-04-29T20:00:00.000Z']);
    expect(periodEnd(new Date('2028-01-31T00:00:00+08:00'), 'month', 1, 'Asia/Shanghai').toISOString()).toBe('2028-02-28T16:00:00.000Z');
    expect(periodEnd(new Date('2027-11-30T00:00:00+08:00'), 'quarter', 1, 'Asia/Shanghai').toISOString()).toBe('2028-02-28T16:00:00.000Z');
    expect(periodEnd(new Date('2028-02-29T00:00:00+08:00'), 'year', 1, 'Asia/Shanghai').toISOString()).toBe('2029-02-27T16:00:00.000Z');
  });

  it('prorates in whole unused days, rounded down to the fen', () => {
    const start = new Date('2027-01-01T00:00:00+08:00');
    const end = periodEnd(start, 'year', 1, 'Asia/Shanghai');
    expect(periodDays(start, end, 'Asia/Shanghai')).toBe(365);
    // 10.5 days in: the day in progress counts as used.
    expect(unusedDays(new Date(start.getTime() + 10.5 * DAY), end, 'Asia/Shanghai')).toBe(354);
    expect(proRataFen(9900, 354, 365)).toBe(9601); // 9601.64… down
    expect(proRataFen(9900, 0, 365)).toBe(0);
  });

  it('allows exactly the moves in the table and none out of expired or refunded', () => {
    expect(canTransition(null, 'trialing')).toBe(true);
    expect(canTransition(null, 'refunded')).toBe(false);
    for (const from of subscriptionStatuses) for (const to of subscriptionStatuses) expect(canTransition(from, to)).toBe(transitions[from].includes(to));
    expect(transitions.expired).toEqual([]);
    expect(transitions.refunded).toEqual([]);
    expect(canTransition('trialing', 'refunded')).toBe(false);
  });
});

describe('membership: plans, offline purchases, renewals, cancel, refund', () => {
  const clock = createTestClock(new Date('2027-03-01T02:00:00Z'));
  let t: TestApp;
  let a: TestTenant;
  let b: TestTenant;
  let n = 0;
  let yearly: string;
  let monthly: string;
  const req = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object, tenant: TestTenant = a) => t.app.inject({ method, url, payload, headers: tenant.auth });
  const newMember = async (tenant: TestTenant = a) => (await req('POST', '/api/v1/members/resolve', { identities: [{ type: 'store_card', value: `MS-${++n}` }], profile: { channel: 'store' } }, tenant)).json().member.id as string;
  const membership = async (id: string) => (await req('GET', `/api/v1/members/${id}/membership`)).json();
  const events = async (type: string) => (await t.deps.db.selectFrom('domain_events').select(['payload']).where('tenant_id', '=', a.tenantId).where('type', '=', type).execute()).map((e) => e.payload as Record<string, unknown>);
  const buy = async (memberId: string, body: object) => {
    const res = await req('POST', `/api/v1/members/${memberId}/membership/purchase`, body);
    expect(res.statusCode, res.body).toBe(201);
    return res.json().payment as { id: string; amount_fen: number; kind: string; credit_fen: number };
  };
  const confirm = async (paymentId: string) => (await req('POST', `/api/v1/membership/payments/${paymentId}/confirm`)).json();

  beforeAll(async () => {
    t = await createTestApp({ clock });
    a = await createTestTenant(t.deps);
    b = await createTestTenant(t.deps);
    const y = await req('POST', '/api/v1/membership/plans', { name: '付费会员年卡', price_fen: 9900, period: 'year', trial_days: 7 });
    expect(y.statusCode, y.body).toBe(201);
    yearly = y.json().id;
    const m = await req('POST', '/api/v1/membership/plans', { name: '付费会员月卡', price_fen: 1500, period: 'month', upgrade_to: [yearly] });
    monthly = m.json().id;
    expect((await req('PUT', '/api/v1/membership/settings', { full_refund_days: 7, grace_days: 5, reminder_days: 7, query_after_minutes: 5, payment_timeout_minutes: 60 })).statusCode).toBe(200);
  });
  afterAll(() => t.close());

  it('manages plans per tenant and validates them', async () => {
    expect((await req('GET', '/api/v1/membership/plans')).json().data.map((p: { name: string }) => p.name)).toEqual(['付费会员月卡', '付费会员年卡']);
    expect((await req('GET', `/api/v1/membership/plans/${yearly}`, undefined, b)).statusCode).toBe(404);
    const bad = await req('POST', '/api/v1/membership/plans', { name: 'x', price_fen: 99.5, period: 'week' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors.map((e: { field: string }) => e.field).sort()).toEqual(['period', 'price_fen']);
    const selfUpgrade = await req('PUT', `/api/v1/membership/plans/${monthly}`, { name: '付费会员月卡', price_fen: 1500, period: 'month', upgrade_to: [monthly] });
    expect(selfUpgrade.json().errors[0].field).toBe('upgrade_to');
  });

  it('starts on a confirmed counter payment; a repeated confirmation changes nothing', async () => {
    const member = await newMember();
    const payment = await buy(member, { plan_id: yearly, provider: 'offline' });
    expect(payment).toMatchObject({ amount_fen: 9900, kind: 'purchase' });
    expect((await membership(member)).is_paid_member).toBe(false);
    expect((await confirm(payment.id)).outcome).toBe('applied');
    expect((await confirm(payment.id)).outcome).toBe('duplicate');
    const m = await membership(member);
    expect(m.is_paid_member).toBe(true);
    expect(m.current).toMatchObject({ status: 'active', plan_id: yearly, period_value_fen: 9900, current_period_end: '2028-03-01T02:00:00.000Z' });
    expect(m.history.map((h: { from: string | null; to: string; reason: string }) => [h.from, h.to, h.reason])).toEqual([[null, 'active', 'paid']]);
    expect((await events('membership.started')).filter((e) => e.member_id === member)).toHaveLength(1);
    // Another tenant sees nothing of it.
    expect((await req('GET', `/api/v1/members/${member}/membership`, undefined, b)).statusCode).toBe(404);
    expect((await req('POST', `/api/v1/membership/payments/${payment.id}/confirm`, undefined, b)).statusCode).toBe(404);
  });

  it('runs a trial, converts it, reminds once per period across reruns, renews with auto-renew, and expires after grace', async () => {
    const member = await newMember();
    const trial = await req('POST', `/api/v1/members/${member}/membership/trial`, { plan_id: yearly, auto_renew: true });
    expect(trial.json()).toMatchObject({ status: 'trialing', auto_renew: true });
    expect((await req('POST', `/api/v1/members/${member}/membership/trial`, { plan_id: yearly })).json().code).toBe('SUBSCRIPTION_EXISTS');
    expect(await isPaidMember(t.deps.db, a.tenantId, member, clock.now())).toBe(true);
    // The trial ends in 7 days: within the 7-day reminder window now.
    expect(await sendRenewalReminders(t.deps)).toBeGreaterThanOrEqual(1);
    await sendRenewalReminders(t.deps);
    let due = (await events('membership.renewal_due')).filter((e) => e.member_id === member);
    expect(due).toHaveLength(1);
    const renewalPaymentId = due[0]!.renewal_payment_id as string;
    expect(renewalPaymentId).toBeTruthy();
    // Confirming the renewal payment during the trial converts it: paid periods count from the trial's end.
    expect((await confirm(renewalPaymentId)).outcome).toBe('applied');
    let m = await membership(member);
    expect(m.current).toMatchObject({ status: 'active', current_period_start: expect.any(String), current_period_end: '2028-03-08T02:00:00.000Z' });

    // Near the end of the paid year: one reminder, one renewal payment, whatever the reruns.
    clock.set(new Date('2028-03-03T02:00:00Z'));
    await sendRenewalReminders(t.deps);
    await sendRenewalReminders(t.deps);
    due = (await events('membership.renewal_due')).filter((e) => e.member_id === member);
    expect(due).toHaveLength(2);
    const second = due[1]!.renewal_payment_id as string;
    // Period over unpaid → past_due (benefits kept for the grace days), then paid → renewed from the old end.
    clock.set(new Date('2028-03-09T02:00:00Z'));
    await runPeriodEnds(t.deps);
    await runPeriodEnds(t.deps);
    m = await membership(member);
    expect(m.current).toMatchObject({ status: 'past_due', grace_ends_at: '2028-03-13T02:00:00.000Z' });
    expect(m.is_paid_member).toBe(true);
    expect((await confirm(second)).outcome).toBe('applied');
    m = await membership(member);
    expect(m.current).toMatchObject({ status: 'active', periods_paid: 2, current_period_start: '2028-03-08T02:00:00.000Z', current_period_end: '2029-03-08T02:00:00.000Z' });
    expect((await events('membership.renewed')).filter((e) => e.member_id === member)).toHaveLength(1);

    // Next year nobody pays: past_due, then expired after the grace days; the open renewal payment closes.
    clock.set(new Date('2029-03-02T03:00:00Z'));
    await sendRenewalReminders(t.deps);
    clock.set(new Date('2029-03-08T03:00:00Z'));
    await runPeriodEnds(t.deps);
    clock.set(new Date('2029-03-13T03:00:00Z'));
    await runPeriodEnds(t.deps);
    await runPeriodEnds(t.deps);
    m = await membership(member);
    expect(m.current).toBeNull();
    expect(m.is_paid_member).toBe(false);
    expect(m.subscriptions[0].status).toBe('expired');
    expect(m.history.map((h: { from: string | null; to: string }) => `${h.from}>${h.to}`).reverse()).toEqual(['null>trialing', 'trialing>active', 'active>past_due', 'past_due>active', 'active>past_due', 'past_due>expired']);
    expect((await events('membership.expired')).filter((e) => e.member_id === member)).toHaveLength(1);
    const closed = m.payments.find((p: { kind: string; status: string; plan_id: string }) => p.kind === 'renewal' && p.status === 'closed');
    expect(closed).toBeTruthy();
    expect((await confirm(closed.id)).code).toBe('PAYMENT_NOT_PENDING');
    clock.set(new Date('2027-03-01T02:00:00Z'));
  });

  it('cancels at the period end, upgrades with a pro-rata credit, and a refund ends the membership at once', async () => {
    clock.set(new Date('2027-03-01T02:00:00Z'));
    const member = await newMember();
    const p1 = await buy(member, { plan_id: monthly, provider: 'offline' });
    await confirm(p1.id);
    // 10 days into a 31-day month: 20 whole days unused → floor(1500 × 20 / 31) = 967 fen credit.
    clock.set(new Date('2027-03-11T05:00:00Z'));
    const up = await buy(member, { plan_id: yearly, provider: 'offline' });
    expect(up).toMatchObject({ kind: 'upgrade', credit_fen: 967, amount_fen: 9900 - 967 });
    expect((await req('POST', `/api/v1/members/${member}/membership/purchase`, { plan_id: yearly, provider: 'offline', auto_renew: false }, a)).statusCode).toBe(201);
    await confirm(up.id);
    let m = await membership(member);
    expect(m.current).toMatchObject({ status: 'active', plan_id: yearly, current_period_start: '2027-03-11T05:00:00.000Z', current_period_end: '2028-03-11T05:00:00.000Z' });
    // Monthly is not on the yearly plan's upgrade path.
    expect((await req('POST', `/api/v1/members/${member}/membership/purchase`, { plan_id: monthly, provider: 'offline' })).json().code).toBe('SUBSCRIPTION_EXISTS');

    const canceled = await req('POST', `/api/v1/members/${member}/membership/cancel`, { reason: '不再需要' });
    expect(canceled.json()).toMatchObject({ status: 'canceled', auto_renew: false });
    expect(await isPaidMember(t.deps.db, a.tenantId, member, clock.now())).toBe(true);
    expect((await events('membership.canceled')).filter((e) => e.member_id === member)).toHaveLength(1);

    // Three days in: within the 7-day window, the whole period comes back, capped by what was paid (1500 + 8933).
    clock.set(new Date('2027-03-14T05:00:00Z'));
    const refund = await req('POST', `/api/v1/members/${member}/membership/refund`, { reason: '会员申请退款' });
    expect(refund.statusCode, refund.body).toBe(200);
    expect(refund.json()).toMatchObject({ policy: 'full', amount_fen: 9900, subscription: { status: 'refunded' } });
    expect(refund.json().refunds.map((r: { amount_fen: number; status: string }) => [r.amount_fen, r.status])).toEqual([[8933, 'succeeded'], [967, 'succeeded']]);
    // Entitlements end at once: the very same instant answers false.
    expect(await isPaidMember(t.deps.db, a.tenantId, member, clock.now())).toBe(false);
    m = await membership(member);
    expect(m.is_paid_member).toBe(false);
    expect(m.history[0]).toMatchObject({ from: 'canceled', to: 'refunded', reason: '会员申请退款' });
    expect((await req('POST', `/api/v1/members/${member}/membership/refund`, { reason: 'again' })).json().code).toBe('NOTHING_TO_REFUND');
    expect((await req('POST', `/api/v1/members/${member}/membership/cancel`, { reason: 'x' })).statusCode).toBe(404);
    // Nothing the jobs do brings it back.
    clock.set(new Date('2028-04-01T05:00:00Z'));
    await runPeriodEnds(t.deps);
    expect((await membership(member)).subscriptions[0].status).toBe('refunded');
  });

  it('refunds pro rata by unused days after the full-refund window, and late payments stay late', async () => {
    clock.set(new Date('2027-06-01T02:00:00Z'));
    const member = await newMember();
    const p = await buy(member, { plan_id: yearly, provider: 'offline' });
    await confirm(p.id);
    // 100.5 days in: 265 of 366 days unused (the period holds Feb 29 2028) → floor(9900 × 265 / 366) = 7168.
    clock.set(new Date('2027-09-09T14:00:00Z'));
    const refund = (await req('POST', `/api/v1/members/${member}/membership/refund`, { reason: '搬家' })).json();
    expect(refund).toMatchObject({ policy: 'pro_rata', amount_fen: 7168 });
    expect((await events('membership.refunded')).filter((e) => e.member_id === member)[0]).toMatchObject({ amount_fen: 7168, policy: 'pro_rata' });

    // A purchase left unpaid closes after the timeout; staff confirming it then is refused, and money that
    // arrives anyway is recorded as late without starting anything.
    const stale = await buy(member, { plan_id: yearly, provider: 'offline' });
    clock.set(new Date(clock.now().getTime() + 61 * 60_000));
    expect((await checkPendingPayments(t.deps)).closed).toBe(1);
    expect((await confirm(stale.id)).code).toBe('PAYMENT_NOT_PENDING');
    const { settlePayment } = await import('./membership.service.ts');
    expect(await settlePayment(t.deps, a.ctx, { member_id: member, id: stale.id }, { transactionId: 'X1', amountFen: 9900, paidAt: clock.now(), source: 'notification' })).toBe('late');
    expect(await settlePayment(t.deps, a.ctx, { member_id: member, id: stale.id }, { transactionId: 'X1', amountFen: 9900, paidAt: clock.now(), source: 'notification' })).toBe('duplicate');
    const m = await membership(member);
    expect(m.is_paid_member).toBe(false);
    expect(m.payments.find((x: { id: string }) => x.id === stale.id).status).toBe('late');
    expect((await events('membership.payment_late')).filter((e) => e.member_id === member)).toHaveLength(1);
  });

  it('lists subscriptions with filters and shows the membership in the member 360 view', async () => {
    const active = (await req('GET', `/api/v1/membership/subscriptions?status=expired&plan_id=${yearly}`)).json();
    expect(active.data.every((s: { status: string; plan_id: string }) => s.status === 'expired' && s.plan_id === yearly)).toBe(true);
    expect(active.data.length).toBeGreaterThanOrEqual(1);
    expect((await req('GET', '/api/v1/membership/subscriptions?status=refunded')).json().data).toHaveLength(2);
    expect((await req('GET', '/api/v1/membership/subscriptions', undefined, b)).json().data).toHaveLength(0);
    const member = active.data[0].member_id;
    const view = await req('GET', `/api/v1/members/${member}`);
    expect(JSON.stringify(view.json())).toContain('is_paid_member');
  });
});
