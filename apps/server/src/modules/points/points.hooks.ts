import { sql } from 'kysely';
import type { MemberHooks } from '../members/member-hooks.ts';
import type { OrderHooks } from '../orders/order-hooks.ts';
import { getBalance, clawbackForRefund, earnForOrders } from './points.service.ts';
import { lockAccount } from './ledger.ts';

/** Members earn on their orders and give points back on refunds, in the order's own transaction. */
export function registerPointsOrderHooks(hooks: OrderHooks) {
  hooks.onMemberOrders(async (trx, deps, ctx, orders) => void (await earnForOrders(trx, deps, ctx, orders)));
  hooks.onRefund(async (trx, deps, ctx, order, refundId) => void (await clawbackForRefund(trx, deps, ctx, order, refundId)));
}

const memberTables = ['points_transactions', 'points_postings', 'points_lots', 'points_lot_moves', 'points_redemptions'] as const;

export function registerPointsMemberHooks(hooks: MemberHooks) {
  // A merged member's ledger, lots and holds become the survivor's, and the two accounts add up. The
  // accounts are locked in key order, like every other multi-member change, so a merge cannot deadlock.
  hooks.onMerge({
    name: 'points',
    move: async (trx, ctx, { fromMemberId, toMemberId }) => {
      for (const memberId of [fromMemberId, toMemberId].sort()) await lockAccount(trx, ctx.tenantId, memberId);
      await sql`set constraints all deferred`.execute(trx);
      // Keys the caller chose (adjustment and redemption ids) may exist on both sides: the merged side's get a suffix.
      const suffix = `:merged:${fromMemberId}`;
      await sql`update points_transactions f set source_key = f.source_key || ${suffix} where f.tenant_id = ${ctx.tenantId} and f.member_id = ${fromMemberId}
        and exists (select 1 from points_transactions t where t.tenant_id = f.tenant_id and t.member_id = ${toMemberId} and t.source_key = f.source_key)`.execute(trx);
      await sql`update points_redemptions f set external_id = f.external_id || ${suffix} where f.tenant_id = ${ctx.tenantId} and f.member_id = ${fromMemberId}
        and exists (select 1 from points_redemptions t where t.tenant_id = f.tenant_id and t.member_id = ${toMemberId} and t.external_id = f.external_id)`.execute(trx);
      // Reminders already went out; the survivor's own reminder bookkeeping is enough from here.
      await trx.deleteFrom('points_expiry_reminders').where('tenant_id', '=', ctx.tenantId).where('member_id', '=', fromMemberId).execute();
      let moved = 0;
      for (const table of memberTables) {
        const result = await sql`update ${sql.table(table)} set member_id = ${toMemberId} where tenant_id = ${ctx.tenantId} and member_id = ${fromMemberId}`.execute(trx);
        moved += Number(result.numAffectedRows ?? 0);
      }
      await sql`
        update points_accounts t set balance = t.balance + f.balance, debt = t.debt + f.debt, held = t.held + f.held,
          lifetime_earned = t.lifetime_earned + f.lifetime_earned, lifetime_spent = t.lifetime_spent + f.lifetime_spent, updated_at = now()
        from points_accounts f
        where t.tenant_id = ${ctx.tenantId} and t.member_id = ${toMemberId} and f.tenant_id = ${ctx.tenantId} and f.member_id = ${fromMemberId}`.execute(trx);
      await trx.deleteFrom('points_accounts').where('tenant_id', '=', ctx.tenantId).where('member_id', '=', fromMemberId).execute();
      return moved;
    },
  });
  hooks.addSection({ name: 'points', load: (deps, ctx, memberId) => getBalance(deps, ctx, memberId) });
}
