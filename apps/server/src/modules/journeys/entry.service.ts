import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { JourneyGraph } from '@hearth/contracts/journeys';
import type { Db } from '../../db/database.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { AppError } from '../../http/errors.ts';
import { decodeCursor, toPage } from '../../http/pagination.ts';
import { enqueueJob } from '../../jobs/enqueue.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { getSegment } from '../segments/segments.service.ts';
import { scheduleRun } from './engine.ts';
import { getJourneyRow } from './journeys.service.ts';
import type { EntryRow, JourneyRow, VersionRow } from './journeys.tables.ts';

/** At most this many members enter in one statement; callers with more call again (their own transactions). */
export const ENTER_CHUNK = 1000;

export interface EnterRequest {
  journey: Pick<JourneyRow, 'id' | 'tenant_id' | 'status'>;
  version: Pick<VersionRow, 'id' | 'graph'>;
  memberIds: readonly string[];
  context: Record<string, unknown>;
  /** Dedupes the engine run this entry schedules (the triggering job's id, the API request …). */
  runKey: string;
}

/**
 * Enters members into a journey's current version, set-based, in the caller's transaction, by the entry rule:
 * once ever, once per N days, or every time. Members are locked per (journey, member) first, in key order, so
 * two triggers of one member at once apply in turn and the rule holds. The entries start `ready`; one engine
 * run is scheduled for them, and the engine drains them in bounded chunks.
 */
export async function enterMembers(trx: Db, deps: Pick<AppDeps, 'jobs' | 'clock'>, request: EnterRequest): Promise<string[]> {
  const { journey, version } = request;
  if (journey.status !== 'active' || !request.memberIds.length) return [];
  const graph = version.graph;
  const start = startStep(graph);
  const now = deps.clock.now();
  const memberIds = [...new Set(request.memberIds)].sort();
  const rule = graph.entry;
  if (rule.mode !== 'every_time') {
    await sql`select pg_advisory_xact_lock(hashtextextended(k, 0)) from unnest(${memberIds.map((m) => `journey:${journey.id}:${m}`)}::text[]) as k order by k`.execute(trx);
  }
  const since = rule.mode === 'once_per_days' ? new Date(now.getTime() - rule.days! * 86_400_000) : null;
  const goal = graph.goal ?? null;
  const ids = memberIds.map(() => uuidv7());
  const inserted = await sql<{ member_id: string }>`
    insert into journey_entries (tenant_id, member_id, id, journey_id, version_id, status, current_step, visit, due_at, context, goal_event, goal_deadline, entered_at)
    select m.tenant_id, m.id, c.entry_id, ${journey.id}, ${version.id}, 'ready', ${start}, 1, ${now}, ${JSON.stringify(request.context)}::jsonb,
      ${goal?.event_type ?? null}, ${goal ? new Date(now.getTime() + goal.window_hours * 3_600_000) : null}, ${now}
    from unnest(${memberIds}::uuid[], ${ids}::uuid[]) as c(member_id, entry_id)
    join members m on m.tenant_id = ${journey.tenant_id} and m.id = c.member_id and m.status = 'active'
    where ${rule.mode === 'every_time'}::boolean or not exists (
      select 1 from journey_entries e where e.tenant_id = m.tenant_id and e.journey_id = ${journey.id} and e.member_id = m.id
        and (${since}::timestamptz is null or e.entered_at > ${since}::timestamptz))
    returning member_id`.execute(trx);
  if (inserted.rows.length) await scheduleRun(trx, deps, journey.tenant_id, version.id, now, request.runKey);
  return inserted.rows.map((r) => r.member_id);
}

/** The step after the trigger: where every entry starts. */
export function startStep(graph: JourneyGraph): string | null {
  const trigger = graph.nodes.find((n) => n.type === 'trigger')!;
  return graph.edges.find((e) => e.from === trigger.id && e.branch === 'next')?.to ?? null;
}

export const ENTER_SEGMENT_JOB = 'journeys.enter_segment';

/**
 * POST /journeys/:id/enter: a list of members now (one transaction), or a whole segment through a job that
 * enters it a page at a time. Members the entry rule turns away are counted as skipped.
 */
export async function enterJourney(deps: AppDeps, ctx: RequestContext, journeyId: string, input: { member_ids?: string[]; segment_id?: string; context: Record<string, unknown> }) {
  return withTransaction(deps.db, async (trx) => {
    const journey = await getJourneyRow(trx, ctx.tenantId, journeyId);
    if (journey.status !== 'active' || !journey.current_version_id) {
      throw new AppError('CONFLICT', 'Only an active journey can be entered', { errors: [{ field: 'status', code: 'not_active', message: `the journey is ${journey.status}` }] });
    }
    if (input.segment_id) {
      await getSegment({ ...deps, db: trx }, ctx, input.segment_id);
      const job = await enqueueJob(trx, deps.jobs, { tenantId: ctx.tenantId, name: ENTER_SEGMENT_JOB, payload: { journey_id: journeyId, segment_id: input.segment_id, context: input.context } });
      await recordAudit(trx, ctx, { action: 'journey.enter_segment', resourceType: 'journey', resourceId: journeyId, details: { segment_id: input.segment_id, job_id: job.id } });
      return { entered: 0, skipped: 0, job_id: job.id };
    }
    const version = await trx.selectFrom('journey_versions').select(['id', 'graph']).where('tenant_id', '=', ctx.tenantId).where('id', '=', journey.current_version_id).executeTakeFirstOrThrow();
    const requested = [...new Set(input.member_ids ?? [])];
    const entered = await enterMembers(trx, deps, { journey, version, memberIds: requested, context: { event: 'api', ...input.context }, runKey: `api:${uuidv7()}` });
    await recordAudit(trx, ctx, { action: 'journey.enter', resourceType: 'journey', resourceId: journeyId, details: { requested: requested.length, entered: entered.length } });
    return { entered: entered.length, skipped: requested.length - entered.length, job_id: null };
  });
}

/** A journey's entries, newest first; with a member, each entry's steps too. */
export async function listEntries(deps: AppDeps, ctx: RequestContext, journeyId: string, query: { limit: number; cursor?: string; member_id?: string; status?: EntryRow['status'] }) {
  await getJourneyRow(deps.db, ctx.tenantId, journeyId);
  const after = decodeCursor(query.cursor);
  const rows = await deps.db
    .selectFrom('journey_entries as e')
    .innerJoin('journey_versions as v', (j) => j.onRef('v.tenant_id', '=', 'e.tenant_id').onRef('v.id', '=', 'e.version_id'))
    .selectAll('e')
    .select('v.version')
    .where('e.tenant_id', '=', ctx.tenantId)
    .where('e.journey_id', '=', journeyId)
    .$if(query.member_id !== undefined, (q) => q.where('e.member_id', '=', query.member_id!))
    .$if(query.status !== undefined, (q) => q.where('e.status', '=', query.status!))
    .$if(after !== undefined, (q) => q.where('e.id', '<', after!))
    .orderBy('e.id', 'desc')
    .limit(query.limit + 1)
    .execute();
  const page = toPage(rows, query.limit);
  const steps = query.member_id && page.data.length
    ? await deps.db.selectFrom('journey_step_runs').selectAll().where('tenant_id', '=', ctx.tenantId).where('member_id', '=', query.member_id).where('entry_id', 'in', page.data.map((e) => e.id)).orderBy('seq').execute()
    : [];
  return {
    next_cursor: page.next_cursor,
    data: page.data.map((e) => ({
      id: e.id,
      member_id: e.member_id,
      version: e.version,
      status: e.status,
      current_step: e.current_step,
      exit_reason: e.exit_reason,
      holdout: e.holdout,
      entered_at: e.entered_at.toISOString(),
      due_at: e.due_at?.toISOString() ?? null,
      finished_at: e.finished_at?.toISOString() ?? null,
      converted_at: e.converted_at?.toISOString() ?? null,
      steps: steps.filter((s) => s.entry_id === e.id).map((s) => ({ step_id: s.step_id, visit: s.visit, outcome: s.outcome, detail: s.detail, ran_at: s.ran_at.toISOString() })),
    })),
  };
}
