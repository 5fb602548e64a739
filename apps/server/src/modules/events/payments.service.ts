import { sql } from 'kysely';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { emitEvent } from '../../jobs/outbox.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { PaymentReference, SettleOutcome } from '../membership/payment-owners.ts';
import { getProvider } from '../membership/providers.service.ts';
import { lockRegistration } from './registrations.query.ts';
import { markRegistered } from './registrations.service.ts';

export interface ProviderPaid {
  transactionId: string | null;
  amountFen: number | null;
  paidAt: Date | null;
  source: 'notification' | 'query';
}

/**
 * Applies money the provider reports paid (its notification, or the status query when the notification is
 * lost) to a registration, once: the registration row is locked and only a seat still held becomes the
 * member's. A repeat answers `duplicate`; a wrong amount is audited and not applied; money for a seat no longer
 * held (the hold expired, the member or the brand canceled) is `late`: recorded and refunded in full through
 * the provider, since no seat waits for it.
 */
export async function settleTicketPayment(deps: AppDeps, ctx: RequestContext, ref: PaymentReference, paid: ProviderPaid): Promise<SettleOutcome> {
  const outcome = await withTransaction(deps.db, async (trx): Promise<SettleOutcome> => {
    const row = await lockRegistration(trx, ctx.tenantId, ref.id, ref.memberId);
    const details = { registration_id: row.id, transaction_id: paid.transactionId, amount_fen: paid.amountFen, source: paid.source };
    if (row.paid_at) {
      if (row.provider_txn_id && paid.transactionId && row.provider_txn_id !== paid.transactionId) {
        await recordAudit(trx, ctx, { action: 'event.payment_second_transaction', resourceType: 'event_registration', resourceId: row.id, details: { ...details, first_transaction_id: row.provider_txn_id } });
      }
      return 'duplicate';
    }
    if (row.price_kind !== 'fen' || (paid.amountFen !== null && paid.amountFen !== row.amount_fen)) {
      await recordAudit(trx, ctx, { action: 'event.payment_mismatch', resourceType: 'event_registration', resourceId: row.id, details: { ...details, expected_fen: row.amount_fen } });
      return 'mismatch';
    }
    const paidAt = paid.paidAt ?? deps.clock.now();
    if (row.status === 'pending_payment') {
      await markRegistered(trx, deps, ctx, row, { paid_at: paidAt, provider_txn_id: paid.transactionId });
      return 'applied';
    }
    await trx
      .updateTable('event_registrations')
      .set({ paid_at: paidAt, provider_txn_id: paid.transactionId, refund_fen: row.amount_fen, refund_status: 'processing', updated_at: sql`now()` })
      .where('tenant_id', '=', ctx.tenantId)
      .where('member_id', '=', row.member_id)
      .where('id', '=', row.id)
      .execute();
    await recordAudit(trx, ctx, { action: 'event.payment_late', resourceType: 'event_registration', resourceId: row.id, details: { ...details, status: row.status } });
    await emitEvent(trx, deps.jobs, ctx, 'event.payment_late', { event_id: row.event_id, registration_id: row.id, member_id: row.member_id, amount_fen: row.amount_fen, refund_fen: row.amount_fen });
    return 'late';
  });
  if (outcome === 'late') await executeRefund(deps, ctx.tenantId, ref.id);
  return outcome;
}

/**
 * Hands a refund to the provider after the change that decided it committed (a provider is outside the
 * database). The refund number is stable, so the minutely job's retry of one still processing cannot refund twice.
 */
export async function executeRefund(deps: AppDeps, tenantId: string, registrationId: string) {
  const row = await deps.db.selectFrom('event_registrations').selectAll().where('tenant_id', '=', tenantId).where('id', '=', registrationId).executeTakeFirst();
  if (!row || row.refund_status !== 'processing' || !row.out_trade_no) return;
  try {
    const provider = await getProvider(deps, deps.db, tenantId, row.provider ?? 'offline');
    const result = await provider.refund({ outTradeNo: row.out_trade_no, outRefundNo: `r${row.out_trade_no}`, refundFen: row.refund_fen, totalFen: row.amount_fen, reason: 'event registration canceled' });
    if (result.status === 'processing') return;
    await deps.db.updateTable('event_registrations').set({ refund_status: result.status, updated_at: sql`now()` }).where('tenant_id', '=', tenantId).where('member_id', '=', row.member_id).where('id', '=', row.id).where('refund_status', '=', 'processing').execute();
  } catch (error) {
    deps.log.warn({ err: error, registration_id: row.id }, 'event refund not accepted yet; the job retries');
  }
}

export async function retryRefunds(deps: AppDeps, limit = 100) {
  const rows = await deps.db.selectFrom('event_registrations').select(['tenant_id', 'id']).where('refund_status', '=', 'processing').orderBy('updated_at').limit(limit).execute();
  for (const r of rows) await executeRefund(deps, r.tenant_id, r.id);
}

/** Asks WeChat Pay what became of a held seat's order (its notification may have been lost). */
export async function queryTicketPayment(deps: AppDeps, ctx: RequestContext, hold: PaymentReference & { outTradeNo: string }): Promise<SettleOutcome | null> {
  const notice = await (await getProvider(deps, deps.db, ctx.tenantId, 'wechat')).queryStatus(hold.outTradeNo).catch((error: unknown) => {
    deps.log.warn({ err: error, registration_id: hold.id }, 'event payment status query failed');
    return null;
  });
  if (notice?.state !== 'paid') return null;
  return settleTicketPayment(deps, ctx, hold, { transactionId: notice.transactionId, amountFen: notice.amountFen, paidAt: notice.paidAt, source: 'query' });
}
