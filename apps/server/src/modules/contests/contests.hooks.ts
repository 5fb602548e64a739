import { sql } from 'kysely';
import type { MemberHooks } from '../members/member-hooks.ts';

/**
 * Merges move the merged member's entries (except a second entry to a contest the survivor entered), votes
 * and wins to the survivor. Erasure clears the member's texts and images (they may show the person); votes
 * and places stay, anonymous.
 */
export function registerContestMemberHooks(hooks: MemberHooks) {
  hooks.onMerge({
    name: 'contests',
    move: async (trx, ctx, { fromMemberId, toMemberId }) => {
      const entries = await sql`
        update contest_entries f set member_id = ${toMemberId}
        where f.tenant_id = ${ctx.tenantId} and f.member_id = ${fromMemberId}
          and not exists (select 1 from contest_entries t where t.tenant_id = f.tenant_id and t.member_id = ${toMemberId} and t.contest_id = f.contest_id)`.execute(trx);
      await sql`update contest_votes set member_id = ${toMemberId} where tenant_id = ${ctx.tenantId} and member_id = ${fromMemberId}`.execute(trx);
      await sql`update contest_winners set member_id = ${toMemberId} where tenant_id = ${ctx.tenantId} and member_id = ${fromMemberId}`.execute(trx);
      return Number(entries.numAffectedRows ?? 0);
    },
  });
  hooks.onErase({
    name: 'contests',
    erase: async (trx, ctx, memberId) => {
      const result = await sql`update contest_entries set title = '', text = '', image_urls = '[]' where tenant_id = ${ctx.tenantId} and member_id = ${memberId}`.execute(trx);
      return Number(result.numAffectedRows ?? 0);
    },
  });
}
