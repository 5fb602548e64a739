import type { Order } from '@hearth/contracts/orders';
import type { Db } from '../../db/database.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';

/** Runs in the transaction that wrote the order, so whatever it writes commits with the order or not at all. */
export type OrderHandler = (trx: Db, deps: AppDeps, ctx: RequestContext, order: Order) => Promise<void>;
/** The same for several orders written together (a batch), in the order they were sent. */
export type OrdersHandler = (trx: Db, deps: AppDeps, ctx: RequestContext, orders: readonly Order[]) => Promise<void>;
export type RefundHandler = (trx: Db, deps: AppDeps, ctx: RequestContext, order: Order, refundId: string) => Promise<void>;

/**
 * How other modules react to orders inside the order's own transaction (points, tiers) without the
 * orders module knowing them. Reactions that may happen later go through the outbox events instead.
 */
export interface OrderHooks {
  /** New orders, or guest orders that just got their member, one at a time. */
  onMemberOrder(handler: OrderHandler): void;
  /** The same, all the orders of a write at once: for handlers that do set-based work (points). */
  onMemberOrders(handler: OrdersHandler): void;
  /**
   * Bookkeeping that need not commit with the order (first-order credit, attribution, commission): run after
   * it, by the `orders.after_member_orders` batch job, so the order path pays no round trip for it. The
   * handler gets the orders as they stand when it runs, refunds included, and must be idempotent (a job can
   * run twice). A refund may come before it: whatever its refund hook would have undone must then be undone
   * here.
   */
  afterMemberOrders(handler: OrdersHandler): void;
  onRefund(handler: RefundHandler): void;
  refundHandlers(): readonly RefundHandler[];
  /** Runs every member-order handler: the set-based ones first, then the others order by order. */
  runMemberOrders(trx: Db, deps: AppDeps, ctx: RequestContext, orders: readonly Order[]): Promise<void>;
  runAfterMemberOrders(trx: Db, deps: AppDeps, ctx: RequestContext, orders: readonly Order[]): Promise<void>;
}

export function createOrderHooks(): OrderHooks {
  const single: OrderHandler[] = [];
  const batch: OrdersHandler[] = [];
  const refunds: RefundHandler[] = [];
  const later: OrdersHandler[] = [];
  return {
    onMemberOrder: (handler) => void single.push(handler),
    onMemberOrders: (handler) => void batch.push(handler),
    afterMemberOrders: (handler) => void later.push(handler),
    onRefund: (handler) => void refunds.push(handler),
    refundHandlers: () => refunds,
    runMemberOrders: async (trx, deps, ctx, orders) => {
      const memberOrders = orders.filter((o) => o.member_id);
      if (!memberOrders.length) return;
      for (const handler of batch) await handler(trx, deps, ctx, memberOrders);
      // Member by member (a stable sort keeps each member's orders as sent), so that handlers locking a
      // member take the locks in one order and two batches sharing members cannot deadlock.
      const byMember = [...memberOrders].sort((a, b) => (a.member_id! < b.member_id! ? -1 : a.member_id! > b.member_id! ? 1 : 0));
      for (const order of byMember) for (const handler of single) await handler(trx, deps, ctx, order);
    },
    runAfterMemberOrders: async (trx, deps, ctx, orders) => {
      const memberOrders = orders.filter((o) => o.member_id);
      if (!memberOrders.length) return;
      for (const handler of later) await handler(trx, deps, ctx, memberOrders);
    },
  };
}
