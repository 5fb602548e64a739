import { z } from 'zod';

const eventTypeSchema = z.string().trim().min(1).max(64);

export const influenceWeightsSchema = z.object({
  events: z
    .record(eventTypeSchema, z.number().min(0).max(1000))
    .default({ share: 3, review: 2, event_attended: 2 })
    .describe('Score per behaviour event of each type (shares, reviews, event attendance …), as the tenant names its event types'),
  referral: z.number().min(0).max(1000).default(5).describe('Score per member referred. No referral data exists yet: contributes 0 until the referrals module lands'),
  referred_revenue_per_100_yuan: z.number().min(0).max(1000).default(1).describe('Score per ¥100 paid by referred members. Contributes 0 until referrals exist'),
  window_days: z.number().int().min(7).max(3660).default(180),
});
export type InfluenceWeights = z.infer<typeof influenceWeightsSchema>;

export const analyticsSettingsSchema = z.object({
  clv_horizon_months: z.number().int().min(1).max(60).describe('How far ahead CLV looks'),
  clv_discount_bp: z.number().int().min(0).max(10000).describe('Annual discount rate in basis points (1000 = 10 %)'),
  pareto_window_days: z.number().int().min(7).max(3660),
  heavy_user_share_bp: z.number().int().min(100).max(5000).describe('Top share of buyers flagged heavy users (2000 = top 20 %)'),
  influence_weights: influenceWeightsSchema,
  regional_drop_bp: z.number().int().min(100).max(10000).describe('Flag a region when sales fall this much (basis points) below last year or the trailing mean'),
});
export type AnalyticsSettings = z.infer<typeof analyticsSettingsSchema>;

export const clvFitSchema = z.object({
  id: z.uuid(),
  status: z.enum(['running', 'succeeded', 'insufficient_data']),
  calibration_end: z.string(),
  horizon_months: z.number().int(),
  discount_bp: z.number().int(),
  customers: z.number().int(),
  repeaters: z.number().int(),
  bgnbd: z.object({ r: z.number(), alpha: z.number(), a: z.number(), b: z.number(), loglik: z.number() }).nullable(),
  gammagamma: z.object({ p: z.number(), q: z.number(), v: z.number().describe('Scale in fen') }).nullable(),
  members_scored: z.number().int(),
  started_at: z.string(),
  finished_at: z.string().nullable(),
});
export type ClvFit = z.infer<typeof clvFitSchema>;

export const memberClvSchema = z.object({
  member_id: z.uuid(),
  member_no: z.string(),
  display_name: z.string().nullable(),
  repeat_purchases: z.number().int(),
  recency_weeks: z.number(),
  age_weeks: z.number(),
  p_alive: z.number(),
  expected_purchases: z.number(),
  expected_spend_per_purchase_fen: z.number().int(),
  expected_spend_fen: z.number().int(),
  clv_fen: z.number().int(),
  historic_value_fen: z.number().int(),
  clv_percentile: z.number().int(),
  computed_at: z.string(),
});
export type MemberClv = z.infer<typeof memberClvSchema>;

export const clvSummarySchema = z.object({
  fit: clvFitSchema.nullable(),
  members: z.number().int(),
  total_clv_fen: z.number().int(),
  total_historic_fen: z.number().int(),
  /** Members per CLV band, for the distribution chart. */
  distribution: z.array(z.object({ from_fen: z.number().int(), to_fen: z.number().int().nullable(), members: z.number().int(), clv_fen: z.number().int() })),
});
export type ClvSummary = z.infer<typeof clvSummarySchema>;

export const paretoQuerySchema = z.object({
  from: z.iso.date().optional().describe('First day (tenant time zone); default: the settings window before `to`'),
  to: z.iso.date().optional().describe('Last day; default: today'),
});

export const paretoReportSchema = z.object({
  from: z.string(),
  to: z.string(),
  buyers: z.number().int(),
  revenue_fen: z.number().int(),
  top_share_bp: z.number().int().describe('The share of buyers called heavy users (settings)'),
  heavy_users: z.number().int(),
  heavy_revenue_fen: z.number().int(),
  heavy_revenue_share_bp: z.number().int().describe('Revenue share of the heavy users, basis points'),
  top_20_revenue_share_bp: z.number().int(),
  gini_bp: z.number().int(),
  /** Lorenz curve: cumulative share of revenue (bp) held by the poorest `buyers_bp` of buyers, at 1 % steps. */
  lorenz: z.array(z.object({ buyers_bp: z.number().int(), revenue_bp: z.number().int() })),
});
export type ParetoReport = z.infer<typeof paretoReportSchema>;

export const heavyUserSchema = z.object({ member_id: z.uuid(), member_no: z.string(), display_name: z.string().nullable(), revenue_fen: z.number().int(), orders: z.number().int(), rank: z.number().int() });

export const influenceMemberSchema = z.object({
  member_id: z.uuid(),
  member_no: z.string(),
  display_name: z.string().nullable(),
  score: z.number(),
  influence_index: z.number().int().describe('0–100: share of scored members with a lower score'),
  events: z.record(z.string(), z.number().int()),
  referrals: z.number().int(),
  referred_revenue_fen: z.number().int(),
});
export type InfluenceMember = z.infer<typeof influenceMemberSchema>;

export const regionalQuerySchema = z.object({
  level: z.enum(['province', 'city', 'store']).default('city'),
  period: z.enum(['week', 'month']).default('month'),
  /** Any day in the period to report; default: the last complete period. */
  at: z.iso.date().optional(),
  trailing: z.coerce.number().int().min(2).max(12).default(3).describe('Periods in the trailing mean'),
});

export const regionalRowSchema = z.object({
  region: z.string(),
  store_id: z.uuid().nullable(),
  sales_fen: z.number().int(),
  orders: z.number().int(),
  last_year_fen: z.number().int(),
  trailing_mean_fen: z.number().int(),
  vs_last_year_bp: z.number().int().nullable(),
  vs_trailing_bp: z.number().int().nullable(),
  dropped: z.boolean(),
});

export const regionalReportSchema = z.object({
  level: z.enum(['province', 'city', 'store']),
  period: z.enum(['week', 'month']),
  from: z.string(),
  to: z.string(),
  threshold_bp: z.number().int(),
  rows: z.array(regionalRowSchema),
});
export type RegionalReport = z.infer<typeof regionalReportSchema>;

export const forecastQuerySchema = z.object({
  level: z.enum(['province', 'city', 'store']).default('city'),
  horizon: z.coerce.number().int().min(1).max(12).default(3).describe('Months ahead'),
});

export const forecastSchema = z.object({
  method: z.string(),
  level: z.enum(['province', 'city', 'store']),
  series: z.array(
    z.object({
      region: z.string(),
      category: z.string(),
      history: z.array(z.object({ month: z.string(), sales_fen: z.number().int() })),
      forecast: z.array(z.object({ month: z.string(), sales_fen: z.number().int() })),
    }),
  ),
});
export type Forecast = z.infer<typeof forecastSchema>;

export const overviewQuerySchema = z.object({
  days: z.coerce.number().int().min(7).max(92).default(30).describe('Days up to today (tenant time zone) in the series; the comparison is the same number of days before'),
});

const periodFiguresSchema = z.object({ orders: z.number().int(), revenue_fen: z.number().int(), buyers: z.number().int(), new_members: z.number().int() });

export const overviewSchema = z.object({
  time_zone: z.string(),
  from: z.string(),
  to: z.string(),
  members: z.number().int().describe('Members that are neither merged nor erased'),
  active_buyers_90d: z.number().int().describe('Members with an order in the last 90 days'),
  today: periodFiguresSchema,
  window: periodFiguresSchema,
  previous_window: periodFiguresSchema,
  points: z.object({ outstanding_points: z.number().int(), outstanding_fen: z.number().int(), expiring_30d_points: z.number().int() }),
  daily: z.array(z.object({ day: z.string(), orders: z.number().int(), revenue_fen: z.number().int(), new_members: z.number().int() })),
});
export type Overview = z.infer<typeof overviewSchema>;
