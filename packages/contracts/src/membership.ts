import { z } from 'zod';

export const planPeriods = ['month', 'quarter', 'year'] as const;
export const subscriptionStatuses = ['trialing', 'active', 'past_due', 'grace', 'canceled', 'expired', 'refunded'] as const;
export const paymentProviders = ['offline', 'wechat'] as const;

export const planInputSchema = z.object({
  name: z.string().trim().min(1).max(100),
  description: z.string().max(2000).nullish(),
  price_fen: z.number().int().min(1).max(100_000_000),
  period: z.enum(planPeriods),
  trial_days: z.number().int().min(0).max(365).default(0),
  auto_renew_allowed: z.boolean().default(true),
  benefit_ids: z.array(z.uuid()).max(100).default([]),
  upgrade_to: z.array(z.uuid()).max(20).default([]),
  status: z.enum(['active', 'inactive']).default('active'),
});

export const planSchema = planInputSchema.extend({ id: z.uuid(), description: z.string().nullable(), created_at: z.string() });

export const subscriptionSchema = z.object({
  id: z.uuid(),
  member_id: z.uuid(),
  plan_id: z.uuid(),
  status: z.enum(subscriptionStatuses),
  auto_renew: z.boolean(),
  provider: z.enum(paymentProviders),
  trial_ends_at: z.string().nullable(),
  current_period_start: z.string(),
  current_period_end: z.string(),
  periods_paid: z.number().int(),
  period_value_fen: z.number().int(),
  grace_ends_at: z.string().nullable(),
  canceled_at: z.string().nullable(),
  ended_at: z.string().nullable(),
  created_at: z.string(),
});

export const paymentSchema = z.object({
  id: z.uuid(),
  member_id: z.uuid(),
  out_trade_no: z.string(),
  subscription_id: z.uuid().nullable(),
  plan_id: z.uuid(),
  kind: z.enum(['purchase', 'renewal', 'upgrade']),
  provider: z.enum(paymentProviders),
  amount_fen: z.number().int(),
  credit_fen: z.number().int(),
  status: z.enum(['pending', 'paid', 'closed', 'late', 'refunded']),
  provider_txn_id: z.string().nullable(),
  refunded_fen: z.number().int(),
  paid_at: z.string().nullable(),
  closed_at: z.string().nullable(),
  created_at: z.string(),
});

export const refundSchema = z.object({
  id: z.uuid(),
  payment_id: z.uuid(),
  out_refund_no: z.string(),
  amount_fen: z.number().int(),
  policy: z.enum(['full', 'pro_rata']),
  status: z.enum(['pending', 'processing', 'succeeded', 'failed']),
  reason: z.string().nullable(),
  created_at: z.string(),
});

export const membershipSchema = z.object({
  is_paid_member: z.boolean(),
  benefits_until: z.string().nullable(),
  current: subscriptionSchema.nullable(),
  subscriptions: z.array(subscriptionSchema),
  history: z.array(z.object({ id: z.uuid(), subscription_id: z.uuid(), from: z.enum(subscriptionStatuses).nullable(), to: z.enum(subscriptionStatuses), reason: z.string(), payment_id: z.uuid().nullable(), actor: z.string(), at: z.string() })),
  payments: z.array(paymentSchema),
  refunds: z.array(refundSchema),
});

export const purchaseInputSchema = z.object({
  plan_id: z.uuid(),
  provider: z.enum(paymentProviders),
  /** The payer's openid under the configured appid; required for wechat. */
  openid: z.string().min(1).max(128).nullish(),
  auto_renew: z.boolean().default(false),
});

export const purchaseResultSchema = z.object({ payment: paymentSchema, pay_params: z.record(z.string(), z.string()).nullable() });

export const trialInputSchema = z.object({ plan_id: z.uuid(), auto_renew: z.boolean().default(false), provider: z.enum(paymentProviders).default('offline') });

export const reasonInputSchema = z.object({ reason: z.string().trim().min(1).max(200) });

export const refundResultSchema = z.object({ subscription: subscriptionSchema, policy: z.enum(['full', 'pro_rata']), amount_fen: z.number().int(), refunds: z.array(refundSchema) });

export const membershipSettingsSchema = z.object({
  full_refund_days: z.number().int().min(0).max(366),
  grace_days: z.number().int().min(0).max(90),
  reminder_days: z.number().int().min(1).max(90),
  query_after_minutes: z.number().int().min(1).max(1440),
  payment_timeout_minutes: z.number().int().min(5).max(10080),
});

export const wechatConfigInputSchema = z.object({
  mchid: z.string().min(1).max(32),
  appid: z.string().min(1).max(32),
  merchant_serial: z.string().min(1).max(64),
  private_key: z.string().includes('PRIVATE KEY'),
  api_v3_key: z.string().length(32),
  platform_serial: z.string().min(1).max(128),
  platform_public_key: z.string().includes('PUBLIC KEY'),
  base_url: z.url().optional(),
  notify_base_url: z.url(),
});

export const wechatConfigSchema = z.object({ provider: z.literal('wechat'), mchid: z.string(), appid: z.string(), merchant_serial: z.string(), platform_serial: z.string(), notify_base_url: z.string() });

// Reports (#7 item 8). Months are YYYY-MM in the tenant's time zone, oldest first, the current month last
// (counted up to now); ratios are basis points rounded down, null when there is nothing to divide by.
export const reportMonthsQuerySchema = z.object({ months: z.coerce.number().int().min(1).max(36).default(12).describe('How many months up to and including the current one') });

export const paidRatioReportSchema = z.object({
  data: z.array(
    z.object({
      month: z.string(),
      members: z.number().int().describe('Members registered by the end of the month (merged duplicates left out)'),
      paid_members: z.number().int().describe('Members holding a paid membership (trials included, as isPaidMember) at the end of the month, or now for the current month'),
      ratio_bp: z.number().int().nullable(),
    }),
  ),
});

export const revenueShareReportSchema = z.object({
  data: z.array(
    z.object({
      month: z.string(),
      member_orders: z.number().int(),
      paid_member_orders: z.number().int().describe('Orders placed while their member held a paid membership'),
      member_revenue_fen: z.number().int().describe('Paid less refunded, of every order with a member'),
      paid_member_revenue_fen: z.number().int(),
      share_bp: z.number().int().nullable(),
    }),
  ),
});

export const renewalReportSchema = z.object({
  data: z.array(
    z.object({
      month: z.string(),
      due: z.number().int().describe('Paid periods that ended in the month (trials, upgraded and refunded periods do not count)'),
      renewed: z.number().int().describe('Of those, the periods a renewal payment carried on'),
      rate_bp: z.number().int().nullable(),
    }),
  ),
});

export const churnReportSchema = z.object({
  data: z.array(
    z.object({
      month: z.string(),
      plan_id: z.uuid(),
      plan_name: z.string(),
      expired: z.number().int(),
      canceled: z.number().int().describe('Cancellations decided in the month (the subscription later expires, and counts again then)'),
      refunded: z.number().int(),
      churned: z.number().int().describe('expired + canceled + refunded'),
    }),
  ),
});

export const refundQuoteSchema = z.object({
  subscription_id: z.uuid(),
  policy: z.enum(['full', 'pro_rata']),
  amount_fen: z.number().int().describe('What a refund now would return: the same computation as the refund itself'),
  period_value_fen: z.number().int(),
  used_days: z.number().int(),
  unused_days: z.number().int(),
  period_days: z.number().int(),
  full_refund_days: z.number().int(),
});

export type Plan = z.infer<typeof planSchema>;
export type Subscription = z.infer<typeof subscriptionSchema>;
export type MembershipPayment = z.infer<typeof paymentSchema>;
export type MembershipView = z.infer<typeof membershipSchema>;
export type RefundQuote = z.infer<typeof refundQuoteSchema>;
export type MembershipSettings = z.infer<typeof membershipSettingsSchema>;
export type WechatConfig = z.infer<typeof wechatConfigSchema>;
export type PaidRatioReport = z.infer<typeof paidRatioReportSchema>;
export type RevenueShareReport = z.infer<typeof revenueShareReportSchema>;
export type RenewalReport = z.infer<typeof renewalReportSchema>;
export type ChurnReport = z.infer<typeof churnReportSchema>;
