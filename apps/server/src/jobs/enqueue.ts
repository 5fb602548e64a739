import { v7 as uuidv7 } from 'uuid';
import type { Db } from '../db/database.ts';
import type { JobRegistry } from './registry.ts';

/** Tenant id of platform-wide jobs (cron slots); never visible through the tenant API. */
export const PLATFORM_TENANT_ID = '00000000-0000-0000-0000-000000000000';

export interface EnqueueRequest {
  tenantId: string;
  name: string;
  payload?: Record<string, unknown>;
  /** Deterministic key: a second enqueue with the same (tenant, name, key) is a no-op, whatever its status. */
  key?: string;
  runAt?: Date;
  maxAttempts?: number;
}

/**
 * Enqueues a job with the given query runner. Pass the business transaction so the job exists exactly
 * when the write that caused it commits (transactional outbox).
 */
export async function enqueueJob(
  db: Db,
  registry: JobRegistry,
  request: EnqueueRequest,
): Promise<{ id: string; created: boolean }> {
  const definition = registry.get(request.name);
  if (!definition) throw new Error(`Job ${request.name} is not defined`);
  const id = uuidv7();
  const inserted = await db
    .insertInto('jobs')
    .values({
      tenant_id: request.tenantId,
      id,
      name: request.name,
      dedupe_key: request.key ?? null,
      payload: JSON.stringify(request.payload ?? {}),
      max_attempts: request.maxAttempts ?? definition.maxAttempts ?? 5,
      run_at: request.runAt ?? new Date(),
      locked_by: null,
      locked_until: null,
      last_error: null,
      progress_done: null,
      progress_total: null,
      result: null,
      started_at: null,
      finished_at: null,
    })
    .onConflict((oc) => oc.columns(['tenant_id', 'name', 'dedupe_key']).where('dedupe_key', 'is not', null).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (inserted) return { id: inserted.id, created: true };
  const existing = await db
    .selectFrom('jobs')
    .select('id')
    .where('tenant_id', '=', request.tenantId)
    .where('name', '=', request.name)
    .where('dedupe_key', '=', request.key ?? '')
    .executeTakeFirstOrThrow();
  return { id: existing.id, created: false };
}
