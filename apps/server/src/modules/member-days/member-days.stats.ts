import { sql } from 'kysely';
import type { MemberDayStats } from '@hearth/contracts/member-days';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { validationError } from '../../http/errors.ts';
import { entitlementIntervalsSql } from '../membership/entitlement.ts';
import { getRow, tenantZone } from './member-days.service.ts';
import { addDays, dayBounds, localDay } from './schedule.ts';

interface DayFigures {
  day: string;
  orders: number;
  revenue_fen: number;
  members: number;
  new_paid_members: number;
  this_program: boolean;
  any_program: boolean;
}

const FIGURES = ['orders', 'revenue_fen', 'members', 'new_paid_members'] as const;

/**
 * Each day of the program in the window against the average ordinary day (a day that is no member day of any
 * program) of the same window, days counted in the tenant's zone, up to today. Revenue is paid less refunded,
 * by the order's day (a later refund lowers the day it was bought on); fully refunded orders count in neither
 * orders nor members; members are distinct members who ordered; new paid members are those whose first paid membership started that day. One statement; it reads
 * orders and the membership module's entitlement SQL read-only, as the analytics reports do.
 */
export async function memberDayStats(deps: AppDeps, ctx: RequestContext, id: string, query: { from?: string; to?: string }): Promise<MemberDayStats> {
  await getRow(deps.db, ctx.tenantId, id);
  const timeZone = await tenantZone(deps.db, ctx.tenantId);
  const today = localDay(deps.clock.now(), timeZone);
  const to = query.to && query.to < today ? query.to : today;
  const from = query.from ?? addDays(to, -89);
  if (from > to) throw validationError([{ field: 'from', code: 'after_to', message: 'from is after to (or after today)' }]);
  if (from < addDays(to, -731)) throw validationError([{ field: 'from', code: 'window_too_long', message: 'at most two years at a time' }]);
  const start = dayBounds(from, timeZone).startsAt;
  const end = dayBounds(to, timeZone).endsAt;
  const local = (column: string) => sql`(${sql.ref(column)} at time zone ${timeZone})::date`;
  const result = await sql<DayFigures>`
    with days as (select g::date as day from generate_series(${from}::date, ${to}::date, interval '1 day') g),
    ord as (
      select ${local('o.occurred_at')} as day, count(*) filter (where o.status <> 'refunded')::bigint as orders,
        sum(o.total_paid_fen - o.refunded_fen)::bigint as revenue_fen, count(distinct o.member_id) filter (where o.status <> 'refunded')::bigint as members
      from orders o where o.tenant_id = ${ctx.tenantId} and o.occurred_at >= ${start} and o.occurred_at < ${end}
      group by 1
    ),
    first_paid as (
      select e.member_id, min(e.starts_at) as first_at from (${entitlementIntervalsSql(ctx.tenantId)}) e group by e.member_id
    ),
    paid as (
      select ${local('f.first_at')} as day, count(*)::bigint as n from first_paid f where f.first_at >= ${start} and f.first_at < ${end} group by 1
    ),
    md as (
      select o.day, bool_or(o.member_day_id = ${id}) as this_program from member_day_occurrences o
      where o.tenant_id = ${ctx.tenantId} and o.day between ${from}::date and ${to}::date
      group by o.day
    )
    select d.day::text as day, coalesce(ord.orders, 0) as orders, coalesce(ord.revenue_fen, 0) as revenue_fen, coalesce(ord.members, 0) as members,
      coalesce(paid.n, 0) as new_paid_members, coalesce(md.this_program, false) as this_program, md.day is not null as any_program
    from days d left join ord on ord.day = d.day left join paid on paid.day = d.day left join md on md.day = d.day
    order by d.day`.execute(deps.db);
  const memberDays = result.rows.filter((r) => r.this_program);
  const ordinary = result.rows.filter((r) => !r.any_program);
  const memberDayAverage = average(memberDays);
  const ordinaryAverage = average(ordinary);
  const lift = (key: (typeof FIGURES)[number]) => (ordinaryAverage[key] > 0 && memberDays.length ? Math.round((memberDayAverage[key] / ordinaryAverage[key] - 1) * 10000) : null);
  return {
    from,
    to,
    member_days: memberDays.map((r) => ({ day: r.day, orders: r.orders, revenue_fen: r.revenue_fen, members: r.members, new_paid_members: r.new_paid_members })),
    member_day_average: memberDayAverage,
    ordinary_average: ordinaryAverage,
    lift_bp: { orders: lift('orders'), revenue_fen: lift('revenue_fen'), members: lift('members'), new_paid_members: lift('new_paid_members') },
  };
}

/** Averages per day: counts to two decimals, revenue to the whole fen (half up). */
function average(rows: readonly DayFigures[]) {
  const sum = (key: (typeof FIGURES)[number]) => rows.reduce((s, r) => s + r[key], 0);
  const per = (key: (typeof FIGURES)[number], digits: number) => (rows.length ? Math.round((sum(key) / rows.length) * 10 ** digits) / 10 ** digits : 0);
  return { days: rows.length, orders: per('orders', 2), revenue_fen: per('revenue_fen', 0), members: per('members', 2), new_paid_members: per('new_paid_members', 2) };
}
