import i18next, { type TFunction } from 'i18next';
import { couponThresholdText, couponValueText } from '@hearth/contracts/coupon-text';
import type { CouponTemplate } from '@hearth/contracts/coupons';
import { ApiError } from '../api.ts';

// zhe (1500 bp off → 8.5 折) lives with the member-facing wording in contracts.
export { zhe } from '@hearth/contracts/coupon-text';

export const couponStatusColor = { available: 'green', reserved: 'gold', redeemed: 'blue', expired: 'default' } as const;
export const kindColor = { cash: 'volcano', percent: 'magenta', free_item: 'cyan', free_shipping: 'geekblue' } as const;

/** A template's value and threshold in one line: 满 ¥100.00 可用 · 减 ¥20.00 (worded in contracts, as members read it). */
export function describeValue(_t: TFunction, terms: CouponTemplate['terms']): string {
  const locale = i18next.language === 'en' ? 'en' : 'zh-CN';
  return `${couponThresholdText(terms, locale)} · ${couponValueText(terms, locale)}`;
}

export function describeValidity(t: TFunction, terms: CouponTemplate['terms']): string {
  if (terms.valid_days) return t('coupons.relativeDays', { days: terms.valid_days });
  return terms.valid_from ? t('coupons.fixedDates', { from: terms.valid_from, until: terms.valid_until }) : t('coupons.untilDate', { until: terms.valid_until });
}

/** What a coupon call's failure means to the person at the counter, from the problem's stable code. */
export function couponErrorText(t: TFunction, error: unknown): string {
  if (!(error instanceof ApiError)) return (error as Error).message;
  const field = error.problem.errors?.[0];
  if (field?.code === 'invalid_code') return t('coupons.errors.invalid_code');
  if (error.status === 404) return t('coupons.errors.not_found');
  if (error.code === 'COUPON_NOT_APPLICABLE') return t('coupons.errors.COUPON_NOT_APPLICABLE', { reason: t(`coupons.reasons.${field?.code}`, { defaultValue: field?.code ?? '' }) });
  return t(`coupons.errors.${error.code}`, { defaultValue: error.message });
}
