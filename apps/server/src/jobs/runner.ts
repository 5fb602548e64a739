import os from 'node:os';
import { randomUUID } from 'node:crypto';
import type { AppDeps } from '../deps.ts';
import type { BatchContext, JobDefinition, JobRow } from './registry.ts';
import { claimJobs, extendLease, markAllSucceeded, markFailedAttempt, markSucceeded, releaseJob } from './queue.repo.ts';
import { createScheduler } from './scheduler.ts';

export interface Worker {
  id: string;
  start(): void;
  /** Stops claiming, waits up to graceMs for running jobs, then releases the ones still running. */
  stop(options?: { graceMs?: number }): Promise<void>;
  /** Runs due jobs until none is left (tests and scripts). */
  drain(options?: { maxRounds?: number }): Promise<number>;
}

class LeaseLostError extends Error {
  constructor() {
    super('lease lost: the job was released or taken over by another worker');
  }
}

/** A handler that returns after the shutdown signal was interrupted, not finished: its job goes back to the queue. */
class ShutdownError extends Error {
  constructor() {
    super('interrupted by shutdown');
  }
}

const DEFAULT_MAX_BACKOFF_MS = 3_600_000;
/** How soon a worker that found work within the last BUSY_WINDOW_MS looks again after an empty claim. */
const BUSY_POLL_MS = 50;
const BUSY_WINDOW_MS = 10_000;
/** How long a batch job that found fewer than a batch waits for more (segment entry must stay well under a second). */
const BATCH_LINGER_MS = 100;

/**
 * The job worker: claims due jobs (FOR UPDATE SKIP LOCKED), runs their handlers, and records the outcome.
 * A transactional job's handler runs in the transaction that marks it succeeded, guarded by this worker's
 * lock, so if the worker dies mid-run nothing of the attempt remains and the next worker runs it afresh:
 * the job completes exactly once.
 */
export function createWorker(deps: AppDeps, options: { id?: string; concurrency?: number } = {}): Worker {
  const id = options.id ?? `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const concurrency = options.concurrency ?? deps.config.jobs.concurrency;
  const leaseSeconds = deps.config.jobs.leaseSeconds;
  const running = new Map<string, { job: JobRow; controller: AbortController; done: Promise<void> }>();
  const scheduler = createScheduler(deps);
  let loop: Promise<void> | undefined;
  let stopping = false;
  let wake: (() => void) | undefined;

  async function runOnce(): Promise<number> {
    const free = concurrency - running.size;
    if (free <= 0) return 0;
    const jobs = await claimJobs(deps.db, id, free, leaseSeconds);
    for (const job of jobs) {
      const controller = new AbortController();
      const done = execute(job, controller.signal).finally(() => {
        running.delete(job.id);
        wake?.();
      });
      running.set(job.id, { job, controller, done });
    }
    return jobs.length;
  }

  async function execute(job: JobRow, signal: AbortSignal): Promise<void> {
    const definition = deps.jobs.get(job.name);
    if (definition?.batch && definition.transactional !== false && job.attempts <= job.max_attempts) {
      if (await executeBatch(job, definition as JobDefinition<unknown> & { batch: NonNullable<JobDefinition<unknown>['batch']> }, signal)) return;
    }
    try {
      if (!definition) throw new Error(`no handler is defined for job ${job.name}`);
      if (job.attempts > job.max_attempts) throw new Error('lease expired on the last attempt; worker presumed dead');
      if (definition.transactional === false) await runPlain(job, definition, signal);
      else await runInTransaction(job, definition, signal);
    } catch (error) {
      if (error instanceof LeaseLostError) {
        deps.log.warn({ job: job.id, name: job.name }, error.message);
        return;
      }
      if (error instanceof ShutdownError) {
        await releaseJob(deps.db, job, id).catch((err: unknown) => deps.log.error({ err, job: job.id }, 'could not release a job at shutdown'));
        deps.log.warn({ job: job.id, name: job.name }, 'job released at shutdown');
        return;
      }
      const retryable = definition !== undefined && job.attempts < job.max_attempts;
      const retryInMs = retryable ? backoff(definition, job.attempts) : null;
      deps.log.warn({ job: job.id, name: job.name, attempt: job.attempts, err: error, retryInMs }, 'job attempt failed');
      await markFailedAttempt(deps.db, job, id, describe(error), retryInMs).catch((err: unknown) =>
        deps.log.error({ err, job: job.id }, 'could not record a failed job attempt'),
      );
    }
  }

  /**
   * Runs `first` with whatever due jobs of its name can be claimed beside it, all in one transaction.
   * Returns false if the batch failed: its jobs were then released and `first` runs alone; the others are
   * claimed again, alone or in later batches, so a job that cannot succeed ends up failing on its own.
   */
  async function executeBatch(first: JobRow, definition: JobDefinition<unknown> & { batch: NonNullable<JobDefinition<unknown>['batch']> }, signal: AbortSignal): Promise<boolean> {
    let claimed = await claimJobs(deps.db, id, definition.batch.size - 1, leaseSeconds, first.name);
    // A steady stream (a few events a second per subscriber) would otherwise run one job per transaction, and
    // the claims and commits would cost more than the work: a short wait lets the batch fill.
    if (claimed.length < definition.batch.size - 1 && !signal.aborted) {
      await new Promise((resolve) => setTimeout(resolve, BATCH_LINGER_MS));
      claimed = claimed.concat(await claimJobs(deps.db, id, definition.batch.size - 1 - claimed.length, leaseSeconds, first.name));
    }
    // Jobs whose last attempt's worker died go the single way, which records them as failed.
    const stale = claimed.filter((j) => j.attempts > j.max_attempts);
    for (const job of stale) await execute(job, signal);
    const more = claimed.filter((j) => j.attempts <= j.max_attempts);
    const jobs = [first, ...more];
    try {
      await deps.db.transaction().execute(async (trx) => {
        const context: BatchContext<unknown> = { jobs, payloads: jobs.map((j) => j.payload), db: trx, deps: { ...deps, db: trx }, signal };
        const result = await definition.batch.handler(context);
        if (signal.aborted) throw new ShutdownError();
        if (!(await markAllSucceeded(trx, jobs, id, result))) throw new LeaseLostError();
      });
      return true;
    } catch (error) {
      if (!(error instanceof ShutdownError || error instanceof LeaseLostError)) deps.log.warn({ err: error, name: first.name, jobs: jobs.length }, 'job batch failed; its jobs run alone');
      // Claimed here but not run: back to the queue without counting the attempt. The first one, too, on shutdown.
      for (const job of more) await releaseJob(deps.db, job, id).catch((err: unknown) => deps.log.error({ err, job: job.id }, 'could not release a job'));
      if (error instanceof ShutdownError || error instanceof LeaseLostError) {
        await releaseJob(deps.db, first, id).catch((err: unknown) => deps.log.error({ err, job: first.id }, 'could not release a job'));
        return true;
      }
      return false;
    }
  }

  async function runInTransaction(job: JobRow, definition: JobDefinition<unknown>, signal: AbortSignal) {
    await deps.db.transaction().execute(async (trx) => {
      const result = await definition.handler({
        job,
        payload: job.payload,
        db: trx,
        deps: { ...deps, db: trx },
        signal,
        // Progress of a transactional job commits with it; useful only for jobs that also run long.
        progress: (done, total) => extendLease(trx, job, id, leaseSeconds, { done, total }),
      });
      // Rolling back keeps the transactional promise: the job's writes and its completion go together or not at all.
      if (signal.aborted) throw new ShutdownError();
      if (!(await markSucceeded(trx, job, id, result))) throw new LeaseLostError();
    });
  }

  async function runPlain(job: JobRow, definition: JobDefinition<unknown>, signal: AbortSignal) {
    // A long job keeps its lease alive while it works; progress calls extend it too.
    const heartbeat = setInterval(() => {
      extendLease(deps.db, job, id, leaseSeconds).catch((err: unknown) => deps.log.warn({ err, job: job.id }, 'lease heartbeat failed'));
    }, (leaseSeconds * 1000) / 3);
    try {
      const result = await definition.handler({
        job,
        payload: job.payload,
        db: deps.db,
        deps,
        signal,
        progress: (done, total) => extendLease(deps.db, job, id, leaseSeconds, { done, total }),
      });
      if (signal.aborted) throw new ShutdownError();
      if (!(await markSucceeded(deps.db, job, id, result))) throw new LeaseLostError();
    } finally {
      clearInterval(heartbeat);
    }
  }

  async function pollLoop() {
    let lastFound = 0;
    while (!stopping) {
      let claimed = 0;
      try {
        claimed = await runOnce();
      } catch (err) {
        deps.log.error({ err }, 'claiming jobs failed');
      }
      if (stopping) break;
      if (claimed > 0) lastFound = Date.now();
      // Found work and still has room: look again at once; otherwise sleep until the poll interval or a job ends.
      if (claimed > 0 && running.size < concurrency) continue;
      // While work keeps coming (a stream of orders waking live segments), look again soon rather than a whole
      // interval later: a job enqueued just after an empty claim would otherwise wait up to pollMs.
      const sleepMs = Date.now() - lastFound < BUSY_WINDOW_MS ? Math.min(BUSY_POLL_MS, deps.config.jobs.pollMs) : deps.config.jobs.pollMs;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, sleepMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    }
  }

  return {
    id,
    start() {
      if (loop) return;
      stopping = false;
      scheduler.start();
      loop = pollLoop();
      deps.log.info({ worker: id, concurrency }, 'job worker started');
    },
    async stop({ graceMs = deps.config.shutdownGraceSeconds * 1000 } = {}) {
      stopping = true;
      scheduler.stop();
      wake?.();
      await loop;
      loop = undefined;
      const all = Promise.all([...running.values()].map((r) => r.done));
      const timedOut = await Promise.race([all.then(() => false), sleep(graceMs).then(() => true)]);
      if (timedOut) {
        // Handlers that heed the signal end as interrupted and release their own jobs (see execute);
        // a job whose handler ignores it is released here, so another worker can take it.
        for (const { controller } of running.values()) controller.abort();
        const ended = await Promise.race([Promise.all([...running.values()].map((r) => r.done)).then(() => true), sleep(5000).then(() => false)]);
        if (!ended) {
          for (const { job } of running.values()) {
            await releaseJob(deps.db, job, id).catch((err: unknown) => deps.log.error({ err, job: job.id }, 'could not release a job at shutdown'));
          }
        }
      }
      deps.log.info({ worker: id }, 'job worker stopped');
    },
    async drain({ maxRounds = 1000 } = {}) {
      let total = 0;
      for (let round = 0; round < maxRounds; round++) {
        const claimed = await runOnce();
        total += claimed;
        await Promise.all([...running.values()].map((r) => r.done));
        if (claimed === 0) break;
      }
      return total;
    },
  };
}

function backoff(definition: JobDefinition<unknown>, attempt: number): number {
  const base = definition.backoffMs ?? 1000;
  const cap = definition.maxBackoffMs ?? DEFAULT_MAX_BACKOFF_MS;
  const delay = Math.min(cap, base * 2 ** (attempt - 1));
  // ±10% jitter so jobs that failed together do not retry in lockstep.
  return Math.round(delay * (0.9 + Math.random() * 0.2));
}

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.message}\n${(error.stack ?? '').split('\n').slice(1, 6).join('\n')}`.slice(0, 4000);
  return String(error).slice(0, 4000);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

