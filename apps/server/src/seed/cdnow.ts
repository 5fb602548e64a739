import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DateTime } from 'luxon';
import { v7 as uuidv7 } from 'uuid';
import type { AppDeps, RequestContext } from '../deps.ts';
import { AppError } from '../http/errors.ts';
import { createTenant } from '../modules/access/access.service.ts';
import { randomToken } from '../modules/access/secrets.ts';
// As in the generator: members must be numbered from the tenant's own counter, in bulk.
import { findIdentities, lockIdentities, nextMemberNumbers, type IdentityKey } from '../modules/members/members.repo.ts';
import { upsertProducts } from '../modules/products/products.service.ts';
import { inBulkTransaction, insertOrders, systemContext, type NewOrder } from './bulk.ts';

export const CDNOW_TENANT_SLUG = 'cdnow';
export const CDNOW_OWNER_EMAIL = 'owner@cdnow.demo';
const SKU = 'CD';

/**
 * The data set sits beside the repository (../shared/datasets/cdnow from its root) and is never copied
 * into it. A checkout kept deeper (a git worktree) finds it beside the nearest ancestor that has it.
 */
export function cdnowFile(sample = false): string {
  const name = sample ? 'CDNOW_sample.txt' : 'CDNOW_master.txt';
  const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
  for (let dir = repoRoot; ; dir = path.dirname(dir)) {
    const candidate = path.resolve(dir, '../shared/datasets/cdnow', name);
    if (existsSync(candidate) || dir === path.dirname(dir)) return existsSync(candidate) ? candidate : path.resolve(repoRoot, '../shared/datasets/cdnow', name);
  }
}

export interface CdnowPurchase {
  customer: string;
  /** The purchase's place among its customer's rows, from 1: the same in the master file and the sample. */
  seq: number;
  /** yyyymmdd */
  date: string;
  cds: number;
  fen: number;
}

export interface CdnowResult {
  tenantId: string;
  /** The owner's login when this run created the tenant. */
  created?: { tenant: string; email: string; password: string };
  customers: number;
  purchases: number;
  membersCreated: number;
  ordersCreated: number;
}

/**
 * Loads the CDNOW purchase histories (real customers of an online music shop, 1997–98) into the tenant
 * `cdnow`: one member per customer, known by the customer id as its app user id, and one order per
 * purchase row with a single line of `qty` CDs. Dollars become fen one for one (the amounts stay the
 * same numbers). Idempotent: members by their identity, orders by `cdnow-<customer>-<seq>`.
 */
export async function loadCdnow(deps: AppDeps, options: { file: string; batchSize?: number; onProgress?: (done: number, total: number) => void }): Promise<CdnowResult> {
  const purchases = parseCdnow(await fs.readFile(options.file, 'utf8'));
  const batchSize = options.batchSize ?? 5000;
  const { tenant, created } = await ensureTenant(deps);
  const ctx = systemContext(tenant.id, 'CDNOW loader');
  if (!(await deps.db.selectFrom('products').select('sku').where('tenant_id', '=', tenant.id).where('sku', '=', SKU).executeTakeFirst())) {
    await upsertProducts(deps, ctx, [{ sku: SKU, name: 'CD 唱片', category_path: ['音乐', 'CD'], brand: 'CDNOW', list_price_fen: 1500, member_only: false, tags: [], status: 'active' }]);
  }
  // The purchase date at noon in the tenant's zone (Asia/Shanghai): the file has days, not times.
  const noon = memoize((date: string) => DateTime.fromObject({ year: +date.slice(0, 4), month: +date.slice(4, 6), day: +date.slice(6, 8), hour: 12 }, { zone: tenant.time_zone }).toUTC().toJSDate().toISOString());

  const firstPurchase = new Map<string, string>();
  for (const p of purchases) if (!firstPurchase.has(p.customer)) firstPurchase.set(p.customer, p.date);
  const customers = [...firstPurchase.keys()];
  const memberOf = new Map<string, string>();
  let membersCreated = 0;
  for (let from = 0; from < customers.length; from += batchSize) {
    const batch = customers.slice(from, from + batchSize);
    membersCreated += await ensureMembers(deps, ctx, batch, (c) => noon(firstPurchase.get(c)!), memberOf);
  }

  let ordersCreated = 0;
  for (let from = 0; from < purchases.length; from += batchSize) {
    const orders: NewOrder[] = purchases.slice(from, from + batchSize).map((p) => {
      // qty × unit − discount must be the amount paid to the fen: the unit price is rounded up and the
      // difference (less than one fen per CD) is the line's discount.
      const unit = Math.ceil(p.fen / p.cds);
      const occurredAt = noon(p.date);
      return {
        id: uuidv7({ msecs: Date.parse(occurredAt) }),
        external_id: `cdnow-${p.customer}-${p.seq}`,
        member_id: memberOf.get(p.customer)!,
        channel: 'web',
        store_id: null,
        payment_method: null,
        occurred_at: occurredAt,
        shipping_fen: 0,
        lines: [{ sku: SKU, qty: p.cds, unit_price_fen: unit, discount_fen: unit * p.cds - p.fen, flags: [] }],
      };
    });
    ordersCreated += await insertOrders(deps.db, tenant.id, orders);
    options.onProgress?.(Math.min(purchases.length, from + batchSize), purchases.length);
  }
  return { tenantId: tenant.id, created, customers: customers.length, purchases: purchases.length, membersCreated, ordersCreated };
}

/**
 * Parses CDNOW_master.txt (customer, date, CDs, dollars; a header line) or CDNOW_sample.txt (customer,
 * customer index, date, CDs, dollars). Dollars are read as decimal text, never as floats.
 */
export function parseCdnow(text: string): CdnowPurchase[] {
  const purchases: CdnowPurchase[] = [];
  const seen = new Map<string, number>();
  text.split(/\r?\n/).forEach((raw, index) => {
    const cells = raw.trim().split(/\s+/);
    if (cells.length < 4 || !/^\d+$/.test(cells[0]!)) return;
    const [customer, date, cds, dollars] = cells.length >= 5 ? [cells[0]!, cells[2]!, cells[3]!, cells[4]!] : [cells[0]!, cells[1]!, cells[2]!, cells[3]!];
    if (!/^\d{8}$/.test(date) || !/^\d+$/.test(cds) || Number(cds) < 1) throw new AppError('VALIDATION_FAILED', `CDNOW line ${index + 1}: cannot read "${raw.trim()}"`);
    const seq = (seen.get(customer) ?? 0) + 1;
    seen.set(customer, seq);
    purchases.push({ customer, seq, date, cds: Number(cds), fen: dollarsToFen(dollars, index + 1) });
  });
  return purchases;
}

/** "12.345" → 1235: exact decimal arithmetic, half up. */
export function dollarsToFen(text: string, line = 0): number {
  const match = /^(\d+)(?:\.(\d*))?$/.exec(text);
  if (!match) throw new AppError('VALIDATION_FAILED', `CDNOW line ${line}: "${text}" is not an amount`);
  const decimals = (match[2] ?? '').padEnd(3, '0');
  return Number(match[1]) * 100 + Number(decimals.slice(0, 2)) + (Number(decimals[2]) >= 5 ? 1 : 0);
}

async function ensureTenant(deps: AppDeps) {
  const find = () => deps.db.selectFrom('tenants').select(['id', 'slug', 'time_zone']).where('slug', '=', CDNOW_TENANT_SLUG).executeTakeFirst();
  const existing = await find();
  if (existing) return { tenant: existing };
  const password = deps.config.demo.password ?? randomToken(12);
  await createTenant(deps.db, { slug: CDNOW_TENANT_SLUG, name: 'CDNOW 唱片 (1997–1998)', timeZone: 'Asia/Shanghai', owner: { email: CDNOW_OWNER_EMAIL, name: 'CDNOW', password } });
  return { tenant: (await find())!, created: { tenant: CDNOW_TENANT_SLUG, email: CDNOW_OWNER_EMAIL, password } };
}

/**
 * Finds or creates the members of a batch of customers, like the member import: identities locked, then
 * looked up, the missing ones numbered and inserted, in one transaction. Returns how many were created.
 */
async function ensureMembers(deps: AppDeps, ctx: RequestContext, customers: string[], registeredAt: (customer: string) => string, memberOf: Map<string, string>) {
  return inBulkTransaction(deps.db, async (trx) => {
    const keys: IdentityKey[] = customers.map((value) => ({ type: 'app_user_id', app_id: '', value }));
    await lockIdentities(trx, ctx.tenantId, keys);
    for (const found of await findIdentities(trx, ctx.tenantId, keys)) memberOf.set(found.value, found.member_id);
    const missing = customers.filter((c) => !memberOf.has(c));
    if (!missing.length) return 0;
    const numbers = await nextMemberNumbers(trx, ctx.tenantId, missing.length);
    const rows = missing.map((customer, i) => {
      const at = registeredAt(customer);
      return { tenant_id: ctx.tenantId, id: uuidv7({ msecs: Date.parse(at) }), member_no: numbers[i]!, nickname: `CDNOW ${customer}`, channel: 'web', registered_at: at, created_at: at, updated_at: at, status: 'active' as const };
    });
    // Kysely's multi-row insert: 10 columns × 2,000 rows stays under PostgreSQL's 65,535 parameters.
    for (let i = 0; i < rows.length; i += 2000) {
      const chunk = rows.slice(i, i + 2000);
      await trx.insertInto('members').values(chunk).execute();
      await trx
        .insertInto('member_identities')
        .values(chunk.map((m, j) => ({ tenant_id: ctx.tenantId, type: 'app_user_id', app_id: '', value: missing[i + j]!, member_id: m.id, created_at: m.created_at })))
        .execute();
    }
    rows.forEach((m, i) => memberOf.set(missing[i]!, m.id));
    return rows.length;
  });
}

function memoize<T>(fn: (key: string) => T): (key: string) => T {
  const cache = new Map<string, T>();
  return (key) => {
    let value = cache.get(key);
    if (value === undefined) cache.set(key, (value = fn(key)));
    return value;
  };
}
