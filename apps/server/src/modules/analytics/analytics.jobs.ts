import { DateTime } from 'luxon';
import type { Db } from '../../db/database.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { enqueueJob } from '../../jobs/enqueue.ts';
import type { JobRegistry } from '../../jobs/registry.ts';
import type { MemberHooks } from '../members/member-hooks.ts';
import { findMemberClv, runClvFit } from './clv.service.ts';
import { refreshAllTenants } from './influence.service.ts';

export const CLV_FIT_JOB = 'analytics.clv_fit';

export function registerAnalyticsJobs(registry: JobRegistry) {
  // Chunked with its own commits (a tenant may have millions of members), so not one transaction; a rerun
  // rewrites every row, which makes a retry after a crash safe.
  registry.define({
    name: CLV_FIT_JOB,
    transactional: false,
    maxAttempts: 3,
    handler: async ({ deps, job, signal, progress }) => runClvFit(deps, job.tenant_id, { signal, progress }),
  });
  registry.define({
    name: 'analytics.clv_weekly',
    maxAttempts: 3,
    handler: async ({ deps, db }) => {
      const tenants = await db.selectFrom('tenants').select('id').where('status', '=', 'active').execute();
      const week = DateTime.fromJSDate(deps.clock.now(), { zone: 'UTC' }).toFormat("kkkk-'W'WW");
      for (const tenant of tenants) await enqueueJob(db, deps.jobs, { tenantId: tenant.id, name: CLV_FIT_JOB, key: `week:${week}` });
      return { tenants: tenants.length };
    },
  });
  // Monday before dawn in China, when the shops are shut: the fit reads every order of every tenant.
  registry.schedule('analytics.clv_weekly', '30 3 * * 1', { timeZone: 'Asia/Shanghai' });
  registry.define({ name: 'analytics.member_flags', transactional: false, maxAttempts: 3, handler: async ({ deps }) => refreshAllTenants(deps) });
  registry.schedule('analytics.member_flags', '10 4 * * *', { timeZone: 'Asia/Shanghai' });
}

/** Fits the tenant's CLV model now, unless a run is already queued or running. */
export async function enqueueClvFit(deps: AppDeps, ctx: RequestContext) {
  const running = await deps.db
    .selectFrom('jobs')
    .select('id')
    .where('tenant_id', '=', ctx.tenantId)
    .where('name', '=', CLV_FIT_JOB)
    .where('status', 'in', ['queued', 'running'])
    .executeTakeFirst();
  if (running) return { job_id: running.id, already_queued: true };
  const job = await enqueueJob(deps.db, deps.jobs, { tenantId: ctx.tenantId, name: CLV_FIT_JOB, key: `manual:${deps.clock.now().toISOString()}` });
  return { job_id: job.id, already_queued: false };
}

/**
 * A merged member's CLV and flags go (its orders now belong to the survivor, rescored at the next run), and
 * so do an erased member's. The member 360 view shows the member's CLV.
 */
export function registerAnalyticsMemberHooks(hooks: MemberHooks) {
  const forget = async (trx: Db, tenantId: string, memberId: string) => {
    let rows = 0;
    for (const table of ['member_clv', 'member_analytics'] as const) {
      rows += Number((await trx.deleteFrom(table).where('tenant_id', '=', tenantId).where('member_id', '=', memberId).executeTakeFirst()).numDeletedRows);
    }
    return rows;
  };
  hooks.onMerge({ name: 'analytics', move: (trx, ctx, { fromMemberId }) => forget(trx, ctx.tenantId, fromMemberId) });
  hooks.onErase({ name: 'analytics', erase: (trx, ctx, memberId) => forget(trx, ctx.tenantId, memberId) });
  hooks.addSection({
    name: 'clv',
    load: async (deps, ctx, memberId) => (await findMemberClv(deps, ctx, memberId)) ?? null,
  });
}
