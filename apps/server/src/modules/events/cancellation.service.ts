import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { AppError } from '../../http/errors.ts';
import { emitEvent } from '../../jobs/outbox.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { restorePointsIn } from '../points/restore.service.ts';
import { getEventRow, lockEvent, serializeEvent, type EventRow } from './events.service.ts';
import { promoteWaitlisted } from './promotion.ts';
import { getRegistration, lockRegistration, type RegistrationRow } from './registrations.query.ts';
import { executeRefund, queryTicketPayment } from './payments.service.ts';

const live: RegistrationRow['status'][] = ['pending_payment', 'registered', 'waitlisted'];

/**
 * Cancels a registration. Refund policy: before the event's cancellation deadline everything paid comes
 * back (fen through the provider, points to the member's account in this transaction), after it nothing;
 * an operator's cancellation always refunds. The freed seat goes to the first waitlisted member in the
 * same transaction, under the event's row lock, so nobody can take it first. Members cannot cancel once the
 * event has started. Cancelling again answers the canceled registration.
 */
export async function cancelRegistration(deps: AppDeps, ctx: RequestContext, registrationId: string, options: { memberId?: string; reason: string; byOperator: boolean }) {
  const found = await lockRegistration(deps.db, ctx.tenantId, registrationId, options.memberId, false);
  const now = deps.clock.now();
  await withTransaction(deps.db, async (trx) => {
    // Event first, then the registration: the order every writer of both takes, so none deadlock.
    const event = await lockEvent(trx, ctx.tenantId, found.event_id);
    const row = await lockRegistration(trx, ctx.tenantId, registrationId, options.memberId);
    if (!live.includes(row.status)) return;
    if (!options.byOperator && now >= event.starts_at) throw new AppError('EVENT_STARTED', 'The event has started; it can no longer be canceled');
    await cancelLocked(trx, deps, ctx, event, row, { reason: options.reason || (options.byOperator ? 'operator' : 'member'), refund: options.byOperator || now < event.cancel_deadline, now });
    await promoteWaitlisted(trx, deps, ctx, event, now);
  });
  await executeRefund(deps, ctx.tenantId, registrationId);
  return getRegistration(deps.db, ctx.tenantId, registrationId);
}

/** Cancels the event and every live registration with a full refund; no one is promoted. */
export async function cancelEvent(deps: AppDeps, ctx: RequestContext, eventId: string, reason: string) {
  const now = deps.clock.now();
  const refunds = await withTransaction(deps.db, async (trx) => {
    const event = await lockEvent(trx, ctx.tenantId, eventId);
    if (event.status === 'canceled') return [];
    await trx.updateTable('events').set({ status: 'canceled', updated_at: sql`now()` }).where('tenant_id', '=', ctx.tenantId).where('id', '=', eventId).execute();
    const rows = await trx.selectFrom('event_registrations').selectAll().where('tenant_id', '=', ctx.tenantId).where('event_id', '=', eventId).where('status', 'in', live).orderBy('id').forUpdate().execute();
    for (const row of rows) await cancelLocked(trx, deps, ctx, event, row, { reason: 'event_canceled', refund: true, now });
    await recordAudit(trx, ctx, { action: 'event.cancel', resourceType: 'event', resourceId: eventId, details: { reason, registrations: rows.length } });
    return rows.filter((r) => r.paid_at).map((r) => r.id);
  });
  for (const id of refunds) await executeRefund(deps, ctx.tenantId, id);
  return serializeEvent(deps.db, await getEventRow(deps.db, ctx.tenantId, eventId));
}

async function cancelLocked(trx: Db, deps: AppDeps, ctx: RequestContext, event: EventRow, row: RegistrationRow, options: { reason: string; refund: boolean; now: Date }) {
  const refundFen = options.refund && row.paid_at ? row.amount_fen : 0;
  const pointsBack = options.refund && row.points_txn_id ? row.points : 0;
  if (pointsBack) await restorePointsIn(trx, deps, ctx, row.member_id, { points: pointsBack, sourceKey: `event-ticket-refund:${row.id}`, details: { event_id: row.event_id, registration_id: row.id } });
  await trx
    .updateTable('event_registrations')
    .set({ status: 'canceled', canceled_at: options.now, cancel_reason: options.reason, refund_fen: refundFen, points_refunded: pointsBack, refund_status: refundFen ? 'processing' : null, hold_expires_at: null, updated_at: sql`now()` })
    .where('tenant_id', '=', ctx.tenantId)
    .where('member_id', '=', row.member_id)
    .where('id', '=', row.id)
    .execute();
  if (row.status !== 'waitlisted') await freeSeat(trx, ctx.tenantId, event.id);
  await emitEvent(trx, deps.jobs, ctx, 'event.canceled', { event_id: event.id, registration_id: row.id, member_id: row.member_id, reason: options.reason, refund_fen: refundFen, points_restored: pointsBack });
}

async function freeSeat(trx: Db, tenantId: string, eventId: string) {
  await trx.updateTable('events').set({ seats_taken: sql`seats_taken - 1` }).where('tenant_id', '=', tenantId).where('id', '=', eventId).execute();
}

/**
 * Seats whose payment did not arrive in time go back: a WeChat order is asked once more (it may have been
 * paid and its notification lost), otherwise the hold expires and the seat passes to the waitlist.
 */
export async function expireHolds(deps: AppDeps, limit = 200): Promise<number> {
  const now = deps.clock.now();
  const due = await deps.db.selectFrom('event_registrations').select(['tenant_id', 'member_id', 'id', 'event_id', 'provider', 'out_trade_no']).where('status', '=', 'pending_payment').where('hold_expires_at', '<=', now).orderBy('hold_expires_at').limit(limit).execute();
  let expired = 0;
  for (const hold of due) {
    const ctx = systemContext(hold.tenant_id);
    if (hold.provider === 'wechat' && hold.out_trade_no) {
      // Paid (or paid twice): the seat is the member's. A wrong amount is audited and the hold runs out.
      const settled = await queryTicketPayment(deps, ctx, { memberId: hold.member_id, id: hold.id, outTradeNo: hold.out_trade_no });
      if (settled && settled !== 'mismatch') continue;
    }
    await withTransaction(deps.db, async (trx) => {
      const event = await lockEvent(trx, hold.tenant_id, hold.event_id);
      const row = await lockRegistration(trx, hold.tenant_id, hold.id);
      if (row.status !== 'pending_payment' || !row.hold_expires_at || row.hold_expires_at > now) return;
      await trx.updateTable('event_registrations').set({ status: 'expired', hold_expires_at: null, canceled_at: now, cancel_reason: 'payment_timeout', updated_at: sql`now()` }).where('tenant_id', '=', hold.tenant_id).where('member_id', '=', row.member_id).where('id', '=', row.id).execute();
      await freeSeat(trx, hold.tenant_id, event.id);
      await emitEvent(trx, deps.jobs, ctx, 'event.canceled', { event_id: event.id, registration_id: row.id, member_id: row.member_id, reason: 'payment_timeout', refund_fen: 0, points_restored: 0 });
      await promoteWaitlisted(trx, deps, ctx, event, now);
      expired += 1;
    });
  }
  return expired;
}

export const systemContext = (tenantId: string): RequestContext => ({ tenantId, actor: { type: 'system', id: null, label: 'events jobs', role: null, permissions: new Set() }, requestId: null, ip: null });
