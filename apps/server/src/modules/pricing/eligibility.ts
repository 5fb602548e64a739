import type { Eligibility } from '@hearth/contracts/eligibility';
import type { Db } from '../../db/database.ts';
import { tagsOfMember } from '../members/tags.service.ts';
import { paidMembershipAt } from '../membership/membership.service.ts';
import { segmentsOfMember } from '../segments/segments.service.ts';
import { currentTierIds } from '../tiers/tiers.service.ts';

export interface EligibilityCheck {
  eligible: boolean;
  /** What admitted the member ('everyone', 'paid', 'plan', 'tier', 'segment', 'tag'), when eligible. */
  via: string | null;
}

/**
 * Whether a member meets an eligibility rule at `at` (partner benefits, early purchase, ballots): any one
 * criterion admits; an empty rule admits every member. Each criterion asks its owning module's service.
 */
export async function checkEligibility(db: Db, tenantId: string, memberId: string, rule: Eligibility, at: Date): Promise<EligibilityCheck> {
  const { paid_members, plan_ids = [], tier_ids = [], segment_ids = [], tag_ids = [] } = rule;
  if (!paid_members && !plan_ids.length && !tier_ids.length && !segment_ids.length && !tag_ids.length) return { eligible: true, via: 'everyone' };
  if (paid_members || plan_ids.length) {
    const paid = await paidMembershipAt(db, tenantId, memberId, at);
    if (paid && paid_members) return { eligible: true, via: 'paid' };
    if (paid && plan_ids.includes(paid.plan_id)) return { eligible: true, via: 'plan' };
  }
  if (tier_ids.length && (await currentTierIds(db, tenantId, memberId)).some((id) => tier_ids.includes(id))) return { eligible: true, via: 'tier' };
  if (segment_ids.length && (await segmentsOfMember(db, tenantId, memberId, segment_ids)).size) return { eligible: true, via: 'segment' };
  if (tag_ids.length && (await tagsOfMember(db, tenantId, memberId, tag_ids)).size) return { eligible: true, via: 'tag' };
  return { eligible: false, via: null };
}

export const normalizeEligibility = (value: unknown): Eligibility => (value && typeof value === 'object' ? (value as Eligibility) : {});
