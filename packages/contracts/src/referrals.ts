import { z } from 'zod';
import { fenSchema } from './products.ts';

export const referralStatuses = ['joined', 'ordered', 'rewarded', 'canceled', 'pending_review', 'rejected'] as const;
export const referralFlags = ['same_phone', 'same_device', 'same_address', 'burst'] as const;

export const referralSettingsSchema = z.object({
  enabled: z.boolean().default(true),
  min_order_fen: fenSchema.default(0).describe('The first order of the new member must have paid at least this much'),
  return_window_days: z.number().int().min(0).max(90).default(7).describe('Rewards wait until the order can no longer be returned'),
  join_window_hours: z.number().int().min(1).max(720).default(72).describe('How long after registering a member may still enter an invite code'),
  monthly_limit: z.number().int().min(1).max(10_000).nullable().default(null).describe("Referrer rewards per referrer per local month (the tenant's zone)"),
  burst_per_hour: z.number().int().min(1).max(1000).default(5).describe('More joins than this through one referrer within an hour go to review'),
  referrer_points: z.number().int().min(0).max(1_000_000).default(0),
  referee_points: z.number().int().min(0).max(1_000_000).default(0),
  referrer_coupon_template_id: z.uuid().nullable().default(null),
  referee_coupon_template_id: z.uuid().nullable().default(null),
});
export type ReferralSettings = z.infer<typeof referralSettingsSchema>;

export const inviteSchema = z.object({
  code: z.string().describe('Formatted for people: K7QM2-9XHTR-4PW8Z'),
  link: z.string(),
  poster_url: z.string().describe('SVG QR code of the link'),
});
export type Invite = z.infer<typeof inviteSchema>;

export const referralSchema = z.object({
  member_id: z.uuid().describe('The new member'),
  member_no: z.string().nullable(),
  referrer_id: z.uuid(),
  referrer_no: z.string().nullable(),
  status: z.enum(referralStatuses),
  flags: z.array(z.enum(referralFlags)),
  joined_at: z.string(),
  order_id: z.uuid().nullable(),
  qualifies_at: z.string().nullable(),
  rewarded_at: z.string().nullable(),
  rewards: z.array(z.object({ side: z.enum(['referrer', 'referee']), member_id: z.uuid(), status: z.enum(['fulfilled', 'failed', 'limited']), points: z.number().int(), coupon_id: z.uuid().nullable(), error: z.string().nullable() })),
  reviewed_at: z.string().nullable(),
  review_note: z.string().nullable(),
});
export type Referral = z.infer<typeof referralSchema>;

export const joinInputSchema = z.object({
  code: z.string().trim().min(1).max(40),
  device_id: z.string().trim().min(1).max(100).optional().describe('Compared with the referrer’s devices; stored only as a hash'),
  address: z.string().trim().min(1).max(300).optional().describe('Delivery address, compared with other invitees’; stored only as a hash'),
});
export const apiJoinInputSchema = joinInputSchema.extend({ member_id: z.uuid() });

export const trackInputSchema = z.object({
  code: z.string().trim().min(1).max(40),
  visitor_id: z.string().trim().min(1).max(100).describe('Any stable id of the visitor (device, openid); counted once per visitor per day, stored as a hash'),
});
export const shareInputSchema = z.object({
  channel: z.string().trim().min(1).max(30).default('wechat'),
  device_id: z.string().trim().min(1).max(100).optional(),
});
export const trackResultSchema = z.object({ counted: z.boolean() });

export const reviewInputSchema = z.object({ note: z.string().trim().max(300).optional() });

export const funnelSchema = z.object({
  from: z.string(),
  to: z.string(),
  shares: z.number().int(),
  clicks: z.number().int(),
  joins: z.number().int(),
  first_orders: z.number().int(),
  rewarded: z.number().int(),
  in_review: z.number().int(),
  canceled: z.number().int(),
});

export const myReferralsSchema = z.object({
  invite: inviteSchema,
  joined: z.number().int(),
  rewarded: z.number().int(),
  offer: z.object({ referrer_points: z.number().int(), referee_points: z.number().int(), referrer_coupon: z.boolean(), referee_coupon: z.boolean(), min_order_fen: z.number().int() }).describe('What the brand gives for a friend who joins and orders'),
  referrals: z.array(z.object({
    member_no: z.string().nullable(),
    status: z.enum(referralStatuses),
    joined_at: z.string(),
    reward: z.object({ points: z.number().int(), coupon: z.boolean() }).nullable().describe('What I received for this friend'),
  })),
});
