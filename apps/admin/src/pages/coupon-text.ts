import type { TFunction } from 'i18next';
import type { CouponTemplate } from '@hearth/contracts/coupons';
import { ApiError } from '../api.ts';
import { formatFen } from '../format.ts';

export const couponStatusColor = { available: 'green', reserved: 'gold', redeemed: 'blue', expired: 'default' } as const;
export const kindColor = { cash: 'volcano', percent: 'magenta', free_item: 'cyan', free_shipping: 'geekblue' } as const;

/** 1500 basis points off is 8.5 折 (the price is 85 % of the original). */
export function zhe(percentOffBp: number): string {
  return String((10000 - percentOffBp) / 1000);
}

/** A template's value and threshold in one line: 满 ¥100.00 可用，减 ¥20.00. */
export function describeValue(t: TFunction, terms: CouponTemplate['terms']): string {
  const value =
    terms.kind === 'cash'
      ? t('coupons.cashValue', { value: formatFen(terms.value_fen ?? 0) })
      : terms.kind === 'percent'
        ? t('coupons.percentValue', { zhe: zhe(terms.percent_off_bp ?? 0), pct: (terms.percent_off_bp ?? 0) / 100, cap: formatFen(terms.cap_fen ?? 0) })
        : terms.kind === 'free_item'
          ? t('coupons.freeItem', { sku: terms.free_sku, qty: terms.free_qty ?? 1 })
          : t('coupons.freeShipping');
  const threshold = terms.min_spend_fen > 0 ? t('coupons.minSpend', { value: formatFen(terms.min_spend_fen) }) : t('coupons.noThreshold');
  return `${threshold} · ${value}`;
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
