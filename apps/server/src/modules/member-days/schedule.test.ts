import { describe, expect, it } from 'vitest';
import { dayBounds, nextOccurrences, occurrencesBetween } from './schedule.ts';

describe('member-day schedules', () => {
  it('skips a day a month lacks instead of moving it', () => {
    expect(occurrencesBetween({ kind: 'monthly_day', day: 31, months: [] }, '2027-01-01', '2027-05-31')).toEqual(['2027-01-31', '2027-03-31', '2027-05-31']);
    expect(occurrencesBetween({ kind: 'nth_weekday', weekday: 5, nth: 5, months: [] }, '2027-01-01', '2027-04-30')).toEqual(['2027-01-29', '2027-04-30']);
  });

  it('finds last weekdays, quarterly firsts, weekly days and one-off dates within the range', () => {
    expect(nextOccurrences({ kind: 'nth_weekday', weekday: 7, nth: -1, months: [] }, '2027-01-01', null, 3)).toEqual(['2027-01-31', '2027-02-28', '2027-03-28']);
    expect(nextOccurrences({ kind: 'nth_weekday', weekday: 6, nth: 1, months: [1, 4, 7, 10] }, '2027-01-03', null, 2)).toEqual(['2027-04-03', '2027-07-03']);
    expect(occurrencesBetween({ kind: 'weekly', weekdays: [3] }, '2026-11-01', '2026-11-20')).toEqual(['2026-11-04', '2026-11-11', '2026-11-18']);
    expect(occurrencesBetween({ kind: 'dates', dates: ['2027-02-01', '2026-12-01', '2027-02-01', '2028-01-01'] }, '2026-12-01', '2027-12-31')).toEqual(['2026-12-01', '2027-02-01']);
    expect(nextOccurrences({ kind: 'monthly_day', day: 18, months: [] }, '2027-01-19', '2027-03-17', 5)).toEqual(['2027-02-18']);
  });

  it('makes a day run from local midnight to local midnight, 23 hours on a spring-forward day', () => {
    expect(dayBounds('2026-11-18', 'Asia/Shanghai')).toEqual({ startsAt: new Date('2026-11-17T16:00:00Z'), endsAt: new Date('2026-11-18T16:00:00Z') });
    const dst = dayBounds('2027-03-14', 'America/New_York');
    expect((dst.endsAt.getTime() - dst.startsAt.getTime()) / 3_600_000).toBe(23);
  });
});
