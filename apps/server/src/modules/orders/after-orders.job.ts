import type { AppDeps, RequestContext } from '../../deps.ts';
import type { DomainEvent } from '../../jobs/outbox.ts';
import type { JobRegistry } from '../../jobs/registry.ts';
import type { Db } from '../../db/database.ts';
import { lockOrders } from './orders.service.ts';

export const AFTER_MEMBER_ORDERS_JOB = 'orders.after_member_orders';

const ordersActor: RequestContext['actor'] = { type: 'system', id: null, label: 'orders', role: null, permissions: new Set() };

/**
 * Runs the order hooks' deferred handlers (`afterMemberOrders`) for new member orders and for guest orders
 * that just got their member, a batch of orders per transaction. The orders are locked and read as they
 * stand, so a refund is either already in them or waits for this to commit and then finds its work to undo.
 */
export function registerAfterOrdersJob(registry: JobRegistry) {
  registry.define<{ event: DomainEvent<{ order_id: string }> }>({
    name: AFTER_MEMBER_ORDERS_JOB,
    handler: async ({ db, deps, job, payload }) => runAfter(db, deps, job.tenant_id, [payload.event.payload.order_id]),
    batch: {
      size: 200,
      handler: async ({ db, deps, jobs, payloads }) => {
        const byTenant = new Map<string, string[]>();
        jobs.forEach((job, i) => byTenant.set(job.tenant_id, [...(byTenant.get(job.tenant_id) ?? []), payloads[i]!.event.payload.order_id]));
        let orders = 0;
        for (const tenantId of [...byTenant.keys()].sort()) orders += (await runAfter(db, deps, tenantId, byTenant.get(tenantId)!)).orders;
        return { orders };
      },
    },
  });
  for (const type of ['order.created', 'order.attached']) registry.subscribe(type, AFTER_MEMBER_ORDERS_JOB);
}

async function runAfter(db: Db, deps: AppDeps, tenantId: string, orderIds: string[]) {
  const orders = (await lockOrders(db, tenantId, orderIds)).filter((o) => o.member_id);
  // In the order they happened, as the handlers would have seen them one request at a time.
  orders.sort((a, b) => a.occurred_at.localeCompare(b.occurred_at) || a.created_at.localeCompare(b.created_at));
  await deps.orderHooks.runAfterMemberOrders(db, deps, { tenantId, actor: ordersActor, requestId: null, ip: null }, orders);
  return { orders: orders.length };
}
