import { sql } from 'kysely';
import type { RecommendedItem, Recommendations } from '@hearth/contracts/recommendations';
import type { Db } from '../../db/database.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { getMemberRow } from '../members/members.service.ts';
import { getRecommendationSettings } from './stats.service.ts';
import './recommendations.tables.ts';

const DAY_MS = 86_400_000;
/** Best sellers considered for the fallback: enough to fill a list after the member's own purchases drop out. */
const POPULAR_POOL = 200;

export interface RankedItem extends RecommendedItem {
  kind: 'complementary' | 'upgrade';
}

/** A member's recommendations for the API and message templates (another tenant's member: 404). */
export async function getRecommendations(deps: AppDeps, ctx: RequestContext, memberId: string, limit = 10): Promise<Recommendations> {
  await getMemberRow(deps.db, ctx, memberId);
  const ranked = await rankForMember(deps.db, ctx.tenantId, memberId, { asOf: deps.clock.now(), limit: limit * 2 });
  const run = await deps.db.selectFrom('recommendation_runs').select('computed_at').where('tenant_id', '=', ctx.tenantId).executeTakeFirst();
  const strip = ({ kind: _kind, ...item }: RankedItem): RecommendedItem => item;
  return {
    member_id: memberId,
    basis: ranked.some((r) => r.reason === 'co_purchase') ? 'history' : 'popular',
    complementary: ranked.filter((r) => r.kind === 'complementary').slice(0, limit).map(strip),
    upgrade: ranked.filter((r) => r.kind === 'upgrade').slice(0, limit).map(strip),
    computed_at: run?.computed_at.toISOString() ?? null,
  };
}

/**
 * One ranked list from the tenant's statistics, computed on read: every pair rule (lift above 1) from a SKU
 * the member bought in the lookback window votes for its other SKU with its confidence; best sellers fill
 * the rest. What the member bought within the exclusion window is left out. A candidate in a category the
 * member already buys is an upgrade when its price tier is above the highest tier they bought there, and
 * dropped otherwise (a substitute at the same price is not a suggestion); any other is complementary.
 */
export async function rankForMember(db: Db, tenantId: string, memberId: string, options: { asOf: Date; limit: number }): Promise<RankedItem[]> {
  const settings = await getRecommendationSettings(db, tenantId);
  const { asOf } = options;
  const lookbackFrom = new Date(asOf.getTime() - settings.lookback_days * DAY_MS);
  const excludedFrom = new Date(asOf.getTime() - settings.exclusion_days * DAY_MS);
  const rows = await sql<{ sku: string; name: string; category: string; list_price_fen: string | number; confidence: number | null; lift: number | null; because: string | null; my_tier: number | null }>`
    with hist as (
      select l.sku, max(o.occurred_at) as last_at
      from orders o join order_lines l on l.tenant_id = o.tenant_id and l.order_id = o.id
      where o.tenant_id = ${tenantId} and o.member_id = ${memberId} and o.occurred_at < ${asOf}
        and o.status <> 'refunded' and l.refunded_qty < l.qty
      group by l.sku
    ),
    mine as (
      select i.category, max(i.price_tier) as tier from hist h join recommendation_items i on i.tenant_id = ${tenantId} and i.sku = h.sku group by i.category
    ),
    scored as (
      select p.other_sku as sku, sum(p.confidence_bp)::int as confidence, max(p.lift_bp)::int as lift,
        (array_agg(p.sku order by p.confidence_bp desc, p.sku))[1] as because
      from recommendation_pairs p join hist h on h.sku = p.sku and h.last_at >= ${lookbackFrom}
      where p.tenant_id = ${tenantId} and p.lift_bp > 10000
      group by p.other_sku
    ),
    candidates as (
      select sku from scored
      union
      (select sku from recommendation_items where tenant_id = ${tenantId} and buyers > 0 order by buyers desc, sku limit ${POPULAR_POOL})
    )
    select i.sku, pr.name, i.category, pr.list_price_fen, s.confidence, s.lift, s.because, m.tier as my_tier
    from candidates c
    join recommendation_items i on i.tenant_id = ${tenantId} and i.sku = c.sku
    join products pr on pr.tenant_id = ${tenantId} and pr.sku = c.sku and pr.status = 'active'
    left join scored s on s.sku = c.sku
    left join mine m on m.category = i.category
    where not exists (select 1 from hist h where h.sku = c.sku and h.last_at >= ${excludedFrom})
      and (m.tier is null or i.price_tier > m.tier)
    order by s.confidence desc nulls last, s.lift desc nulls last, i.buyers desc, i.sku
    limit ${options.limit}`.execute(db);
  return rows.rows.map((r) => ({
    sku: r.sku,
    name: r.name,
    category: r.category,
    list_price_fen: Number(r.list_price_fen),
    reason: r.confidence === null ? 'popular' : 'co_purchase',
    because_of: r.because,
    confidence_bp: r.confidence ?? 0,
    lift_bp: r.lift ?? 0,
    kind: r.my_tier === null ? 'complementary' : 'upgrade',
  }));
}

/** The popularity baseline of the evaluation: best sellers the member did not buy within the exclusion window. */
export async function popularForMember(db: Db, tenantId: string, memberId: string, options: { asOf: Date; limit: number }): Promise<string[]> {
  const settings = await getRecommendationSettings(db, tenantId);
  const excludedFrom = new Date(options.asOf.getTime() - settings.exclusion_days * DAY_MS);
  const rows = await sql<{ sku: string }>`
    select i.sku from recommendation_items i
    where i.tenant_id = ${tenantId} and i.buyers > 0 and not exists (
      select 1 from orders o join order_lines l on l.tenant_id = o.tenant_id and l.order_id = o.id
      where o.tenant_id = ${tenantId} and o.member_id = ${memberId} and o.occurred_at < ${options.asOf} and o.occurred_at >= ${excludedFrom}
        and o.status <> 'refunded' and l.refunded_qty < l.qty and l.sku = i.sku)
    order by i.buyers desc, i.sku limit ${options.limit}`.execute(db);
  return rows.rows.map((r) => r.sku);
}
