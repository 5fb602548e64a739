/**
 * Cart arithmetic for discount benefits, in exact integers (BigInt where qty × price could pass 2^53).
 *
 * The stacking rule: of the discounts that do not stack, only the one taking the most off the cart applies
 * (ties: the lower code); then every stackable discount applies on top — percent ones first, then fixed
 * ones, each by code — on what is left of its lines after the discounts before it. A percent discount takes
 * floor(in-scope amount × bp / 10000), then its cap; a fixed one its amount, at most the in-scope amount.
 * Either is spread over its lines by largest remainder in proportion to what is left of each, so the lines'
 * discounts add up to the discount exactly and no line ever goes below zero.
 */

export interface QuoteLine {
  sku: string;
  categories: readonly string[];
  paidFen: number;
}

export interface DiscountTerms {
  id: string;
  code: string;
  mode: 'percent' | 'fixed';
  percentOffBp: number | null;
  amountFen: number | null;
  capFen: number | null;
  minSpendFen: number;
  categories: readonly string[];
  skus: readonly string[];
  stackable: boolean;
}

export interface DiscountResult {
  /** Per benefit applied, in the order applied: the discount on each line. */
  applied: { id: string; perLine: number[]; totalFen: number }[];
  notApplied: { id: string; reason: 'min_spend' | 'no_eligible_lines' | 'nothing_off' | 'not_best' }[];
  /** Per line, the sum over the applied discounts. */
  lineDiscounts: number[];
  totalFen: number;
}

export function applyDiscounts(lines: readonly QuoteLine[], discounts: readonly DiscountTerms[]): DiscountResult {
  const left = lines.map((l) => BigInt(l.paidFen));
  const applied: DiscountResult['applied'] = [];
  const notApplied: DiscountResult['notApplied'] = [];
  const byCode = (a: DiscountTerms, b: DiscountTerms) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);

  let best: { terms: DiscountTerms; perLine: bigint[]; total: bigint } | null = null;
  for (const terms of discounts.filter((d) => !d.stackable).sort(byCode)) {
    const outcome = discountOn(lines, left, terms);
    if ('reason' in outcome) notApplied.push({ id: terms.id, reason: outcome.reason });
    else if (!best || outcome.total > best.total) {
      if (best) notApplied.push({ id: best.terms.id, reason: 'not_best' });
      best = { terms, ...outcome };
    } else notApplied.push({ id: terms.id, reason: 'not_best' });
  }
  const take = (id: string, perLine: bigint[], total: bigint) => {
    perLine.forEach((d, i) => (left[i] = left[i]! - d));
    applied.push({ id, perLine: perLine.map(Number), totalFen: Number(total) });
  };
  if (best) take(best.terms.id, best.perLine, best.total);
  const stackable = discounts.filter((d) => d.stackable).sort((a, b) => (a.mode === b.mode ? byCode(a, b) : a.mode === 'percent' ? -1 : 1));
  for (const terms of stackable) {
    const outcome = discountOn(lines, left, terms);
    if ('reason' in outcome) notApplied.push({ id: terms.id, reason: outcome.reason });
    else take(terms.id, outcome.perLine, outcome.total);
  }
  const lineDiscounts = lines.map((l, i) => Number(BigInt(l.paidFen) - left[i]!));
  return { applied, notApplied, lineDiscounts, totalFen: lineDiscounts.reduce((a, b) => a + b, 0) };
}

function discountOn(lines: readonly QuoteLine[], left: readonly bigint[], t: DiscountTerms): { perLine: bigint[]; total: bigint } | { reason: 'min_spend' | 'no_eligible_lines' | 'nothing_off' } {
  const scoped = t.skus.length > 0 || t.categories.length > 0;
  const inScope = lines.map((l) => !scoped || t.skus.includes(l.sku) || l.categories.some((c) => t.categories.includes(c)));
  const weights = left.map((amount, i) => (inScope[i] ? amount : 0n));
  const eligible = weights.reduce((a, b) => a + b, 0n);
  if (eligible === 0n) return { reason: 'no_eligible_lines' };
  if (eligible < BigInt(t.minSpendFen)) return { reason: 'min_spend' };
  let total = t.mode === 'percent' ? (eligible * BigInt(t.percentOffBp ?? 0)) / 10000n : BigInt(t.amountFen ?? 0);
  if (t.mode === 'percent' && t.capFen !== null && total > BigInt(t.capFen)) total = BigInt(t.capFen);
  if (total > eligible) total = eligible;
  if (total === 0n) return { reason: 'nothing_off' };
  return { perLine: largestRemainder(total, weights), total };
}

/**
 * Splits `total` (≤ the weights' sum) in proportion to the weights: each share rounded down, then the fen
 * left over go one each to the largest remainders (ties: the earlier line). A share never exceeds its weight.
 */
export function largestRemainder(total: bigint, weights: readonly bigint[]): bigint[] {
  const sum = weights.reduce((a, b) => a + b, 0n);
  if (sum === 0n) return weights.map(() => 0n);
  const shares = weights.map((w) => (total * w) / sum);
  const remainders = weights.map((w, i) => ({ i, r: (total * w) % sum }));
  let rest = total - shares.reduce((a, b) => a + b, 0n);
  remainders.sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  for (const { i } of remainders) {
    if (rest === 0n) break;
    shares[i] = shares[i]! + 1n;
    rest -= 1n;
  }
  return shares;
}
