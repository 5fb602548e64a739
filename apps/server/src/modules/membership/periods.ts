import { DateTime } from 'luxon';

export type PlanPeriod = 'month' | 'quarter' | 'year';
const monthsOf: Record<PlanPeriod, number> = { month: 1, quarter: 3, year: 12 };

/**
 * The end of the n-th paid period counted from the anchor, in the tenant's calendar. Always counted from
 * the anchor, never from the previous end: luxon clamps to the month's last day (Jan 31 + 1 month =
 * Feb 28/29), and counting from the anchor keeps the next end on Mar 31 instead of drifting to Mar 28.
 */
export function periodEnd(anchor: Date, period: PlanPeriod, n: number, zone: string): Date {
  return DateTime.fromJSDate(anchor, { zone }).plus({ months: monthsOf[period] * n }).toJSDate();
}

export function addDays(at: Date, days: number, zone: string): Date {
  return DateTime.fromJSDate(at, { zone }).plus({ days }).toJSDate();
}

/** Whole calendar days of the period in the tenant's zone (a day's length follows the zone, DST included). */
export function periodDays(start: Date, end: Date, zone: string): number {
  return Math.max(1, Math.round(DateTime.fromJSDate(end, { zone }).diff(DateTime.fromJSDate(start, { zone }), 'days').days));
}

/**
 * Days of the period not yet begun at `now`: the day in progress counts as used, so a member who used a
 * minute of a day is not credited for it.
 */
export function unusedDays(now: Date, end: Date, zone: string): number {
  if (now >= end) return 0;
  return Math.floor(DateTime.fromJSDate(end, { zone }).diff(DateTime.fromJSDate(now, { zone }), 'days').days);
}

/**
 * The value of the unused part of a period, in integer fen, rounded down: the brand never credits or
 * refunds a fen for time that was not left unused. Integer arithmetic only (value × days fits easily in 2^53).
 */
export function proRataFen(valueFen: number, unused: number, total: number): number {
  if (unused <= 0 || total <= 0) return 0;
  return Math.floor((valueFen * Math.min(unused, total)) / total);
}

/**
 * What refunding the subscription at `now` returns by the tenant's policy: the whole period's value within
 * full_refund_days of its start, else the unused whole days' share rounded down to the fen. The refund
 * itself and the console's quote (shown before staff confirm) both compute it here.
 */
export function refundDue(sub: { current_period_start: Date; current_period_end: Date; period_value_fen: number }, now: Date, setup: { zone: string; fullRefundDays: number }) {
  const { zone, fullRefundDays } = setup;
  const usedDays = Math.floor(DateTime.fromJSDate(now, { zone }).diff(DateTime.fromJSDate(sub.current_period_start, { zone }), 'days').days);
  const unused = unusedDays(now, sub.current_period_end, zone);
  const total = periodDays(sub.current_period_start, sub.current_period_end, zone);
  const policy: 'full' | 'pro_rata' = usedDays < fullRefundDays ? 'full' : 'pro_rata';
  const amount = policy === 'full' ? sub.period_value_fen : proRataFen(sub.period_value_fen, unused, total);
  return { policy, amount_fen: amount, used_days: Math.max(0, usedDays), unused_days: unused, period_days: total, full_refund_days: fullRefundDays };
}
