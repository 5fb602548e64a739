import type { Selectable } from 'kysely';
import type { Db } from '../db/database.ts';
import type { DB } from '../db/schema.ts';
import type { AppDeps } from '../deps.ts';

export type JobRow = Selectable<DB['jobs']>;

export interface JobContext<P> {
  job: JobRow;
  payload: P;
  /**
   * For a transactional job: the transaction that also marks the job succeeded, so the job's writes and
   * its completion commit together (exactly once, even if the worker dies and the job is re-run).
   * For a non-transactional job: the database itself.
   */
  db: Db;
  deps: AppDeps;
  /** Records progress of a long job and extends its lease. */
  progress(done: number, total: number): Promise<void>;
  /** Aborted when the worker is shutting down or the lease was lost. */
  signal: AbortSignal;
}

export interface JobDefinition<P = Record<string, unknown>> {
  name: string;
  handler(ctx: JobContext<P>): Promise<unknown>;
  /** Default 5. After the last failed attempt the job stays as `failed` (dead letter) until retried. */
  maxAttempts?: number;
  /** Default true: run the handler inside the completing transaction. Long jobs set false and checkpoint. */
  transactional?: boolean;
  /** First retry delay; doubles each attempt up to maxBackoffMs. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /**
   * For a transactional job that many events wake (live segments): the worker claims up to `size` due jobs
   * of this name at once and hands them to `handler` in one transaction that also marks them all succeeded.
   * If the batch fails, each job runs alone through the single handler, so one bad job delays no other.
   */
  batch?: { size: number; handler(ctx: BatchContext<P>): Promise<unknown> };
}

export interface BatchContext<P> {
  jobs: JobRow[];
  payloads: P[];
  db: Db;
  deps: AppDeps;
  signal: AbortSignal;
}

export interface CronSchedule {
  jobName: string;
  /** Standard 5- or 6-field cron pattern. */
  cron: string;
  timeZone: string;
  /** Also run once when a worker starts (once a day at most), so a fresh install need not wait for the first slot. */
  runAtStart: boolean;
}

/** Which jobs exist, which domain events each job listens to, and which run on a schedule. */
export interface JobRegistry {
  define<P>(definition: JobDefinition<P>): void;
  subscribe(eventType: string, jobName: string): void;
  schedule(jobName: string, cron: string, options?: { timeZone?: string; runAtStart?: boolean }): void;
  get(name: string): JobDefinition<unknown> | undefined;
  subscribersOf(eventType: string): readonly string[];
  schedules(): readonly CronSchedule[];
}

export function createJobRegistry(): JobRegistry {
  const definitions = new Map<string, JobDefinition<unknown>>();
  const subscriptions = new Map<string, string[]>();
  const cronSchedules: CronSchedule[] = [];
  const requireDefined = (name: string) => {
    if (!definitions.has(name)) throw new Error(`Job ${name} is not defined`);
  };
  return {
    define(definition) {
      if (definitions.has(definition.name)) throw new Error(`Job ${definition.name} is defined twice`);
      definitions.set(definition.name, definition as JobDefinition<unknown>);
    },
    subscribe(eventType, jobName) {
      requireDefined(jobName);
      const list = subscriptions.get(eventType) ?? [];
      if (!list.includes(jobName)) list.push(jobName);
      subscriptions.set(eventType, list);
    },
    schedule(jobName, cron, { timeZone = 'UTC', runAtStart = false } = {}) {
      requireDefined(jobName);
      cronSchedules.push({ jobName, cron, timeZone, runAtStart });
    },
    get: (name) => definitions.get(name),
    subscribersOf: (eventType) => subscriptions.get(eventType) ?? [],
    schedules: () => cronSchedules,
  };
}
