import { sql } from 'kysely';
import type { ConditionOf } from '@hearth/contracts/segments';
import { compare, type ConditionCompiler, type SegmentConditions } from '../segments/conditions.ts';

// Scores change only when the weekly fit or the daily influence run rewrites them, without a per-member
// event, so segments that use them are time-based: the hourly sweep picks up the new scores.
const clvPercentile: ConditionCompiler<ConditionOf<'clv_percentile'>> = {
  type: 'clv_percentile',
  dependsOn: () => ['clv'],
  timeBased: () => true,
  compile: (c) => compare(sql`coalesce((select x.clv_percentile from member_clv x where x.tenant_id = m.tenant_id and x.member_id = m.id), 0)`, c.compare),
};

const influence: ConditionCompiler<ConditionOf<'influence'>> = {
  type: 'influence',
  dependsOn: () => ['influence'],
  timeBased: () => true,
  compile: (c) => {
    const row = (column: string) => sql`(select x.${sql.ref(column)} from member_analytics x where x.tenant_id = m.tenant_id and x.member_id = m.id)`;
    const parts = [
      ...(c.index ? [compare(sql`coalesce(${row('influence_index')}, 0)`, c.index)] : []),
      ...(c.heavy_user !== undefined ? [sql`coalesce(${row('heavy_user')}, false) = ${c.heavy_user}`] : []),
    ];
    return sql`(${sql.join(parts, sql` and `)})`;
  },
};

/** CLV percentile and influence as segment conditions. */
export function registerAnalyticsConditions(conditions: SegmentConditions) {
  conditions.addCondition(clvPercentile);
  conditions.addCondition(influence);
}
