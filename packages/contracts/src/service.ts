import { z } from 'zod';

const instant = z.iso.datetime({ offset: true });
export const serviceTypes = ['return', 'exchange', 'repair', 'warranty', 'complaint', 'consultation'] as const;
export const serviceStatuses = ['submitted', 'accepted', 'in_progress', 'resolved', 'closed', 'rejected'] as const;
type Status = (typeof serviceStatuses)[number];
/**
 * The status flow, the only place that decides it: the server enforces it, the console offers its buttons.
 * Terminal: closed, rejected.
 */
export const ticketTransitions: Record<Status, readonly Status[]> = {
  submitted: ['accepted', 'rejected'],
  accepted: ['in_progress', 'resolved', 'rejected'],
  in_progress: ['resolved'],
  resolved: ['closed', 'in_progress'],
  closed: [],
  rejected: [],
};
const attachments = z.array(z.url({ protocol: /^https?$/ }).max(500)).max(9).default([]).describe('URLs of photos or files already uploaded');

export const ticketInputSchema = z.object({
  type: z.enum(serviceTypes),
  order_id: z.uuid().optional().describe('The order this is about (required for return and exchange)'),
  lines: z.array(z.object({ line_no: z.number().int().min(1), qty: z.number().int().min(1) })).max(100).optional().describe('Which lines and how many (required for return and exchange)'),
  code: z.string().trim().min(1).max(40).optional().describe('Or a product code I scanned (一物一码)'),
  subject: z.string().trim().min(1).max(120),
  description: z.string().trim().max(2000).default(''),
  attachments,
});

export const deskTicketInputSchema = ticketInputSchema.extend({ member_id: z.uuid().describe('The member who called or came in') });

export const commentInputSchema = z.object({ body: z.string().trim().min(1).max(2000), attachments });
export const transitionInputSchema = z.object({ to: z.enum(serviceStatuses), note: z.string().trim().max(500).default('') });
export const assignmentInputSchema = z.object({ store_id: z.uuid().nullable().default(null), operator_id: z.uuid().nullable().default(null) });
export const surveyInputSchema = z.object({ score: z.number().int().min(1).max(5), comment: z.string().trim().max(500).default('') });

export const slaStateSchema = z.enum(['none', 'ok', 'due_soon', 'breached']);
export const ticketSchema = z.object({
  id: z.uuid(),
  member_id: z.uuid(),
  type: z.enum(serviceTypes),
  status: z.enum(serviceStatuses),
  order_id: z.uuid().nullable(),
  lines: z.array(z.object({ line_no: z.number().int(), qty: z.number().int() })),
  code: z.string().nullable(),
  sku: z.string().nullable(),
  subject: z.string(),
  description: z.string(),
  attachments: z.array(z.string()),
  store_id: z.uuid().nullable(),
  operator_id: z.uuid().nullable(),
  accept_due_at: instant,
  resolve_due_at: instant,
  sla: z.object({ accept: slaStateSchema, resolve: slaStateSchema }).describe('due_soon: less than a quarter of the time left'),
  refund_id: z.string().nullable().describe('The orders module’s refund an accepted return made'),
  satisfaction: z.object({ score: z.number().int(), comment: z.string(), at: instant }).nullable(),
  created_at: instant,
  updated_at: instant,
});
/** A ticket in the service desk's list, with the member's number to show. */
export const deskTicketSchema = ticketSchema.extend({ member_no: z.string().nullable() });

export const ticketDetailSchema = ticketSchema.extend({
  history: z.array(z.object({ from: z.string().nullable(), to: z.string(), by: z.string(), actor_type: z.string(), note: z.string(), at: instant })),
  comments: z.array(z.object({ id: z.uuid(), author_type: z.enum(['member', 'operator']), author: z.string(), body: z.string(), attachments: z.array(z.string()), created_at: instant })),
});
export const ticketQuerySchema = z.object({
  status: z.enum(serviceStatuses).optional(),
  type: z.enum(serviceTypes).optional(),
  store_id: z.uuid().optional(),
  operator_id: z.uuid().optional(),
  member_id: z.uuid().optional(),
  sla: z.enum(['ok', 'due_soon', 'breached']).optional().describe('Only open tickets in this SLA state: the worst of their running timers'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.uuid().optional(),
});

const slaCounts = { open: z.number().int(), ok: z.number().int(), due_soon: z.number().int(), breached: z.number().int() };
export const slaSummaryQuerySchema = ticketQuerySchema.pick({ store_id: true, operator_id: true });
export const slaSummarySchema = z.object({ ...slaCounts, by_type: z.array(z.object({ type: z.enum(serviceTypes), ...slaCounts })) }).describe('Open tickets by SLA state (the worst of their running timers)');

const slaHours = z.object({ accept_hours: z.number().int().min(1).max(720), resolve_hours: z.number().int().min(1).max(2160) });
export const serviceSettingsSchema = z.object({ sla: z.partialRecord(z.enum(serviceTypes), slaHours).default({}).describe('Per type; missing types: accept within 4 h, resolve within 48 h') });
