import { z } from 'zod';

export const memberChannels = ['official_account', 'mini_program', 'app', 'store', 'web', 'import', 'referral', 'partner'] as const;
export const memberStatuses = ['active', 'frozen', 'erased', 'merged'] as const;
export const identityTypes = ['wechat_unionid', 'wechat_openid', 'mini_program_openid', 'app_user_id', 'phone', 'email', 'store_card', 'partner'] as const;
export const consentChannels = ['sms', 'email', 'wechat', 'app_push', 'location'] as const;
export const customFieldTypes = ['text', 'number', 'date', 'enum', 'boolean'] as const;

/** Identity types whose value means something only within one app (WeChat openids, partner ids). */
export const appScopedIdentityTypes = ['wechat_openid', 'mini_program_openid', 'partner'] as const;

export const identitySchema = z
  .object({
    type: z.enum(identityTypes),
    app_id: z.string().trim().min(1).max(64).optional().describe('WeChat appid or partner code, for app-scoped types'),
    value: z.string().trim().min(1).max(200),
  })
  .refine((i) => !(appScopedIdentityTypes as readonly string[]).includes(i.type) || i.app_id, {
    message: 'app_id is required for this identity type',
    path: ['app_id'],
  });
export type IdentityInput = z.infer<typeof identitySchema>;

export const birthdaySchema = z
  .object({
    month: z.number().int().min(1).max(12),
    day: z.number().int().min(1).max(31),
    year: z.number().int().min(1900).max(2100).nullish(),
  })
  .refine((b) => b.day <= new Date(Date.UTC(b.year ?? 2000, b.month, 0)).getUTCDate(), { message: 'no such day in that month', path: ['day'] });

export const memberProfileSchema = z.object({
  name: z.string().trim().min(1).max(100).nullish(),
  nickname: z.string().trim().min(1).max(100).nullish(),
  gender: z.enum(['male', 'female', 'unknown']).nullish(),
  birthday: birthdaySchema.nullish(),
  phone: z.string().trim().min(5).max(20).nullish().describe('E.164, or 11-digit mainland mobile (+86 assumed)'),
  email: z.email().max(254).nullish(),
  province: z.string().trim().max(50).nullish(),
  city: z.string().trim().max(50).nullish(),
  district: z.string().trim().max(50).nullish(),
  home_store_id: z.uuid().nullish(),
  campaign: z.string().trim().max(100).nullish(),
  custom_fields: z.record(z.string(), z.unknown()).optional().describe('Values of tenant-defined custom fields, by key'),
});

export const memberCreateSchema = memberProfileSchema.extend({
  channel: z.enum(memberChannels),
  registered_at: z.iso.datetime({ offset: true }).optional(),
  identities: z.array(identitySchema).max(20).optional(),
});

export const memberUpdateSchema = memberProfileSchema.extend({ status: z.enum(['active', 'frozen']).optional() });

export const resolveRequestSchema = z.object({
  identities: z.array(identitySchema).min(1).max(20),
  profile: memberProfileSchema.extend({ channel: z.enum(memberChannels).optional() }).optional(),
  merge: z.boolean().default(false).describe('When the identities belong to different members, merge them into the oldest instead of answering 409'),
  anonymous_id: z.string().trim().min(1).max(100).optional().describe("The visitor's anonymous id: its tracked events become the member's"),
});

export const trackedEventSchema = z.object({
  client_event_id: z.string().trim().min(1).max(100).describe('Unique per event on the client; resending it adds nothing'),
  type: z.string().regex(/^[a-z][a-z0-9_.]{0,63}$/, 'lowercase letters, digits, . and _').describe('page_view, product_view, add_to_cart, share, login, store_visit, coupon_view, or your own'),
  occurred_at: z.iso.datetime({ offset: true }),
  member_id: z.uuid().optional(),
  identity: identitySchema.optional(),
  anonymous_id: z.string().trim().min(1).max(100).optional(),
  properties: z.record(z.string(), z.unknown()).optional(),
});

export const memberSchema = z.object({
  id: z.uuid(),
  member_no: z.string(),
  name: z.string().nullable(),
  nickname: z.string().nullable(),
  gender: z.enum(['male', 'female', 'unknown']).nullable(),
  birthday: z.object({ month: z.number(), day: z.number(), year: z.number().nullable() }).nullable(),
  phone: z.string().nullable().describe('Masked (138****1234) unless revealed'),
  email: z.string().nullable(),
  province: z.string().nullable(),
  city: z.string().nullable(),
  district: z.string().nullable(),
  home_store_id: z.uuid().nullable(),
  channel: z.enum(memberChannels),
  campaign: z.string().nullable(),
  registered_at: z.string(),
  status: z.enum(memberStatuses),
  merged_into: z.uuid().nullable().describe('For a merged profile: the member it now lives in'),
  custom_fields: z.record(z.string(), z.unknown()),
  pii_masked: z.boolean(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type Member = z.infer<typeof memberSchema>;

export const consentUpdateSchema = z.object({
  channel: z.enum(consentChannels),
  granted: z.boolean(),
  source: z.string().trim().min(1).max(100).describe('Where the member said so: mini_program_signup, store_counter, unsubscribe_link …'),
  wording_version: z.string().trim().min(1).max(50).describe('Version of the consent text the member saw'),
});

export const customFieldDefinitionSchema = z.object({
  key: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'lowercase letters, digits and _'),
  label: z.string().trim().min(1).max(50),
  type: z.enum(customFieldTypes),
  options: z.array(z.string().min(1).max(50)).max(100).optional().describe('Allowed values of an enum field'),
});

export const tagGroupSchema = z.object({ name: z.string().trim().min(1).max(50) });
export const tagCreateSchema = z.object({ group_id: z.uuid(), name: z.string().trim().min(1).max(50) });

export const memberImportSchema = z.object({
  id: z.uuid(),
  status: z.enum(['queued', 'running', 'succeeded', 'failed']),
  file_name: z.string().nullable(),
  encoding: z.string().nullable(),
  total_rows: z.number().nullable(),
  processed_rows: z.number().describe('Last CSV line done (the header is line 1)'),
  created: z.number(),
  updated: z.number(),
  unchanged: z.number(),
  failed: z.number(),
  created_by: z.string().nullable(),
  created_at: z.string(),
  finished_at: z.string().nullable(),
});
export type MemberImport = z.infer<typeof memberImportSchema>;
