import { DateTime } from 'luxon';
import type { MemberDaySchedule } from '@hearth/contracts/member-days';

/**
 * The local days a schedule falls on between `from` and `to` (both YYYY-MM-DD, inclusive), in order. The
 * rule format is ours (see ARCHITECTURE.md, "Member days"): it works on calendar days only, so no time zone
 * enters here; the caller turns a day into its instants in the tenant's zone (dayBounds).
 */
export function occurrencesBetween(schedule: MemberDaySchedule, from: string, to: string): string[] {
  if (from > to) return [];
  if (schedule.kind === 'dates') return [...new Set(schedule.dates)].filter((d) => d >= from && d <= to).sort();
  const out: string[] = [];
  const last = DateTime.fromISO(to, { zone: 'utc' });
  if (schedule.kind === 'weekly') {
    for (let d = DateTime.fromISO(from, { zone: 'utc' }); d <= last; d = d.plus({ days: 1 })) if (schedule.weekdays.includes(d.weekday)) out.push(d.toISODate()!);
    return out;
  }
  for (let month = DateTime.fromISO(from, { zone: 'utc' }).startOf('month'); month <= last; month = month.plus({ months: 1 })) {
    if (schedule.months.length && !schedule.months.includes(month.month)) continue;
    const day = schedule.kind === 'monthly_day' ? dayOfMonth(month, schedule.day) : nthWeekday(month, schedule.weekday, schedule.nth);
    if (!day) continue;
    const iso = day.toISODate()!;
    if (iso >= from && iso <= to) out.push(iso);
  }
  return out;
}

/** The first `count` days on or after `from` (and not after `until`), looking at most ~5 years ahead. */
export function nextOccurrences(schedule: MemberDaySchedule, from: string, until: string | null, count: number): string[] {
  const horizon = DateTime.fromISO(from, { zone: 'utc' }).plus({ years: 5 }).toISODate()!;
  return occurrencesBetween(schedule, from, until && until < horizon ? until : horizon).slice(0, count);
}

/** A local day's instants in a zone: [local midnight, next local midnight), so a DST day has 23 or 25 hours. */
export function dayBounds(day: string, timeZone: string): { startsAt: Date; endsAt: Date } {
  const start = DateTime.fromISO(day, { zone: timeZone }).startOf('day');
  return { startsAt: start.toJSDate(), endsAt: start.plus({ days: 1 }).toJSDate() };
}

/** The local day of an instant in a zone. */
export const localDay = (at: Date, timeZone: string): string => DateTime.fromJSDate(at, { zone: timeZone }).toISODate()!;

export const addDays = (day: string, days: number): string => DateTime.fromISO(day, { zone: 'utc' }).plus({ days }).toISODate()!;

function dayOfMonth(month: DateTime, day: number): DateTime | null {
  if (day === -1) return month.endOf('month').startOf('day');
  return day <= month.daysInMonth! ? month.set({ day }) : null;
}

function nthWeekday(month: DateTime, weekday: number, nth: number): DateTime | null {
  if (nth === -1) {
    const end = month.endOf('month').startOf('day');
    return end.minus({ days: (end.weekday - weekday + 7) % 7 });
  }
  const first = month.plus({ days: (weekday - month.weekday + 7) % 7 });
  const day = first.plus({ weeks: nth - 1 });
  return day.month === month.month ? day : null;
}
