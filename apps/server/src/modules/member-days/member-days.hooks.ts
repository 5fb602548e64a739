import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { MemberHooks } from '../members/member-hooks.ts';
import type { PointsHooks } from '../points/rules.service.ts';
import { checkEligibility } from '../pricing/eligibility.ts';
import { eligibilityOf } from './member-days.service.ts';

/**
 * An order inside a member day (local midnight to midnight in the tenant's zone) of an active program whose
 * eligibility the member meets earns at the day's multiplier; of several programs that day, the highest applies
 * (they do not compound), as with multiplier benefits. It depends on the order's instant, so it is an
 * order-by-order source (`modifiersFor`): the batch path asks it for each order as the single path does, and
 * both give the same points (tested). An order on no member day costs one indexed read.
 */
export function registerMemberDayPointsHooks(hooks: PointsHooks) {
  hooks.addEarningModifier({
    name: 'member_days',
    modifiersFor: async (db, ctx, { memberId, occurredAt }) => {
      const best = await multiplierAt(db, ctx.tenantId, memberId, occurredAt);
      return best ? [{ rule: `member_day:${best.id}`, detail: `会员日 ${best.name} ×${best.points_multiplier_bp / 10000}`, multiplier: best.points_multiplier_bp / 10000 }] : [];
    },
  });
}

/** The highest multiplier among the active programs whose day contains `at` and that admit the member. */
export async function multiplierAt(db: Db, tenantId: string, memberId: string, at: Date) {
  const days = await db
    .selectFrom('member_day_occurrences as o')
    .innerJoin('member_days as d', (j) => j.onRef('d.tenant_id', '=', 'o.tenant_id').onRef('d.id', '=', 'o.member_day_id'))
    .select(['d.id', 'd.name', 'd.points_multiplier_bp', 'd.eligibility'])
    .where('o.tenant_id', '=', tenantId)
    .where('o.starts_at', '<=', at)
    .where('o.ends_at', '>', at)
    .where('d.active', '=', true)
    .where('d.points_multiplier_bp', '>', 10000)
    .orderBy('d.points_multiplier_bp', 'desc')
    .orderBy('d.id')
    .execute();
  for (const day of days) if ((await checkEligibility(db, tenantId, memberId, eligibilityOf(day), at)).eligible) return day;
  return null;
}

export function registerMemberDayMemberHooks(hooks: MemberHooks) {
  // A merged member's reminders become the survivor's, so neither is reminded again for a day both were.
  hooks.onMerge({
    name: 'member_days',
    move: async (trx, ctx, { fromMemberId, toMemberId }) => {
      await sql`delete from member_day_reminders f where f.tenant_id = ${ctx.tenantId} and f.member_id = ${fromMemberId}
        and exists (select 1 from member_day_reminders s where s.tenant_id = f.tenant_id and s.member_id = ${toMemberId} and s.member_day_id = f.member_day_id and s.day = f.day)`.execute(trx);
      const moved = await sql`update member_day_reminders set member_id = ${toMemberId} where tenant_id = ${ctx.tenantId} and member_id = ${fromMemberId}`.execute(trx);
      return Number(moved.numAffectedRows ?? 0);
    },
  });
}
