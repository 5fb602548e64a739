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
  const id = uuidv7();
  const row = await trx
    .insertInto('domain_events')
    .values({
      tenant_id: ctx.tenantId,
      id,
      type,
      payload: JSON.stringify(payload),
      actor_type: ctx.actor.type,
      actor_id: ctx.actor.id,
      request_id: ctx.requestId,
    })
    .returning('occurred_at')
    .executeTakeFirstOrThrow();
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
