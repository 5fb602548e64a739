import { z } from 'zod';
import { eligibilitySchema } from './eligibility.ts';

const daySchema = z.iso.date().describe('A day in the tenant’s time zone, YYYY-MM-DD');
const monthsSchema = z
  .array(z.number().int().min(1).max(12))
  .max(12)
  .default([])
  .describe('Months it applies in (1–12); empty: every month. [1,4,7,10] is once a quarter');

/**
 * When a member day recurs, as local calendar days of the tenant. Four shapes cover what brands run: a day
 * of the month (the 18th; -1 the last day), the n-th weekday of the month (the first Saturday; -1 the last),
 * weekdays every week, and a list of one-off dates. A day that a month lacks (the 31st, a fifth Saturday) is
 * skipped in that month, never moved.
 */
export const memberDayScheduleSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('monthly_day'), day: z.number().int().min(-1).max(31).refine((d) => d !== 0, 'day 0 does not exist'), months: monthsSchema }).strict(),
  z.object({ kind: z.literal('nth_weekday'), weekday: z.number().int().min(1).max(7).describe('ISO weekday: 1 Monday … 7 Sunday'), nth: z.number().int().min(-1).max(5).refine((n) => n !== 0, 'nth 0 does not exist'), months: monthsSchema }).strict(),
  z.object({ kind: z.literal('weekly'), weekdays: z.array(z.number().int().min(1).max(7)).min(1).max(7) }).strict(),
  z.object({ kind: z.literal('dates'), dates: z.array(daySchema).min(1).max(366) }).strict(),
]);
export type MemberDaySchedule = z.infer<typeof memberDayScheduleSchema>;

export const memberDayInputSchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    description: z.string().trim().max(2000).nullish(),
    schedule: memberDayScheduleSchema,
    start_date: daySchema,
    end_date: daySchema.nullish().describe('Last day it may fall on; none: open-ended'),
    active: z.boolean().default(true),
    points_multiplier_bp: z
      .number()
      .int()
      .min(10000)
      .max(100000)
      .multipleOf(100)
      .default(10000)
      .describe('Points multiplier in basis points for orders on the day: 20000 = 2×. Whole hundreds (the earning rules have two decimals)'),
    coupon_pack: z
      .array(z.object({ template_id: z.uuid(), quantity: z.number().int().min(1).max(10).default(1) }).strict())
      .max(10)
      .default([])
      .describe('Coupons issued to every eligible member when the day starts'),
    member_price_ids: z.array(z.uuid()).max(50).default([]).describe('Member prices (pricing) featured on the day: linked, not copied'),
    skus: z.array(z.string().trim().min(1).max(64)).max(100).default([]).describe('Member-only products of the day (existing SKUs)'),
    eligibility: eligibilitySchema.default({}),
    reminder_lead_hours: z.number().int().min(1).max(720).nullish().describe('Remind eligible members this many hours before the day starts; none: no reminder'),
    reminder_template_id: z.uuid().nullish().describe('Message template sent with the reminder (its channel); none: only the member_day.upcoming event'),
  })
  .strict();
export type MemberDayInput = z.input<typeof memberDayInputSchema>;

export const memberDaySchema = z.object({
  id: z.uuid(),
  name: z.string(),
  description: z.string().nullable(),
  schedule: memberDayScheduleSchema,
  start_date: z.string(),
  end_date: z.string().nullable(),
  active: z.boolean(),
  points_multiplier_bp: z.number().int(),
  coupon_pack: z.array(z.object({ template_id: z.uuid(), quantity: z.number().int() })),
  member_price_ids: z.array(z.uuid()),
  skus: z.array(z.string()),
  eligibility: eligibilitySchema,
  reminder_lead_hours: z.number().int().nullable(),
  reminder_template_id: z.uuid().nullable(),
  next_day: z.string().nullable().describe('The next (or current) day it falls on'),
  created_at: z.string(),
  updated_at: z.string(),
});
export type MemberDay = z.infer<typeof memberDaySchema>;

export const memberDayOccurrenceSchema = z.object({
  day: z.string(),
  starts_at: z.string().describe('Local midnight of the day, as an instant'),
  ends_at: z.string().describe('Local midnight of the next day'),
  started: z.boolean().describe('member_day.started was emitted (and the coupon pack queued)'),
});

export const memberDayPreviewInputSchema = z
  .object({ schedule: memberDayScheduleSchema, start_date: daySchema, end_date: daySchema.nullish(), count: z.number().int().min(1).max(50).default(10) })
  .strict();

const statsFiguresSchema = z.object({
  orders: z.number(),
  revenue_fen: z.number().describe('Paid less refunded, by the order’s day'),
  members: z.number().describe('Distinct members who ordered'),
  new_paid_members: z.number().describe('Members whose first paid membership started that day'),
});

export const memberDayStatsSchema = z.object({
  from: z.string(),
  to: z.string(),
  member_days: z.array(statsFiguresSchema.extend({ day: z.string() })),
  member_day_average: statsFiguresSchema.extend({ days: z.number().int() }),
  ordinary_average: statsFiguresSchema.extend({ days: z.number().int() }).describe('Days in the window that are no member day of any program'),
  lift_bp: z.object({ orders: z.number().int().nullable(), revenue_fen: z.number().int().nullable(), members: z.number().int().nullable(), new_paid_members: z.number().int().nullable() }).describe('Member-day average over ordinary average, less one, in basis points'),
});
export type MemberDayStats = z.infer<typeof memberDayStatsSchema>;

export const memberDayStatsQuerySchema = z.object({ from: daySchema.optional(), to: daySchema.optional() });

export const myMemberDaySchema = z.object({
  id: z.uuid(),
  name: z.string(),
  description: z.string().nullable(),
  day: z.string(),
  starts_at: z.string(),
  ends_at: z.string(),
  today: z.boolean(),
  eligible: z.boolean(),
  points_multiplier_bp: z.number().int(),
  coupons: z.array(z.object({ template_id: z.uuid(), name: z.string(), quantity: z.number().int() })),
  products: z.array(z.object({ sku: z.string(), name: z.string(), list_price_fen: z.number().int() })),
  member_prices: z.array(z.object({ sku: z.string(), price_fen: z.number().int() })),
});
export type MyMemberDay = z.infer<typeof myMemberDaySchema>;
