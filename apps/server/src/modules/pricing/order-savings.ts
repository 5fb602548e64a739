import type { Db } from '../../db/database.ts';
import type { DomainEvent } from '../../jobs/outbox.ts';
import type { JobRegistry } from '../../jobs/registry.ts';
import { setSavings } from '../benefits/savings.service.ts';
import { paidMembershipAt } from '../membership/membership.service.ts';
import { productsBySku } from '../products/products.service.ts';
import { currentTierIds } from '../tiers/tiers.service.ts';
import { bestPrices } from './prices.service.ts';

export const ORDER_SAVINGS_JOB = 'pricing.order_savings';

/**
 * Member prices count toward what a member saved this year ("本年已为您节省 ¥X"): after an order is recorded,
 * refunded, or attached to its member (outbox, so the order path gains no statement), each line the member paid
 * at or below the member price in force for them at the order's time saves the list price less that member
 * price, for the units not refunded (none, once the line's whole amount was refunded). A line sold above the
 * member price (the POS did not apply it) saved nothing through it; a line sold below it (a promotion on top) is
 * credited only the member price's part.
 */
export function registerOrderSavingsJob(registry: JobRegistry) {
  registry.define<{ event: DomainEvent<{ order_id: string }> }>({
    name: ORDER_SAVINGS_JOB,
    handler: async ({ db, job, payload }) => recordOrderSavings(db, job.tenant_id, payload.event.payload.order_id),
    // Every order wakes it: in a batch the claim and the commit are shared, and an order named twice is done once.
    batch: {
      size: 100,
      handler: async ({ db, jobs, payloads }) => {
        const orders = new Map(jobs.map((job, i) => [`${job.tenant_id}:${payloads[i]!.event.payload.order_id}`, { tenantId: job.tenant_id, orderId: payloads[i]!.event.payload.order_id }]));
        // In one order of keys, so two batches locking the same orders cannot deadlock.
        for (const key of [...orders.keys()].sort()) await recordOrderSavings(db, orders.get(key)!.tenantId, orders.get(key)!.orderId);
        return { orders: orders.size };
      },
    },
  });
  for (const type of ['order.created', 'order.refunded', 'order.attached']) registry.subscribe(type, ORDER_SAVINGS_JOB);
}

export async function recordOrderSavings(db: Db, tenantId: string, orderId: string) {
  // The order's lock orders this after a refund being written (and a later run after this one): the last run to
  // commit read the order as it stands, so a run that started before a refund cannot write over its figure.
  const order = await db.selectFrom('orders').select(['member_id', 'occurred_at']).where('tenant_id', '=', tenantId).where('id', '=', orderId).forUpdate().executeTakeFirst();
  if (!order?.member_id) return { skipped: order ? 'guest order' : 'no such order' };
  const memberId = order.member_id;
  const lines = await db.selectFrom('order_lines').select(['line_no', 'sku', 'qty', 'unit_price_fen', 'paid_fen', 'refunded_qty', 'refunded_fen']).where('tenant_id', '=', tenantId).where('order_id', '=', orderId).orderBy('line_no').execute();
  const skus = [...new Set(lines.map((l) => l.sku))];
  const [products, tierIds, paid] = await Promise.all([productsBySku(db, tenantId, skus), currentTierIds(db, tenantId, memberId), paidMembershipAt(db, tenantId, memberId, order.occurred_at)]);
  const prices = await bestPrices(db, tenantId, skus, tierIds, paid?.plan_id ?? null, order.occurred_at);
  let savedFen = 0;
  for (const line of lines) {
    const list = products.get(line.sku)?.list_price_fen;
    const price = prices.get(line.sku);
    const applied = list !== undefined && price !== undefined && price.price_fen < list && line.unit_price_fen <= price.price_fen;
    // A refund by amount leaves the units with the member unless it gave back all that was paid.
    const keptUnits = line.paid_fen > 0 && line.refunded_fen >= line.paid_fen ? 0 : line.qty - line.refunded_qty;
    const amountFen = applied ? (list - price.price_fen) * keptUnits : 0;
    savedFen += amountFen;
    await setSavings(db, { tenantId }, { memberId, kind: 'member_price', amountFen, sourceId: `order_line:${orderId}:${line.line_no}`, occurredAt: order.occurred_at });
  }
  return { saved_fen: savedFen };
}
