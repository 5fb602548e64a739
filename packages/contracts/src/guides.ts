import { z } from 'zod';
import { couponSchema } from './coupons.ts';
import { memberSchema } from './members.ts';
import { orderSchema } from './orders.ts';
import { pointsBalanceSchema } from './points.ts';
import { recommendationsSchema } from './recommendations.ts';
import { memberTierSchema } from './tiers.ts';

const instant = z.iso.datetime({ offset: true });
const localDate = z.iso.date();
export const assignmentSources = ['explicit', 'wecom', 'store'] as const;
export const taskKinds = ['rule', 'journey', 'welcome', 'manual'] as const;
const titleTemplate = z.string().trim().min(1).max(200).describe('Liquid: {{ member_no }}, {{ due_date }}');

export const guideInputSchema = z.object({
  operator_id: z.uuid().describe('An operator of the tenant (usually role store_staff)'),
  store_id: z.uuid(),
  wecom_user_id: z.string().trim().min(1).max(64).nullable().default(null).describe('The WeCom staff userid, for WeCom follows and 1-to-1 messages'),
});
export const guideUpdateSchema = guideInputSchema.omit({ operator_id: true }).partial();
export const guideSchema = z.object({
  id: z.uuid().describe('The operator id'),
  name: z.string(),
  email: z.string(),
  store_id: z.uuid(),
  wecom_user_id: z.string().nullable(),
  status: z.enum(['active', 'left']),
  members: z.number().int(),
  open_tasks: z.number().int(),
  left_at: instant.nullable(),
  created_at: instant,
});
export type Guide = z.infer<typeof guideSchema>;

export const guideLeaveSchema = z.object({
  to_guide_id: z.uuid().nullable().default(null).describe('Who takes over the members and open tasks; null: the store’s other guides share them (fewest members first)'),
  reason: z.string().trim().max(200).default(''),
});
export const assignInputSchema = z.object({
  member_ids: z.array(z.uuid()).min(1).max(1000),
  guide_id: z.uuid(),
  reason: z.string().trim().max(200).default(''),
});
export const guideMemberSchema = z.object({
  member_id: z.uuid(),
  member_no: z.string(),
  guide_id: z.uuid(),
  source: z.enum(assignmentSources),
  assigned_at: instant,
});
export const assignmentHistorySchema = z.object({
  from_guide_id: z.uuid().nullable(),
  to_guide_id: z.uuid().nullable(),
  source: z.string(),
  reason: z.string(),
  by: z.string(),
  at: instant,
});
export const memberGuideSchema = z.object({
  guide: guideMemberSchema.nullable(),
  history: z.array(assignmentHistorySchema),
});

export const taskRuleInputSchema = z.object({
  name: z.string().trim().min(1).max(100),
  segment_id: z.uuid().describe('Its members get a task each, to their guide'),
  title_template: titleTemplate,
  due_in_days: z.number().int().min(0).max(365),
  status: z.enum(['active', 'paused']).default('active'),
});
export const taskRuleSchema = taskRuleInputSchema.extend({ id: z.uuid(), last_run_at: instant.nullable(), created_at: instant });
export const taskRunResultSchema = z.object({
  created: z.number().int().describe('New tasks'),
  already_open: z.number().int().describe('Members who still had an open task of this rule'),
  without_guide: z.number().int().describe('Members without a guide (none assigned and no guide at their home store)'),
});

export const taskSchema = z.object({
  id: z.uuid(),
  member_id: z.uuid(),
  member_no: z.string(),
  guide_id: z.uuid(),
  kind: z.enum(taskKinds),
  rule_id: z.uuid().nullable(),
  title: z.string(),
  due_at: instant,
  status: z.enum(['open', 'done']),
  done_at: instant.nullable(),
  done_by: z.string().nullable(),
  created_at: instant,
});
export const taskDetailSchema = taskSchema.extend({
  history: z.array(z.object({ action: z.string(), by: z.string(), at: instant })),
  messages: z.array(z.object({ id: z.uuid(), text: z.string(), wecom_ref: z.string().nullable(), sent_at: instant })),
});
export const taskQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
  status: z.enum(['open', 'done']).optional(),
  guide_id: z.uuid().optional(),
  member_id: z.uuid().optional(),
  rule_id: z.uuid().optional(),
  kind: z.enum(taskKinds).optional(),
});
export const manualTaskInputSchema = z.object({
  member_id: z.uuid(),
  title: z.string().trim().min(1).max(200),
  due_in_days: z.number().int().min(0).max(365).default(1),
});
export const taskMessageInputSchema = z.object({ text: z.string().trim().min(1).max(1000) });

export const guideSettingsSchema = z.object({
  conversion_window_days: z.number().int().min(1).max(90).describe('An order within this many days after a completed task or a message is credited to the guide'),
  welcome_enabled: z.boolean().describe('Give the home store’s guide a “welcome” task for each new member'),
  welcome_title: titleTemplate,
  welcome_due_days: z.number().int().min(0).max(365),
});

export const leaderboardQuerySchema = z.object({
  from: localDate.optional().describe('First day, in the tenant’s zone (default: the first of this month)'),
  to: localDate.optional().describe('Last day, inclusive (default: today)'),
  store_id: z.uuid().optional(),
});
export const leaderboardSchema = z.object({
  from: localDate,
  to: localDate,
  time_zone: z.string(),
  rows: z.array(
    z.object({
      guide_id: z.uuid(),
      name: z.string(),
      store_id: z.uuid(),
      tasks_done: z.number().int(),
      conversions: z.number().int(),
      revenue_fen: z.number().int(),
      new_members: z.number().int().describe('Members first assigned to the guide in the period'),
    }),
  ),
});

export const sidebarSchema = z.object({
  member: memberSchema.describe('Phone and email masked'),
  guide_id: z.uuid().nullable(),
  tiers: z.array(memberTierSchema),
  points: pointsBalanceSchema,
  coupons: z.array(couponSchema),
  recent_orders: z.array(orderSchema),
  recommendations: recommendationsSchema,
  open_tasks: z.array(taskSchema),
});
