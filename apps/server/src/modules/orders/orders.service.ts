import crypto from 'node:crypto';
import { sql, type Selectable } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { Order, OrderInput } from '@hearth/contracts/orders';
import type { Db } from '../../db/database.ts';
import { isUniqueViolation } from '../../db/errors.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { AppError, notFound, validationError, type FieldError } from '../../http/errors.ts';
import { decodeCursor, toPage } from '../../http/pagination.ts';
import { canInlineEvent, emitEvent, eventRow } from '../../jobs/outbox.ts';
import { auditRow, recordAudit } from '../audit/audit.service.ts';
import { findMemberIdFor } from '../members/members.service.ts';
import './orders.tables.ts';

type OrderRow = Selectable<import('../../db/schema.ts').DB['orders']>;
type LineRow = Selectable<import('../../db/schema.ts').DB['order_lines']>;

/**
 * Records an order, idempotent by its external id: the same order again returns the first result and
 * changes nothing; the same id with other content is a 409. Totals must add up to the fen.
 *
 * The hot path of every POS, so it is one read (the earlier order, the catalogue, the member and the
 * store together) and one write statement (order, lines, audit row and event), plus whatever the
 * order hooks write in the same transaction (points).
 */
export async function createOrder(deps: AppDeps, ctx: RequestContext, input: OrderInput): Promise<{ order: Order; replayed: boolean }> {
  const hash = contentHash(input);
  const lines = input.lines.map((line, index) => ({ ...line, line_no: index + 1, paid_fen: line.qty * line.unit_price_fen - line.discount_fen }));
  const known = await readOrderContext(deps.db, ctx.tenantId, input);
  if (known.earlier) return replayOrConflict(deps.db, known.earlier, hash);
  const memberId = await validateOrder(deps, ctx, input, lines, known);
  const id = uuidv7();
  const row = {
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
  };
  const lineRows = lines.map((l) => ({ tenant_id: ctx.tenantId, order_id: id, line_no: l.line_no, sku: l.sku, qty: l.qty, unit_price_fen: l.unit_price_fen, discount_fen: l.discount_fen, paid_fen: l.paid_fen, flags: l.flags }));
  const eventPayload = { order_id: id, member_id: memberId, total_paid_fen: row.total_paid_fen, occurred_at: row.occurred_at.toISOString() };
  const inlineEvent = canInlineEvent(deps.jobs, 'order.created');
  try {
    return await withTransaction(deps.db, async (trx) => {
      const written = await trx
        .with('o', (db) => db.insertInto('orders').values(row).returning('created_at'))
        .with('l', (db) => db.insertInto('order_lines').values(lineRows))
        .with('a', (db) => db.insertInto('audit_log').values(auditRow(ctx, { action: 'order.create', resourceType: 'order', resourceId: id, details: { external_id: row.external_id, total_paid_fen: row.total_paid_fen } })))
        .with('e', (db) =>
          inlineEvent
            ? db.insertInto('domain_events').values(eventRow(ctx, 'order.created', eventPayload))
            : db.insertInto('domain_events').expression(db.selectFrom('domain_events').selectAll().where(sql<boolean>`false`)),
        )
        .selectFrom('o')
        .select('created_at')
        .executeTakeFirstOrThrow();
      if (!inlineEvent) await emitEvent(trx, deps.jobs, ctx, 'order.created', eventPayload);
      const created = serializeOrder({ ...row, created_at: written.created_at, refunded_fen: 0, status: 'paid' }, lineRows.map((l) => ({ ...l, refunded_qty: 0, refunded_fen: 0 })));
      if (memberId) for (const handler of deps.orderHooks.memberOrderHandlers()) await handler(trx, deps, ctx, created);
      return { order: created, replayed: false };
    });
  } catch (error) {
    // Two deliveries of the same new order at once: the loser answers like a retry.
    if (!isUniqueViolation(error, 'orders_external_key')) throw error;
    return replayOrConflict(deps.db, (await findByExternalId(deps.db, ctx.tenantId, input.external_id))!, hash);
  }
}

interface OrderContext {
  earlier: OrderRow | null;
  knownSkus: Set<string>;
  member: { id: string; status: string } | null;
  storeExists: boolean;
}

/** Everything an order is checked against, in one round trip. */
async function readOrderContext(db: Db, tenantId: string, input: OrderInput): Promise<OrderContext> {
  const skus = [...new Set(input.lines.map((l) => l.sku))];
  const result = await sql<{ earlier: Record<string, unknown> | null; known_skus: string[]; member: { id: string; status: string } | null; store_exists: boolean }>`
    select
      (select to_jsonb(o) from orders o where o.tenant_id = ${tenantId} and o.external_id = ${input.external_id}) as earlier,
      (select coalesce(array_agg(p.sku), '{}') from products p where p.tenant_id = ${tenantId} and p.sku = any(${skus}::text[])) as known_skus,
      (select jsonb_build_object('id', m.id, 'status', m.status) from members m where m.tenant_id = ${tenantId} and m.id = ${input.member_id ?? null}::uuid) as member,
      exists (select 1 from stores s where s.tenant_id = ${tenantId} and s.id = ${input.store_id ?? null}::uuid) as store_exists`.execute(db);
  const found = result.rows[0]!;
  const earlier = found.earlier
    ? ({ ...found.earlier, occurred_at: new Date(found.earlier.occurred_at as string), created_at: new Date(found.earlier.created_at as string) } as OrderRow)
    : null;
  return { earlier, knownSkus: new Set(found.known_skus), member: found.member, storeExists: found.store_exists };
}

export interface BatchResult {
  external_id: string;
  status: 'created' | 'duplicate' | 'error';
  order_id?: string;
  error?: { code: string; detail: string; errors?: FieldError[] };
}

/**
 * Up to 500 orders, each in its own transaction and reported on its own: one bad order stops no other.
 * A few run at once (orders of different members do not wait for each other; two of the same member
 * queue on that member's points account), up to a share of the connection pool.
 */
export async function createOrders(deps: AppDeps, ctx: RequestContext, inputs: OrderInput[]): Promise<BatchResult[]> {
  const results: BatchResult[] = new Array(inputs.length);
  const lanes = deps.config.database.kind === 'postgres' ? Math.max(1, Math.min(4, Math.floor(deps.config.database.poolSize / 2))) : 1;
  const record = async (index: number) => {
    const input = inputs[index]!;
    try {
      const { order, replayed } = await createOrder(deps, ctx, input);
      results[index] = { external_id: input.external_id, status: replayed ? 'duplicate' : 'created', order_id: order.id };
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      results[index] = { external_id: input.external_id, status: 'error', error: { code: error.code, detail: error.message, errors: error.details.errors } };
    }
  };
  // An order id repeated in the batch is recorded by its first occurrence; the later ones then answer as
  // retries, in batch order, as if the batch had run one by one.
  const seen = new Set<string>();
  const firsts: number[] = [];
  const repeats: number[] = [];
  inputs.forEach((input, index) => (seen.has(input.external_id) ? repeats : (seen.add(input.external_id), firsts)).push(index));
  let next = 0;
  await Promise.all(Array.from({ length: lanes }, async () => {
    while (next < firsts.length) await record(firsts[next++]!);
  }));
  for (const index of repeats) await record(index);
  return results;
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
    for (const handler of deps.orderHooks.memberOrderHandlers()) await handler(trx, deps, ctx, attached);
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
  else if (known.member && known.member.status !== 'merged') memberId = known.member.id;
  // A merged member's id leads to the survivor; an identity is looked up in the identity table.
  else if ((input.member_id && known.member) || input.identity) memberId = await findMemberIdFor(deps.db, ctx.tenantId, input);
  if (input.member_id && !input.identity && !memberId) errors.push({ field: 'member_id', code: 'unknown_member', message: 'no such member' });
  if (input.store_id && !known.storeExists) errors.push({ field: 'store_id', code: 'unknown_store', message: 'no such store' });
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

