import { z } from 'zod';

const instant = z.iso.datetime({ offset: true });
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');

export const channelCodeSourceKinds = ['store', 'staff', 'campaign', 'partner'] as const;
export const channelCodeTargetKinds = ['official_account', 'wecom_contact', 'group', 'member_center'] as const;

export const channelCodeInputSchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    source_kind: z.enum(channelCodeSourceKinds).describe('Where the code is placed: a store, a staff member, a campaign or a partner'),
    source_ref: z.string().trim().min(1).max(100).nullish().describe('The store id, staff userid or partner code it stands for'),
    campaign: z.string().trim().min(1).max(100).nullish().describe('Set once on members who come through this code first'),
    target_kind: z.enum(channelCodeTargetKinds),
    staff_user_ids: z.array(z.string().trim().min(1).max(64)).min(1).max(100).optional().describe('wecom_contact: the staff the code spreads new contacts over'),
    group_ref: z.string().trim().min(1).max(100).optional().describe('group: a group or routing pool id (the groups module routes it)'),
    landing_path: z.string().trim().regex(/^\/[A-Za-z0-9/_\-.]*$/, 'a path on the member center').max(200).optional().describe('member_center: the page to open (default the card)'),
  })
  .refine((c) => c.target_kind !== 'wecom_contact' || c.staff_user_ids?.length, { message: 'a WeCom contact-me code needs staff_user_ids', path: ['staff_user_ids'] })
  .refine((c) => c.target_kind !== 'group' || c.group_ref, { message: 'a group code needs group_ref', path: ['group_ref'] });
export type ChannelCodeInput = z.infer<typeof channelCodeInputSchema>;

export const channelCodeUpdateSchema = z.object({
  name: z.string().trim().min(1).max(100).optional(),
  campaign: z.string().trim().min(1).max(100).nullish(),
  status: z.enum(['active', 'archived']).optional(),
});

export const channelCodeSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  source_kind: z.enum(channelCodeSourceKinds),
  source_ref: z.string().nullable(),
  campaign: z.string().nullable(),
  target_kind: z.enum(channelCodeTargetKinds),
  staff_user_ids: z.array(z.string()),
  group_ref: z.string().nullable(),
  landing_path: z.string().nullable(),
  status: z.enum(['active', 'archived']),
  scan_path: z.string().nullable().describe('Hearth’s scan URL path (member center and group codes): scans are counted there'),
  qr_content: z.string().describe('What the QR image encodes'),
  wecom_qr_url: z.string().nullable().describe('WeCom’s own contact-me QR image'),
  created_at: instant,
});
export type ChannelCode = z.infer<typeof channelCodeSchema>;

export const funnelQuerySchema = z.object({
  from: day.optional().describe('First local day (default: 30 days ago)'),
  to: day.optional().describe('Last local day, inclusive (default: today)'),
});

export const funnelStepsSchema = z.object({
  scans: z.number().int().describe('Scans counted by Hearth (member center and group codes; official-account SCAN events of followers)'),
  scanners: z.number().int().describe('Distinct scanners (a browser, an openid)'),
  follows: z.number().int().describe('Official-account follows and WeCom adds through the code, distinct people'),
  registrations: z.number().int().describe('Members registered through the code (their first code)'),
  first_orders: z.number().int().describe('Those members’ first orders after coming through the code'),
});

export const channelCodeFunnelSchema = z.object({
  code_id: z.uuid(),
  from: day,
  to: day,
  totals: funnelStepsSchema,
  days: z.array(funnelStepsSchema.extend({ day })),
});
export type ChannelCodeFunnel = z.infer<typeof channelCodeFunnelSchema>;
