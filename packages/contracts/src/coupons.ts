import { z } from 'zod';
import { orderChannels } from './orders.ts';
import { fenSchema, skuSchema } from './products.ts';

export const couponKinds = ['cash', 'percent', 'free_item', 'free_shipping'] as const;
export const couponStatuses = ['available', 'reserved', 'redeemed', 'expired'] as const;
const dateSchema = z.iso.date().describe('A day in the tenant’s time zone, YYYY-MM-DD');

/** The value terms of a template: fixed once a coupon of it has been issued. */
export const couponTermsSchema = z
  .object({
    kind: z.enum(couponKinds).describe('cash: ¥X off; percent: N% off with a cap; free_item: a SKU free; free_shipping'),
    value_fen: fenSchema.min(1).nullish().describe('cash: the amount off'),
    percent_off_bp: z.number().int().min(1).max(10000).nullish().describe('percent: the share off in basis points (1500 = 15% off, 八五折)'),
    cap_fen: fenSchema.min(1).nullish().describe('percent: at most this much off'),
    min_spend_fen: fenSchema.default(0).describe('The in-scope lines must add up to at least this'),
    free_sku: skuSchema.nullish(),
    free_qty: z.number().int().min(1).max(100).nullish(),
    valid_from: dateSchema.nullish(),
    valid_until: dateSchema.nullish().describe('Fixed validity: usable until the end of this day (local midnight)'),
    valid_days: z.number().int().min(1).max(3650).nullish().describe('Or: usable for N days counting the day of issue, until local midnight'),
    per_member_limit: z.number().int().min(1).max(1000).nullish(),
    channels: z.array(z.enum(orderChannels)).max(10).default([]).describe('Empty: every channel'),
    store_ids: z.array(z.uuid()).max(1000).default([]).describe('Empty: every store'),
    categories: z.array(z.string().trim().min(1).max(100)).max(200).default([]).describe('With skus: the lines the coupon counts; both empty: the whole cart'),
    skus: z.array(skuSchema).max(1000).default([]),
    stackable_with_coupons: z.boolean().default(false),
    stackable_with_member_discounts: z.boolean().default(true),
  })
  .superRefine((t, ctx) => {
    const need = (field: keyof typeof t, when: boolean) => {
      if (when && (t[field] === null || t[field] === undefined)) ctx.addIssue({ code: 'custom', path: [field], message: `required for ${t.kind} coupons` });
    };
    need('value_fen', t.kind === 'cash');
    need('percent_off_bp', t.kind === 'percent');
    need('cap_fen', t.kind === 'percent');
    need('free_sku', t.kind === 'free_item');
    if ((t.valid_days == null) === (t.valid_until == null)) ctx.addIssue({ code: 'custom', path: ['valid_days'], message: 'give either valid_days or valid_until' });
    if (t.valid_from && t.valid_until && t.valid_from > t.valid_until) ctx.addIssue({ code: 'custom', path: ['valid_until'], message: 'ends before it starts' });
  });

export const couponTemplateInputSchema = z.object({
  name: z.string().trim().min(1).max(100),
  description: z.string().trim().max(1000).nullish(),
  terms: couponTermsSchema,
  stock_total: z.number().int().min(0).max(100_000_000).nullish().describe('Null: unlimited'),
});
export type CouponTemplateInput = z.infer<typeof couponTemplateInputSchema>;

export const couponTemplateUpdateSchema = z.object({
  name: z.string().trim().min(1).max(100).optional(),
  description: z.string().trim().max(1000).nullish(),
  terms: couponTermsSchema.optional().describe('Only while no coupon of the template has been issued'),
});

export const couponTemplateSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  description: z.string().nullable(),
  terms: z.object({
    kind: z.enum(couponKinds),
    value_fen: z.number().int().nullable(),
    percent_off_bp: z.number().int().nullable(),
    cap_fen: z.number().int().nullable(),
    min_spend_fen: z.number().int(),
    free_sku: z.string().nullable(),
    free_qty: z.number().int().nullable(),
    valid_from: z.string().nullable(),
    valid_until: z.string().nullable(),
    valid_days: z.number().int().nullable(),
    per_member_limit: z.number().int().nullable(),
    channels: z.array(z.string()),
    store_ids: z.array(z.string()),
    categories: z.array(z.string()),
    skus: z.array(z.string()),
    stackable_with_coupons: z.boolean(),
    stackable_with_member_discounts: z.boolean(),
  }),
  stock_total: z.number().int().nullable(),
  issued_count: z.number().int(),
  status: z.enum(['active', 'paused']),
  in_use: z.boolean().describe('Coupons have been issued: the terms can no longer change'),
  created_at: z.string(),
});
export type CouponTemplate = z.infer<typeof couponTemplateSchema>;

export const couponSchema = z.object({
  id: z.uuid(),
  code: z.string().describe('Grouped for reading aloud, e.g. K7QM2-9XHTR-4PW8Z'),
  member_id: z.uuid(),
  template_id: z.uuid(),
  template_name: z.string(),
  kind: z.enum(couponKinds),
  status: z.enum(couponStatuses),
  starts_at: z.string(),
  expires_at: z.string(),
  reserved_until: z.string().nullable(),
  redeemed_at: z.string().nullable(),
  store_id: z.uuid().nullable(),
  order_external_id: z.string().nullable(),
  discount_fen: z.number().int().nullable(),
  qr_payload: z.string().describe('What the member’s QR code encodes: the code without separators'),
  created_at: z.string(),
});
export type Coupon = z.infer<typeof couponSchema>;

export const issueCouponSchema = z.object({
  template_id: z.uuid(),
  member_id: z.uuid(),
  quantity: z.number().int().min(1).max(100).default(1),
  issuance_key: z.string().trim().min(1).max(200).describe('The same key again returns the first issuance'),
});

export const bulkIssueSchema = z.object({
  template_id: z.uuid(),
  member_ids: z.array(z.uuid()).min(1).max(100_000),
  issuance_key: z.string().trim().min(1).max(200),
});

export const issuanceSchema = z.object({
  id: z.uuid(),
  issuance_key: z.string(),
  template_id: z.uuid(),
  source: z.enum(['single', 'bulk', 'points_reward']),
  status: z.enum(['queued', 'running', 'succeeded', 'failed']),
  file_name: z.string().nullable(),
  total: z.number().int().nullable(),
  processed: z.number().int(),
  issued: z.number().int(),
  skipped: z.number().int(),
  created_at: z.string(),
  finished_at: z.string().nullable(),
});

export const cartSchema = z.object({
  channel: z.enum(orderChannels),
  store_id: z.uuid().nullish(),
  lines: z
    .array(z.object({ sku: skuSchema, qty: z.number().int().min(1).max(100_000), unit_price_fen: fenSchema, discount_fen: fenSchema.default(0) }))
    .min(1)
    .max(500),
  shipping_fen: fenSchema.default(0),
  member_discount_fen: fenSchema.default(0).describe('Member-price or benefit discounts already in the cart'),
  other_coupon_codes: z.array(z.string().max(40)).max(20).default([]).describe('Other coupons used on the same order'),
});
export type Cart = z.infer<typeof cartSchema>;

export const couponQuoteSchema = z.object({
  coupon: couponSchema,
  applicable: z.boolean(),
  reason: z.string().nullable().describe('Why not: expired, not_started, redeemed, reserved, channel, store, min_spend, no_eligible_lines, free_sku_missing, not_stackable_with_coupons, not_stackable_with_member_discounts'),
  eligible_fen: z.number().int().describe('What the in-scope lines add up to'),
  discount_fen: z.number().int().describe('What the coupon takes off this cart'),
});
export type CouponQuote = z.infer<typeof couponQuoteSchema>;

export const verifyInputSchema = z.object({ code: z.string().trim().min(1).max(40), cart: cartSchema.optional() });
export const reserveInputSchema = z.object({ code: z.string().trim().min(1).max(40), cart: cartSchema, pos_transaction_id: z.string().trim().min(1).max(100) });
export const confirmInputSchema = z.object({
  code: z.string().trim().min(1).max(40),
  cart: cartSchema.optional().describe('Required unless the coupon was reserved (the reservation’s quote is used)'),
  pos_transaction_id: z.string().trim().min(1).max(100).describe('The POS transaction; the same id again answers like the first confirm'),
  order_external_id: z.string().trim().min(1).max(100).nullish().describe('The order this coupon paid for: refunds and reports follow it'),
  store_id: z.uuid().nullish(),
});
export const cancelInputSchema = z.object({ code: z.string().trim().min(1).max(40), pos_transaction_id: z.string().trim().min(1).max(100) });

export const couponSettingsSchema = z.object({
  reservation_minutes: z.number().int().min(1).max(1440),
  refund_policy: z.enum(['restore_if_valid', 'never']).describe('What a full refund of the order does to its coupon'),
  expiring_days: z.number().int().min(1).max(60),
});

export const couponReportRowSchema = z.object({
  template_id: z.uuid(),
  template_name: z.string(),
  issued: z.number().int(),
  redeemed: z.number().int(),
  discount_fen: z.number().int(),
  revenue_influenced_fen: z.number().int().describe('Paid totals of the orders a coupon was confirmed against'),
});
export type CouponIssuance = z.infer<typeof issuanceSchema>;
export type CouponReportRow = z.infer<typeof couponReportRowSchema>;

export const couponMonthlyReportSchema = z.object({
  data: z.array(
    z.object({
      month: z.string().describe('YYYY-MM in the tenant time zone'),
      template_id: z.uuid(),
      template_name: z.string(),
      issued: z.number().int(),
      redeemed: z.number().int(),
      discount_fen: z.number().int(),
      revenue_influenced_fen: z.number().int().describe('Paid totals of the distinct orders that redeemed a coupon of the template in the month'),
    }),
  ),
});
export type CouponMonthlyReport = z.infer<typeof couponMonthlyReportSchema>;
