import { z } from 'zod';
import { entitlementSchema, savingsSchema } from './benefits.ts';
import { couponSchema, couponTemplateSchema } from './coupons.ts';
import { birthdaySchema, consentChannels } from './members.ts';
import { membershipSchema, planSchema } from './membership.ts';
import { orderSchema } from './orders.ts';
import { pointsBalanceSchema } from './points.ts';
import { memberTierSchema, tierSchema } from './tiers.ts';

// What the member center (apps/member) and a mini program send to and get from /api/v1/me.

const brand = z.string().trim().min(1).max(64).describe('The brand’s slug');
const sessionKind = z.enum(['cookie', 'bearer']).default('cookie').describe('cookie: the H5 (sets hearth_member); bearer: a mini program gets the token');

export const smsCodeRequestSchema = z.object({ brand, phone: z.string().trim().min(5).max(20) });
export const smsCodeSentSchema = z.object({ expires_in_seconds: z.number().int(), resend_after_seconds: z.number().int() });
export const smsSignInSchema = z.object({ brand, phone: z.string().trim().min(5).max(20), code: z.string().trim().regex(/^\d{6}$/, '6 digits'), session: sessionKind });
export const wechatSignInSchema = z.object({ brand, code: z.string().trim().min(1).max(200), state: z.string().trim().min(1).max(100), session: sessionKind });
export const wechatAuthorizeQuerySchema = z.object({
  brand,
  scope: z.enum(['snsapi_base', 'snsapi_userinfo']).default('snsapi_base'),
  redirect_uri: z.url().describe('The member center page WeChat sends the member back to'),
});
export const signedInSchema = z.object({
  member_id: z.uuid(),
  created: z.boolean().describe('A new member was registered by this sign-in'),
  token: z.string().nullable().describe('bearer sessions only'),
  expires_at: z.string(),
});
export const brandInfoSchema = z.object({ slug: z.string(), name: z.string(), wechat_sign_in: z.boolean() });
export const wechatOauthConfigSchema = z.object({ appid: z.string().trim().min(1).max(64), secret: z.string().trim().min(1).max(200) });

export const myProfileUpdateSchema = z.object({
  name: z.string().trim().min(1).max(100).nullish(),
  nickname: z.string().trim().min(1).max(100).nullish(),
  gender: z.enum(['male', 'female', 'unknown']).nullish(),
  birthday: birthdaySchema.optional().describe('Can be set once; later changes are refused (birthday gifts)'),
  email: z.email().max(254).nullish(),
  province: z.string().trim().max(50).nullish(),
  city: z.string().trim().max(50).nullish(),
});

export const myProfileSchema = z.object({
  id: z.uuid(),
  member_no: z.string(),
  name: z.string().nullable(),
  nickname: z.string().nullable(),
  gender: z.enum(['male', 'female', 'unknown']).nullable(),
  birthday: z.object({ month: z.number(), day: z.number(), year: z.number().nullable() }).nullable(),
  birthday_locked: z.boolean(),
  phone: z.string().nullable().describe('Masked'),
  email: z.string().nullable(),
  province: z.string().nullable(),
  city: z.string().nullable(),
  registered_at: z.string(),
  brand: z.object({ slug: z.string(), name: z.string() }),
});
export type MyProfile = z.infer<typeof myProfileSchema>;

export const myConsentSchema = z.object({ channel: z.enum(consentChannels), granted: z.boolean(), updated_at: z.string().nullable() });
export const myConsentUpdateSchema = z.object({ granted: z.boolean() });
export const erasureRequestSchema = z.object({ confirm: z.literal(true).describe('The member confirmed after reading what erasure means'), reason: z.string().trim().max(200).optional() });

export const memberCodeWindowSchema = z.object({
  step_seconds: z.number().int(),
  codes: z.array(z.object({ code: z.string(), shows_from: z.string(), shows_until: z.string() })).describe('The card’s QR for this minute and the next ones, each shown in its own minute (works offline)'),
});

export const myCardSchema = z.object({
  member_no: z.string(),
  display_name: z.string().nullable(),
  tier: z.object({ name: z.string(), code: z.string(), color: z.string(), program: z.string() }).nullable(),
  points: z.object({ available: z.number().int(), value_fen: z.number().int() }),
  paid_member: z.boolean(),
  coupons_available: z.number().int(),
});
export type MyCard = z.infer<typeof myCardSchema>;

export const myPointsSchema = pointsBalanceSchema;
export const myLedgerEntrySchema = z.object({ id: z.uuid(), kind: z.string(), points: z.number().int(), reason: z.string().nullable(), order_id: z.uuid().nullable(), created_at: z.string() });
export const myRewardSchema = z.object({ id: z.uuid(), name: z.string(), description: z.string().nullable(), points_price: z.number().int(), in_stock: z.boolean(), affordable: z.boolean() });
export const myRedeemSchema = z.object({ quantity: z.number().int().min(1).max(10).default(1) });
export const myRedemptionSchema = z.object({ id: z.uuid(), points: z.number().int(), reward_id: z.uuid().nullable(), quantity: z.number().int(), balance: z.number().int() });

const benefitNameSchema = z.object({ id: z.uuid(), name: z.string(), name_en: z.string().nullable(), description: z.string().nullable() });

export const myTierSchema = z.object({
  ladders: z.array(z.object({ current: memberTierSchema, tiers: z.array(tierSchema.extend({ benefits: z.array(benefitNameSchema) })) })),
});

export const myBenefitsSchema = z.object({ entitlements: z.array(entitlementSchema), savings: savingsSchema });

export const myCouponSchema = couponSchema.extend({ terms: couponTemplateSchema.shape.terms, description: z.string().nullable() });
export type MyCoupon = z.infer<typeof myCouponSchema>;
export const myCouponStatusQuerySchema = z.object({ status: z.enum(['available', 'used', 'expired']).default('available') });

export const myMembershipSchema = z.object({ plans: z.array(planSchema.extend({ benefits: z.array(benefitNameSchema) })), membership: membershipSchema, wechat_pay: z.boolean().describe('This session can pay with WeChat Pay JSAPI') });
export const myPurchaseSchema = z.object({ plan_id: z.uuid(), provider: z.enum(['offline', 'wechat']), auto_renew: z.boolean().default(false) });

export const myOrderSchema = orderSchema;
