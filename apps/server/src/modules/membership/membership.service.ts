import { sql, type Selectable } from 'kysely';
import { DateTime } from 'luxon';
import { v7 as uuidv7 } from 'uuid';
import type { Db } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { AppError, notFound } from '../../http/errors.ts';
import { decodeCursor, toPage } from '../../http/pagination.ts';
import { emitEvent } from '../../jobs/outbox.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { getMemberRow } from '../members/members.service.ts';
import type { ProviderName } from './membership.tables.ts';
import { addDays, periodDays, periodEnd, proRataFen, refundDue, unusedDays } from './periods.ts';
import { getPlanRow } from './plans.service.ts';
import { getProvider } from './providers.service.ts';
import { assertTransition, entitledStatuses, type SubscriptionStatus } from './transitions.ts';

export type SubscriptionRow = Selectable<DB['membership_subscriptions']>;
export type PaymentRow = Selectable<DB['membership_payments']>;
export const liveStatuses: SubscriptionStatus[] = ['trialing', 'active', 'past_due', 'grace', 'canceled'];

/**
 * Whether the member holds a paid membership at `at`, and which: the call tiers, benefits and segments
 * make (their set-based SQL is entitlement.ts, the same rule). A refunded or expired subscription answers
 * null at once; a canceled one, or a trial that does not renew, until its period ends; past_due and grace
 * until the grace end; an active one, or a trial that renews, until its period end plus the grace days —
 * the grace end it gets if it is not paid by then, so the benefits do not lapse until the period-end job
 * has moved it.
 */
export async function paidMembershipAt(db: Db, tenantId: string, memberId: string, at: Date): Promise<{ subscription_id: string; plan_id: string; status: SubscriptionStatus; until: Date } | null> {
  const row = await db
    .selectFrom('membership_subscriptions')
    .select(['id', 'plan_id', 'status', 'auto_renew', 'current_period_end', 'grace_ends_at', 'trial_ends_at'])
    .where('tenant_id', '=', tenantId)
    .where('member_id', '=', memberId)
    .where('status', 'in', entitledStatuses)
    .executeTakeFirst();
  if (!row) return null;
  let until = row.current_period_end;
  if (row.status === 'past_due' || row.status === 'grace') until = row.grace_ends_at ?? row.current_period_end;
  else if (row.status === 'active' || (row.status === 'trialing' && row.auto_renew)) {
    const { zone, graceDays } = await loadMembershipSetup(db, tenantId);
    until = addDays(row.current_period_end, graceDays, zone);
  }
  return at < until ? { subscription_id: row.id, plan_id: row.plan_id, status: row.status, until } : null;
}

export async function isPaidMember(db: Db, tenantId: string, memberId: string, at: Date): Promise<boolean> {
  return (await paidMembershipAt(db, tenantId, memberId, at)) !== null;
}

export async function loadMembershipSetup(db: Db, tenantId: string) {
  const row = await db
    .selectFrom('tenants')
    .leftJoin('membership_settings as s', 's.tenant_id', 'tenants.id')
    .select(['tenants.time_zone', 's.full_refund_days', 's.grace_days', 's.reminder_days', 's.query_after_minutes', 's.payment_timeout_minutes'])
    .where('tenants.id', '=', tenantId)
    .executeTakeFirstOrThrow();
  return {
    zone: row.time_zone,
    fullRefundDays: row.full_refund_days ?? 7,
    graceDays: row.grace_days ?? 7,
    reminderDays: row.reminder_days ?? 7,
    queryAfterMinutes: row.query_after_minutes ?? 5,
    paymentTimeoutMinutes: row.payment_timeout_minutes ?? 120,
  };
}

export interface PurchaseInput {
  plan_id: string;
  provider: ProviderName;
  openid?: string | null;
  auto_renew?: boolean;
}

/**
 * Buys, renews or upgrades: always a pending payment first; the subscription changes only when the payment
 * is confirmed (offline: staff; WeChat: the notification or the status query). Buying the plan of the live
 * subscription renews it (reusing a renewal payment the job already opened); another plan while active is
 * an upgrade, allowed only along the plan's upgrade path, and costs the new price less the unused part of
 * the current period.
 */
export async function purchase(deps: AppDeps, ctx: RequestContext, memberId: string, input: PurchaseInput) {
  const now = deps.clock.now();
  const prepared = await withTransaction(deps.db, async (trx) => {
    await getMemberRow(trx, ctx, memberId);
    const plan = await getPlanRow(trx, ctx.tenantId, input.plan_id);
    if (plan.status !== 'active') throw new AppError('PLAN_NOT_AVAILABLE', 'This plan is no longer sold');
    if (input.auto_renew && !plan.auto_renew_allowed) throw new AppError('PLAN_NOT_AVAILABLE', 'This plan does not renew automatically');
    const setup = await loadMembershipSetup(trx, ctx.tenantId);
    const live = await lockLive(trx, ctx.tenantId, memberId);
    let kind: PaymentRow['kind'] = 'purchase';
    let amount = plan.price_fen;
    let credit = 0;
    if (live && live.plan_id === plan.id && live.status !== 'trialing') {
      kind = 'renewal';
      const open = await trx.selectFrom('membership_payments').selectAll().where('tenant_id', '=', ctx.tenantId).where('member_id', '=', memberId).where('subscription_id', '=', live.id).where('kind', '=', 'renewal').where('status', '=', 'pending').executeTakeFirst();
      if (open && open.provider === input.provider && !open.prepay_id) return { payment: open, plan, reuse: true, setup };
    } else if (live && live.status === 'active') {
      const current = await getPlanRow(trx, ctx.tenantId, live.plan_id);
      if (!current.upgrade_to.includes(plan.id)) throw new AppError('SUBSCRIPTION_EXISTS', `The member already has ${current.name}; ${plan.name} is not on its upgrade path`);
      kind = 'upgrade';
      credit = proRataFen(live.period_value_fen, unusedDays(now, live.current_period_end, setup.zone), periodDays(live.current_period_start, live.current_period_end, setup.zone));
      amount = Math.max(0, plan.price_fen - credit);
    } else if (live && live.status !== 'trialing') {
      throw new AppError('SUBSCRIPTION_EXISTS', 'Renew the current plan first; other plans can be bought after it ends');
    }
    const id = uuidv7();
    const payment = await trx
      .insertInto('membership_payments')
      .values({
        tenant_id: ctx.tenantId,
        member_id: memberId,
        id,
        out_trade_no: `HM${id.replaceAll('-', '')}`,
        subscription_id: live?.id ?? null,
        plan_id: plan.id,
        kind,
        provider: input.provider,
        amount_fen: amount,
        credit_fen: credit,
        status: 'pending',
        payer_openid: input.openid ?? null,
        prepay_id: null,
        provider_txn_id: null,
        for_period_end: kind === 'renewal' ? live!.current_period_end : null,
        paid_at: null,
        closed_at: null,
        last_queried_at: null,
        notes: JSON.stringify([{ at: now.toISOString(), auto_renew: input.auto_renew ?? false }]),
        // The injected clock, not the database's: the timeouts and status queries count from it.
        created_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, ctx, { action: 'membership.payment_created', resourceType: 'membership_payment', resourceId: id, details: { member_id: memberId, plan_id: plan.id, kind, amount_fen: amount, credit_fen: credit, provider: input.provider } });
    return { payment, plan, reuse: false, setup };
  });
  let { payment } = prepared;
  if (payment.amount_fen === 0) {
    // The upgrade is paid entirely by the credit: nothing to collect.
    await settlePayment(deps, ctx, payment, { transactionId: null, amountFen: 0, paidAt: now, source: 'credit' });
    return { payment: serializePayment(await getPayment(deps.db, ctx.tenantId, payment.id)), pay_params: null };
  }
  const provider = await getProvider(deps, deps.db, ctx.tenantId, input.provider);
  const created = await provider.createPayment({
    outTradeNo: payment.out_trade_no,
    amountFen: payment.amount_fen,
    description: `${prepared.plan.name}`,
    payerOpenid: input.openid ?? payment.payer_openid,
    expiresAt: new Date(now.getTime() + prepared.setup.paymentTimeoutMinutes * 60_000),
  });
  if (created.prepayId) {
    payment = await deps.db
      .updateTable('membership_payments')
      .set({ prepay_id: created.prepayId, payer_openid: input.openid ?? payment.payer_openid, updated_at: sql`now()` })
      .where('tenant_id', '=', ctx.tenantId)
      .where('member_id', '=', memberId)
      .where('id', '=', payment.id)
      .returningAll()
      .executeTakeFirstOrThrow();
  }
  return { payment: serializePayment(payment), pay_params: created.payParams };
}

/** Starts the plan's trial without payment: once per member and plan. */
export async function startTrial(deps: AppDeps, ctx: RequestContext, memberId: string, input: { plan_id: string; auto_renew?: boolean; provider?: ProviderName }) {
  return withTransaction(deps.db, async (trx) => {
    await getMemberRow(trx, ctx, memberId);
    const plan = await getPlanRow(trx, ctx.tenantId, input.plan_id);
    if (plan.status !== 'active' || plan.trial_days <= 0) throw new AppError('PLAN_NOT_AVAILABLE', 'This plan has no trial');
    if (await lockLive(trx, ctx.tenantId, memberId)) throw new AppError('SUBSCRIPTION_EXISTS', 'The member already has a paid membership');
    const before = await trx.selectFrom('membership_subscriptions').select('id').where('tenant_id', '=', ctx.tenantId).where('member_id', '=', memberId).where('plan_id', '=', plan.id).executeTakeFirst();
    if (before) throw new AppError('PLAN_NOT_AVAILABLE', 'The member already had this plan; the trial is for new members');
    const { zone } = await loadMembershipSetup(trx, ctx.tenantId);
    const now = deps.clock.now();
    const end = addDays(now, plan.trial_days, zone);
    const sub = await insertSubscription(trx, ctx, {
      member_id: memberId,
      plan_id: plan.id,
      status: 'trialing',
      auto_renew: (input.auto_renew ?? false) && plan.auto_renew_allowed,
      provider: input.provider ?? 'offline',
      trial_ends_at: end,
      anchor_at: null,
      periods_paid: 0,
      current_period_start: now,
      current_period_end: end,
      period_value_fen: 0,
    }, 'trial_started', null, now);
    await emitEvent(trx, deps.jobs, ctx, 'membership.started', { member_id: memberId, subscription_id: sub.id, plan_id: plan.id, status: 'trialing', trial: true, period_end: end.toISOString() });
    return serializeSubscription(sub);
  });
}

export interface SettleInput {
  transactionId: string | null;
  amountFen: number | null;
  paidAt: Date | null;
  source: 'offline' | 'notification' | 'query' | 'credit';
}

/**
 * Applies a confirmed payment, exactly once whatever confirms it (staff, a notification, the status query,
 * each possibly repeated or concurrent): the payment row is locked and only a pending payment is applied.
 * A payment already applied answers `duplicate`. Money that arrives for a payment already closed, or for a
 * subscription that meanwhile ended (expired, refunded), is recorded as `late` and never revives anything:
 * staff see it (audit, `membership.payment_late`) and refund it.
 */
export async function settlePayment(deps: AppDeps, ctx: RequestContext, payment: Pick<PaymentRow, 'member_id' | 'id'>, input: SettleInput): Promise<'applied' | 'duplicate' | 'late' | 'mismatch'> {
  return withTransaction(deps.db, async (trx) => {
    const p = await trx.selectFrom('membership_payments').selectAll().where('tenant_id', '=', ctx.tenantId).where('member_id', '=', payment.member_id).where('id', '=', payment.id).forUpdate().executeTakeFirstOrThrow();
    const now = deps.clock.now();
    const note = { at: now.toISOString(), source: input.source, transaction_id: input.transactionId, amount_fen: input.amountFen };
    if (p.status === 'paid' || p.status === 'refunded' || p.status === 'late') {
      if (p.provider_txn_id && input.transactionId && p.provider_txn_id !== input.transactionId) await appendNote(trx, p, { ...note, outcome: 'second_transaction' });
      return 'duplicate';
    }
    if (input.amountFen !== null && input.amountFen !== p.amount_fen) {
      await appendNote(trx, p, { ...note, outcome: 'amount_mismatch' });
      await recordAudit(trx, ctx, { action: 'membership.payment_mismatch', resourceType: 'membership_payment', resourceId: p.id, details: { expected_fen: p.amount_fen, got_fen: input.amountFen } });
      return 'mismatch';
    }
    const paidAt = input.paidAt ?? now;
    const sub = p.subscription_id
      ? await trx.selectFrom('membership_subscriptions').selectAll().where('tenant_id', '=', ctx.tenantId).where('member_id', '=', p.member_id).where('id', '=', p.subscription_id).forUpdate().executeTakeFirst()
      : await lockLive(trx, ctx.tenantId, p.member_id);
    const subLive = sub && liveStatuses.includes(sub.status);
    const late = p.status === 'closed' || (p.subscription_id && !subLive) || (!p.subscription_id && sub && sub.plan_id !== p.plan_id);
    if (late) {
      await trx.updateTable('membership_payments').set({ status: 'late', provider_txn_id: input.transactionId, paid_at: paidAt, notes: sql`notes || ${JSON.stringify([{ ...note, outcome: 'late', was: p.status }])}::jsonb`, updated_at: sql`now()` }).where('tenant_id', '=', ctx.tenantId).where('member_id', '=', p.member_id).where('id', '=', p.id).execute();
      await recordAudit(trx, ctx, { action: 'membership.payment_late', resourceType: 'membership_payment', resourceId: p.id, details: { was: p.status, subscription_status: sub?.status ?? null } });
      await emitEvent(trx, deps.jobs, ctx, 'membership.payment_late', { member_id: p.member_id, payment_id: p.id, amount_fen: p.amount_fen, subscription_id: p.subscription_id });
      return 'late';
    }
    const plan = await getPlanRow(trx, ctx.tenantId, p.plan_id);
    const { zone } = await loadMembershipSetup(trx, ctx.tenantId);
    let subscriptionId: string;
    if (!sub || !subLive) {
      const auto = parseAutoRenew(p.notes) && plan.auto_renew_allowed;
      const created = await insertSubscription(trx, ctx, { member_id: p.member_id, plan_id: plan.id, status: 'active', auto_renew: auto, provider: p.provider, trial_ends_at: null, anchor_at: paidAt, periods_paid: 1, current_period_start: paidAt, current_period_end: periodEnd(paidAt, plan.period, 1, zone), period_value_fen: plan.price_fen }, 'paid', p.id, now);
      subscriptionId = created.id;
      await emitEvent(trx, deps.jobs, ctx, 'membership.started', { member_id: p.member_id, subscription_id: created.id, plan_id: plan.id, status: 'active', trial: false, payment_id: p.id, period_end: created.current_period_end.toISOString() });
    } else if (p.kind === 'upgrade' || sub.status === 'trialing') {
      // An upgrade starts a fresh period of the new plan now; a trial converts into paid periods from the trial's end.
      const anchor = p.kind === 'upgrade' ? paidAt : (sub.trial_ends_at ?? paidAt);
      const auto = sub.status === 'trialing' ? sub.auto_renew || parseAutoRenew(p.notes) : sub.auto_renew;
      const moved = await transition(trx, ctx, sub, 'active', p.kind === 'upgrade' ? 'upgraded' : 'trial_converted', p.id, now, {
        plan_id: plan.id, anchor_at: anchor, periods_paid: 1, current_period_start: p.kind === 'upgrade' ? paidAt : sub.current_period_start, current_period_end: periodEnd(anchor, plan.period, 1, zone), period_value_fen: plan.price_fen, grace_ends_at: null, canceled_at: null, auto_renew: auto && plan.auto_renew_allowed,
      });
      subscriptionId = moved.id;
      await emitEvent(trx, deps.jobs, ctx, p.kind === 'upgrade' ? 'membership.renewed' : 'membership.started', { member_id: p.member_id, subscription_id: sub.id, plan_id: plan.id, status: 'active', payment_id: p.id, from_plan_id: sub.plan_id, upgraded: p.kind === 'upgrade', period_end: moved.current_period_end.toISOString() });
    } else {
      // A renewal adds one period after the current one (also when paid in grace: the grace days were the period's).
      const anchor = sub.anchor_at ?? sub.current_period_end;
      const periods = sub.anchor_at ? sub.periods_paid + 1 : 1;
      const moved = await transition(trx, ctx, sub, 'active', 'renewed', p.id, now, {
        anchor_at: anchor, periods_paid: periods, current_period_start: sub.current_period_end, current_period_end: periodEnd(anchor, plan.period, periods, zone), period_value_fen: plan.price_fen, grace_ends_at: null, canceled_at: null,
      });
      subscriptionId = moved.id;
      await emitEvent(trx, deps.jobs, ctx, 'membership.renewed', { member_id: p.member_id, subscription_id: sub.id, plan_id: plan.id, payment_id: p.id, period_end: moved.current_period_end.toISOString() });
    }
    await trx.updateTable('membership_payments').set({ status: 'paid', subscription_id: subscriptionId, provider_txn_id: input.transactionId, paid_at: paidAt, notes: sql`notes || ${JSON.stringify([{ ...note, outcome: 'applied' }])}::jsonb`, updated_at: sql`now()` }).where('tenant_id', '=', ctx.tenantId).where('member_id', '=', p.member_id).where('id', '=', p.id).execute();
    return 'applied';
  });
}

/** Staff took the money at the counter. */
export async function confirmOfflinePayment(deps: AppDeps, ctx: RequestContext, paymentId: string) {
  const p = await getPayment(deps.db, ctx.tenantId, paymentId);
  if (p.provider !== 'offline') throw new AppError('PAYMENT_NOT_PENDING', 'Only counter payments are confirmed by staff');
  if (p.status === 'closed') throw new AppError('PAYMENT_NOT_PENDING', 'The payment was closed; start a new purchase');
  const outcome = await settlePayment(deps, ctx, p, { transactionId: null, amountFen: null, paidAt: null, source: 'offline' });
  await withTransaction(deps.db, (trx) => recordAudit(trx, ctx, { action: 'membership.payment_confirmed', resourceType: 'membership_payment', resourceId: p.id, details: { outcome } }));
  return { outcome, payment: serializePayment(await getPayment(deps.db, ctx.tenantId, paymentId)) };
}

/** Cancels at the period's end: the benefits stay until then, nothing renews. */
export async function cancelMembership(deps: AppDeps, ctx: RequestContext, memberId: string, reason: string) {
  return withTransaction(deps.db, async (trx) => {
    await getMemberRow(trx, ctx, memberId);
    const sub = await lockLive(trx, ctx.tenantId, memberId);
    if (!sub) throw notFound('Paid membership');
    if (sub.status === 'canceled') return serializeSubscription(sub);
    const now = deps.clock.now();
    const target: SubscriptionStatus = sub.status === 'past_due' ? 'grace' : 'canceled';
    const moved = await transition(trx, ctx, sub, target, reason, null, now, { canceled_at: now, auto_renew: false });
    await closeOpenRenewals(trx, ctx.tenantId, sub.id, now, 'canceled');
    await emitEvent(trx, deps.jobs, ctx, 'membership.canceled', { member_id: memberId, subscription_id: sub.id, plan_id: sub.plan_id, reason, benefits_until: (moved.grace_ends_at ?? moved.current_period_end).toISOString() });
    return serializeSubscription(moved);
  });
}

/**
 * Refunds the current period and ends the membership at once. Within full_refund_days of the period's
 * start the whole period's value comes back, later the unused days' share (rounded down to the fen); never
 * more than was paid and not yet refunded, taken from the newest payments first. The subscription is
 * refunded in the same transaction, so isPaidMember says false the moment this returns; the provider's
 * refunds run after the commit and a failed one is retried by the payments job (refund numbers are stable).
 */
export async function refundMembership(deps: AppDeps, ctx: RequestContext, memberId: string, reason: string) {
  const now = deps.clock.now();
  const result = await withTransaction(deps.db, async (trx) => {
    await getMemberRow(trx, ctx, memberId);
    const sub = await lockLive(trx, ctx.tenantId, memberId);
    if (!sub || sub.status === 'trialing') throw new AppError('NOTHING_TO_REFUND', 'The member has no paid period to refund');
    const { policy, amount_fen: due } = refundDue(sub, now, await loadMembershipSetup(trx, ctx.tenantId));
    const payments = await trx.selectFrom('membership_payments').selectAll().where('tenant_id', '=', ctx.tenantId).where('member_id', '=', memberId).where('subscription_id', '=', sub.id).where('status', '=', 'paid').orderBy('paid_at', 'desc').forUpdate().execute();
    let left = due;
    const refunds = [];
    for (const p of payments) {
      const take = Math.min(left, p.amount_fen - p.refunded_fen);
      if (take <= 0) continue;
      left -= take;
      const id = uuidv7();
      refunds.push({ tenant_id: ctx.tenantId, member_id: memberId, id, out_refund_no: `HR${id.replaceAll('-', '')}`, payment_id: p.id, subscription_id: sub.id, amount_fen: take, policy, status: 'pending' as const, provider_refund_id: null, reason, last_error: null, created_at: now });
      await trx.updateTable('membership_payments').set({ refunded_fen: p.refunded_fen + take, status: p.refunded_fen + take === p.amount_fen ? 'refunded' : 'paid', updated_at: sql`now()` }).where('tenant_id', '=', ctx.tenantId).where('member_id', '=', memberId).where('id', '=', p.id).execute();
      if (left === 0) break;
    }
    const total = due - left;
    const moved = await transition(trx, ctx, sub, 'refunded', reason, refunds[0]?.payment_id ?? null, now, { ended_at: now, auto_renew: false });
    if (refunds.length) await trx.insertInto('membership_refunds').values(refunds).execute();
    await closeOpenRenewals(trx, ctx.tenantId, sub.id, now, 'refunded');
    await recordAudit(trx, ctx, { action: 'membership.refund', resourceType: 'membership_subscription', resourceId: sub.id, details: { member_id: memberId, policy, amount_fen: total, reason } });
    await emitEvent(trx, deps.jobs, ctx, 'membership.refunded', { member_id: memberId, subscription_id: sub.id, plan_id: sub.plan_id, policy, amount_fen: total });
    return { subscription: moved, refunds, policy, total };
  });
  for (const r of result.refunds) await executeRefund(deps, ctx.tenantId, r.member_id, r.id);
  const refunds = await deps.db.selectFrom('membership_refunds').selectAll().where('tenant_id', '=', ctx.tenantId).where('member_id', '=', memberId).where('subscription_id', '=', result.subscription.id).orderBy('id').execute();
  return { subscription: serializeSubscription(result.subscription), policy: result.policy, amount_fen: result.total, refunds: refunds.map(serializeRefund) };
}

/** Sends one refund to its provider (idempotent there by out_refund_no) and records the answer. */
export async function executeRefund(deps: AppDeps, tenantId: string, memberId: string, refundId: string) {
  const r = await deps.db.selectFrom('membership_refunds as r').innerJoin('membership_payments as p', (j) => j.onRef('p.tenant_id', '=', 'r.tenant_id').onRef('p.member_id', '=', 'r.member_id').onRef('p.id', '=', 'r.payment_id'))
    .select(['r.id', 'r.out_refund_no', 'r.amount_fen', 'r.reason', 'p.out_trade_no', 'p.amount_fen as total_fen', 'p.provider'])
    .where('r.tenant_id', '=', tenantId).where('r.member_id', '=', memberId).where('r.id', '=', refundId).executeTakeFirstOrThrow();
  let status: 'succeeded' | 'processing' | 'failed' = 'failed';
  let providerRefundId: string | null = null;
  let error: string | null = null;
  try {
    const provider = await getProvider(deps, deps.db, tenantId, r.provider);
    const answer = await provider.refund({ outTradeNo: r.out_trade_no, outRefundNo: r.out_refund_no, refundFen: r.amount_fen, totalFen: r.total_fen, reason: r.reason ?? '会员退款' });
    status = answer.status;
    providerRefundId = answer.refundId;
  } catch (err) {
    error = (err as Error).message;
  }
  await deps.db.updateTable('membership_refunds').set({ status, provider_refund_id: providerRefundId, last_error: error, updated_at: sql`now()` }).where('tenant_id', '=', tenantId).where('member_id', '=', memberId).where('id', '=', refundId).execute();
}

export async function getMembership(deps: AppDeps, ctx: RequestContext, memberId: string) {
  await getMemberRow(deps.db, ctx, memberId);
  const q = <T extends 'membership_subscriptions' | 'membership_transitions' | 'membership_payments' | 'membership_refunds'>(table: T) =>
    deps.db.selectFrom(table as 'membership_subscriptions').selectAll().where('tenant_id', '=', ctx.tenantId).where('member_id', '=', memberId).orderBy('id', 'desc').limit(200);
  const [subs, history, payments, refunds] = await Promise.all([
    q('membership_subscriptions').execute(),
    (q('membership_transitions') as unknown as { execute(): Promise<Selectable<DB['membership_transitions']>[]> }).execute(),
    (q('membership_payments') as unknown as { execute(): Promise<PaymentRow[]> }).execute(),
    (q('membership_refunds') as unknown as { execute(): Promise<Selectable<DB['membership_refunds']>[]> }).execute(),
  ]);
  const paid = await paidMembershipAt(deps.db, ctx.tenantId, memberId, deps.clock.now());
  const current = subs.find((s) => liveStatuses.includes(s.status));
  return {
    is_paid_member: paid !== null,
    benefits_until: paid?.until.toISOString() ?? null,
    current: current ? serializeSubscription(current) : null,
    subscriptions: subs.map(serializeSubscription),
    history: history.map((h) => ({ id: h.id, subscription_id: h.subscription_id, from: h.from_status, to: h.to_status, reason: h.reason, payment_id: h.payment_id, actor: h.actor, at: h.at.toISOString() })),
    payments: payments.map(serializePayment),
    refunds: refunds.map(serializeRefund),
  };
}

export async function listSubscriptions(deps: AppDeps, ctx: RequestContext, f: { status?: SubscriptionStatus; plan_id?: string; member_id?: string; ends_before?: string; cursor?: string; limit: number }) {
  let q = deps.db.selectFrom('membership_subscriptions').selectAll().where('tenant_id', '=', ctx.tenantId);
  if (f.status) q = q.where('status', '=', f.status);
  if (f.plan_id) q = q.where('plan_id', '=', f.plan_id);
  if (f.member_id) q = q.where('member_id', '=', f.member_id);
  if (f.ends_before) q = q.where('current_period_end', '<', new Date(f.ends_before));
  const after = decodeCursor(f.cursor);
  if (after) q = q.where('id', '<', after);
  const rows = await q.orderBy('id', 'desc').limit(f.limit + 1).execute();
  const page = toPage(rows, f.limit);
  return { data: page.data.map(serializeSubscription), next_cursor: page.next_cursor };
}

export async function getPayment(db: Db, tenantId: string, id: string): Promise<PaymentRow> {
  const row = await db.selectFrom('membership_payments').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Payment');
  return row;
}

/** The one way a subscription's status changes: checked against the transition table, recorded in the history. */
export async function transition(trx: Db, ctx: RequestContext, sub: SubscriptionRow, to: SubscriptionStatus, reason: string, paymentId: string | null, at: Date, changes: Partial<SubscriptionRow> = {}): Promise<SubscriptionRow> {
  assertTransition(sub.status, to);
  const row = await trx.updateTable('membership_subscriptions').set({ ...changes, status: to, updated_at: sql`now()` }).where('tenant_id', '=', ctx.tenantId).where('member_id', '=', sub.member_id).where('id', '=', sub.id).where('status', '=', sub.status).returningAll().executeTakeFirst();
  if (!row) throw new AppError('CONFLICT', 'The subscription changed meanwhile; retry');
  await trx.insertInto('membership_transitions').values({ tenant_id: ctx.tenantId, member_id: sub.member_id, id: uuidv7(), subscription_id: sub.id, from_status: sub.status, to_status: to, reason, payment_id: paymentId, actor: ctx.actor.label, at }).execute();
  return row;
}

type NewSubscription = Omit<SubscriptionRow, 'tenant_id' | 'id' | 'grace_ends_at' | 'canceled_at' | 'ended_at' | 'created_at' | 'updated_at'>;

async function insertSubscription(trx: Db, ctx: RequestContext, values: NewSubscription, reason: string, paymentId: string | null, at: Date): Promise<SubscriptionRow> {
  assertTransition(null, values.status);
  const row = await trx.insertInto('membership_subscriptions').values({ tenant_id: ctx.tenantId, id: uuidv7(), ...values, grace_ends_at: null, canceled_at: null, ended_at: null }).returningAll().executeTakeFirstOrThrow();
  await trx.insertInto('membership_transitions').values({ tenant_id: ctx.tenantId, member_id: row.member_id, id: uuidv7(), subscription_id: row.id, from_status: null, to_status: row.status, reason, payment_id: paymentId, actor: ctx.actor.label, at }).execute();
  return row;
}

async function lockLive(trx: Db, tenantId: string, memberId: string) {
  return trx.selectFrom('membership_subscriptions').selectAll().where('tenant_id', '=', tenantId).where('member_id', '=', memberId).where('status', 'in', liveStatuses).forUpdate().executeTakeFirst();
}

export async function closeOpenRenewals(trx: Db, tenantId: string, subscriptionId: string, at: Date, why: string) {
  await trx.updateTable('membership_payments').set({ status: 'closed', closed_at: at, notes: sql`notes || ${JSON.stringify([{ at: at.toISOString(), outcome: 'closed', why }])}::jsonb`, updated_at: sql`now()` }).where('tenant_id', '=', tenantId).where('subscription_id', '=', subscriptionId).where('status', '=', 'pending').execute();
}

async function appendNote(trx: Db, p: PaymentRow, note: object) {
  await trx.updateTable('membership_payments').set({ notes: sql`notes || ${JSON.stringify([note])}::jsonb`, updated_at: sql`now()` }).where('tenant_id', '=', p.tenant_id).where('member_id', '=', p.member_id).where('id', '=', p.id).execute();
}

function parseAutoRenew(notes: unknown): boolean {
  return Array.isArray(notes) && notes.some((n) => (n as { auto_renew?: boolean }).auto_renew === true);
}

export function serializeSubscription(s: SubscriptionRow) {
  return {
    id: s.id, member_id: s.member_id, plan_id: s.plan_id, status: s.status, auto_renew: s.auto_renew, provider: s.provider,
    trial_ends_at: s.trial_ends_at?.toISOString() ?? null, current_period_start: s.current_period_start.toISOString(), current_period_end: s.current_period_end.toISOString(),
    periods_paid: s.periods_paid, period_value_fen: s.period_value_fen, grace_ends_at: s.grace_ends_at?.toISOString() ?? null,
    canceled_at: s.canceled_at?.toISOString() ?? null, ended_at: s.ended_at?.toISOString() ?? null, created_at: s.created_at.toISOString(),
  };
}

export function serializePayment(p: PaymentRow) {
  return {
    id: p.id, member_id: p.member_id, out_trade_no: p.out_trade_no, subscription_id: p.subscription_id, plan_id: p.plan_id, kind: p.kind, provider: p.provider,
    amount_fen: p.amount_fen, credit_fen: p.credit_fen, status: p.status, provider_txn_id: p.provider_txn_id, refunded_fen: p.refunded_fen,
    paid_at: p.paid_at?.toISOString() ?? null, closed_at: p.closed_at?.toISOString() ?? null, created_at: p.created_at.toISOString(),
  };
}

function serializeRefund(r: Selectable<DB['membership_refunds']>) {
  return { id: r.id, payment_id: r.payment_id, out_refund_no: r.out_refund_no, amount_fen: r.amount_fen, policy: r.policy, status: r.status, reason: r.reason, created_at: r.created_at.toISOString() };
}
