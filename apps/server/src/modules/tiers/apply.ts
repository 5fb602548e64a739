import { sql, type RawBuilder } from 'kysely';
import { DateTime } from 'luxon';
import { v7 as uuidv7 } from 'uuid';
import type { TierRules } from '@hearth/contracts/tiers';
import type { Db } from '../../db/database.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { emitEvents, subscriberJobsSql } from '../../jobs/outbox.ts';
import { decisionsSql, numeric, type DecisionMode, type Ladder, type MetricsSource, type Outcome } from './evaluate.ts';
import { gapFor } from './progress.ts';

export const tiersActor: RequestContext['actor'] = { type: 'system', id: null, label: 'tier evaluation', role: null, permissions: new Set() };

/**
 * The ladders of a tenant with the rule version in force at `at` (one statement: it runs on every order).
 * `programId` narrows to one ladder, `activeOnly` skips paused ones. `lockMembers` (the order path) also
 * creates or locks those members' rows of every returned ladder that has rules, in key order, in the
 * same statement (as lockOrCreateMemberTiers).
 */
export async function loadLadders(db: Db, tenantId: string, at: Date, options: { programId?: string; activeOnly?: boolean; lockMembers?: readonly string[] } = {}): Promise<Ladder[]> {
  const lock = options.lockMembers?.length
    ? sql`with locked as (${lockOrCreateSql(tenantId, sql`select m.id as member_id from unnest(${[...options.lockMembers].sort()}::uuid[]) as m(id)`, at, options)}) `
    : sql``;
  const { rows } = await sql<{
    id: string;
    evaluation: Ladder['evaluation'];
    downgrade_policy: Ladder['downgradePolicy'];
    grace_days: number;
    notice_days: number;
    time_zone: string;
    tiers: Ladder['tiers'];
    rules: TierRules | null;
    version: number | null;
  }>`
    ${lock}select p.id, p.evaluation, p.downgrade_policy, p.grace_days, p.notice_days, tn.time_zone,
      (select jsonb_agg(jsonb_build_object('id', t.id, 'code', t.code, 'rank', t.rank, 'name', t.name) order by t.rank)
       from tiers t where t.tenant_id = p.tenant_id and t.program_id = p.id) as tiers,
      r.rules, r.version
    from tier_programs p
    join tenants tn on tn.id = p.tenant_id
    left join lateral (
      select v.rules, v.version from tier_rule_versions v
      where v.tenant_id = p.tenant_id and v.program_id = p.id and v.effective_from <= ${at}::timestamptz
      order by v.effective_from desc, v.version desc limit 1) r on true
    where p.tenant_id = ${tenantId}
      ${options.programId ? sql`and p.id = ${options.programId}` : sql``}
      ${options.activeOnly ? sql`and p.status = 'active'` : sql``}
    order by p.created_at, p.id`.execute(db);
  return rows.map((r) => ({
    tenantId,
    programId: r.id,
    timeZone: r.time_zone,
    evaluation: r.evaluation,
    downgradePolicy: r.downgrade_policy,
    graceDays: r.grace_days,
    noticeDays: r.notice_days,
    tiers: r.tiers ?? [],
    rules: r.rules,
    ruleVersion: r.version,
  }));
}

/**
 * Locks the members' tier rows for this ladder in key order (the per-member lock every tier change takes).
 * Members without a row are in the entry tier; applyDecisions only inserts theirs if nobody did meanwhile.
 */
export async function lockMemberTiers(trx: Db, ladder: Ladder, memberIds: readonly string[]) {
  const ids = [...memberIds].sort();
  await sql`select 1 from member_tiers where tenant_id = ${ladder.tenantId} and member_id between ${ids[0]}::uuid and ${ids.at(-1)}::uuid
    and member_id = any(${ids}::uuid[]) and program_id = ${ladder.programId}
    order by member_id for update`.execute(trx);
}

/**
 * On the order path: creates the members' rows if needed, which also locks them until the order commits
 * (in key order, so two batches sharing members cannot deadlock).
 */
export async function lockOrCreateMemberTiers(trx: Db, ladder: Ladder, memberIds: readonly string[], now: Date) {
  const entry = ladder.tiers[0]!;
  await sql`insert into member_tiers (tenant_id, member_id, program_id, tier_id, since, rule_version)
    select ${ladder.tenantId}, m.id, ${ladder.programId}, ${entry.id}, ${now}, ${ladder.ruleVersion}::int from unnest(${[...memberIds].sort()}::uuid[]) as m(id) order by m.id
    on conflict (tenant_id, member_id, program_id) do update set updated_at = member_tiers.updated_at`.execute(trx);
}

/**
 * lockOrCreateMemberTiers for the members selected by `members` (a query of member_id) in every ladder of
 * the tenant with rules in force at `now`, as a statement to embed as a CTE: it returns each locked row's
 * (member_id, program_id, tier_id), read after the lock (so the latest committed tier).
 */
export function lockOrCreateSql(tenantId: string, members: RawBuilder<unknown>, now: Date, options: { programId?: string; activeOnly?: boolean } = { activeOnly: true }): RawBuilder<unknown> {
  return sql`insert into member_tiers (tenant_id, member_id, program_id, tier_id, since, rule_version)
    select p.tenant_id, a.member_id, p.id, e.id, ${now}::timestamptz, r.version
    from (${members}) a
    cross join tier_programs p
    join tiers e on e.tenant_id = p.tenant_id and e.program_id = p.id and e.rank = 0
    join lateral (
      select v.version from tier_rule_versions v
      where v.tenant_id = p.tenant_id and v.program_id = p.id and v.effective_from <= ${now}::timestamptz
      order by v.effective_from desc, v.version desc limit 1) r on true
    where p.tenant_id = ${tenantId}
      ${options.programId ? sql`and p.id = ${options.programId}` : sql``}
      ${options.activeOnly ? sql`and p.status = 'active'` : sql``}
    order by a.member_id, p.id
    on conflict (tenant_id, member_id, program_id) do update set updated_at = member_tiers.updated_at
    returning member_id, program_id, tier_id`;
}

export interface AppliedChange {
  member_id: string;
  outcome: Exclude<Outcome, 'none'>;
  reason: string;
  cur_rank: number;
  new_rank: number;
  target_rank: number;
  grace_until: Date | null;
  metrics: Record<string, number | null>;
}

/**
 * Decides and writes in one statement: the decisions of decisionsSql, then the members' tier rows, their
 * history (with the reason, rule version and metric values) — and, from the returned changes, the events.
 * Existing rows were locked before (lockMemberTiers); a row that appeared meanwhile was made by a concurrent
 * order, which decided for that member itself, so the insert leaves it alone.
 */
export async function applyDecisions(
  trx: Db,
  deps: Pick<AppDeps, 'jobs'>,
  ladder: Ladder,
  asOf: Date,
  mode: DecisionMode,
  memberIds: readonly string[],
  meta: { runId: string | null; actor: RequestContext['actor']; source?: MetricsSource },
): Promise<AppliedChange[]> {
  if (!memberIds.length) return [];
  const historyIds = memberIds.map(() => uuidv7());
  const eventIds = memberIds.map(() => uuidv7());
  // Events and their subscribers' jobs go in the same statement (as on the points hot paths).
  // tier.expiring_soon carries what keeps the tier, computed here, so it goes through emitEvents.
  const inlineTypes = ['tier.upgraded', 'tier.downgraded', 'tier.retained'];
  const graceUntil = ladder.graceDays > 0 ? DateTime.fromJSDate(asOf, { zone: ladder.timeZone }).plus({ days: ladder.graceDays }).toJSDate() : null;
  const entryId = ladder.tiers[0]!.id;
  // The members' key range, so the update reads the chunk's rows by the primary key, not the whole ladder's.
  const sortedIds = [...memberIds].sort();
  const [firstId, lastId] = [sortedIds[0]!, sortedIds.at(-1)!];
  const { rows } = await sql<AppliedChange & { metrics: unknown }>`
    with d as (${decisionsSql(ladder, asOf, mode, { ids: memberIds }, meta.source ?? 'inline')}),
    ch as (
      select d.*, nt.id as new_tier_id, nt.code as new_code, ft.code as from_code, gt.id as target_tier_id, h.history_id, h.event_id
      from d
      join tiers nt on nt.tenant_id = ${ladder.tenantId} and nt.program_id = ${ladder.programId} and nt.rank = d.new_rank
      join tiers ft on ft.tenant_id = ${ladder.tenantId} and ft.program_id = ${ladder.programId} and ft.rank = d.cur_rank
      left join tiers gt on gt.tenant_id = ${ladder.tenantId} and gt.program_id = ${ladder.programId} and gt.rank = d.target_rank
      join unnest(${memberIds}::uuid[], ${historyIds}::uuid[], ${eventIds}::uuid[]) as h(member_id, history_id, event_id) on h.member_id = d.member_id
      where d.outcome <> 'none'
    ),
    -- Members without a row: a concurrent order that created one meanwhile has decided for them already.
    ins as (
      insert into member_tiers (tenant_id, member_id, program_id, tier_id, since, rule_version, grace_until, grace_tier_id)
      select ${ladder.tenantId}, ch.member_id, ${ladder.programId}, ch.new_tier_id, ${asOf}::timestamptz, ${ladder.ruleVersion}::int,
        case when ch.outcome = 'grace_started' then ${graceUntil}::timestamptz end, case when ch.outcome = 'grace_started' then ch.target_tier_id end
      from ch where ch.read_at is null
      on conflict (tenant_id, member_id, program_id) do nothing
      returning member_id
    ),
    upd as (
      update member_tiers mt set tier_id = ch.new_tier_id,
        since = case when ch.new_rank <> ch.cur_rank then ${asOf}::timestamptz else mt.since end,
        rule_version = ${ladder.ruleVersion}::int, manual_until = null, manual_reason = null, manual_earned_rank = null,
        grace_until = case when ch.outcome = 'grace_started' then ${graceUntil}::timestamptz end,
        grace_tier_id = case when ch.outcome = 'grace_started' then ch.target_tier_id end,
        updated_at = now()
      from ch
      -- a plain retention changes nothing in the row: only its history entry and event are written
      where ch.read_at is not null and (ch.outcome <> 'retained' or ch.grace_until is not null or ch.manual_until is not null) and mt.tenant_id = ${ladder.tenantId} and mt.member_id = ch.member_id and mt.program_id = ${ladder.programId}
        and mt.member_id between ${firstId}::uuid and ${lastId}::uuid
      returning mt.member_id
    ),
    up as (
      select member_id from ins union all select member_id from upd
      union all select member_id from ch where ch.read_at is not null and ch.outcome = 'retained' and ch.grace_until is null and ch.manual_until is null
    ),
    h as (
      insert into tier_history (tenant_id, member_id, program_id, id, kind, from_tier_id, to_tier_id, reason, rule_version, metrics, run_id, actor, at)
      select ${ladder.tenantId}, ch.member_id, ${ladder.programId}, ch.history_id, ch.outcome, coalesce(ch.cur_tier_id, ${entryId}::uuid), ch.new_tier_id,
        case when ch.outcome = 'grace_started' then 'grace until ' || ${graceUntil?.toISOString() ?? ''}::text else ch.reason end,
        ${ladder.ruleVersion}::int, ch.metrics, ${meta.runId}::uuid, ${meta.actor.label}, ${asOf}::timestamptz
      from ch join up using (member_id)
    ),
    e as (
      insert into domain_events (tenant_id, id, type, payload, actor_type, actor_id)
      select ${ladder.tenantId}, ch.event_id, 'tier.' || ch.outcome,
        jsonb_build_object('member_id', ch.member_id, 'program_id', ${ladder.programId}::text, 'from', ch.from_code, 'to', ch.new_code, 'reason', ch.reason,
          'rule_version', ${ladder.ruleVersion}::int, 'at', ${asOf.toISOString()}::text),
        ${meta.actor.type}, ${meta.actor.id}::text
      from ch join up using (member_id)
      where ch.outcome <> 'grace_started'
      returning tenant_id, id, type, payload, occurred_at
    ),
    j as (${subscriberJobsSql(deps.jobs, 'e', eventIds.map((id) => ({ id, types: inlineTypes })))})
    select ch.member_id, ch.outcome, ch.reason, ch.cur_rank, ch.new_rank, ch.target_rank, case when ch.outcome = 'grace_started' then ch.metrics end as metrics,
      case when ch.outcome = 'grace_started' then ${graceUntil}::timestamptz end as grace_until
    from ch join up using (member_id)`.execute(trx);
  const changes = rows.map((r) => ({ ...r, cur_rank: Number(r.cur_rank), new_rank: Number(r.new_rank), target_rank: Number(r.target_rank), metrics: numeric(r.metrics) }));
  await emitEvents(trx, deps.jobs, meta.actor, changes.filter((c) => c.outcome === 'grace_started').map((c) => changeEvent(ladder, c, asOf)));
  return changes;
}

const eventTypes: Record<AppliedChange['outcome'], string> = {
  upgraded: 'tier.upgraded',
  downgraded: 'tier.downgraded',
  retained: 'tier.retained',
  grace_started: 'tier.expiring_soon',
};

export function changeEvent(ladder: Ladder, c: AppliedChange, asOf: Date) {
  const code = (rank: number) => ladder.tiers[rank]?.code ?? null;
  const payload: Record<string, unknown> = {
    member_id: c.member_id,
    program_id: ladder.programId,
    from: code(c.cur_rank),
    to: code(c.outcome === 'grace_started' ? c.cur_rank : c.new_rank),
    reason: c.reason,
    rule_version: ladder.ruleVersion,
    at: asOf.toISOString(),
  };
  if (c.outcome === 'grace_started') Object.assign(payload, expiringPayload(ladder, c.cur_rank, c.target_rank, c.grace_until!, c.metrics));
  return { tenantId: ladder.tenantId, type: eventTypes[c.outcome], payload };
}

/** What tier.expiring_soon carries: the tier, what it would become and when, and what keeps it. */
export function expiringPayload(ladder: Ladder, curRank: number, targetRank: number, at: Date, metrics: Record<string, number | null>) {
  const keep = gapFor(ladder, curRank, 'keep', metrics);
  return { tier: ladder.tiers[curRank]?.code, downgrade_to: ladder.tiers[targetRank]?.code, downgrade_at: at.toISOString(), needed: keep?.options ?? [], message: keep?.message ?? null };
}
