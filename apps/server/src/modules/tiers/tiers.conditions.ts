import { sql } from 'kysely';
import type { ConditionOf } from '@hearth/contracts/segments';
import type { ConditionCompiler, SegmentConditions } from '../segments/conditions.ts';

const tier: ConditionCompiler<ConditionOf<'tier'>> = {
  type: 'tier',
  dependsOn: () => ['tier'],
  // Every tier change (upgrade, downgrade at evaluation, end of grace or of a manual tier) emits an event.
  timeBased: () => false,
  compile: (c) =>
    sql`exists (select 1 from member_tiers x where x.tenant_id = m.tenant_id and x.member_id = m.id and x.program_id = ${c.program_id}::uuid and x.tier_id = any(${c.tier_ids}::uuid[]))`,
};

/** "Member is in tier …" as a segment condition, re-evaluated live on every tier event. */
export function registerTierConditions(conditions: SegmentConditions) {
  conditions.addCondition(tier);
  const member = (payload: Record<string, unknown>) => (typeof payload.member_id === 'string' ? [{ memberId: payload.member_id, keys: ['tier'] }] : []);
  for (const eventType of ['tier.upgraded', 'tier.downgraded', 'tier.retained']) conditions.addTrigger({ eventType, affected: member });
}
