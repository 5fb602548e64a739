import { sql, type RawBuilder } from 'kysely';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { entitlementIntervalsSql } from './entitlement.ts';

// Paid-membership reports (#7 item 8), each one grouped statement over the tenant's months. A month is a
// calendar month of the tenant's zone; the current month counts up to now. Ratios are basis points rounded
// down (integer division), null when the month has nothing to divide by.

interface Frame {
  tenantId: string;
  zone: string;
  now: Date;
  months: number;
}

async function frameOf(deps: AppDeps, ctx: RequestContext, months: number): Promise<Frame> {
  const tenant = await deps.db.selectFrom('tenants').select('time_zone').where('id', '=', ctx.tenantId).executeTakeFirstOrThrow();
  return { tenantId: ctx.tenantId, zone: tenant.time_zone, now: deps.clock.now(), months };
}

/** The months as (local_month, start_at, end_at): local midnight of the 1st to local midnight of the next 1st. */
function monthsSql(f: Frame): RawBuilder<unknown> {
  return sql`
    select gs as local_month, gs at time zone ${f.zone} as start_at, (gs + interval '1 month') at time zone ${f.zone} as end_at
    from generate_series(
      date_trunc('month', ${f.now}::timestamptz at time zone ${f.zone}) - make_interval(months => ${f.months - 1}),
      date_trunc('month', ${f.now}::timestamptz at time zone ${f.zone}),
      interval '1 month') gs`;
}

const bp = (part: RawBuilder<unknown>, whole: RawBuilder<unknown>) => sql<number | null>`case when ${whole} > 0 then (${part} * 10000 / ${whole})::int end`;

/**
 * Paid members as a share of members, at the end of each month (now, for the current one). Members are
 * counted by registration (cumulated per month); paid members are those whose entitlement interval covers
 * the month's last instant, so a membership that ended or was refunded in the month no longer counts.
 */
export async function paidRatioReport(deps: AppDeps, ctx: RequestContext, months: number) {
  const f = await frameOf(deps, ctx, months);
  const { rows } = await sql<{ month: string; members: number; paid_members: number; ratio_bp: number | null }>`
    with mo as (select local_month, least(end_at, ${f.now}::timestamptz) as snap from (${monthsSql(f)}) x),
    reg as (
      select date_trunc('month', m.registered_at at time zone ${f.zone}) as local_month, count(*) as n
      from members m where m.tenant_id = ${f.tenantId} and m.status <> 'merged' and m.registered_at < ${f.now}::timestamptz
      group by 1
    ),
    paid as (
      select mo.local_month, count(distinct e.member_id) as n
      from mo join (${entitlementIntervalsSql(f.tenantId)}) e on e.starts_at < mo.snap and mo.snap <= e.ends_at
      group by mo.local_month
    ),
    r as (
      select mo.local_month, (select coalesce(sum(reg.n), 0) from reg where reg.local_month <= mo.local_month)::int as members, coalesce(paid.n, 0)::int as paid_members
      from mo left join paid on paid.local_month = mo.local_month
    )
    select to_char(local_month, 'YYYY-MM') as month, members, paid_members, ${bp(sql`paid_members`, sql`members`)} as ratio_bp
    from r order by local_month`.execute(deps.db);
  return { data: rows };
}

/**
 * Revenue (paid less refunded) of orders with a member, and of those placed while the member held a paid
 * membership — at the order's own time, from the subscriptions' entitlement intervals. Reads `orders`
 * read-only: a set-based aggregate over a tenant's orders cannot go through the orders service (as tiers
 * and analytics do).
 */
export async function revenueShareReport(deps: AppDeps, ctx: RequestContext, months: number) {
  const f = await frameOf(deps, ctx, months);
  const { rows } = await sql<{ month: string; member_orders: number; paid_member_orders: number; member_revenue_fen: number; paid_member_revenue_fen: number; share_bp: number | null }>`
    with mo as (${monthsSql(f)}),
    paid as (${entitlementIntervalsSql(f.tenantId)}),
    o as (
      select o.occurred_at, o.total_paid_fen - o.refunded_fen as net,
        exists (select 1 from paid p where p.member_id = o.member_id and p.starts_at <= o.occurred_at and o.occurred_at < p.ends_at) as by_paid
      from orders o
      where o.tenant_id = ${f.tenantId} and o.member_id is not null
        and o.occurred_at >= (select min(start_at) from mo) and o.occurred_at < least((select max(end_at) from mo), ${f.now}::timestamptz)
    ),
    r as (
      select mo.local_month, count(o.occurred_at)::int as member_orders, (count(o.occurred_at) filter (where o.by_paid))::int as paid_member_orders,
        coalesce(sum(o.net), 0)::bigint as member_revenue_fen, coalesce(sum(o.net) filter (where o.by_paid), 0)::bigint as paid_member_revenue_fen
      from mo left join o on o.occurred_at >= mo.start_at and o.occurred_at < mo.end_at
      group by mo.local_month
    )
    select to_char(local_month, 'YYYY-MM') as month, member_orders, paid_member_orders, member_revenue_fen, paid_member_revenue_fen,
      ${bp(sql`paid_member_revenue_fen`, sql`member_revenue_fen`)} as share_bp
    from r order by local_month`.execute(deps.db);
  return { data: rows.map((r) => ({ ...r, member_revenue_fen: Number(r.member_revenue_fen), paid_member_revenue_fen: Number(r.paid_member_revenue_fen) })) };
}

/**
 * Per month of the period's end: paid periods that came due (ended by now) and how many of them a renewal
 * carried on. A renewed period is a `renewed` transition's payment (for_period_end, the end it renewed);
 * a period not renewed is the last period of a subscription with paid periods whose end has passed and that
 * was not refunded (expired, or still past due / in grace / canceled). Trials (no paid period), upgrades
 * (the period did not end) and refunds (ended early) are not due.
 */
export async function renewalReport(deps: AppDeps, ctx: RequestContext, months: number) {
  const f = await frameOf(deps, ctx, months);
  const { rows } = await sql<{ month: string; due: number; renewed: number; rate_bp: number | null }>`
    with mo as (${monthsSql(f)}),
    due as (
      select coalesce(p.for_period_end, t.at) as period_end, true as renewed
      from membership_transitions t
      join membership_payments p on p.tenant_id = t.tenant_id and p.member_id = t.member_id and p.id = t.payment_id
      where t.tenant_id = ${f.tenantId} and t.reason = 'renewed'
      union all
      select s.current_period_end, false
      from membership_subscriptions s
      where s.tenant_id = ${f.tenantId} and s.periods_paid >= 1 and s.status <> 'refunded'
    ),
    r as (
      select mo.local_month, count(due.period_end)::int as due, (count(due.period_end) filter (where due.renewed))::int as renewed
      from mo left join due on due.period_end >= mo.start_at and due.period_end < mo.end_at and due.period_end <= ${f.now}::timestamptz
      group by mo.local_month
    )
    select to_char(local_month, 'YYYY-MM') as month, due, renewed, ${bp(sql`renewed`, sql`due`)} as rate_bp
    from r order by local_month`.execute(deps.db);
  return { data: rows };
}

/**
 * Per month and plan: subscriptions that expired, were canceled (at period end) or refunded, from the
 * transition history (the plan is the subscription's, which an upgrade — only possible while active —
 * has already set). Every plan appears in every month, zeros included, so the chart has no holes.
 */
export async function churnReport(deps: AppDeps, ctx: RequestContext, months: number) {
  const f = await frameOf(deps, ctx, months);
  const { rows } = await sql<{ month: string; plan_id: string; plan_name: string; expired: number; canceled: number; refunded: number; churned: number }>`
    with mo as (${monthsSql(f)}),
    x as (
      select t.at, t.to_status, s.plan_id
      from membership_transitions t
      join membership_subscriptions s on s.tenant_id = t.tenant_id and s.member_id = t.member_id and s.id = t.subscription_id
      where t.tenant_id = ${f.tenantId} and t.to_status in ('expired', 'canceled', 'refunded')
        and t.at >= (select min(start_at) from mo) and t.at < ${f.now}::timestamptz
    )
    select to_char(mo.local_month, 'YYYY-MM') as month, pl.id as plan_id, pl.name as plan_name,
      (count(x.at) filter (where x.to_status = 'expired'))::int as expired,
      (count(x.at) filter (where x.to_status = 'canceled'))::int as canceled,
      (count(x.at) filter (where x.to_status = 'refunded'))::int as refunded,
      count(x.at)::int as churned
    from mo cross join membership_plans pl
    left join x on x.plan_id = pl.id and x.at >= mo.start_at and x.at < mo.end_at
    where pl.tenant_id = ${f.tenantId}
    group by mo.local_month, pl.id, pl.name
    order by mo.local_month, pl.id`.execute(deps.db);
  return { data: rows };
}
