import { sql } from 'kysely';
import type { ConditionOf } from '@hearth/contracts/segments';
import { onlyEvaluated, type ConditionCompiler, type SegmentConditions } from '../segments/conditions.ts';
import { benefitsEndJoins, benefitsEndSql } from './entitlement.ts';
import { entitledStatuses } from './transitions.ts';

/**
 * "Holds a paid membership now" (optionally of some plans, in some statuses) as one semi-join on this
 * module's subscriptions: the member's live subscription whose benefits have not ended at the evaluation
 * instant, by the same rule as isPaidMember (benefitsEndSql).
 */
const paidStatus: ConditionCompiler<ConditionOf<'paid_status'>> = {
  type: 'paid_status',
  dependsOn: () => ['membership'],
  // Time alone changes it: benefits end at the period or grace end before the hourly period-end job moves the
  // subscription (and active → past_due / grace moves emit no event), so the sweep re-evaluates it.
  timeBased: () => true,
  compile: (c, scope) => sql`m.id in (
      select s.member_id from membership_subscriptions s ${benefitsEndJoins}
      where s.tenant_id = ${scope.tenantId} and s.status = any(${[...entitledStatuses]}::text[])
        and ${benefitsEndSql} > ${scope.now}::timestamptz
        ${c.plan_ids ? sql`and s.plan_id = any(${c.plan_ids}::uuid[])` : sql``}
        ${c.statuses ? sql`and s.status = any(${c.statuses}::text[])` : sql``}
        ${onlyEvaluated(sql.ref('s.member_id'), scope)})`,
};

/** The paid_status segment condition, re-evaluated live on every membership event that changes a member's status. */
export function registerMembershipConditions(conditions: SegmentConditions) {
  conditions.addCondition(paidStatus);
  const member = (payload: Record<string, unknown>) => (typeof payload.member_id === 'string' ? [{ memberId: payload.member_id, keys: ['membership'] }] : []);
  for (const eventType of ['membership.started', 'membership.renewed', 'membership.canceled', 'membership.expired', 'membership.refunded']) conditions.addTrigger({ eventType, affected: member });
}
