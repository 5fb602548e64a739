import { sql } from 'kysely';
import type { IdentityInput } from '@hearth/contracts/members';
import type { Db } from '../../db/database.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { validationError, type FieldError } from '../../http/errors.ts';
import { emitEvent } from '../../jobs/outbox.ts';
import type { JobRegistry } from '../../jobs/registry.ts';
import { checkEventProperties } from './event-types.service.ts';
import * as repo from './members.repo.ts';
import { normalizeIdentities } from './members.service.ts';

declare module '../../db/schema.ts' {
  interface DB {
    member_events: {
      tenant_id: string;
      occurred_at: Date;
      client_event_id: string;
      type: string;
      member_id: string | null;
      anonymous_id: string | null;
      properties: string | Record<string, unknown>;
      received_at: Date | undefined;
    };
    member_anonymous_ids: { tenant_id: string; anonymous_id: string; member_id: string; linked_at: Date | undefined };
  }
}

export interface TrackedEvent {
  client_event_id: string;
  type: string;
  occurred_at: string;
  member_id?: string;
  identity?: IdentityInput;
  anonymous_id?: string;
  properties?: Record<string, unknown>;
}

/**
 * Stores a batch of behaviour events. Each event names its member by id, by any identity, or by an
 * anonymous id (stitched to the member once that visitor signs in). Resending a batch adds nothing.
 * The new events go to subscribers as `event.tracked` in the same transaction.
 */
export async function trackEvents(deps: AppDeps, ctx: RequestContext, events: TrackedEvent[]) {
  const errors: FieldError[] = [];
  const identityOf = new Map<number, repo.IdentityKey>();
  events.forEach((event, index) => {
    if (!event.member_id && !event.identity && !event.anonymous_id) {
      errors.push({ field: `events.${index}.member_id`, code: 'no_subject', message: 'send member_id, identity or anonymous_id' });
    }
    if (event.identity) {
      try {
        identityOf.set(index, normalizeIdentities([event.identity], `events.${index}.identity`)[0]!);
      } catch (error) {
        errors.push(...((error as { details?: { errors?: FieldError[] } }).details?.errors ?? []));
      }
    }
  });
  errors.push(...(await checkEventProperties(deps.db, ctx.tenantId, events)));
  if (errors.length) throw validationError(errors);

  return withTransaction(deps.db, async (trx) => {
    const owners = new Map((await repo.findIdentities(trx, ctx.tenantId, [...identityOf.values()])).map((i) => [`${i.type}|${i.app_id}|${i.value}`, i.member_id]));
    const anonymousIds = [...new Set(events.flatMap((e) => (e.anonymous_id ? [e.anonymous_id] : [])))];
    const linked = anonymousIds.length
      ? new Map((await trx.selectFrom('member_anonymous_ids').select(['anonymous_id', 'member_id']).where('tenant_id', '=', ctx.tenantId).where('anonymous_id', 'in', anonymousIds).execute()).map((r) => [r.anonymous_id, r.member_id]))
      : new Map<string, string>();
    const memberIds = [...new Set(events.flatMap((e) => (e.member_id ? [e.member_id] : [])))];
    const known = memberIds.length
      ? new Set((await trx.selectFrom('members').select('id').where('tenant_id', '=', ctx.tenantId).where('id', 'in', memberIds).execute()).map((r) => r.id))
      : new Set<string>();
    const unknownMember = events.flatMap((e, index) => (e.member_id && !known.has(e.member_id) ? [{ field: `events.${index}.member_id`, code: 'unknown_member', message: 'no such member' }] : []));
    if (unknownMember.length) throw validationError(unknownMember);

    const rows = events.map((event, index) => {
      const key = identityOf.get(index);
      const memberId = event.member_id ?? (key ? owners.get(`${key.type}|${key.app_id}|${key.value}`) : undefined) ?? (event.anonymous_id ? linked.get(event.anonymous_id) : undefined) ?? null;
      return {
        tenant_id: ctx.tenantId,
        occurred_at: new Date(event.occurred_at),
        client_event_id: event.client_event_id,
        type: event.type,
        member_id: memberId,
        anonymous_id: event.anonymous_id ?? null,
        properties: JSON.stringify(event.properties ?? {}),
      };
    });
    const inserted = await trx
      .insertInto('member_events')
      .values(rows)
      .onConflict((oc) => oc.columns(['tenant_id', 'client_event_id', 'occurred_at']).doNothing())
      .returning(['client_event_id', 'type', 'member_id', 'occurred_at'])
      .execute();
    if (inserted.length > 0) {
      await emitEvent(trx, deps.jobs, ctx, 'event.tracked', {
        events: inserted.map((e) => ({ client_event_id: e.client_event_id, type: e.type, member_id: e.member_id, occurred_at: e.occurred_at.toISOString() })),
      });
    }
    return { received: events.length, accepted: inserted.length, duplicates: events.length - inserted.length, unattributed: inserted.filter((e) => e.member_id === null).length };
  });
}

/** Gives a member the anonymous visitor's past events and future ones (called at sign-in). */
export async function stitchAnonymous(trx: Db, tenantId: string, anonymousId: string, memberId: string): Promise<number> {
  await trx
    .insertInto('member_anonymous_ids')
    .values({ tenant_id: tenantId, anonymous_id: anonymousId, member_id: memberId })
    .onConflict((oc) => oc.columns(['tenant_id', 'anonymous_id']).doUpdateSet({ member_id: memberId, linked_at: sql`now()` }))
    .execute();
  const result = await trx
    .updateTable('member_events')
    .set({ member_id: memberId })
    .where('tenant_id', '=', tenantId)
    .where('anonymous_id', '=', anonymousId)
    .where('member_id', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** The member's most recent events, for the 360 view. */
export async function recentEvents(db: Db, tenantId: string, memberId: string, limit = 20) {
  const rows = await db
    .selectFrom('member_events')
    .select(['client_event_id', 'type', 'occurred_at', 'properties'])
    .where('tenant_id', '=', tenantId)
    .where('member_id', '=', memberId)
    .orderBy('occurred_at', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ ...r, occurred_at: r.occurred_at.toISOString() }));
}

/**
 * Monthly partitions for this month and the next two, run daily and at start. Events that arrived before
 * their month's partition existed sit in the default partition: they are moved into the new partition
 * before it is attached, all in the job's transaction.
 */
export function registerEventJobs(registry: JobRegistry) {
  registry.define({
    name: 'members.event_partitions',
    handler: async ({ db }) => {
      const created: string[] = [];
      const now = new Date();
      for (let offset = 0; offset < 3; offset++) {
        const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1));
        const end = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
        const name = `member_events_${start.getUTCFullYear()}${String(start.getUTCMonth() + 1).padStart(2, '0')}`;
        const exists = await sql<{ n: number }>`select count(*)::int as n from pg_class where relname = ${name}`.execute(db);
        if (exists.rows[0]!.n > 0) continue;
        const range = { from: start.toISOString(), to: end.toISOString() };
        await sql.raw(`create table ${name} (like member_events including defaults including constraints)`).execute(db);
        await sql`insert into ${sql.table(name)} select * from member_events_default where occurred_at >= ${range.from} and occurred_at < ${range.to}`.execute(db);
        await sql`delete from member_events_default where occurred_at >= ${range.from} and occurred_at < ${range.to}`.execute(db);
        await sql.raw(`alter table member_events attach partition ${name} for values from ('${range.from}') to ('${range.to}')`).execute(db);
        created.push(name);
      }
      return { created };
    },
  });
  registry.schedule('members.event_partitions', '5 0 * * *', { runAtStart: true });
}
