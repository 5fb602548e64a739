import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppDeps, RequestContext } from '../deps.ts';
import { createSharedTestDatabase, createTestDatabase, type TestDatabase } from '../test/database.ts';
import { startWorkerChild } from '../test/worker-child.ts';
import { createTestDeps, testConfig } from '../test/deps.ts';
import { createEffectsTable, defineEffectJob, EFFECT_JOB } from '../test/fixtures/effect-job.ts';
import { enqueueJob } from './enqueue.ts';
import { emitEvent } from './outbox.ts';
import { getJob, listJobs, retryJob } from './queue.service.ts';
import { createJobRegistry, type JobRegistry } from './registry.ts';
import { createWorker } from './runner.ts';

const TENANT = '01a20000-0000-7000-8000-000000000001';
const OTHER_TENANT = '01a20000-0000-7000-8000-000000000002';
const BATCH_TENANT = '01a20000-0000-7000-8000-000000000003';
const ctxOf = (tenantId: string): RequestContext => ({
  tenantId,
  actor: { type: 'system', id: null, label: 'test', role: 'owner', permissions: new Set() },
  requestId: null,
  ip: null,
});
const fastJobs = { HEARTH_JOB_POLL_MS: '20', HEARTH_JOB_LEASE_SECONDS: '2' };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function effects(deps: AppDeps, jobId: string) {
  const { rows } = await sql<{ attempt: number }>`select attempt from test_effects where job_id = ${jobId} order by attempt`.execute(deps.db);
  return rows.map((r) => r.attempt);
}

describe('job runner', () => {
  let database: TestDatabase;
  let deps: AppDeps;
  let registry: JobRegistry;
  let flaky = { failuresLeft: 0 };
  const batchSizes: number[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    await createEffectsTable.execute(database.db);
    registry = createJobRegistry();
    defineEffectJob(registry);
    registry.define({
      name: 'test.flaky',
      maxAttempts: 3,
      backoffMs: 1,
      handler: async ({ db, job }) => {
        await sql`insert into test_effects (tenant_id, job_id, attempt) values (${job.tenant_id}, ${job.id}, ${job.attempts})`.execute(db);
        if (flaky.failuresLeft-- > 0) throw new Error('upstream timeout');
        return { ok: true };
      },
    });
    registry.define({
      name: 'test.long',
      transactional: false,
      handler: async ({ progress }) => {
        for (let done = 1; done <= 3; done++) await progress(done, 3);
      },
    });
    registry.define<{ n: number }>({
      name: 'test.batched',
      maxAttempts: 2,
      backoffMs: 1,
      handler: async ({ db, job, payload }) => {
        if (payload.n === 13) throw new Error('unlucky');
        await sql`insert into test_effects (tenant_id, job_id, attempt) values (${job.tenant_id}, ${job.id}, ${job.attempts})`.execute(db);
      },
      batch: {
        size: 5,
        handler: async ({ db, jobs, payloads }) => {
          batchSizes.push(jobs.length);
          if (payloads.some((p) => p.n === 13)) throw new Error('unlucky batch');
          for (const job of jobs) await sql`insert into test_effects (tenant_id, job_id, attempt) values (${job.tenant_id}, ${job.id}, ${job.attempts})`.execute(db);
        },
      },
    });
    registry.define({ name: 'test.hang', transactional: false, handler: ({ signal }) => waitForAbortOr(signal, 60_000) });
    registry.subscribe('thing.happened', EFFECT_JOB);
    deps = createTestDeps(database.db, { jobs: registry, config: testConfig(fastJobs) });
  });
  afterAll(() => database.close());

  it('runs batch jobs together, and alone when their batch fails, each exactly once', async () => {
    const ids: string[] = [];
    for (let n = 1; n <= 14; n++) ids.push((await enqueueJob(deps.db, registry, { tenantId: BATCH_TENANT, name: 'test.batched', payload: { n } })).id);
    await createWorker(deps, { concurrency: 1 }).drain();
    expect(Math.max(...batchSizes)).toBe(5);
    const jobs = await deps.db.selectFrom('jobs').select(['id', 'status', 'attempts']).where('name', '=', 'test.batched').execute();
    const byId = new Map(jobs.map((j) => [j.id, j]));
    // Job 13 fails on its own (twice: its attempts) and makes no other job fail or run twice.
    expect(byId.get(ids[12]!)).toMatchObject({ status: 'failed', attempts: 2 });
    for (const [i, id] of ids.entries()) {
      if (i === 12) continue;
      expect(byId.get(id)!.status).toBe('succeeded');
      expect(await effects(deps, id)).toHaveLength(1);
    }
  });

  it('enqueues nothing when the business transaction rolls back (jobs and events)', async () => {
    await expect(
      deps.db.transaction().execute(async (trx) => {
        await enqueueJob(trx, registry, { tenantId: TENANT, name: EFFECT_JOB, key: 'rolled-back' });
        await emitEvent(trx, registry, ctxOf(TENANT), 'thing.happened', { n: 1 });
        throw new Error('the business write failed');
      }),
    ).rejects.toThrow('business write failed');
    const jobs = await deps.db.selectFrom('jobs').select('id').where('tenant_id', '=', TENANT).execute();
    const events = await deps.db.selectFrom('domain_events').select('id').where('tenant_id', '=', TENANT).execute();
    expect(jobs).toEqual([]);
    expect(events).toEqual([]);
  });

  it('dedupes by key and runs a committed event subscriber once', async () => {
    const first = await enqueueJob(deps.db, registry, { tenantId: TENANT, name: EFFECT_JOB, key: 'once' });
    const second = await enqueueJob(deps.db, registry, { tenantId: TENANT, name: EFFECT_JOB, key: 'once' });
    expect(second).toEqual({ id: first.id, created: false });
    const event = await deps.db.transaction().execute((trx) => emitEvent(trx, registry, ctxOf(TENANT), 'thing.happened', { n: 2 }));
    await createWorker(deps).drain();
    expect(await effects(deps, first.id)).toEqual([1]);
    const subscriberJob = await deps.db.selectFrom('jobs').selectAll().where('dedupe_key', '=', `event:${event.id}`).executeTakeFirstOrThrow();
    expect(subscriberJob.status).toBe('succeeded');
    expect(await effects(deps, subscriberJob.id)).toEqual([1]);
  });

  it('retries with backoff, rolls back failed attempts, and succeeds', async () => {
    flaky = { failuresLeft: 2 };
    const { id } = await enqueueJob(deps.db, registry, { tenantId: TENANT, name: 'test.flaky' });
    await drainUntil(deps, id, 'succeeded');
    const job = await getJob(deps, ctxOf(TENANT), id);
    expect(job).toMatchObject({ status: 'succeeded', attempts: 3, result: { ok: true } });
    // The failed attempts' writes rolled back with their transactions: only the third remains.
    expect(await effects(deps, id)).toEqual([3]);
  });

  it('keeps a job that used every attempt as failed (dead letter) until it is retried', async () => {
    flaky = { failuresLeft: 100 };
    const { id } = await enqueueJob(deps.db, registry, { tenantId: TENANT, name: 'test.flaky' });
    await drainUntil(deps, id, 'failed');
    const dead = await listJobs(deps, ctxOf(TENANT), { status: 'failed', limit: 50 });
    expect(dead.data.find((j) => j.id === id)).toMatchObject({ attempts: 3, last_error: expect.stringContaining('upstream timeout') });
    await expect(retryJob(deps, ctxOf(OTHER_TENANT), id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    flaky = { failuresLeft: 0 };
    expect(await retryJob(deps, ctxOf(TENANT), id)).toMatchObject({ status: 'queued', attempts: 0 });
    await drainUntil(deps, id, 'succeeded');
    await expect(retryJob(deps, ctxOf(TENANT), id)).rejects.toMatchObject({ code: 'JOB_NOT_RETRYABLE' });
  });

  it('fails a job whose name has no handler, without retrying', async () => {
    await sql`insert into jobs (tenant_id, id, name, max_attempts) values (${TENANT}, '01a20000-0000-7000-8000-0000000000ff', 'gone.job', 5)`.execute(deps.db);
    await createWorker(deps).drain();
    expect(await getJob(deps, ctxOf(TENANT), '01a20000-0000-7000-8000-0000000000ff')).toMatchObject({
      status: 'failed',
      attempts: 1,
      last_error: expect.stringContaining('no handler'),
    });
  });

  it('records progress of a long job', async () => {
    const { id } = await enqueueJob(deps.db, registry, { tenantId: TENANT, name: 'test.long' });
    await createWorker(deps).drain();
    expect(await getJob(deps, ctxOf(TENANT), id)).toMatchObject({ status: 'succeeded', progress_done: 3, progress_total: 3 });
  });

  it('releases a running job at shutdown without spending an attempt', async () => {
    const { id } = await enqueueJob(deps.db, registry, { tenantId: TENANT, name: 'test.hang' });
    const worker = createWorker(deps);
    worker.start();
    await waitFor(async () => (await getJob(deps, ctxOf(TENANT), id)).status === 'running');
    await worker.stop({ graceMs: 50 });
    expect(await getJob(deps, ctxOf(TENANT), id)).toMatchObject({ status: 'queued', attempts: 0 });
    await deps.db.updateTable('jobs').set({ status: 'canceled' }).where('id', '=', id).execute();
  });

  it('runs each cron slot once with two workers', async () => {
    const cronRegistry = createJobRegistry();
    defineEffectJob(cronRegistry);
    cronRegistry.schedule(EFFECT_JOB, '* * * * * *');
    const cronDeps = { ...deps, jobs: cronRegistry };
    const workers = [createWorker(cronDeps), createWorker(cronDeps)];
    for (const worker of workers) worker.start();
    await sleep(3500);
    await Promise.all(workers.map((w) => w.stop({ graceMs: 2000 })));
    // On a loaded machine the last slots may still be queued: finish them, then count.
    await createWorker(cronDeps).drain();
    const slots = await deps.db.selectFrom('jobs').selectAll().where('dedupe_key', 'like', 'slot:%').execute();
    expect(slots.length).toBeGreaterThanOrEqual(2);
    expect(new Set(slots.map((s) => s.dedupe_key)).size).toBe(slots.length);
    for (const slot of slots) {
      expect(slot.status).toBe('succeeded');
      expect(await effects(deps, slot.id)).toEqual([1]);
    }
  });
});

describe('a job survives kill -9 of its worker', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-kill-'));
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('is taken over after the lease and completes exactly once', async () => {
    let database = await createSharedTestDatabase(path.join(dataDir, 'db'));
    await createEffectsTable.execute(database.db);
    const registry = createJobRegistry();
    defineEffectJob(registry);
    const { id } = await enqueueJob(database.db, registry, { tenantId: TENANT, name: EFFECT_JOB });
    const worker = await startWorkerChild(database, 'crashing-worker.ts');
    await worker.printed('started');
    database = await worker.killAndReopen();
    const deps = createTestDeps(database.db, { jobs: registry, config: testConfig(fastJobs) });
    const killed = await deps.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(killed).toMatchObject({ status: 'running', attempts: 1 });
    expect(await effects(deps, id)).toEqual([]);

    await drainUntil(deps, id, 'succeeded', 15_000);
    const done = await deps.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(done.attempts).toBe(2);
    expect(await effects(deps, id)).toEqual([2]);
    await database.close();
  }, 60_000);
});

async function drainUntil(deps: AppDeps, id: string, status: string, timeoutMs = 10_000) {
  const worker = createWorker(deps);
  await waitFor(async () => {
    await worker.drain();
    const job = await deps.db.selectFrom('jobs').select('status').where('id', '=', id).executeTakeFirstOrThrow();
    return job.status === status;
  }, timeoutMs);
}

async function waitFor(check: () => Promise<boolean>, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await sleep(25);
  }
}

function waitForAbortOr(signal: AbortSignal, ms: number) {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
