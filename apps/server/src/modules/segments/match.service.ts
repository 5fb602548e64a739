import type { Rule } from '@hearth/contracts/segments';
import type { AppDeps } from '../../deps.ts';
import { matchingMembers, scopeFor } from './compile.ts';

/**
 * Which of these members a rule tree matches right now (a journey's condition step, a dry run): the segment
 * query restricted to them, so the aggregates read only their rows.
 */
export async function membersMatchingRule(deps: Pick<AppDeps, 'db' | 'clock' | 'segmentConditions'>, tenantId: string, memberIds: readonly string[], rule: Rule): Promise<Set<string>> {
  if (!memberIds.length) return new Set();
  const scope = await scopeFor(deps.db, tenantId, deps.clock.now(), memberIds);
  const rows = await matchingMembers(deps.segmentConditions, rule, scope).execute(deps.db);
  return new Set(rows.rows.map((r) => r.id));
}
