import { sql, type RawBuilder } from 'kysely';
import { rfmGroups, rfmSettingsSchema, type RfmGroup, type RfmSettings } from '@hearth/contracts/segments';
import type { Db } from '../../db/database.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { recordAudit } from '../audit/audit.service.ts';
import './segments.tables.ts';

export const defaultRfmSettings: RfmSettings = rfmSettingsSchema.parse({});

export async function getRfmSettings(db: Db, tenantId: string): Promise<RfmSettings> {
  const row = await db.selectFrom('rfm_settings').select(['window_days', 'scoring', 'thresholds']).where('tenant_id', '=', tenantId).executeTakeFirst();
  return row ? rfmSettingsSchema.parse({ window_days: row.window_days, scoring: row.scoring, thresholds: row.thresholds ?? null }) : defaultRfmSettings;
}

export async function updateRfmSettings(deps: AppDeps, ctx: RequestContext, settings: RfmSettings) {
  return withTransaction(deps.db, async (trx) => {
    const values = { window_days: settings.window_days, scoring: settings.scoring, thresholds: settings.thresholds ? JSON.stringify(settings.thresholds) : null };
    await trx
      .insertInto('rfm_settings')
      .values({ tenant_id: ctx.tenantId, ...values, computed_at: null })
      .onConflict((oc) => oc.column('tenant_id').doUpdateSet({ ...values, updated_at: sql`now()` }))
      .execute();
    await recordAudit(trx, ctx, { action: 'rfm.settings_update', resourceType: 'rfm_settings', resourceId: ctx.tenantId, details: settings as unknown as Record<string, unknown> });
    return settings;
  });
}

/**
 * The scoring query: each member who bought within the window gets recency (days since their last
 * order, tenant calendar not needed: whole 24-hour days), frequency (orders not fully refunded) and
 * monetary value (paid less refunded, fen), then R, F, M scores 1–5 and one of the eight value groups.
 *
 * Quintiles use cume_dist, so members with equal values always get equal scores (ntile would split ties
 * arbitrarily and make the result depend on the plan). A score is "high" for the value groups when it
 * is above the tenant's mean score on that dimension, the classic reading of the RFM model.
 */
export function rfmScores(tenantId: string, now: Date, s: RfmSettings): RawBuilder<RfmScoreRow> {
  const windowStart = new Date(now.getTime() - s.window_days * 86_400_000);
  const fixed = s.scoring === 'fixed' && s.thresholds ? s.thresholds : null;
  const above = (value: string, cuts: number[]) => sql.join(cuts.map((c) => sql`(${sql.ref(value)} >= ${c})::int`), sql` + `);
  const scores = fixed
    ? sql`5 - (${sql.join(fixed.recency_days.map((c) => sql`(recency_days > ${c})::int`), sql` + `)}) as r, 1 + (${above('frequency', fixed.frequency)}) as f, 1 + (${above('monetary_fen', fixed.monetary_fen)}) as m`
    : sql`ceil(5 * cume_dist() over (order by recency_days desc))::int as r, ceil(5 * cume_dist() over (order by frequency))::int as f, ceil(5 * cume_dist() over (order by monetary_fen))::int as m`;
  return sql<RfmScoreRow>`
    with measured as (
      select o.member_id, count(*)::int as frequency, sum(o.total_paid_fen - o.refunded_fen)::bigint as monetary_fen,
        floor(extract(epoch from (${now}::timestamptz - max(o.occurred_at))) / 86400)::int as recency_days
      from orders o
      join members mb on mb.tenant_id = o.tenant_id and mb.id = o.member_id and mb.status in ('active', 'frozen')
      where o.tenant_id = ${tenantId} and o.member_id is not null and o.status <> 'refunded' and o.occurred_at > ${windowStart} and o.occurred_at <= ${now}
      group by o.member_id
    ),
    scored as (select member_id, recency_days, frequency, monetary_fen, ${scores} from measured)
    select member_id, recency_days, frequency, monetary_fen, r, f, m,
      (case when m > avg(m) over () then 'important_' else 'general_' end) ||
      (case when r > avg(r) over () then (case when f > avg(f) over () then 'value' else 'develop' end)
            else (case when f > avg(f) over () then 'keep' else 'retain' end) end) as value_group
    from scored`;
}

export interface RfmScoreRow {
  member_id: string;
  recency_days: number;
  frequency: number;
  monetary_fen: number;
  r: number;
  f: number;
  m: number;
  value_group: RfmGroup;
}

/**
 * Recomputes every member's RFM scores in one statement: rows whose scores changed are rewritten, members
 * who no longer bought within the window lose theirs. Returns how many members are scored.
 */
export async function recomputeRfm(deps: Pick<AppDeps, 'db' | 'clock'>, tenantId: string): Promise<{ members: number; changed: number }> {
  return withTransaction(deps.db, async (trx) => {
    const now = deps.clock.now();
    const settings = await getRfmSettings(trx, tenantId);
    const result = await sql<{ members: number; changed: number }>`
      with target as (${rfmScores(tenantId, now, settings)}),
      upserted as (
        insert into member_rfm (tenant_id, member_id, recency_days, frequency, monetary_fen, r, f, m, value_group)
        select ${tenantId}, member_id, recency_days, frequency, monetary_fen, r, f, m, value_group from target
        on conflict (tenant_id, member_id) do update set recency_days = excluded.recency_days, frequency = excluded.frequency, monetary_fen = excluded.monetary_fen,
          r = excluded.r, f = excluded.f, m = excluded.m, value_group = excluded.value_group
        where (member_rfm.recency_days, member_rfm.frequency, member_rfm.monetary_fen, member_rfm.r, member_rfm.f, member_rfm.m, member_rfm.value_group)
          is distinct from (excluded.recency_days, excluded.frequency, excluded.monetary_fen, excluded.r, excluded.f, excluded.m, excluded.value_group)
        returning 1
      ),
      removed as (
        delete from member_rfm x where x.tenant_id = ${tenantId} and not exists (select 1 from target t where t.member_id = x.member_id)
        returning 1
      )
      select (select count(*)::int from target) as members, (select count(*)::int from upserted) + (select count(*)::int from removed) as changed`.execute(trx);
    await trx
      .insertInto('rfm_settings')
      .values({ tenant_id: tenantId, computed_at: now, thresholds: null })
      .onConflict((oc) => oc.column('tenant_id').doUpdateSet({ computed_at: now }))
      .execute();
    return result.rows[0]!;
  });
}

/** The R × F heat map (members and mean spend per cell) and the eight value groups. */
export async function rfmGrid(deps: AppDeps, ctx: RequestContext) {
  const settings = await deps.db.selectFrom('rfm_settings').select('computed_at').where('tenant_id', '=', ctx.tenantId).executeTakeFirst();
  const cells = await deps.db
    .selectFrom('member_rfm')
    .select(['r', 'f', sql<number>`count(*)::int`.as('members'), sql<number>`round(avg(monetary_fen))::bigint`.as('avg_monetary_fen')])
    .where('tenant_id', '=', ctx.tenantId)
    .groupBy(['r', 'f'])
    .orderBy('r')
    .orderBy('f')
    .execute();
  const groups = await deps.db
    .selectFrom('member_rfm')
    .select(['value_group', sql<number>`count(*)::int`.as('members'), sql<number>`sum(monetary_fen)::bigint`.as('monetary_fen')])
    .where('tenant_id', '=', ctx.tenantId)
    .groupBy('value_group')
    .execute();
  const byGroup = new Map(groups.map((g) => [g.value_group, g]));
  return {
    computed_at: settings?.computed_at?.toISOString() ?? null,
    members: cells.reduce((sum, c) => sum + c.members, 0),
    cells,
    groups: rfmGroups.map((group) => ({ group, members: byGroup.get(group)?.members ?? 0, monetary_fen: byGroup.get(group)?.monetary_fen ?? 0 })),
  };
}
