import { sql } from 'kysely';
import type { RequestContext } from '../../deps.ts';
import type { JobRegistry } from '../../jobs/registry.ts';
import type { MemberHooks } from '../members/member-hooks.ts';
import type { OrderHooks } from '../orders/order-hooks.ts';
import { lastRefundIds } from '../orders/refunds.service.ts';
import { accrueForOrders, balancesOf, reverseForRefund, settleDueCommissions } from './commissions.service.ts';
import { findPromoterRow } from './promoters.service.ts';

export const SETTLE_COMMISSIONS_JOB = 'distribution.settle';
const systemActor: RequestContext['actor'] = { type: 'system', id: null, label: 'distribution jobs', role: null, permissions: new Set() };
export const systemContext = (tenantId: string): RequestContext => ({ tenantId, actor: systemActor, requestId: null, ip: null });

/** Commission whose return window closed is settled every ten minutes (a rerun finds nothing pending). */
export function registerDistributionJobs(registry: JobRegistry) {
  registry.define({ name: SETTLE_COMMISSIONS_JOB, handler: async ({ deps }) => void (await settleDueCommissions(deps, systemContext)) });
  registry.schedule(SETTLE_COMMISSIONS_JOB, '*/10 * * * *', { runAtStart: true });
}

export function registerDistributionOrderHooks(hooks: OrderHooks) {
  hooks.afterMemberOrders(async (trx, deps, ctx, orders) => {
    await accrueForOrders(trx, deps, ctx, orders);
    // A refund recorded before the accrual reversed nothing: its share is reversed now, under its id.
    const refunded = orders.filter((o) => o.refunded_fen > 0);
    const lastRefund = await lastRefundIds(trx, ctx.tenantId, refunded.map((o) => o.id));
    for (const order of refunded) await reverseForRefund(trx, deps, ctx, order, lastRefund.get(order.id)!);
  });
  hooks.onRefund(reverseForRefund);
}

/**
 * Promoters, commission and withdrawals stay with the member who earned them: a merge does not move them
 * (a merged promoter's balance is settled by an operator), only the buyer's attribution. Nothing personal is
 * stored (visitor ids are hashed), so erasure drops only the attribution. The 360 shows the promoter's balances.
 */
export function registerDistributionMemberHooks(hooks: MemberHooks) {
  hooks.onMerge({
    name: 'distribution',
    move: async (trx, ctx, { fromMemberId, toMemberId }) => {
      const r = await sql`update distribution_attributions set member_id = ${toMemberId} where tenant_id = ${ctx.tenantId} and member_id = ${fromMemberId}
        and promoter_id <> ${toMemberId} and not exists (select 1 from distribution_attributions t where t.tenant_id = ${ctx.tenantId} and t.member_id = ${toMemberId})`.execute(trx);
      return Number(r.numAffectedRows ?? 0);
    },
  });
  hooks.onErase({
    name: 'distribution',
    erase: async (trx, ctx, memberId) => Number((await sql`delete from distribution_attributions where tenant_id = ${ctx.tenantId} and member_id = ${memberId}`.execute(trx)).numAffectedRows ?? 0),
  });
  hooks.addSection({
    name: 'distribution',
    load: async (deps, ctx, memberId) => {
      const promoter = await findPromoterRow(deps.db, ctx.tenantId, memberId);
      return promoter ? { status: promoter.status, recruiter_id: promoter.recruiter_id, ...(await balancesOf(deps.db, ctx.tenantId, memberId)) } : null;
    },
  });
}
