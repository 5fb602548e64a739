import { sql, type RawBuilder, type SqlBool } from 'kysely';
import { DateTime } from 'luxon';
import type { Condition, Rule } from '@hearth/contracts/segments';
import type { Db } from '../../db/database.ts';
import { validationError } from '../../http/errors.ts';
import type { CompileScope, ConditionCompiler, SegmentConditions } from './conditions.ts';

/** A rule tree as one boolean SQL expression about the member row `m`. */
export function compileRule(conditions: SegmentConditions, rule: Rule, scope: CompileScope): RawBuilder<SqlBool> {
  if ('type' in rule) return sql<SqlBool>`(${compilerOf(conditions, rule).compile(rule as never, scope)})`;
  if (rule.op === 'not') return sql<SqlBool>`not ${compileRule(conditions, rule.rule, scope)}`;
  const parts = rule.rules.map((child) => compileRule(conditions, child, scope));
  return sql<SqlBool>`(${sql.join(parts, rule.op === 'and' ? sql` and ` : sql` or `)})`;
}

/** What re-evaluates the rule's members live (dependency keys) and whether the sweep must too. */
export function describeRule(conditions: SegmentConditions, rule: Rule): { dependsOn: string[]; timeBased: boolean } {
  const keys = new Set<string>();
  let timeBased = false;
  const walk = (node: Rule) => {
    if ('type' in node) {
      const compiler = compilerOf(conditions, node);
      for (const key of compiler.dependsOn(node as never)) keys.add(key);
      timeBased ||= compiler.timeBased(node as never);
    } else if (node.op === 'not') walk(node.rule);
    else node.rules.forEach(walk);
  };
  walk(rule);
  return { dependsOn: [...keys].sort(), timeBased };
}

/**
 * The ids of the tenant's members matching the rule, as one query: every condition is a semi-join, an
 * anti-join or a hashed grouped subquery (no per-member loop). Merged and erased members never match.
 */
export function matchingMembers(conditions: SegmentConditions, rule: Rule, scope: CompileScope): RawBuilder<{ id: string }> {
  return sql<{ id: string }>`select m.id from members m
    where m.tenant_id = ${scope.tenantId} and m.status in ('active', 'frozen')
      ${scope.members ? sql`and m.id = any(${[...scope.members]}::uuid[])` : sql``}
      and ${compileRule(conditions, rule, scope)}`;
}

/** A scope at `now` in the tenant's calendar (time zone from the tenant). */
export async function scopeFor(db: Db, tenantId: string, now: Date, members?: readonly string[]): Promise<CompileScope> {
  const tenant = await db.selectFrom('tenants').select('time_zone').where('id', '=', tenantId).executeTakeFirstOrThrow();
  return calendarScope(tenantId, now, tenant.time_zone, members);
}

export function calendarScope(tenantId: string, now: Date, timeZone: string, members?: readonly string[]): CompileScope {
  const today = DateTime.fromJSDate(now, { zone: timeZone }).startOf('day');
  return { tenantId, now, members, dayStart: (offset) => today.minus({ days: offset }).toJSDate() };
}

function compilerOf(conditions: SegmentConditions, condition: Condition): ConditionCompiler<unknown> {
  const compiler = conditions.get(condition.type);
  if (!compiler) throw validationError([{ field: 'rule', code: 'unknown_condition', message: `no compiler for condition ${condition.type}` }]);
  return compiler;
}
