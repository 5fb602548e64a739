import { sql, type RawBuilder } from 'kysely';
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
 * The subscriber jobs of events that a hot path writes inside its own single statement, as that statement's
 * last CTE body, so an event with subscribers costs no extra round trip. `events` names a CTE of the same
 * statement that inserted the events `returning tenant_id, id, type, payload, occurred_at`; `candidates`
 * are their ids with the types each may turn out to have (known before the statement runs, so every job
 * gets a time-ordered id like emitEvents' jobs). The job payload is emitEvents' — `{ event }` with the
 * time as ISO 8601 in UTC — and the key the same `event:<id>`.
 */
export function subscriberJobsSql(registry: JobRegistry, events: string, candidates: readonly { id: string; types: readonly string[] }[]): RawBuilder<unknown> {
  return sql`insert into jobs (${sql.join(subscriberJobColumns.map((c) => sql.ref(c)))})
    ${subscriberJobRows(registry, events, candidates)}
    on conflict (tenant_id, name, dedupe_key) where dedupe_key is not null do nothing`;
}

export const subscriberJobColumns = ['tenant_id', 'id', 'name', 'dedupe_key', 'payload', 'max_attempts', 'run_at'] as const;

/** The rows of subscriberJobsSql, in the order of subscriberJobColumns (for a query builder's insert). */
export function subscriberJobRows(registry: JobRegistry, events: string, candidates: readonly { id: string; types: readonly string[] }[]): RawBuilder<unknown> {
  const jobs = candidates.flatMap((c) =>
    c.types.flatMap((type) => registry.subscribersOf(type).map((name) => ({ eventId: c.id, type, name, id: uuidv7(), maxAttempts: registry.get(name)!.maxAttempts ?? 5 }))),
  );
  return sql`select e.tenant_id, s.id, s.name, 'event:' || e.id::text,
      jsonb_build_object('event', jsonb_build_object('tenant_id', e.tenant_id, 'id', e.id, 'type', e.type, 'payload', e.payload,
        'occurred_at', to_char(e.occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))),
      s.max_attempts, ${new Date()}::timestamptz
    from ${sql.table(events)} e
    join unnest(${jobs.map((j) => j.eventId)}::uuid[], ${jobs.map((j) => j.type)}::text[], ${jobs.map((j) => j.name)}::text[], ${jobs.map((j) => j.id)}::uuid[], ${jobs.map((j) => j.maxAttempts)}::int[])
      as s(event_id, type, name, id, max_attempts) on s.event_id = e.id and s.type = e.type`;
}

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
  for (let start = 0; start < events.length; start += EMIT_CHUNK) await emitEventChunk(trx, registry, actor, events.slice(start, start + EMIT_CHUNK), requestId);
}

async function emitEventChunk(trx: Db, registry: JobRegistry, actor: Pick<RequestContext['actor'], 'type' | 'id'>, events: { tenantId: string; type: string; payload: Record<string, unknown> }[], requestId: string | null) {
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
  for (let start = 0; start < jobs.length; start += EMIT_CHUNK) {
    await trx.insertInto('jobs').values(jobs.slice(start, start + EMIT_CHUNK)).onConflict((oc) => oc.columns(['tenant_id', 'name', 'dedupe_key']).where('dedupe_key', 'is not', null).doNothing()).execute();
  }
}

/** Rows per insert: far under the 65,535 parameters of a statement for events (7 columns) and jobs (15). */
const EMIT_CHUNK = 1000;
const noJobState = { locked_by: null, locked_until: null, last_error: null, progress_done: null, progress_total: null, result: null, started_at: null, finished_at: null };
