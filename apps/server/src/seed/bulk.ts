import crypto from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import { withTransaction } from '../db/transaction.ts';
import type { RequestContext } from '../deps.ts';
import { rolePermissions } from '../modules/access/permissions.ts';

// Bulk writes shared by the data generator and the CDNOW loader: rows in batched unnest inserts, no
// per-row events or points.

/** An order as a POS would post it, without its totals (computed) or content hash. */
export interface NewOrder {
  id: string;
  external_id: string;
  member_id: string | null;
  channel: string;
  store_id: string | null;
  payment_method: string | null;
  /** ISO 8601, as posted. */
  occurred_at: string;
  shipping_fen: number;
  lines: { sku: string; qty: number; unit_price_fen: number; discount_fen: number; flags: string[] }[];
}

/**
 * Inserts orders with their lines in one statement; an external id already recorded is skipped with its
 * lines. Returns how many orders were new.
 */
export async function insertOrders(db: Db, tenantId: string, orders: NewOrder[]): Promise<number> {
  const o = { id: [] as string[], ext: [] as string[], hash: [] as string[], member: [] as (string | null)[], channel: [] as string[], store: [] as (string | null)[], subtotal: [] as number[], discount: [] as number[], shipping: [] as number[], total: [] as number[], payment: [] as (string | null)[], at: [] as string[] };
  const l = { order: [] as string[], no: [] as number[], sku: [] as string[], qty: [] as number[], unit: [] as number[], discount: [] as number[], flags: [] as string[] };
  for (const order of orders) {
    let subtotal = 0;
    let discount = 0;
    order.lines.forEach((line, i) => {
      subtotal += line.qty * line.unit_price_fen;
      discount += line.discount_fen;
      l.order.push(order.id), l.no.push(i + 1), l.sku.push(line.sku), l.qty.push(line.qty), l.unit.push(line.unit_price_fen), l.discount.push(line.discount_fen), l.flags.push(line.flags.join(','));
    });
    const total = subtotal - discount + order.shipping_fen;
    o.id.push(order.id), o.ext.push(order.external_id), o.hash.push(orderContentHash(order, total)), o.member.push(order.member_id), o.channel.push(order.channel), o.store.push(order.store_id);
    o.subtotal.push(subtotal), o.discount.push(discount), o.shipping.push(order.shipping_fen), o.total.push(total), o.payment.push(order.payment_method), o.at.push(order.occurred_at);
  }
  const result = await inBulkTransaction(db, (trx) => sql<{ n: number }>`
    with o as (
      insert into orders (tenant_id, id, external_id, content_hash, member_id, channel, store_id, subtotal_fen, discount_fen, shipping_fen, total_paid_fen, payment_method, occurred_at, created_at)
      select ${tenantId}::uuid, u.*, u.occurred_at
      from unnest(${pgArray(o.id)}::uuid[], ${pgArray(o.ext)}::text[], ${pgArray(o.hash)}::text[], ${pgArray(o.member)}::uuid[], ${pgArray(o.channel)}::text[], ${pgArray(o.store)}::uuid[],
                  ${pgArray(o.subtotal)}::int8[], ${pgArray(o.discount)}::int8[], ${pgArray(o.shipping)}::int8[], ${pgArray(o.total)}::int8[], ${pgArray(o.payment)}::text[], ${pgArray(o.at)}::timestamptz[])
        as u(id, external_id, content_hash, member_id, channel, store_id, subtotal_fen, discount_fen, shipping_fen, total_paid_fen, payment_method, occurred_at)
      on conflict (tenant_id, external_id) do nothing
      returning id
    ), l as (
      insert into order_lines (tenant_id, order_id, line_no, sku, qty, unit_price_fen, discount_fen, paid_fen, flags)
      select ${tenantId}::uuid, u.order_id, u.line_no, u.sku, u.qty, u.unit_price_fen, u.discount_fen, u.qty * u.unit_price_fen - u.discount_fen, coalesce(string_to_array(nullif(u.flags, ''), ','), '{}')
      from unnest(${pgArray(l.order)}::uuid[], ${pgArray(l.no)}::int4[], ${pgArray(l.sku)}::text[], ${pgArray(l.qty)}::int4[], ${pgArray(l.unit)}::int8[], ${pgArray(l.discount)}::int8[], ${pgArray(l.flags)}::text[])
        as u(order_id, line_no, sku, qty, unit_price_fen, discount_fen, flags)
      where u.order_id in (select id from o)
    )
    select count(*)::int as n from o`.execute(trx));
  return result.rows[0]!.n;
}

/**
 * The content hash createOrder stores for this order when it is posted as is: the input without its
 * external id, as JSON with keys sorted at every level. Built by hand because JSON.stringify with a
 * key list costs more than the insert at ten million orders; the tests post a generated order to prove
 * the two agree.
 */
export function orderContentHash(order: NewOrder, totalPaidFen: number): string {
  const q = JSON.stringify;
  const lines = order.lines.map((l) => `{"discount_fen":${l.discount_fen},"flags":${q(l.flags)},"qty":${l.qty},"sku":${q(l.sku)},"unit_price_fen":${l.unit_price_fen}}`).join(',');
  const json = `{"channel":${q(order.channel)},"lines":[${lines}],"member_id":${q(order.member_id)},"occurred_at":${q(order.occurred_at)},"payment_method":${q(order.payment_method)},"shipping_fen":${order.shipping_fen},"store_id":${q(order.store_id)},"total_paid_fen":${totalPaidFen}}`;
  return crypto.createHash('sha256').update(json).digest('base64url');
}

/**
 * A batch's transaction. Foreign-key checks run plans each connection caches: one made while a table was
 * tiny (the demo seed, the first batch) is a sequential scan, kept for the connection's life, and at a
 * million rows every check then reads the whole table — one batch took minutes. So cached plans are
 * dropped and replanned without sequential scans. Commits do not wait for the WAL flush: a crash loses
 * at most the last batches of a seed, never half of one.
 */
export async function inBulkTransaction<T>(db: Db, fn: (trx: Db) => Promise<T>): Promise<T> {
  return withTransaction(db, async (trx) => {
    await sql`discard plans`.execute(trx);
    await sql`select set_config('synchronous_commit', 'off', true), set_config('enable_seqscan', 'off', true)`.execute(trx);
    return fn(trx);
  });
}

/** The context of a script acting as the tenant's owner. */
export function systemContext(tenantId: string, label: string): RequestContext {
  return { tenantId, actor: { type: 'system', id: null, label, role: 'owner', permissions: new Set(rolePermissions.owner) }, requestId: null, ip: null };
}

/** A PostgreSQL array literal; passed as one text parameter it costs far less than an array of parameters. */
export function pgArray(values: readonly (string | number | boolean | null)[]): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (i > 0) out += ',';
    if (v === null || v === undefined) out += 'NULL';
    else if (typeof v !== 'string') out += String(v);
    else if (v === '' || /[{}",\\\s]/.test(v) || /^null$/i.test(v)) out += `"${v.replace(/["\\]/g, '\\$&')}"`;
    else out += v;
  }
  return `${out}}`;
}
