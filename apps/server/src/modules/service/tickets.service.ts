import { v7 as uuidv7 } from 'uuid';
import type { z } from 'zod';
import { ticketTransitions, type assignmentInputSchema, type commentInputSchema, type surveyInputSchema, type ticketInputSchema } from '@hearth/contracts/service';
import type { Db } from '../../db/database.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { AppError, notFound, validationError } from '../../http/errors.ts';
import { emitEvent } from '../../jobs/outbox.ts';
import { findOperatorAccount } from '../access/operators.service.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { findClaimedCode } from '../item-codes/warranties.service.ts';
import { getMemberRow } from '../members/members.service.ts';
import { getOrder } from '../orders/orders.service.ts';
import { refundOrder } from '../orders/refunds.service.ts';
import { getStore } from '../stores/stores.service.ts';
import { getTicket, type TicketRow } from './tickets.query.ts';
import { slaHoursFor } from './sla.service.ts';
import type { TicketStatus } from './service.tables.ts';

/** A member's request. Returns and exchanges name their order lines; repairs and warranty an order or a scanned code. */
export async function submitTicket(deps: AppDeps, ctx: RequestContext, memberId: string, input: z.infer<typeof ticketInputSchema>) {
  const needsLines = input.type === 'return' || input.type === 'exchange';
  if (needsLines && (!input.order_id || !input.lines?.length)) throw validationError([{ field: input.order_id ? 'lines' : 'order_id', code: 'required', message: `a ${input.type} names its order and lines` }]);
  if ((input.type === 'repair' || input.type === 'warranty') && !input.order_id && !input.code) throw validationError([{ field: 'order_id', code: 'required', message: 'name the order or the scanned product code' }]);
  if (input.lines?.length && !input.order_id) throw validationError([{ field: 'order_id', code: 'required', message: 'lines belong to an order' }]);
  if (input.order_id) await checkOrder(deps, ctx, memberId, input.order_id, input.lines ?? []);
  let sku: string | null = null;
  let code: string | null = null;
  if (input.code) {
    const held = await findClaimedCode(deps.db, ctx.tenantId, memberId, input.code);
    if (!held) throw validationError([{ field: 'code', code: 'unknown_code', message: 'scan the product code while signed in first' }]);
    ({ sku, code } = held);
  }
  const now = deps.clock.now();
  const hours = await slaHoursFor(deps.db, ctx.tenantId, input.type);
  const id = uuidv7();
  await withTransaction(deps.db, async (trx) => {
    await trx
      .insertInto('service_tickets')
      .values({
        tenant_id: ctx.tenantId, member_id: memberId, id, type: input.type, order_id: input.order_id ?? null, lines: JSON.stringify(input.lines ?? []), code, sku,
        subject: input.subject, description: input.description, attachments: JSON.stringify(input.attachments), store_id: null, operator_id: null,
        accept_due_at: new Date(now.getTime() + hours.accept_hours * 3_600_000), resolve_due_at: new Date(now.getTime() + hours.resolve_hours * 3_600_000), created_at: now, updated_at: now,
      })
      .execute();
    await recordHistory(trx, ctx, memberId, id, null, 'submitted', '', now);
    await emitEvent(trx, deps.jobs, ctx, 'service.submitted', { ticket_id: id, member_id: memberId, type: input.type, order_id: input.order_id ?? null, code });
  });
  return getTicket(deps.db, ctx.tenantId, id, { memberId, now });
}

/**
 * The desk opens a ticket for a member who phoned or came in: the same checks as the member's own request (their
 * order and lines, a code they claimed), recorded as the operator's in the history.
 */
export async function openTicketForMember(deps: AppDeps, ctx: RequestContext, memberId: string, input: z.infer<typeof ticketInputSchema>) {
  await getMemberRow(deps.db, ctx, memberId).catch(() => Promise.reject(validationError([{ field: 'member_id', code: 'unknown_member', message: 'no such member' }])));
  return submitTicket(deps, ctx, memberId, input);
}

/**
 * Moves a ticket along the table under its row lock, so two operators acting at once see each other's change.
 * Accepting a return with lines refunds them through the orders module in the same transaction (points are
 * clawed back and coupons restored by the orders module's hooks and policy), keyed `service:<ticket>`, so
 * the refund happens once even if the approval is retried; a refund the order refuses rolls the acceptance back.
 */
export async function transitionTicket(deps: AppDeps, ctx: RequestContext, ticketId: string, to: TicketStatus, note: string) {
  const now = deps.clock.now();
  await withTransaction(deps.db, async (trx) => {
    const ticket = await lockTicket(trx, ctx.tenantId, ticketId);
    // A repeat of the transition that already happened (a retried approval) answers the ticket unchanged.
    if (ticket.status === to) return;
    if (!ticketTransitions[ticket.status].includes(to)) {
      throw new AppError('SERVICE_TRANSITION_REFUSED', `A ${ticket.status} ticket cannot become ${to}`, { errors: [{ field: 'to', code: 'invalid_transition', message: `allowed: ${ticketTransitions[ticket.status].join(', ') || 'none'}` }] });
    }
    let refundId: string | null = ticket.refund_id;
    if (to === 'accepted' && ticket.type === 'return' && ticket.order_id && (ticket.lines as unknown[]).length) {
      const refund = await refundOrder({ ...deps, db: trx }, ctx, ticket.order_id, { external_refund_id: `service:${ticket.id}`, lines: ticket.lines as { line_no: number; qty: number }[], reason: `售后退货 ${ticket.subject}` });
      refundId = refund.refund.id;
    }
    await trx
      .updateTable('service_tickets')
      .set({ status: to, updated_at: now, refund_id: refundId, ...(to === 'accepted' ? { accepted_at: now } : {}), ...(to === 'resolved' ? { resolved_at: now } : {}), ...(to === 'closed' || to === 'rejected' ? { closed_at: now } : {}) })
      .where('tenant_id', '=', ctx.tenantId)
      .where('id', '=', ticketId)
      .execute();
    await recordHistory(trx, ctx, ticket.member_id, ticketId, ticket.status, to, note, now);
    await emitEvent(trx, deps.jobs, ctx, 'service.status_changed', { ticket_id: ticketId, member_id: ticket.member_id, from: ticket.status, to, refund_id: refundId });
    if (to === 'closed') await emitEvent(trx, deps.jobs, ctx, 'service.closed', { ticket_id: ticketId, member_id: ticket.member_id, type: ticket.type });
  });
  return getTicket(deps.db, ctx.tenantId, ticketId, { now });
}

/** To a store, an operator, or both (null clears). */
export async function assignTicket(deps: AppDeps, ctx: RequestContext, ticketId: string, input: z.infer<typeof assignmentInputSchema>) {
  if (input.store_id) await getStore(deps, ctx, input.store_id).catch(() => Promise.reject(validationError([{ field: 'store_id', code: 'unknown_store', message: 'no such store' }])));
  if (input.operator_id && !(await findOperatorAccount(deps, ctx, input.operator_id))) throw validationError([{ field: 'operator_id', code: 'unknown_operator', message: 'no such operator' }]);
  await withTransaction(deps.db, async (trx) => {
    await lockTicket(trx, ctx.tenantId, ticketId);
    await trx.updateTable('service_tickets').set({ store_id: input.store_id, operator_id: input.operator_id, updated_at: deps.clock.now() }).where('tenant_id', '=', ctx.tenantId).where('id', '=', ticketId).execute();
    await recordAudit(trx, ctx, { action: 'service_ticket.assign', resourceType: 'service_ticket', resourceId: ticketId, details: input });
  });
  return getTicket(deps.db, ctx.tenantId, ticketId, { now: deps.clock.now() });
}

/** A member (only on their own ticket) or an operator. Closed and rejected tickets take no more comments. */
export async function addComment(deps: AppDeps, ctx: RequestContext, ticketId: string, input: z.infer<typeof commentInputSchema>, memberId?: string) {
  const ticket = await getTicket(deps.db, ctx.tenantId, ticketId, { memberId, now: deps.clock.now() });
  if (ticket.status === 'closed' || ticket.status === 'rejected') throw new AppError('SERVICE_TICKET_CLOSED', `The ticket is ${ticket.status}`);
  await deps.db
    .insertInto('service_ticket_comments')
    .values({ tenant_id: ctx.tenantId, member_id: ticket.member_id, ticket_id: ticketId, id: uuidv7(), author_type: memberId ? 'member' : 'operator', author_label: ctx.actor.label, body: input.body, attachments: JSON.stringify(input.attachments), created_at: deps.clock.now() })
    .execute();
  return getTicket(deps.db, ctx.tenantId, ticketId, { memberId, now: deps.clock.now(), detail: true });
}

/** Once, after the ticket was closed: one conditional update, so a double tap records one survey. */
export async function submitSurvey(deps: AppDeps, ctx: RequestContext, memberId: string, ticketId: string, input: z.infer<typeof surveyInputSchema>) {
  const ticket = await getTicket(deps.db, ctx.tenantId, ticketId, { memberId, now: deps.clock.now() });
  const updated = await deps.db
    .updateTable('service_tickets')
    .set({ satisfaction_score: input.score, satisfaction_comment: input.comment, surveyed_at: deps.clock.now() })
    .where('tenant_id', '=', ctx.tenantId)
    .where('member_id', '=', memberId)
    .where('id', '=', ticketId)
    .where('status', '=', 'closed')
    .where('surveyed_at', 'is', null)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) !== 1) {
    throw ticket.status !== 'closed' ? new AppError('SURVEY_NOT_ALLOWED', 'The survey opens when the ticket is closed') : new AppError('SURVEY_ALREADY_SUBMITTED', 'This ticket was already rated');
  }
  return getTicket(deps.db, ctx.tenantId, ticketId, { memberId, now: deps.clock.now() });
}

async function checkOrder(deps: AppDeps, ctx: RequestContext, memberId: string, orderId: string, lines: { line_no: number; qty: number }[]) {
  const order = await getOrder(deps, ctx, orderId).catch(() => undefined);
  // Another member's order reads as no order at all.
  if (!order || order.member_id !== memberId) throw validationError([{ field: 'order_id', code: 'unknown_order', message: 'no such order of yours' }]);
  lines.forEach((line, i) => {
    const found = order.lines.find((l) => l.line_no === line.line_no);
    if (!found) throw validationError([{ field: `lines.${i}.line_no`, code: 'unknown_line', message: 'no such line in the order' }]);
    if (line.qty > found.qty - found.refunded_qty) throw validationError([{ field: `lines.${i}.qty`, code: 'exceeds_remaining', message: `at most ${found.qty - found.refunded_qty}` }]);
  });
}

async function lockTicket(trx: Db, tenantId: string, id: string): Promise<TicketRow> {
  const row = await trx.selectFrom('service_tickets').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).forUpdate().executeTakeFirst();
  if (!row) throw notFound('Service ticket');
  return row;
}

async function recordHistory(trx: Db, ctx: RequestContext, memberId: string, ticketId: string, from: TicketStatus | null, to: TicketStatus, note: string, at: Date) {
  await trx.insertInto('service_ticket_history').values({ tenant_id: ctx.tenantId, member_id: memberId, ticket_id: ticketId, id: uuidv7(), from_status: from, to_status: to, actor_type: ctx.actor.type, actor_id: ctx.actor.id, actor_label: ctx.actor.label, note, at }).execute();
}
