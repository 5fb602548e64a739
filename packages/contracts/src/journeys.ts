import { z } from 'zod';
import { messageChannels } from './messaging.ts';
import { boundedRuleSchema } from './segments.ts';

/**
 * Domain events a journey can start on, wait for, or take as its goal. Each names one member in its payload
 * (`member_id`; `event.tracked` and `member.tagged` name several and are split per member). The server
 * subscribes to exactly these, so a type outside the list would never fire.
 */
export const journeyEventTypes = [
  'member.registered',
  'member.updated',
  'member.tagged',
  'consent.changed',
  'order.created',
  'order.refunded',
  'points.balance_changed',
  'points.expiring',
  'points.expired',
  'points.adjusted',
  'tier.upgraded',
  'tier.downgraded',
  'tier.retained',
  'tier.expiring_soon',
  'membership.started',
  'membership.renewal_due',
  'membership.renewed',
  'membership.expired',
  'membership.canceled',
  'coupon.issued',
  'coupon.expiring',
  'coupon.redeemed',
  'event.tracked',
  'geofence.entered',
  'member_day.upcoming',
] as const;
export type JourneyEventType = (typeof journeyEventTypes)[number];


const nodeId = z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'letters, digits, _ and -, at most 40');

/** One property of the event compared to a value; `event.tracked` carries its own `type` here. */
export const propertyFilterSchema = z.object({
  property: z.string().trim().min(1).max(64),
  op: z.enum(['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'in']).default('eq'),
  value: z.union([z.string().max(200), z.number(), z.boolean(), z.array(z.union([z.string().max(200), z.number()])).max(100)]),
});
export type PropertyFilter = z.infer<typeof propertyFilterSchema>;

export const triggerSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('event'), event_type: z.enum(journeyEventTypes), filters: z.array(propertyFilterSchema).max(10).default([]) }),
  z.object({ kind: z.literal('segment_entered'), segment_id: z.uuid() }),
  z.object({ kind: z.literal('segment_exited'), segment_id: z.uuid() }),
  z
    .object({
      kind: z.literal('date'),
      field: z.enum(['birthday', 'registration_anniversary']),
      days_before: z.number().int().min(0).max(60).default(0),
      at_hour: z.number().int().min(0).max(23).default(9).describe("Hour of the tenant's day at which the day's members enter"),
    })
    .describe('Members whose birthday or join anniversary is `days_before` days away, once a day in the tenant’s zone. Renewal dates: use the `membership.renewal_due` event'),
  z.object({ kind: z.literal('geofence'), store_ids: z.array(z.uuid()).max(100).default([]).describe('Empty: any store') }),
  z.object({ kind: z.literal('api') }).describe('Only POST /journeys/{id}/enter'),
]);
export type Trigger = z.infer<typeof triggerSchema>;

const waitSchema = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('duration'), minutes: z.number().int().min(1).max(525_600) }),
  z.object({
    mode: z.literal('time_of_day'),
    time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM'),
    time_zone: z.string().max(64).optional().describe("IANA zone; default the tenant's"),
    days_later: z.number().int().min(0).max(30).default(0).describe('0: the next such time (today if still ahead)'),
  }),
  z.object({
    mode: z.literal('event'),
    event_type: z.enum(journeyEventTypes),
    filters: z.array(propertyFilterSchema).max(10).default([]),
    timeout_minutes: z.number().int().min(1).max(525_600),
  }),
]);

const node = <T extends string, C extends z.ZodType>(type: T, config: C) =>
  z.object({ id: nodeId, type: z.literal(type), label: z.string().trim().max(100).optional(), position: z.object({ x: z.number(), y: z.number() }).optional(), config });

export const splitArmSchema = z.object({ id: nodeId, weight: z.number().int().min(1).max(10_000), holdout: z.boolean().default(false) });

export const journeyNodeSchema = z.discriminatedUnion('type', [
  node('trigger', triggerSchema),
  node('wait', waitSchema),
  node('condition', z.object({ rule: boundedRuleSchema })),
  node('split', z.object({ arms: z.array(splitArmSchema).min(2).max(10) })),
  node(
    'send',
    z.object({
      channel: z.enum(messageChannels),
      template_id: z.uuid().describe('A message template of this channel (messaging)'),
      category: z.enum(['marketing', 'transactional']).default('marketing'),
      variables: z.record(z.string(), z.unknown()).default({}),
    }),
  ),
  node('coupon', z.object({ template_id: z.uuid(), quantity: z.number().int().min(1).max(10).default(1) })),
  node('points', z.object({ points: z.number().int().min(1).max(1_000_000), reason: z.string().trim().min(2).max(200) })),
  node('tag', z.object({ tag_id: z.uuid(), action: z.enum(['add', 'remove']) })),
  node(
    'update_field',
    z.object({
      field: z.string().regex(/^(campaign|city|province|district|custom_fields\.[a-z][a-z0-9_]{0,49})$/, 'campaign, city, province, district or custom_fields.<key>'),
      value: z.union([z.string().max(200), z.number(), z.boolean(), z.null()]),
    }),
  ),
  node('webhook', z.object({ template_id: z.uuid().describe('A webhook-channel message template (messaging): signed, retried and logged there') })),
  node(
    'guide_task',
    z.object({
      title: z.string().trim().min(2).max(200).describe('Liquid template; member_no and due_date are known'),
      due_in_days: z.number().int().min(0).max(90).default(3),
    }),
  ),
  node('exit', z.object({}).default({})),
]);
export type JourneyNode = z.infer<typeof journeyNodeSchema>;
export type JourneyNodeType = JourneyNode['type'];

/** The branches a node must continue on. A holdout arm ends the member's path, so it has none. */
export function branchesOf(node: JourneyNode): string[] {
  switch (node.type) {
    case 'exit':
      return [];
    case 'condition':
      return ['yes', 'no'];
    case 'split':
      return node.config.arms.filter((a) => !a.holdout).map((a) => a.id);
    case 'wait':
      return node.config.mode === 'event' ? ['event', 'timeout'] : ['next'];
    default:
      return ['next'];
  }
}

export const journeyEdgeSchema = z.object({
  from: nodeId,
  to: nodeId,
  branch: z.string().max(40).default('next').describe('next; yes/no after a condition; event/timeout after a wait for an event; the arm id after a split'),
});
export type JourneyEdge = z.infer<typeof journeyEdgeSchema>;

export const entryRuleSchema = z
  .object({ mode: z.enum(['once', 'once_per_days', 'every_time']).default('once'), days: z.number().int().min(1).max(3650).optional() })
  .refine((e) => e.mode !== 'once_per_days' || e.days !== undefined, { path: ['days'], message: 'once_per_days needs days' });

export const goalSchema = z.object({
  event_type: z.enum(journeyEventTypes),
  filters: z.array(propertyFilterSchema).max(10).default([]),
  window_hours: z.number().int().min(1).max(24 * 90),
});

export const journeyGraphSchema = z.object({
  nodes: z.array(journeyNodeSchema).max(200),
  edges: z.array(journeyEdgeSchema).max(400),
  entry: entryRuleSchema.default({ mode: 'once' }),
  goal: goalSchema.nullish(),
});
export type JourneyGraph = z.infer<typeof journeyGraphSchema>;

export const journeyStatuses = ['draft', 'active', 'paused', 'stopped'] as const;

export const journeyInputSchema = z.object({
  name: z.string().trim().min(1).max(100),
  description: z.string().trim().max(500).nullish(),
  graph: journeyGraphSchema.default({ nodes: [], edges: [], entry: { mode: 'once' } }),
});
export const journeyUpdateSchema = z.object({ name: z.string().trim().min(1).max(100).optional(), description: z.string().trim().max(500).nullish(), graph: journeyGraphSchema.optional() });

export const graphProblemSchema = z.object({ field: z.string(), code: z.string(), message: z.string() });

export const journeySchema = z.object({
  id: z.uuid(),
  name: z.string(),
  description: z.string().nullable(),
  status: z.enum(journeyStatuses),
  ritual: z.string().nullable().describe('The ready-made journey this one was created from'),
  graph: journeyGraphSchema.describe('The draft being edited'),
  problems: z.array(graphProblemSchema).describe('What publishing the draft would refuse'),
  current_version: z.object({ id: z.uuid(), version: z.number().int(), published_at: z.string() }).nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type Journey = z.infer<typeof journeySchema>;

export const journeyVersionSchema = z.object({ id: z.uuid(), version: z.number().int(), graph: journeyGraphSchema, published_at: z.string(), entries: z.number().int() });

export const enterInputSchema = z
  .object({
    member_ids: z.array(z.uuid()).min(1).max(1000).optional(),
    segment_id: z.uuid().optional().describe("Every member of the segment now, entered in chunks by a job"),
    context: z.record(z.string(), z.unknown()).default({}).describe('Available to message variables as trigger.*'),
  })
  .refine((i) => (i.member_ids ? 1 : 0) + (i.segment_id ? 1 : 0) === 1, { path: ['member_ids'], message: 'give member_ids or segment_id' });

export const enterResultSchema = z.object({ entered: z.number().int(), skipped: z.number().int(), job_id: z.uuid().nullable() });

export const entryStatuses = ['ready', 'waiting', 'held', 'completed', 'exited', 'failed'] as const;

export const journeyEntrySchema = z.object({
  id: z.uuid(),
  member_id: z.uuid(),
  version: z.number().int(),
  status: z.enum(entryStatuses),
  current_step: z.string().nullable(),
  exit_reason: z.string().nullable(),
  holdout: z.boolean(),
  entered_at: z.string(),
  due_at: z.string().nullable(),
  finished_at: z.string().nullable(),
  converted_at: z.string().nullable(),
  steps: z.array(z.object({ step_id: z.string(), visit: z.number().int(), outcome: z.string(), detail: z.record(z.string(), z.unknown()), ran_at: z.string() })),
});

export const dryRunInputSchema = z.object({ member_id: z.uuid(), source: z.enum(['draft', 'published']).default('published') });
export const dryRunSchema = z.object({
  member_id: z.uuid(),
  would_enter: z.boolean(),
  entry_refusal: z.string().nullable(),
  path: z.array(z.object({ step_id: z.string(), type: z.string(), label: z.string().nullable(), outcome: z.string(), detail: z.string(), at: z.string() })),
  ends: z.enum(['exit', 'holdout', 'step_limit']),
});

export const stepStatsSchema = z.object({
  step_id: z.string(),
  type: z.string(),
  entered: z.number().int(),
  completed: z.number().int(),
  sent: z.number().int().describe('Messages the step handed to messaging (queued, delayed for quiet hours, or sent)'),
  suppressed: z.number().int().describe('Not sent: consent, caps, no address …'),
  failed: z.number().int().describe('Step runs that failed'),
  went_out: z.number().int().describe('From the delivery log: accepted by the provider'),
  delivered: z.number().int().describe('From the delivery log: reported delivered (or clicked)'),
  clicked: z.number().int().describe('From the delivery log: a tracked link was opened'),
  undelivered: z.number().int().describe('From the delivery log: failed or bounced after the step'),
  converted: z.number().int(),
});
export const armStatsSchema = z.object({ split_id: z.string(), arm: z.string(), holdout: z.boolean(), entries: z.number().int(), converted: z.number().int(), conversion_bp: z.number().int() });
export const journeyStatsSchema = z.object({
  version_id: z.uuid().nullable(),
  entries: z.number().int(),
  in_flight: z.number().int(),
  completed: z.number().int(),
  converted: z.number().int(),
  steps: z.array(stepStatsSchema),
  arms: z.array(armStatsSchema),
  uplift_bp: z.number().int().nullable().describe('Conversion rate of treated members minus that of the holdout, in basis points'),
});

export const ritualSchema = z.object({
  key: z.string(),
  name: z.string(),
  name_en: z.string(),
  description: z.string(),
  trigger: triggerSchema,
  journey_id: z.uuid().nullable(),
  status: z.enum(journeyStatuses).nullable().describe('Of the tenant’s journey; null until switched on'),
});
