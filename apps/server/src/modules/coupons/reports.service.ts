import { sql } from 'kysely';
import type { AppDeps, RequestContext } from '../../deps.ts';
import './coupons.tables.ts';

/**
 * Per month of the tenant's zone and per template, in one grouped statement: coupons issued, coupons
 * redeemed, the discount they gave, and revenue influenced — the paid totals of the distinct orders that
 * redeemed a coupon of the template in the month (an order redeeming two of its coupons counts once). The
 * orders are read by external id, read-only as in couponReport: a coupon is often confirmed before the POS
 * sends its order. Every template appears in every month, zeros included, so the chart has no holes.
 */
export async function couponMonthlyReport(deps: AppDeps, ctx: RequestContext, months: number) {
  const tenant = await deps.db.selectFrom('tenants').select('time_zone').where('id', '=', ctx.tenantId).executeTakeFirstOrThrow();
  const zone = tenant.time_zone;
  const now = deps.clock.now();
  const { rows } = await sql<{ month: string; template_id: string; template_name: string; issued: number; redeemed: number; discount_fen: string | number; revenue_influenced_fen: string | number }>`
    with mo as (
      select gs as local_month from generate_series(
        date_trunc('month', ${now}::timestamptz at time zone ${zone}) - make_interval(months => ${months - 1}),
        date_trunc('month', ${now}::timestamptz at time zone ${zone}), interval '1 month') gs
    ),
    since as (select min(local_month) at time zone ${zone} as at from mo),
    ev as (
      select c.template_id, date_trunc('month', c.created_at at time zone ${zone}) as local_month, 1 as issued, 0 as redeemed, 0::bigint as discount_fen, null::text as order_external_id
      from coupons c where c.tenant_id = ${ctx.tenantId} and c.created_at >= (select at from since) and c.created_at < ${now}::timestamptz
      union all
      select c.template_id, date_trunc('month', c.redeemed_at at time zone ${zone}), 0, 1, coalesce(c.discount_fen, 0), c.order_external_id
      from coupons c where c.tenant_id = ${ctx.tenantId} and c.status = 'redeemed' and c.redeemed_at >= (select at from since) and c.redeemed_at < ${now}::timestamptz
    ),
    counts as (
      select template_id, local_month, sum(issued)::int as issued, sum(redeemed)::int as redeemed, sum(discount_fen)::bigint as discount_fen
      from ev group by template_id, local_month
    ),
    revenue as (
      select x.template_id, x.local_month, sum(o.total_paid_fen)::bigint as revenue_fen
      from (select distinct template_id, local_month, order_external_id from ev where order_external_id is not null) x
      join orders o on o.tenant_id = ${ctx.tenantId} and o.external_id = x.order_external_id
      group by x.template_id, x.local_month
    )
    select to_char(mo.local_month, 'YYYY-MM') as month, t.id as template_id, t.name as template_name,
      coalesce(c.issued, 0) as issued, coalesce(c.redeemed, 0) as redeemed, coalesce(c.discount_fen, 0) as discount_fen, coalesce(r.revenue_fen, 0) as revenue_influenced_fen
    from mo cross join coupon_templates t
    left join counts c on c.template_id = t.id and c.local_month = mo.local_month
    left join revenue r on r.template_id = t.id and r.local_month = mo.local_month
    where t.tenant_id = ${ctx.tenantId}
    order by mo.local_month, t.id`.execute(deps.db);
  return { data: rows.map((r) => ({ ...r, discount_fen: Number(r.discount_fen), revenue_influenced_fen: Number(r.revenue_influenced_fen) })) };
}
