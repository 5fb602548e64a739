import { isDeepStrictEqual } from 'node:util';
import { sql, type Selectable } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { EventInput, EventQuestion } from '@hearth/contracts/events';
import type { Db } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { AppError, notFound, validationError } from '../../http/errors.ts';
import { decodeTimeCursor, timeCursorKey, toPage } from '../../http/pagination.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { normalizeEligibility } from '../pricing/eligibility.ts';
import { getStore } from '../stores/stores.service.ts';
import './events.tables.ts';
import { containsPattern } from '../../db/like.ts';

export type EventRow = Selectable<DB['events']>;
export interface MemberPrice {
  audience: 'tier' | 'plan';
  audience_id: string;
  price: number;
}

export async function createEvent(deps: AppDeps, ctx: RequestContext, input: EventInput) {
  await checkStore(deps, ctx, input);
  return withTransaction(deps.db, async (trx) => {
    const row = await trx
      .insertInto('events')
      .values({ tenant_id: ctx.tenantId, id: uuidv7(), ...columnsOf(input) })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, ctx, { action: 'event.create', resourceType: 'event', resourceId: row.id, details: { title: row.title } });
    return serializeEvent(trx, row);
  });
}

/**
 * Edits an event. Once anyone registered, its price and questions are frozen (the registrations were priced
 * and answered against them) and its capacity cannot drop below the seats taken; a larger capacity promotes
 * waitlisted members into the new seats, in order (the caller passes the promotion so this file stays
 * independent of registrations).
 */
export async function updateEvent(deps: AppDeps, ctx: RequestContext, id: string, input: EventInput, promote: (trx: Db, event: EventRow) => Promise<void>) {
  await checkStore(deps, ctx, input);
  return withTransaction(deps.db, async (trx) => {
    const before = await lockEvent(trx, ctx.tenantId, id);
    if (before.status === 'canceled') throw new AppError('EVENT_NOT_OPEN', 'A canceled event cannot be edited');
    const next = columnsOf(input);
    const registered = await trx.selectFrom('event_registrations').select('id').where('tenant_id', '=', ctx.tenantId).where('event_id', '=', id).limit(1).executeTakeFirst();
    if (registered) {
      const frozen = next.price_kind !== before.price_kind || next.price_amount !== before.price_amount || !isDeepStrictEqual(JSON.parse(next.member_prices), before.member_prices) || !isDeepStrictEqual(JSON.parse(next.questions), before.questions);
      if (frozen) throw new AppError('EVENT_IN_USE', 'Members have registered: the price and the questions can no longer change', { errors: [{ field: 'price', code: 'frozen', message: 'members have registered' }] });
    }
    if (input.capacity < before.seats_taken) throw validationError([{ field: 'capacity', code: 'below_taken', message: `${before.seats_taken} seats are taken` }]);
    const row = await trx.updateTable('events').set({ ...next, updated_at: sql`now()` }).where('tenant_id', '=', ctx.tenantId).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
    if (row.status === 'published' && row.capacity > before.capacity) await promote(trx, row);
    await recordAudit(trx, ctx, { action: 'event.update', resourceType: 'event', resourceId: id, details: { capacity: row.capacity } });
    return serializeEvent(trx, await getEventRow(trx, ctx.tenantId, id));
  });
}

export async function publishEvent(deps: AppDeps, ctx: RequestContext, id: string) {
  return withTransaction(deps.db, async (trx) => {
    const row = await lockEvent(trx, ctx.tenantId, id);
    if (row.status === 'canceled') throw new AppError('EVENT_NOT_OPEN', 'A canceled event cannot be published');
    if (row.status === 'draft') {
      await trx.updateTable('events').set({ status: 'published', updated_at: sql`now()` }).where('tenant_id', '=', ctx.tenantId).where('id', '=', id).execute();
      await recordAudit(trx, ctx, { action: 'event.publish', resourceType: 'event', resourceId: id });
    }
    return serializeEvent(trx, await getEventRow(trx, ctx.tenantId, id));
  });
}

/**
 * Events newest start first (upcoming: soonest first), a page at a time. The cursor is the last row's start and
 * id, so the keyset follows the (tenant_id, starts_at) index and events starting at the same time keep one order.
 */
export async function listEvents(db: Db, tenantId: string, filter: { status?: EventRow['status']; upcomingAt?: Date; titleContains?: string; cursor?: string; limit: number }) {
  const direction = filter.upcomingAt ? 'asc' : 'desc';
  let q = db.selectFrom('events').selectAll().where('tenant_id', '=', tenantId);
  if (filter.status) q = q.where('status', '=', filter.status);
  if (filter.titleContains) q = q.where('title', 'ilike', containsPattern(filter.titleContains));
  if (filter.upcomingAt) q = q.where('ends_at', '>', filter.upcomingAt);
  const after = decodeTimeCursor(filter.cursor);
  if (after) q = q.where(sql<boolean>`(starts_at, id) ${sql.raw(direction === 'asc' ? '>' : '<')} (${after.at}, ${after.id})`);
  const rows = await q.orderBy('starts_at', direction).orderBy('id', direction).limit(filter.limit + 1).execute();
  const page = toPage(rows, filter.limit, (r) => timeCursorKey(r.starts_at, r.id));
  return { data: await serializeEvents(db, page.data), next_cursor: page.next_cursor };
}

export async function getEventRow(db: Db, tenantId: string, id: string): Promise<EventRow> {
  const row = await db.selectFrom('events').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Event');
  return row;
}

/** The event's row lock: edits, cancellations and promotions of one event take it first, so they serialize. */
export async function lockEvent(db: Db, tenantId: string, id: string): Promise<EventRow> {
  const row = await db.selectFrom('events').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).forUpdate().executeTakeFirst();
  if (!row) throw notFound('Event');
  return row;
}

export async function serializeEvent(db: Db, row: EventRow) {
  return (await serializeEvents(db, [row]))[0]!;
}

export async function serializeEvents(db: Db, rows: EventRow[]) {
  if (!rows.length) return [];
  const tenantId = rows[0]!.tenant_id;
  const ids = rows.map((r) => r.id);
  const storeIds = [...new Set(rows.map((r) => r.store_id).filter((s): s is string => s !== null))];
  const [waiting, stores] = await Promise.all([
    db.selectFrom('event_registrations').select(['event_id', sql<number>`count(*)::int`.as('n')]).where('tenant_id', '=', tenantId).where('event_id', 'in', ids).where('status', '=', 'waitlisted').groupBy('event_id').execute(),
    storeIds.length ? db.selectFrom('stores').select(['id', 'name']).where('tenant_id', '=', tenantId).where('id', 'in', storeIds).execute() : Promise.resolve([]),
  ]);
  const waitingBy = new Map(waiting.map((w) => [w.event_id, w.n]));
  const storeName = new Map(stores.map((s) => [s.id, s.name]));
  return rows.map((r) => ({
    id: r.id,
    title: r.title,
    description: r.description,
    location: { kind: r.location_kind, store_id: r.store_id, store_name: r.store_id ? (storeName.get(r.store_id) ?? null) : null, address_note: r.address_note, url: r.online_url },
    starts_at: r.starts_at.toISOString(),
    ends_at: r.ends_at.toISOString(),
    cancel_deadline: r.cancel_deadline.toISOString(),
    capacity: r.capacity,
    seats_taken: r.seats_taken,
    seats_left: r.capacity - r.seats_taken,
    waitlist: r.waitlist_enabled,
    waitlisted: waitingBy.get(r.id) ?? 0,
    eligibility: normalizeEligibility(r.eligibility),
    price: { kind: r.price_kind, amount: r.price_amount, member_prices: memberPricesOf(r) },
    questions: questionsOf(r),
    hold_minutes: r.hold_minutes,
    status: r.status,
    created_at: r.created_at.toISOString(),
  }));
}

export const questionsOf = (r: EventRow): EventQuestion[] => (Array.isArray(r.questions) ? (r.questions as EventQuestion[]) : []);
export const memberPricesOf = (r: EventRow): MemberPrice[] => (Array.isArray(r.member_prices) ? (r.member_prices as MemberPrice[]) : []);

function columnsOf(input: EventInput) {
  const priced = input.price.kind === 'free' ? null : input.price;
  return {
    title: input.title,
    description: input.description,
    location_kind: input.location.kind,
    store_id: input.location.kind === 'store' ? input.location.store_id : null,
    address_note: input.location.kind === 'store' ? (input.location.address_note ?? null) : null,
    online_url: input.location.kind === 'online' ? input.location.url : null,
    starts_at: new Date(input.starts_at),
    ends_at: new Date(input.ends_at),
    cancel_deadline: new Date(input.cancel_deadline ?? input.starts_at),
    capacity: input.capacity,
    waitlist_enabled: input.waitlist,
    eligibility: JSON.stringify(input.eligibility),
    price_kind: input.price.kind,
    price_amount: priced?.amount ?? 0,
    member_prices: JSON.stringify(priced?.member_prices ?? []),
    questions: JSON.stringify(input.questions),
    hold_minutes: input.hold_minutes,
  };
}

async function checkStore(deps: AppDeps, ctx: RequestContext, input: EventInput) {
  if (input.location.kind !== 'store') return;
  try {
    await getStore(deps, ctx, input.location.store_id);
  } catch (error) {
    if (error instanceof AppError && error.code === 'NOT_FOUND') throw validationError([{ field: 'location.store_id', code: 'unknown_store', message: 'no such store' }]);
    throw error;
  }
}
