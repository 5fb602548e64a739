import { z } from 'zod';
import { identitySchema } from './members.ts';
import { fenSchema, skuSchema } from './products.ts';
import { orderChannels, orderLineInputSchema } from './orders.ts';

/** Multipliers and rates carry at most two decimals, so earning is computed in exact integers. */
const hundredths = (max: number) => z.number().min(0).max(max).multipleOf(0.01);

export const earningRulesSchema = z.object({
  base_points_per_yuan: hundredths(1000).describe('Points per yuan of eligible paid amount, e.g. 1 or 0.5'),
  rounding: z.enum(['floor', 'round', 'ceil']).default('floor').describe('Applied once to the whole order'),
  min_order_fen: fenSchema.default(0).describe('Orders paying less earn nothing'),
  cap_per_order: z.number().int().min(1).nullable().default(null),
  cap_per_day: z.number().int().min(1).nullable().default(null).describe("Per member per day in the tenant's time zone"),
  exclude: z
    .object({
      discounted_part: z.boolean().default(true).describe('Earn on what was paid after line discounts, not on the list amount'),
      gift_cards: z.boolean().default(true),
      shipping: z.boolean().default(true),
    })
    .default({ discounted_part: true, gift_cards: true, shipping: true }),
  category_multipliers: z.array(z.object({ category: z.string().trim().min(1).max(100), multiplier: hundredths(100) })).max(200).default([]),
  sku_multipliers: z.array(z.object({ sku: skuSchema, multiplier: hundredths(100) })).max(1000).default([]),
  channel_multipliers: z.array(z.object({ channel: z.enum(orderChannels), multiplier: hundredths(100) })).max(10).default([]),
});
export type EarningRules = z.infer<typeof earningRulesSchema>;

export const earningRuleVersionInputSchema = z.object({
  rules: earningRulesSchema,
  effective_from: z.iso.datetime({ offset: true }).optional().describe('Default: now. Orders are scored by the version in force when they occurred'),
  note: z.string().trim().max(200).optional(),
});

export const earningRuleVersionSchema = z.object({
  version: z.number().int(),
  effective_from: z.string(),
  rules: earningRulesSchema,
  note: z.string().nullable(),
  created_by: z.string().nullable(),
  created_at: z.string(),
});
export type EarningRuleVersion = z.infer<typeof earningRuleVersionSchema>;

export const earningExplanationSchema = z.object({
  points: z.number().int(),
  rule_version: z.number().int().nullable(),
  eligible_fen: z.number().int(),
  lines: z.array(
    z.object({
      line_no: z.number().int().describe('0 is shipping'),
      eligible_fen: z.number().int(),
      multiplier: z.number(),
      points: z.number().int().describe('Share of the order points, used to claw back refunds line by line'),
      excluded: z.string().nullable().describe('Why the line earns nothing, e.g. non_earning, gift_card'),
    }),
  ),
  contributions: z.array(z.object({ rule: z.string(), detail: z.string(), points: z.number() })).describe('Each rule’s share before rounding and caps'),
  capped_by: z.enum(['min_order', 'cap_per_order', 'cap_per_day', 'no_rules', 'no_member']).nullable(),
});
export type EarningExplanation = z.infer<typeof earningExplanationSchema>;

export const pointsPreviewInputSchema = z.object({
  channel: z.enum(orderChannels),
  member_id: z.uuid().nullish().describe('Lets tier and member-day multipliers and the daily cap apply'),
  lines: z.array(orderLineInputSchema).min(1).max(500),
  shipping_fen: fenSchema.default(0),
  occurred_at: z.iso.datetime({ offset: true }).optional(),
  rules: earningRulesSchema.optional().describe('Preview a draft instead of the rules in force'),
});
export type PointsPreviewInput = z.infer<typeof pointsPreviewInputSchema>;

export const expiryPolicySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('rolling_months'), months: z.number().int().min(1).max(120) }),
  z.object({ kind: z.literal('calendar_year_end'), years: z.number().int().min(0).max(10).describe('0: end of the year of earning') }),
  z.object({ kind: z.literal('never') }),
]);

export const pointsSettingsSchema = z.object({
  fen_per_100_points: z.number().int().min(0).max(1_000_000).describe('Value of 100 points in fen, e.g. 100 means 1 point = ¥0.01'),
  pending_days: z.number().int().min(0).max(365).describe('Points become spendable this many days after the order (return window)'),
  expiry: expiryPolicySchema,
  clawback_policy: z.enum(['negative_balance', 'other_lots', 'loss']).describe('When refunded points were already spent'),
  max_cash_share_pct: z.number().int().min(1).max(100).describe('Largest share of an order that points may pay'),
  hold_minutes: z.number().int().min(1).max(1440),
  reminder_days: z.array(z.number().int().min(1).max(365)).max(5),
});
export type PointsSettings = z.infer<typeof pointsSettingsSchema>;

export const pointsBalanceSchema = z.object({
  member_id: z.uuid(),
  available: z.number().int().describe('Spendable now (may be negative after a clawback)'),
  pending: z.number().int(),
  held: z.number().int(),
  debt: z.number().int(),
  balance: z.number().int().describe('available + pending, less nothing held'),
  value_fen: z.number().int().describe('Value of the available points'),
  expiring: z.object({ points: z.number().int(), value_fen: z.number().int(), first_date: z.string().nullable(), within_days: z.number().int() }),
  lifetime_earned: z.number().int(),
  lifetime_spent: z.number().int(),
});
export type PointsBalance = z.infer<typeof pointsBalanceSchema>;

export const ledgerEntrySchema = z.object({
  id: z.uuid(),
  kind: z.string(),
  points: z.number().int().describe("Change of the member's points (held points leave the balance at hold)"),
  order_id: z.uuid().nullable(),
  refund_id: z.uuid().nullable(),
  redemption_id: z.uuid().nullable(),
  details: z.record(z.string(), z.unknown()),
  actor: z.string().nullable(),
  created_at: z.string(),
  postings: z.array(z.object({ account: z.string(), amount: z.number().int() })),
  lots: z.array(z.object({ lot_id: z.uuid(), amount: z.number().int(), earned_at: z.string(), expires_at: z.string().nullable() })).describe('The lot trail: which lots this entry created or used, and how much of each'),
});
export type LedgerEntry = z.infer<typeof ledgerEntrySchema>;

export const lotSchema = z.object({
  id: z.uuid(),
  order_id: z.uuid().nullable(),
  amount: z.number().int(),
  remaining: z.number().int(),
  earned_at: z.string(),
  available_at: z.string(),
  expires_at: z.string().nullable(),
});

export const adjustmentInputSchema = z.object({
  points: z.number().int().min(-10_000_000).max(10_000_000).refine((p) => p !== 0, 'must not be 0'),
  reason: z.string().trim().min(2).max(200),
  external_id: z.string().trim().min(1).max(100).optional().describe('Makes a retried adjustment count once'),
  partner: z.string().trim().min(1).max(50).optional().describe('Points bought from or given back to an alliance partner'),
});

export const redemptionInputSchema = z
  .object({
    external_id: z.string().trim().min(1).max(100).describe('The POS or shop id of this redemption; a retry returns the first result'),
    member_id: z.uuid().optional(),
    identity: identitySchema.optional(),
    kind: z.enum(['cash', 'reward']),
    points: z.number().int().min(1).max(100_000_000).optional().describe('cash: points to turn into a deduction'),
    order_total_fen: fenSchema.optional().describe('cash: the order the deduction applies to (for the maximum share)'),
    reward_id: z.uuid().optional(),
    quantity: z.number().int().min(1).max(100).default(1),
    store_id: z.uuid().optional(),
    capture: z.boolean().default(false).describe('cash: spend at once instead of holding for capture'),
  })
  .refine((r) => Boolean(r.member_id) !== Boolean(r.identity), { message: 'send member_id or identity', path: ['member_id'] })
  .refine((r) => r.kind !== 'cash' || (r.points !== undefined && r.order_total_fen !== undefined), { message: 'cash needs points and order_total_fen', path: ['points'] })
  .refine((r) => r.kind !== 'reward' || r.reward_id !== undefined, { message: 'reward needs reward_id', path: ['reward_id'] });
export type RedemptionInput = z.infer<typeof redemptionInputSchema>;

export const redemptionSchema = z.object({
  id: z.uuid(),
  external_id: z.string(),
  member_id: z.uuid(),
  kind: z.enum(['cash', 'reward']),
  status: z.enum(['held', 'captured', 'canceled', 'expired']),
  points: z.number().int(),
  value_fen: z.number().int(),
  reward_id: z.uuid().nullable(),
  quantity: z.number().int(),
  hold_expires_at: z.string().nullable(),
  created_at: z.string(),
});
export type Redemption = z.infer<typeof redemptionSchema>;

export const rewardInputSchema = z.object({
  name: z.string().trim().min(1).max(100),
  description: z.string().trim().max(1000).nullish(),
  points_price: z.number().int().min(1).max(100_000_000),
  stock: z.number().int().min(0).nullable().describe('null: unlimited'),
  status: z.enum(['active', 'inactive']).default('active'),
});

export const rewardSchema = rewardInputSchema.extend({ id: z.uuid(), description: z.string().nullable(), created_at: z.string() });
export type Reward = z.infer<typeof rewardSchema>;

export const liabilitySchema = z.object({
  outstanding_points: z.number().int(),
  outstanding_fen: z.number().int(),
  held_points: z.number().int(),
  pending_points: z.number().int(),
  expiring_30d_points: z.number().int().describe('Points whose lots expire within the next 30 days'),
  debt_points: z.number().int(),
  members_with_points: z.number().int(),
  expiring_by_month: z.array(z.object({ month: z.string(), points: z.number().int(), value_fen: z.number().int() })),
  accounts: z.array(z.object({ account: z.string(), balance: z.number().int() })).describe('Ledger balance of every account (sums to zero)'),
});
