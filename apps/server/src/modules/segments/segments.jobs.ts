import { sql } from 'kysely';
import type { DomainEvent } from '../../jobs/outbox.ts';
import type { JobRegistry } from '../../jobs/registry.ts';
import type { AppDeps } from '../../deps.ts';
import type { Db } from '../../db/database.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { SegmentConditions } from './conditions.ts';
import { refreshLifecycle } from './lifecycle.service.ts';
import { evaluateMembers, recomputeSegment } from './membership.ts';
import { recomputeRfm } from './rfm.service.ts';

export const LIVE_JOB = 'segments.live';
const MEMBERS_PER_EVALUATION = 2000;

export function registerSegmentJobs(registry: JobRegistry) {
  registry.define<{ event: DomainEvent }>({
    name: LIVE_JOB,
    maxAttempts: 10,
    backoffMs: 200,
    handler: async ({ deps, payload, db }) => evaluateEvents(db, deps, [payload.event]),
    // Under a stream of orders the events of many members wait at once: one evaluation per tenant takes
    // them all, instead of one claim, evaluation and commit each.
    batch: { size: 200, handler: async ({ deps, payloads, db }) => evaluateEvents(db, deps, payloads.map((p) => p.event)) },
  });
  registry.define<{ segment_id: string }>({
    name: 'segments.recompute',
    handler: async ({ deps, payload, job }) => recomputeSegment(deps, job.tenant_id, payload.segment_id),
  });
  registry.define<{ tenant_id?: string }>({
    name: 'segments.sweep',
    transactional: false,
    handler: async ({ deps, payload, signal }) => sweep(deps, { tenantId: payload.tenant_id, signal }),
  });
  registry.define<{ tenant_id?: string }>({
    name: 'segments.rfm',
    transactional: false,
    handler: async ({ deps, payload, signal }) => rfmRun(deps, { tenantId: payload.tenant_id, signal }),
  });
  // "No order for 90 days" turns true at midnight without any event: hourly, so each tenant's midnight is caught within the hour.
  registry.schedule('segments.sweep', '23 * * * *', { runAtStart: true });
  registry.schedule('segments.rfm', '40 3 * * *', { timeZone: 'Asia/Shanghai', runAtStart: true });
}

/** Re-evaluates the members the events touched, against the segments that depend on what changed, tenant by tenant. */
async function evaluateEvents(db: Db, deps: AppDeps, events: DomainEvent[]) {
  const totals = { events: events.length, members: 0, changes: 0 };
  const byTenant = new Map<string, DomainEvent[]>();
  for (const event of events) byTenant.set(event.tenant_id, [...(byTenant.get(event.tenant_id) ?? []), event]);
  for (const [tenantId, tenantEvents] of [...byTenant].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const affected = tenantEvents.flatMap((event) =>
      deps.segmentConditions
        .triggers()
        .filter((t) => t.eventType === event.type)
        .flatMap((t) => t.affected(event.payload)),
    );
    const cause = `live:${[...new Set(tenantEvents.map((e) => e.type))].sort().join(',')}`;
    // A batch of import events names up to a thousand members each: evaluated a bounded number at a time.
    const byMember = new Map<string, typeof affected>();
    for (const a of affected) byMember.set(a.memberId, [...(byMember.get(a.memberId) ?? []), a]);
    const members = [...byMember.keys()];
    for (let i = 0; i < members.length; i += MEMBERS_PER_EVALUATION) {
      const some = members.slice(i, i + MEMBERS_PER_EVALUATION).flatMap((m) => byMember.get(m)!);
      totals.changes += (await evaluateMembers(db, deps, tenantId, some, cause)).length;
    }
    totals.members += members.length;
  }
  return totals;
}

/** Every event some condition depends on wakes the live job (called once all modules registered theirs). */
export function subscribeSegmentTriggers(registry: JobRegistry, conditions: SegmentConditions) {
  for (const trigger of conditions.triggers()) registry.subscribe(trigger.eventType, LIVE_JOB);
}

/**
 * The scheduled sweep: lifecycle stages as of now, then every segment whose rule depends on time (or on
 * stages, if any moved), each recomputed in its own transaction.
 */
export async function sweep(deps: AppDeps, options: { tenantId?: string; signal?: AbortSignal } = {}) {
  const totals = { tenants: 0, stage_changes: 0, segments: 0, entered: 0, exited: 0 };
  for (const tenantId of await activeTenants(deps, options.tenantId)) {
    if (options.signal?.aborted) break;
    const moved = await withTransaction(deps.db, (trx) => refreshLifecycle(trx, tenantId, deps.clock.now()));
    const segments = await deps.db
      .selectFrom('segments')
      .select('id')
      .where('tenant_id', '=', tenantId)
      .where('status', '=', 'active')
      .where('kind', '=', 'dynamic')
      .where((eb) => eb.or([eb('time_based', '=', true), ...(moved.length ? [eb(sql<boolean>`depends_on && array['lifecycle']`, '=', true)] : [])]))
      .execute();
    for (const segment of segments) {
      const result = await recomputeSegment(deps, tenantId, segment.id, 'sweep');
      totals.entered += result.entered;
      totals.exited += result.exited;
    }
    totals.tenants += 1;
    totals.stage_changes += moved.length;
    totals.segments += segments.length;
  }
  return totals;
}

/** Daily RFM scores, then the segments that select by them. */
export async function rfmRun(deps: AppDeps, options: { tenantId?: string; signal?: AbortSignal } = {}) {
  const totals = { tenants: 0, members: 0, segments: 0 };
  for (const tenantId of await activeTenants(deps, options.tenantId)) {
    if (options.signal?.aborted) break;
    const scored = await recomputeRfm(deps, tenantId);
    const segments = await deps.db
      .selectFrom('segments')
      .select('id')
      .where('tenant_id', '=', tenantId)
      .where('status', '=', 'active')
      .where('kind', '=', 'dynamic')
      .where(sql<boolean>`depends_on && array['rfm']`)
      .execute();
    for (const segment of segments) await recomputeSegment(deps, tenantId, segment.id, 'rfm');
    totals.tenants += 1;
    totals.members += scored.members;
    totals.segments += segments.length;
  }
  return totals;
}

async function activeTenants(deps: AppDeps, only?: string): Promise<string[]> {
  const rows = await deps.db.selectFrom('tenants').select('id').where('status', '=', 'active').$if(only !== undefined, (q) => q.where('id', '=', only!)).execute();
  return rows.map((r) => r.id);
}
