import { sql } from 'kysely';
import { AppError } from '../../http/errors.ts';
import type { MemberHooks } from '../members/member-hooks.ts';
import { getMembership, settlePayment } from './membership.service.ts';
import type { PaymentOwners } from './payment-owners.ts';

const memberTables = ['membership_transitions', 'membership_refunds', 'membership_payments', 'membership_renewal_reminders'] as const;

export function registerMembershipMemberHooks(hooks: MemberHooks) {
  // The merged member's subscriptions, payments and history become the survivor's. Two live subscriptions
  // cannot both stay live (one per member): the survivor keeps its own and the merged one is left as it was
  // but moved, unless the survivor has none, in which case the merged member's live one carries on.
  hooks.onMerge({
    name: 'membership',
    move: async (trx, ctx, { fromMemberId, toMemberId }) => {
      await sql`set constraints all deferred`.execute(trx);
      const live = await sql<{ member_id: string }>`select member_id from membership_subscriptions where tenant_id = ${ctx.tenantId} and member_id in (${fromMemberId}, ${toMemberId})
        and status in ('trialing', 'active', 'past_due', 'grace', 'canceled') order by member_id for update`.execute(trx);
      if (live.rows.length === 2) {
        throw new AppError('MERGE_CONFLICT', 'Both members hold a paid membership; refund or let one end before merging');
      }
      let moved = 0;
      const result = await sql`update membership_subscriptions set member_id = ${toMemberId} where tenant_id = ${ctx.tenantId} and member_id = ${fromMemberId}`.execute(trx);
      moved += Number(result.numAffectedRows ?? 0);
      for (const table of memberTables) {
        const r = await sql`update ${sql.table(table)} set member_id = ${toMemberId} where tenant_id = ${ctx.tenantId} and member_id = ${fromMemberId}`.execute(trx);
        moved += Number(r.numAffectedRows ?? 0);
      }
      return moved;
    },
  });
  // Payments stay (they are the brand's accounts); the payer's WeChat openid is personal data and goes.
  hooks.onErase({
    name: 'membership',
    erase: async (trx, ctx, memberId) => {
      const result = await sql`update membership_payments set payer_openid = null, updated_at = now()
        where tenant_id = ${ctx.tenantId} and member_id = ${memberId} and payer_openid is not null`.execute(trx);
      return Number(result.numAffectedRows ?? 0);
    },
  });
  hooks.addSection({ name: 'membership', load: (deps, ctx, memberId) => getMembership(deps, ctx, memberId) });
}

/** Paid-plan payments (out_trade_no `HM…`): a notification settles them as staff confirmation and the status query do. */
export function registerMembershipPaymentOwner(owners: PaymentOwners) {
  owners.add({
    name: 'membership',
    resolve: async (db, tenantId, outTradeNo) => {
      const p = await db.selectFrom('membership_payments').select(['member_id', 'id']).where('tenant_id', '=', tenantId).where('out_trade_no', '=', outTradeNo).executeTakeFirst();
      return p && { memberId: p.member_id, id: p.id };
    },
    settle: (deps, ctx, ref, notice) => settlePayment(deps, ctx, { member_id: ref.memberId, id: ref.id }, { transactionId: notice.transactionId, amountFen: notice.amountFen, paidAt: notice.paidAt, source: 'notification' }),
  });
}
