import { Cron } from 'croner';
import type { AppDeps } from '../deps.ts';
import { enqueueJob, PLATFORM_TENANT_ID } from './enqueue.ts';

const TICK_MS = 1000;
// A tick that falls behind (a long GC pause, a suspended laptop) catches up this many slots at most.
const MAX_SLOTS_PER_TICK = 60;

/**
 * Turns cron schedules into jobs. Each slot becomes one job keyed `slot:<time>`; the unique dedupe index
 * makes the slot run once however many workers see it. Slots before the worker started are not
 * backfilled: a schedule's work is meant to be idempotent and periodic, so the next slot covers it.
 */
export function createScheduler(deps: AppDeps) {
  const schedules = deps.jobs.schedules().map((s) => ({ ...s, cron: new Cron(s.cron, { timezone: s.timeZone, paused: true }) }));
  let timer: NodeJS.Timeout | undefined;
  let checkedUntil = new Date();
  let ticking = false;

  async function tick() {
    if (ticking) return;
    ticking = true;
    const now = new Date();
    try {
      for (const schedule of schedules) {
        let from = checkedUntil;
        for (let i = 0; i < MAX_SLOTS_PER_TICK; i++) {
          const slot = schedule.cron.nextRun(from);
          if (!slot || slot > now) break;
          await enqueueJob(deps.db, deps.jobs, {
            tenantId: PLATFORM_TENANT_ID,
            name: schedule.jobName,
            key: `slot:${slot.toISOString()}`,
            runAt: slot,
          });
          from = slot;
        }
      }
      checkedUntil = now;
    } catch (err) {
      deps.log.error({ err }, 'cron tick failed; retrying next tick');
    } finally {
      ticking = false;
    }
  }

  async function runStartupJobs() {
    const today = new Date().toISOString().slice(0, 10);
    for (const schedule of schedules.filter((s) => s.runAtStart)) {
      await enqueueJob(deps.db, deps.jobs, { tenantId: PLATFORM_TENANT_ID, name: schedule.jobName, key: `start:${today}` }).catch((err: unknown) =>
        deps.log.error({ err, job: schedule.jobName }, 'could not enqueue a start-up job'),
      );
    }
  }

  return {
    start() {
      if (timer || schedules.length === 0) return;
      checkedUntil = new Date();
      void runStartupJobs();
      timer = setInterval(() => void tick(), TICK_MS);
    },
    stop() {
      clearInterval(timer);
      timer = undefined;
    },
    tick,
  };
}
