import type { BenefitConfig, CartQuote, CartQuoteInput } from '@hearth/contracts/benefits';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { AppError, validationError } from '../../http/errors.ts';
import { getMemberRow } from '../members/members.service.ts';
import { categoriesBySku } from '../products/products.service.ts';
import { holdingsAt, type Holding } from './entitlements.ts';
import { applyDiscounts, type DiscountTerms, type QuoteLine } from './quote.ts';

/**
 * Which of the member's discount benefits apply to a cart, the discount on each line and whether shipping is
 * free, without using anything: the POS or shop applies the quote, then records each applied benefit with
 * POST /members/:id/benefits/:benefitId/use (value_fen: its discount). A benefit with no uses left this
 * period does not apply. The stacking rule is in quote.ts.
 */
export async function quoteCart(deps: AppDeps, ctx: RequestContext, input: CartQuoteInput): Promise<CartQuote> {
  const lines = input.lines.map((l, i) => {
    const paid = l.qty * l.unit_price_fen - l.discount_fen;
    if (paid < 0) throw validationError([{ field: `lines.${i}.discount_fen`, code: 'exceeds_line', message: 'more than the line’s amount' }]);
    return { ...l, paid };
  });
  try {
    await getMemberRow(deps.db, ctx, input.member_id);
  } catch (error) {
    if (error instanceof AppError && error.code === 'NOT_FOUND') throw validationError([{ field: 'member_id', code: 'unknown_member', message: 'not a member of this brand' }]);
    throw error;
  }
  const holdings = await holdingsAt(deps.db, ctx.tenantId, input.member_id, deps.clock.now(), { types: ['discount', 'free_shipping'] });
  const usable = (h: Holding) => h.remaining === null || h.remaining > 0;
  const needCategories = lines.filter((l) => !l.category).map((l) => l.sku);
  const catalogue = needCategories.length && holdings.some((h) => h.benefit.type === 'discount') ? await categoriesBySku(deps, ctx, needCategories) : new Map<string, string[]>();
  const quoteLines: QuoteLine[] = lines.map((l) => ({ sku: l.sku, categories: l.category ? [l.category] : (catalogue.get(l.sku) ?? []), paidFen: l.paid }));

  const discounts = holdings.filter((h) => h.benefit.type === 'discount');
  const terms: DiscountTerms[] = discounts.filter(usable).map((h) => {
    const c = h.benefit.config as Extract<BenefitConfig, { type: 'discount' }>;
    return { id: h.benefit.id, code: h.benefit.code, mode: c.mode, percentOffBp: c.percent_off_bp ?? null, amountFen: c.amount_fen ?? null, capFen: c.cap_fen ?? null, minSpendFen: c.min_spend_fen, categories: c.categories, skus: c.skus, stackable: c.stackable };
  });
  const result = applyDiscounts(quoteLines, terms);
  const byId = new Map(holdings.map((h) => [h.benefit.id, h]));
  const notApplied = [
    ...discounts.filter((h) => !usable(h)).map((h) => ({ benefit_id: h.benefit.id, code: h.benefit.code, reason: 'no_uses_left' })),
    ...result.notApplied.map((n) => ({ benefit_id: n.id, code: byId.get(n.id)!.benefit.code, reason: n.reason })),
  ];

  // Free shipping: the first free-shipping benefit with uses left whose threshold the discounted cart meets.
  const afterDiscounts = lines.reduce((sum, l) => sum + l.paid, 0) - result.totalFen;
  let freeShipping: Holding | null = null;
  for (const h of holdings.filter((x) => x.benefit.type === 'free_shipping')) {
    const c = h.benefit.config as Extract<BenefitConfig, { type: 'free_shipping' }>;
    const reason = !usable(h) ? 'no_uses_left' : afterDiscounts < c.min_spend_fen ? 'min_spend' : freeShipping ? 'not_best' : null;
    if (reason) notApplied.push({ benefit_id: h.benefit.id, code: h.benefit.code, reason });
    else freeShipping = h;
  }

  return {
    member_id: input.member_id,
    lines: lines.map((l, i) => ({
      index: i,
      sku: l.sku,
      paid_fen: l.paid,
      discount_fen: result.lineDiscounts[i]!,
      benefits: result.applied.filter((a) => a.perLine[i]! > 0).map((a) => ({ benefit_id: a.id, discount_fen: a.perLine[i]! })),
    })),
    applied: result.applied.map((a) => {
      const h = byId.get(a.id)!;
      return { benefit_id: a.id, code: h.benefit.code, name: h.benefit.name, discount_fen: a.totalFen, sources: h.sources.map((s) => s.kind) };
    }),
    not_applied: notApplied,
    total_discount_fen: result.totalFen,
    free_shipping: freeShipping !== null,
    shipping_discount_fen: freeShipping ? input.shipping_fen : 0,
    free_shipping_benefit_id: freeShipping?.benefit.id ?? null,
  };
}
