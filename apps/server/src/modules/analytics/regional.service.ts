import { sql } from 'kysely';
import { DateTime } from 'luxon';
import type { Forecast, RegionalReport } from '@hearth/contracts/analytics';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { loadAnalyticsSetup } from './settings.service.ts';

type Level = 'province' | 'city' | 'store';
type Period = 'week' | 'month';

/** Sales without a store (online, mini program) are a region of their own. */
const ONLINE = '线上 / 无门店';
const UNKNOWN = '未填写';

/**
 * Sales by province, city or store for one week or month (tenant time zone), against the same period a
 * year before and the mean of the `trailing` periods just before it. A region is flagged when either
 * comparison falls by the tenant's threshold or more. Sales are what was paid less what was refunded,
 * fully refunded orders left out. One statement reads every period needed.
 */
export async function regionalReport(deps: AppDeps, ctx: RequestContext, query: { level: Level; period: Period; at?: string; trailing: number }): Promise<RegionalReport> {
  const { settings, timeZone } = await loadAnalyticsSetup(deps.db, ctx.tenantId);
  const unit = query.period === 'week' ? 'week' : 'month';
  const current = query.at ? DateTime.fromISO(query.at, { zone: timeZone }).startOf(unit) : DateTime.fromJSDate(deps.clock.now(), { zone: timeZone }).startOf(unit).minus({ [unit]: 1 });
  // A week a year back is 52 weeks back, so Mondays compare with Mondays.
  const lastYear = unit === 'week' ? current.minus({ weeks: 52 }) : current.minus({ years: 1 });
  const periods = [current, lastYear, ...Array.from({ length: query.trailing }, (_, i) => current.minus({ [unit]: i + 1 }))];
  const key = (d: DateTime) => d.toISODate()!;
  const { rows } = await sql<{ region: string; store_id: string | null; period: string; fen: number; orders: number }>`
    select ${regionExpression(query.level)} as region, ${query.level === 'store' ? sql`o.store_id` : sql`null::uuid`} as store_id,
      to_char(date_trunc(${unit}, o.occurred_at at time zone ${timeZone}), 'YYYY-MM-DD') as period,
      sum(o.total_paid_fen - o.refunded_fen)::int8 as fen, count(*)::int as orders
    from orders o left join stores s on s.tenant_id = o.tenant_id and s.id = o.store_id
    where o.tenant_id = ${ctx.tenantId} and o.status <> 'refunded'
      and (${sql.join(periods.map((p) => sql`(o.occurred_at >= ${p.toJSDate()} and o.occurred_at < ${p.plus({ [unit]: 1 }).toJSDate()})`), sql` or `)})
    group by 1, 2, 3`.execute(deps.db);

  const regions = new Map<string, { region: string; store_id: string | null; byPeriod: Map<string, { fen: number; orders: number }> }>();
  for (const row of rows) {
    const id = `${row.region}|${row.store_id ?? ''}`;
    let region = regions.get(id);
    if (!region) regions.set(id, (region = { region: row.region, store_id: row.store_id, byPeriod: new Map() }));
    region.byPeriod.set(row.period, { fen: row.fen, orders: row.orders });
  }
  const change = (now: number, before: number) => (before > 0 ? Math.round(((now - before) / before) * 10_000) : null);
  const threshold = settings.regional_drop_bp;
  const result = [...regions.values()].map(({ region, store_id, byPeriod }) => {
    const sales = byPeriod.get(key(current))?.fen ?? 0;
    const lastYearFen = byPeriod.get(key(lastYear))?.fen ?? 0;
    const trailingMean = Math.round(periods.slice(2).reduce((s, p) => s + (byPeriod.get(key(p))?.fen ?? 0), 0) / query.trailing);
    const vsLastYear = change(sales, lastYearFen);
    const vsTrailing = change(sales, trailingMean);
    return {
      region,
      store_id,
      sales_fen: sales,
      orders: byPeriod.get(key(current))?.orders ?? 0,
      last_year_fen: lastYearFen,
      trailing_mean_fen: trailingMean,
      vs_last_year_bp: vsLastYear,
      vs_trailing_bp: vsTrailing,
      dropped: (vsLastYear !== null && vsLastYear <= -threshold) || (vsTrailing !== null && vsTrailing <= -threshold),
    };
  });
  result.sort((a, b) => Number(b.dropped) - Number(a.dropped) || b.sales_fen - a.sales_fen || a.region.localeCompare(b.region));
  return { level: query.level, period: query.period, from: key(current), to: key(current.plus({ [unit]: 1 }).minus({ days: 1 })), threshold_bp: threshold, rows: result };
}

function regionExpression(level: Level) {
  const online = sql.lit(ONLINE);
  const unknown = sql.lit(UNKNOWN);
  if (level === 'store') return sql`case when o.store_id is null then ${online} else coalesce(s.name, ${unknown}) end`;
  if (level === 'province') return sql`case when o.store_id is null then ${online} else coalesce(s.province, ${unknown}) end`;
  return sql`case when o.store_id is null then ${online} else coalesce(s.province || ' ' || s.city, s.city, ${unknown}) end`;
}

/**
 * A monthly forecast per region and top-level category by seasonal naive with drift, a classic method
 * (Hyndman & Athanasopoulos, *Forecasting: Principles and Practice*, §5.2): each month ahead is the same
 * month a year earlier, scaled by how the last three months compare with the same three a year before.
 * With less than 15 months of history there is no season to copy and it falls back to the mean of the
 * last three months. Chosen over Holt-Winters because a few dozen months per series cannot estimate three
 * smoothing parameters and twelve seasonal terms reliably, and the result must be explainable to a
 * store manager in one sentence. The 20 largest series of the last year are returned.
 */
export async function regionalForecast(deps: AppDeps, ctx: RequestContext, query: { level: Level; horizon: number }): Promise<Forecast> {
  const { timeZone } = await loadAnalyticsSetup(deps.db, ctx.tenantId);
  const thisMonth = DateTime.fromJSDate(deps.clock.now(), { zone: timeZone }).startOf('month');
  const first = thisMonth.minus({ months: 36 });
  const { rows } = await sql<{ region: string; category: string; month: string; fen: number }>`
    select ${regionExpression(query.level)} as region, coalesce(p.category_path[1], ${sql.lit(UNKNOWN)}) as category,
      to_char(date_trunc('month', o.occurred_at at time zone ${timeZone}), 'YYYY-MM') as month,
      sum(l.paid_fen - l.refunded_fen)::int8 as fen
    from orders o
    join order_lines l on l.tenant_id = o.tenant_id and l.order_id = o.id
    left join products p on p.tenant_id = l.tenant_id and p.sku = l.sku
    left join stores s on s.tenant_id = o.tenant_id and s.id = o.store_id
    where o.tenant_id = ${ctx.tenantId} and o.status <> 'refunded' and o.occurred_at >= ${first.toJSDate()} and o.occurred_at < ${thisMonth.toJSDate()}
    group by 1, 2, 3`.execute(deps.db);

  const months = Array.from({ length: 36 }, (_, i) => first.plus({ months: i }).toFormat('yyyy-MM'));
  const series = new Map<string, { region: string; category: string; values: Map<string, number> }>();
  for (const row of rows) {
    const id = `${row.region}|${row.category}`;
    let s = series.get(id);
    if (!s) series.set(id, (s = { region: row.region, category: row.category, values: new Map() }));
    s.values.set(row.month, row.fen);
  }
  const lastYear = (s: { values: Map<string, number> }) => months.slice(-12).reduce((sum, m) => sum + (s.values.get(m) ?? 0), 0);
  const largest = [...series.values()].sort((a, b) => lastYear(b) - lastYear(a) || a.region.localeCompare(b.region)).slice(0, 20);
  return {
    method: 'seasonal naive with drift (fallback: 3-month mean)',
    level: query.level,
    series: largest.map((s) => {
      const firstSeen = months.findIndex((m) => s.values.has(m));
      const history = months.slice(firstSeen).map((month) => ({ month, sales_fen: s.values.get(month) ?? 0 }));
      return { region: s.region, category: s.category, history, forecast: seasonalNaiveWithDrift(history.map((h) => h.sales_fen), query.horizon).map((sales_fen, i) => ({ month: thisMonth.plus({ months: i }).toFormat('yyyy-MM'), sales_fen })) };
    }),
  };
}

/** The forecast of `horizon` months after `history` (whole months, oldest first). */
export function seasonalNaiveWithDrift(history: readonly number[], horizon: number): number[] {
  const n = history.length;
  const recentMean = n ? history.slice(-3).reduce((s, v) => s + v, 0) / Math.min(3, n) : 0;
  if (n < 15) return Array.from({ length: horizon }, () => Math.round(recentMean));
  const recent = history.slice(-3).reduce((s, v) => s + v, 0);
  const yearBefore = history.slice(-15, -12).reduce((s, v) => s + v, 0);
  const drift = yearBefore > 0 ? recent / yearBefore : 1;
  // The horizon is at most 12 months, so every month ahead has its own month a year earlier.
  return Array.from({ length: horizon }, (_, h) => Math.max(0, Math.round(history[n - 12 + h]! * drift)));
}
