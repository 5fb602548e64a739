import type { MyMemberDay } from '@hearth/contracts/member-days';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { getTemplate as getCouponTemplate } from '../coupons/templates.service.ts';
import { listMemberPrices } from '../pricing/prices.service.ts';
import { checkEligibility } from '../pricing/eligibility.ts';
import { productsBySku } from '../products/products.service.ts';
import { couponPackOf, eligibilityOf, getRow, upcomingDays } from './member-days.service.ts';

/**
 * The member center's view: the next (or current) day of each active program, soonest first, with what
 * applies and whether this member is eligible. Coupon names, products and member prices are read through
 * their modules' services, so a renamed template or a changed price shows as it is now.
 */
export async function myMemberDays(deps: AppDeps, ctx: RequestContext, memberId: string): Promise<MyMemberDay[]> {
  const now = deps.clock.now();
  const days = await upcomingDays(deps.db, ctx.tenantId, now, { limit: 200 });
  const firstPerProgram = [...new Map(days.reverse().map((d) => [d.member_day_id, d])).values()].sort((a, b) => a.starts_at.getTime() - b.starts_at.getTime()).slice(0, 10);
  const prices = firstPerProgram.length ? await listMemberPrices(deps, ctx, {}) : [];
  const out: MyMemberDay[] = [];
  for (const d of firstPerProgram) {
    const program = await getRow(deps.db, ctx.tenantId, d.member_day_id);
    const coupons = [];
    for (const item of couponPackOf(program)) {
      const template = await getCouponTemplate(deps, ctx, item.template_id).catch(() => null);
      if (template) coupons.push({ template_id: item.template_id, name: template.name, quantity: item.quantity });
    }
    const skus = (program.skus ?? []) as string[];
    const products = await productsBySku(deps.db, ctx.tenantId, skus);
    const priceIds = new Set((program.member_price_ids ?? []) as string[]);
    out.push({
      id: program.id,
      name: program.name,
      description: program.description,
      day: d.day,
      starts_at: d.starts_at.toISOString(),
      ends_at: d.ends_at.toISOString(),
      today: d.starts_at <= now,
      eligible: (await checkEligibility(deps.db, ctx.tenantId, memberId, eligibilityOf(program), now)).eligible,
      points_multiplier_bp: program.points_multiplier_bp,
      coupons,
      products: skus.flatMap((sku) => {
        const p = products.get(sku);
        return p ? [{ sku, name: p.name, list_price_fen: p.list_price_fen }] : [];
      }),
      member_prices: prices.filter((p) => priceIds.has(p.id)).map((p) => ({ sku: p.sku, price_fen: p.price_fen })),
    });
  }
  return out;
}
