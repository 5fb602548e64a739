import { sql } from 'kysely';
import type { MemberHooks } from '../members/member-hooks.ts';

/**
 * A merged member's journey history goes to the survivor (entries and their step runs keep their ids, so the
 * exactly-once keys still hold); entries still in flight end, as the survivor has their own. Entries hold no
 * personal data, so erasure needs no handler: the ids stay and the member row is anonymized.
 */
export function registerJourneyMemberHooks(hooks: MemberHooks) {
  hooks.onMerge({
    name: 'journeys',
    move: async (trx, ctx, { fromMemberId, toMemberId }) => {
      await sql`update journey_entries set status = 'exited', exit_reason = 'merged', due_at = null, finished_at = now()
        where tenant_id = ${ctx.tenantId} and member_id = ${fromMemberId} and status in ('ready', 'waiting', 'held')`.execute(trx);
      // Step runs reference their entry, so the two move in one statement (the foreign key is checked at its end).
      const moved = await sql`
        with runs as (update journey_step_runs set member_id = ${toMemberId} where tenant_id = ${ctx.tenantId} and member_id = ${fromMemberId} returning 1)
        update journey_entries set member_id = ${toMemberId} where tenant_id = ${ctx.tenantId} and member_id = ${fromMemberId}`.execute(trx);
      return Number(moved.numAffectedRows ?? 0);
    },
  });
}
