import { sql, type Selectable } from 'kysely';
import type { z } from 'zod';
import type { Product, productBulkItemSchema } from '@hearth/contracts/products';
import type { Db } from '../../db/database.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { notFound } from '../../http/errors.ts';
import { decodeCursor, toPage } from '../../http/pagination.ts';
import { emitEvent } from '../../jobs/outbox.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { containsPattern } from '../../db/like.ts';

interface ProductsTable {
  tenant_id: string;
  sku: string;
  name: string;
  category_path: string[];
  brand: string | null;
  list_price_fen: number;
  member_only: boolean;
  tags: string[];
  status: 'active' | 'inactive';
  created_at: Date | undefined;
  updated_at: Date | undefined;
}

declare module '../../db/schema.ts' {
  interface DB {
    products: ProductsTable;
  }
}

export type ProductInput = z.infer<typeof productBulkItemSchema>;
const compared = ['name', 'category_path', 'brand', 'list_price_fen', 'member_only', 'tags', 'status'] as const;

/**
 * Creates or updates products by SKU in one transaction; a product sent again unchanged is not written.
 * Returns what happened to each SKU, in the order given.
 */
export async function upsertProducts(deps: AppDeps, ctx: RequestContext, items: ProductInput[]) {
  // The last occurrence of a SKU in one request wins, as in a spreadsheet read top to bottom.
  const bySku = new Map(items.map((item) => [item.sku, item]));
  return withTransaction(deps.db, async (trx) => {
    const existing = new Map(
      (await trx.selectFrom('products').selectAll().where('tenant_id', '=', ctx.tenantId).where('sku', 'in', [...bySku.keys()]).forUpdate().execute()).map((p) => [p.sku, p]),
    );
    const outcome = new Map<string, 'created' | 'updated' | 'unchanged'>();
    const created: ProductInput[] = [];
    for (const item of bySku.values()) {
      const current = existing.get(item.sku);
      const row = { ...item, brand: item.brand ?? null };
      if (!current) {
        created.push(row);
        outcome.set(item.sku, 'created');
      } else if (compared.every((field) => JSON.stringify(current[field]) === JSON.stringify(row[field]))) {
        outcome.set(item.sku, 'unchanged');
      } else {
        await trx
          .updateTable('products')
          .set({ ...Object.fromEntries(compared.map((f) => [f, row[f]])), updated_at: sql`now()` })
          .where('tenant_id', '=', ctx.tenantId)
          .where('sku', '=', item.sku)
          .execute();
        outcome.set(item.sku, 'updated');
      }
    }
    if (created.length) {
      await trx.insertInto('products').values(created.map((item) => ({ tenant_id: ctx.tenantId, ...item, brand: item.brand ?? null }))).execute();
    }
    const changed = [...outcome].filter(([, what]) => what !== 'unchanged').map(([sku]) => sku);
    const counts = { created: created.length, updated: changed.length - created.length, unchanged: outcome.size - changed.length };
    if (changed.length) {
      await recordAudit(trx, ctx, { action: 'product.upsert', resourceType: 'product', resourceId: changed.length === 1 ? changed[0] : undefined, details: counts });
      await emitEvent(trx, deps.jobs, ctx, 'products.changed', { skus: changed });
    }
    return { ...counts, results: items.map((item) => ({ sku: item.sku, outcome: outcome.get(item.sku)! })) };
  });
}

export async function getProduct(deps: AppDeps, ctx: RequestContext, sku: string): Promise<Product> {
  const row = await deps.db.selectFrom('products').selectAll().where('tenant_id', '=', ctx.tenantId).where('sku', '=', sku).executeTakeFirst();
  if (!row) throw notFound('Product');
  return serializeProduct(row);
}

/** The SKUs of this list that exist in the tenant's catalogue (orders check their lines with it). */
export async function existingSkus(deps: AppDeps, ctx: RequestContext, skus: string[]): Promise<Set<string>> {
  if (skus.length === 0) return new Set();
  const rows = await deps.db.selectFrom('products').select('sku').where('tenant_id', '=', ctx.tenantId).where('sku', 'in', [...new Set(skus)]).execute();
  return new Set(rows.map((r) => r.sku));
}

/** Name and list price of these SKUs, in one read (member-price quotes). */
export async function productsBySku(db: Db, tenantId: string, skus: readonly string[]): Promise<Map<string, { name: string; list_price_fen: number }>> {
  if (!skus.length) return new Map();
  const rows = await db.selectFrom('products').select(['sku', 'name', 'list_price_fen']).where('tenant_id', '=', tenantId).where('sku', 'in', [...new Set(skus)]).execute();
  return new Map(rows.map((r) => [r.sku, { name: r.name, list_price_fen: r.list_price_fen }]));
}

/** Each known SKU's category path (every level), for scoping discounts by category. */
export async function categoriesBySku(deps: Pick<AppDeps, 'db'>, ctx: Pick<RequestContext, 'tenantId'>, skus: string[]): Promise<Map<string, string[]>> {
  if (skus.length === 0) return new Map();
  const rows = await deps.db.selectFrom('products').select(['sku', 'category_path']).where('tenant_id', '=', ctx.tenantId).where('sku', 'in', [...new Set(skus)]).execute();
  return new Map(rows.map((r) => [r.sku, r.category_path]));
}

export interface ProductQuery {
  limit: number;
  cursor?: string;
  q?: string;
  category?: string;
  brand?: string;
  member_only?: boolean;
  status?: 'active' | 'inactive';
}

/** By SKU; `category` matches any level of the category path. */
export async function listProducts(deps: AppDeps, ctx: RequestContext, query: ProductQuery) {
  const after = decodeCursor(query.cursor);
  let q = deps.db.selectFrom('products').selectAll().where('tenant_id', '=', ctx.tenantId).orderBy('sku').limit(query.limit + 1);
  if (after) q = q.where('sku', '>', after);
  if (query.q) {
    const pattern = containsPattern(query.q);
    q = q.where((eb) => eb.or([eb('sku', 'ilike', pattern), eb('name', 'ilike', pattern)]));
  }
  if (query.category) q = q.where(sql<boolean>`category_path @> array[${query.category}]::text[]`);
  if (query.brand) q = q.where('brand', '=', query.brand);
  if (query.member_only !== undefined) q = q.where('member_only', '=', query.member_only);
  if (query.status) q = q.where('status', '=', query.status);
  const page = toPage(await q.execute(), query.limit, (p) => p.sku);
  return { data: page.data.map(serializeProduct), next_cursor: page.next_cursor };
}

function serializeProduct(row: Selectable<ProductsTable>): Product {
  return {
    sku: row.sku,
    name: row.name,
    category_path: row.category_path,
    brand: row.brand,
    list_price_fen: row.list_price_fen,
    member_only: row.member_only,
    tags: row.tags,
    status: row.status,
    created_at: row.created_at!.toISOString(),
    updated_at: row.updated_at!.toISOString(),
  };
}
