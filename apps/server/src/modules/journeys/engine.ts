import { sql } from 'kysely';
import type { JourneyGraph, JourneyNode } from '@hearth/contracts/journeys';
import type { Db } from '../../db/database.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { AppError } from '../../http/errors.ts';
import { enqueueJob } from '../../jobs/enqueue.ts';
import { nextStep, nodeById } from './graph.ts';
import type { EntryRow, JourneyRow } from './journeys.tables.ts';
import { executeStep, waitEnd } from './steps.ts';

export const RUN_JOB = 'journeys.run';
/** Entries one run takes in one transaction: bounded work per job, so a 100k-member journey never holds the worker long. */
export const RUN_CHUNK = 200;
/** Steps one entry may take in one run; a longer path continues in the next run. */
const MAX_STEPS_PER_RUN = 50;
const MAX_ENTRY_ATTEMPTS = 5;

/**
 * Schedules an engine run for a version at `at`. Entering, waiting and event resumes all end here: the run
 * takes whatever entries of the version are due then, so many entries share one job. `key` dedupes the
 * enqueue within its caller (a job's re-run after a crash enqueues nothing twice).
 */
export async function scheduleRun(trx: Db, deps: Pick<AppDeps, 'jobs'>, tenantId: string, versionId: string, at: Date, key: string) {
  const runAt = new Date(Math.ceil(at.getTime() / 1000) * 1000);
  await enqueueJob(trx, deps.jobs, { tenantId, name: RUN_JOB, key: `run:${versionId}:${key}`, runAt, payload: { version_id: versionId, due_at: at.toISOString() } });
}

export interface RunResult {
  entries: number;
  steps: number;
  more: boolean;
}

/**
 * One engine run: takes up to `limit` due entries of a version (`for update skip locked`, oldest due first),
 * moves each as far as it goes now — to a wait, the end, or an exit — and schedules the timers of the waits it
 * reached and a follow-up run if more are due. Runs inside the job's transaction, so every step's effect, its
 * step-run row and the entry's new position commit together, once. Each entry runs under a savepoint: one that
 * throws is put back with a backoff (failed after five attempts) and does not hold up the others.
 */
export async function runVersion(trx: Db, deps: AppDeps, tenantId: string, versionId: string, asOf: Date, runId: string, limit = RUN_CHUNK): Promise<RunResult> {
  const version = await trx.selectFrom('journey_versions').selectAll().where('tenant_id', '=', tenantId).where('id', '=', versionId).executeTakeFirst();
  if (!version) return { entries: 0, steps: 0, more: false };
  const journey = await trx.selectFrom('journeys').selectAll().where('tenant_id', '=', tenantId).where('id', '=', version.journey_id).executeTakeFirstOrThrow();
  const now = deps.clock.now();
  const cutoff = new Date(Math.max(now.getTime(), asOf.getTime()));
  const due = await sql<EntryRow>`
    select * from journey_entries
    where tenant_id = ${tenantId} and version_id = ${versionId} and status in ('ready', 'waiting') and due_at <= ${cutoff}
    order by due_at limit ${limit} for update skip locked`.execute(trx);
  const entries = due.rows;
  if (!entries.length) return { entries: 0, steps: 0, more: false };
  if (journey.status !== 'active') {
    await holdOrEnd(trx, journey, entries, version.graph, now);
    return { entries: entries.length, steps: 0, more: false };
  }
  const tenant = await trx.selectFrom('tenants').select('time_zone').where('id', '=', tenantId).executeTakeFirstOrThrow();
  const visits = await lastVisits(trx, tenantId, entries);
  const timers = new Set<number>();
  let steps = 0;
  for (const entry of entries) {
    await sql`savepoint journey_entry`.execute(trx);
    try {
      const run: EntryRun = { trx, deps, journey, versionId, graph: version.graph, entry, now, timeZone: tenant.time_zone, visits: visits.get(entry.id) ?? new Map(), timers };
      steps += await advanceEntry(run);
      await sql`release savepoint journey_entry`.execute(trx);
    } catch (error) {
      await sql`rollback to savepoint journey_entry`.execute(trx);
      await sql`release savepoint journey_entry`.execute(trx);
      const retryAt = await putBack(trx, entry, error, now);
      if (retryAt) timers.add(retryAt.getTime());
      deps.log.warn({ err: error, entry: entry.id, journey: journey.id }, 'journey step failed; the entry retries later');
    }
  }
  for (const at of timers) await scheduleRun(trx, deps, tenantId, versionId, new Date(at), `timer:${at}:${runId}`);
  const more = entries.length === limit;
  if (more) await scheduleRun(trx, deps, tenantId, versionId, now, `after:${runId}`);
  return { entries: entries.length, steps, more };
}

export interface EntryRun {
  trx: Db;
  deps: AppDeps;
  journey: JourneyRow;
  versionId: string;
  graph: JourneyGraph;
  entry: EntryRow;
  now: Date;
  timeZone: string;
  /** The highest visit of each step this entry already ran (their sum is how many steps it ran). */
  visits: Map<string, number>;
  /** Instants at which timers must fire (collected so a chunk schedules one job per instant). */
  timers: Set<number>;
}

/** Moves one entry from where it stands; returns the steps it ran. */
async function advanceEntry(run: EntryRun): Promise<number> {
  const { entry, graph } = run;
  let stepId = entry.current_step;
  let visit = entry.visit;
  // Standing at a wait: the entry was put there earlier, and it is due now (its timer fired, or an event resumed it).
  let resolving = stepId !== null && nodeById(graph, stepId)?.type === 'wait' && (entry.status === 'waiting' || entry.resume_branch !== null);
  let holdout = entry.holdout;
  let ran = 0;
  for (;;) {
    if (stepId === null) return finish(run, { status: 'completed', reason: 'end', stepId: null, visit, holdout }), ran;
    const node = nodeById(graph, stepId);
    if (!node) throw new Error(`version ${run.versionId} has no step ${stepId}`);
    if (ran >= MAX_STEPS_PER_RUN) {
      await move(run, { status: 'ready', stepId, visit, dueAt: run.now });
      return ran;
    }
    if (node.type === 'wait' && !resolving) {
      const wait = waitEnd(node, run.now, run.timeZone);
      await move(run, { status: 'waiting', stepId, visit, dueAt: wait.until, waitEvent: wait.event ?? null, waitFilters: wait.filters ?? null });
      run.timers.add(Math.ceil(wait.until.getTime() / 1000) * 1000);
      return ran;
    }
    const branch = await runStepOnce(run, node, visit, resolving ? (entry.resume_branch ?? (node.type === 'wait' && node.config.mode === 'event' ? 'timeout' : 'next')) : undefined);
    resolving = false;
    ran += 1;
    if (node.type === 'exit') return finish(run, { status: 'exited', reason: 'exit', stepId, visit, holdout }), ran;
    if (node.type === 'split' && node.config.arms.find((a) => a.id === branch)?.holdout) {
      holdout = true;
      return finish(run, { status: 'completed', reason: 'holdout', stepId, visit, holdout }), ran;
    }
    const next = nextStep(graph, stepId, branch) ?? null;
    visit = next === null ? 1 : (run.visits.get(next) ?? 0) + 1;
    stepId = next;
  }
}

/**
 * Runs a step for this (version, member, entry, step, visit) unless it already ran: the step-run row is
 * claimed first, so a second attempt finds it and takes the branch recorded then, repeating no effect.
 */
async function runStepOnce(run: EntryRun, node: JourneyNode, visit: number, waitBranch: string | undefined): Promise<string> {
  const { trx, entry } = run;
  const claimed = await trx
    .insertInto('journey_step_runs')
    .values({ tenant_id: entry.tenant_id, member_id: entry.member_id, entry_id: entry.id, version_id: run.versionId, step_id: node.id, visit, seq: [...run.visits.values()].reduce((s, v) => s + v, 0) + 1, journey_id: run.journey.id, step_type: node.type, outcome: 'running', branch: '', detail: '{}', ran_at: run.now })
    .onConflict((oc) => oc.columns(['tenant_id', 'member_id', 'entry_id', 'version_id', 'step_id', 'visit']).doNothing())
    .returning('step_id')
    .executeTakeFirst();
  if (!claimed) {
    const earlier = await trx.selectFrom('journey_step_runs').select('branch').where('tenant_id', '=', entry.tenant_id).where('member_id', '=', entry.member_id).where('entry_id', '=', entry.id).where('version_id', '=', run.versionId).where('step_id', '=', node.id).where('visit', '=', visit).executeTakeFirstOrThrow();
    return earlier.branch;
  }
  run.visits.set(node.id, visit);
  const result = waitBranch !== undefined ? { outcome: waitBranch, branch: waitBranch, detail: {} } : await executeStep(run, node, visit);
  await trx
    .updateTable('journey_step_runs')
    .set({ outcome: result.outcome, branch: result.branch, detail: JSON.stringify(result.detail) })
    .where('tenant_id', '=', entry.tenant_id)
    .where('member_id', '=', entry.member_id)
    .where('entry_id', '=', entry.id)
    .where('version_id', '=', run.versionId)
    .where('step_id', '=', node.id)
    .where('visit', '=', visit)
    .execute();
  return result.branch;
}

async function move(run: EntryRun, to: { status: 'ready' | 'waiting'; stepId: string; visit: number; dueAt: Date; waitEvent?: string | null; waitFilters?: unknown }) {
  await run.trx
    .updateTable('journey_entries')
    .set({ status: to.status, current_step: to.stepId, visit: to.visit, due_at: to.dueAt, wait_event: to.waitEvent ?? null, wait_filters: to.waitFilters ? JSON.stringify(to.waitFilters) : null, resume_branch: null, attempts: 0, last_error: null })
    .where('tenant_id', '=', run.entry.tenant_id)
    .where('member_id', '=', run.entry.member_id)
    .where('id', '=', run.entry.id)
    .execute();
}

async function finish(run: EntryRun, end: { status: 'completed' | 'exited'; reason: string; stepId: string | null; visit: number; holdout: boolean }) {
  await run.trx
    .updateTable('journey_entries')
    .set({ status: end.status, exit_reason: end.reason, current_step: end.stepId, visit: end.visit, holdout: end.holdout, due_at: null, wait_event: null, wait_filters: null, resume_branch: null, finished_at: run.now, attempts: 0, last_error: null })
    .where('tenant_id', '=', run.entry.tenant_id)
    .where('member_id', '=', run.entry.member_id)
    .where('id', '=', run.entry.id)
    .execute();
}

/** A paused journey holds the entries that come due (a wait that ended resumes on its default branch); a stopped one ends them. */
async function holdOrEnd(trx: Db, journey: JourneyRow, entries: EntryRow[], graph: JourneyGraph, now: Date) {
  for (const entry of entries) {
    const node = entry.current_step ? nodeById(graph, entry.current_step) : undefined;
    const waitEnded = node?.type === 'wait' && entry.status === 'waiting' ? (node.config.mode === 'event' ? 'timeout' : 'next') : null;
    await trx
      .updateTable('journey_entries')
      .set(journey.status === 'paused' ? { status: 'held', due_at: null, resume_branch: entry.resume_branch ?? waitEnded } : { status: 'exited', exit_reason: 'stopped', due_at: null, finished_at: now })
      .where('tenant_id', '=', entry.tenant_id)
      .where('member_id', '=', entry.member_id)
      .where('id', '=', entry.id)
      .execute();
  }
}

/** An entry whose step threw goes back with a backoff; returns when it is due again (none once it failed for good). */
async function putBack(trx: Db, entry: EntryRow, error: unknown, now: Date): Promise<Date | null> {
  const attempts = entry.attempts + 1;
  const failed = attempts >= MAX_ENTRY_ATTEMPTS;
  const retryAt = failed ? null : new Date(now.getTime() + 60_000 * 2 ** attempts);
  const message = error instanceof AppError ? `${error.code}: ${error.message}` : error instanceof Error ? error.message : String(error);
  await trx
    .updateTable('journey_entries')
    .set({ attempts, last_error: message.slice(0, 1000), ...(failed ? { status: 'failed', exit_reason: 'error', due_at: null, finished_at: now } : { due_at: retryAt }) })
    .where('tenant_id', '=', entry.tenant_id)
    .where('member_id', '=', entry.member_id)
    .where('id', '=', entry.id)
    .execute();
  return retryAt;
}

async function lastVisits(trx: Db, tenantId: string, entries: EntryRow[]): Promise<Map<string, Map<string, number>>> {
  const rows = await sql<{ entry_id: string; step_id: string; visit: number }>`
    select entry_id, step_id, max(visit)::int as visit from journey_step_runs
    where tenant_id = ${tenantId} and member_id = any(${entries.map((e) => e.member_id)}::uuid[]) and entry_id = any(${entries.map((e) => e.id)}::uuid[])
    group by entry_id, step_id`.execute(trx);
  const byEntry = new Map<string, Map<string, number>>();
  for (const r of rows.rows) byEntry.set(r.entry_id, (byEntry.get(r.entry_id) ?? new Map()).set(r.step_id, r.visit));
  return byEntry;
}

export const journeyActor = (label: string): RequestContext['actor'] => ({ type: 'system', id: null, label, role: null, permissions: new Set() });
