import { z } from 'zod';

export const messageChannels = ['wechat_template', 'wechat_subscribe', 'sms', 'email', 'web_push', 'inbox', 'webhook'] as const;
export type MessageChannel = (typeof messageChannels)[number];
export const messageCategories = ['marketing', 'transactional'] as const;
export const deliveryStatuses = ['queued', 'delayed', 'sending', 'sent', 'delivered', 'failed', 'bounced', 'clicked', 'suppressed'] as const;
export const messageLocales = ['zh-CN', 'en'] as const;
export const channelProviders = ['smtp', 'aliyun_sms', 'tencent_sms', 'wechat_oa', 'wechat_mp', 'web_push', 'webhook'] as const;
export type ChannelProvider = (typeof channelProviders)[number];

/**
 * What frequency caps are kept for: the member channels, and WeCom group messages (群发到客户群), which are
 * counted per group, since a message to a group cannot leave one member out.
 */
export const capChannels = [...messageChannels, 'wecom_group'] as const;
export type CapChannel = (typeof capChannels)[number];

const hhmm = z.string().regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, 'HH:MM, 24-hour');
const capSchema = z.object({
  per_day: z.number().int().min(0).max(1000).nullable().default(null),
  per_week: z.number().int().min(0).max(10000).nullable().default(null),
});

export const messagingSettingsSchema = z.object({
  caps: z.partialRecord(z.enum(capChannels), capSchema).default({}).describe('Marketing messages per member, channel and calendar day / ISO week in the tenant’s zone (wecom_group: group broadcasts per group); transactional notices are not counted'),
  quiet_hours: z.object({ enabled: z.boolean(), start: hhmm, end: hhmm }).describe('Marketing messages due inside these local hours wait until the end; never dropped'),
  transactional_consent: z.enum(['not_required', 'unless_withdrawn', 'required']).describe('Whether transactional notices need the member’s consent on the channel'),
  click_tracking: z
    .object({ enabled: z.boolean(), base_url: z.url({ protocol: /^https?$/ }).max(200).nullable().describe('Where members reach Hearth, e.g. https://vip.brand.com') })
    .refine((c) => !c.enabled || c.base_url !== null, { message: 'a base URL is needed to track clicks', path: ['base_url'] })
    .default({ enabled: false, base_url: null })
    .describe('Links in email and SMS bodies go through a signed redirect that records the click'),
});
export type MessagingSettings = z.infer<typeof messagingSettingsSchema>;

/** One locale's content. Liquid: {{ member.name }}, {% if member.points > 100 %}…{% endif %}. */
export const templateBodySchema = z.object({
  subject: z.string().max(500).optional().describe('email subject, inbox and push title'),
  body: z.string().min(1).max(20000).describe('email: HTML (values are escaped); sms, inbox, push: text; webhook: JSON'),
  link: z.string().max(2000).optional().describe('inbox, push, WeChat: where a tap goes'),
  fields: z.record(z.string().max(64), z.string().max(1000)).optional().describe('WeChat template / subscribe data fields and SMS template parameters: name → Liquid value'),
});
export const templateBodiesSchema = z.object({ 'zh-CN': templateBodySchema, en: templateBodySchema.optional() });

export const templateVariantSchema = z.object({
  key: z.string().trim().min(1).max(40),
  segment_id: z.uuid().optional().describe('For members of this segment'),
  region: z.string().trim().min(1).max(50).optional().describe('For members whose province or city is this'),
  bodies: templateBodiesSchema,
});

export const messageTemplateInputSchema = z.object({
  name: z.string().trim().min(1).max(100),
  channel: z.enum(messageChannels),
  category: z.enum(messageCategories),
  bodies: templateBodiesSchema,
  variants: z.array(templateVariantSchema).max(20).default([]).describe('First match wins; otherwise the bodies'),
  provider_template: z.string().trim().max(200).nullish().describe('WeChat template id, SMS template code'),
  sms_sign_name: z.string().trim().max(50).nullish(),
});
export type MessageTemplateInput = z.infer<typeof messageTemplateInputSchema>;

export const messageTemplateSchema = messageTemplateInputSchema.extend({
  id: z.uuid(),
  status: z.enum(['active', 'archived']),
  created_at: z.string(),
  updated_at: z.string(),
});
export type MessageTemplate = z.infer<typeof messageTemplateSchema>;

export const templatePreviewInputSchema = z.object({
  member_id: z.uuid(),
  locale: z.enum(messageLocales).optional(),
  variables: z.record(z.string(), z.unknown()).optional(),
});
export const renderedMessageSchema = z.object({
  locale: z.enum(messageLocales),
  variant: z.string().nullable(),
  subject: z.string().nullable(),
  body: z.string(),
  text: z.string().nullable().describe('email: the plain-text part'),
  link: z.string().nullable(),
  fields: z.record(z.string(), z.string()),
  links: z.array(z.string()).optional().describe('With click tracking: the original targets, by link index'),
});
export type RenderedMessage = z.infer<typeof renderedMessageSchema>;

export const sendMessageInputSchema = z.object({
  member_id: z.uuid(),
  channel: z.enum(messageChannels),
  template_id: z.uuid(),
  variables: z.record(z.string(), z.unknown()).optional(),
  category: z.enum(messageCategories),
  dedupe_key: z.string().trim().min(1).max(300).describe('Exactly one delivery per key and brand'),
});

export const sendResultSchema = z.object({
  delivery_id: z.uuid(),
  status: z.enum(['queued', 'delayed', 'suppressed']),
  reason: z.string().optional(),
  send_at: z.string().optional(),
});

export const deliverySchema = z.object({
  id: z.uuid(),
  member_id: z.uuid(),
  channel: z.enum(messageChannels),
  template_id: z.uuid(),
  variant: z.string().nullable(),
  category: z.enum(messageCategories),
  source: z.object({ kind: z.string(), id: z.string() }),
  dedupe_key: z.string(),
  status: z.enum(deliveryStatuses),
  reason: z.string().nullable(),
  send_at: z.string(),
  attempts: z.number().int(),
  provider_message_id: z.string().nullable(),
  error: z.string().nullable(),
  sent_at: z.string().nullable(),
  delivered_at: z.string().nullable(),
  failed_at: z.string().nullable(),
  clicked_at: z.string().nullable(),
  created_at: z.string(),
});
/** A delivery in the console's log, with the member's number to show. */
export const listedDeliverySchema = deliverySchema.extend({ member_no: z.string().nullable() });
export type ListedDelivery = z.infer<typeof listedDeliverySchema>;

export type Delivery = z.infer<typeof deliverySchema>;

export const deliveryQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
  member_id: z.uuid().optional(),
  status: z.enum(deliveryStatuses).optional(),
  channel: z.enum(messageChannels).optional(),
  source_kind: z.enum(['journey', 'broadcast', 'api', 'system']).optional(),
  source_id: z.string().max(200).optional(),
});

export const inboxMessageSchema = z.object({ id: z.uuid(), title: z.string(), body: z.string(), link: z.string().nullable(), read_at: z.string().nullable(), created_at: z.string() });

/** Credentials are write-only: the view says which secrets are set, never their values. */
export const channelConfigInputSchema = z.object({
  enabled: z.boolean().default(true),
  settings: z.record(z.string(), z.union([z.string().max(2000), z.number(), z.boolean()])).describe('Non-secret settings: host, port, from, app id, base URL …'),
  secrets: z.record(z.string(), z.string().max(10000)).optional().describe('Passwords and keys, sealed at rest; omitted names keep their stored value'),
});
export const channelConfigSchema = z.object({
  provider: z.enum(channelProviders),
  enabled: z.boolean(),
  settings: z.record(z.string(), z.unknown()),
  secrets_set: z.array(z.string()),
  updated_at: z.string(),
});

export const pushSubscriptionInputSchema = z.object({
  endpoint: z.url().max(2000),
  keys: z.object({ p256dh: z.string().min(10).max(200), auth: z.string().min(8).max(100) }),
});

export const broadcastInputSchema = z.object({
  name: z.string().trim().min(1).max(100),
  segment_id: z.uuid(),
  channel: z.enum(messageChannels),
  category: z.enum(messageCategories).default('marketing'),
  variants: z
    .array(z.object({ key: z.string().trim().min(1).max(20), template_id: z.uuid(), weight_bp: z.number().int().min(1).max(10000) }))
    .min(1)
    .max(10)
    .describe('A/B/n: each variant’s share of the members who are not held out, in basis points; they must add up to 10000'),
  holdout_bp: z.number().int().min(0).max(9000).default(0).describe('Share of the segment that gets nothing and is kept as the control group'),
  send_at: z.iso.datetime({ offset: true }).optional().describe('Default: now'),
});
export const broadcastSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  segment_id: z.uuid(),
  channel: z.enum(messageChannels),
  category: z.enum(messageCategories),
  variants: z.array(z.object({ key: z.string(), template_id: z.uuid(), weight_bp: z.number().int() })),
  holdout_bp: z.number().int(),
  send_at: z.string(),
  status: z.enum(['scheduled', 'running', 'done', 'canceled']),
  counts: z.object({ processed: z.number().int(), queued: z.number().int(), delayed: z.number().int(), suppressed: z.number().int(), holdout: z.number().int() }),
  created_at: z.string(),
  finished_at: z.string().nullable(),
});
export type Broadcast = z.infer<typeof broadcastSchema>;

export const channelTestInputSchema = z.object({
  to: z.string().trim().max(254).describe('email: an address; SMS: a phone; WeChat: an openid; webhook: ignored'),
  provider_template: z.string().trim().max(200).nullish().describe('SMS template code or WeChat template id to send with'),
  sms_sign_name: z.string().trim().max(50).nullish(),
});
export const channelTestResultSchema = z.object({ ok: z.literal(true), message_id: z.uuid(), provider_message_id: z.string().nullable() });

const armStatsSchema = z.object({ key: z.string(), template_id: z.uuid(), members: z.number().int(), suppressed: z.number().int(), pending: z.number().int(), sent: z.number().int(), delivered: z.number().int(), clicked: z.number().int(), failed: z.number().int() });
export const broadcastStatsSchema = z.object({ broadcast_id: z.uuid(), arms: z.array(armStatsSchema), holdout: z.number().int() });
export type BroadcastStats = z.infer<typeof broadcastStatsSchema>;
