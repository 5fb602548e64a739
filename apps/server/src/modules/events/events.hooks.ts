import { sql } from 'kysely';
import type { MemberHooks } from '../members/member-hooks.ts';
import type { PaymentOwners } from '../membership/payment-owners.ts';
import { settleTicketPayment } from './payments.service.ts';
import './events.tables.ts';

/**
 * Merges move registrations and feedback to the survivor. Where both hold a live registration for the same
 * event the merged member's is canceled (one seat per person) and its seat freed; any refund is then the
 * staff's call. Answers and feedback comments are free text a member may have put personal data in, so an
 * erasure blanks them; the 360 section (and so the export) lists the member's registrations and feedback.
 */
export function registerTicketedEventMemberHooks(hooks: MemberHooks) {
  hooks.onMerge({
    name: 'event_registrations',
    move: async (trx, ctx, { fromMemberId, toMemberId }) => {
      const clashing = await sql<{ event_id: string; status: string }>`
        with c as (
          select f.id, f.event_id, f.status from event_registrations f
          where f.tenant_id = ${ctx.tenantId} and f.member_id = ${fromMemberId} and f.status in ('pending_payment', 'registered', 'waitlisted')
            and exists (select 1 from event_registrations t where t.tenant_id = f.tenant_id and t.member_id = ${toMemberId} and t.event_id = f.event_id and t.status in ('pending_payment', 'registered', 'waitlisted'))
          for update
        ), u as (
          update event_registrations r set status = 'canceled', cancel_reason = 'merged', canceled_at = now(), hold_expires_at = null
          from c where r.tenant_id = ${ctx.tenantId} and r.member_id = ${fromMemberId} and r.id = c.id
        )
        select event_id, status from c`.execute(trx);
      for (const c of clashing.rows) {
        if (c.status !== 'waitlisted') await sql`update events set seats_taken = seats_taken - 1 where tenant_id = ${ctx.tenantId} and id = ${c.event_id}`.execute(trx);
      }
      const moved = await sql`update event_registrations set member_id = ${toMemberId} where tenant_id = ${ctx.tenantId} and member_id = ${fromMemberId}`.execute(trx);
      return Number(moved.numAffectedRows ?? 0);
    },
  });
  hooks.onErase({
    name: 'event_registrations',
    erase: async (trx, ctx, memberId) => {
      const answers = await trx.updateTable('event_registrations').set({ answers: '{}' }).where('tenant_id', '=', ctx.tenantId).where('member_id', '=', memberId).executeTakeFirst();
      const comments = await trx.updateTable('event_feedback').set({ comment: '' }).where('tenant_id', '=', ctx.tenantId).where('member_id', '=', memberId).executeTakeFirst();
      return Number(answers.numUpdatedRows) + Number(comments.numUpdatedRows);
    },
  });
  hooks.addSection({
    name: 'events',
    load: async (deps, ctx, memberId) => {
      const [registrations, feedback] = await Promise.all([
        deps.db.selectFrom('event_registrations').select(['id', 'event_id', 'status', 'answers', 'amount_fen', 'points', 'checked_in_at', 'no_show', 'created_at']).where('tenant_id', '=', ctx.tenantId).where('member_id', '=', memberId).orderBy('id', 'desc').limit(50).execute(),
        deps.db.selectFrom('event_feedback').select(['registration_id', 'event_id', 'nps', 'rating', 'comment', 'created_at']).where('tenant_id', '=', ctx.tenantId).where('member_id', '=', memberId).orderBy('created_at', 'desc').limit(50).execute(),
      ]);
      return { registrations, feedback };
    },
  });
}

/** Ticket payments (out_trade_no: the registration id without dashes) are settled from WeChat Pay's notifications. */
export function registerTicketedEventPaymentOwner(owners: PaymentOwners) {
  owners.add({
    name: 'events',
    resolve: async (db, tenantId, outTradeNo) => {
      const r = await db.selectFrom('event_registrations').select(['member_id', 'id']).where('tenant_id', '=', tenantId).where('out_trade_no', '=', outTradeNo).executeTakeFirst();
      return r && { memberId: r.member_id, id: r.id };
    },
    settle: (deps, ctx, ref, notice) => settleTicketPayment(deps, ctx, ref, { transactionId: notice.transactionId, amountFen: notice.amountFen, paidAt: notice.paidAt, source: 'notification' }),
  });
}
