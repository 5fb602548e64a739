import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import type { JobRow } from './registry.ts';

/**
 * Claims up to `limit` due jobs for this worker (of one name, for a batch): queued jobs whose time has come,
 * and running jobs whose lease ran out (their worker died). SKIP LOCKED lets several workers claim side by
 * side without waiting on each other or taking the same job. Time is the database's, shared by every process.
 * The two kinds are found apart, each by its own index in due order, so a claim reads about `limit` rows
 * however long the queue (a filter `queued or expired` would read and sort every due job first).
 */
export async function claimJobs(db: Db, workerId: string, limit: number, leaseSeconds: number, name?: string): Promise<JobRow[]> {
  const ofName = name === undefined ? sql`` : sql`and name = ${name}`;
  const result = await sql<JobRow>`
    with queued as (
      select tenant_id, id, run_at from jobs
       where status = 'queued' and run_at <= now() ${ofName}
       order by run_at
       limit ${limit}
       for update skip locked
    ), expired as (
      select tenant_id, id, locked_until as run_at from jobs
       where status = 'running' and locked_until < now() ${ofName}
       order by locked_until
       limit ${limit}
       for update skip locked
    ), due as (
      select tenant_id, id from (select * from queued union all select * from expired) d order by run_at limit ${limit}
    )
    update jobs j
       set status = 'running',
           attempts = j.attempts + 1,
           locked_by = ${workerId},
           locked_until = now() + make_interval(secs => ${leaseSeconds}),
           started_at = now(),
           updated_at = now()
      from due
     where j.tenant_id = due.tenant_id and j.id = due.id
    returning j.*`.execute(db);
  return result.rows;
}

/** Guarded by the lock owner: a worker that lost its lease (or was released) changes nothing. */
function ownedBy(db: Db, job: JobRow, workerId: string) {
  return db
    .updateTable('jobs')
    .where('tenant_id', '=', job.tenant_id)
    .where('id', '=', job.id)
    .where('status', '=', 'running')
    .where('locked_by', '=', workerId);
}

export async function markSucceeded(db: Db, job: JobRow, workerId: string, result: unknown): Promise<boolean> {
  const row = await ownedBy(db, job, workerId)
    .set({
      status: 'succeeded',
      result: result === undefined ? null : JSON.stringify(result),
      locked_by: null,
      locked_until: null,
      finished_at: sql`now()`,
      updated_at: sql`now()`,
    })
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/** markSucceeded for a batch: true only if this worker still held every one of them. */
export async function markAllSucceeded(db: Db, jobs: JobRow[], workerId: string, result: unknown): Promise<boolean> {
  const done = await sql`
    update jobs set status = 'succeeded', result = ${result === undefined ? null : JSON.stringify(result)}::jsonb, locked_by = null, locked_until = null, finished_at = now(), updated_at = now()
    from unnest(${jobs.map((j) => j.tenant_id)}::uuid[], ${jobs.map((j) => j.id)}::uuid[]) as b(tenant_id, id)
    where jobs.tenant_id = b.tenant_id and jobs.id = b.id and jobs.status = 'running' and jobs.locked_by = ${workerId}`.execute(db);
  return Number(done.numAffectedRows ?? 0) === jobs.length;
}

export async function markFailedAttempt(db: Db, job: JobRow, workerId: string, error: string, retryInMs: number | null) {
  await ownedBy(db, job, workerId)
    .set(
      retryInMs === null
        ? { status: 'failed', last_error: error, locked_by: null, locked_until: null, finished_at: sql`now()`, updated_at: sql`now()` }
        : {
            status: 'queued',
            last_error: error,
            locked_by: null,
            locked_until: null,
            run_at: sql`now() + make_interval(secs => ${retryInMs / 1000})`,
            updated_at: sql`now()`,
          },
    )
    .execute();
}

export async function extendLease(db: Db, job: JobRow, workerId: string, leaseSeconds: number, progress?: { done: number; total: number }) {
  await ownedBy(db, job, workerId)
    .set({
      locked_until: sql`now() + make_interval(secs => ${leaseSeconds})`,
      ...(progress && { progress_done: progress.done, progress_total: progress.total }),
      updated_at: sql`now()`,
    })
    .execute();
}

/** Gives a job back at shutdown without counting the interrupted attempt. */
export async function releaseJob(db: Db, job: JobRow, workerId: string) {
  await ownedBy(db, job, workerId)
    .set({ status: 'queued', attempts: sql`greatest(attempts - 1, 0)`, locked_by: null, locked_until: null, run_at: sql`now()`, updated_at: sql`now()` })
    .execute();
}
