import { z } from 'zod';

const instant = z.iso.datetime({ offset: true });
const name = z.string().trim().min(1).max(100);
const theme = z.string().trim().min(1).max(40);
const text = z.string().trim().min(1).max(2000);

export const groupStatuses = ['active', 'closed', 'archived'] as const;

export const groupSettingsSchema = z.object({
  safety_margin: z.number().int().min(0).max(100).default(10).describe('Seats kept free in every group: routing treats a group as full at capacity minus this (members who join by other ways, late callbacks)'),
  hold_minutes: z.number().int().min(1).max(120).default(10).describe('How long a routed scan holds its seat while the scanner joins'),
  welcome_window_minutes: z.number().int().min(0).max(1440).default(10).describe('Joins within this many minutes share one welcome message (0: one per join)'),
});
export type GroupSettings = z.infer<typeof groupSettingsSchema>;

export const groupInputSchema = z.object({
  name,
  store_id: z.uuid().nullish(),
  theme: theme.nullish().describe('e.g. 母婴, 咖啡爱好者'),
  tier_id: z.uuid().nullish().describe('The tier the group is for (VIP groups)'),
  pool_id: z.uuid().nullish().describe('The routing pool whose QR may send scanners here'),
  chat_id: z.string().trim().min(1).max(64).nullish().describe('The WeCom customer group (客户群) this record stands for, once synced'),
  owner_userid: z.string().trim().min(1).max(64).nullish().describe('The WeCom staff member who owns the group and sends its group messages'),
  join_qr_url: z.url({ protocol: /^https?$/ }).max(500).nullish().describe('The group’s own join QR (WeCom 入群方式); made through WeCom when the chat is linked and none is given'),
  capacity: z.number().int().min(1).max(500).default(200).describe('WeCom lets at most 200 members join a customer group by QR'),
  welcome_text: text.nullish().describe('Sent into the group when members join; none: the pool’s'),
  status: z.enum(groupStatuses).default('active').describe('closed: kept, but routing sends nobody there'),
});
export type GroupInput = z.infer<typeof groupInputSchema>;

export const groupSchema = groupInputSchema.extend({
  id: z.uuid(),
  store_id: z.uuid().nullable(),
  theme: z.string().nullable(),
  tier_id: z.uuid().nullable(),
  pool_id: z.uuid().nullable(),
  chat_id: z.string().nullable(),
  owner_userid: z.string().nullable(),
  join_qr_url: z.string().nullable(),
  welcome_text: z.string().nullable(),
  member_count: z.number().int(),
  held_seats: z.number().int().describe('Scanners routed here in the last hold_minutes who have not joined yet'),
  seats_left: z.number().int().describe('capacity − safety margin − members − held seats, never below 0'),
  created_at: instant,
  updated_at: instant,
});
export type Group = z.infer<typeof groupSchema>;

export const groupQuerySchema = z.object({
  pool_id: z.uuid().optional(),
  store_id: z.uuid().optional(),
  theme: theme.optional(),
  status: z.enum(groupStatuses).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
});

export const poolInputSchema = z
  .object({
    name,
    kind: z.enum(['store', 'theme']),
    store_id: z.uuid().nullish(),
    theme: theme.nullish(),
    welcome_text: text.nullish().describe('Welcome for groups of the pool that have none of their own'),
    status: z.enum(['active', 'archived']).default('active'),
  })
  .refine((p) => p.kind !== 'store' || p.store_id, { message: 'a store pool needs its store', path: ['store_id'] })
  .refine((p) => p.kind !== 'theme' || p.theme, { message: 'a theme pool needs its theme', path: ['theme'] });
export type PoolInput = z.infer<typeof poolInputSchema>;

export const poolSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  kind: z.enum(['store', 'theme']),
  store_id: z.uuid().nullable(),
  theme: z.string().nullable(),
  welcome_text: z.string().nullable(),
  status: z.enum(['active', 'archived']),
  code: z.string().describe('The public code in the pool’s link'),
  link: z.string().describe('What the pool’s QR encodes: scanning it routes to a group with room'),
  groups: z.number().int(),
  seats_left: z.number().int(),
  all_full_since: instant.nullable().describe('Set when every group was full: open a new group'),
  created_at: instant,
});
export type Pool = z.infer<typeof poolSchema>;

export const routeScanInputSchema = z.object({
  brand: z.string().trim().min(1).max(64).describe('The brand’s public slug'),
  pool: z.string().trim().min(1).max(40).describe('The pool’s code'),
  scanner: z.string().trim().min(1).max(128).optional().describe('Who scans (an openid, unionid or visitor id): the same scanner is sent to the same group while their seat is held'),
});

export const routeResultSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('routed'), group: z.object({ id: z.uuid(), name: z.string(), join_qr_url: z.string() }), hold_id: z.uuid(), expires_at: instant }),
  z.object({ status: z.literal('full'), pool_id: z.uuid() }),
]);
export type RouteResult = z.infer<typeof routeResultSchema>;

export const autoReplyInputSchema = z
  .object({
    group_id: z.uuid().nullish(),
    pool_id: z.uuid().nullish(),
    keyword: z.string().trim().min(1).max(100),
    match: z.enum(['exact', 'contains']).describe('exact: the whole message (trimmed, case-insensitive); contains: anywhere in it'),
    reply_text: text,
    enabled: z.boolean().default(true),
  })
  .refine((r) => Boolean(r.group_id) !== Boolean(r.pool_id), { message: 'give a group or a pool, not both', path: ['group_id'] });
export type AutoReplyInput = z.infer<typeof autoReplyInputSchema>;

export const autoReplySchema = z.object({
  id: z.uuid(),
  group_id: z.uuid().nullable(),
  pool_id: z.uuid().nullable(),
  keyword: z.string(),
  match: z.enum(['exact', 'contains']),
  reply_text: z.string(),
  enabled: z.boolean(),
  created_at: instant,
});
export type AutoReply = z.infer<typeof autoReplySchema>;

export const incomingMessageSchema = z.object({
  chat_id: z.string().trim().min(1).max(64),
  msg_id: z.string().trim().min(1).max(128).describe('WeCom’s message id: the same message twice is answered once'),
  sender: z.string().trim().min(1).max(64).describe('The sender’s external_userid (or staff userid)'),
  text: z.string().max(4000),
  sent_at: instant,
});
export const incomingResultSchema = z.object({ group_id: z.uuid().nullable(), reply: z.object({ auto_reply_id: z.uuid(), text: z.string() }).nullable(), duplicate: z.boolean() });

export const autoReplyTestSchema = z.object({ group_id: z.uuid(), text: z.string().max(4000) });

export const broadcastStatuses = ['scheduled', 'running', 'done', 'cancelled'] as const;
export const targetStatuses = ['pending', 'deferred', 'sending', 'sent', 'skipped', 'failed'] as const;
export type TargetStatus = (typeof targetStatuses)[number];

export const groupBroadcastInputSchema = z.object({
  name,
  text: text,
  group_ids: z.array(z.uuid()).min(1).max(500),
  send_at: instant.optional().describe('When to send; now when absent. Quiet hours defer it to their end'),
});

export const groupBroadcastSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  text: z.string(),
  status: z.enum(broadcastStatuses),
  send_at: instant,
  created_at: instant,
  finished_at: instant.nullable(),
  counts: z.partialRecord(z.enum(targetStatuses), z.number().int()),
});
export type GroupBroadcast = z.infer<typeof groupBroadcastSchema>;

export const broadcastTargetSchema = z.object({
  group_id: z.uuid(),
  group_name: z.string(),
  status: z.enum(targetStatuses),
  reason: z.string().nullable().describe('quiet_hours (deferred), cap_day, cap_week, not_linked, group_closed; failed: the WeCom error'),
  send_at: instant,
  wecom_msgid: z.string().nullable(),
  sent_at: instant.nullable(),
});
export const groupBroadcastDetailSchema = groupBroadcastSchema.extend({ targets: z.array(broadcastTargetSchema) });

export const groupStatsQuerySchema = z.object({
  from: instant,
  to: instant,
  pool_id: z.uuid().optional(),
  store_id: z.uuid().optional(),
});

export const groupStatsRowSchema = z.object({
  group_id: z.uuid(),
  name: z.string(),
  members: z.number().int().describe('Members now'),
  joins: z.number().int(),
  leaves: z.number().int(),
  active_members: z.number().int().describe('Members of the group (known to Hearth) who sent a group message or ordered in the period'),
  buyers: z.number().int(),
  orders: z.number().int(),
  revenue_fen: z.number().int().describe('Paid less refunded, orders of the group’s members in the period'),
});
export const groupStatsSchema = z.object({ from: instant, to: instant, groups: z.array(groupStatsRowSchema), totals: groupStatsRowSchema.omit({ group_id: true, name: true }) });
export type GroupStats = z.infer<typeof groupStatsSchema>;
