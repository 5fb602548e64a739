import { z } from 'zod';
import { consentChannels, identityTypes } from './members.ts';

// Segment rule trees (#8). A rule is a group (and / or), a negation, or one condition; conditions are a
// discriminated union on `type`. A module that adds a condition (tiers, CLV, influence) adds its schema to
// `conditionSchemas` here and registers the matching compiler on the server (SegmentConditions).

export const compareOps = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'between'] as const;

/** A whole number (count, fen, points, days) compared with a value; `between` is inclusive on both ends and needs `to`. */
export const comparisonSchema = z
  .object({ op: z.enum(compareOps), value: z.number().int(), to: z.number().int().optional() })
  .refine((c) => c.op !== 'between' || (c.to !== undefined && c.to >= c.value), { path: ['to'], message: 'between needs to ≥ value' });
export type Comparison = z.infer<typeof comparisonSchema>;

/** A time window: the last N days up to now, or a fixed [from, to) range. Absent: all time. */
export const windowSchema = z
  .object({
    last_days: z.number().int().min(1).max(3650).optional(),
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
  })
  .refine((w) => w.last_days === undefined || (w.from === undefined && w.to === undefined), { message: 'use last_days or from/to, not both', path: ['last_days'] });
export type Window = z.infer<typeof windowSchema>;

export const profileTextFields = ['gender', 'province', 'city', 'district', 'channel', 'campaign', 'status', 'member_no', 'home_store_id'] as const;
export const profileNumberFields = ['birthday_month', 'birth_year'] as const;
export const textOps = ['eq', 'neq', 'in', 'not_in', 'is_set', 'is_not_set', 'starts_with'] as const;

const text = z.string().min(1).max(200);
const textValue = z.union([text, z.array(text).min(1).max(1000)]).optional();

const profileSchema = z
  .object({
    type: z.literal('profile'),
    field: z.enum([...profileTextFields, ...profileNumberFields]),
    op: z.enum([...textOps, ...compareOps]),
    value: z.union([textValue, z.number()]).optional(),
    to: z.number().optional(),
  })
  .superRefine((c, ctx) => checkOperand(c.field, (profileNumberFields as readonly string[]).includes(c.field) ? 'number' : 'text', c.op, c.value, c.to, ctx));

const customFieldSchema = z
  .object({
    type: z.literal('custom_field'),
    key: z.string().min(1).max(64),
    op: z.enum([...textOps, 'gt', 'gte', 'lt', 'lte', 'between', 'is_true', 'is_false']),
    value: z.union([textValue, z.number()]).optional(),
    to: z.number().optional(),
  })
  .superRefine((c, ctx) => checkOperand(c.key, ['gt', 'gte', 'lt', 'lte', 'between'].includes(c.op) ? 'number' : 'text', c.op, c.value, c.to, ctx));

const registeredSchema = z.object({ type: z.literal('registered'), days_ago: comparisonSchema }).describe('Days since registration (time-based)');
const tagsSchema = z.object({ type: z.literal('tags'), op: z.enum(['any', 'all', 'none']), tag_ids: z.array(z.uuid()).min(1).max(100) });
const identitySchema = z.object({ type: z.literal('identity'), identity_type: z.enum(identityTypes), app_id: z.string().min(1).max(64).optional(), has: z.boolean().default(true) });
const consentSchema = z.object({ type: z.literal('consent'), channel: z.enum(consentChannels), granted: z.boolean().default(true) });
const pointsBalanceSchema = z.object({ type: z.literal('points_balance'), compare: comparisonSchema }).describe('Available points (0 without an account)');
const pointsExpiringSchema = z
  .object({ type: z.literal('points_expiring'), within_days: z.number().int().min(1).max(3650), compare: comparisonSchema })
  .describe('Points whose lots expire within the next N days (time-based)');
const ordersSchema = z
  .object({
    type: z.literal('orders'),
    metric: z.enum(['count', 'amount_fen']).describe('count: orders not fully refunded; amount_fen: paid less refunded, in fen'),
    window: windowSchema.optional(),
    store_ids: z.array(z.uuid()).min(1).max(200).optional(),
    channels: z.array(z.enum(['store', 'mini_program', 'app', 'web', 'partner'])).min(1).optional(),
    compare: comparisonSchema,
  })
  .describe('Orders count or spend in a window');
const purchasedSchema = z
  .object({
    type: z.literal('purchased'),
    skus: z.array(text).min(1).max(500).optional(),
    categories: z.array(text).min(1).max(100).optional().describe('Any level of the product category path'),
    window: windowSchema.optional(),
    bought: z.boolean().default(true).describe('false: never bought any of them (in the window)'),
  })
  .refine((c) => c.skus || c.categories, { message: 'give skus or categories', path: ['skus'] });
const lastOrderSchema = z
  .object({ type: z.literal('last_order'), days_ago: comparisonSchema, include_never: z.boolean().default(false).describe('Also match members who never ordered') })
  .describe('Days since the last order (time-based)');
const propertyFilterSchema = z.object({ key: z.string().min(1).max(64), op: z.enum(['eq', 'neq', 'in', 'gt', 'gte', 'lt', 'lte']), value: z.union([z.string().max(200), z.number(), z.boolean(), z.array(z.union([z.string().max(200), z.number()])).min(1).max(100)]) });
const eventSchema = z.object({
  type: z.literal('event'),
  event_type: z.string().min(1).max(100),
  window: windowSchema.optional(),
  properties: z.array(propertyFilterSchema).max(10).optional(),
  compare: comparisonSchema.describe('Number of matching events'),
});
const nearStoreSchema = z
  .object({ type: z.literal('near_store'), store_id: z.uuid(), within_km: z.number().positive().max(20000) })
  .describe("The member's home store lies within N km of the store (the member's only known location)");
export const rfmGroups = ['important_value', 'important_develop', 'important_keep', 'important_retain', 'general_value', 'general_develop', 'general_keep', 'general_retain'] as const;
export type RfmGroup = (typeof rfmGroups)[number];
const scoreRange = z.tuple([z.number().int().min(1).max(5), z.number().int().min(1).max(5)]).optional();
const rfmSchema = z
  .object({ type: z.literal('rfm'), groups: z.array(z.enum(rfmGroups)).min(1).optional(), r: scoreRange, f: scoreRange, m: scoreRange })
  .refine((c) => c.groups || c.r || c.f || c.m, { message: 'give groups or a score range', path: ['groups'] });
export const lifecycleStages = ['new', 'active', 'at_risk', 'dormant', 'lost', 'won_back'] as const;
export type LifecycleStage = (typeof lifecycleStages)[number];
const lifecycleSchema = z.object({ type: z.literal('lifecycle'), stages: z.array(z.enum(lifecycleStages)).min(1) });
const tierSchema = z.object({ type: z.literal('tier'), program_id: z.uuid(), tier_ids: z.array(z.uuid()).min(1).max(50) }).describe("The member's current tier in a tier program is one of these");
const clvPercentileSchema = z
  .object({ type: z.literal('clv_percentile'), compare: comparisonSchema })
  .describe('CLV percentile 0–100 from the latest weekly fit (members without a score count as 0)');
const influenceSchema = z
  .object({ type: z.literal('influence'), index: comparisonSchema.optional(), heavy_user: z.boolean().optional() })
  .refine((c) => c.index !== undefined || c.heavy_user !== undefined, { path: ['index'], message: 'give index, heavy_user or both' })
  .describe('Influence index 0–100 and the heavy-user flag, recomputed daily (members without a row: 0 and false)');

export const paidStatuses = ['trialing', 'active', 'past_due', 'grace', 'canceled'] as const;
const paidStatusSchema = z
  .object({
    type: z.literal('paid_status'),
    plan_ids: z.array(z.uuid()).min(1).max(50).optional().describe('Only a membership of one of these plans'),
    statuses: z.array(z.enum(paidStatuses)).min(1).optional().describe('Only in one of these statuses, e.g. active, or grace (the period ended unpaid; benefits until the grace end)'),
  })
  .describe('Holds a paid membership now: benefits not yet ended (a trial, active, canceled until the period end, past due or in grace until the grace end). Use not for members without one');

export const conditionSchemas = [
  profileSchema,
  customFieldSchema,
  registeredSchema,
  tagsSchema,
  identitySchema,
  consentSchema,
  pointsBalanceSchema,
  pointsExpiringSchema,
  ordersSchema,
  purchasedSchema,
  lastOrderSchema,
  eventSchema,
  nearStoreSchema,
  rfmSchema,
  lifecycleSchema,
  tierSchema,
  clvPercentileSchema,
  influenceSchema,
  paidStatusSchema,
] as const;
export const conditionSchema = z.discriminatedUnion('type', conditionSchemas);
export type Condition = z.infer<typeof conditionSchema>;
export type ConditionOf<T extends Condition['type']> = Extract<Condition, { type: T }>;

export type Rule = { op: 'and' | 'or'; rules: Rule[] } | { op: 'not'; rule: Rule } | Condition;

export const MAX_RULE_CONDITIONS = 50;
export const MAX_RULE_DEPTH = 6;

export const ruleSchema: z.ZodType<Rule> = z.lazy(() =>
  z.union([z.object({ op: z.enum(['and', 'or']), rules: z.array(ruleSchema).min(1).max(MAX_RULE_CONDITIONS) }), z.object({ op: z.literal('not'), rule: ruleSchema }), conditionSchema]),
).meta({ id: 'SegmentRule', description: 'A group (and / or), a negation (not), or one condition' });

/** A rule tree within the size limits (conditions and nesting), so one compiled query stays reasonable. */
export const boundedRuleSchema = ruleSchema.superRefine((rule, ctx) => {
  let conditions = 0;
  let deepest = 0;
  const walk = (node: Rule, depth: number) => {
    deepest = Math.max(deepest, depth);
    if ('type' in node) conditions += 1;
    else if (node.op === 'not') walk(node.rule, depth + 1);
    else for (const child of node.rules) walk(child, depth + 1);
  };
  walk(rule, 1);
  if (conditions > MAX_RULE_CONDITIONS) ctx.addIssue({ code: 'custom', message: `at most ${MAX_RULE_CONDITIONS} conditions` });
  if (deepest > MAX_RULE_DEPTH) ctx.addIssue({ code: 'custom', message: `at most ${MAX_RULE_DEPTH} levels of nesting` });
});

export const previewInputSchema = z.object({ rule: boundedRuleSchema, sample_size: z.number().int().min(0).max(50).default(10) });

export const memberSampleSchema = z.object({
  id: z.uuid(),
  member_no: z.string(),
  name: z.string().nullable().describe('Masked: first character only'),
  phone: z.string().nullable().describe('Masked'),
  city: z.string().nullable(),
  registered_at: z.string(),
});
export type MemberSample = z.infer<typeof memberSampleSchema>;

export const previewSchema = z.object({ count: z.number().int(), sample: z.array(memberSampleSchema), took_ms: z.number() });
export type Preview = z.infer<typeof previewSchema>;

export const segmentKinds = ['dynamic', 'static'] as const;

export const segmentInputSchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    description: z.string().trim().max(500).nullish(),
    kind: z.enum(segmentKinds).default('dynamic'),
    rule: boundedRuleSchema.optional().describe('Required for a dynamic segment'),
    writes_tag_id: z.uuid().nullish().describe('A tag the segment keeps on exactly its members (rule-computed tag)'),
  })
  .refine((s) => s.kind === 'static' || s.rule, { message: 'a dynamic segment needs a rule', path: ['rule'] })
  .refine((s) => s.kind === 'dynamic' || !s.rule, { message: 'a static segment has no rule', path: ['rule'] });
export type SegmentInput = z.infer<typeof segmentInputSchema>;

export const segmentUpdateSchema = z.object({
  name: z.string().trim().min(1).max(100).optional(),
  description: z.string().trim().max(500).nullish(),
  rule: boundedRuleSchema.optional(),
  writes_tag_id: z.uuid().nullish(),
  status: z.enum(['active', 'archived']).optional(),
});
export type SegmentUpdate = z.infer<typeof segmentUpdateSchema>;

export const segmentSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  description: z.string().nullable(),
  kind: z.enum(segmentKinds),
  status: z.enum(['active', 'archived']),
  rule: ruleSchema.nullable(),
  writes_tag_id: z.uuid().nullable(),
  depends_on: z.array(z.string()).describe('What re-evaluates a member live: order, points, profile, tags, event:<type> …'),
  time_based: z.boolean().describe('Also re-evaluated by the scheduled sweep'),
  member_count: z.number().int(),
  computed_at: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type Segment = z.infer<typeof segmentSchema>;

export const membershipChangeSchema = z.object({
  member_id: z.uuid(),
  action: z.enum(['entered', 'exited']),
  cause: z.string(),
  occurred_at: z.string(),
});

export const staticMembersInputSchema = z.object({ action: z.enum(['add', 'remove']), member_ids: z.array(z.uuid()).min(1).max(10_000) });

export const recomputeResultSchema = z.object({ members: z.number().int(), entered: z.number().int(), exited: z.number().int() });

// RFM (#8 item 3)
export const rfmSettingsSchema = z
  .object({
    window_days: z.number().int().min(7).max(3650).default(365),
    scoring: z.enum(['quintile', 'fixed']).default('quintile'),
    thresholds: z
      .object({
        recency_days: z.array(z.number().int().min(0)).length(4).describe('Ascending: R is 5 within the first, 4 within the second … 1 beyond the last'),
        frequency: z.array(z.number().int().min(1)).length(4).describe('Ascending: F is 1 below the first, 2 from the first … 5 from the last'),
        monetary_fen: z.array(z.number().int().min(0)).length(4).describe('Ascending, like frequency, in fen'),
      })
      .nullish()
      .describe('Required when scoring is fixed'),
  })
  .refine((s) => s.scoring === 'quintile' || s.thresholds, { message: 'fixed scoring needs thresholds', path: ['thresholds'] })
  .refine((s) => !s.thresholds || Object.values(s.thresholds).every((a) => a.every((v, i) => i === 0 || v > a[i - 1]!)), { message: 'thresholds must be strictly ascending', path: ['thresholds'] });
export type RfmSettings = z.infer<typeof rfmSettingsSchema>;

export const rfmGridSchema = z.object({
  computed_at: z.string().nullable(),
  members: z.number().int(),
  cells: z.array(z.object({ r: z.number().int(), f: z.number().int(), members: z.number().int(), avg_monetary_fen: z.number().int() })),
  groups: z.array(z.object({ group: z.enum(rfmGroups), members: z.number().int(), monetary_fen: z.number().int() })),
});

// Lifecycle (#8 item 4)
export const lifecycleSettingsSchema = z
  .object({
    new_days: z.number().int().min(1).max(365).default(30).describe('New: registered, or first bought, within N days'),
    won_back_days: z.number().int().min(1).max(365).default(30).describe('Won back: bought within N days after having been dormant'),
    at_risk_k: z.number().min(1).max(20).multipleOf(0.01).default(1.5).describe('At risk when the gap exceeds k × the member’s usual interval'),
    dormant_k: z.number().min(1).max(50).multipleOf(0.01).default(3),
    lost_k: z.number().min(1).max(100).multipleOf(0.01).default(6),
    min_interval_days: z.number().int().min(1).max(365).default(7).describe('Usual intervals shorter than this count as this'),
    at_risk_days: z.number().int().min(1).max(3650).default(90).describe('Thresholds for members without a usual interval (fewer than two orders)'),
    dormant_days: z.number().int().min(1).max(3650).default(180),
    lost_days: z.number().int().min(1).max(3650).default(365),
  })
  .refine((s) => s.at_risk_k < s.dormant_k && s.dormant_k < s.lost_k, { message: 'needs at_risk_k < dormant_k < lost_k', path: ['dormant_k'] })
  .refine((s) => s.at_risk_days < s.dormant_days && s.dormant_days < s.lost_days, { message: 'needs at_risk_days < dormant_days < lost_days', path: ['dormant_days'] });
export type LifecycleSettings = z.infer<typeof lifecycleSettingsSchema>;

export const lifecycleSummarySchema = z.object({ computed_at: z.string().nullable(), stages: z.array(z.object({ stage: z.enum(lifecycleStages), members: z.number().int() })) });
export const lifecycleFlowSchema = z.object({
  months: z.array(z.object({ month: z.string().describe('YYYY-MM in the tenant time zone'), flows: z.array(z.object({ from: z.enum(lifecycleStages).nullable(), to: z.enum(lifecycleStages), members: z.number().int() })) })),
});

function checkOperand(field: string, kind: 'text' | 'number', op: string, value: unknown, to: number | undefined, ctx: z.RefinementCtx) {
  const issue = (message: string) => ctx.addIssue({ code: 'custom', path: ['value'], message: `${field}: ${message}` });
  if (op === 'is_set' || op === 'is_not_set' || op === 'is_true' || op === 'is_false') return;
  if (kind === 'number') {
    if (!(compareOps as readonly string[]).includes(op)) return issue(`${op} does not apply to a number`);
    if (typeof value !== 'number') return issue('needs a number');
    if (op === 'between' && (to === undefined || to < value)) ctx.addIssue({ code: 'custom', path: ['to'], message: 'between needs to ≥ value' });
    return;
  }
  if (op === 'in' || op === 'not_in') return Array.isArray(value) ? undefined : issue(`${op} needs a list`);
  if (!(textOps as readonly string[]).includes(op)) return issue(`${op} does not apply to text`);
  if (typeof value !== 'string') return issue('needs a text value');
}
