import { sql, type RawBuilder } from 'kysely';
import { recommendationSettingsSchema, type RecommendationRun, type RecommendationSettings } from '@hearth/contracts/recommendations';
import type { Db } from '../../db/database.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { recordAudit } from '../audit/audit.service.ts';
import './recommendations.tables.ts';

const DAY_MS = 86_400_000;
/**
 * Pairs grow with the square of a basket: a member with hundreds of distinct SKUs (a reseller, an office
 * account) would dominate the counts and the run time, so such baskets count toward popularity only.
 */
const MAX_BASKET_ITEMS = 100;

export async function getRecommendationSettings(db: Db, tenantId: string): Promise<RecommendationSettings> {
  const row = await db.selectFrom('recommendation_settings').select('settings').where('tenant_id', '=', tenantId).executeTakeFirst();
  return recommendationSettingsSchema.parse(row?.settings ?? {});
}

export async function updateRecommendationSettings(deps: AppDeps, ctx: RequestContext, input: RecommendationSettings): Promise<RecommendationSettings> {
  await withTransaction(deps.db, async (trx) => {
    const settings = JSON.stringify(input);
    await trx.insertInto('recommendation_settings').values({ tenant_id: ctx.tenantId, settings, updated_at: deps.clock.now() }).onConflict((oc) => oc.column('tenant_id').doUpdateSet({ settings, updated_at: deps.clock.now() })).execute();
    await recordAudit(trx, ctx, { action: 'recommendation.settings', resourceType: 'recommendation_settings', resourceId: ctx.tenantId, details: { ...input } });
  });
  return input;
}

export async function findLastRun(db: Db, tenantId: string): Promise<RecommendationRun | undefined> {
  const row = await db.selectFrom('recommendation_runs').selectAll().where('tenant_id', '=', tenantId).executeTakeFirst();
  return row && { window_from: row.window_from.toISOString(), window_to: row.window_to.toISOString(), baskets: row.baskets, items: row.items, pairs: row.pairs, computed_at: row.computed_at.toISOString() };
}

/**
 * Rebuilds a tenant's statistics from the members' baskets (the distinct SKUs each member bought and kept
 * in the lookback window before `asOf`): per item the buyers and its price tier, per ordered pair (A, B)
 * the members who bought both, support = both / members, confidence = both / buyers of A, lift =
 * confidence / (buyers of B / members). Set-based SQL in one transaction: readers see the old statistics or
 * the new ones, never half; two runs at once queue on the tenant's advisory lock.
 */
export async function computeRecommendationStats(deps: AppDeps, tenantId: string, asOf = deps.clock.now()): Promise<RecommendationRun> {
  const settings = await getRecommendationSettings(deps.db, tenantId);
  const from = new Date(asOf.getTime() - settings.lookback_days * DAY_MS);
  return withTransaction(deps.db, async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtextextended(${`recommendations:${tenantId}`}, 0))`.execute(trx);
    await trx.deleteFrom('recommendation_pairs').where('tenant_id', '=', tenantId).execute();
    await trx.deleteFrom('recommendation_items').where('tenant_id', '=', tenantId).execute();
    const baskets = basketsSql(tenantId, from, asOf);
    // Tier 1..4 by the product's rank of list price inside its category; equal prices share a tier.
    const items = await sql`
      with baskets as (${baskets}), bought as (select sku, count(*)::int as n from baskets group by sku)
      insert into recommendation_items (tenant_id, sku, category, price_tier, buyers)
      select p.tenant_id, p.sku, array_to_string(p.category_path, '/'),
        1 + floor(3 * percent_rank() over (partition by array_to_string(p.category_path, '/') order by p.list_price_fen))::int,
        coalesce(b.n, 0)
      from products p left join bought b on b.sku = p.sku
      where p.tenant_id = ${tenantId} and p.status = 'active'`.execute(trx);
    const pairs = await sql`
      with baskets as (${baskets}),
      members as (select count(distinct member_id)::bigint as n from baskets),
      bought as (select sku, count(*)::bigint as n from baskets group by sku),
      small as (select member_id from baskets group by member_id having count(*) <= ${MAX_BASKET_ITEMS}),
      pairs as (
        select a.sku, b.sku as other_sku, count(*)::bigint as n
        from baskets a join small s on s.member_id = a.member_id join baskets b on b.member_id = a.member_id and b.sku <> a.sku
        group by a.sku, b.sku having count(*) >= ${settings.min_support}
      )
      insert into recommendation_pairs (tenant_id, sku, other_sku, members, support_bp, confidence_bp, lift_bp)
      select ${tenantId}::uuid, p.sku, p.other_sku, p.n, p.n * 10000 / m.n, p.n * 10000 / ba.n, least(p.n * m.n * 10000 / (ba.n * bb.n), 2000000000)
      from pairs p cross join members m join bought ba on ba.sku = p.sku join bought bb on bb.sku = p.other_sku`.execute(trx);
    const count = await sql<{ n: number }>`select count(distinct member_id)::int as n from (${baskets}) b`.execute(trx);
    const run = { tenant_id: tenantId, window_from: from, window_to: asOf, baskets: count.rows[0]!.n, items: Number(items.numAffectedRows ?? 0), pairs: Number(pairs.numAffectedRows ?? 0), computed_at: deps.clock.now() };
    await trx.insertInto('recommendation_runs').values(run).onConflict((oc) => oc.column('tenant_id').doUpdateSet({ window_from: run.window_from, window_to: run.window_to, baskets: run.baskets, items: run.items, pairs: run.pairs, computed_at: run.computed_at })).execute();
    return { window_from: from.toISOString(), window_to: asOf.toISOString(), baskets: run.baskets, items: run.items, pairs: run.pairs, computed_at: run.computed_at.toISOString() };
  });
}

/** Distinct (member, SKU) bought in [from, to) and not returned: refunded orders and fully returned lines drop out. */
function basketsSql(tenantId: string, from: Date, to: Date): RawBuilder<unknown> {
  return sql`select distinct o.member_id, l.sku
    from orders o join order_lines l on l.tenant_id = o.tenant_id and l.order_id = o.id
    where o.tenant_id = ${tenantId} and o.member_id is not null and o.status <> 'refunded'
      and o.occurred_at >= ${from} and o.occurred_at < ${to} and l.refunded_qty < l.qty`;
}
