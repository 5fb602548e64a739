import { v7 as uuidv7 } from 'uuid';
import type { Db } from '../db/database.ts';
import type { JobRegistry } from './registry.ts';
import type { RequestContext } from '../deps.ts';
import { enqueueJob } from './enqueue.ts';

export interface DomainEvent<P = Record<string, unknown>> {
  id: string;
  tenant_id: string;
  type: string;
  payload: P;
  occurred_at: string;
}

/**
 * Records a domain event (`store.created`, later `order.created` …) and enqueues one job per subscriber,
 * all with the caller's transaction: if the business write rolls back, no event and no job remain.
 * Subscriber jobs are keyed by event id, so a subscriber sees each event once.
 */
export async function emitEvent(
  trx: Db,
  registry: JobRegistry,
  ctx: RequestContext,
  type: string,
  payload: Record<string, unknown>,
): Promise<DomainEvent> {
  const values = eventRow(ctx, type, payload);
  const id = values.id;
  const row = await trx.insertInto('domain_events').values(values).returning('occurred_at').executeTakeFirstOrThrow();
  const event: DomainEvent = { id, tenant_id: ctx.tenantId, type, payload, occurred_at: row.occurred_at.toISOString() };
  for (const jobName of registry.subscribersOf(type)) {
    await enqueueJob(trx, registry, {
      tenantId: ctx.tenantId,
      name: jobName,
      key: `event:${id}`,
      payload: { event: event as unknown as Record<string, unknown> },
    });
  }
  return event;
}

export function eventRow(ctx: Pick<RequestContext, 'tenantId' | 'actor' | 'requestId'>, type: string, payload: Record<string, unknown>) {
  return { tenant_id: ctx.tenantId, id: uuidv7(), type, payload: JSON.stringify(payload), actor_type: ctx.actor.type, actor_id: ctx.actor.id, request_id: ctx.requestId };
}

/**
 * Whether an event may be written inside another statement (a hot path's single write): only when no
 * job subscribes to it, since subscriber jobs are enqueued with the event. Otherwise use emitEvent.
 */
export const canInlineEvent = (registry: JobRegistry, type: string) => registry.subscribersOf(type).length === 0;

/**
 * emitEvent for many events at once (a job that touches thousands of members): one insert for the events
 * and one per subscriber for their jobs, in the caller's transaction.
 */
export async function emitEvents(
  trx: Db,
  registry: JobRegistry,
  actor: Pick<RequestContext['actor'], 'type' | 'id'>,
  events: { tenantId: string; type: string; payload: Record<string, unknown> }[],
  requestId: string | null = null,
): Promise<void> {
  if (!events.length) return;
  const rows = events.map((e) => ({ tenant_id: e.tenantId, id: uuidv7(), type: e.type, payload: JSON.stringify(e.payload), actor_type: actor.type, actor_id: actor.id, request_id: requestId }));
  const inserted = await trx.insertInto('domain_events').values(rows).returning(['tenant_id', 'id', 'type', 'payload', 'occurred_at']).execute();
  const jobs = inserted.flatMap((event) =>
    registry.subscribersOf(event.type).map((jobName) => ({
      tenant_id: event.tenant_id,
      id: uuidv7(),
      name: jobName,
      dedupe_key: `event:${event.id}`,
      payload: JSON.stringify({ event: { ...event, occurred_at: event.occurred_at.toISOString() } }),
      max_attempts: registry.get(jobName)!.maxAttempts ?? 5,
      run_at: new Date(),
      ...noJobState,
    })),
  );
  if (jobs.length) await trx.insertInto('jobs').values(jobs).onConflict((oc) => oc.columns(['tenant_id', 'name', 'dedupe_key']).where('dedupe_key', 'is not', null).doNothing()).execute();
}

const noJobState = { locked_by: null, locked_until: null, last_error: null, progress_done: null, progress_total: null, result: null, started_at: null, finished_at: null };
