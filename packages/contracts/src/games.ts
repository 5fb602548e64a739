import { z } from 'zod';
import { eligibilitySchema } from './eligibility.ts';

const instant = z.iso.datetime({ offset: true });

export const prizeKinds = ['points', 'coupon', 'partner_code', 'physical'] as const;
export const lotteryModes = ['instant', 'scheduled'] as const;
export const winStatuses = ['fulfilled', 'failed', 'pending_address', 'ready', 'shipped', 'delivered', 'pending'] as const;

export const prizeInputSchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    kind: z.enum(prizeKinds),
    points: z.number().int().min(1).max(10_000_000).optional().describe('kind points: how many'),
    coupon_template_id: z.uuid().optional().describe('kind coupon: the template issued'),
    partner_benefit_id: z.uuid().optional().describe('kind partner_code: the partner benefit whose pool gives the code'),
    probability_bp: z.number().int().min(0).max(10_000).optional().describe('Instant mode: chance per entry in basis points (1/10,000)'),
    stock: z.number().int().min(1).max(1_000_000).nullish().describe('How many can be won (scheduled mode: the fixed count drawn); null = unlimited (instant mode only)'),
    image_url: z.url().max(500).nullish(),
  })
  .superRefine((p, ctx) => {
    const need = { points: 'points', coupon: 'coupon_template_id', partner_code: 'partner_benefit_id', physical: null } as const;
    const field = need[p.kind];
    if (field && p[field] === undefined) ctx.addIssue({ code: 'custom', path: [field], message: `required for kind ${p.kind}` });
    if (p.kind === 'physical' && !p.stock) ctx.addIssue({ code: 'custom', path: ['stock'], message: 'a physical prize needs a stock' });
  });

export const lotteryInputSchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    description: z.string().max(2000).nullish(),
    mode: z.enum(lotteryModes),
    starts_at: instant,
    ends_at: instant,
    draw_at: instant.nullish().describe('Scheduled mode: when winners are drawn (default: ends_at)'),
    entry_cost_points: z.number().int().min(0).max(1_000_000).default(0),
    daily_limit: z.number().int().min(1).max(1000).nullish().describe('Entries per member per day (tenant’s zone)'),
    total_limit: z.number().int().min(1).max(100_000).nullish().describe('Entries per member in all'),
    device_daily_limit: z.number().int().min(1).max(1000).nullish().describe('Entries per device id per day, across members'),
    eligibility: eligibilitySchema.default({}),
    prizes: z.array(prizeInputSchema).min(1).max(20),
  })
  .superRefine((l, ctx) => {
    if (Date.parse(l.ends_at) <= Date.parse(l.starts_at)) ctx.addIssue({ code: 'custom', path: ['ends_at'], message: 'ends before it starts' });
    if (l.draw_at && Date.parse(l.draw_at) < Date.parse(l.ends_at)) ctx.addIssue({ code: 'custom', path: ['draw_at'], message: 'draws before entries close' });
    if (l.mode === 'instant') {
      const sum = l.prizes.reduce((s, p) => s + (p.probability_bp ?? 0), 0);
      if (sum > 10_000) ctx.addIssue({ code: 'custom', path: ['prizes'], message: `probabilities sum to ${sum} bp, more than 10,000` });
      l.prizes.forEach((p, i) => p.probability_bp === undefined && ctx.addIssue({ code: 'custom', path: ['prizes', i, 'probability_bp'], message: 'required in instant mode' }));
    } else {
      l.prizes.forEach((p, i) => !p.stock && ctx.addIssue({ code: 'custom', path: ['prizes', i, 'stock'], message: 'scheduled mode draws a fixed count' }));
    }
  });

export const prizeSchema = z.object({
  id: z.uuid(),
  position: z.number().int(),
  name: z.string(),
  kind: z.enum(prizeKinds),
  points: z.number().int().nullable(),
  coupon_template_id: z.uuid().nullable(),
  partner_benefit_id: z.uuid().nullable(),
  probability_bp: z.number().int().nullable(),
  stock: z.number().int().nullable(),
  remaining: z.number().int().nullable(),
  won: z.number().int(),
  image_url: z.string().nullable(),
});

export const lotterySchema = z.object({
  id: z.uuid(),
  name: z.string(),
  description: z.string().nullable(),
  mode: z.enum(lotteryModes),
  status: z.enum(['open', 'closed', 'drawn']),
  starts_at: z.string(),
  ends_at: z.string(),
  draw_at: z.string().nullable(),
  entry_cost_points: z.number().int(),
  daily_limit: z.number().int().nullable(),
  total_limit: z.number().int().nullable(),
  device_daily_limit: z.number().int().nullable(),
  eligibility: eligibilitySchema,
  no_prize_bp: z.number().int().nullable().describe('Instant mode: the “no prize” share'),
  seed_hash: z.string().describe('SHA-256 of the seed, published when the lottery opens'),
  seed: z.string().nullable().describe('Revealed once entries are closed (instant) or drawn (scheduled)'),
  entries: z.number().int(),
  winners: z.number().int(),
  prizes: z.array(prizeSchema),
  created_at: z.string(),
});

export const entryInputSchema = z.object({ member_id: z.uuid(), device_id: z.string().trim().min(1).max(100).optional() });
export const myEntryInputSchema = z.object({ device_id: z.string().trim().min(1).max(100).optional() });

export const entrySchema = z.object({
  id: z.uuid(),
  lottery_id: z.uuid(),
  member_id: z.uuid(),
  seq: z.number().int().describe('Entry order within the lottery, from 1: what the draw hashes'),
  business_day: z.string(),
  cost_points: z.number().int(),
  result: z.enum(['pending', 'won', 'lost']),
  prize_id: z.uuid().nullable(),
  win_id: z.uuid().nullable(),
  device_id: z.string().nullable(),
  created_at: z.string(),
});

export const addressInputSchema = z.object({
  name: z.string().trim().min(1).max(50),
  phone: z.string().trim().regex(/^\+?[0-9 -]{6,20}$/, 'a phone number'),
  address: z.string().trim().min(5).max(300),
});

export const shipInputSchema = z.object({ carrier: z.string().trim().min(1).max(50), tracking_no: z.string().trim().min(1).max(64) });

export const winSchema = z.object({
  id: z.uuid(),
  lottery_id: z.uuid(),
  lottery_name: z.string(),
  member_id: z.uuid(),
  member_no: z.string().nullable(),
  entry_id: z.uuid(),
  prize_id: z.uuid(),
  prize_name: z.string(),
  kind: z.enum(prizeKinds),
  status: z.enum(winStatuses),
  fulfilment_ref: z.string().nullable().describe('Points transaction, coupon id or partner allocation id'),
  error: z.string().nullable(),
  recipient_name: z.string().nullable(),
  recipient_phone: z.string().nullable(),
  address: z.string().nullable(),
  carrier: z.string().nullable(),
  tracking_no: z.string().nullable(),
  shipped_at: z.string().nullable(),
  delivered_at: z.string().nullable(),
  created_at: z.string(),
});

export const enterResultSchema = z.object({ entry: entrySchema, win: winSchema.nullable(), prize: prizeSchema.nullable() });

export const verifySchema = z.object({
  lottery_id: z.uuid(),
  mode: z.enum(lotteryModes),
  seed_hash: z.string(),
  seed: z.string(),
  algorithm: z.string(),
  prizes: z.array(z.object({ id: z.uuid(), position: z.number().int(), probability_bp: z.number().int().nullable(), stock: z.number().int().nullable() })),
  entries: z.array(z.object({ seq: z.number().int(), entry_id: z.uuid(), prize_id: z.uuid().nullable() })).describe('Every entry in seq order with the prize it won'),
});

export const streakRewardSchema = z
  .object({
    day: z.number().int().min(1).max(366).describe('Given on the day the streak reaches this length'),
    points: z.number().int().min(1).max(1_000_000).optional(),
    coupon_template_id: z.uuid().optional(),
  })
  .refine((r) => r.points !== undefined || r.coupon_template_id !== undefined, { message: 'points or a coupon', path: ['points'] });

export const checkinSettingsSchema = z.object({
  enabled: z.boolean(),
  daily_points: z.number().int().min(0).max(10_000),
  streak_rewards: z.array(streakRewardSchema).max(30),
});

export const checkinRewardSchema = z.object({ kind: z.enum(['points', 'coupon']), points: z.number().int().nullable(), coupon_template_id: z.uuid().nullable(), streak_day: z.number().int().nullable(), status: z.enum(['fulfilled', 'failed']), ref: z.string().nullable(), error: z.string().nullable() });

export const checkinSchema = z.object({
  member_id: z.uuid(),
  day: z.string().describe('The tenant’s local date'),
  streak: z.number().int(),
  rewards: z.array(checkinRewardSchema),
  created: z.boolean().describe('false when the member had already checked in today'),
  created_at: z.string(),
});

export const myCheckinSchema = z.object({
  enabled: z.boolean(),
  today: z.string(),
  checked_in_today: z.boolean(),
  streak: z.number().int().describe('Current streak (0 when yesterday was missed and today not yet done)'),
  days_this_month: z.array(z.string()),
  daily_points: z.number().int(),
  next_reward: streakRewardSchema.nullable(),
});

export const checkinStatsSchema = z.object({
  days: z.array(z.object({ day: z.string(), members: z.number().int() })),
  members_total: z.number().int(),
  streaks: z.array(z.object({ streak: z.string(), members: z.number().int() })).describe('Current streaks of members who checked in today or yesterday'),
  rewards_given: z.number().int(),
});

export type Lottery = z.infer<typeof lotterySchema>;
export type LotteryPrize = z.infer<typeof prizeSchema>;
export type LotteryEntry = z.infer<typeof entrySchema>;
/** An entry in the console's list, with the member's number to show. */
export const listedEntrySchema = entrySchema.extend({ member_no: z.string().nullable() });
export type ListedLotteryEntry = z.infer<typeof listedEntrySchema>;
export type LotteryWin = z.infer<typeof winSchema>;
export type LotteryVerification = z.infer<typeof verifySchema>;
export type CheckinSettings = z.infer<typeof checkinSettingsSchema>;
export type MyCheckin = z.infer<typeof myCheckinSchema>;
export type CheckinStats = z.infer<typeof checkinStatsSchema>;
