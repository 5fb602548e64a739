import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestTenant, type TestApp, type TestTenant } from '../../test/app.ts';
import { createTestClock } from '../../test/deps.ts';
import { runPeriodEnds, sendRenewalReminders } from './membership.jobs.ts';
import { isPaidMember, settlePayment } from './membership.service.ts';

// Every move of the transition table that membership.test.ts does not walk: trials that end, are canceled
// or run into past due; grace and past due (paid late, run out, canceled, refunded); canceled → active and
// → expired; refunds on both sides of the full-refund window, exact to the fen; and payment confirmations
// that repeat, race, arrive out of order or with the wrong amount. Asia/Shanghai: 02:00Z is 10:00 local.
describe('membership: the remaining transitions, refunds by policy, duplicate and out-of-order payments', () => {
  const clock = createTestClock(new Date('2027-03-01T02:00:00Z'));
  let t: TestApp;
  let a: TestTenant;
  let yearly: string;
  let monthly: string;
  const ids: Record<string, string> = {};
  let n = 0;
  const at = (iso: string) => clock.set(new Date(iso));
  const req = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) => t.app.inject({ method, url, payload, headers: a.auth });
  const member = async (key: string) => {
    ids[key] = (await req('POST', '/api/v1/members', { channel: 'store', identities: [{ type: 'store_card', value: `TR-${++n}` }] })).json().id;
    return ids[key]!;
  };
  const open = async (key: string, planId: string, autoRenew = false) => {
    const res = await req('POST', `/api/v1/members/${ids[key]}/membership/purchase`, { plan_id: planId, provider: 'offline', auto_renew: autoRenew });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().payment as { id: string; kind: string; amount_fen: number };
  };
  const confirm = async (paymentId: string) => (await req('POST', `/api/v1/membership/payments/${paymentId}/confirm`)).json();
  const buy = async (key: string, planId: string, autoRenew = false) => expect((await confirm((await open(key, planId, autoRenew)).id)).outcome).toBe('applied');
  const notify = (key: string, paymentId: string, transactionId: string, amountFen: number) =>
    settlePayment(t.deps, a.ctx, { member_id: ids[key]!, id: paymentId }, { transactionId, amountFen, paidAt: clock.now(), source: 'notification' });
  const view = async (key: string) => (await req('GET', `/api/v1/members/${ids[key]}/membership`)).json();
  const moves = async (key: string) => (await view(key)).history.map((h: { from: string | null; to: string; reason: string }) => `${h.from}>${h.to}:${h.reason}`).reverse();
  const paid = (key: string) => isPaidMember(t.deps.db, a.tenantId, ids[key]!, clock.now());
  const events = async (type: string, key: string) => (await t.deps.db.selectFrom('domain_events').select('payload').where('tenant_id', '=', a.tenantId).where('type', '=', type).execute()).filter((e) => (e.payload as { member_id: string }).member_id === ids[key]);

  beforeAll(async () => {
    t = await createTestApp({ clock });
    a = await createTestTenant(t.deps);
    yearly = (await req('POST', '/api/v1/membership/plans', { name: '年卡', price_fen: 9900, period: 'year', trial_days: 7 })).json().id;
    monthly = (await req('POST', '/api/v1/membership/plans', { name: '月卡', price_fen: 1500, period: 'month' })).json().id;
    expect((await req('PUT', '/api/v1/membership/settings', { full_refund_days: 7, grace_days: 5, reminder_days: 7, query_after_minutes: 5, payment_timeout_minutes: 60 })).statusCode).toBe(200);
  });
  afterAll(() => t.close());

  it('trials: trialing → expired at the end, → canceled → expired, and → past_due → expired with auto-renew', async () => {
    at('2027-03-01T02:00:00Z');
    for (const key of ['trialEnds', 'trialCanceled', 'trialAuto']) await member(key);
    await req('POST', `/api/v1/members/${ids.trialEnds}/membership/trial`, { plan_id: yearly });
    await req('POST', `/api/v1/members/${ids.trialCanceled}/membership/trial`, { plan_id: yearly });
    await req('POST', `/api/v1/members/${ids.trialAuto}/membership/trial`, { plan_id: yearly, auto_renew: true });
    at('2027-03-02T02:00:00Z');
    const canceled = await req('POST', `/api/v1/members/${ids.trialCanceled}/membership/cancel`, { reason: '试用不满意' });
    expect(canceled.json()).toMatchObject({ status: 'canceled', current_period_end: '2027-03-08T02:00:00.000Z' });
    expect((await events('membership.canceled', 'trialCanceled'))[0]!.payload).toMatchObject({ benefits_until: '2027-03-08T02:00:00.000Z' });
    // A trial has nothing to refund.
    expect((await req('POST', `/api/v1/members/${ids.trialEnds}/membership/refund`, { reason: 'x' })).json().code).toBe('NOTHING_TO_REFUND');
    at('2027-03-08T01:59:00Z');
    expect(await runPeriodEnds(t.deps)).toBe(0);
    expect([await paid('trialEnds'), await paid('trialCanceled'), await paid('trialAuto')]).toEqual([true, true, true]);
    at('2027-03-08T02:00:00Z');
    expect([await paid('trialEnds'), await paid('trialCanceled'), await paid('trialAuto')]).toEqual([false, false, true]);
    await runPeriodEnds(t.deps);
    expect(await moves('trialEnds')).toEqual(['null>trialing:trial_started', 'trialing>expired:trial_ended']);
    expect(await moves('trialCanceled')).toEqual(['null>trialing:trial_started', 'trialing>canceled:试用不满意', 'canceled>expired:period_ended_after_cancel']);
    expect(await moves('trialAuto')).toEqual(['null>trialing:trial_started', 'trialing>past_due:trial_ended_awaiting_payment']);
    expect((await view('trialAuto')).current).toMatchObject({ status: 'past_due', grace_ends_at: '2027-03-13T02:00:00.000Z' });
    expect(await events('membership.expired', 'trialEnds')).toHaveLength(1);
    at('2027-03-13T02:00:00Z');
    expect(await paid('trialAuto')).toBe(false);
    await runPeriodEnds(t.deps);
    expect((await moves('trialAuto')).at(-1)).toBe('past_due>expired:grace_ended_unpaid');
  });

  it('grace: a period ends unpaid without auto-renew; paying in grace renews from the old end, else it expires; a refund in grace ends it at once', async () => {
    at('2027-03-01T02:00:00Z');
    for (const key of ['graceRenews', 'graceExpires', 'graceRefunded']) {
      await member(key);
      await buy(key, monthly);
    }
    // At the period end, before the job has moved anything, the benefits already run on into the grace days.
    at('2027-04-01T02:00:00Z');
    expect(await paid('graceExpires')).toBe(true);
    expect((await view('graceExpires')).benefits_until).toBe('2027-04-06T02:00:00.000Z');
    at('2027-04-01T03:00:00Z');
    await runPeriodEnds(t.deps);
    for (const key of ['graceRenews', 'graceExpires', 'graceRefunded']) {
      expect((await view(key)).current).toMatchObject({ status: 'grace', current_period_end: '2027-04-01T02:00:00.000Z', grace_ends_at: '2027-04-06T02:00:00.000Z' });
      expect(await paid(key)).toBe(true);
    }
    at('2027-04-02T02:00:00Z');
    const renewal = await open('graceRenews', monthly);
    expect(renewal).toMatchObject({ kind: 'renewal', amount_fen: 1500 });
    expect((await confirm(renewal.id)).outcome).toBe('applied');
    expect((await view('graceRenews')).current).toMatchObject({ status: 'active', periods_paid: 2, current_period_start: '2027-04-01T02:00:00.000Z', current_period_end: '2027-05-01T02:00:00.000Z', grace_ends_at: null });
    expect(await moves('graceRenews')).toEqual(['null>active:paid', 'active>grace:period_ended', 'grace>active:renewed']);

    // The period is over, so the unused days are none: the quote and the refund agree on 0, and it ends at once.
    const quote = (await req('GET', `/api/v1/members/${ids.graceRefunded}/membership/refund-quote`)).json();
    expect(quote).toMatchObject({ policy: 'pro_rata', amount_fen: 0, unused_days: 0 });
    expect((await req('POST', `/api/v1/members/${ids.graceRefunded}/membership/refund`, { reason: '不再使用' })).json()).toMatchObject({ policy: 'pro_rata', amount_fen: 0, refunds: [], subscription: { status: 'refunded' } });
    expect(await paid('graceRefunded')).toBe(false);

    at('2027-04-06T02:30:00Z');
    await runPeriodEnds(t.deps);
    expect(await moves('graceExpires')).toEqual(['null>active:paid', 'active>grace:period_ended', 'grace>expired:grace_ended']);
    expect((await view('graceRenews')).current.status).toBe('active');
  });

  it('past due: paid late (a notification after the period end), canceled into grace, refunded; money after expiry stays late', async () => {
    at('2027-03-01T02:00:00Z');
    for (const key of ['dueLate', 'dueCanceled', 'dueRefunded']) {
      await member(key);
      await buy(key, monthly, true);
    }
    at('2027-03-26T02:00:00Z');
    await sendRenewalReminders(t.deps);
    const renewalOf = async (key: string) => (await events('membership.renewal_due', key))[0]!.payload as { renewal_payment_id: string; amount_fen: number };
    at('2027-04-01T02:30:00Z');
    await runPeriodEnds(t.deps);
    for (const key of ['dueLate', 'dueCanceled', 'dueRefunded']) expect((await view(key)).current).toMatchObject({ status: 'past_due', grace_ends_at: '2027-04-06T02:00:00.000Z' });

    // The renewal's money arrives after the period ended: renewed from the old end; repeats change nothing.
    at('2027-04-02T02:00:00Z');
    const late = await renewalOf('dueLate');
    expect(await notify('dueLate', late.renewal_payment_id, '4200-A', 1500)).toBe('applied');
    expect(await notify('dueLate', late.renewal_payment_id, '4200-A', 1500)).toBe('duplicate');
    expect(await notify('dueLate', late.renewal_payment_id, '4200-B', 1500)).toBe('duplicate');
    expect((await view('dueLate')).current).toMatchObject({ status: 'active', periods_paid: 2, current_period_end: '2027-05-01T02:00:00.000Z' });
    expect(await moves('dueLate')).toEqual(['null>active:paid', 'active>past_due:period_ended_awaiting_payment', 'past_due>active:renewed']);
    expect(await events('membership.renewed', 'dueLate')).toHaveLength(1);

    // Turning auto-renew off in past due leaves the grace days (past_due → grace) and closes the renewal payment.
    const canceled = await req('POST', `/api/v1/members/${ids.dueCanceled}/membership/cancel`, { reason: '关闭自动续费' });
    expect(canceled.json()).toMatchObject({ status: 'grace', auto_renew: false, grace_ends_at: '2027-04-06T02:00:00.000Z' });
    expect(await paid('dueCanceled')).toBe(true);
    const closed = await renewalOf('dueCanceled');
    expect((await view('dueCanceled')).payments.find((p: { id: string }) => p.id === closed.renewal_payment_id).status).toBe('closed');

    expect((await req('POST', `/api/v1/members/${ids.dueRefunded}/membership/refund`, { reason: '退订' })).json()).toMatchObject({ amount_fen: 0, subscription: { status: 'refunded' } });
    expect((await moves('dueRefunded')).at(-1)).toBe('past_due>refunded:退订');

    at('2027-04-06T02:30:00Z');
    await runPeriodEnds(t.deps);
    expect(await moves('dueCanceled')).toEqual(['null>active:paid', 'active>past_due:period_ended_awaiting_payment', 'past_due>grace:关闭自动续费', 'grace>expired:grace_ended']);
    // Money for the closed renewal arrives after all: late, nothing revived.
    expect(await notify('dueCanceled', closed.renewal_payment_id, '4200-C', 1500)).toBe('late');
    expect((await view('dueCanceled')).current).toBeNull();
    expect(await events('membership.payment_late', 'dueCanceled')).toHaveLength(1);
  });

  it('canceled: paying again reactivates (canceled → active), otherwise it expires at the period end', async () => {
    at('2027-03-01T02:00:00Z');
    for (const key of ['cancelRenews', 'cancelEnds']) {
      await member(key);
      await buy(key, key === 'cancelRenews' ? yearly : monthly);
      await req('POST', `/api/v1/members/${ids[key]}/membership/cancel`, { reason: '取消续费' });
    }
    at('2027-03-03T02:00:00Z');
    await buy('cancelRenews', yearly);
    expect((await view('cancelRenews')).current).toMatchObject({ status: 'active', periods_paid: 2, current_period_end: '2029-03-01T02:00:00.000Z', canceled_at: null });
    expect((await moves('cancelRenews')).slice(-2)).toEqual(['active>canceled:取消续费', 'canceled>active:renewed']);
    at('2027-04-01T02:00:00Z');
    await runPeriodEnds(t.deps);
    expect(await moves('cancelEnds')).toEqual(['null>active:paid', 'active>canceled:取消续费', 'canceled>expired:period_ended_after_cancel']);
    expect((await view('cancelEnds')).payments[0].status).toBe('paid');
  });

  it('refunds the whole period within the full-refund days and the unused whole days after, exact to the fen, as quoted', async () => {
    at('2027-03-01T02:00:00Z');
    for (const key of ['refundFull', 'refundDay7', 'refundMonth']) {
      await member(key);
      await buy(key, key === 'refundMonth' ? monthly : yearly);
    }
    const refund = async (key: string) => {
      const quote = (await req('GET', `/api/v1/members/${ids[key]}/membership/refund-quote`)).json();
      const done = (await req('POST', `/api/v1/members/${ids[key]}/membership/refund`, { reason: '退款' })).json();
      expect(done.amount_fen).toBe(quote.amount_fen);
      expect(done.policy).toBe(quote.policy);
      return quote;
    };
    // 6 days 23:59 in: still within 7 days.
    at('2027-03-08T01:59:00Z');
    expect(await refund('refundFull')).toMatchObject({ policy: 'full', amount_fen: 9900, used_days: 6 });
    // Exactly 7 days in: pro rata, 359 of the year's 366 days (it holds Feb 29 2028) → floor(9900 × 359 / 366) = 9710.
    at('2027-03-08T02:00:00Z');
    expect(await refund('refundDay7')).toMatchObject({ policy: 'pro_rata', amount_fen: 9710, used_days: 7, unused_days: 359, period_days: 366 });
    // Mar 20 23:00 local: 11 whole days left of 31 (the day in progress is used) → floor(1500 × 11 / 31) = 532.
    at('2027-03-20T15:00:00Z');
    expect(await refund('refundMonth')).toMatchObject({ policy: 'pro_rata', amount_fen: 532, unused_days: 11, period_days: 31 });
    expect((await view('refundMonth')).refunds.map((r: { amount_fen: number; status: string }) => [r.amount_fen, r.status])).toEqual([[532, 'succeeded']]);
    for (const key of ['refundFull', 'refundDay7', 'refundMonth']) expect(await paid(key)).toBe(false);
    expect((await req('GET', `/api/v1/members/${ids.refundMonth}/membership/refund-quote`)).json().code).toBe('NOTHING_TO_REFUND');
    const other = await createTestTenant(t.deps);
    expect((await t.app.inject({ url: `/api/v1/members/${ids.refundMonth}/membership/refund-quote`, headers: other.auth })).statusCode).toBe(404);
  });

  it('applies a payment once under concurrent confirmations, renews with a second purchase paid after the first, and never applies a wrong amount', async () => {
    at('2027-03-01T02:00:00Z');
    for (const key of ['race', 'twoPurchases', 'wrongAmount']) await member(key);
    const raced = await open('race', yearly);
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => confirm(raced.id)));
    expect(outcomes.map((o) => o.outcome).sort()).toEqual(['applied', 'duplicate', 'duplicate', 'duplicate', 'duplicate']);
    expect(await moves('race')).toEqual(['null>active:paid']);

    // Two purchases opened; the second is paid first, then the first one's notification arrives: the money
    // is not lost, it pays the next period.
    const first = await open('twoPurchases', yearly);
    const second = await open('twoPurchases', yearly);
    expect(await notify('twoPurchases', second.id, '4200-S', 9900)).toBe('applied');
    at('2027-03-01T02:05:00Z');
    expect(await notify('twoPurchases', first.id, '4200-F', 9900)).toBe('applied');
    expect((await view('twoPurchases')).current).toMatchObject({ status: 'active', periods_paid: 2, current_period_end: '2029-03-01T02:00:00.000Z' });
    expect(await moves('twoPurchases')).toEqual(['null>active:paid', 'active>active:renewed']);

    const wrong = await open('wrongAmount', yearly);
    expect(await notify('wrongAmount', wrong.id, '4200-W', 990)).toBe('mismatch');
    expect((await view('wrongAmount')).subscriptions).toHaveLength(0);
    expect((await view('wrongAmount')).payments[0].status).toBe('pending');
    expect(await notify('wrongAmount', wrong.id, '4200-W', 9900)).toBe('applied');
    expect(await paid('wrongAmount')).toBe(true);
  });
});
