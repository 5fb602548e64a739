import { sql } from 'kysely';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { AppError } from '../../http/errors.ts';
import { getMemberRow } from '../members/members.service.ts';
import { liveStatuses, loadMembershipSetup } from './membership.service.ts';
import { refundDue } from './periods.ts';

/**
 * The refund a member's live subscription would get now, capped like the refund by what was paid and not
 * yet refunded: shown to staff before they confirm.
 */
export async function quoteRefund(deps: AppDeps, ctx: RequestContext, memberId: string) {
  await getMemberRow(deps.db, ctx, memberId);
  const sub = await deps.db.selectFrom('membership_subscriptions').selectAll().where('tenant_id', '=', ctx.tenantId).where('member_id', '=', memberId).where('status', 'in', liveStatuses).executeTakeFirst();
  if (!sub || sub.status === 'trialing') throw new AppError('NOTHING_TO_REFUND', 'The member has no paid period to refund');
  const quote = refundDue(sub, deps.clock.now(), await loadMembershipSetup(deps.db, ctx.tenantId));
  const paid = await deps.db.selectFrom('membership_payments').select(sql<number>`coalesce(sum(amount_fen - refunded_fen), 0)::bigint`.as('left')).where('tenant_id', '=', ctx.tenantId).where('member_id', '=', memberId).where('subscription_id', '=', sub.id).where('status', '=', 'paid').executeTakeFirstOrThrow();
  return { subscription_id: sub.id, ...quote, amount_fen: Math.min(quote.amount_fen, Number(paid.left)), period_value_fen: sub.period_value_fen };
}
