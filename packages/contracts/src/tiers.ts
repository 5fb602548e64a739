import { z } from 'zod';

/**
 * Metrics a qualification condition can test. `paid_membership` is 1 while the member holds a paid
 * membership at the decision's instant (the window does not apply), else 0. `referrals` is a slot for the
 * referrals module: until it exists it evaluates to 0.
 */
export const tierMetrics = ['spend_fen', 'orders', 'visit_days', 'visit_months', 'days_since_last_purchase', 'points_earned', 'paid_membership', 'referrals'] as const;
export type TierMetric = (typeof tierMetrics)[number];

export const tierWindowSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('rolling_months'), months: z.number().int().min(1).max(60) }),
  z.object({ kind: z.literal('calendar_year') }),
  z.object({ kind: z.literal('anniversary_year').describe("The year since the member's last registration anniversary") }),
]);
export type TierWindow = z.infer<typeof tierWindowSchema>;

export const tierConditionSchema = z.object({
  metric: z.enum(tierMetrics).describe('spend_fen is net of refunds; days_since_last_purchase counts from the last purchase inside the window'),
  op: z.enum(['gte', 'lte']).default('gte'),
  value: z.number().int().min(0).max(100_000_000_000),
  window: tierWindowSchema.default({ kind: 'calendar_year' }),
});
export type TierCondition = z.infer<typeof tierConditionSchema>;

/** Two levels are enough for "spend ≥ ¥12,000 OR (≥ 24 visits AND last visit ≤ 60 days)" and keep the builder simple. */
export const tierInnerGroupSchema = z.object({ op: z.enum(['all', 'any']), items: z.array(tierConditionSchema).min(1).max(20) });
export const tierGroupSchema = z.object({ op: z.enum(['all', 'any']), items: z.array(z.union([tierConditionSchema, tierInnerGroupSchema])).min(1).max(20) });
export type TierInnerGroup = z.infer<typeof tierInnerGroupSchema>;
export type TierGroup = z.infer<typeof tierGroupSchema>;

export const tierCodeSchema = z.string().trim().regex(/^[a-z0-9_-]{1,32}$/, 'lowercase letters, digits, _ and -');

export const tierRulesSchema = z.object({
  tiers: z
    .array(
      z.object({
        code: tierCodeSchema,
        qualify: tierGroupSchema.describe('Reaching this upgrades at once; failing it at evaluation downgrades (after grace and retention)'),
        retain: tierGroupSchema.nullable().default(null).describe('A lower bar that keeps the tier at evaluation, e.g. spend ≥ ¥6,000 in 12 months'),
      }),
    )
    .max(20)
    .describe('One entry per tier above the entry tier, by code'),
});
export type TierRules = z.infer<typeof tierRulesSchema>;

export const tierInputSchema = z.object({
  id: z.uuid().optional().describe('An existing tier to keep (its members stay); omit for a new tier'),
  code: tierCodeSchema,
  name: z.string().trim().min(1).max(40),
  color: z.string().trim().regex(/^#[0-9a-fA-F]{6}$/).default('#8c8c8c'),
  icon: z.string().trim().max(200).nullable().default(null).describe('An icon name or image URL'),
  earning_multiplier: z.number().min(0).max(100).multipleOf(0.01).default(1).describe('Applied to points earned on the member’s orders'),
  benefit_ids: z.array(z.uuid()).max(50).optional().describe('Catalogue benefits (GET /benefits) the tier’s members hold; omitted on a kept tier: unchanged'),
});

export const tierProgramSettingsSchema = z.object({
  name: z.string().trim().min(1).max(60),
  status: z.enum(['active', 'paused']).default('active'),
  evaluation: z.enum(['yearly', 'anniversary', 'monthly']).default('yearly').describe("When downgrades are decided, in the tenant's time zone: Jan 1, the member's anniversary, or the 1st of each month"),
  downgrade_policy: z.enum(['one_level', 'to_qualifying']).default('one_level'),
  grace_days: z.number().int().min(0).max(365).default(0).describe('Days a member keeps the tier after failing it at evaluation; requalifying meanwhile keeps it'),
  notice_days: z.number().int().min(1).max(365).default(30).describe('tier.expiring_soon goes out this many days before a downgrade would happen'),
});

export const tierProgramInputSchema = tierProgramSettingsSchema.extend({
  tiers: z.array(tierInputSchema).min(2).max(20).describe('Lowest first: the first tier is the entry tier everyone starts in'),
  rules: tierRulesSchema.optional().describe('First rule version, effective now'),
});
export type TierProgramInput = z.infer<typeof tierProgramInputSchema>;

export const tierSchema = z.object({
  id: z.uuid(),
  code: z.string(),
  rank: z.number().int(),
  name: z.string(),
  color: z.string(),
  icon: z.string().nullable(),
  earning_multiplier: z.number(),
  benefit_ids: z.array(z.uuid()).describe('Catalogue benefits the tier’s members hold'),
});
export type Tier = z.infer<typeof tierSchema>;

export const tierRuleVersionSchema = z.object({
  version: z.number().int(),
  effective_from: z.string(),
  rules: tierRulesSchema,
  note: z.string().nullable(),
  created_by: z.string().nullable(),
  created_at: z.string(),
});
export type TierRuleVersion = z.infer<typeof tierRuleVersionSchema>;

export const tierProgramSchema = tierProgramSettingsSchema.extend({
  id: z.uuid(),
  tiers: z.array(tierSchema),
  rules: tierRuleVersionSchema.nullable().describe('The version in force now'),
  created_at: z.string(),
});
export type TierProgram = z.infer<typeof tierProgramSchema>;

export const tierRuleVersionInputSchema = z.object({
  rules: tierRulesSchema,
  effective_from: z.iso.datetime({ offset: true }).optional().describe('Default: now'),
  note: z.string().trim().max(200).optional(),
  evaluate: z.boolean().default(false).describe('Also evaluate every member under it at effective_from (what a simulation as of that instant predicts)'),
});

export const tierNeedSchema = z.object({
  metric: z.enum(tierMetrics),
  window: tierWindowSchema,
  current: z.number().nullable(),
  target: z.number(),
  missing: z.number().describe('How much more is needed (fen for spend); for days_since_last_purchase 1 means one purchase'),
});
export const tierGapSchema = z.object({
  tier: z.object({ id: z.uuid(), code: z.string(), name: z.string() }),
  met: z.boolean(),
  /** Alternatives (any one suffices), each a list of needs (all of them). */
  options: z.array(z.array(tierNeedSchema)),
  message: z.object({ 'zh-CN': z.string(), en: z.string() }),
});

export const memberTierSchema = z.object({
  program: z.object({ id: z.uuid(), name: z.string(), evaluation: z.string() }),
  tier: tierSchema,
  since: z.string().nullable(),
  valid_until: z.string().nullable().describe('The next evaluation at which the tier may change (a manual tier: its end)'),
  manual: z.object({ until: z.string(), reason: z.string() }).nullable(),
  grace: z.object({ until: z.string(), to_tier_code: z.string() }).nullable(),
  rule_version: z.number().int().nullable(),
  metrics: z.record(z.string(), z.number().nullable()).describe('metric@window → value so far'),
  next: tierGapSchema.nullable(),
  keep: tierGapSchema.nullable(),
});
export type MemberTier = z.infer<typeof memberTierSchema>;

export const tierHistoryEntrySchema = z.object({
  id: z.uuid(),
  program_id: z.uuid(),
  kind: z.enum(['upgraded', 'downgraded', 'retained', 'grace_started', 'manual', 'manual_ended', 'merged']),
  from_tier: z.string().nullable(),
  to_tier: z.string(),
  reason: z.string(),
  rule_version: z.number().int().nullable(),
  metrics: z.record(z.string(), z.number().nullable()),
  actor: z.string().nullable(),
  at: z.string(),
});
export type TierHistoryEntry = z.infer<typeof tierHistoryEntrySchema>;

export const tierAssignmentInputSchema = z.object({
  program_id: z.uuid(),
  tier_code: tierCodeSchema,
  until: z.iso.datetime({ offset: true }).describe('The tier ends then; the member falls back to what they qualify for'),
  reason: z.string().trim().min(1).max(200),
});

export const tierSimulationInputSchema = z.object({
  rules: tierRulesSchema.optional().describe('Draft rules; default the version in force'),
  as_of: z.iso.datetime({ offset: true }).optional().describe('Evaluate as of this instant; default now'),
  sample_size: z.number().int().min(0).max(50).default(5),
});

export const tierSimulationSchema = z.object({
  as_of: z.string(),
  members: z.number().int(),
  distribution: z.array(z.object({ tier_code: z.string(), before: z.number().int(), after: z.number().int() })),
  moves: z.array(z.object({ from: z.string(), to: z.string(), count: z.number().int(), sample: z.array(z.uuid()) })),
});
export type TierSimulation = z.infer<typeof tierSimulationSchema>;

export const tierEvaluationRunSchema = z.object({
  id: z.uuid(),
  kind: z.enum(['scheduled', 'publish', 'manual', 'notice']),
  as_of: z.string(),
  rule_version: z.number().int().nullable(),
  status: z.enum(['running', 'done']),
  done: z.number().int(),
  total: z.number().int(),
  counts: z.record(z.string(), z.number().int()),
  created_at: z.string(),
  finished_at: z.string().nullable(),
});
export type TierEvaluationRun = z.infer<typeof tierEvaluationRunSchema>;
