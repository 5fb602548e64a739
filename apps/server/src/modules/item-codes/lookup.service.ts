import { sql } from 'kysely';
import type { CodeLookup, DeskWarranty } from '@hearth/contracts/item-codes';
import type { Db } from '../../db/database.ts';
import { notFound, validationError } from '../../http/errors.ts';
import { memberNumbers } from '../members/members.service.ts';
import { productsBySku } from '../products/products.service.ts';
import { itemCodes } from './batches.service.ts';

/**
 * The console's look at one code: what a scan would answer, where and when it was scanned, who claimed it.
 * Reading records no scan, so staff checking a returned item never move its counts or raise a flag.
 */
export async function lookupCode(db: Db, tenantId: string, rawCode: string): Promise<CodeLookup> {
  const code = itemCodes.parseCode(rawCode);
  if (!code) throw validationError([{ field: 'code', code: 'invalid_code', message: 'not a code of this brand (length or check symbol)' }]);
  const row = await db
    .selectFrom('item_codes as c')
    .innerJoin('code_batches as b', (j) => j.onRef('b.tenant_id', '=', 'c.tenant_id').onRef('b.id', '=', 'c.batch_id'))
    .select(['c.seq', 'c.activated_at', 'c.scan_count', 'c.first_scanned_at', 'c.first_province', 'c.first_city', 'c.last_scanned_at', 'c.last_province', 'c.claimed_by', 'c.claimed_at', 'c.flagged', 'b.id as batch_id', 'b.sku', 'b.name', 'b.status'])
    .where('c.tenant_id', '=', tenantId)
    .where('c.code', '=', code)
    .executeTakeFirst();
  if (!row) throw notFound('Code');
  const [product, warranty, scans] = await Promise.all([
    productsBySku(db, tenantId, [row.sku]).then((p) => p.get(row.sku)),
    warrantyRows(db, tenantId).where('code', '=', code).executeTakeFirst(),
    db.selectFrom('code_scans').select(['id', 'result', 'member_id', 'province', 'city', 'scanned_at']).where('tenant_id', '=', tenantId).where('code', '=', code).orderBy('scanned_at', 'desc').orderBy('id', 'desc').limit(20).execute(),
  ]);
  const iso = (d: Date | null) => d?.toISOString() ?? null;
  const numbers = await memberNumbers(db, tenantId, [...new Set([row.claimed_by, ...scans.map((s) => s.member_id)].filter((id): id is string => id !== null))]);
  return {
    code: itemCodes.formatCode(code),
    result: row.status === 'activated' && row.activated_at ? 'genuine' : 'inactive',
    batch: { id: row.batch_id, sku: row.sku, product_name: product?.name ?? null, name: row.name, status: row.status },
    seq: row.seq,
    activated_at: iso(row.activated_at),
    scan_count: row.scan_count,
    first_scanned_at: iso(row.first_scanned_at),
    first_province: row.first_province,
    first_city: row.first_city,
    last_scanned_at: iso(row.last_scanned_at),
    last_province: row.last_province,
    claimed_by: row.claimed_by,
    claimed_by_no: row.claimed_by ? (numbers.get(row.claimed_by) ?? null) : null,
    claimed_at: iso(row.claimed_at),
    flagged: row.flagged,
    warranty: warranty ? serializeWarranty(warranty) : null,
    scans: scans.map((s) => ({ ...s, member_no: s.member_id ? (numbers.get(s.member_id) ?? null) : null, scanned_at: s.scanned_at.toISOString() })),
  };
}

/** Every member's registered warranties, newest first: the desk checks a repair against them. */
export async function listDeskWarranties(db: Db, tenantId: string, query: { member_id?: string; sku?: string; limit: number; cursor?: string }) {
  let q = warrantyRows(db, tenantId).orderBy('id', 'desc').limit(query.limit + 1);
  if (query.member_id) q = q.where('member_id', '=', query.member_id);
  if (query.sku) q = q.where('sku', '=', query.sku);
  if (query.cursor) q = q.where('id', '<', query.cursor);
  const rows = await q.execute();
  const page = rows.slice(0, query.limit);
  const numbers = await memberNumbers(db, tenantId, [...new Set(page.map((r) => r.member_id))]);
  return { data: page.map((r) => ({ ...serializeWarranty(r), member_no: numbers.get(r.member_id) ?? null })), next_cursor: rows.length > query.limit ? page.at(-1)!.id : null };
}

function warrantyRows(db: Db, tenantId: string) {
  return db
    .selectFrom('code_warranties')
    .select(['id', 'member_id', 'code', 'sku', sql<string>`purchase_date::text`.as('purchase_date'), 'store_id', 'store_name', sql<string>`expires_on::text`.as('expires_on'), 'created_at'])
    .where('tenant_id', '=', tenantId);
}

function serializeWarranty(r: Awaited<ReturnType<ReturnType<typeof warrantyRows>['executeTakeFirstOrThrow']>>): Omit<DeskWarranty, 'member_no'> {
  return { ...r, code: itemCodes.formatCode(r.code), created_at: r.created_at.toISOString() };
}
