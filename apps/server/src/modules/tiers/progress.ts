import type { TierCondition, TierGroup, TierInnerGroup, TierMetric, TierWindow } from '@hearth/contracts/tiers';
import { metricKey, type Ladder } from './evaluate.ts';

export interface Need {
  metric: TierMetric;
  window: TierWindow;
  current: number | null;
  target: number;
  missing: number;
}

export interface Gap {
  tier: { id: string; code: string; name: string };
  met: boolean;
  options: Need[][];
  message: { 'zh-CN': string; en: string };
}

/** A member sees at most this many alternatives ("… 或 … 或 …"); the shortest are kept. */
const MAX_OPTIONS = 4;

/**
 * What the member still needs: for `next`, the qualification of the tier above; for `keep`, the current
 * tier's qualification or its retention rule (either keeps it). Options are alternatives (any one is enough),
 * each a list of needs (all of them), computed from the same metric values the evaluation used.
 */
export function gapFor(ladder: Ladder, rank: number, which: 'next' | 'keep', metrics: Record<string, number | null>): Gap | null {
  const tier = ladder.tiers[which === 'next' ? rank + 1 : rank];
  if (!tier || tier.rank === 0) return null;
  const rule = ladder.rules?.tiers.find((t) => t.code === tier.code);
  const groups = rule ? (which === 'next' ? [rule.qualify] : [rule.qualify, ...(rule.retain ? [rule.retain] : [])]) : [];
  const options = groups.length ? shortest(groups.flatMap((g) => groupOptions(g, metrics))) : [];
  const met = options.some((o) => o.length === 0);
  return { tier: { id: tier.id, code: tier.code, name: tier.name }, met, options: met ? [] : options, message: message(tier.name, which, met, rule ? options : null) };
}

function groupOptions(group: TierGroup | TierInnerGroup, metrics: Record<string, number | null>): Need[][] {
  const parts = group.items.map((item) => ('metric' in item ? conditionOptions(item, metrics) : groupOptions(item, metrics)));
  if (group.op === 'any') return shortest(parts.flat());
  // all: one option from each part, combined (bounded, so a wide rule cannot explode)
  return parts.reduce<Need[][]>((acc, part) => shortest(acc.flatMap((a) => part.map((p) => [...a, ...p]))), [[]]);
}

function conditionOptions(c: TierCondition, metrics: Record<string, number | null>): Need[][] {
  const current = metrics[metricKey(c.metric, c.window)] ?? null;
  if (c.metric === 'days_since_last_purchase') {
    const value = current ?? Number.POSITIVE_INFINITY;
    const ok = c.op === 'lte' ? value <= c.value : value >= c.value;
    // Recency is met again by one purchase; "at least N days without buying" only by waiting.
    return ok ? [[]] : [[{ metric: c.metric, window: c.window, current, target: c.value, missing: c.op === 'lte' ? 1 : c.value - (current ?? 0) }]];
  }
  const value = current ?? 0;
  if (c.op === 'gte') return value >= c.value ? [[]] : [[{ metric: c.metric, window: c.window, current, target: c.value, missing: c.value - value }]];
  // "at most N" cannot be reached by doing more; shown as not reachable with the excess
  return value <= c.value ? [[]] : [[{ metric: c.metric, window: c.window, current, target: c.value, missing: value - c.value }]];
}

function shortest(options: Need[][]): Need[][] {
  if (options.some((o) => o.length === 0)) return [[]];
  return options.sort((a, b) => a.length - b.length).slice(0, MAX_OPTIONS);
}

export function yuan(fen: number): string {
  const whole = Math.floor(fen / 100).toLocaleString('en-US');
  return fen % 100 === 0 ? `¥${whole}` : `¥${whole}.${String(fen % 100).padStart(2, '0')}`;
}

function zhNeed(n: Need): string {
  switch (n.metric) {
    case 'spend_fen':
      return `再消费 ${yuan(n.missing)}`;
    case 'orders':
      return `再消费 ${n.missing} 次`;
    case 'visit_days':
      return `再到店消费 ${n.missing} 天`;
    case 'visit_months':
      return `再有 ${n.missing} 个月有消费`;
    case 'days_since_last_purchase':
      return `${n.target} 天内消费一次`;
    case 'points_earned':
      return `再获得 ${n.missing} 积分`;
    case 'paid_membership':
      return '开通付费会员';
    case 'referrals':
      return `再邀请 ${n.missing} 位好友`;
  }
}

function enNeed(n: Need): string {
  switch (n.metric) {
    case 'spend_fen':
      return `spend ${yuan(n.missing)} more`;
    case 'orders':
      return `place ${n.missing} more order${n.missing === 1 ? '' : 's'}`;
    case 'visit_days':
      return `visit on ${n.missing} more day${n.missing === 1 ? '' : 's'}`;
    case 'visit_months':
      return `buy in ${n.missing} more month${n.missing === 1 ? '' : 's'}`;
    case 'days_since_last_purchase':
      return `buy within ${n.target} days`;
    case 'points_earned':
      return `earn ${n.missing} more points`;
    case 'paid_membership':
      return 'join the paid membership';
    case 'referrals':
      return `refer ${n.missing} more friend${n.missing === 1 ? '' : 's'}`;
  }
}

/** "再消费 ¥1,234 或 3 次即可升级金卡" / "Spend ¥1,234 more or place 3 more orders to reach 金卡". */
function message(tierName: string, which: 'next' | 'keep', met: boolean, options: Need[][] | null): Gap['message'] {
  if (met) return which === 'next' ? { 'zh-CN': `已达到${tierName}条件`, en: `Qualifies for ${tierName}` } : { 'zh-CN': `已满足${tierName}保级条件`, en: `Keeps ${tierName}` };
  if (!options?.length) return { 'zh-CN': `${tierName}暂无升级条件`, en: `${tierName} has no qualification rule` };
  const zhParts = options.map((o) => o.map(zhNeed).join('并'));
  // Consecutive alternatives that both start with 再消费 read as one: 再消费 ¥1,234 或 3 次.
  const zh = zhParts.map((p, i) => (i > 0 && p.startsWith('再消费 ') && zhParts[i - 1]!.startsWith('再消费 ') && !p.includes('并') ? p.slice(4) : p)).join(' 或 ');
  const en = options.map((o) => o.map(enNeed).join(' and ')).join(' or ');
  return which === 'next'
    ? { 'zh-CN': `${zh}即可升级${tierName}`, en: `${en[0]!.toUpperCase()}${en.slice(1)} to reach ${tierName}` }
    : { 'zh-CN': `${zh}即可保级${tierName}`, en: `${en[0]!.toUpperCase()}${en.slice(1)} to keep ${tierName}` };
}
