import { sql } from 'kysely';
import type { AppDeps } from '../../deps.ts';
import { popularForMember, rankForMember } from './recommend.service.ts';
import { computeRecommendationStats } from './stats.service.ts';

const DAY_MS = 86_400_000;

export interface HoldoutResult {
  /** Members who bought, in the test window, at least one SKU they had not bought before the cut. */
  members: number;
  hit_rate_bp: number;
  baseline_hit_rate_bp: number;
}

/**
 * Time-based holdout: statistics from the orders before `cut` only, then for each member with a new SKU in
 * [cut, cut + testDays) a hit when one of those SKUs is in their top k, for the recommendations and for the
 * popularity baseline (best sellers minus what the member just bought). Rebuilds the tenant's statistics
 * as of the cut, so it is for evaluation databases, not a live tenant.
 */
export async function evaluateHoldout(deps: AppDeps, tenantId: string, options: { cut: Date; testDays: number; k?: number }): Promise<HoldoutResult> {
  const k = options.k ?? 10;
  await computeRecommendationStats(deps, tenantId, options.cut);
  const testEnd = new Date(options.cut.getTime() + options.testDays * DAY_MS);
  const targets = await sql<{ member_id: string; skus: string[] }>`
    select o.member_id, array_agg(distinct l.sku) as skus
    from orders o join order_lines l on l.tenant_id = o.tenant_id and l.order_id = o.id
    where o.tenant_id = ${tenantId} and o.member_id is not null and o.occurred_at >= ${options.cut} and o.occurred_at < ${testEnd}
      and o.status <> 'refunded' and l.refunded_qty < l.qty
      and not exists (select 1 from orders p join order_lines pl on pl.tenant_id = p.tenant_id and pl.order_id = p.id
        where p.tenant_id = ${tenantId} and p.member_id = o.member_id and p.occurred_at < ${options.cut} and pl.sku = l.sku)
    group by o.member_id order by o.member_id`.execute(deps.db);
  let hits = 0;
  let baselineHits = 0;
  for (const { member_id, skus } of targets.rows) {
    const wanted = new Set(skus);
    const ranked = await rankForMember(deps.db, tenantId, member_id, { asOf: options.cut, limit: k });
    const popular = await popularForMember(deps.db, tenantId, member_id, { asOf: options.cut, limit: k });
    if (ranked.some((r) => wanted.has(r.sku))) hits++;
    if (popular.some((sku) => wanted.has(sku))) baselineHits++;
  }
  const n = targets.rows.length;
  return { members: n, hit_rate_bp: n ? Math.round((hits * 10000) / n) : 0, baseline_hit_rate_bp: n ? Math.round((baselineHits * 10000) / n) : 0 };
}
