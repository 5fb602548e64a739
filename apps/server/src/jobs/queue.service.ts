import { sql } from 'kysely';
import { withTransaction } from '../db/transaction.ts';
import type { AppDeps, RequestContext } from '../deps.ts';
import { AppError, notFound } from '../http/errors.ts';
import { decodeCursor, toPage } from '../http/pagination.ts';
import { recordAudit } from '../modules/audit/audit.service.ts';
import type { JobRegistry, JobRow } from './registry.ts';

export interface JobQuery {
  status?: JobRow['status'];
  name?: string;
  limit: number;
  cursor?: string;
}

/** The tenant's jobs, newest first; status=failed is the dead-letter list. */
export async function listJobs(deps: AppDeps, ctx: RequestContext, query: JobQuery) {
  const before = decodeCursor(query.cursor);
  let q = deps.db.selectFrom('jobs').selectAll().where('tenant_id', '=', ctx.tenantId).orderBy('id', 'desc').limit(query.limit + 1);
  if (before) q = q.where('id', '<', before);
  if (query.status) q = q.where('status', '=', query.status);
  if (query.name) q = q.where('name', '=', query.name);
  const page = toPage(await q.execute(), query.limit);
  return { data: page.data.map(serializeJob), next_cursor: page.next_cursor };
}

export async function getJob(deps: AppDeps, ctx: RequestContext, id: string) {
  const row = await deps.db.selectFrom('jobs').selectAll().where('tenant_id', '=', ctx.tenantId).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Job');
  return serializeJob(row);
}

/** Queues a dead (failed) or canceled job again with a fresh set of attempts. */
export async function retryJob(deps: AppDeps, ctx: RequestContext, id: string) {
  return withTransaction(deps.db, async (trx) => {
    const row = await trx.selectFrom('jobs').select(['status']).where('tenant_id', '=', ctx.tenantId).where('id', '=', id).forUpdate().executeTakeFirst();
    if (!row) throw notFound('Job');
    if (row.status !== 'failed' && row.status !== 'canceled') {
      throw new AppError('JOB_NOT_RETRYABLE', `Only failed or canceled jobs can be retried; this one is ${row.status}`);
    }
    const updated = await trx
      .updateTable('jobs')
      .set({ status: 'queued', attempts: 0, run_at: sql`now()`, finished_at: null, updated_at: sql`now()` })
      .where('tenant_id', '=', ctx.tenantId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, ctx, { action: 'job.retry', resourceType: 'job', resourceId: id, details: { name: updated.name } });
    return serializeJob(updated);
  });
}

const SUCCEEDED_RETENTION_DAYS = 7;

/** Platform housekeeping, hourly: finished jobs and expired idempotency keys. */
export function registerPlatformJobs(registry: JobRegistry) {
  registry.define({
    name: 'platform.cleanup',
    maxAttempts: 3,
    handler: async ({ db }) => {
      const jobs = await db
        .deleteFrom('jobs')
        .where('status', '=', 'succeeded')
        .where('finished_at', '<', sql<Date>`now() - make_interval(days => ${SUCCEEDED_RETENTION_DAYS})`)
        .executeTakeFirst();
      const keys = await db.deleteFrom('idempotency_keys').where('expires_at', '<', sql<Date>`now()`).executeTakeFirst();
      return { jobs_deleted: Number(jobs.numDeletedRows), idempotency_keys_deleted: Number(keys.numDeletedRows) };
    },
  });
  registry.schedule('platform.cleanup', '17 * * * *');
}

function serializeJob(row: JobRow) {
  const iso = (d: Date | null) => d?.toISOString() ?? null;
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    dedupe_key: row.dedupe_key,
    payload: row.payload,
    attempts: row.attempts,
    max_attempts: row.max_attempts,
    run_at: row.run_at.toISOString(),
    last_error: row.last_error,
    progress_done: row.progress_done,
    progress_total: row.progress_total,
    result: row.result,
    created_at: row.created_at.toISOString(),
    started_at: iso(row.started_at),
    finished_at: iso(row.finished_at),
  };
}
