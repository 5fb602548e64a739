import { sql } from 'kysely';
import { DateTime } from 'luxon';
import type { Overview } from '@hearth/contracts/analytics';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { liabilityReport } from '../points/points.service.ts';
import { loadAnalyticsSetup } from './settings.service.ts';

/**
 * The console's first screen: members, buyers, orders and revenue today, over the last `days` days and the
 * `days` before them, day by day in the tenant's zone, and the points the brand owes. Orders and members are
 * read with one grouped statement over both windows (read-only across modules, as the other reports here);
 * revenue is paid less refunded, and a fully refunded order counts neither as an order nor a buyer.
 */
export async function overview(deps: AppDeps, ctx: RequestContext, query: { days: number }): Promise<Overview> {
  const { timeZone } = await loadAnalyticsSetup(deps.db, ctx.tenantId);
  const now = deps.clock.now();
  const today = DateTime.fromJSDate(now, { zone: timeZone }).startOf('day');
  const from = today.minus({ days: query.days - 1 });
  const previousFrom = from.minus({ days: query.days });
  const end = today.plus({ days: 1 }).toJSDate();
  const activeSince = today.minus({ days: 89 }).toJSDate();
  const scanFrom = DateTime.min(previousFrom, today.minus({ days: 89 }))!.toJSDate();

  const { rows } = await sql<{ day: string; orders: number; revenue: number; new_members: number }>`
    with order_days as (
      select (occurred_at at time zone ${timeZone})::date as day, count(*) filter (where status <> 'refunded')::int as orders,
        sum(total_paid_fen - refunded_fen)::int8 as revenue
      from orders where tenant_id = ${ctx.tenantId} and occurred_at >= ${previousFrom.toJSDate()} and occurred_at < ${end}
      group by 1),
    member_days as (
      select (registered_at at time zone ${timeZone})::date as day, count(*)::int as new_members
      from members where tenant_id = ${ctx.tenantId} and status in ('active', 'frozen') and registered_at >= ${previousFrom.toJSDate()} and registered_at < ${end}
      group by 1)
    select to_char(d.day, 'YYYY-MM-DD') as day, coalesce(o.orders, 0) as orders, coalesce(o.revenue, 0)::int8 as revenue, coalesce(m.new_members, 0) as new_members
    from generate_series(${previousFrom.toISODate()}::date, ${today.toISODate()}::date, interval '1 day') d(day)
    left join order_days o on o.day = d.day left join member_days m on m.day = d.day
    order by d.day`.execute(deps.db);

  // Distinct buyers cannot be summed from days, hence their own counts over the same scan.
  const buyers = await sql<{ members: number; active: number; today: number; window: number; previous: number }>`
    select (select count(*)::int from members where tenant_id = ${ctx.tenantId} and status in ('active', 'frozen')) as members,
      count(distinct member_id) filter (where occurred_at >= ${activeSince})::int as active,
      count(distinct member_id) filter (where occurred_at >= ${today.toJSDate()})::int as today,
      count(distinct member_id) filter (where occurred_at >= ${from.toJSDate()})::int as window,
      count(distinct member_id) filter (where occurred_at < ${from.toJSDate()} and occurred_at >= ${previousFrom.toJSDate()})::int as previous
    from orders
    where tenant_id = ${ctx.tenantId} and member_id is not null and status <> 'refunded' and occurred_at >= ${scanFrom} and occurred_at < ${end}`.execute(deps.db);
  const points = await liabilityReport(deps, ctx);

  const daily = rows.map((r) => ({ day: r.day, orders: r.orders, revenue_fen: Number(r.revenue), new_members: r.new_members }));
  const sum = (days: typeof daily, buyerCount: number) => ({
    orders: days.reduce((n, d) => n + d.orders, 0),
    revenue_fen: days.reduce((n, d) => n + d.revenue_fen, 0),
    buyers: buyerCount,
    new_members: days.reduce((n, d) => n + d.new_members, 0),
  });
  const counts = buyers.rows[0]!;
  const windowDays = daily.slice(query.days);
  return {
    time_zone: timeZone,
    from: from.toISODate()!,
    to: today.toISODate()!,
    members: counts.members,
    active_buyers_90d: counts.active,
    today: sum(daily.slice(-1), counts.today),
    window: sum(windowDays, counts.window),
    previous_window: sum(daily.slice(0, query.days), counts.previous),
    points: { outstanding_points: points.outstanding_points, outstanding_fen: points.outstanding_fen, expiring_30d_points: points.expiring_30d_points },
    daily: windowDays,
  };
}
