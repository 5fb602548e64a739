import type { TFunction } from 'i18next';
import type { Benefit } from '@hearth/contracts/benefits';
import { ApiError } from '../api.ts';
import { formatFen } from '../format.ts';
import { zhe } from './coupon-text.ts';

export const benefitTypeColor = { discount: 'magenta', points_multiplier: 'gold', free_shipping: 'geekblue', free_service: 'cyan', priority_window: 'purple', birthday_gift: 'volcano', exclusive_access: 'blue', partner: 'green', custom: 'default' } as const;

/** What a benefit gives, in one line: 9 折，最多减 ¥30.00 · 满 ¥100.00 · 限 饮品. */
export function describeBenefit(t: TFunction, b: Pick<Benefit, 'config'>): string {
  const c = b.config;
  const s = (key: string, values: Record<string, unknown> = {}) => t(`benefits.summary.${key}`, values);
  switch (c.type) {
    case 'discount': {
      const parts = [
        c.mode === 'percent'
          ? s(c.cap_fen ? 'percentCap' : 'percent', { zhe: zhe(c.percent_off_bp ?? 0), percent: (c.percent_off_bp ?? 0) / 100, cap: formatFen(c.cap_fen ?? 0) })
          : s('fixed', { amount: formatFen(c.amount_fen ?? 0) }),
      ];
      if (c.min_spend_fen > 0) parts.push(s('minSpend', { value: formatFen(c.min_spend_fen) }));
      if (c.categories.length || c.skus.length) parts.push(s('scope', { scope: [...c.categories, ...c.skus].join('、') }));
      if (c.stackable) parts.push(s('stackable'));
      return parts.join(' · ');
    }
    case 'points_multiplier':
      return s('multiplier', { value: c.multiplier });
    case 'free_shipping':
      return c.min_spend_fen > 0 ? s('freeShipping', { value: formatFen(c.min_spend_fen) }) : s('freeShippingAny');
    case 'free_service':
      return c.service;
    case 'priority_window':
      return [s('hours', { hours: c.hours }), ...(c.skus.length ? [s('skus', { count: c.skus.length })] : [])].join(' · ');
    case 'birthday_gift':
      return c.gift.kind === 'coupon' ? s('couponGift', { quantity: c.gift.quantity }) : s('pointsGift', { points: c.gift.points });
    case 'exclusive_access':
      return c.skus.join('、');
    case 'partner':
      return s('partner', { id: c.partner_id.slice(0, 8) });
    case 'custom':
      return c.detail;
  }
}

export function describeLimit(t: TFunction, b: Pick<Benefit, 'usage_limit'>): string {
  return b.usage_limit ? t('benefits.perPeriod', { period: t(`benefits.periods.${b.usage_limit.period}`), uses: b.usage_limit.uses }) : t('benefits.noLimit');
}

export function benefitErrorText(t: TFunction, error: unknown): string {
  if (!(error instanceof ApiError)) return (error as Error).message;
  return t(`benefits.errors.${error.code}`, { defaultValue: error.message });
}
