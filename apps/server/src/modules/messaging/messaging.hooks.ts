import { sql } from 'kysely';
import type { MemberHooks } from '../members/member-hooks.ts';
import './messaging.tables.ts';

/**
 * Erasure forgets what was sent (rendered content and variables, inbox, push endpoints) and keeps the
 * delivery log's facts (channel, status, times), which hold no personal data. A merge moves everything to
 * the survivor; frequency counters add up, so a merged member cannot receive double the cap.
 */
export function registerMessagingMemberHooks(hooks: MemberHooks) {
  hooks.onErase({
    name: 'messaging',
    async erase(trx, ctx, memberId) {
      const inbox = await trx.deleteFrom('message_inbox').where('tenant_id', '=', ctx.tenantId).where('member_id', '=', memberId).executeTakeFirst();
      const push = await trx.deleteFrom('web_push_subscriptions').where('tenant_id', '=', ctx.tenantId).where('member_id', '=', memberId).executeTakeFirst();
      const deliveries = await trx
        .updateTable('message_deliveries')
        .set({ rendered: null, variables: '{}', error: null })
        .where('tenant_id', '=', ctx.tenantId)
        .where('member_id', '=', memberId)
        .executeTakeFirst();
      return Number(inbox.numDeletedRows) + Number(push.numDeletedRows) + Number(deliveries.numUpdatedRows);
    },
  });
  hooks.onMerge({
    name: 'messaging',
    async move(trx, ctx, { fromMemberId, toMemberId }) {
      const t = ctx.tenantId;
      let moved = 0;
      for (const table of ['message_deliveries', 'message_inbox', 'web_push_subscriptions'] as const) {
        const r = await trx.updateTable(table).set({ member_id: toMemberId }).where('tenant_id', '=', t).where('member_id', '=', fromMemberId).executeTakeFirst();
        moved += Number(r.numUpdatedRows);
      }
      const counters = await sql`
        with gone as (delete from message_frequency_counters where tenant_id = ${t} and member_id = ${fromMemberId} returning channel, period, count)
        insert into message_frequency_counters (tenant_id, member_id, channel, period, count)
        select ${t}, ${toMemberId}, channel, period, count from gone
        on conflict (tenant_id, member_id, channel, period) do update set count = message_frequency_counters.count + excluded.count`.execute(trx);
      const holdouts = await sql`
        with gone as (delete from message_broadcast_holdouts where tenant_id = ${t} and member_id = ${fromMemberId} returning broadcast_id, created_at)
        insert into message_broadcast_holdouts (tenant_id, member_id, broadcast_id, created_at)
        select ${t}, ${toMemberId}, broadcast_id, created_at from gone on conflict do nothing`.execute(trx);
      return moved + Number(counters.numAffectedRows ?? 0) + Number(holdouts.numAffectedRows ?? 0);
    },
  });
}
