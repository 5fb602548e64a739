import { sql } from 'kysely';
import type { InfluenceMember } from '@hearth/contracts/analytics';
import type { Db } from '../../db/database.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { dayWindow, revenueByMember } from './pareto.service.ts';
import { loadAnalyticsSetup } from './settings.service.ts';

declare module '../../db/schema.ts' {
  interface DB {
    member_analytics: {
      tenant_id: string;
      member_id: string;
      window_revenue_fen: number;
      heavy_user: boolean;
      influence_score: number;
      influence_index: number;
      influence_events: string | Record<string, number>;
      computed_at: Date;
    };
  }
}

/**
 * Recomputes every member's heavy-user flag (top share of buyers by revenue in the Pareto window) and
 * influence index in one statement: the influence score is the weighted count of the tenant's chosen
 * behaviour events (shares, reviews, event attendance …) in the influence window, and the index is its
 * percentile among members with a score. Referrals and the revenue referred members brought have
 * weights already, but Hearth records no referrals yet, so they add nothing until that module exists.
 */
export async function refreshMemberAnalytics(deps: Pick<AppDeps, 'db' | 'clock'>, tenantId: string) {
  const { settings, timeZone } = await loadAnalyticsSetup(deps.db, tenantId);
  const pareto = dayWindow(deps, timeZone, {}, settings.pareto_window_days);
  const influence = dayWindow(deps, timeZone, {}, settings.influence_weights.window_days);
  const weighted = Object.entries(settings.influence_weights.events).filter(([, weight]) => weight > 0);
  const now = deps.clock.now();
  return withTransaction(deps.db, async (trx) => {
    const { rows } = await sql<{ members: number; heavy: number; influencers: number }>`
      with ranked as (
        select member_id, fen, row_number() over (order by fen desc, member_id) as rank, count(*) over () as n
        from (${revenueByMember(tenantId, pareto.start, pareto.end)}) rev
      ),
      weights(type, weight) as (select * from unnest(${weighted.map(([type]) => type)}::text[], ${weighted.map(([, w]) => w)}::float8[])),
      counted as (
        select e.member_id, e.type, count(*)::int as c from member_events e
        where e.tenant_id = ${tenantId} and e.member_id is not null and e.occurred_at >= ${influence.start} and e.occurred_at < ${influence.end}
          and e.type in (select type from weights)
        group by 1, 2
      ),
      scored as (
        select member_id, jsonb_object_agg(c.type, c.c) as events, sum(c.c * w.weight) as score
        from counted c join weights w using (type) group by member_id
      ),
      merged as (
        select coalesce(r.member_id, s.member_id) as member_id, coalesce(r.fen, 0) as fen,
          coalesce(r.rank <= ceil(r.n * ${settings.heavy_user_share_bp / 10_000}::float8), false) as heavy,
          coalesce(s.score, 0) as score, coalesce(s.events, '{}') as events
        from ranked r full join scored s using (member_id)
      ),
      indexed as (
        select *, case when score > 0 then floor(percent_rank() over (partition by score > 0 order by score) * 100)::smallint else 0 end as idx from merged
      ),
      gone as (
        delete from member_analytics where tenant_id = ${tenantId} and member_id not in (select member_id from merged) returning 1
      ),
      written as (
        insert into member_analytics (tenant_id, member_id, window_revenue_fen, heavy_user, influence_score, influence_index, influence_events, computed_at)
        select ${tenantId}, member_id, fen, heavy, score, idx, events, ${now} from indexed
        on conflict (tenant_id, member_id) do update set window_revenue_fen = excluded.window_revenue_fen, heavy_user = excluded.heavy_user,
          influence_score = excluded.influence_score, influence_index = excluded.influence_index, influence_events = excluded.influence_events,
          computed_at = excluded.computed_at
        returning heavy_user, influence_score
      )
      select count(*)::int as members, (count(*) filter (where heavy_user))::int as heavy, (count(*) filter (where influence_score > 0))::int as influencers
      from written`.execute(trx);
    return rows[0]!;
  });
}

/** Members by influence score, highest first: the KOC list. */
export async function listInfluencers(deps: AppDeps, ctx: RequestContext, query: { limit: number }): Promise<{ data: InfluenceMember[]; computed_at: string | null }> {
  const rows = await memberAnalyticsQuery(deps.db, ctx.tenantId).where('a.influence_score', '>', 0).orderBy('a.influence_score', 'desc').orderBy('a.member_id').limit(query.limit).execute();
  const latest = await deps.db.selectFrom('member_analytics').select(sql<Date | null>`max(computed_at)`.as('at')).where('tenant_id', '=', ctx.tenantId).executeTakeFirstOrThrow();
  return { data: rows.map(influenceOut), computed_at: latest.at ? new Date(latest.at).toISOString() : null };
}

function memberAnalyticsQuery(db: Db, tenantId: string) {
  return db
    .selectFrom('member_analytics as a')
    .innerJoin('members as m', (join) => join.onRef('m.tenant_id', '=', 'a.tenant_id').onRef('m.id', '=', 'a.member_id'))
    .select(['a.member_id', 'm.member_no', 'm.name', 'm.nickname', 'a.influence_score', 'a.influence_index', 'a.influence_events'])
    .where('a.tenant_id', '=', tenantId);
}

function influenceOut(row: Awaited<ReturnType<ReturnType<typeof memberAnalyticsQuery>['executeTakeFirstOrThrow']>>): InfluenceMember {
  return {
    member_id: row.member_id,
    member_no: row.member_no,
    display_name: row.name ?? row.nickname,
    score: row.influence_score,
    influence_index: row.influence_index,
    events: row.influence_events as Record<string, number>,
    referrals: 0,
    referred_revenue_fen: 0,
  };
}

/** Every active tenant, each in its own transaction. */
export async function refreshAllTenants(deps: Pick<AppDeps, 'db' | 'clock'>) {
  const tenants = await deps.db.selectFrom('tenants').select('id').where('status', '=', 'active').execute();
  for (const tenant of tenants) await refreshMemberAnalytics(deps, tenant.id);
  return { tenants: tenants.length };
}

/** Influence indexes (0–100) of some members as of the last daily run; members without one are absent. */
export async function influenceIndexesOf(db: Db, tenantId: string, memberIds: readonly string[]): Promise<Map<string, number>> {
  if (!memberIds.length) return new Map();
  const rows = await db.selectFrom('member_analytics').select(['member_id', 'influence_index']).where('tenant_id', '=', tenantId).where('member_id', 'in', memberIds).execute();
  return new Map(rows.map((r) => [r.member_id, Number(r.influence_index)]));
}
