import { sql } from 'kysely';
import { DateTime } from 'luxon';
import type { CheckinSettings, CheckinStats, MyCheckin } from '@hearth/contracts/games';
import type { Db } from '../../db/database.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { AppError, validationError } from '../../http/errors.ts';
import { emitEvent } from '../../jobs/outbox.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { getTemplate } from '../coupons/templates.service.ts';
import { getMemberRow } from '../members/members.service.ts';
import { localDay } from './lotteries.service.ts';
import { grantReward, type Granted } from './rewards.ts';
import './games.tables.ts';

const defaults: CheckinSettings = { enabled: true, daily_points: 0, streak_rewards: [] };
type StreakReward = CheckinSettings['streak_rewards'][number];
interface GivenReward extends Granted {
  kind: 'points' | 'coupon';
  points: number | null;
  coupon_template_id: string | null;
  streak_day: number | null;
}

export async function getCheckinSettings(db: Db, tenantId: string): Promise<CheckinSettings> {
  const row = await db.selectFrom('checkin_settings').selectAll().where('tenant_id', '=', tenantId).executeTakeFirst();
  return row ? { enabled: row.enabled, daily_points: row.daily_points, streak_rewards: row.streak_rewards as StreakReward[] } : defaults;
}

export async function updateCheckinSettings(deps: AppDeps, ctx: RequestContext, input: CheckinSettings): Promise<CheckinSettings> {
  for (const [i, r] of input.streak_rewards.entries()) {
    // Another tenant's template is unknown here, and so is a deleted one: refused now rather than failing at each check-in.
    if (!r.coupon_template_id) continue;
    await getTemplate(deps, ctx, r.coupon_template_id).catch((error: unknown) => {
      throw error instanceof AppError && error.code === 'NOT_FOUND' ? validationError([{ field: `streak_rewards.${i}.coupon_template_id`, code: 'unknown', message: 'no such coupon template' }]) : error;
    });
  }
  const rewards = [...input.streak_rewards].sort((a, b) => a.day - b.day);
  await withTransaction(deps.db, async (trx) => {
    const values = { enabled: input.enabled, daily_points: input.daily_points, streak_rewards: JSON.stringify(rewards), updated_at: sql<Date>`now()` };
    await trx.insertInto('checkin_settings').values({ tenant_id: ctx.tenantId, ...values }).onConflict((oc) => oc.column('tenant_id').doUpdateSet(values)).execute();
    await recordAudit(trx, ctx, { action: 'checkin.settings', resourceType: 'checkin_settings', resourceId: ctx.tenantId, details: { daily_points: input.daily_points, streak_rewards: rewards.length } });
  });
  return { ...input, streak_rewards: rewards };
}

/**
 * Checks the member in for today (the tenant's local day). The (member, day) primary key decides concurrent
 * taps: the first insert wins, the others wait for it and insert nothing, then answer with its row
 * (created: false). The streak continues yesterday's or starts at 1; the day's points and any streak reward
 * are given in the same transaction (keyed by member and day, so never twice).
 */
export async function checkIn(deps: AppDeps, ctx: RequestContext, memberId: string) {
  const member = await getMemberRow(deps.db, ctx, memberId);
  if (member.status !== 'active') throw new AppError('MEMBER_NOT_ACTIVE', 'The member is not active', { errors: [{ field: 'member_id', code: 'not_active', message: `member is ${member.status}` }] });
  const settings = await getCheckinSettings(deps.db, ctx.tenantId);
  if (!settings.enabled) throw new AppError('CHECKIN_DISABLED', 'Daily check-in is switched off');
  const now = deps.clock.now();
  const { day } = await localDay(deps.db, ctx.tenantId, now);
  const yesterday = DateTime.fromISO(day).minus({ days: 1 }).toISODate()!;
  return withTransaction(deps.db, async (trx) => {
    const inserted = await sql<{ streak: number }>`
      insert into checkins (tenant_id, member_id, day, streak, created_at)
      values (${ctx.tenantId}, ${memberId}, ${day}::date,
        coalesce((select streak from checkins where tenant_id = ${ctx.tenantId} and member_id = ${memberId} and day = ${yesterday}::date), 0) + 1, ${now})
      on conflict (tenant_id, member_id, day) do nothing
      returning streak`.execute(trx);
    const streak = inserted.rows[0]?.streak;
    if (streak === undefined) return { ...(await findCheckin(trx, ctx.tenantId, memberId, day))!, created: false };
    const rewards: GivenReward[] = [];
    if (settings.daily_points > 0) {
      const granted = await grantReward(trx, deps, ctx, memberId, { kind: 'points', points: settings.daily_points }, `checkin:${day}`, `每日签到 / daily check-in ${day}`);
      rewards.push({ kind: 'points', points: settings.daily_points, coupon_template_id: null, streak_day: null, ...granted });
    }
    const reached = settings.streak_rewards.filter((r) => r.day === streak);
    for (const [i, r] of reached.entries()) {
      const key = `checkin:${memberId}:${day}:streak:${i}`;
      const reason = `连续签到 ${streak} 天 / ${streak}-day check-in streak`;
      if (r.points) rewards.push({ kind: 'points', points: r.points, coupon_template_id: null, streak_day: r.day, ...(await grantReward(trx, deps, ctx, memberId, { kind: 'points', points: r.points }, `${key}:points`, reason)) });
      if (r.coupon_template_id) rewards.push({ kind: 'coupon', points: null, coupon_template_id: r.coupon_template_id, streak_day: r.day, ...(await grantReward(trx, deps, ctx, memberId, { kind: 'coupon', coupon_template_id: r.coupon_template_id }, key, reason)) });
    }
    await trx.updateTable('checkins').set({ rewards: JSON.stringify(rewards) }).where('tenant_id', '=', ctx.tenantId).where('member_id', '=', memberId).where('day', '=', day).execute();
    await emitEvent(trx, deps.jobs, ctx, 'checkin.completed', { member_id: memberId, day, streak });
    if (reached.length) await emitEvent(trx, deps.jobs, ctx, 'checkin.streak_reached', { member_id: memberId, day, streak, rewards: rewards.filter((r) => r.streak_day !== null).map(({ kind, points, coupon_template_id, status }) => ({ kind, points, coupon_template_id, status })) });
    return { member_id: memberId, day, streak, rewards, created: true, created_at: now.toISOString() };
  });
}

/** The member's card: today done or not, the current streak (0 once a day was missed), this month's days. */
export async function myCheckin(deps: AppDeps, ctx: RequestContext, memberId: string): Promise<MyCheckin> {
  const settings = await getCheckinSettings(deps.db, ctx.tenantId);
  const { day } = await localDay(deps.db, ctx.tenantId, deps.clock.now());
  const today = DateTime.fromISO(day);
  const rows = await deps.db
    .selectFrom('checkins')
    .select([sql<string>`day::text`.as('day'), 'streak'])
    .where('tenant_id', '=', ctx.tenantId)
    .where('member_id', '=', memberId)
    .where('day', '>=', sql<string>`least(${today.startOf('month').toISODate()}::date, ${today.minus({ days: 1 }).toISODate()}::date)`)
    .orderBy('day')
    .execute();
  const byDay = new Map(rows.map((r) => [r.day, r.streak]));
  const streak = byDay.get(day) ?? byDay.get(today.minus({ days: 1 }).toISODate()!) ?? 0;
  return {
    enabled: settings.enabled,
    today: day,
    checked_in_today: byDay.has(day),
    streak,
    days_this_month: rows.map((r) => r.day).filter((d) => d >= today.startOf('month').toISODate()!),
    daily_points: settings.daily_points,
    next_reward: settings.streak_rewards.find((r) => r.day > streak) ?? null,
  };
}

/** Check-ins per local day over the last `days` days, distinct members, current streaks and rewards given. */
export async function checkinStats(deps: AppDeps, ctx: RequestContext, days: number): Promise<CheckinStats> {
  const { day } = await localDay(deps.db, ctx.tenantId, deps.clock.now());
  const from = DateTime.fromISO(day).minus({ days: days - 1 }).toISODate()!;
  const yesterday = DateTime.fromISO(day).minus({ days: 1 }).toISODate()!;
  const t = ctx.tenantId;
  const [perDay, totals, streaks] = await Promise.all([
    sql<{ day: string; members: number }>`select day::text as day, count(*)::int as members from checkins where tenant_id = ${t} and day >= ${from}::date group by day order by day`.execute(deps.db),
    sql<{ members: number; rewards: number }>`select count(distinct member_id)::int as members, coalesce(sum(jsonb_array_length(rewards)), 0)::int as rewards from checkins where tenant_id = ${t} and day >= ${from}::date`.execute(deps.db),
    sql<{ streak: string; members: number }>`
      select case when streak >= 30 then '30+' when streak >= 7 then '7-29' when streak >= 2 then '2-6' else '1' end as streak, count(*)::int as members
      from (select distinct on (member_id) member_id, streak from checkins where tenant_id = ${t} and day in (${day}::date, ${yesterday}::date) order by member_id, day desc) s
      group by 1 order by min(streak)`.execute(deps.db),
  ]);
  return { days: perDay.rows, members_total: totals.rows[0]?.members ?? 0, streaks: streaks.rows, rewards_given: totals.rows[0]?.rewards ?? 0 };
}

async function findCheckin(db: Db, tenantId: string, memberId: string, day: string) {
  const row = await db.selectFrom('checkins').select(['member_id', sql<string>`day::text`.as('day'), 'streak', 'rewards', 'created_at']).where('tenant_id', '=', tenantId).where('member_id', '=', memberId).where('day', '=', day).executeTakeFirst();
  return row && { member_id: row.member_id, day: row.day, streak: row.streak, rewards: row.rewards as GivenReward[], created_at: row.created_at.toISOString() };
}
