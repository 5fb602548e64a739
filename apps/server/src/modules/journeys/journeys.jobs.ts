import { sql } from 'kysely';
import { DateTime } from 'luxon';
import { journeyEventTypes, type JourneyGraph } from '@hearth/contracts/journeys';
import type { Db } from '../../db/database.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { enqueueJob } from '../../jobs/enqueue.ts';
import type { DomainEvent } from '../../jobs/outbox.ts';
import type { JobRegistry } from '../../jobs/registry.ts';
import { listSegmentMembers } from '../segments/segments.service.ts';
import { ENTER_CHUNK, ENTER_SEGMENT_JOB, enterMembers } from './entry.service.ts';
import { journeyActor, RUN_JOB, runVersion, scheduleRun } from './engine.ts';
import { triggerOf } from './graph.ts';
import { handleEvents } from './triggers.ts';

export const EVENTS_JOB = 'journeys.events';
const DATE_JOB = 'journeys.date_enter';

export function registerJourneyJobs(registry: JobRegistry) {
  registry.define<{ version_id: string; due_at: string }>({
    name: RUN_JOB,
    maxAttempts: 10,
    backoffMs: 1000,
    handler: async ({ db, deps, job, payload }) => runVersion(db, deps, job.tenant_id, payload.version_id, new Date(payload.due_at), job.id),
  });
  registry.define<{ event: DomainEvent }>({
    name: EVENTS_JOB,
    maxAttempts: 10,
    backoffMs: 200,
    handler: async ({ db, deps, job, payload }) => handleEvents(db, deps, [payload.event], job.id),
    // A segment of 100k members entering at once is 100k events: taken 500 to a transaction.
    batch: { size: 500, handler: async ({ db, deps, jobs, payloads }) => handleEvents(db, deps, payloads.map((p) => p.event), jobs[0]!.id) },
  });
  for (const type of [...journeyEventTypes, 'segment.entered', 'segment.exited']) registry.subscribe(type, EVENTS_JOB);

  registry.define({ name: 'journeys.dates', handler: async ({ deps }) => scheduleDateEntries(deps) });
  registry.define<{ journey_id: string; date: string }>({ name: DATE_JOB, handler: async ({ db, deps, job, payload }) => enterByDate(db, deps, job.tenant_id, payload.journey_id, payload.date, job.id) });
  registry.define<{ journey_id: string; segment_id: string; context: Record<string, unknown> }>({
    name: ENTER_SEGMENT_JOB,
    transactional: false,
    handler: async ({ deps, job, payload, progress, signal }) => enterSegment(deps, job, payload, progress, signal),
  });
  registry.define({ name: 'journeys.sweep', handler: async ({ db, deps }) => sweepOverdue(db, deps) });
  // Birthdays and anniversaries: hourly, so each tenant's hour is caught in its own zone.
  registry.schedule('journeys.dates', '5 * * * *', { runAtStart: true });
  registry.schedule('journeys.sweep', '* * * * *');
}

/** For each active date journey whose hour has come in its tenant's zone today: one entry job per day. */
export async function scheduleDateEntries(deps: AppDeps) {
  const rows = await deps.db
    .selectFrom('journeys as j')
    .innerJoin('journey_versions as v', (join) => join.onRef('v.tenant_id', '=', 'j.tenant_id').onRef('v.id', '=', 'j.current_version_id'))
    .innerJoin('tenants as t', 't.id', 'j.tenant_id')
    .select(['j.tenant_id', 'j.id', 'v.graph', 't.time_zone'])
    .where('j.status', '=', 'active')
    .where('j.trigger_key', '=', 'date')
    .execute();
  let scheduled = 0;
  for (const row of rows) {
    const trigger = triggerOf(row.graph);
    if (trigger.kind !== 'date') continue;
    const local = DateTime.fromJSDate(deps.clock.now(), { zone: row.time_zone });
    if (local.hour < trigger.at_hour) continue;
    const date = local.toISODate()!;
    const job = await enqueueJob(deps.db, deps.jobs, { tenantId: row.tenant_id, name: DATE_JOB, key: `${row.id}:${date}`, payload: { journey_id: row.id, date } });
    if (job.created) scheduled += 1;
  }
  return { scheduled };
}

/** Members whose birthday or join anniversary is `days_before` days after the tenant's `date`. */
export async function enterByDate(db: Db, deps: AppDeps, tenantId: string, journeyId: string, date: string, runKey: string) {
  const journey = await activeJourney(db, tenantId, journeyId);
  if (!journey) return { entered: 0 };
  const trigger = triggerOf(journey.graph);
  if (trigger.kind !== 'date') return { entered: 0 };
  const tenant = await db.selectFrom('tenants').select('time_zone').where('id', '=', tenantId).executeTakeFirstOrThrow();
  const target = DateTime.fromISO(date, { zone: tenant.time_zone }).plus({ days: trigger.days_before });
  // A 29 February birthday is celebrated on 28 February in other years.
  const feb28 = target.month === 2 && target.day === 28 && !target.isInLeapYear;
  const days = feb28 ? [28, 29] : [target.day];
  const members = await sql<{ id: string }>`
    select id from members where tenant_id = ${tenantId} and status = 'active' and ${
      trigger.field === 'birthday'
        ? sql`birthday_month = ${target.month} and birthday_day = any(${days}::int[])`
        : sql`extract(month from registered_at at time zone ${tenant.time_zone}) = ${target.month}
              and extract(day from registered_at at time zone ${tenant.time_zone}) = any(${days}::int[])
              and registered_at < ${target.startOf('day').minus({ months: 11 }).toJSDate()}`
    } order by id`.execute(db);
  let entered = 0;
  const ids = members.rows.map((m) => m.id);
  for (let i = 0; i < ids.length; i += ENTER_CHUNK) {
    const context = { event: trigger.field, date: target.toISODate() };
    entered += (await enterMembers(db, deps, { journey, version: { id: journey.version_id, graph: journey.graph }, memberIds: ids.slice(i, i + ENTER_CHUNK), context, runKey })).length;
  }
  return { entered, date: target.toISODate() };
}

/** Enters every member of a segment, a page at a time, each page with its checkpoint in one transaction. */
async function enterSegment(deps: AppDeps, job: { tenant_id: string; id: string; result: unknown }, payload: { journey_id: string; segment_id: string; context: Record<string, unknown> }, progress: (done: number, total: number) => Promise<void>, signal: AbortSignal) {
  const ctx: RequestContext = { tenantId: job.tenant_id, actor: journeyActor('journeys'), requestId: null, ip: null };
  const checkpoint = await deps.db.selectFrom('jobs').select(['result', 'progress_done']).where('tenant_id', '=', job.tenant_id).where('id', '=', job.id).executeTakeFirstOrThrow();
  let cursor = (checkpoint.result as { cursor?: string } | null)?.cursor;
  let done = checkpoint.progress_done ?? 0;
  let entered = (checkpoint.result as { entered?: number } | null)?.entered ?? 0;
  for (;;) {
    if (signal.aborted) break;
    const page = await listSegmentMembers(deps, ctx, payload.segment_id, { limit: ENTER_CHUNK, cursor });
    if (!page.data.length) break;
    await deps.db.transaction().execute(async (trx) => {
      const journey = await activeJourney(trx, job.tenant_id, payload.journey_id);
      if (journey) entered += (await enterMembers(trx, deps, { journey, version: { id: journey.version_id, graph: journey.graph }, memberIds: page.data.map((m) => m.id), context: payload.context, runKey: `${job.id}:${done}` })).length;
      done += page.data.length;
      cursor = page.next_cursor ?? undefined;
      await trx.updateTable('jobs').set({ result: JSON.stringify({ cursor, entered }), progress_done: done }).where('tenant_id', '=', job.tenant_id).where('id', '=', job.id).execute();
    });
    await progress(done, done + (cursor ? ENTER_CHUNK : 0));
    if (!cursor) break;
  }
  return { entered, members: done };
}

/** Due entries that no run took (it skipped them while another transaction held them): runs for their versions. */
export async function sweepOverdue(db: Db, deps: AppDeps) {
  const now = deps.clock.now();
  const overdue = await sql<{ tenant_id: string; version_id: string }>`
    select distinct tenant_id, version_id from journey_entries
    where status in ('ready', 'waiting') and due_at < ${new Date(now.getTime() - 60_000)} limit 1000`.execute(db);
  for (const r of overdue.rows) await scheduleRun(db, deps, r.tenant_id, r.version_id, now, `sweep:${Math.floor(now.getTime() / 60_000)}`);
  return { versions: overdue.rows.length };
}

async function activeJourney(db: Db, tenantId: string, journeyId: string) {
  return db
    .selectFrom('journeys as j')
    .innerJoin('journey_versions as v', (join) => join.onRef('v.tenant_id', '=', 'j.tenant_id').onRef('v.id', '=', 'j.current_version_id'))
    .select(['j.id', 'j.tenant_id', 'j.status', 'v.id as version_id', 'v.graph'])
    .where('j.tenant_id', '=', tenantId)
    .where('j.id', '=', journeyId)
    .where('j.status', '=', 'active')
    .executeTakeFirst() as Promise<{ id: string; tenant_id: string; status: 'active'; version_id: string; graph: JourneyGraph } | undefined>;
}
