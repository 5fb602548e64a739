import { sql } from 'kysely';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { getEventRow } from './events.service.ts';

/**
 * Numbers of one event or of all events starting in [from, to): sessions held, seats taken, attendance,
 * revenue (fen paid less refunded), points spent, NPS and repeat attendees. One grouped statement over the
 * registrations; "now" is the injected clock's, so an event counts as held once it has ended.
 */
export async function eventStats(deps: AppDeps, ctx: RequestContext, filter: { eventId?: string; from?: string; to?: string }) {
  if (filter.eventId) await getEventRow(deps.db, ctx.tenantId, filter.eventId);
  const now = deps.clock.now();
  const scope = sql`e.tenant_id = ${ctx.tenantId}
    and (${filter.eventId ?? null}::uuid is null or e.id = ${filter.eventId ?? null}::uuid)
    and (${filter.from ?? null}::timestamptz is null or e.starts_at >= ${filter.from ?? null}::timestamptz)
    and (${filter.to ?? null}::timestamptz is null or e.starts_at < ${filter.to ?? null}::timestamptz)`;
  const result = await sql<{
    sessions_held: number; registrations: number; waitlisted: number; canceled: number; checked_in: number; no_shows: number; ended_registrations: number; ended_attended: number;
    revenue_fen: number; points_spent: number; feedback_count: number; promoters: number; detractors: number; rating_sum: number; repeat_attendees: number;
  }>`
    with ev as (select e.* from events e where ${scope}),
    reg as (select r.* from event_registrations r join ev on ev.tenant_id = r.tenant_id and ev.id = r.event_id),
    fb as (select f.* from event_feedback f join ev on ev.tenant_id = f.tenant_id and ev.id = f.event_id)
    select
      (select count(*)::int from ev where status = 'published' and ends_at <= ${now}) as sessions_held,
      (select count(*)::int from reg where status = 'registered') as registrations,
      (select count(*)::int from reg where status = 'waitlisted') as waitlisted,
      (select count(*)::int from reg where status = 'canceled') as canceled,
      (select count(*)::int from reg where checked_in_at is not null) as checked_in,
      (select count(*)::int from reg where no_show) as no_shows,
      (select count(*)::int from reg join ev on ev.id = reg.event_id where reg.status = 'registered' and ev.ends_at <= ${now}) as ended_registrations,
      (select count(*)::int from reg join ev on ev.id = reg.event_id where reg.status = 'registered' and ev.ends_at <= ${now} and reg.checked_in_at is not null) as ended_attended,
      (select coalesce(sum(amount_fen) filter (where paid_at is not null), 0) - coalesce(sum(refund_fen) filter (where refund_status = 'succeeded'), 0) from reg)::bigint as revenue_fen,
      (select coalesce(sum(points - points_refunded) filter (where points_txn_id is not null), 0) from reg)::bigint as points_spent,
      (select count(*)::int from fb) as feedback_count,
      (select count(*)::int from fb where nps >= 9) as promoters,
      (select count(*)::int from fb where nps <= 6) as detractors,
      (select coalesce(sum(rating), 0)::int from fb) as rating_sum,
      (select count(*)::int from (select member_id from reg where checked_in_at is not null group by member_id having count(distinct event_id) >= 2) x) as repeat_attendees`.execute(deps.db);
  const s = result.rows[0]!;
  return {
    sessions_held: s.sessions_held,
    registrations: s.registrations,
    waitlisted: s.waitlisted,
    canceled: s.canceled,
    checked_in: s.checked_in,
    no_shows: s.no_shows,
    attendance_rate_bp: s.ended_registrations ? Math.floor((s.ended_attended * 10_000) / s.ended_registrations) : null,
    revenue_fen: Number(s.revenue_fen),
    points_spent: Number(s.points_spent),
    feedback_count: s.feedback_count,
    nps: s.feedback_count ? Math.round(((s.promoters - s.detractors) * 100) / s.feedback_count) : null,
    average_rating_x100: s.feedback_count ? Math.round((s.rating_sum * 100) / s.feedback_count) : null,
    repeat_attendees: s.repeat_attendees,
  };
}
