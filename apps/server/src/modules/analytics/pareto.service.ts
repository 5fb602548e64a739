import { sql, type RawBuilder } from 'kysely';
import { DateTime } from 'luxon';
import type { ParetoReport } from '@hearth/contracts/analytics';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { validationError } from '../../http/errors.ts';
import { loadAnalyticsSetup } from './settings.service.ts';

/**
 * The 80/20 report over a window of days (tenant time zone): each buyer's revenue (paid less refunded,
 * fully refunded orders left out), the share of revenue of the top 20 % and of the tenant's heavy-user
 * share, the Gini coefficient and the Lorenz curve at 1 % steps. One statement, whatever the size.
 */
export async function paretoReport(deps: AppDeps, ctx: RequestContext, query: { from?: string; to?: string }): Promise<ParetoReport> {
  const { settings, timeZone } = await loadAnalyticsSetup(deps.db, ctx.tenantId);
  const window = dayWindow(deps, timeZone, query, settings.pareto_window_days);
  const share = settings.heavy_user_share_bp / 10_000;
  const { rows } = await sql<{ buyers: number; revenue: number; heavy: number; heavy_revenue: number; top20_revenue: number; weighted: number }>`
    with rev as (${revenueByMember(ctx.tenantId, window.start, window.end)}),
    ranked as (select fen, row_number() over (order by fen desc, member_id) as rank, count(*) over () as n from rev)
    select count(*)::int as buyers, coalesce(sum(fen), 0)::int8 as revenue,
      count(*) filter (where rank <= ceil(n * ${share}::float8))::int as heavy,
      coalesce(sum(fen) filter (where rank <= ceil(n * ${share}::float8)), 0)::int8 as heavy_revenue,
      coalesce(sum(fen) filter (where rank <= ceil(n * 0.2)), 0)::int8 as top20_revenue,
      -- Σ i·x_i with i the ascending rank, for the Gini coefficient.
      coalesce(sum((n - rank + 1)::numeric * fen), 0)::float8 as weighted
    from ranked`.execute(deps.db);
  const totals = rows[0]!;
  const { rows: curve } = await sql<{ k: number; cumulative: number }>`
    with rev as (${revenueByMember(ctx.tenantId, window.start, window.end)}),
    ascending as (select row_number() over (order by fen, member_id) as rank, sum(fen) over (order by fen, member_id rows unbounded preceding) as cumulative, count(*) over () as n from rev)
    select k, cumulative::int8 from generate_series(1, 100) k join ascending on ascending.rank = greatest(1, floor(n * k / 100.0)::int)
    order by k`.execute(deps.db);
  const bp = (part: number, whole: number) => (whole ? Math.round((part / whole) * 10_000) : 0);
  const n = totals.buyers;
  const gini = n && totals.revenue ? (2 * totals.weighted) / (n * totals.revenue) - (n + 1) / n : 0;
  return {
    from: window.from,
    to: window.to,
    buyers: n,
    revenue_fen: totals.revenue,
    top_share_bp: settings.heavy_user_share_bp,
    heavy_users: totals.heavy,
    heavy_revenue_fen: totals.heavy_revenue,
    heavy_revenue_share_bp: bp(totals.heavy_revenue, totals.revenue),
    top_20_revenue_share_bp: bp(totals.top20_revenue, totals.revenue),
    gini_bp: Math.round(gini * 10_000),
    lorenz: [{ buyers_bp: 0, revenue_bp: 0 }, ...(n ? curve.map((c) => ({ buyers_bp: c.k * 100, revenue_bp: bp(c.cumulative, totals.revenue) })) : [])],
  };
}

/** The heavy users of the window, highest revenue first. */
export async function listHeavyUsers(deps: AppDeps, ctx: RequestContext, query: { from?: string; to?: string; limit: number }) {
  const { settings, timeZone } = await loadAnalyticsSetup(deps.db, ctx.tenantId);
  const window = dayWindow(deps, timeZone, query, settings.pareto_window_days);
  const { rows } = await sql<{ member_id: string; member_no: string; display_name: string | null; revenue_fen: number; orders: number; rank: number }>`
    with rev as (${revenueByMember(ctx.tenantId, window.start, window.end)}),
    ranked as (select member_id, fen, orders, row_number() over (order by fen desc, member_id)::int as rank, count(*) over () as n from rev)
    select r.member_id, m.member_no, coalesce(m.name, m.nickname) as display_name, r.fen as revenue_fen, r.orders, r.rank
    from ranked r join members m on m.tenant_id = ${ctx.tenantId} and m.id = r.member_id
    where r.rank <= ceil(r.n * ${settings.heavy_user_share_bp / 10_000}::float8)
    order by r.rank limit ${query.limit}`.execute(deps.db);
  return { from: window.from, to: window.to, data: rows };
}

/** Revenue kept per buying member between two instants: (member_id, fen, orders). */
export function revenueByMember(tenantId: string, start: Date, end: Date): RawBuilder<unknown> {
  return sql`
    select member_id, sum(total_paid_fen - refunded_fen)::int8 as fen, count(*)::int as orders
    from orders
    where tenant_id = ${tenantId} and member_id is not null and status <> 'refunded' and occurred_at >= ${start} and occurred_at < ${end}
    group by member_id having sum(total_paid_fen - refunded_fen) > 0`;
}

/** [from, to] as whole days in the tenant's zone; by default the `days` days up to today. */
export function dayWindow(deps: Pick<AppDeps, 'clock'>, timeZone: string, query: { from?: string; to?: string }, days: number) {
  const to = query.to ? DateTime.fromISO(query.to, { zone: timeZone }) : DateTime.fromJSDate(deps.clock.now(), { zone: timeZone }).startOf('day');
  const from = query.from ? DateTime.fromISO(query.from, { zone: timeZone }) : to.minus({ days: days - 1 });
  if (from > to) throw validationError([{ field: 'from', code: 'after_to', message: 'from must not be after to' }]);
  if (to.diff(from, 'days').days > 3660) throw validationError([{ field: 'from', code: 'window_too_long', message: 'at most ten years' }]);
  return { from: from.toISODate()!, to: to.toISODate()!, start: from.toJSDate(), end: to.plus({ days: 1 }).toJSDate() };
}

