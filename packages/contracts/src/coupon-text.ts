import type { CouponTemplate } from './coupons.ts';

// A coupon's terms in plain words, for the member center and the console alike. No zod here: web apps
// import this file without pulling in the schemas.

export type CouponTerms = CouponTemplate['terms'];
export type TextLocale = 'zh-CN' | 'en';

/** 1500 basis points off is 8.5 折 (the price is 85 % of the original). */
export function zhe(percentOffBp: number): string {
  return String((10000 - percentOffBp) / 1000);
}

/** ¥1,234.50 from 123450 fen, by integer arithmetic. */
export function yuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}¥${Math.floor(abs / 100).toLocaleString('zh-CN')}.${String(abs % 100).padStart(2, '0')}`;
}

/** What the coupon gives: 减 ¥20.00 / 8.5 折，最多减 ¥30.00 / 免费 SKU × 1 / 免运费. */
export function couponValueText(terms: CouponTerms, locale: TextLocale): string {
  const zh = locale === 'zh-CN';
  switch (terms.kind) {
    case 'cash':
      return zh ? `减 ${yuan(terms.value_fen ?? 0)}` : `${yuan(terms.value_fen ?? 0)} off`;
    case 'percent':
      return zh ? `${zhe(terms.percent_off_bp ?? 0)} 折，最多减 ${yuan(terms.cap_fen ?? 0)}` : `${(terms.percent_off_bp ?? 0) / 100}% off, at most ${yuan(terms.cap_fen ?? 0)}`;
    case 'free_item':
      return zh ? `免费 ${terms.free_sku} × ${terms.free_qty ?? 1}` : `${terms.free_sku} × ${terms.free_qty ?? 1} free`;
    default:
      return zh ? '免运费' : 'Free shipping';
  }
}

/** The threshold: 满 ¥100.00 可用 / 无门槛. */
export function couponThresholdText(terms: CouponTerms, locale: TextLocale): string {
  if (terms.min_spend_fen <= 0) return locale === 'zh-CN' ? '无门槛' : 'no minimum';
  return locale === 'zh-CN' ? `满 ${yuan(terms.min_spend_fen)} 可用` : `on ${yuan(terms.min_spend_fen)} or more`;
}

/** The rules a member needs at the counter, one sentence each. */
export function couponRulesText(terms: CouponTerms, locale: TextLocale): string[] {
  const zh = locale === 'zh-CN';
  const rules = [`${couponThresholdText(terms, locale)}${zh ? '，' : ', '}${couponValueText(terms, locale)}`];
  const scope = [...terms.categories, ...terms.skus];
  if (scope.length) rules.push(zh ? `仅限 ${scope.join('、')} 使用，门槛按适用商品金额计算` : `Only for ${scope.join(', ')}; the minimum counts those items`);
  else rules.push(zh ? '全场通用' : 'Valid on the whole order');
  if (terms.channels.length) rules.push(zh ? `限 ${terms.channels.map((c) => channelNames[c]?.[0] ?? c).join('、')} 使用` : `Only ${terms.channels.map((c) => channelNames[c]?.[1] ?? c).join(', ')}`);
  if (terms.store_ids.length) rules.push(zh ? `限 ${terms.store_ids.length} 家指定门店使用` : `Only at ${terms.store_ids.length} selected stores`);
  rules.push(terms.stackable_with_coupons ? (zh ? '可与其他优惠券同时使用' : 'Can be combined with other coupons') : zh ? '不可与其他优惠券同时使用' : 'Cannot be combined with other coupons');
  if (!terms.stackable_with_member_discounts) rules.push(zh ? '不与会员折扣同享' : 'Not combined with member discounts');
  return rules;
}

const channelNames: Record<string, [string, string]> = {
  store: ['门店', 'in store'],
  mini_program: ['小程序', 'mini program'],
  app: ['App', 'app'],
  web: ['网店', 'web shop'],
  partner: ['合作伙伴渠道', 'partner channels'],
};
