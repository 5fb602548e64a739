import { sql, type RawBuilder } from 'kysely';
import { DateTime } from 'luxon';
import type { TierCondition, TierGroup, TierInnerGroup, TierMetric, TierRules, TierWindow } from '@hearth/contracts/tiers';
import type { Db } from '../../db/database.ts';
import { paidMembersAtSql } from '../membership/entitlement.ts';
import './tiers.tables.ts';

/** A ladder as evaluation needs it: settings, tiers by rank and the rules in force. */
export interface Ladder {
  tenantId: string;
  programId: string;
  timeZone: string;
  evaluation: 'yearly' | 'anniversary' | 'monthly';
  downgradePolicy: 'one_level' | 'to_qualifying';
  graceDays: number;
  noticeDays: number;
  tiers: { id: string; code: string; rank: number; name: string }[];
  rules: TierRules | null;
  ruleVersion: number | null;
}

/**
 * Which members one pass decides: a key-ordered chunk of the tenant's members (optionally only those whose
 * anniversary falls on the evaluation day), or one member (the order path).
 */
export type MemberSelection = { ids: readonly string[] };

/**
 * `evaluate` is the evaluation date: up, down (after retention, manual tiers and grace) or kept.
 * `upgrade` is the order path: only up, or back out of grace by requalifying. Downgrades never happen there.
 */
export type DecisionMode = 'evaluate' | 'upgrade';

export type Outcome = 'upgraded' | 'downgraded' | 'retained' | 'grace_started' | 'none';

export interface Decision {
  member_id: string;
  cur_rank: number;
  new_rank: number;
  q_rank: number;
  /** Where a downgrade would go by the ladder's policy. */
  target_rank: number;
  outcome: Outcome;
  reason: string;
  metrics: Record<string, number | null>;
}

export const windowKey = (w: TierWindow) => (w.kind === 'rolling_months' ? `rolling_${w.months}m` : w.kind);
export const metricKey = (metric: TierMetric, w: TierWindow) => `${metric}@${windowKey(w)}`;
const column = (metric: TierMetric, w: TierWindow) => sql.ref(`m_${metric}_${windowKey(w)}`);

export function conditionsOf(rules: TierRules | null): TierCondition[] {
  if (!rules) return [];
  const out: TierCondition[] = [];
  const walk = (group: TierGroup | TierInnerGroup) => {
    for (const item of group.items) 'metric' in item ? out.push(item) : walk(item);
  };
  for (const tier of rules.tiers) {
    walk(tier.qualify);
    if (tier.retain) walk(tier.retain);
  }
  return out;
}

/** Metrics every ladder reports besides what its rules test, so progress always has something to show. */
const baseline: TierCondition[] = [
  { metric: 'spend_fen', op: 'gte', value: 0, window: { kind: 'calendar_year' } },
  { metric: 'orders', op: 'gte', value: 0, window: { kind: 'calendar_year' } },
];

/** The distinct (metric, window) pairs a pass computes. */
export function metricsOf(rules: TierRules | null): { metric: TierMetric; window: TierWindow }[] {
  const seen = new Map<string, { metric: TierMetric; window: TierWindow }>();
  for (const c of [...baseline, ...conditionsOf(rules)]) seen.set(metricKey(c.metric, c.window), { metric: c.metric, window: c.window });
  return [...seen.values()];
}

/** Where a pass takes its metric values from: aggregated inline for the given members, or from prepareMetrics. */
export type MetricsSource = 'inline' | 'prepared';

/** The temporary table of a run's or simulation's session (prepareMetrics). */
const PREPARED = 'tier_eval_metrics';

/**
 * The metric values of every (metric, window) the rules use, one row per member with orders (or points) in
 * the windows, as one GROUP BY over orders (and points earned). The same expressions serve one member on
 * the order path and every member of a tenant in an evaluation run, so both decide alike.
 */
export function metricsAggregateSql(ladder: Ladder, asOf: Date, mode: DecisionMode, memberFilter: (column: RawBuilder<string>) => RawBuilder<boolean>): RawBuilder<Record<string, unknown>> {
  const tz = ladder.timeZone;
  const metrics = metricsOf(ladder.rules);
  // A window is the period that contains the instant just before asOf: at Jan 1 00:00 the calendar year is the
  // one that just ended; on the order path, the one in progress.
  const anchor = new Date(asOf.getTime() - 1);
  const local = DateTime.fromJSDate(anchor, { zone: tz });
  const anniversary = metrics.some((m) => m.window.kind === 'anniversary_year');
  const annStart = sql<Date>`(date_trunc('day', m.registered_at at time zone ${tz})
      + make_interval(years => greatest(0, extract(year from age(${anchor}::timestamptz at time zone ${tz}, date_trunc('day', m.registered_at at time zone ${tz})))::int))) at time zone ${tz}`;
  const startOf = (w: TierWindow): RawBuilder<Date> => {
    if (w.kind === 'calendar_year') return sql`${local.startOf('year').toJSDate()}::timestamptz`;
    if (w.kind === 'rolling_months') return sql`${DateTime.fromJSDate(asOf, { zone: tz }).minus({ months: w.months }).toJSDate()}::timestamptz`;
    return annStart;
  };
  const starts = metrics.map((m) => startOf(m.window));
  const lowest = starts.length === 1 ? starts[0]! : sql`least(${sql.join(starts)})`;
  const inWindow = (w: TierWindow) => sql`o.occurred_at >= ${startOf(w)}`;
  const kept = sql`o.status <> 'refunded'`;
  const localDay = sql`(o.occurred_at at time zone ${tz})::date`;
  const orderMetric = (metric: TierMetric, w: TierWindow): RawBuilder<unknown> | null => {
    switch (metric) {
      case 'spend_fen':
        return sql`coalesce(sum(o.total_paid_fen - o.refunded_fen) filter (where ${inWindow(w)}), 0)::bigint`;
      case 'orders':
        return sql`count(o.id) filter (where ${inWindow(w)} and ${kept})::int`;
      case 'visit_days':
        return sql`count(distinct ${localDay}) filter (where ${inWindow(w)} and ${kept})::int`;
      case 'visit_months':
        return sql`count(distinct date_trunc('month', o.occurred_at at time zone ${tz})) filter (where ${inWindow(w)} and ${kept})::int`;
      case 'days_since_last_purchase':
        return sql`((${asOf}::timestamptz at time zone ${tz})::date - max(${localDay}) filter (where ${inWindow(w)} and ${kept}))::int`;
      default:
        return null;
    }
  };
  const orderMetrics = metrics.filter((m) => orderMetric(m.metric, m.window));
  const pointsMetrics = metrics.filter((m) => m.metric === 'points_earned');
  const members = (alias: string) => (anniversary ? sql`join members m on m.tenant_id = ${sql.ref(`${alias}.tenant_id`)} and m.id = ${sql.ref(`${alias}.member_id`)}` : sql``);
  // The evaluation counts what happened before its instant; the order path counts everything so far,
  // the order being decided included (its time may be a moment ahead of this server's clock).
  const upTo = mode === 'evaluate' ? sql`and o.occurred_at < ${asOf}::timestamptz` : sql``;
  const orders = sql<Record<string, unknown>>`
    select o.member_id, ${sql.join(orderMetrics.map((m) => sql`${orderMetric(m.metric, m.window)} as ${column(m.metric, m.window)}`))}
    from orders o ${members('o')}
    where o.tenant_id = ${ladder.tenantId} and o.member_id is not null and ${memberFilter(sql.ref('o.member_id'))}
      and o.occurred_at >= ${lowest} ${upTo}
    group by o.member_id`;
  if (!pointsMetrics.length) return orders;
  const anchorDay = sql`(${anchor}::timestamptz at time zone ${tz})::date`;
  const points = sql<Record<string, unknown>>`
    select p.member_id, ${sql.join(pointsMetrics.map((m) => sql`coalesce(sum(p.points) filter (where p.business_day >= (${startOf(m.window)} at time zone ${tz})::date), 0)::bigint as ${column(m.metric, m.window)}`))}
    from points_transactions p ${members('p')}
    where p.tenant_id = ${ladder.tenantId} and p.kind = 'earn' and ${memberFilter(sql.ref('p.member_id'))}
      and p.business_day >= (${lowest} at time zone ${tz})::date ${mode === 'evaluate' ? sql`and p.business_day <= ${anchorDay}` : sql``}
    group by p.member_id`;
  return sql`
    select coalesce(oa.member_id, pa.member_id) as member_id,
      ${sql.join([...orderMetrics.map((m) => sql`oa.${column(m.metric, m.window)}`), ...pointsMetrics.map((m) => sql`pa.${column(m.metric, m.window)}`)])}
    from (${orders}) oa full join (${points}) pa on pa.member_id = oa.member_id`;
}

/**
 * Aggregates the metrics of every member of the tenant (after `after`, when a run resumes) into a temporary
 * table of this session, in one GROUP BY like the bare SQL would, so that a run's chunks then read them by
 * key instead of aggregating orders member by member. The caller holds one connection for the whole pass.
 */
export async function prepareMetrics(conn: Db, ladder: Ladder, asOf: Date, mode: DecisionMode, after: string | null) {
  await dropMetrics(conn);
  const filter = (col: RawBuilder<string>) => (after ? sql<boolean>`${col} > ${after}::uuid` : sql<boolean>`true`);
  await sql`create temporary table ${sql.table(PREPARED)} as ${metricsAggregateSql(ladder, asOf, mode, filter)}`.execute(conn);
  await sql`alter table ${sql.table(PREPARED)} add primary key (member_id)`.execute(conn);
  await sql`analyze ${sql.table(PREPARED)}`.execute(conn);
}

export async function dropMetrics(conn: Db) {
  await sql`drop table if exists ${sql.table(PREPARED)}`.execute(conn);
}

/**
 * The decisions for a key-ordered set of members as of an instant, as one SQL statement: their metric values
 * (inline or prepared), the highest tier whose qualification holds, whether the current tier's retention
 * holds, and, from the member's current tier, manual tier and grace, the outcome. Simulation runs exactly
 * this; evaluation and the order path run it and write its outcome (applyDecisions), so a simulation is
 * what publishing then does.
 */
export function decisionsSql(ladder: Ladder, asOf: Date, mode: DecisionMode, members: MemberSelection, source: MetricsSource): RawBuilder<Decision> {
  const metrics = metricsOf(ladder.rules);
  const ids = [...members.ids].sort();
  // The chunk is a key range: every lookup below is an index range scan, never a pass over the tenant.
  const first = ids[0]!;
  const last = ids.at(-1)!;
  const inChunk = (col: RawBuilder<string>) => sql<boolean>`${col} between ${first}::uuid and ${last}::uuid and ${col} = any(${ids}::uuid[])`;
  const values =
    source === 'inline'
      ? metricsAggregateSql(ladder, asOf, mode, inChunk)
      : sql`select * from ${sql.table(PREPARED)} p where p.member_id between ${first}::uuid and ${last}::uuid`;
  // Paid membership: 1 while the member holds one at the decision's instant (the evaluation's window ends
  // just before asOf; the order path decides at asOf), whatever the window. The membership module owns the
  // rule (entitlementIntervalsSql); this reads it set-based for the whole chunk in the decision statement,
  // as the metrics read orders, instead of asking isPaidMember member by member.
  const paidAt = mode === 'evaluate' ? new Date(asOf.getTime() - 1) : asOf;
  const paidMembers = paidMembersAtSql(ladder.tenantId, paidAt, inChunk);
  const columns = metrics.map((m) => {
    const col = column(m.metric, m.window);
    if (m.metric === 'paid_membership') return sql`(c.member_id in (${paidMembers}))::int as ${col}`;
    // Referrals arrive with their own module; until then they are 0 for everyone.
    if (m.metric === 'referrals') return sql`0::int as ${col}`;
    if (m.metric === 'days_since_last_purchase') return sql`x.${col}`;
    return sql`coalesce(x.${col}, 0) as ${col}`;
  });

  const ranks = [...ladder.tiers].sort((a, b) => b.rank - a.rank).filter((t) => t.rank > 0);
  const rulesByCode = new Map((ladder.rules?.tiers ?? []).map((t) => [t.code, t]));
  const qualifies = ranks.map((t) => {
    const rule = rulesByCode.get(t.code);
    return sql`when ${rule ? groupSql(rule.qualify) : sql`false`} then ${sql.lit(t.rank)}`;
  });
  const retains = ranks.map((t) => {
    const rule = rulesByCode.get(t.code);
    return sql`when ${sql.lit(t.rank)} then ${rule?.retain ? groupSql(rule.retain) : sql`false`}`;
  });
  const qRank = qualifies.length ? sql`case ${sql.join(qualifies, sql` `)} else 0 end` : sql`0`;
  const retainOk = retains.length ? sql`case s.cur_rank ${sql.join(retains, sql` `)} else false end` : sql`false`;
  const target = ladder.downgradePolicy === 'one_level' ? sql`greatest(q.q_rank, q.cur_rank - 1)` : sql`q.q_rank`;
  const manualActive = sql`(q.manual_until is not null and q.manual_until > ${asOf}::timestamptz)`;
  const outcome =
    mode === 'evaluate'
      ? // A tier set at or after the evaluation instant (an order just after midnight upgraded the member, or
        // this very evaluation already ran for them) is not the evaluation's to change.
        sql`case
          when q.since >= ${asOf}::timestamptz then 'none'
          when q.q_rank > q.cur_rank then 'upgraded'
          when q.q_rank = q.cur_rank and q.cur_rank > 0 then 'retained'
          when q.q_rank >= q.cur_rank then 'none'
          when ${manualActive} then 'none'
          when q.retain_ok then 'retained'
          when q.grace_until is not null then 'none'
          when ${sql.lit(ladder.graceDays)} > 0 then 'grace_started'
          else 'downgraded' end`
      : sql`case
          when q.q_rank > q.cur_rank then 'upgraded'
          when q.q_rank = q.cur_rank and q.cur_rank > 0 and q.grace_until is not null then 'retained'
          else 'none' end`;
  const reason = sql`case
      when q.q_rank > q.cur_rank then 'qualified'
      when q.q_rank = q.cur_rank then case when q.grace_until is not null then 'requalified' else 'qualified' end
      when ${manualActive} then 'manual'
      when q.retain_ok then 'retention'
      when q.grace_until is not null then 'in_grace'
      else 'not_qualified' end`;
  const metricsJson = sql`jsonb_build_object(${sql.join(metrics.map((m) => sql`${sql.lit(metricKey(m.metric, m.window))}::text, q.${column(m.metric, m.window)}`))})`;

  return sql<Decision>`
    with c as (
      select m.id as member_id from members m where m.tenant_id = ${ladder.tenantId} and ${inChunk(sql.ref('m.id'))}
    ),
    x as (${values}),
    a as (select c.member_id, ${sql.join(columns)} from c left join x on x.member_id = c.member_id),
    s as (
      select a.*, coalesce(t.rank, 0) as cur_rank, mt.tier_id as cur_tier_id, mt.since, mt.updated_at as read_at,
        mt.manual_until, mt.manual_reason, mt.manual_earned_rank, mt.grace_until, mt.grace_tier_id
      from a
      left join member_tiers mt on mt.tenant_id = ${ladder.tenantId} and mt.member_id = a.member_id and mt.program_id = ${ladder.programId}
        and mt.member_id between ${first}::uuid and ${last}::uuid
      left join tiers t on t.tenant_id = ${ladder.tenantId} and t.program_id = ${ladder.programId} and t.id = mt.tier_id
    ),
    q as (select s.*, ${qRank} as q_rank, ${retainOk} as retain_ok from s),
    d as (
      select q.*, ${outcome} as outcome, ${reason} as reason, ${target} as target_rank, ${metricsJson} as metrics from q
    )
    select d.*, case d.outcome when 'upgraded' then d.q_rank when 'downgraded' then d.target_rank else d.cur_rank end as new_rank from d`;
}

function groupSql(group: TierGroup | TierInnerGroup): RawBuilder<boolean> {
  const parts = group.items.map((item) => ('metric' in item ? conditionSql(item) : groupSql(item)));
  return sql`(${sql.join(parts, group.op === 'all' ? sql` and ` : sql` or `)})`;
}

function conditionSql(c: TierCondition): RawBuilder<boolean> {
  const col = column(c.metric, c.window);
  // No purchase in the window: infinitely long ago for recency, zero for everything else.
  const value = c.metric === 'days_since_last_purchase' ? sql`coalesce(${col}, 2147483647)` : sql`coalesce(${col}, 0)`;
  return c.op === 'gte' ? sql`${value} >= ${sql.lit(c.value)}` : sql`${value} <= ${sql.lit(c.value)}`;
}

/** Reads decisions without writing anything (simulation, progress). */
export async function readDecisions(db: Db, ladder: Ladder, asOf: Date, mode: DecisionMode, members: MemberSelection, source: MetricsSource = 'inline'): Promise<Decision[]> {
  if (!members.ids.length) return [];
  const { rows } = await decisionsSql(ladder, asOf, mode, members, source).execute(db);
  return rows.map((r) => ({ ...r, cur_rank: Number(r.cur_rank), new_rank: Number(r.new_rank), q_rank: Number(r.q_rank), target_rank: Number(r.target_rank), metrics: numeric(r.metrics) }));
}

export function numeric(metrics: unknown): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const [k, v] of Object.entries((metrics ?? {}) as Record<string, unknown>)) out[k] = v === null ? null : Number(v);
  return out;
}
