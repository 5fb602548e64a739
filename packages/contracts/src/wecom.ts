import { z } from 'zod';

const instant = z.iso.datetime({ offset: true });
const wecomId = z.string().trim().min(1).max(64);

export const wecomSettingsInputSchema = z.object({
  corp_id: z.string().trim().regex(/^[A-Za-z0-9_-]{1,64}$/, 'the corp id WeCom shows under 我的企业').describe('企业ID'),
  secret: z.string().trim().min(1).max(200).optional().describe('The self-built app’s Secret (通讯录 read and 客户联系 rights); write-only, omit to keep'),
  callback_token: z.string().trim().regex(/^[A-Za-z0-9]{1,32}$/, 'letters and digits, up to 32').optional().describe('The callback Token; write-only, omit to keep'),
  encoding_aes_key: z.string().trim().regex(/^[A-Za-z0-9+/]{43}$/, 'the 43 characters WeCom generates').optional().describe('The callback EncodingAESKey; write-only, omit to keep'),
  agent_id: z.string().trim().regex(/^\d{1,20}$/, 'the digits WeCom shows as the app’s AgentId').nullish().describe('The self-built app’s AgentId: the guide sidebar registers the WeCom JS-SDK with it'),
  enabled: z.boolean().default(true),
});
export type WecomSettingsInput = z.infer<typeof wecomSettingsInputSchema>;

export const wecomSettingsSchema = z.object({
  configured: z.boolean(),
  corp_id: z.string().nullable(),
  agent_id: z.string().nullable(),
  enabled: z.boolean(),
  secret_set: z.boolean(),
  callback_set: z.boolean().describe('Both the callback Token and EncodingAESKey are saved'),
  callback_path: z.string().describe('Give WeCom this path on the brand’s public host as the callback URL'),
});
export type WecomSettings = z.infer<typeof wecomSettingsSchema>;

export const wecomStatusSchema = z.object({
  last_sync_at: instant.nullable(),
  last_sync_status: z.enum(['running', 'succeeded', 'failed']).nullable(),
  last_sync_error: z.string().nullable(),
  staff: z.number().int(),
  contacts: z.number().int(),
  mapped_contacts: z.number().int().describe('Contacts whose unionid matched a member'),
  follows: z.number().int().describe('Active staff–contact relations'),
  groups: z.number().int(),
  group_members: z.number().int(),
});
export type WecomStatus = z.infer<typeof wecomStatusSchema>;

export const wecomStaffSchema = z.object({
  user_id: z.string(),
  name: z.string(),
  department_ids: z.array(z.number().int()),
  active: z.boolean(),
  operator_id: z.uuid().nullable(),
  store_id: z.uuid().nullable(),
  contacts: z.number().int().describe('Contacts who added this staff member and have not left'),
  synced_at: instant,
});
export type WecomStaff = z.infer<typeof wecomStaffSchema>;

export const wecomStaffUpdateSchema = z.object({
  operator_id: z.uuid().nullable().optional(),
  store_id: z.uuid().nullable().optional(),
});

export const wecomContactSchema = z.object({
  external_user_id: z.string(),
  name: z.string().nullable().describe('Masked'),
  unionid: z.string().nullable().describe('Masked'),
  member_id: z.uuid().nullable(),
  member_no: z.string().nullable(),
  follows: z.array(z.object({ staff_user_id: z.string(), added_at: instant, state: z.string().nullable(), removed_at: instant.nullable() })),
  synced_at: instant,
});
export type WecomContact = z.infer<typeof wecomContactSchema>;

export const wecomContactQuerySchema = z.object({
  staff_user_id: wecomId.optional(),
  member_id: z.uuid().optional(),
  mapped: z.enum(['true', 'false']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
});

export const wecomGroupSchema = z.object({
  chat_id: z.string(),
  name: z.string(),
  owner_user_id: z.string(),
  status: z.enum(['active', 'dismissed']),
  member_count: z.number().int(),
  created_at: instant.nullable(),
  synced_at: instant,
});
export type WecomGroup = z.infer<typeof wecomGroupSchema>;

export const wecomGroupMemberSchema = z.object({
  user_id: z.string(),
  member_type: z.enum(['staff', 'external']),
  name: z.string().nullable().describe('Masked'),
  member_id: z.uuid().nullable(),
  joined_at: instant,
  join_scene: z.number().int().nullable(),
  left_at: instant.nullable(),
});

export const wecomContactMessageSchema = z.object({
  staff_user_id: wecomId.describe('The staff member who sends it (the member must have added them)'),
  member_id: z.uuid(),
  text: z.string().trim().min(1).max(4000),
  dedupe_key: z.string().trim().min(1).max(200).optional().describe('The same key again returns the first task and sends nothing'),
});

export const wecomGroupMessageSchema = z.object({
  staff_user_id: wecomId.describe('The group owner who sends it'),
  chat_ids: z.array(wecomId).min(1).max(500),
  text: z.string().trim().min(1).max(4000),
  dedupe_key: z.string().trim().min(1).max(200).optional(),
});

export const wecomMessageTaskSchema = z.object({
  id: z.uuid(),
  chat_type: z.enum(['single', 'group']),
  sender: z.string(),
  member_id: z.uuid().nullable(),
  chat_ids: z.array(z.string()),
  wecom_msgid: z.string().nullable(),
  fail_list: z.array(z.string()).describe('Recipients WeCom could not include (not added by the sender)'),
  created_at: instant,
});
export type WecomMessageTask = z.infer<typeof wecomMessageTaskSchema>;

export const wecomSyncStartedSchema = z.object({ job_id: z.uuid(), created: z.boolean() });

export const jssdkSignatureInputSchema = z.object({ url: z.url().max(2000).describe('The page URL without its #fragment, as the JS-SDK passes it') });

const signatureSchema = z.object({ timestamp: z.number().int(), nonce_str: z.string(), signature: z.string() });
export const jssdkSignaturesSchema = z.object({
  corp_id: z.string(),
  agent_id: z.string().nullable(),
  config: signatureSchema.describe('For ww.register getConfigSignature (the corp jsapi_ticket)'),
  agent_config: signatureSchema.nullable().describe('For getAgentConfigSignature (the app’s agent_config ticket); null without an AgentId'),
});
export type JssdkSignatures = z.infer<typeof jssdkSignaturesSchema>;
