import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { Comparison } from '@hearth/contracts/segments';

/**
 * What a condition compiler knows when it compiles: the tenant, the instant and calendar it is evaluated
 * at, and, when only some members are evaluated (live updates), their ids, so aggregate subqueries read
 * those members' rows instead of the whole tenant's.
 */
export interface CompileScope {
  tenantId: string;
  now: Date;
  /** The first instant of the tenant-calendar day `offset` days before today (negative: after). */
  dayStart(offset: number): Date;
  members?: readonly string[];
}

/**
 * One kind of condition: how it compiles to a boolean SQL expression about the member row `m` (the
 * members table), which live changes re-evaluate it (`dependsOn` keys, matched against the keys of
 * SegmentTrigger), and whether time alone can change it (the sweep re-evaluates those).
 * Expressions must never be NULL, so that NOT of a condition is its complement.
 */
export interface ConditionCompiler<C = never> {
  type: string;
  dependsOn(condition: C): string[];
  timeBased(condition: C): boolean;
  compile(condition: C, scope: CompileScope): RawBuilder<SqlBool>;
}

/** A domain event that changes some members' inputs: which members, and which dependency keys. */
export interface SegmentTrigger {
  eventType: string;
  affected(payload: Record<string, unknown>): { memberId: string; keys: string[] }[];
}

/** The key of a trigger that may change any condition (a new, merged or erased member). */
export const ANY = '*';

/**
 * The extension point for other modules (tiers, CLV, influence): they register the compilers of the
 * conditions they add to the contract and the triggers of their events (HearthModule.segmentConditions).
 */
export interface SegmentConditions {
  addCondition<C>(compiler: ConditionCompiler<C>): void;
  addTrigger(trigger: SegmentTrigger): void;
  get(type: string): ConditionCompiler<unknown> | undefined;
  triggers(): readonly SegmentTrigger[];
}

export function createSegmentConditions(): SegmentConditions {
  const compilers = new Map<string, ConditionCompiler<unknown>>();
  const triggers: SegmentTrigger[] = [];
  return {
    addCondition(compiler) {
      if (compilers.has(compiler.type)) throw new Error(`Segment condition ${compiler.type} is registered twice`);
      compilers.set(compiler.type, compiler as unknown as ConditionCompiler<unknown>);
    },
    addTrigger: (trigger) => void triggers.push(trigger),
    get: (type) => compilers.get(type),
    triggers: () => triggers,
  };
}

/** A comparison on a whole number as an inclusive range, possibly negated (neq). */
export function bounds(c: Comparison): { lo?: number; hi?: number; negate: boolean } {
  switch (c.op) {
    case 'eq':
      return { lo: c.value, hi: c.value, negate: false };
    case 'neq':
      return { lo: c.value, hi: c.value, negate: true };
    case 'gt':
      return { lo: c.value + 1, negate: false };
    case 'gte':
      return { lo: c.value, negate: false };
    case 'lt':
      return { hi: c.value - 1, negate: false };
    case 'lte':
      return { hi: c.value, negate: false };
    case 'between':
      return { lo: c.value, hi: c.to!, negate: false };
  }
}

export function matches(c: Comparison, n: number): boolean {
  const b = bounds(c);
  const inside = (b.lo === undefined || n >= b.lo) && (b.hi === undefined || n <= b.hi);
  return inside !== b.negate;
}

/** `expr` compared as `c`; NULL counts as not matching. */
export function compare(expr: RawBuilder<unknown>, c: Comparison): RawBuilder<SqlBool> {
  const b = bounds(c);
  const parts = [...(b.lo !== undefined ? [sql`${expr} >= ${b.lo}`] : []), ...(b.hi !== undefined ? [sql`${expr} <= ${b.hi}`] : [])];
  const inside = parts.length ? sql`(${sql.join(parts, sql` and `)})` : sql`(${expr} is not null)`;
  return b.negate ? sql<SqlBool>`coalesce(not ${inside}, false)` : sql<SqlBool>`coalesce(${inside}, false)`;
}

/**
 * "Between lo and hi days ago" (tenant calendar days: today is 0) as a range on a timestamp, so an index
 * on the timestamp applies.
 */
export function daysAgo(column: RawBuilder<unknown>, c: Comparison, scope: CompileScope): RawBuilder<SqlBool> {
  const b = bounds(c);
  const parts = [...(b.hi !== undefined ? [sql`${column} >= ${scope.dayStart(b.hi)}`] : []), ...(b.lo !== undefined ? [sql`${column} < ${scope.dayStart(b.lo - 1)}`] : [])];
  const inside = parts.length ? sql`(${sql.join(parts, sql` and `)})` : sql`(${column} is not null)`;
  return b.negate ? sql<SqlBool>`coalesce(not ${inside}, false)` : sql<SqlBool>`coalesce(${inside}, false)`;
}

/** Restricts an aggregate subquery over member-owned rows to the members being evaluated, if any. */
export function onlyEvaluated(column: RawBuilder<unknown>, scope: CompileScope): RawBuilder<unknown> {
  return scope.members ? sql`and ${column} = any(${[...scope.members]}::uuid[])` : sql``;
}

/**
 * A member matches when the aggregate of their rows satisfies `having`. Members with no rows have the
 * aggregate's empty value (0), so when 0 matches the condition is compiled as "not among the members
 * whose aggregate fails", else as "among the members whose aggregate passes": either way one grouped
 * subquery that the planner hashes, instead of one lookup per member.
 */
export function aggregateMatch(grouped: (having: RawBuilder<SqlBool>) => RawBuilder<unknown>, aggregate: RawBuilder<unknown>, c: Comparison): RawBuilder<SqlBool> {
  if (matches(c, 0)) return sql<SqlBool>`m.id not in (${grouped(sql<SqlBool>`not ${compare(aggregate, c)}`)})`;
  return sql<SqlBool>`m.id in (${grouped(compare(aggregate, c))})`;
}
