import { z } from 'zod';
import { orderChannels } from './orders.ts';
import { fenSchema, skuSchema } from './products.ts';

export const benefitTypes = ['discount', 'points_multiplier', 'free_shipping', 'free_service', 'priority_window', 'birthday_gift', 'exclusive_access', 'partner', 'custom'] as const;
export type BenefitType = (typeof benefitTypes)[number];
export const usagePeriods = ['day', 'week', 'month', 'year', 'lifetime'] as const;
export type UsagePeriod = (typeof usagePeriods)[number];
export const benefitSourceKinds = ['tier', 'plan', 'grant'] as const;
export type BenefitSourceKind = (typeof benefitSourceKinds)[number];
export const savingsKinds = ['benefit', 'coupon', 'member_price', 'partner', 'other'] as const;
export type SavingsKind = (typeof savingsKinds)[number];

const category = z.string().trim().min(1).max(100);

/** What a benefit does, by type. Amounts are fen, shares basis points, multipliers two decimals. */
export const benefitConfigSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('discount'),
    mode: z.enum(['percent', 'fixed']).describe('percent: a share off the in-scope lines; fixed: an amount off them, spread over the lines'),
    percent_off_bp: z.number().int().min(1).max(10000).nullish().describe('percent: the share off in basis points (1000 = 10% off, 九折)'),
    amount_fen: fenSchema.min(1).nullish().describe('fixed: the amount off the order'),
    cap_fen: fenSchema.min(1).nullish().describe('percent: at most this much off'),
    min_spend_fen: fenSchema.default(0).describe('The in-scope lines must add up to at least this'),
    categories: z.array(category).max(200).default([]).describe('With skus: the lines the discount applies to; both empty: the whole cart'),
    skus: z.array(skuSchema).max(1000).default([]),
    stackable: z.boolean().default(false).describe('false: only the best such discount applies; true: applies on top, on what is left'),
  }),
  z.object({ type: z.literal('points_multiplier'), multiplier: z.number().min(1).max(10).multipleOf(0.01).describe('Points of the member’s orders ×this (the highest one held applies)') }),
  z.object({ type: z.literal('free_shipping'), min_spend_fen: fenSchema.default(0) }),
  z.object({ type: z.literal('free_service'), service: z.string().trim().min(1).max(60).describe('What the member gets, e.g. 咖啡品鉴 (limit it with usage_limit: 2 a month)') }),
  z.object({
    type: z.literal('priority_window'),
    hours: z.number().int().min(1).max(720).describe('How many hours before everyone else the member may buy'),
    skus: z.array(skuSchema).max(1000).default([]).describe('Empty: every product sold with a window'),
  }),
  z.object({
    type: z.literal('birthday_gift'),
    gift: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('coupon'), template_id: z.uuid(), quantity: z.number().int().min(1).max(10).default(1) }),
      z.object({ kind: z.literal('points'), points: z.number().int().min(1).max(1_000_000) }),
    ]).describe('Given in the birthday month, once a year'),
  }),
  z.object({ type: z.literal('exclusive_access'), skus: z.array(skuSchema).min(1).max(1000).describe('Products only holders may buy') }),
  z.object({
    type: z.literal('partner'),
    partner_id: z.uuid().describe('The alliance partner (异业联盟) providing it'),
    partner_config: z.record(z.string(), z.unknown()).default({}).describe('Kept as given for the partners module'),
  }),
  z.object({ type: z.literal('custom'), detail: z.string().trim().max(500).default('') }),
]);
export type BenefitConfig = z.infer<typeof benefitConfigSchema>;

export const usageLimitSchema = z.object({
  period: z.enum(usagePeriods).describe('Counted in the tenant’s calendar (weeks start on Monday)'),
  uses: z.number().int().min(1).max(100_000),
});

export const benefitCodeSchema = z.string().trim().regex(/^[a-z0-9_-]{1,40}$/, 'lowercase letters, digits, _ and -');

export const benefitInputSchema = z
  .object({
    code: benefitCodeSchema,
    name: z.string().trim().min(1).max(60),
    name_en: z.string().trim().max(60).nullish().describe('English name shown to members who chose English'),
    description: z.string().trim().max(500).nullish(),
    status: z.enum(['active', 'paused']).default('active').describe('A paused benefit is entitled to nobody'),
    usage_limit: usageLimitSchema.nullish().describe('Uses per member per period across tier and plan; none: unlimited'),
    value_fen: fenSchema.nullish().describe('What one use is worth to the member, counted in their savings when the use does not say'),
    config: benefitConfigSchema,
  })
  .superRefine((b, ctx) => {
    const c = b.config;
    if (c.type !== 'discount') return;
    if (c.mode === 'percent' && c.percent_off_bp == null) ctx.addIssue({ code: 'custom', path: ['config', 'percent_off_bp'], message: 'required for a percent discount' });
    if (c.mode === 'fixed' && c.amount_fen == null) ctx.addIssue({ code: 'custom', path: ['config', 'amount_fen'], message: 'required for a fixed discount' });
  });
export type BenefitInput = z.infer<typeof benefitInputSchema>;

export const benefitSchema = z.object({
  id: z.uuid(),
  code: z.string(),
  name: z.string(),
  name_en: z.string().nullable(),
  description: z.string().nullable(),
  type: z.enum(benefitTypes),
  status: z.enum(['active', 'paused']),
  usage_limit: usageLimitSchema.nullable(),
  value_fen: z.number().int().nullable(),
  config: benefitConfigSchema,
  created_at: z.string(),
  updated_at: z.string(),
});
export type Benefit = z.infer<typeof benefitSchema>;

export const benefitSourceSchema = z.object({
  kind: z.enum(benefitSourceKinds),
  id: z.uuid().describe('The tier, the plan or the grant'),
  name: z.string(),
  valid_until: z.string().nullable().describe('null: while the member keeps the tier'),
  remaining: z.number().int().nullable().optional().describe('grant with its own uses: what is left of them'),
});

export const entitlementSchema = z.object({
  benefit: benefitSchema,
  sources: z.array(benefitSourceSchema),
  valid_until: z.string().nullable().describe('The latest end among the sources; null: open-ended'),
  period: z.object({ kind: z.enum(usagePeriods), start: z.string().nullable(), end: z.string().nullable() }).nullable(),
  used_this_period: z.number().int(),
  remaining: z.number().int().nullable().describe('Uses left now (this period plus grants’ own uses); null: unlimited'),
});
export type Entitlement = z.infer<typeof entitlementSchema>;

export const benefitUseInputSchema = z.object({
  use_key: z.string().trim().min(1).max(120).describe('The caller’s id for this use (POS transaction, order): the same key again answers with the first use'),
  quantity: z.number().int().min(1).max(100).default(1),
  value_fen: fenSchema.nullish().describe('What this use saved the member; default: the benefit’s value_fen × quantity'),
  order_external_id: z.string().trim().min(1).max(100).nullish(),
  store_id: z.uuid().nullish(),
  note: z.string().trim().max(500).nullish(),
});
export const benefitUndoInputSchema = z.object({ use_key: z.string().trim().min(1).max(120), reason: z.string().trim().min(1).max(200) });

export const benefitUseSchema = z.object({
  id: z.uuid(),
  member_id: z.uuid(),
  benefit_id: z.uuid(),
  use_key: z.string(),
  quantity: z.number().int(),
  value_fen: z.number().int(),
  sources: z.array(z.object({ kind: z.enum(benefitSourceKinds), id: z.uuid(), quantity: z.number().int() })),
  order_external_id: z.string().nullable(),
  store_id: z.uuid().nullable(),
  used_at: z.string(),
  undone_at: z.string().nullable(),
  undo_reason: z.string().nullable(),
});
export type BenefitUse = z.infer<typeof benefitUseSchema>;
export const benefitUseResultSchema = z.object({ use: benefitUseSchema, replayed: z.boolean(), remaining: z.number().int().nullable() });

export const benefitGrantInputSchema = z
  .object({
    benefit_id: z.uuid(),
    grant_key: z.string().trim().min(1).max(120).describe('The campaign’s id for this grant: the same key again returns the first grant'),
    valid_from: z.iso.datetime({ offset: true }).nullish().describe('Default: now'),
    valid_until: z.iso.datetime({ offset: true }),
    uses: z.number().int().min(1).max(100_000).nullish().describe('Uses of its own over its validity; none: the benefit’s usage limit applies'),
    campaign: z.string().trim().max(100).nullish(),
    reason: z.string().trim().min(1).max(200),
  })
  .refine((g) => !g.valid_from || g.valid_from < g.valid_until, { path: ['valid_until'], message: 'ends before it starts' });
export const benefitGrantSchema = z.object({
  id: z.uuid(),
  member_id: z.uuid(),
  benefit_id: z.uuid(),
  grant_key: z.string(),
  valid_from: z.string(),
  valid_until: z.string(),
  uses: z.number().int().nullable(),
  used: z.number().int(),
  campaign: z.string().nullable(),
  reason: z.string(),
  revoked_at: z.string().nullable(),
  revoke_reason: z.string().nullable(),
  created_at: z.string(),
});
export type BenefitGrant = z.infer<typeof benefitGrantSchema>;

export const cartQuoteInputSchema = z.object({
  member_id: z.uuid(),
  channel: z.enum(orderChannels),
  store_id: z.uuid().nullish(),
  lines: z
    .array(
      z.object({
        sku: skuSchema,
        category: category.nullish().describe('Default: the product’s categories in the catalogue'),
        qty: z.number().int().min(1).max(100_000),
        unit_price_fen: fenSchema,
        discount_fen: fenSchema.default(0).describe('Already taken off this line (member price, promotion)'),
      }),
    )
    .min(1)
    .max(500),
  shipping_fen: fenSchema.default(0),
});
export type CartQuoteInput = z.infer<typeof cartQuoteInputSchema>;

export const cartQuoteSchema = z.object({
  member_id: z.uuid(),
  lines: z.array(z.object({ index: z.number().int(), sku: z.string(), paid_fen: z.number().int(), discount_fen: z.number().int(), benefits: z.array(z.object({ benefit_id: z.uuid(), discount_fen: z.number().int() })) })),
  applied: z.array(z.object({ benefit_id: z.uuid(), code: z.string(), name: z.string(), discount_fen: z.number().int(), sources: z.array(z.enum(benefitSourceKinds)) })),
  not_applied: z.array(z.object({ benefit_id: z.uuid(), code: z.string(), reason: z.string().describe('min_spend, no_eligible_lines, no_uses_left, not_best (a better exclusive discount won)') })),
  total_discount_fen: z.number().int(),
  free_shipping: z.boolean(),
  shipping_discount_fen: z.number().int(),
  free_shipping_benefit_id: z.uuid().nullable(),
});
export type CartQuote = z.infer<typeof cartQuoteSchema>;

export const savingsSchema = z.object({
  member_id: z.uuid(),
  year: z.number().int(),
  from: z.string(),
  to: z.string(),
  total_fen: z.number().int(),
  by_kind: z.record(z.enum(savingsKinds), z.number().int()),
  message: z.object({ zh: z.string(), en: z.string() }).describe('本年已为您节省 ¥X'),
});
export type Savings = z.infer<typeof savingsSchema>;

export const benefitUsageReportRowSchema = z.object({
  benefit_id: z.uuid(),
  code: z.string(),
  name: z.string(),
  type: z.enum(benefitTypes),
  source: z.enum(benefitSourceKinds),
  uses: z.number().int(),
  members: z.number().int(),
  value_fen: z.number().int(),
});
export type BenefitUsageReportRow = z.infer<typeof benefitUsageReportRowSchema>;
