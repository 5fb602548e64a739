import type { Order } from '@hearth/contracts/orders';
import type { Db } from '../../db/database.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';

/** Runs in the transaction that wrote the order, so whatever it writes commits with the order or not at all. */
export type OrderHandler = (trx: Db, deps: AppDeps, ctx: RequestContext, order: Order) => Promise<void>;
export type RefundHandler = (trx: Db, deps: AppDeps, ctx: RequestContext, order: Order, refundId: string) => Promise<void>;

/**
 * How other modules react to orders inside the order's own transaction (points, later tiers) without the
 * orders module knowing them. Reactions that may happen later go through the outbox events instead.
 */
export interface OrderHooks {
  /** A new order, or a guest order that just got its member. */
  onMemberOrder(handler: OrderHandler): void;
  onRefund(handler: RefundHandler): void;
  memberOrderHandlers(): readonly OrderHandler[];
  refundHandlers(): readonly RefundHandler[];
}

export function createOrderHooks(): OrderHooks {
  const orders: OrderHandler[] = [];
  const refunds: RefundHandler[] = [];
  return {
    onMemberOrder: (handler) => void orders.push(handler),
    onRefund: (handler) => void refunds.push(handler),
    memberOrderHandlers: () => orders,
    refundHandlers: () => refunds,
  };
}
