import { z } from 'zod';
import { paginationQuerySchema } from './common.ts';
import { eligibilitySchema } from './eligibility.ts';

const instant = z.iso.datetime({ offset: true });
const amount = z.number().int().min(0).max(100_000_000);

export const eventQuestionSchema = z
  .object({
    id: z.string().trim().min(1).max(32).regex(/^[a-z0-9_]+$/, 'lowercase letters, digits and _'),
    label: z.string().trim().min(1).max(200),
    kind: z.enum(['text', 'choice']),
    options: z.array(z.string().trim().min(1).max(100)).max(20).optional().describe('The choices of a choice question'),
    required: z.boolean().default(false),
  })
  .refine((q) => q.kind !== 'choice' || (q.options?.length ?? 0) >= 2, { message: 'a choice question needs at least two options', path: ['options'] });
export type EventQuestion = z.infer<typeof eventQuestionSchema>;

export const eventMemberPriceSchema = z.object({
  audience: z.enum(['tier', 'plan']),
  audience_id: z.uuid(),
  price: amount.describe('In the event’s unit: fen, or points'),
});

export const eventInputSchema = z
  .object({
    title: z.string().trim().min(1).max(120),
    description: z.string().max(20_000).default('').describe('Markdown; shown as text, never as HTML'),
    location: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('store'), store_id: z.uuid(), address_note: z.string().max(200).optional() }),
      z.object({ kind: z.literal('online'), url: z.url({ protocol: /^https?$/ }).max(500) }),
    ]),
    starts_at: instant,
    ends_at: instant,
    cancel_deadline: instant.nullish().describe('Cancellations before it are refunded in full, after it not at all; default: the start'),
    capacity: z.number().int().min(1).max(100_000),
    waitlist: z.boolean().default(true),
    eligibility: eligibilitySchema.default({}),
    price: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('free') }),
      z.object({ kind: z.literal('fen'), amount: amount.min(1), member_prices: z.array(eventMemberPriceSchema).max(50).default([]) }),
      z.object({ kind: z.literal('points'), amount: amount.min(1), member_prices: z.array(eventMemberPriceSchema).max(50).default([]) }),
    ]),
    questions: z.array(eventQuestionSchema).max(20).default([]),
    hold_minutes: z.number().int().min(5).max(2880).default(30).describe('How long a seat waits for its payment'),
  })
  .refine((e) => Date.parse(e.ends_at) > Date.parse(e.starts_at), { message: 'ends before it starts', path: ['ends_at'] })
  .refine((e) => !e.cancel_deadline || Date.parse(e.cancel_deadline) <= Date.parse(e.starts_at), { message: 'after the start', path: ['cancel_deadline'] })
  .refine((e) => new Set(e.questions.map((q) => q.id)).size === e.questions.length, { message: 'question ids repeat', path: ['questions'] });
export type EventInput = z.infer<typeof eventInputSchema>;

export const eventStatusSchema = z.enum(['draft', 'published', 'canceled']);

export const eventSchema = z.object({
  id: z.uuid(),
  title: z.string(),
  description: z.string(),
  location: z.object({ kind: z.enum(['store', 'online']), store_id: z.uuid().nullable(), store_name: z.string().nullable(), address_note: z.string().nullable(), url: z.string().nullable() }),
  starts_at: z.string(),
  ends_at: z.string(),
  cancel_deadline: z.string(),
  capacity: z.number().int(),
  seats_taken: z.number().int(),
  seats_left: z.number().int(),
  waitlist: z.boolean(),
  waitlisted: z.number().int(),
  eligibility: eligibilitySchema,
  price: z.object({ kind: z.enum(['free', 'fen', 'points']), amount: z.number().int(), member_prices: z.array(eventMemberPriceSchema) }),
  questions: z.array(eventQuestionSchema),
  hold_minutes: z.number().int(),
  status: eventStatusSchema,
  created_at: z.string(),
});
export type HearthEvent = z.infer<typeof eventSchema>;

export const eventListQuerySchema = paginationQuerySchema.extend({
  status: eventStatusSchema.optional(),
  // Query strings are text: z.coerce.boolean would read "false" as true.
  upcoming: z.enum(['true', 'false']).optional().describe('true: only events that have not ended'),
  q: z.string().trim().min(1).max(50).optional().describe('Part of the title (any case)'),
});

export const registrationStatusSchema = z.enum(['pending_payment', 'registered', 'waitlisted', 'canceled', 'expired']);
export type RegistrationStatus = z.infer<typeof registrationStatusSchema>;

export const registrationInputSchema = z.object({
  answers: z.record(z.string(), z.string().max(1000)).default({}),
  provider: z.enum(['offline', 'wechat']).optional().describe('How a price in fen is paid; default offline (at the counter)'),
});

export const operatorRegistrationInputSchema = registrationInputSchema.extend({ member_id: z.uuid() });

export const registrationSchema = z.object({
  id: z.uuid(),
  event_id: z.uuid(),
  member_id: z.uuid(),
  status: registrationStatusSchema,
  waitlist_position: z.number().int().nullable().describe('1 = next to be promoted (waitlisted only)'),
  price_kind: z.enum(['free', 'fen', 'points']),
  amount_fen: z.number().int(),
  points: z.number().int(),
  price_source: z.string().nullable().describe('list, or the tier/plan whose member price applied'),
  answers: z.record(z.string(), z.string()),
  ticket_code: z.string().nullable().describe('Shown and encoded in the QR once the seat is the member’s'),
  hold_expires_at: z.string().nullable(),
  provider: z.enum(['offline', 'wechat']).nullable(),
  pay_params: z.record(z.string(), z.string()).nullable().optional(),
  paid_at: z.string().nullable(),
  refund_fen: z.number().int(),
  points_refunded: z.number().int(),
  refund_status: z.enum(['processing', 'succeeded', 'failed']).nullable(),
  checked_in_at: z.string().nullable(),
  no_show: z.boolean(),
  promoted_at: z.string().nullable(),
  canceled_at: z.string().nullable(),
  feedback_submitted: z.boolean(),
  created_at: z.string(),
});

/** A registration in the console's list, with the member's number to show. */
export const listedRegistrationSchema = registrationSchema.extend({ member_no: z.string().nullable() });

export type Registration = z.infer<typeof registrationSchema>;
export type ListedRegistration = z.infer<typeof listedRegistrationSchema>;

const wechatPay = z.boolean().describe('This session can pay with WeChat Pay (JSAPI): signed in through WeChat, and the brand takes WeChat Pay');
export const myRegistrationSchema = registrationSchema.extend({ event: eventSchema, wechat_pay: wechatPay });

export const registrationListQuerySchema = z.object({
  status: registrationStatusSchema.optional(),
  cursor: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const cancelRegistrationSchema = z.object({ reason: z.string().trim().max(200).default('') });

export const checkinInputSchema = z.object({ code: z.string().trim().min(1).max(64).describe('The ticket code as scanned or typed (case, spaces and dashes forgiven)') });
export const checkinSchema = z.object({
  registration_id: z.uuid(),
  event_id: z.uuid(),
  event_title: z.string(),
  member_id: z.uuid(),
  member_no: z.string(),
  checked_in_at: z.string(),
});

export const feedbackInputSchema = z.object({
  nps: z.number().int().min(0).max(10),
  rating: z.number().int().min(1).max(5),
  comment: z.string().trim().max(2000).default(''),
});
export const feedbackSchema = feedbackInputSchema.extend({ registration_id: z.uuid(), event_id: z.uuid(), created_at: z.string() });

export const eventSettingsSchema = z.object({
  reminder_hours: z.number().int().min(1).max(168).describe('Remind registered members this many hours before the start'),
  reminder_template_id: z.uuid().nullable().describe('A messaging template sent with the reminder; none: only the outbox event'),
  promoted_template_id: z.uuid().nullable().describe('A messaging template sent to a member promoted from the waitlist'),
});

export const eventStatsSchema = z.object({
  sessions_held: z.number().int().describe('Published events that have ended'),
  registrations: z.number().int().describe('Seats taken (registered, not canceled)'),
  waitlisted: z.number().int(),
  canceled: z.number().int(),
  checked_in: z.number().int(),
  no_shows: z.number().int(),
  attendance_rate_bp: z.number().int().nullable().describe('Checked in over the registrations of ended events, basis points'),
  revenue_fen: z.number().int().describe('Paid less refunded'),
  points_spent: z.number().int(),
  feedback_count: z.number().int(),
  nps: z.number().int().nullable().describe('% promoters (9–10) − % detractors (0–6), −100…100'),
  average_rating_x100: z.number().int().nullable(),
  repeat_attendees: z.number().int().describe('Members who attended two or more events'),
});

export const myEventSchema = eventSchema.extend({
  my_price: z.object({ amount: z.number().int(), source: z.string().nullable() }).describe('What this member pays, in the event’s unit'),
  my_registration: registrationSchema.nullable(),
  wechat_pay: wechatPay,
});
export type MyEvent = z.infer<typeof myEventSchema>;

export const payRegistrationSchema = z.object({ provider: z.enum(['offline', 'wechat']).optional() });
