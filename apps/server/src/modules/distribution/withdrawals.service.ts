import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { AppError, notFound } from '../../http/errors.ts';
import { emitEvent } from '../../jobs/outbox.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { balancesOf } from './commissions.service.ts';
import { getDistributionSettings } from './promoters.service.ts';
import './distribution.tables.ts';

type WithdrawalRow = { id: string; promoter_id: string; amount_fen: number; status: 'requested' | 'approved' | 'paid' | 'rejected'; payout_ref: string | null; requested_at: Date; decided_at: Date | null; paid_at: Date | null };

/**
 * A promoter asks to withdraw settled commission. The promoter's row lock serializes requests, so two at once
 * cannot both spend the same balance; requested and approved withdrawals already count as withdrawn.
 */
export async function requestWithdrawal(deps: AppDeps, ctx: RequestContext, promoterId: string, amountFen: number) {
  const settings = await getDistributionSettings(deps.db, ctx.tenantId);
  if (amountFen < settings.min_withdrawal_fen) throw new AppError('VALIDATION_FAILED', `The minimum withdrawal is ${settings.min_withdrawal_fen} fen`, { errors: [{ field: 'amount_fen', code: 'below_minimum', message: `at least ${settings.min_withdrawal_fen} fen` }] });
  return withTransaction(deps.db, async (trx) => {
    const promoter = await trx.selectFrom('promoters').select('status').where('tenant_id', '=', ctx.tenantId).where('member_id', '=', promoterId).forUpdate().executeTakeFirst();
    if (!promoter) throw notFound('Promoter');
    if (promoter.status !== 'approved') throw new AppError('PROMOTER_NOT_APPROVED', `The promoter is ${promoter.status}`);
    const { available_fen } = await balancesOf(trx, ctx.tenantId, promoterId);
    if (amountFen > available_fen) throw new AppError('COMMISSION_INSUFFICIENT', `Only ${available_fen} fen of settled commission can be withdrawn`, { errors: [{ field: 'amount_fen', code: 'insufficient', message: `at most ${available_fen} fen` }] });
    const row = await trx.insertInto('withdrawals').values({ tenant_id: ctx.tenantId, promoter_id: promoterId, id: uuidv7(), amount_fen: amountFen, status: 'requested', payout_ref: null, requested_at: deps.clock.now(), decided_by: null, decided_at: null, paid_at: null }).returningAll().executeTakeFirstOrThrow();
    await emitEvent(trx, deps.jobs, ctx, 'withdrawal.requested', { promoter_id: promoterId, withdrawal_id: row.id, amount_fen: amountFen });
    return serialize(row);
  });
}

/** approve: requested → approved; reject: requested or approved → rejected (the amount is available again); pay: approved → paid with the transfer's reference. */
export async function decideWithdrawal(deps: AppDeps, ctx: RequestContext, id: string, action: 'approve' | 'reject' | 'pay', payoutRef?: string) {
  return withTransaction(deps.db, async (trx) => {
    const row = await trx.selectFrom('withdrawals').selectAll().where('tenant_id', '=', ctx.tenantId).where('id', '=', id).forUpdate().executeTakeFirst();
    if (!row) throw notFound('Withdrawal');
    const from = { approve: ['requested'], reject: ['requested', 'approved'], pay: ['approved'] }[action];
    if (!from.includes(row.status)) throw new AppError('WITHDRAWAL_TRANSITION_REFUSED', `A ${row.status} withdrawal cannot be ${action === 'pay' ? 'paid' : `${action}d`}`);
    const now = deps.clock.now();
    const updated = await trx.updateTable('withdrawals')
      .set(action === 'pay' ? { status: 'paid', payout_ref: payoutRef ?? null, paid_at: now } : { status: action === 'approve' ? 'approved' : 'rejected', decided_by: ctx.actor.label, decided_at: now })
      .where('tenant_id', '=', ctx.tenantId).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, ctx, { action: `withdrawal.${action}`, resourceType: 'withdrawal', resourceId: id, details: { promoter_id: row.promoter_id, amount_fen: row.amount_fen } });
    if (action === 'pay') await emitEvent(trx, deps.jobs, ctx, 'withdrawal.paid', { promoter_id: row.promoter_id, withdrawal_id: id, amount_fen: row.amount_fen, payout_ref: payoutRef });
    return serialize(updated);
  });
}

/** A promoter's own withdrawals, newest first (the member center shows the last 500). */
export async function listWithdrawals(deps: AppDeps, ctx: RequestContext, promoterId: string) {
  const rows = await deps.db.selectFrom('withdrawals').selectAll().where('tenant_id', '=', ctx.tenantId).where('promoter_id', '=', promoterId).orderBy('requested_at', 'desc').limit(500).execute();
  return rows.map(serialize);
}

export async function dashboard(deps: AppDeps, ctx: RequestContext, promoterId: string) {
  const [balances, clicks] = await Promise.all([
    balancesOf(deps.db, ctx.tenantId, promoterId),
    sql<{ n: number }>`select count(*)::int as n from distribution_clicks where tenant_id = ${ctx.tenantId} and promoter_id = ${promoterId}`.execute(deps.db),
  ]);
  return { clicks: clicks.rows[0]!.n, orders: balances.orders, pending_fen: balances.pending_fen, settled_fen: balances.settled_fen, withdrawn_fen: balances.withdrawn_fen, available_fen: balances.available_fen };
}

function serialize(row: WithdrawalRow) {
  return { id: row.id, promoter_id: row.promoter_id, amount_fen: row.amount_fen, status: row.status, payout_ref: row.payout_ref, requested_at: row.requested_at.toISOString(), decided_at: row.decided_at?.toISOString() ?? null, paid_at: row.paid_at?.toISOString() ?? null };
}
