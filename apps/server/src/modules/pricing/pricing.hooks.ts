import { sql } from 'kysely';
import type { MemberHooks } from '../members/member-hooks.ts';

/**
 * Merges: launch reservations move to the survivor, numbered after theirs. Ballot entries move too; in a ballot
 * still open where both entered, the merged member's entry is dropped (one chance per person); in a drawn one
 * both stay, the moved entry marked merged_from, because the published draw ranked it under its entrant_id
 * (which never changes). These rows hold ids and the member number only, so there is no erase handler.
 */
export function registerPricingMemberHooks(hooks: MemberHooks) {
  hooks.onMerge({
    name: 'launch_reservations',
    move: async (trx, ctx, { fromMemberId, toMemberId }) => {
      const result = await sql`
        update launch_reservations f set member_id = ${toMemberId}, seq = f.seq + coalesce((
          select max(t.seq) from launch_reservations t where t.tenant_id = f.tenant_id and t.member_id = ${toMemberId} and t.launch_id = f.launch_id), 0)
        where f.tenant_id = ${ctx.tenantId} and f.member_id = ${fromMemberId}`.execute(trx);
      return Number(result.numAffectedRows ?? 0);
    },
  });
  hooks.onMerge({
    name: 'ballot_entries',
    move: async (trx, ctx, { fromMemberId, toMemberId }) => {
      const both = sql`exists (select 1 from ballot_entries t where t.tenant_id = f.tenant_id and t.ballot_id = f.ballot_id and t.member_id = ${toMemberId})`;
      await sql`
        delete from ballot_entries f using ballots b
        where f.tenant_id = ${ctx.tenantId} and f.member_id = ${fromMemberId} and b.tenant_id = f.tenant_id and b.id = f.ballot_id and b.status = 'open' and ${both}`.execute(trx);
      const result = await sql`
        update ballot_entries f set member_id = ${toMemberId}, merged_from = case when ${both} then ${fromMemberId}::uuid else f.merged_from end
        where f.tenant_id = ${ctx.tenantId} and f.member_id = ${fromMemberId}`.execute(trx);
      return Number(result.numAffectedRows ?? 0);
    },
  });
  hooks.addSection({
    name: 'scarce_products',
    load: async (deps, ctx, memberId) => {
      const [reservations, entries] = await Promise.all([
        deps.db.selectFrom('launch_reservations').select(['launch_id', 'id', 'created_at']).where('tenant_id', '=', ctx.tenantId).where('member_id', '=', memberId).orderBy('id', 'desc').limit(20).execute(),
        deps.db.selectFrom('ballot_entries').select(['ballot_id', 'result', 'rank']).where('tenant_id', '=', ctx.tenantId).where('member_id', '=', memberId).orderBy('created_at', 'desc').limit(20).execute(),
      ]);
      return { reservations, ballot_entries: entries };
    },
  });
}
