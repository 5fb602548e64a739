import { sql } from 'kysely';
import { DateTime } from 'luxon';
import type { z } from 'zod';
import type { feedbackInputSchema } from '@hearth/contracts/events';
import { isUniqueViolation } from '../../db/errors.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { AppError, notFound, validationError } from '../../http/errors.ts';
import { emitEvent } from '../../jobs/outbox.ts';
import { parseCode } from '../coupons/codes.ts';
import { systemContext } from './cancellation.service.ts';
import { eventSettings, notifyMember } from './notify.ts';
import { lockRegistration } from './registrations.query.ts';

const HOUR = 3_600_000;
/** Doors open this long before the start; a ticket is scanned until the event ends. */
const CHECKIN_OPENS_BEFORE = 24 * HOUR;

/**
 * Checks a ticket in by its code. One conditional UPDATE (`checked_in_at is null`) decides: of any number of
 * simultaneous scans of one ticket exactly one matches the row; every other scan, then or later, reads the
 * ticket and answers 409 TICKET_ALREADY_CHECKED_IN naming when (in the brand's time zone).
 */
export async function checkIn(deps: AppDeps, ctx: RequestContext, input: string) {
  const code = parseCode(input);
  if (!code) throw validationError([{ field: 'code', code: 'not_a_ticket_code', message: 'not a ticket code (mistyped?)' }]);
  const now = deps.clock.now();
  const done = await withTransaction(deps.db, async (trx) => {
    const row = await sql<{ id: string; member_id: string; event_id: string; title: string; checked_in_at: Date }>`
      update event_registrations r set checked_in_at = ${now}, checked_in_by = ${ctx.actor.label}, no_show = false, updated_at = now()
      from events e
      where r.tenant_id = ${ctx.tenantId} and r.ticket_code = ${code} and r.status = 'registered' and r.checked_in_at is null
        and e.tenant_id = r.tenant_id and e.id = r.event_id and e.status = 'published'
        and ${now} >= e.starts_at - ${`${CHECKIN_OPENS_BEFORE / 1000} seconds`}::interval and ${now} < e.ends_at
      returning r.id, r.member_id, r.event_id, e.title, r.checked_in_at`.execute(trx);
    const hit = row.rows[0];
    if (hit) await emitEvent(trx, deps.jobs, ctx, 'event.checked_in', { event_id: hit.event_id, registration_id: hit.id, member_id: hit.member_id, by: ctx.actor.label });
    return hit;
  });
  if (!done) throw await refusal(deps, ctx, code, now);
  const member = await deps.db.selectFrom('members').select('member_no').where('tenant_id', '=', ctx.tenantId).where('id', '=', done.member_id).executeTakeFirstOrThrow();
  return { registration_id: done.id, event_id: done.event_id, event_title: done.title, member_id: done.member_id, member_no: member.member_no, checked_in_at: new Date(done.checked_in_at).toISOString() };
}

/** Why a scan did not check in: the staff at the door must see what to do. */
async function refusal(deps: AppDeps, ctx: RequestContext, code: string, now: Date): Promise<AppError> {
  const r = await deps.db
    .selectFrom('event_registrations as r')
    .innerJoin('events as e', (j) => j.onRef('e.tenant_id', '=', 'r.tenant_id').onRef('e.id', '=', 'r.event_id'))
    .innerJoin('tenants as t', 't.id', 'r.tenant_id')
    .select(['r.status', 'r.checked_in_at', 'r.checked_in_by', 'e.status as event_status', 'e.starts_at', 'e.ends_at', 't.time_zone'])
    .where('r.tenant_id', '=', ctx.tenantId)
    .where('r.ticket_code', '=', code)
    .executeTakeFirst();
  if (!r) return notFound('Ticket');
  if (r.checked_in_at) {
    const local = DateTime.fromJSDate(r.checked_in_at, { zone: r.time_zone }).toFormat('yyyy-MM-dd HH:mm:ss');
    return new AppError('TICKET_ALREADY_CHECKED_IN', `Already checked in at ${local} (${r.time_zone}) by ${r.checked_in_by ?? 'staff'}`, { errors: [{ field: 'code', code: 'already_checked_in', message: r.checked_in_at.toISOString() }] });
  }
  if (r.status !== 'registered' || r.event_status !== 'published') {
    const why = r.event_status === 'canceled' ? 'event_canceled' : r.status;
    return new AppError('TICKET_NOT_VALID', `This ticket is not valid (${why})`, { errors: [{ field: 'code', code: why, message: `registration is ${r.status}` }] });
  }
  const opens = new Date(r.starts_at.getTime() - CHECKIN_OPENS_BEFORE);
  return new AppError('CHECKIN_NOT_OPEN', now < opens ? `Check-in opens at ${opens.toISOString()}` : 'The event has ended', { errors: [{ field: 'code', code: now < opens ? 'too_early' : 'ended', message: now < opens ? opens.toISOString() : r.ends_at.toISOString() }] });
}

/** After an event ends, registered members who never checked in are marked no-shows, once per event. */
export async function markNoShows(deps: AppDeps): Promise<number> {
  const now = deps.clock.now();
  return withTransaction(deps.db, async (trx) => {
    const events = await trx.updateTable('events').set({ no_shows_marked_at: now }).where('status', '=', 'published').where('ends_at', '<=', now).where('no_shows_marked_at', 'is', null).returning(['tenant_id', 'id']).execute();
    let marked = 0;
    for (const e of events) {
      const rows = await trx.updateTable('event_registrations').set({ no_show: true, updated_at: sql`now()` }).where('tenant_id', '=', e.tenant_id).where('event_id', '=', e.id).where('status', '=', 'registered').where('checked_in_at', 'is', null).returning(['id', 'member_id']).execute();
      marked += rows.length;
      for (const r of rows) await emitEvent(trx, deps.jobs, systemContext(e.tenant_id), 'event.no_show', { event_id: e.id, registration_id: r.id, member_id: r.member_id });
    }
    return marked;
  });
}

/**
 * Reminds registered members `reminder_hours` before the start: the reminder is stamped on the registration
 * by a conditional update (`reminded_at is null`) in the transaction that emits it, so each registration is
 * reminded once however often the job runs.
 */
export async function sendReminders(deps: AppDeps): Promise<number> {
  const now = deps.clock.now();
  return withTransaction(deps.db, async (trx) => {
    const due = await sql<{ tenant_id: string; member_id: string; id: string; event_id: string; title: string; starts_at: Date }>`
      update event_registrations r set reminded_at = ${now}
      from events e left join event_settings s on s.tenant_id = e.tenant_id
      where e.tenant_id = r.tenant_id and e.id = r.event_id and e.status = 'published' and r.status = 'registered' and r.reminded_at is null
        and e.starts_at > ${now} and e.starts_at <= ${now}::timestamptz + make_interval(hours => coalesce(s.reminder_hours, 24))
      returning r.tenant_id, r.member_id, r.id, r.event_id, e.title, e.starts_at`.execute(trx);
    for (const r of due.rows) {
      const ctx = systemContext(r.tenant_id);
      await emitEvent(trx, deps.jobs, ctx, 'event.reminder_due', { event_id: r.event_id, registration_id: r.id, member_id: r.member_id, starts_at: new Date(r.starts_at).toISOString() });
      const settings = await eventSettings(trx, r.tenant_id);
      await notifyMember(trx, deps, ctx, { memberId: r.member_id, templateId: settings.reminder_template_id, dedupeKey: `event-reminder:${r.id}`, variables: { event_title: r.title, starts_at: new Date(r.starts_at).toISOString() } });
    }
    return due.rows.length;
  });
}

/** Feedback after the event, once per attendee (the registration is its key); only those who checked in. */
export async function submitFeedback(deps: AppDeps, ctx: RequestContext, memberId: string, registrationId: string, input: z.infer<typeof feedbackInputSchema>) {
  const row = await lockRegistration(deps.db, ctx.tenantId, registrationId, memberId, false);
  if (!row.checked_in_at) throw new AppError('FEEDBACK_NOT_ALLOWED', 'Feedback is for members who attended', { errors: [{ field: 'registration_id', code: 'not_attended', message: 'not checked in' }] });
  try {
    return await withTransaction(deps.db, async (trx) => {
      const saved = await trx
        .insertInto('event_feedback')
        .values({ tenant_id: ctx.tenantId, member_id: memberId, registration_id: row.id, event_id: row.event_id, nps: input.nps, rating: input.rating, comment: input.comment })
        .returningAll()
        .executeTakeFirstOrThrow();
      await emitEvent(trx, deps.jobs, ctx, 'event.feedback_submitted', { event_id: row.event_id, registration_id: row.id, member_id: memberId, nps: input.nps, rating: input.rating });
      return { registration_id: saved.registration_id, event_id: saved.event_id, nps: saved.nps, rating: saved.rating, comment: saved.comment, created_at: saved.created_at.toISOString() };
    });
  } catch (error) {
    if (isUniqueViolation(error, 'event_feedback_pkey')) throw new AppError('FEEDBACK_ALREADY_SUBMITTED', 'Feedback was already given for this event');
    throw error;
  }
}
