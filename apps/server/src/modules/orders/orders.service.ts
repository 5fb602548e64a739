import crypto from 'node:crypto';
import { sql, type Insertable, type Selectable } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { Order, OrderInput } from '@hearth/contracts/orders';
import type { Db } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { isUniqueViolation } from '../../db/errors.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { AppError, notFound, validationError, type FieldError } from '../../http/errors.ts';
import { decodeCursor, toPage } from '../../http/pagination.ts';
import { emitEvent, eventRow, subscriberJobColumns, subscriberJobRows } from '../../jobs/outbox.ts';
import { auditRow, recordAudit } from '../audit/audit.service.ts';
import { findMemberIdFor } from '../members/members.service.ts';
import './orders.tables.ts';

type OrderRow = Selectable<DB['orders']>;
type LineRow = Selectable<DB['order_lines']>;

/**
 * Records an order, idempotent by its external id: the same order again returns the first result and
 * changes nothing; the same id with other content is a 409. Totals must add up to the fen.
 */
export async function createOrder(deps: AppDeps, ctx: RequestContext, input: OrderInput): Promise<{ order: Order; replayed: boolean }> {
  const [outcome] = await recordOrders(deps, ctx, [input]);
  if ('error' in outcome!) throw outcome.error;
  return outcome!;
}

export interface BatchResult {
  external_id: string;
  status: 'created' | 'duplicate' | 'error';
  order_id?: string;
  error?: { code: string; detail: string; errors?: FieldError[] };
}

/** Up to 500 orders, each reported on its own: one bad order stops no other. */
export async function createOrders(deps: AppDeps, ctx: RequestContext, inputs: OrderInput[]): Promise<BatchResult[]> {
  const outcomes = await recordOrders(deps, ctx, inputs);
  return outcomes.map((outcome, index) => {
    const external_id = inputs[index]!.external_id;
    if ('error' in outcome) return { external_id, status: 'error', error: { code: outcome.error.code, detail: outcome.error.message, errors: outcome.error.details.errors } };
    return { external_id, status: outcome.replayed ? 'duplicate' : 'created', order_id: outcome.order.id };
  });
}

type Outcome = { order: Order; replayed: boolean } | { error: AppError };

interface NewOrder {
  index: number;
  row: Insertable<DB['orders']> & { id: string; member_id: string | null; occurred_at: Date };
  lines: Insertable<DB['order_lines']>[];
}

const WRITE_CHUNK = 100;

/**
 * The one path every order takes, alone or in a batch. The hot path of every POS, so in round trips:
 * one read for everything the orders are checked against (earlier orders, catalogue, members, stores),
 * then per chunk of up to 100 new orders one transaction with one write (orders, lines, audit rows,
 * events) plus whatever the order hooks write (points: one lock-and-read, one write).
 *
 * An order id repeated in the batch is recorded by its first occurrence; the later ones then answer as
 * retries, as if the batch had run one by one. Should a chunk fail as a whole (the same new order sent
 * by two clients at once), its orders are recorded again one by one, so only the culprit is affected.
 */
async function recordOrders(deps: AppDeps, ctx: RequestContext, inputs: OrderInput[]): Promise<Outcome[]> {
  const outcomes: Outcome[] = new Array(inputs.length);
  const seen = new Set<string>();
  const firsts: number[] = [];
  const repeats: number[] = [];
  inputs.forEach((input, index) => (seen.has(input.external_id) ? repeats : (seen.add(input.external_id), firsts)).push(index));

  const known = await readOrderContext(deps.db, ctx.tenantId, firsts.map((i) => inputs[i]!));
  const fresh: NewOrder[] = [];
  for (const index of firsts) {
    const input = inputs[index]!;
    const hash = contentHash(input);
    const earlier = known.earlier.get(input.external_id);
    try {
      if (earlier) outcomes[index] = await replayOrConflict(deps.db, earlier, hash);
      else fresh.push(await prepareOrder(deps, ctx, input, hash, known, index));
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      outcomes[index] = { error };
    }
  }
  for (let start = 0; start < fresh.length; start += WRITE_CHUNK) {
    const chunk = fresh.slice(start, start + WRITE_CHUNK);
    try {
      const written = await withTransaction(deps.db, (trx) => writeOrders(trx, deps, ctx, chunk));
      written.forEach((order, i) => (outcomes[chunk[i]!.index] = { order, replayed: false }));
    } catch (error) {
      if (chunk.length > 1) {
        for (const single of chunk) outcomes[single.index] = await recordAlone(deps, ctx, single);
        continue;
      }
      outcomes[chunk[0]!.index] = await settleFailure(deps, chunk[0]!, error);
    }
  }
  if (repeats.length) {
    const again = await recordOrders(deps, ctx, repeats.map((i) => inputs[i]!));
    repeats.forEach((index, i) => (outcomes[index] = again[i]!));
  }
  return outcomes;
}

async function recordAlone(deps: AppDeps, ctx: RequestContext, order: NewOrder): Promise<Outcome> {
  try {
    const [written] = await withTransaction(deps.db, (trx) => writeOrders(trx, deps, ctx, [order]));
    return { order: written!, replayed: false };
  } catch (error) {
    return settleFailure(deps, order, error);
  }
}

/** A rule of the order hooks said no, or the same new order arrived twice at once: the loser answers like a retry. */
async function settleFailure(deps: AppDeps, order: NewOrder, error: unknown): Promise<Outcome> {
  if (error instanceof AppError) return { error };
  if (!isUniqueViolation(error, 'orders_external_key')) throw error;
  try {
    return await replayOrConflict(deps.db, (await findByExternalId(deps.db, order.row.tenant_id, order.row.external_id))!, order.row.content_hash);
  } catch (conflict) {
    if (!(conflict instanceof AppError)) throw conflict;
    return { error: conflict };
  }
}

async function prepareOrder(deps: AppDeps, ctx: RequestContext, input: OrderInput, hash: string, known: OrderContext, index: number): Promise<NewOrder> {
  const lines = input.lines.map((line, i) => ({ ...line, line_no: i + 1, paid_fen: line.qty * line.unit_price_fen - line.discount_fen }));
  const memberId = await validateOrder(deps, ctx, input, lines, known);
  const id = uuidv7();
  return {
    index,
    row: {
      tenant_id: ctx.tenantId,
      id,
      external_id: input.external_id,
      content_hash: hash,
      member_id: memberId,
      channel: input.channel,
      store_id: input.store_id ?? null,
      subtotal_fen: lines.reduce((sum, l) => sum + l.qty * l.unit_price_fen, 0),
      discount_fen: lines.reduce((sum, l) => sum + l.discount_fen, 0),
      shipping_fen: input.shipping_fen,
      total_paid_fen: input.total_paid_fen,
      payment_method: input.payment_method ?? null,
      occurred_at: new Date(input.occurred_at),
    },
    lines: lines.map((l) => ({ tenant_id: ctx.tenantId, order_id: id, line_no: l.line_no, sku: l.sku, qty: l.qty, unit_price_fen: l.unit_price_fen, discount_fen: l.discount_fen, paid_fen: l.paid_fen, flags: l.flags })),
  };
}

/** Orders, their lines, audit rows, `order.created` events and their subscribers' jobs in one statement, then the order hooks. */
async function writeOrders(trx: Db, deps: AppDeps, ctx: RequestContext, orders: NewOrder[]): Promise<Order[]> {
  const payloadOf = (o: NewOrder) => ({ order_id: o.row.id, member_id: o.row.member_id, total_paid_fen: o.row.total_paid_fen, occurred_at: o.row.occurred_at.toISOString() });
  const events = orders.map((o) => eventRow(ctx, 'order.created', payloadOf(o)));
  const written = await trx
    .with('o', (db) => db.insertInto('orders').values(orders.map((o) => o.row)).returning(['id', 'created_at']))
    .with('l', (db) => db.insertInto('order_lines').values(orders.flatMap((o) => o.lines)))
    .with('a', (db) =>
      db.insertInto('audit_log').values(orders.map((o) => auditRow(ctx, { action: 'order.create', resourceType: 'order', resourceId: o.row.id, details: { external_id: o.row.external_id, total_paid_fen: o.row.total_paid_fen } }))),
    )
    .with('e', (db) => db.insertInto('domain_events').values(events).returning(['tenant_id', 'id', 'type', 'payload', 'occurred_at']))
    .with('j', (db) =>
      db
        .insertInto('jobs')
        .columns([...subscriberJobColumns])
        .expression(subscriberJobRows(deps.jobs, 'e', events.map((e) => ({ id: e.id, types: ['order.created'] }))))
        .onConflict((oc) => oc.columns(['tenant_id', 'name', 'dedupe_key']).where('dedupe_key', 'is not', null).doNothing()),
    )
    .selectFrom('o')
    .select(['id', 'created_at'])
    .execute();
  const createdAt = new Map(written.map((w) => [w.id, w.created_at]));
  const created = orders.map((o) =>
    serializeOrder(
      { ...(o.row as OrderRow), created_at: createdAt.get(o.row.id)!, refunded_fen: 0, status: 'paid' },
      o.lines.map((l) => ({ ...(l as LineRow), refunded_qty: 0, refunded_fen: 0 })),
    ),
  );
  await deps.orderHooks.runMemberOrders(trx, deps, ctx, created);
  return created;
}

interface OrderContext {
  earlier: Map<string, OrderRow>;
  knownSkus: Set<string>;
  members: Map<string, { id: string; status: string }>;
  stores: Set<string>;
}

/** Everything a set of orders is checked against, in one round trip. */
async function readOrderContext(db: Db, tenantId: string, inputs: OrderInput[]): Promise<OrderContext> {
  const distinct = (values: (string | null | undefined)[]) => [...new Set(values.filter((v): v is string => !!v))];
  const result = await sql<{ earlier: Record<string, unknown>[] | null; known_skus: string[]; members: { id: string; status: string }[] | null; stores: string[] }>`
    select
      (select jsonb_agg(to_jsonb(o)) from orders o where o.tenant_id = ${tenantId} and o.external_id = any(${inputs.map((i) => i.external_id)}::text[])) as earlier,
      (select coalesce(array_agg(p.sku), '{}') from products p where p.tenant_id = ${tenantId} and p.sku = any(${distinct(inputs.flatMap((i) => i.lines.map((l) => l.sku)))}::text[])) as known_skus,
      (select jsonb_agg(jsonb_build_object('id', m.id, 'status', m.status)) from members m where m.tenant_id = ${tenantId} and m.id = any(${distinct(inputs.map((i) => i.member_id))}::uuid[])) as members,
      (select coalesce(array_agg(s.id::text), '{}') from stores s where s.tenant_id = ${tenantId} and s.id = any(${distinct(inputs.map((i) => i.store_id))}::uuid[])) as stores`.execute(db);
  const found = result.rows[0]!;
  const earlier = (found.earlier ?? []).map((o) => ({ ...o, occurred_at: new Date(o.occurred_at as string), created_at: new Date(o.created_at as string) }) as OrderRow);
  return {
    earlier: new Map(earlier.map((o) => [o.external_id, o])),
    knownSkus: new Set(found.known_skus),
    members: new Map((found.members ?? []).map((m) => [m.id, m])),
    stores: new Set(found.stores),
  };
}

export async function getOrder(deps: AppDeps, ctx: RequestContext, id: string): Promise<Order> {
  const row = await deps.db.selectFrom('orders').selectAll().where('tenant_id', '=', ctx.tenantId).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Order');
  return loadOrder(deps.db, row);
}

export async function listOrders(deps: AppDeps, ctx: RequestContext, query: { limit: number; cursor?: string; member_id?: string; store_id?: string; external_id?: string }) {
  const before = decodeCursor(query.cursor);
  let q = deps.db.selectFrom('orders').selectAll().where('tenant_id', '=', ctx.tenantId).orderBy('id', 'desc').limit(query.limit + 1);
  if (before) q = q.where('id', '<', before);
  if (query.member_id) q = q.where('member_id', '=', query.member_id);
  if (query.store_id) q = q.where('store_id', '=', query.store_id);
  if (query.external_id) q = q.where('external_id', '=', query.external_id);
  const page = toPage(await q.execute(), query.limit);
  const data = [];
  for (const row of page.data) data.push(await loadOrder(deps.db, row));
  return { data, next_cursor: page.next_cursor };
}

/** Gives a guest order its member once known (at sign-up, or when the receipt is claimed). */
export async function attachOrder(deps: AppDeps, ctx: RequestContext, id: string, by: { member_id?: string | null; identity?: OrderInput['identity'] }): Promise<Order> {
  return withTransaction(deps.db, async (trx) => {
    const order = await trx.selectFrom('orders').selectAll().where('tenant_id', '=', ctx.tenantId).where('id', '=', id).forUpdate().executeTakeFirst();
    if (!order) throw notFound('Order');
    if (order.member_id) throw new AppError('CONFLICT', 'This order already belongs to a member');
    const memberId = await findMemberIdFor(trx, ctx.tenantId, by);
    if (!memberId) throw validationError([{ field: by.member_id ? 'member_id' : 'identity', code: 'unknown_member', message: 'no such member' }]);
    const updated = await trx.updateTable('orders').set({ member_id: memberId }).where('tenant_id', '=', ctx.tenantId).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, ctx, { action: 'order.attach', resourceType: 'order', resourceId: id, details: { member_id: memberId } });
    await emitEvent(trx, deps.jobs, ctx, 'order.attached', { order_id: id, member_id: memberId });
    const attached = await loadOrder(trx, updated);
    await deps.orderHooks.runMemberOrders(trx, deps, ctx, [attached]);
    return attached;
  });
}

/** Checks the order and returns its member (null for a guest order; an unknown identity makes one too). */
async function validateOrder(deps: AppDeps, ctx: RequestContext, input: OrderInput, lines: { sku: string; qty: number; unit_price_fen: number; discount_fen: number; paid_fen: number }[], known: OrderContext): Promise<string | null> {
  const errors: FieldError[] = [];
  lines.forEach((line, index) => {
    if (!known.knownSkus.has(line.sku)) errors.push({ field: `lines.${index}.sku`, code: 'unknown_sku', message: 'not in the product catalogue' });
    if (line.paid_fen < 0) errors.push({ field: `lines.${index}.discount_fen`, code: 'discount_too_large', message: 'larger than qty × unit price' });
  });
  const expected = lines.reduce((sum, l) => sum + l.paid_fen, 0) + input.shipping_fen;
  if (expected !== input.total_paid_fen) {
    errors.push({ field: 'total_paid_fen', code: 'total_mismatch', message: `the lines and shipping add up to ${expected} fen` });
  }
  let memberId: string | undefined;
  if (input.member_id && input.identity) errors.push({ field: 'identity', code: 'ambiguous_member', message: 'send member_id or identity, not both' });
  else {
    const member = input.member_id ? known.members.get(input.member_id) : undefined;
    if (member && member.status !== 'merged') memberId = member.id;
    // A merged member's id leads to the survivor; an identity is looked up in the identity table.
    else if (member || input.identity) memberId = await findMemberIdFor(deps.db, ctx.tenantId, input);
  }
  if (input.member_id && !input.identity && !memberId) errors.push({ field: 'member_id', code: 'unknown_member', message: 'no such member' });
  if (input.store_id && !known.stores.has(input.store_id)) errors.push({ field: 'store_id', code: 'unknown_store', message: 'no such store' });
  if (errors.length) throw validationError(errors);
  return memberId ?? null;
}

async function replayOrConflict(db: Db, earlier: OrderRow, hash: string) {
  if (earlier.content_hash !== hash) {
    throw new AppError('ORDER_CONFLICT', `Order ${earlier.external_id} was already recorded with different content`, {
      errors: [{ field: 'external_id', code: 'different_content', message: 'use the original content, or a new external id' }],
    });
  }
  return { order: await loadOrder(db, earlier), replayed: true };
}

function findByExternalId(db: Db, tenantId: string, externalId: string) {
  return db.selectFrom('orders').selectAll().where('tenant_id', '=', tenantId).where('external_id', '=', externalId).executeTakeFirst();
}

/**
 * Orders with their lines, by id, in id order, each row locked against refunds while the caller's transaction
 * lasts (ids in one order, so two callers locking the same orders cannot deadlock). Unknown ids are left out.
 */
export async function lockOrders(trx: Db, tenantId: string, ids: readonly string[]): Promise<Order[]> {
  if (!ids.length) return [];
  const rows = await trx.selectFrom('orders').selectAll().where('tenant_id', '=', tenantId).where(sql<boolean>`(id = any(${[...new Set(ids)]}::uuid[]))`).orderBy('id').forUpdate().execute();
  if (!rows.length) return [];
  const lines = await trx.selectFrom('order_lines').selectAll().where('tenant_id', '=', tenantId).where(sql<boolean>`(order_id = any(${rows.map((r) => r.id)}::uuid[]))`).orderBy('order_id').orderBy('line_no').execute();
  const linesOf = new Map<string, LineRow[]>();
  for (const line of lines) linesOf.set(line.order_id, [...(linesOf.get(line.order_id) ?? []), line]);
  return rows.map((row) => serializeOrder(row, linesOf.get(row.id) ?? []));
}

export async function loadOrder(db: Db, row: OrderRow): Promise<Order> {
  const lines = await db.selectFrom('order_lines').selectAll().where('tenant_id', '=', row.tenant_id).where('order_id', '=', row.id).orderBy('line_no').execute();
  return serializeOrder(row, lines);
}

function serializeOrder(row: OrderRow, lines: LineRow[]): Order {
  return {
    id: row.id,
    external_id: row.external_id,
    member_id: row.member_id,
    channel: row.channel as Order['channel'],
    store_id: row.store_id,
    subtotal_fen: row.subtotal_fen,
    discount_fen: row.discount_fen,
    shipping_fen: row.shipping_fen,
    total_paid_fen: row.total_paid_fen,
    refunded_fen: row.refunded_fen,
    payment_method: row.payment_method,
    status: row.status,
    occurred_at: row.occurred_at.toISOString(),
    created_at: row.created_at!.toISOString(),
    lines: lines.map((l) => ({ line_no: l.line_no, sku: l.sku, qty: l.qty, unit_price_fen: l.unit_price_fen, discount_fen: l.discount_fen, paid_fen: l.paid_fen, flags: l.flags, refunded_qty: l.refunded_qty, refunded_fen: l.refunded_fen })),
  };
}

/** The order's content as sent, normalized, so a retry with keys in another order is the same order. */
function contentHash(input: OrderInput): string {
  const { external_id: _id, ...content } = input;
  return crypto.createHash('sha256').update(JSON.stringify(content, Object.keys(flatKeys(content)).sort())).digest('base64url');
}

function flatKeys(value: unknown, keys: Record<string, true> = {}): Record<string, true> {
  if (Array.isArray(value)) value.forEach((v) => flatKeys(v, keys));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) (keys[k] = true), flatKeys(v, keys);
  return keys;
}


/** Orders per member since a time, fully refunded ones left out (activity for other modules' scoring). */
export async function orderCountsSince(db: Db, tenantId: string, memberIds: readonly string[], since: Date): Promise<Map<string, number>> {
  if (!memberIds.length) return new Map();
  const rows = await db
    .selectFrom('orders')
    .select(['member_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('tenant_id', '=', tenantId)
    .where('member_id', 'in', memberIds)
    .where('occurred_at', '>=', since)
    .where('status', '!=', 'refunded')
    .groupBy('member_id')
    .execute();
  return new Map(rows.map((r) => [r.member_id!, Number(r.n)]));
}

/**
 * Orders and revenue (paid less refunded) per member in [from, to), fully refunded orders left out: what
 * other modules report for a set of members (a community group's) without reading the orders tables.
 */
export async function orderTotalsByMember(db: Db, tenantId: string, memberIds: readonly string[], from: Date, to: Date): Promise<Map<string, { orders: number; revenue_fen: number }>> {
  if (!memberIds.length) return new Map();
  const rows = await db
    .selectFrom('orders')
    .select(['member_id', (eb) => eb.fn.countAll<number>().as('n'), sql<number>`coalesce(sum(total_paid_fen - refunded_fen), 0)::bigint`.as('revenue')])
    .where('tenant_id', '=', tenantId)
    .where('member_id', 'in', memberIds)
    .where('occurred_at', '>=', from)
    .where('occurred_at', '<', to)
    .where('status', '!=', 'refunded')
    .groupBy('member_id')
    .execute();
  return new Map(rows.map((r) => [r.member_id!, { orders: Number(r.n), revenue_fen: Number(r.revenue) }]));
}

/** What is left of each order after refunds (paid less refunded, and whether it was refunded in full), for modules that credit orders. */
export async function netPaidOf(db: Db, tenantId: string, orderIds: readonly string[]): Promise<Map<string, { net_fen: number; refunded_in_full: boolean }>> {
  if (!orderIds.length) return new Map();
  const rows = await db.selectFrom('orders').select(['id', 'total_paid_fen', 'refunded_fen', 'status']).where('tenant_id', '=', tenantId).where(sql<boolean>`(id = any(${[...new Set(orderIds)]}::uuid[]))`).execute();
  return new Map(rows.map((r) => [r.id, { net_fen: r.total_paid_fen - r.refunded_fen, refunded_in_full: r.status === 'refunded' }]));
}
