import { sql } from 'kysely';
import { lifecycleSettingsSchema, lifecycleStages, type LifecycleSettings, type LifecycleStage } from '@hearth/contracts/segments';
import type { Db } from '../../db/database.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { recordAudit } from '../audit/audit.service.ts';
import './segments.tables.ts';

export const defaultLifecycleSettings: LifecycleSettings = lifecycleSettingsSchema.parse({});

export async function getLifecycleSettings(db: Db, tenantId: string): Promise<LifecycleSettings> {
  const row = await db.selectFrom('lifecycle_settings').select('settings').where('tenant_id', '=', tenantId).executeTakeFirst();
  return row ? lifecycleSettingsSchema.parse(row.settings) : defaultLifecycleSettings;
}

/** New thresholds apply from the next recomputation, which this starts at once. */
export async function updateLifecycleSettings(deps: AppDeps, ctx: RequestContext, settings: LifecycleSettings) {
  return withTransaction(deps.db, async (trx) => {
    await trx
      .insertInto('lifecycle_settings')
      .values({ tenant_id: ctx.tenantId, settings: JSON.stringify(settings) })
      .onConflict((oc) => oc.column('tenant_id').doUpdateSet({ settings: JSON.stringify(settings), updated_at: sql`now()` }))
      .execute();
    await recordAudit(trx, ctx, { action: 'lifecycle.settings_update', resourceType: 'lifecycle_settings', resourceId: ctx.tenantId, details: settings as unknown as Record<string, unknown> });
    return settings;
  });
}

/**
 * Recomputes the lifecycle stage of the given members (all when omitted) as of `now`, in one statement,
 * records each change of stage, and returns the members whose stage changed.
 *
 * A member's usual interval is the mean gap between their purchases ((last − first) / (orders − 1), at
 * least min_interval_days); with two or more orders they are at risk, dormant or lost once the time since
 * their last order exceeds at_risk_k, dormant_k or lost_k times that interval, otherwise after the
 * tenant's fixed day thresholds. Won back: their last order ended a gap that had made them dormant, and
 * came within won_back_days. New: registered, or first bought, within new_days (members who never
 * bought stay new until the at-risk threshold). Fully refunded orders do not count.
 */
export async function refreshLifecycle(trx: Db, tenantId: string, now: Date, memberIds?: readonly string[]): Promise<{ memberId: string; from: LifecycleStage | null; to: LifecycleStage | null }[]> {
  const s = await getLifecycleSettings(trx, tenantId);
  const only = (column: string) => (memberIds ? sql`and ${sql.ref(column)} = any(${[...memberIds]}::uuid[])` : sql``);
  const days = (from: unknown) => sql`(extract(epoch from (${now}::timestamptz - ${from})) / 86400.0)`;
  const result = await sql<{ member_id: string; from_stage: LifecycleStage | null; to_stage: LifecycleStage | null }>`
    with stats as (
      select m.id as member_id, m.registered_at, count(o.id)::int as n, min(o.occurred_at) as first_at, max(o.occurred_at) as last_at,
        (array_agg(o.occurred_at order by o.occurred_at desc))[2] as prev_at
      from members m
      left join orders o on o.tenant_id = m.tenant_id and o.member_id = m.id and o.status <> 'refunded' and o.occurred_at <= ${now}
      where m.tenant_id = ${tenantId} and m.status in ('active', 'frozen') ${only('m.id')}
      group by m.id, m.registered_at
    ),
    measured as (
      select member_id, n, ${days(sql`registered_at`)} as since_registered, ${days(sql`first_at`)} as since_first, ${days(sql`last_at`)} as gap,
        case when n >= 2 then greatest(extract(epoch from (last_at - first_at)) / 86400.0 / (n - 1), ${s.min_interval_days}) end as usual,
        case when n >= 2 then extract(epoch from (last_at - prev_at)) / 86400.0 end as last_gap,
        case when n >= 3 then ${s.dormant_k}::numeric * greatest(extract(epoch from (prev_at - first_at)) / 86400.0 / (n - 2), ${s.min_interval_days})
             else ${s.dormant_days} end as dormant_before_last
      from stats
    ),
    computed as (
      select member_id, case
        when n = 0 then case
          when since_registered >= ${s.lost_days} then 'lost' when since_registered >= ${s.dormant_days} then 'dormant'
          when since_registered >= ${s.at_risk_days} then 'at_risk' else 'new' end
        when gap >= coalesce(${s.lost_k}::numeric * usual, ${s.lost_days}) then 'lost'
        when gap >= coalesce(${s.dormant_k}::numeric * usual, ${s.dormant_days}) then 'dormant'
        when gap >= coalesce(${s.at_risk_k}::numeric * usual, ${s.at_risk_days}) then 'at_risk'
        when n >= 2 and last_gap >= dormant_before_last and gap < ${s.won_back_days} then 'won_back'
        when since_registered < ${s.new_days} or (n = 1 and since_first < ${s.new_days}) then 'new'
        else 'active' end as stage
      from measured
    ),
    diff as (
      select coalesce(c.member_id, l.member_id) as member_id, l.stage as from_stage, c.stage as to_stage
      from computed c
      full join (select member_id, stage from member_lifecycle where tenant_id = ${tenantId} ${only('member_id')}) l on l.member_id = c.member_id
      where l.stage is distinct from c.stage
    ),
    upserted as (
      insert into member_lifecycle (tenant_id, member_id, stage, since)
      select ${tenantId}, member_id, to_stage, ${now} from diff where to_stage is not null
      on conflict (tenant_id, member_id) do update set stage = excluded.stage, since = excluded.since
    ),
    removed as (
      delete from member_lifecycle l using diff d where l.tenant_id = ${tenantId} and l.member_id = d.member_id and d.to_stage is null
    ),
    transitions as (
      insert into lifecycle_transitions (tenant_id, member_id, occurred_at, from_stage, to_stage)
      select ${tenantId}, member_id, ${now}, from_stage, to_stage from diff where to_stage is not null
      on conflict (tenant_id, member_id, occurred_at) do update set to_stage = excluded.to_stage
    )
    select member_id, from_stage, to_stage from diff`.execute(trx);
  return result.rows.map((r) => ({ memberId: r.member_id, from: r.from_stage, to: r.to_stage }));
}

export async function lifecycleSummary(deps: AppDeps, ctx: RequestContext) {
  const rows = await deps.db
    .selectFrom('member_lifecycle')
    .select(['stage', sql<number>`count(*)::int`.as('members'), sql<Date | null>`max(since)`.as('latest')])
    .where('tenant_id', '=', ctx.tenantId)
    .groupBy('stage')
    .execute();
  const counts = new Map(rows.map((r) => [r.stage, r.members]));
  const latest = rows.reduce<Date | null>((a, r) => (r.latest && (!a || r.latest > a) ? r.latest : a), null);
  return { computed_at: latest?.toISOString() ?? null, stages: lifecycleStages.map((stage) => ({ stage, members: counts.get(stage) ?? 0 })) };
}

/** How many members moved from one stage to another in each of the last N months (tenant calendar). */
export async function lifecycleFlow(deps: AppDeps, ctx: RequestContext, months: number) {
  const tenant = await deps.db.selectFrom('tenants').select('time_zone').where('id', '=', ctx.tenantId).executeTakeFirstOrThrow();
  const rows = await sql<{ month: string; from_stage: LifecycleStage | null; to_stage: LifecycleStage; members: number }>`
    select to_char(occurred_at at time zone ${tenant.time_zone}, 'YYYY-MM') as month, from_stage, to_stage, count(*)::int as members
    from lifecycle_transitions
    where tenant_id = ${ctx.tenantId}
      and occurred_at >= (date_trunc('month', ${deps.clock.now()}::timestamptz at time zone ${tenant.time_zone}) - make_interval(months => ${months - 1})) at time zone ${tenant.time_zone}
    group by 1, 2, 3
    order by 1, 2 nulls first, 3`.execute(deps.db);
  const byMonth = new Map<string, { from: LifecycleStage | null; to: LifecycleStage; members: number }[]>();
  for (const r of rows.rows) byMonth.set(r.month, [...(byMonth.get(r.month) ?? []), { from: r.from_stage, to: r.to_stage, members: r.members }]);
  return { months: [...byMonth].map(([month, flows]) => ({ month, flows })) };
}
