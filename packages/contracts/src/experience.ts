import { z } from 'zod';
import { eligibilitySchema } from './eligibility.ts';
import { messageChannels } from './messaging.ts';

const key = z.string().trim().regex(/^[a-z][a-z0-9_]{0,39}$/, 'lowercase letters, digits and _ (start with a letter)');

/** One question of the application questionnaire. */
export const questionSchema = z
  .object({
    key,
    label: z.string().trim().min(1).max(200),
    type: z.enum(['text', 'single', 'multi', 'number', 'boolean']),
    options: z.array(z.string().trim().min(1).max(100)).max(20).optional().describe('For single and multi'),
    required: z.boolean().default(false),
    max_length: z.number().int().min(1).max(2000).default(500).describe('For text'),
  })
  .refine((q) => (q.type === 'single' || q.type === 'multi') === Boolean(q.options?.length), { message: 'single and multi questions need options; others take none', path: ['options'] });
export type Question = z.infer<typeof questionSchema>;

/** What selected members report: a 1–5 rating per aspect, free text of a minimum length, photo URLs. */
export const feedbackFormSchema = z.object({
  aspects: z.array(z.object({ key, label: z.string().trim().min(1).max(100), required: z.boolean().default(true) })).min(1).max(20),
  text_label: z.string().trim().min(1).max(200).default('使用感受 / Your experience'),
  text_min_length: z.number().int().min(0).max(2000).default(50).describe('Characters (code points) of free text required'),
  photos_min: z.number().int().min(0).max(9).default(0),
  photos_max: z.number().int().min(0).max(9).default(9),
});
export type FeedbackForm = z.infer<typeof feedbackFormSchema>;

export const experienceRewardSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }),
  z.object({ kind: z.literal('points'), points: z.number().int().min(1).max(1_000_000) }),
  z.object({ kind: z.literal('coupon'), template_id: z.uuid() }),
  z.object({ kind: z.literal('badge'), badge: z.string().trim().min(1).max(50).describe('e.g. 金牌体验官') }),
]);

export const latePolicies = ['reward', 'no_reward', 'refuse'] as const;

const programFields = {
  name: z.string().trim().min(1).max(100),
  description: z.string().trim().max(5000).nullish(),
  sku: z.string().trim().min(1).max(64).describe('The product tried (products module)'),
  places: z.number().int().min(1).max(100_000),
  apply_from: z.iso.datetime({ offset: true }),
  apply_until: z.iso.datetime({ offset: true }),
  feedback_due_at: z.iso.datetime({ offset: true }),
  eligibility: eligibilitySchema.default({}).describe('Who may apply (tiers, segments, tags, paid members); empty: everyone'),
  questionnaire: z.array(questionSchema).max(30).default([]),
  region_quotas: z.record(z.string().trim().min(1).max(30), z.number().int().min(0).max(100_000)).default({}).describe('Province → at most this many selected; provinces not listed share the rest'),
  feedback_form: feedbackFormSchema,
  reward: experienceRewardSchema.default({ kind: 'none' }).describe('Given once for complete feedback'),
  late_policy: z.enum(latePolicies).default('no_reward').describe('Feedback after the deadline: rewarded, accepted without reward, or refused'),
  reminder_days: z.array(z.number().int().min(1).max(60)).max(5).default([3, 1]).describe('experience.feedback_due this many days before the deadline'),
  selected_message: z.object({ channel: z.enum(messageChannels), template_id: z.uuid() }).nullish().describe('Sent (messaging) to each selected member'),
};

export const programInputSchema = z.object(programFields).superRefine((p, ctx) => {
  if (Date.parse(p.apply_until) <= Date.parse(p.apply_from)) ctx.addIssue({ code: 'custom', path: ['apply_until'], message: 'must be after apply_from' });
  if (Date.parse(p.feedback_due_at) <= Date.parse(p.apply_until)) ctx.addIssue({ code: 'custom', path: ['feedback_due_at'], message: 'must be after apply_until' });
  if (p.feedback_form.photos_max < p.feedback_form.photos_min) ctx.addIssue({ code: 'custom', path: ['feedback_form', 'photos_max'], message: 'must be at least photos_min' });
});
export const programUpdateSchema = z.object({ ...programFields, status: z.enum(['active', 'archived']) }).partial();
export type ProgramInput = z.infer<typeof programInputSchema>;

export const programSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  description: z.string().nullable(),
  sku: z.string(),
  product_name: z.string().nullable(),
  places: z.number().int(),
  apply_from: z.string(),
  apply_until: z.string(),
  feedback_due_at: z.string(),
  eligibility: eligibilitySchema,
  questionnaire: z.array(questionSchema),
  region_quotas: z.record(z.string(), z.number().int()),
  feedback_form: feedbackFormSchema,
  reward: experienceRewardSchema,
  late_policy: z.enum(latePolicies),
  reminder_days: z.array(z.number().int()),
  selected_message: z.object({ channel: z.string(), template_id: z.uuid() }).nullable(),
  status: z.enum(['active', 'archived']),
  phase: z.enum(['upcoming', 'recruiting', 'selecting', 'trial', 'ended']).describe('From the clock: before the window, in it, after it until the deadline (trial once anyone is selected), after the deadline'),
  counts: z.object({ applied: z.number().int(), selected: z.number().int(), shipped: z.number().int(), feedback: z.number().int() }),
  created_at: z.string(),
});
export type Program = z.infer<typeof programSchema>;

export const scoreFactors = ['clv', 'activity', 'influence', 'feedback_quality'] as const;
export type ScoreFactor = (typeof scoreFactors)[number];

export const experienceSettingsSchema = z
  .object({
    weights: z.object({ clv: z.number().int().min(0).max(10_000), activity: z.number().int().min(0).max(10_000), influence: z.number().int().min(0).max(10_000), feedback_quality: z.number().int().min(0).max(10_000) }).describe('Basis points, summing to 10000'),
    activity_full_orders: z.number().int().min(1).max(1000).default(6).describe('Orders in the last 90 days that count as full activity (100)'),
  })
  .refine((s) => Object.values(s.weights).reduce((a, b) => a + b, 0) === 10_000, { message: 'weights must sum to 10000', path: ['weights'] });
export type ExperienceSettings = z.infer<typeof experienceSettingsSchema>;

export const scorePartSchema = z.object({ value: z.number().describe('The factor on a 0–100 scale'), raw: z.number().nullable().describe('What it was computed from (percentile, orders, index, quality)'), weight_bp: z.number().int(), points: z.number().describe('value × weight, its share of the score') });
export const scorePartsSchema = z.record(z.enum(scoreFactors), scorePartSchema);

export const applicationStatuses = ['applied', 'selected', 'not_selected'] as const;

export const maskedAddressSchema = z.object({ recipient: z.string(), phone: z.string(), province: z.string(), city: z.string(), district: z.string().nullable(), line: z.string() });
export const addressInputSchema = z.object({
  recipient: z.string().trim().min(1).max(50),
  phone: z.string().trim().min(5).max(30),
  province: z.string().trim().min(1).max(30),
  city: z.string().trim().min(1).max(30),
  district: z.string().trim().max(30).nullish(),
  line: z.string().trim().min(1).max(200),
});

export const shipmentInputSchema = z.object({
  carrier: z.string().trim().min(1).max(50).optional(),
  tracking_no: z.string().trim().min(1).max(64).optional(),
  shipped_at: z.iso.datetime({ offset: true }).optional().describe('Default: now, when carrier and tracking number are first given'),
  delivered_at: z.iso.datetime({ offset: true }).optional(),
});

export const feedbackInputSchema = z.object({
  ratings: z.record(z.string(), z.number()).default({}).describe('Aspect key → 1..5'),
  text: z.string().max(10_000).default(''),
  photo_urls: z.array(z.string().max(1000)).max(20).default([]),
});

export const feedbackSchema = z.object({
  ratings: z.record(z.string(), z.number().int()),
  text: z.string(),
  photo_urls: z.array(z.string()),
  submitted_at: z.string(),
  late: z.boolean(),
  quality: z.number().int().describe('0–100: text length, photos, aspects rated, on time'),
  rewarded: z.boolean(),
  reward_error: z.string().nullable().describe('Why the reward was refused (e.g. the coupon ran out); an operator retries it'),
});

export const applicationSchema = z.object({
  id: z.uuid(),
  program_id: z.uuid(),
  member_id: z.uuid(),
  member_no: z.string().nullable(),
  province: z.string().nullable(),
  answers: z.record(z.string(), z.unknown()),
  status: z.enum(applicationStatuses),
  score: z.number().describe('0–100, two decimals'),
  score_parts: scorePartsSchema,
  scored_at: z.string(),
  rank: z.number().int().nullable().describe('In the ranked list'),
  selected_at: z.string().nullable(),
  address: maskedAddressSchema.nullable().describe('Masked; the full address is revealed by its own audited route'),
  shipment: z.object({ carrier: z.string().nullable(), tracking_no: z.string().nullable(), shipped_at: z.string().nullable(), delivered_at: z.string().nullable() }),
  feedback: feedbackSchema.nullable(),
  created_at: z.string(),
});
export type Application = z.infer<typeof applicationSchema>;

export const applyInputSchema = z.object({
  answers: z.record(z.string(), z.unknown()).default({}),
  province: z.string().trim().min(1).max(30).optional().describe('Defaults to the member profile’s province'),
});

export const proposalSchema = z.object({
  places: z.number().int(),
  already_selected: z.number().int(),
  proposed: z.array(z.object({ application_id: z.uuid(), member_no: z.string().nullable(), province: z.string().nullable(), score: z.number() })),
  skipped_for_quota: z.array(z.object({ application_id: z.uuid(), province: z.string().nullable(), score: z.number() })),
});

export const selectionInputSchema = z.object({
  application_ids: z.array(z.uuid()).min(1).max(10_000),
  reject_others: z.boolean().default(false).describe('Mark every other applicant not selected (closes the selection)'),
});
export const selectionResultSchema = z.object({ selected: z.number().int(), total_selected: z.number().int(), not_selected: z.number().int() });

export const reportSchema = z.object({
  program_id: z.uuid(),
  applied: z.number().int(),
  selected: z.number().int(),
  shipped: z.number().int(),
  delivered: z.number().int(),
  feedback: z.number().int(),
  late: z.number().int(),
  rewarded: z.number().int(),
  average_quality: z.number().nullable(),
  aspects: z.array(z.object({ key: z.string(), label: z.string(), count: z.number().int(), average: z.number().nullable(), distribution: z.array(z.number().int()).describe('Counts of ratings 1..5') })),
  comments: z.array(z.object({ member_no: z.string().nullable(), province: z.string().nullable(), text: z.string(), photo_urls: z.array(z.string()), submitted_at: z.string(), late: z.boolean() })),
});

export const myProgramSchema = programSchema
  .omit({ counts: true, eligibility: true, region_quotas: true, selected_message: true, reminder_days: true, status: true })
  .extend({ eligible: z.boolean(), my_application: applicationSchema.omit({ score_parts: true, rank: true }).nullable() });

export const memberQualitySchema = z.object({ feedback_count: z.number().int(), quality_score: z.number().int().nullable(), badges: z.array(z.object({ badge: z.string(), program_id: z.uuid(), awarded_at: z.string() })) });
