import { sql } from 'kysely';
import { DateTime } from 'luxon';
import type { Order } from '@hearth/contracts/orders';
import type { Referral, ReferralSettings } from '@hearth/contracts/referrals';
import type { Db } from '../../db/database.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { AppError, notFound } from '../../http/errors.ts';
import { emitEvent } from '../../jobs/outbox.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { issueCoupon } from '../coupons/issuance.service.ts';
import { getOrder } from '../orders/orders.service.ts';
import { adjustPoints } from '../points/points.service.ts';
import { getReferralSettings } from './invite.service.ts';
import { getReferral } from './referrals.query.ts';
import './referrals.tables.ts';

type Row = { member_id: string; referrer_id: string; status: Referral['status']; order_id: string | null; qualifies_at: Date | null };

/**
 * Order hook, set-based for a batch: the first order of a referred member that pays at least the minimum
 * becomes the qualifying order; its return window starts at the order's time. Orders from before the join do
 * not count. A case in review keeps its status but remembers the order, so approval can pay at once.
 */
export async function recordFirstOrders(trx: Db, _deps: AppDeps, ctx: RequestContext, orders: readonly Order[]): Promise<void> {
  const settings = await getReferralSettings(trx, ctx.tenantId);
  const qualifying = orders.filter((o) => o.member_id && o.total_paid_fen >= settings.min_order_fen);
  if (!qualifying.length) return;
  // Each member's first order since they joined: an order of theirs from before (in the same batch) is no first order.
  await sql`
    update referrals r set order_id = o.order_id, qualifies_at = o.occurred_at + make_interval(days => ${settings.return_window_days}),
      status = case when r.status = 'joined' then 'ordered' else r.status end
    from (select distinct on (x.member_id) x.member_id, x.order_id, x.occurred_at
          from unnest(${qualifying.map((o) => o.member_id)}::uuid[], ${qualifying.map((o) => o.id)}::uuid[], ${qualifying.map((o) => o.occurred_at)}::timestamptz[]) as x(member_id, order_id, occurred_at)
          join referrals j on j.tenant_id = ${ctx.tenantId} and j.member_id = x.member_id and x.occurred_at >= j.joined_at
          order by x.member_id, x.occurred_at) o
    where r.tenant_id = ${ctx.tenantId} and r.member_id = o.member_id and r.order_id is null
      and r.status in ('joined', 'pending_review')`.execute(trx);
}

/**
 * Refund hook: a refund before the reward is paid that leaves less than the minimum (or nothing) cancels the
 * case. A refund after payment takes nothing back: the reward was for bringing a customer who kept the order
 * through its return window.
 */
export async function cancelOnRefund(trx: Db, deps: AppDeps, ctx: RequestContext, order: Order): Promise<void> {
  if (!order.member_id) return;
  const settings = await getReferralSettings(trx, ctx.tenantId);
  if (!fallsShort(order, settings)) return;
  const canceled = await trx.updateTable('referrals').set({ status: 'canceled' }).where('tenant_id', '=', ctx.tenantId).where('member_id', '=', order.member_id).where('order_id', '=', order.id).where('status', 'in', ['ordered', 'pending_review']).returning('referrer_id').executeTakeFirst();
  if (canceled) await emitEvent(trx, deps.jobs, ctx, 'referral.canceled', { member_id: order.member_id, referrer_id: canceled.referrer_id, order_id: order.id, reason: 'refunded' });
}

/** The scheduled settlement: every case whose return window has closed, a few hundred per run. */
export async function settleDueReferrals(deps: AppDeps, ctxOf: (tenantId: string) => RequestContext, tenantId?: string): Promise<number> {
  let q = deps.db.selectFrom('referrals').select(['tenant_id', 'member_id']).where('status', '=', 'ordered').where('qualifies_at', '<=', deps.clock.now());
  if (tenantId) q = q.where('tenant_id', '=', tenantId);
  const due = await q.orderBy('qualifies_at').limit(500).execute();
  let paid = 0;
  for (const row of due) if (await settleReferral(deps, ctxOf(row.tenant_id), row.member_id)) paid += 1;
  return paid;
}

/**
 * Settles one case under its row lock, so a rerun or a concurrent run (job and approval at once) finds it
 * already settled. Each side's reward is keyed by (case, side) in referral_rewards and by the same key in
 * points and coupons, so it is given once even if an earlier attempt died between the two.
 */
export async function settleReferral(deps: AppDeps, ctx: RequestContext, memberId: string, approved = false): Promise<boolean> {
  return withTransaction(deps.db, async (trx) => {
    const row = await lockReferral(trx, ctx.tenantId, memberId);
    if (!row || row.status !== 'ordered' || !row.qualifies_at || row.qualifies_at > deps.clock.now()) return false;
    return payOut(trx, deps, ctx, row, approved);
  });
}

export async function reviewReferral(deps: AppDeps, ctx: RequestContext, memberId: string, decision: 'approve' | 'reject', note: string | undefined): Promise<Referral> {
  await withTransaction(deps.db, async (trx) => {
    const row = await lockReferral(trx, ctx.tenantId, memberId);
    if (!row) throw notFound('Referral');
    if (row.status !== 'pending_review') throw new AppError('REFERRAL_NOT_IN_REVIEW', `The referral is ${row.status}`);
    const next = decision === 'reject' ? 'rejected' : row.order_id ? 'ordered' : 'joined';
    await trx.updateTable('referrals').set({ status: next, reviewed_by: ctx.actor.label, reviewed_at: deps.clock.now(), review_note: note ?? null }).where('tenant_id', '=', ctx.tenantId).where('member_id', '=', memberId).execute();
    await recordAudit(trx, ctx, { action: `referral.${decision}`, resourceType: 'referral', resourceId: memberId, details: { referrer_id: row.referrer_id } });
    if (next === 'ordered' && row.qualifies_at! <= deps.clock.now()) await payOut(trx, deps, ctx, { ...row, status: 'ordered' }, true);
  });
  return getReferral(deps.db, ctx.tenantId, memberId);
}

async function payOut(trx: Db, deps: AppDeps, ctx: RequestContext, row: Row, approved: boolean): Promise<boolean> {
  const settings = await getReferralSettings(trx, ctx.tenantId);
  const order = await getOrder({ ...deps, db: trx }, ctx, row.order_id!);
  if (fallsShort(order, settings)) {
    await trx.updateTable('referrals').set({ status: 'canceled' }).where('tenant_id', '=', ctx.tenantId).where('member_id', '=', row.member_id).execute();
    await emitEvent(trx, deps.jobs, ctx, 'referral.canceled', { member_id: row.member_id, referrer_id: row.referrer_id, order_id: order.id, reason: 'refunded' });
    return false;
  }
  await emitEvent(trx, deps.jobs, ctx, 'referral.qualified', { member_id: row.member_id, referrer_id: row.referrer_id, order_id: order.id, approved });
  const now = deps.clock.now();
  const zone = (await trx.selectFrom('tenants').select('time_zone').where('id', '=', ctx.tenantId).executeTakeFirstOrThrow()).time_zone;
  const month = DateTime.fromJSDate(now, { zone }).toFormat('yyyy-MM');
  // The referrer's lock (the one joins take) makes the monthly count exact when two cases settle at once.
  await sql`select pg_advisory_xact_lock(hashtextextended(${`referrals:${ctx.tenantId}:${row.referrer_id}`}, 0))`.execute(trx);
  const given = await trx.selectFrom('referral_rewards').select(sql<number>`count(*)::int`.as('n')).where('tenant_id', '=', ctx.tenantId).where('member_id', '=', row.referrer_id).where('side', '=', 'referrer').where('status', '=', 'fulfilled').where('reward_month', '=', month).executeTakeFirstOrThrow();
  const limited = settings.monthly_limit !== null && given.n >= settings.monthly_limit;
  const rewards = [
    await grant(trx, deps, ctx, row, 'referrer', limited, settings, month),
    await grant(trx, deps, ctx, row, 'referee', false, settings, month),
  ];
  await trx.updateTable('referrals').set({ status: 'rewarded', rewarded_at: now }).where('tenant_id', '=', ctx.tenantId).where('member_id', '=', row.member_id).execute();
  await emitEvent(trx, deps.jobs, ctx, 'referral.rewarded', { member_id: row.member_id, referrer_id: row.referrer_id, rewards });
  return true;
}

/** One side's points and coupon under a savepoint: a refusal (template paused, out of stock) is recorded as failed, not lost. */
async function grant(trx: Db, deps: AppDeps, ctx: RequestContext, row: Row, side: 'referrer' | 'referee', limited: boolean, settings: ReferralSettings, month: string) {
  const memberId = side === 'referrer' ? row.referrer_id : row.member_id;
  const points = side === 'referrer' ? settings.referrer_points : settings.referee_points;
  const templateId = side === 'referrer' ? settings.referrer_coupon_template_id : settings.referee_coupon_template_id;
  const key = `referral:${row.member_id}:${side}`;
  let status: 'fulfilled' | 'failed' | 'limited' = limited ? 'limited' : 'fulfilled';
  let couponId: string | null = null;
  let error: string | null = null;
  if (!limited) {
    await sql`savepoint referral_reward`.execute(trx);
    try {
      const joined = { ...deps, db: trx };
      if (points > 0) await adjustPoints(joined, ctx, memberId, { points, reason: side === 'referrer' ? '推荐有礼 / referral reward' : '受邀有礼 / welcome reward for joining by invitation', external_id: key });
      if (templateId) couponId = (await issueCoupon(joined, ctx, { template_id: templateId, member_id: memberId, quantity: 1, issuance_key: key })).coupons[0]?.id ?? null;
      await sql`release savepoint referral_reward`.execute(trx);
    } catch (e) {
      await sql`rollback to savepoint referral_reward`.execute(trx);
      if (!(e instanceof AppError)) throw e;
      status = 'failed';
      error = `${e.code}: ${e.message}`;
    }
  }
  const paidPoints = status === 'fulfilled' ? points : 0;
  await trx.insertInto('referral_rewards').values({ tenant_id: ctx.tenantId, referral_member_id: row.member_id, side, member_id: memberId, status, reward_month: month, points: paidPoints, coupon_id: couponId, error, created_at: deps.clock.now() }).execute();
  return { side, member_id: memberId, status, points: paidPoints, coupon_id: couponId };
}

const fallsShort = (order: Order, settings: ReferralSettings) => {
  const kept = order.total_paid_fen - order.refunded_fen;
  return kept <= 0 || kept < settings.min_order_fen;
};

async function lockReferral(trx: Db, tenantId: string, memberId: string): Promise<Row | undefined> {
  return trx.selectFrom('referrals').select(['member_id', 'referrer_id', 'status', 'order_id', 'qualifies_at']).where('tenant_id', '=', tenantId).where('member_id', '=', memberId).forUpdate().executeTakeFirst();
}
