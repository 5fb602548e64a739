import crypto from 'node:crypto';
import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { Order, RefundInput } from '@hearth/contracts/orders';
import type { Db } from '../../db/database.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { AppError, notFound, validationError, type FieldError } from '../../http/errors.ts';
import { emitEvent } from '../../jobs/outbox.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { loadOrder } from './orders.service.ts';

export interface RefundResult {
  refund: { id: string; external_refund_id: string; amount_fen: number; lines: { line_no: number; qty: number; amount_fen: number }[]; reason: string | null; occurred_at: string };
  order: Order;
  replayed: boolean;
}

/**
 * Refunds part or all of an order, by line quantities or by an amount spread over the lines. Never more
 * than was paid; idempotent by the external refund id (the same refund again returns the first result,
 * another refund under the same id is a 409). The order row is locked, so two refunds cannot both take
 * the last fen.
 */
export async function refundOrder(deps: AppDeps, ctx: RequestContext, orderId: string, input: RefundInput): Promise<RefundResult> {
  const hash = crypto.createHash('sha256').update(JSON.stringify([input.lines ?? null, input.amount_fen ?? null, input.reason ?? null])).digest('base64url');
  return withTransaction(deps.db, async (trx) => {
    const order = await trx.selectFrom('orders').selectAll().where('tenant_id', '=', ctx.tenantId).where('id', '=', orderId).forUpdate().executeTakeFirst();
    if (!order) throw notFound('Order');
    const earlier = await trx.selectFrom('order_refunds').selectAll().where('tenant_id', '=', ctx.tenantId).where('order_id', '=', orderId).where('external_refund_id', '=', input.external_refund_id).executeTakeFirst();
    if (earlier) {
      if (earlier.content_hash !== hash) {
        throw new AppError('REFUND_CONFLICT', `Refund ${input.external_refund_id} was already recorded with different content`, {
          errors: [{ field: 'external_refund_id', code: 'different_content', message: 'use a new external refund id for a new refund' }],
        });
      }
      return { refund: serializeRefund(earlier), order: await loadOrder(trx, order), replayed: true };
    }
    const lines = await trx.selectFrom('order_lines').selectAll().where('tenant_id', '=', ctx.tenantId).where('order_id', '=', orderId).orderBy('line_no').execute();
    const allocation = input.lines ? byLines(lines, input.lines) : byAmount(lines, input.amount_fen!, order.total_paid_fen - order.refunded_fen);
    // An amount refund may go beyond the lines' share into shipping; a line refund is exactly its lines.
    const amount = input.lines ? allocation.reduce((sum, a) => sum + a.amount_fen, 0) : input.amount_fen!;
    if (amount <= 0) throw validationError([{ field: input.lines ? 'lines' : 'amount_fen', code: 'nothing_to_refund', message: 'the refund is 0 fen' }]);
    if (order.refunded_fen + amount > order.total_paid_fen) {
      throw new AppError('REFUND_EXCEEDS_PAID', `Only ${order.total_paid_fen - order.refunded_fen} fen of this order can still be refunded`, {
        errors: [{ field: input.lines ? 'lines' : 'amount_fen', code: 'exceeds_paid', message: `at most ${order.total_paid_fen - order.refunded_fen} fen` }],
      });
    }
    for (const part of allocation) {
      await trx
        .updateTable('order_lines')
        .set({ refunded_qty: sql`refunded_qty + ${part.qty}`, refunded_fen: sql`refunded_fen + ${part.amount_fen}` })
        .where('tenant_id', '=', ctx.tenantId)
        .where('order_id', '=', orderId)
        .where('line_no', '=', part.line_no)
        .execute();
    }
    const refunded = order.refunded_fen + amount;
    const updated = await trx
      .updateTable('orders')
      .set({ refunded_fen: refunded, status: refunded === order.total_paid_fen ? 'refunded' : 'partially_refunded' })
      .where('tenant_id', '=', ctx.tenantId)
      .where('id', '=', orderId)
      .returningAll()
      .executeTakeFirstOrThrow();
    const refund = await trx
      .insertInto('order_refunds')
      .values({
        tenant_id: ctx.tenantId,
        order_id: orderId,
        id: uuidv7(),
        external_refund_id: input.external_refund_id,
        content_hash: hash,
        amount_fen: amount,
        lines: JSON.stringify(allocation),
        reason: input.reason ?? null,
        occurred_at: input.occurred_at ? new Date(input.occurred_at) : new Date(),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, ctx, { action: 'order.refund', resourceType: 'order', resourceId: orderId, details: { refund_id: refund.id, amount_fen: amount } });
    await emitEvent(trx, deps.jobs, ctx, 'order.refunded', { order_id: orderId, refund_id: refund.id, member_id: order.member_id, amount_fen: amount, lines: allocation });
    const afterRefund = await loadOrder(trx, updated);
    for (const handler of deps.orderHooks.refundHandlers()) await handler(trx, deps, ctx, afterRefund, refund.id);
    return { refund: serializeRefund(refund), order: afterRefund, replayed: false };
  });
}

/** The latest refund of each order that has one. */
export async function lastRefundIds(db: Db, tenantId: string, orderIds: readonly string[]): Promise<Map<string, string>> {
  if (!orderIds.length) return new Map();
  const rows = await db.selectFrom('order_refunds').select(['order_id', 'id']).distinctOn('order_id').where('tenant_id', '=', tenantId).where('order_id', 'in', orderIds).orderBy('order_id').orderBy('id', 'desc').execute();
  return new Map(rows.map((r) => [r.order_id, r.id]));
}

type Line = { line_no: number; qty: number; paid_fen: number; refunded_qty: number; refunded_fen: number };
type Part = { line_no: number; qty: number; amount_fen: number };

/** Each unit refunds its share of the line's paid amount; the line's last unit takes whatever fen remain. */
function byLines(lines: Line[], requested: { line_no: number; qty: number }[]): Part[] {
  const errors: FieldError[] = [];
  const parts: Part[] = [];
  requested.forEach((request, index) => {
    const line = lines.find((l) => l.line_no === request.line_no);
    if (!line) return void errors.push({ field: `lines.${index}.line_no`, code: 'unknown_line', message: 'no such line on this order' });
    if (requested.findIndex((r) => r.line_no === request.line_no) !== index) {
      return void errors.push({ field: `lines.${index}.line_no`, code: 'duplicate_line', message: 'each line once per refund' });
    }
    const left = line.qty - line.refunded_qty;
    if (request.qty > left) return void errors.push({ field: `lines.${index}.qty`, code: 'exceeds_quantity', message: `only ${left} left to refund` });
    // An earlier amount refund may already have taken part of this line: never give back more than it still holds.
    const remaining = line.paid_fen - line.refunded_fen;
    const amount = request.qty === left ? remaining : Math.min(remaining, Math.floor((line.paid_fen * request.qty) / line.qty));
    parts.push({ line_no: line.line_no, qty: request.qty, amount_fen: amount });
  });
  if (errors.length) throw validationError(errors);
  return parts;
}

/**
 * An amount refund is spread over the lines in proportion to what each can still refund (largest
 * remainder, so the fen add up exactly); any part beyond the lines is shipping.
 */
function byAmount(lines: Line[], amount: number, refundable: number): Part[] {
  const open = lines.map((l) => ({ line_no: l.line_no, left: l.paid_fen - l.refunded_fen })).filter((l) => l.left > 0);
  const linesLeft = open.reduce((sum, l) => sum + l.left, 0);
  const forLines = Math.min(amount, linesLeft, refundable);
  if (forLines <= 0) return [];
  const shares = open.map((l) => {
    const exact = (forLines * l.left) / linesLeft;
    return { line_no: l.line_no, left: l.left, fen: Math.floor(exact), remainder: exact - Math.floor(exact) };
  });
  let short = forLines - shares.reduce((sum, s) => sum + s.fen, 0);
  for (const share of [...shares].sort((a, b) => b.remainder - a.remainder)) {
    if (short === 0) break;
    if (share.fen < share.left) {
      share.fen += 1;
      short -= 1;
    }
  }
  return shares.filter((s) => s.fen > 0).map((s) => ({ line_no: s.line_no, qty: 0, amount_fen: s.fen }));
}

function serializeRefund(row: { id: string; external_refund_id: string; amount_fen: number; lines: unknown; reason: string | null; occurred_at: Date }): RefundResult['refund'] {
  return { id: row.id, external_refund_id: row.external_refund_id, amount_fen: row.amount_fen, lines: row.lines as Part[], reason: row.reason, occurred_at: row.occurred_at.toISOString() };
}
