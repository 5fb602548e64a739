import type { EarningExplanation, EarningRules } from '@hearth/contracts/points';

export interface EarningLine {
  line_no: number;
  sku: string;
  qty: number;
  unit_price_fen: number;
  discount_fen: number;
  flags: readonly string[];
}

export interface EarningOrder {
  channel: string;
  lines: readonly EarningLine[];
  shipping_fen: number;
  total_paid_fen: number;
}

/** A multiplier another module adds for this member and order (tier, member day …). */
export interface EarningModifier {
  rule: string;
  detail: string;
  multiplier: number;
}

/** Rows of a set-based modifier source, by member, in the order returned. */
export function groupModifiers(rows: readonly { member_id: string; rule: string; detail: string; multiplier: number | string }[]): Map<string, EarningModifier[]> {
  const byMember = new Map<string, EarningModifier[]>();
  for (const r of rows) byMember.set(r.member_id, [...(byMember.get(r.member_id) ?? []), { rule: r.rule, detail: r.detail, multiplier: Number(r.multiplier) }]);
  return byMember;
}

export interface EarningContext {
  categories: ReadonlyMap<string, readonly string[]>;
  modifiers: readonly EarningModifier[];
  /** Points the member already earned on the order's day; null when no daily cap applies. */
  earnedToday: number | null;
}

const hundredths = (value: number) => BigInt(Math.round(value * 100));

/**
 * Scores an order under one rule version, in exact integers: rates and multipliers have two decimals, so
 * every line's points are a fraction with a power-of-ten denominator, and the order is rounded once.
 * Returns the points, each line's share (refunds claw back by it) and each rule's contribution.
 */
export function scoreOrder(rules: EarningRules, ruleVersion: number | null, order: EarningOrder, context: EarningContext): EarningExplanation {
  const rate = hundredths(rules.base_points_per_yuan);
  const channelMultiplier = rules.channel_multipliers.find((c) => c.channel === order.channel)?.multiplier ?? 1;
  const orderFactors = [channelMultiplier, ...context.modifiers.map((m) => m.multiplier)];
  const factor = orderFactors.reduce((product, m) => product * hundredths(m), 1n);
  // fen → yuan (100), the rate's and the line multiplier's hundredths, and each order factor's hundredths.
  const denominator = 100n * 100n * 100n * 100n ** BigInt(orderFactors.length);

  const scored = order.lines.map((line) => scoreLine(rules, line, context.categories.get(line.sku) ?? []));
  if (order.shipping_fen > 0) {
    scored.push({
      line_no: 0,
      eligible_fen: rules.exclude.shipping ? 0 : order.shipping_fen,
      multiplier: 1,
      multiplierRule: null,
      excluded: rules.exclude.shipping ? 'shipping' : null,
    });
  }
  const numerators = scored.map((line) => BigInt(line.eligible_fen) * rate * hundredths(line.multiplier) * factor);
  const total = numerators.reduce((sum, n) => sum + n, 0n);
  let points = Number(roundDivide(total, denominator, rules.rounding));
  const eligibleFen = scored.reduce((sum, line) => sum + line.eligible_fen, 0);

  const contributions = explain(rules, scored, orderFactors, context.modifiers, order.channel);
  const rawPoints = contributions.reduce((sum, c) => sum + c.points, 0);
  if (points !== rawPoints) contributions.push({ rule: 'rounding', detail: rules.rounding, points: round2(points - rawPoints) });

  let cappedBy: EarningExplanation['capped_by'] = null;
  if (order.total_paid_fen < rules.min_order_fen) {
    contributions.push({ rule: 'min_order', detail: `paid ${order.total_paid_fen} < ${rules.min_order_fen} fen`, points: -points });
    points = 0;
    cappedBy = 'min_order';
  }
  if (rules.cap_per_order !== null && points > rules.cap_per_order) {
    contributions.push({ rule: 'cap_per_order', detail: `at most ${rules.cap_per_order} per order`, points: rules.cap_per_order - points });
    points = rules.cap_per_order;
    cappedBy = 'cap_per_order';
  }
  if (rules.cap_per_day !== null && context.earnedToday !== null) {
    const room = Math.max(0, rules.cap_per_day - context.earnedToday);
    if (points > room) {
      contributions.push({ rule: 'cap_per_day', detail: `at most ${rules.cap_per_day} per day, ${context.earnedToday} earned already`, points: room - points });
      points = room;
      cappedBy = 'cap_per_day';
    }
  }
  const shares = largestRemainder(numerators, points);
  return {
    points,
    rule_version: ruleVersion,
    eligible_fen: eligibleFen,
    lines: scored.map((line, i) => ({ line_no: line.line_no, eligible_fen: line.eligible_fen, multiplier: line.multiplier, points: shares[i]!, excluded: line.excluded })),
    contributions,
    capped_by: cappedBy,
  };
}

/** What a guest order or a tenant without earning rules explains: nothing, and why. */
export function noPoints(order: EarningOrder, reason: 'no_rules' | 'no_member'): EarningExplanation {
  return {
    points: 0,
    rule_version: null,
    eligible_fen: 0,
    lines: order.lines.map((l) => ({ line_no: l.line_no, eligible_fen: 0, multiplier: 0, points: 0, excluded: reason })),
    contributions: [],
    capped_by: reason,
  };
}

interface ScoredLine {
  line_no: number;
  eligible_fen: number;
  multiplier: number;
  multiplierRule: string | null;
  excluded: string | null;
}

function scoreLine(rules: EarningRules, line: EarningLine, categories: readonly string[]): ScoredLine {
  const none = (excluded: string): ScoredLine => ({ line_no: line.line_no, eligible_fen: 0, multiplier: 0, multiplierRule: null, excluded });
  if (line.flags.includes('non_earning')) return none('non_earning');
  if (line.flags.includes('gift_card') && rules.exclude.gift_cards) return none('gift_card');
  const gross = line.qty * line.unit_price_fen;
  const eligible = rules.exclude.discounted_part ? gross - line.discount_fen : gross;
  // The most specific rule wins: a SKU's multiplier, else the highest of its categories'.
  const bySku = rules.sku_multipliers.find((m) => m.sku === line.sku);
  const byCategory = rules.category_multipliers.filter((m) => categories.includes(m.category)).sort((a, b) => b.multiplier - a.multiplier)[0];
  const chosen = bySku ? { rule: `sku:${bySku.sku}`, multiplier: bySku.multiplier } : byCategory ? { rule: `category:${byCategory.category}`, multiplier: byCategory.multiplier } : null;
  const multiplier = chosen?.multiplier ?? 1;
  if (multiplier === 0) return { line_no: line.line_no, eligible_fen: 0, multiplier: 0, multiplierRule: chosen!.rule, excluded: chosen!.rule };
  return { line_no: line.line_no, eligible_fen: eligible, multiplier, multiplierRule: chosen?.rule ?? null, excluded: null };
}

function explain(rules: EarningRules, lines: ScoredLine[], orderFactors: number[], modifiers: readonly EarningModifier[], channel: string) {
  const eligible = lines.reduce((sum, l) => sum + l.eligible_fen, 0);
  const base = (eligible / 100) * rules.base_points_per_yuan;
  const contributions = [{ rule: 'base', detail: `${rules.base_points_per_yuan} per ¥1 on ¥${(eligible / 100).toFixed(2)}`, points: round2(base) }];
  let running = base;
  const byRule = new Map<string, number>();
  for (const line of lines) {
    if (!line.multiplierRule || line.multiplier === 1 || line.eligible_fen === 0) continue;
    byRule.set(line.multiplierRule, (byRule.get(line.multiplierRule) ?? 0) + (line.eligible_fen / 100) * rules.base_points_per_yuan * (line.multiplier - 1));
  }
  for (const [rule, extra] of byRule) {
    const multiplier = lines.find((l) => l.multiplierRule === rule)!.multiplier;
    contributions.push({ rule, detail: `×${multiplier}`, points: round2(extra) });
    running += extra;
  }
  const [channelMultiplier, ...modifierFactors] = orderFactors;
  if (channelMultiplier !== 1) {
    contributions.push({ rule: `channel:${channel}`, detail: `×${channelMultiplier}`, points: round2(running * (channelMultiplier! - 1)) });
    running *= channelMultiplier!;
  }
  modifierFactors.forEach((multiplier, i) => {
    contributions.push({ rule: modifiers[i]!.rule, detail: `${modifiers[i]!.detail} ×${multiplier}`, points: round2(running * (multiplier - 1)) });
    running *= multiplier;
  });
  return contributions;
}

function roundDivide(numerator: bigint, denominator: bigint, mode: EarningRules['rounding']): bigint {
  const quotient = numerator / denominator;
  const remainder = numerator % denominator;
  if (remainder === 0n) return quotient;
  if (mode === 'ceil') return quotient + 1n;
  if (mode === 'round') return remainder * 2n >= denominator ? quotient + 1n : quotient;
  return quotient;
}

/** Splits total in proportion to weights, to the unit, with the leftover units going to the largest remainders. */
export function largestRemainder(weights: readonly bigint[], total: number): number[] {
  const sum = weights.reduce((s, w) => s + w, 0n);
  if (sum === 0n || total === 0) return weights.map(() => 0);
  const exact = weights.map((w) => ({ floor: (w * BigInt(total)) / sum, remainder: (w * BigInt(total)) % sum }));
  let left = BigInt(total) - exact.reduce((s, e) => s + e.floor, 0n);
  const order = exact.map((_, i) => i).sort((a, b) => (exact[b]!.remainder > exact[a]!.remainder ? 1 : exact[b]!.remainder < exact[a]!.remainder ? -1 : a - b));
  const shares = exact.map((e) => e.floor);
  for (const i of order) {
    if (left === 0n) break;
    shares[i]! += 1n;
    left -= 1n;
  }
  return shares.map(Number);
}

const round2 = (value: number) => Math.round(value * 100) / 100;
