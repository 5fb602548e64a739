import { sql, type Selectable } from 'kysely';
import { DateTime } from 'luxon';
import { v7 as uuidv7 } from 'uuid';
import type { Db } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps } from '../../deps.ts';
import type { JobRegistry } from '../../jobs/registry.ts';
import { emitEvents } from '../../jobs/outbox.ts';
import { applyDecisions, expiringPayload, loadLadders, lockMemberTiers, tiersActor } from './apply.ts';
import { dropMetrics, prepareMetrics, readDecisions, type Ladder } from './evaluate.ts';

export type RunRow = Selectable<DB['tier_evaluation_runs']>;
export type RunKind = RunRow['kind'];

export interface RunOptions {
  /** Members per chunk (default 5,000); each chunk is one transaction that also advances the run's cursor. */
  chunkSize?: number;
  signal?: AbortSignal;
  onProgress?(done: number, total: number): Promise<void> | void;
}

/**
 * Evaluates every member of a ladder as of an instant (an anniversary ladder: the members whose anniversary
 * that is), in key-ordered chunks after one pass that aggregates everyone's metrics. Each chunk locks its
 * members' tier rows, decides and writes in one statement, emits the events and moves the run's cursor, in
 * one transaction: a run killed at any point resumes after its last chunk (aggregating again only the
 * members after it), and starting the same (ladder, kind, instant) again resumes or returns it.
 * A `notice` run writes nothing but tier.expiring_soon for the members the evaluation at `asOf` would move down.
 */
export async function runEvaluation(deps: Pick<AppDeps, 'db' | 'jobs'>, tenantId: string, programId: string, kind: RunKind, asOf: Date, options: RunOptions = {}): Promise<RunRow | null> {
  const [ladder] = await loadLadders(deps.db, tenantId, asOf, { programId });
  if (!ladder?.rules) return null;
  let run = await claimRun(deps.db, ladder, kind, asOf);
  if (run.status === 'done') return run;
  const counts = { ...(run.counts as Record<string, number>) };
  await eachChunk(deps.db, ladder, asOf, kind, run.after_member_id, async (conn, ids) => {
    if (options.signal?.aborted) return false;
    run = await withTransaction(conn, async (trx) => {
      // A chunk's statement joins thousands of rows on every side, and its plan must not depend on guesses.
      // It is prepared (db/prepared-client.ts), and from its sixth chunk PostgreSQL would plan it generically,
      // blind to the chunk's ids. The tier rows it reads are often younger than their statistics (a first run
      // fills the table as it goes), so PostgreSQL would take them for a handful and loop over the chunk's
      // changes once per row. Either way a chunk's cost grew with the ladder (100,000 members: 6 s a chunk,
      // not 0.1 s). Planned for its own ids, with hash joins, a chunk costs the same at any size.
      await sql`set local plan_cache_mode = force_custom_plan`.execute(trx);
      await sql`set local enable_nestloop = off`.execute(trx);
      const advanced = await trx
        .updateTable('tier_evaluation_runs')
        .set({ after_member_id: ids.at(-1) ?? run.after_member_id, done: sql`done + ${ids.length}`, status: ids.length ? 'running' : 'done', finished_at: ids.length ? null : new Date() })
        .where('tenant_id', '=', tenantId)
        .where('program_id', '=', programId)
        .where('id', '=', run.id)
        .where(sql<boolean>`after_member_id is not distinct from ${run.after_member_id}::uuid`)
        .returningAll()
        .executeTakeFirst();
      // Another worker moved this run on meanwhile: this chunk is theirs.
      if (!advanced) throw new Error(`tier evaluation run ${run.id} advanced by another worker`);
      if (!ids.length) return advanced;
      if (kind === 'notice') {
        const moving = (await readDecisions(trx, ladder, asOf, 'evaluate', { ids }, 'prepared')).filter((d) => d.outcome === 'downgraded' || d.outcome === 'grace_started');
        const at = ladder.graceDays > 0 ? DateTime.fromJSDate(asOf, { zone: ladder.timeZone }).plus({ days: ladder.graceDays }).toJSDate() : asOf;
        await emitEvents(
          trx,
          deps.jobs,
          tiersActor,
          moving.map((d) => ({ tenantId, type: 'tier.expiring_soon', payload: { member_id: d.member_id, program_id: programId, ...expiringPayload(ladder, d.cur_rank, d.target_rank, at, d.metrics) } })),
        );
        counts.expiring_soon = (counts.expiring_soon ?? 0) + moving.length;
      } else {
        await lockMemberTiers(trx, ladder, ids);
        const changes = await applyDecisions(trx, deps, ladder, asOf, 'evaluate', ids, { runId: run.id, actor: tiersActor, source: 'prepared' });
        for (const c of changes) counts[c.outcome] = (counts[c.outcome] ?? 0) + 1;
      }
      return trx.updateTable('tier_evaluation_runs').set({ counts: JSON.stringify(counts) }).where('tenant_id', '=', tenantId).where('program_id', '=', programId).where('id', '=', run.id).returningAll().executeTakeFirstOrThrow();
    });
    // Not awaited: progress is written through the pool, and on PGlite the pool's only connection is the one
    // this run holds, so the write waits until the run lets go of it.
    void Promise.resolve(options.onProgress?.(run.done, run.total)).catch(() => undefined);
    return true;
  }, options.chunkSize);
  return run;
}

/**
 * Walks a ladder's members in key order, `size` at a time (a scheduled or notice run of an anniversary ladder:
 * only the members whose anniversary `asOf` is), on one connection that first aggregates every member's
 * metrics in one pass (prepareMetrics). `fn` gets each chunk and, once, an empty one at the end; it returns
 * false to stop early. Runs and simulations both walk this way, so they decide from the same values.
 */
export async function eachChunk(db: Db, ladder: Ladder, asOf: Date, kind: RunKind | 'simulate', after: string | null, fn: (conn: Db, ids: string[]) => Promise<boolean>, size = 5000) {
  const anniversaries = ladder.evaluation === 'anniversary' && (kind === 'scheduled' || kind === 'notice');
  await db.connection().execute(async (conn) => {
    await prepareMetrics(conn, ladder, asOf, 'evaluate', after);
    try {
      let cursor = after;
      for (;;) {
        const ids = await nextChunk(conn, ladder, asOf, cursor, size, anniversaries);
        if (!(await fn(conn, ids)) || !ids.length) return;
        cursor = ids.at(-1)!;
      }
    } finally {
      await dropMetrics(conn);
    }
  });
}

async function claimRun(db: Db, ladder: Ladder, kind: RunKind, asOf: Date): Promise<RunRow> {
  const total = await db
    .selectFrom('members as m')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('m.tenant_id', '=', ladder.tenantId)
    .where('m.status', 'in', ['active', 'frozen'])
    .$if(ladder.evaluation === 'anniversary' && kind !== 'publish' && kind !== 'manual', (q) => q.where(anniversaryOn(ladder, asOf)))
    .executeTakeFirstOrThrow();
  await db
    .insertInto('tier_evaluation_runs')
    .values({ tenant_id: ladder.tenantId, program_id: ladder.programId, id: uuidv7(), kind, as_of: asOf, rule_version: ladder.ruleVersion, total: total.n })
    .onConflict((oc) => oc.columns(['tenant_id', 'program_id', 'kind', 'as_of']).doNothing())
    .execute();
  return db.selectFrom('tier_evaluation_runs').selectAll().where('tenant_id', '=', ladder.tenantId).where('program_id', '=', ladder.programId).where('kind', '=', kind).where('as_of', '=', asOf).executeTakeFirstOrThrow();
}

/** The next key-ordered chunk of members the run decides (scheduled anniversary runs: only that day's). */
async function nextChunk(db: Db, ladder: Ladder, asOf: Date, after: string | null, size: number, anniversaries: boolean): Promise<string[]> {
  const rows = await db
    .selectFrom('members as m')
    .select('m.id')
    .where('m.tenant_id', '=', ladder.tenantId)
    .where('m.status', 'in', ['active', 'frozen'])
    .$if(after !== null, (q) => q.where('m.id', '>', after!))
    .$if(anniversaries, (q) => q.where(anniversaryOn(ladder, asOf)))
    .orderBy('m.id')
    .limit(size)
    .execute();
  return rows.map((r) => r.id);
}

/** Members registered at least a year before `asOf` whose anniversary (a Feb 29 one: Feb 28) is that day. */
function anniversaryOn(ladder: Ladder, asOf: Date) {
  const tz = ladder.timeZone;
  const day = sql`date_trunc('day', m.registered_at at time zone ${tz})`;
  const years = sql`extract(year from age(${asOf}::timestamptz at time zone ${tz}, ${day}))::int`;
  return sql<boolean>`(${years} >= 1 and ${day} + make_interval(years => ${years}) = date_trunc('day', ${asOf}::timestamptz at time zone ${tz}))`;
}

/** The last evaluation instant at or before `now`: Jan 1, the 1st of the month, or today (anniversaries). */
export function lastEvaluationAt(evaluation: Ladder['evaluation'], now: Date, timeZone: string): Date {
  const local = DateTime.fromJSDate(now, { zone: timeZone });
  return (evaluation === 'yearly' ? local.startOf('year') : evaluation === 'monthly' ? local.startOf('month') : local.startOf('day')).toJSDate();
}

/** The next evaluation instant after `now` (for an anniversary ladder, given the member's registration). */
export function nextEvaluationAt(evaluation: Ladder['evaluation'], now: Date, timeZone: string, registeredAt?: Date): Date {
  const local = DateTime.fromJSDate(now, { zone: timeZone });
  if (evaluation === 'yearly') return local.startOf('year').plus({ years: 1 }).toJSDate();
  if (evaluation === 'monthly') return local.startOf('month').plus({ months: 1 }).toJSDate();
  const registered = DateTime.fromJSDate(registeredAt ?? now, { zone: timeZone }).startOf('day');
  let next = registered.plus({ years: Math.max(1, Math.ceil(local.diff(registered, 'years').years)) });
  if (next <= local) next = next.plus({ years: 1 });
  return next.toJSDate();
}

/**
 * The hourly housekeeping of every active ladder, each step idempotent: manual tiers that ended, grace
 * periods that ran out, the evaluation due by the ladder's schedule (resumed if it was interrupted), and
 * the notice run `notice_days` before the next evaluation.
 */
export async function maintainTiers(deps: Pick<AppDeps, 'db' | 'jobs' | 'clock'>, options: RunOptions = {}) {
  const now = deps.clock.now();
  const programs = await deps.db
    .selectFrom('tier_programs as p')
    .innerJoin('tenants as t', 't.id', 'p.tenant_id')
    .select(['p.tenant_id', 'p.id', 'p.evaluation', 'p.notice_days', 'p.created_at', 't.time_zone'])
    .where('p.status', '=', 'active')
    .where('t.status', '=', 'active')
    .execute();
  const totals = { manual_ended: 0, grace_ended: 0, runs: 0 };
  for (const p of programs) {
    const [ladder] = await loadLadders(deps.db, p.tenant_id, now, { programId: p.id });
    if (!ladder) continue;
    totals.manual_ended += await endManualTiers(deps, ladder, now);
    totals.grace_ended += await endGracePeriods(deps, ladder, now);
    const due = lastEvaluationAt(p.evaluation, now, p.time_zone);
    if (due > p.created_at && (await runEvaluation(deps, p.tenant_id, p.id, 'scheduled', due, options))) totals.runs += 1;
    const upcoming = p.evaluation === 'anniversary' ? DateTime.fromJSDate(due, { zone: p.time_zone }).plus({ days: p.notice_days }).toJSDate() : nextEvaluationAt(p.evaluation, now, p.time_zone);
    const noticeDay = DateTime.fromJSDate(upcoming, { zone: p.time_zone }).minus({ days: p.notice_days });
    if (noticeDay <= DateTime.fromJSDate(now, { zone: p.time_zone }) && (await runEvaluation(deps, p.tenant_id, p.id, 'notice', upcoming, options))) totals.runs += 1;
  }
  return totals;
}

/** Members whose grace ran out drop to the tier decided when it started (requalifying meanwhile cleared it). */
export async function endGracePeriods(deps: Pick<AppDeps, 'db' | 'jobs'>, ladder: Ladder, now: Date): Promise<number> {
  let ended = 0;
  for (;;) {
    const n = await withTransaction(deps.db, async (trx) => {
      const due = await sql<{ member_id: string }>`select member_id from member_tiers
        where tenant_id = ${ladder.tenantId} and program_id = ${ladder.programId} and grace_until <= ${now}::timestamptz
        order by member_id limit 1000 for update`.execute(trx);
      const ids = due.rows.map((r) => r.member_id);
      if (!ids.length) return 0;
      const { rows } = await sql<{ member_id: string; from_tier_id: string; to_tier_id: string; at: Date }>`
        with o as (
          select mt.member_id, mt.tier_id, mt.grace_until, h.id as history_id from member_tiers mt
          join unnest(${ids}::uuid[], ${ids.map(() => uuidv7())}::uuid[]) as h(member_id, id) on h.member_id = mt.member_id
          where mt.tenant_id = ${ladder.tenantId} and mt.program_id = ${ladder.programId}
        ),
        u as (
          update member_tiers mt set tier_id = mt.grace_tier_id, since = mt.grace_until, grace_until = null, grace_tier_id = null, updated_at = now()
          from o where mt.tenant_id = ${ladder.tenantId} and mt.program_id = ${ladder.programId} and mt.member_id = o.member_id
          returning mt.member_id, mt.tier_id
        ),
        h as (
          insert into tier_history (tenant_id, member_id, program_id, id, kind, from_tier_id, to_tier_id, reason, rule_version, actor, at)
          select ${ladder.tenantId}, o.member_id, ${ladder.programId}, o.history_id, 'downgraded', o.tier_id, u.tier_id, 'grace_ended', ${ladder.ruleVersion}::int, ${tiersActor.label}, o.grace_until
          from o join u using (member_id)
        )
        select o.member_id, o.tier_id as from_tier_id, u.tier_id as to_tier_id, o.grace_until as at from o join u using (member_id)`.execute(trx);
      const code = (id: string) => ladder.tiers.find((t) => t.id === id)?.code;
      await emitEvents(
        trx,
        deps.jobs,
        tiersActor,
        rows.map((r) => ({ tenantId: ladder.tenantId, type: 'tier.downgraded', payload: { member_id: r.member_id, program_id: ladder.programId, from: code(r.from_tier_id), to: code(r.to_tier_id), reason: 'grace_ended', rule_version: ladder.ruleVersion, at: r.at.toISOString() } })),
      );
      return rows.length;
    });
    ended += n;
    if (n < 1000) return ended;
  }
}

/**
 * A manual tier that reached its end date falls back to the better of what the member qualifies for now and
 * what they had earned when it was given.
 */
export async function endManualTiers(deps: Pick<AppDeps, 'db' | 'jobs'>, ladder: Ladder, now: Date): Promise<number> {
  let ended = 0;
  for (;;) {
    const n = await withTransaction(deps.db, async (trx) => {
      const due = await sql<{ member_id: string; tier_id: string; manual_earned_rank: number | null; manual_reason: string | null }>`
        select member_id, tier_id, manual_earned_rank, manual_reason from member_tiers
        where tenant_id = ${ladder.tenantId} and program_id = ${ladder.programId} and manual_until <= ${now}::timestamptz
        order by member_id limit 500 for update`.execute(trx);
      if (!due.rows.length) return 0;
      const decisions = new Map((await readDecisions(trx, ladder, now, 'upgrade', { ids: due.rows.map((r) => r.member_id) })).map((d) => [d.member_id, d]));
      const changes = due.rows.map((r) => {
        const d = decisions.get(r.member_id)!;
        const rank = Math.min(ladder.tiers.length - 1, Math.max(d.q_rank, r.manual_earned_rank ?? 0));
        return { memberId: r.member_id, from: r.tier_id, fromRank: d.cur_rank, to: ladder.tiers[rank]!.id, toRank: rank, metrics: d.metrics, historyId: uuidv7() };
      });
      await sql`
        with c as (select * from unnest(${changes.map((c) => c.memberId)}::uuid[], ${changes.map((c) => c.to)}::uuid[], ${changes.map((c) => c.from)}::uuid[], ${changes.map((c) => c.historyId)}::uuid[], ${changes.map((c) => JSON.stringify(c.metrics))}::jsonb[])
          as c(member_id, to_tier, from_tier, history_id, metrics)),
        u as (
          update member_tiers mt set tier_id = c.to_tier, since = case when c.to_tier <> mt.tier_id then ${now}::timestamptz else mt.since end,
            manual_until = null, manual_reason = null, manual_earned_rank = null, rule_version = ${ladder.ruleVersion}::int, updated_at = now()
          from c where mt.tenant_id = ${ladder.tenantId} and mt.program_id = ${ladder.programId} and mt.member_id = c.member_id
        )
        insert into tier_history (tenant_id, member_id, program_id, id, kind, from_tier_id, to_tier_id, reason, rule_version, metrics, actor, at)
        select ${ladder.tenantId}, c.member_id, ${ladder.programId}, c.history_id, 'manual_ended', c.from_tier, c.to_tier, 'manual tier ended', ${ladder.ruleVersion}::int, c.metrics, ${tiersActor.label}, ${now}::timestamptz from c`.execute(trx);
      const type = (c: (typeof changes)[number]) => (c.toRank > c.fromRank ? 'tier.upgraded' : c.toRank < c.fromRank ? 'tier.downgraded' : 'tier.retained');
      await emitEvents(
        trx,
        deps.jobs,
        tiersActor,
        changes.map((c) => ({ tenantId: ladder.tenantId, type: type(c), payload: { member_id: c.memberId, program_id: ladder.programId, from: ladder.tiers[c.fromRank]?.code, to: ladder.tiers[c.toRank]?.code, reason: 'manual_ended', rule_version: ladder.ruleVersion, at: now.toISOString() } })),
      );
      return changes.length;
    });
    ended += n;
    if (n < 500) return ended;
  }
}

export function registerTierJobs(registry: JobRegistry) {
  registry.define<{ program_id: string; kind: RunKind; as_of: string }>({
    name: 'tiers.evaluate',
    transactional: false,
    maxAttempts: 10,
    handler: async ({ deps, job, payload, signal, progress }) => {
      const run = await runEvaluation(deps, job.tenant_id, payload.program_id, payload.kind, new Date(payload.as_of), { signal, onProgress: progress });
      return run ? { run_id: run.id, done: run.done, counts: run.counts } : { skipped: 'no rules' };
    },
  });
  registry.define({ name: 'tiers.maintain', transactional: false, maxAttempts: 10, handler: async ({ deps, signal, progress }) => maintainTiers(deps, { signal, onProgress: progress }) });
  // Evaluation days start at midnight in each tenant's own zone, so this runs hourly, like points expiry.
  registry.schedule('tiers.maintain', '23 * * * *', { runAtStart: true });
}
