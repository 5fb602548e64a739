import crypto from 'node:crypto';
import { sql } from 'kysely';
import { DateTime } from 'luxon';
import type { Db } from '../db/database.ts';
import { withTransaction } from '../db/transaction.ts';
import type { AppDeps, RequestContext } from '../deps.ts';
import { AppError } from '../http/errors.ts';
import { rolePermissions } from '../modules/access/permissions.ts';
import { recordAudit } from '../modules/audit/audit.service.ts';
// The one repo function used from outside its module: generated members must be numbered exactly like
// registered ones, from the same counter, and no service hands out numbers in bulk without a member.
import { nextMemberNumbers } from '../modules/members/members.repo.ts';
import { upsertProducts } from '../modules/products/products.service.ts';
import { createStore } from '../modules/stores/stores.service.ts';
import { DEMO_TENANT_SLUG, seedDemoIfEmpty, type DemoCredentials } from '../seed.ts';

export interface GenerateOptions {
  /** Slug of an existing tenant; default the demo tenant, which is created first in an empty database. */
  tenant?: string;
  members: number;
  orders: number;
  /** Same seed, same tenant state and same day: same data. Letters, digits, - and _. */
  seed?: string;
  /** Batches in flight at once: 1 on PGlite (one backend), 2–3 on PostgreSQL. */
  concurrency?: number;
  batchSize?: number;
  onProgress?: (progress: GenerateProgress) => void;
}

export interface GenerateProgress {
  phase: 'members' | 'orders';
  done: number;
  total: number;
  lines: number;
  /** Since the phase began. */
  ms: number;
}

export interface GenerateResult {
  tenantId: string;
  tenant: string;
  run: string;
  seed: string;
  demo?: DemoCredentials;
  storesCreated: number;
  productsCreated: number;
  members: number;
  /** Generated phones already taken by another member: those members were made without a phone. */
  phonesSkipped: number;
  orders: number;
  lines: number;
  membersMs: number;
  ordersMs: number;
}

/**
 * Bulk demo and benchmark data: stores (up to eight), a coffee-and-bakery catalogue, members with phones
 * and orders over the past two years, skewed so a few members buy often. Rows are written straight into
 * the tables in large unnest() batches — no audit row, event or points per row — because services write
 * one order per transaction and would take hours for ten million. Totals add up to the fen as
 * createOrder requires, and each order's content hash is the one createOrder computes for it, so posting
 * a generated order again through the API replays it. Every run takes a new tag (`gen-<tag>-<n>`
 * external ids), so a second run adds more.
 */
export async function generateData(deps: AppDeps, options: GenerateOptions): Promise<GenerateResult> {
  const seed = options.seed ?? '1';
  if (!/^[A-Za-z0-9_-]{1,20}$/.test(seed)) throw new AppError('BAD_REQUEST', 'The seed must be 1–20 letters, digits, - or _');
  const { tenant, demo } = await resolveTenant(deps, options.tenant ?? DEMO_TENANT_SLUG);
  const ctx = systemContext(tenant.id, 'seed generator');
  const run = await claimRun(deps.db, ctx, seed, options);
  const rng = createRng(`${seed}/${run.ordinal}`);
  // Ids draw from a stream of their own keyed by the tenant: the same seed makes the same data in two
  // tenants, never the same ids.
  const idRng = createRng(`${tenant.id}/${run.tag}`);
  const days = localDays(deps.clock.now(), tenant.time_zone, 730);
  const stores = await ensureStores(deps, ctx, rng);
  const products = await ensureProducts(deps, ctx);
  const g: Generation = { db: deps.db, tenantId: tenant.id, rng, idRng, days, stores, batchSize: options.batchSize ?? 5000, concurrency: options.concurrency ?? 1, onProgress: options.onProgress };

  let started = performance.now();
  const pool = options.members > 0 ? await writeMembers(g, options.members) : await loadMembers(g);
  const membersMs = performance.now() - started;
  started = performance.now();
  const { lines } = await writeOrders(g, pool, products.catalogue, options.orders, run.tag);
  const ordersMs = performance.now() - started;
  // Fresh statistics, so the first queries after a large load plan as they will later.
  if (options.members + options.orders > 0) await sql`analyze members, member_identities, orders, order_lines`.execute(deps.db);
  return {
    tenantId: tenant.id,
    tenant: tenant.slug,
    run: run.tag,
    seed,
    demo,
    storesCreated: stores.created,
    productsCreated: products.created,
    members: options.members,
    phonesSkipped: options.members > 0 ? pool.phonesSkipped : 0,
    orders: options.orders,
    lines,
    membersMs,
    ordersMs,
  };
}

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

// ---------------------------------------------------------------------------------------------------
// Tenant, run, stores and products

interface Generation {
  db: Db;
  tenantId: string;
  rng: Rng;
  idRng: Rng;
  days: { start: number; weekday: number; month: number }[];
  stores: Stores;
  batchSize: number;
  concurrency: number;
  onProgress?: (progress: GenerateProgress) => void;
}

async function resolveTenant(deps: AppDeps, slug: string) {
  const find = () => deps.db.selectFrom('tenants').select(['id', 'slug', 'time_zone']).where('slug', '=', slug).executeTakeFirst();
  let tenant = await find();
  let demo: DemoCredentials | undefined;
  if (!tenant && slug === DEMO_TENANT_SLUG) {
    demo = await seedDemoIfEmpty(deps);
    tenant = await find();
  }
  if (!tenant) throw new AppError('NOT_FOUND', `No tenant with slug "${slug}"${slug === DEMO_TENANT_SLUG ? ' (the database has other tenants, or HEARTH_DEMO_DATA=false): pass --tenant <slug>' : ''}`);
  return { tenant, demo };
}

/** Numbers this run among the runs with the same seed in the tenant, and records it in the audit log. */
async function claimRun(db: Db, ctx: RequestContext, seed: string, options: GenerateOptions) {
  return withTransaction(db, async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtextextended(${`seed-run|${ctx.tenantId}`}, 0))`.execute(trx);
    const { n } = await trx
      .selectFrom('audit_log')
      .select(({ fn }) => fn.countAll<number>().as('n'))
      .where('tenant_id', '=', ctx.tenantId)
      .where('resource_type', '=', 'seed_run')
      .where(sql<string>`details->>'seed'`, '=', seed)
      .executeTakeFirstOrThrow();
    const ordinal = Number(n) + 1;
    const tag = ordinal === 1 ? `s${seed}` : `s${seed}r${ordinal}`;
    await recordAudit(trx, ctx, { action: 'seed.generate', resourceType: 'seed_run', resourceId: tag, details: { seed, members: options.members, orders: options.orders } });
    return { ordinal, tag };
  });
}

interface Stores {
  created: number;
  rows: { id: string; province: string | null; city: string | null; district: string | null }[];
  cumulative: number[];
}

/** Tops the tenant up to eight stores; orders go to its active ones, some busier than others. */
async function ensureStores(deps: AppDeps, ctx: RequestContext, rng: Rng): Promise<Stores> {
  const list = () => deps.db.selectFrom('stores').select(['id', 'code', 'status', 'province', 'city', 'district']).where('tenant_id', '=', ctx.tenantId).where('deleted_at', 'is', null).orderBy('code').execute();
  const existing = await list();
  const taken = new Set(existing.map((s) => s.code));
  let created = 0;
  for (const [code, name, province, city, district, address, latitude, longitude, phone] of EXTRA_STORES) {
    if (existing.length + created >= 8) break;
    if (taken.has(code)) continue;
    await createStore(deps, ctx, { code, name, province, city, district, address, latitude, longitude, phone, status: 'active', opening_hours: [{ weekdays: [1, 2, 3, 4, 5, 6, 7], open: '07:30', close: '21:30' }] });
    created++;
  }
  const rows = (await list()).filter((s) => s.status === 'active');
  return { created, rows, cumulative: cumulate(rows.map(() => 0.5 + rng.next())) };
}

/** Adds the catalogue's missing SKUs; SKUs the tenant already has keep their own name and price. */
async function ensureProducts(deps: AppDeps, ctx: RequestContext) {
  const existing = new Map(
    (await deps.db.selectFrom('products').select(['sku', 'list_price_fen', 'member_only', 'status']).where('tenant_id', '=', ctx.tenantId).where('sku', 'in', CATALOGUE.map((p) => p[0])).execute()).map((p) => [p.sku, p]),
  );
  const missing = CATALOGUE.filter(([sku]) => !existing.has(sku));
  if (missing.length) {
    await upsertProducts(
      deps,
      ctx,
      missing.map(([sku, name, path, price]) => ({ sku, name, category_path: path.split('/'), brand: '炉边', list_price_fen: price, member_only: MEMBER_ONLY.has(sku), tags: [], status: 'active' as const })),
    );
  }
  const catalogue = CATALOGUE.filter(([sku]) => existing.get(sku)?.status !== 'inactive').map(([sku, , path, price, popularity]) => ({
    sku,
    price: Number(existing.get(sku)?.list_price_fen ?? price),
    memberOnly: existing.get(sku)?.member_only ?? MEMBER_ONLY.has(sku),
    giftCard: path === '礼品卡',
    retail: path.startsWith('咖啡豆') || path.startsWith('周边') || path === '礼品卡',
    popularity,
  }));
  return { created: missing.length, catalogue };
}

type Product = Awaited<ReturnType<typeof ensureProducts>>['catalogue'][number];

// ---------------------------------------------------------------------------------------------------
// Members

/** The members orders are drawn from: registration times ascending, and cumulative purchase propensity. */
interface MemberPool {
  ids: string[];
  registeredMs: Float64Array;
  homeStore: Int16Array;
  cumulative: Float64Array;
  phonesSkipped: number;
}

async function writeMembers(g: Generation, n: number): Promise<MemberPool> {
  const { rng, days, stores } = g;
  // Numbers are taken up front in one statement: batches written in parallel must not queue on the counter row.
  const first = Number((await nextMemberNumbers(g.db, g.tenantId, n))[0]!.slice(1));
  // Registrations grow over the two years (three times as many in the last month as in the first).
  const registeredMs = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x = (Math.sqrt(1 + 8 * rng.next()) - 1) / 2;
    registeredMs[i] = days[Math.min(days.length - 1, Math.floor(x * days.length))]!.start + timeOfDay(rng);
  }
  registeredMs.sort();
  const pool: MemberPool = { ids: new Array<string>(n), registeredMs, homeStore: new Int16Array(n), cumulative: new Float64Array(n), phonesSkipped: 0 };
  const writer = createWriter(g.concurrency);
  const started = performance.now();
  let done = 0;
  let weight = 0;
  for (let from = 0; from < n; from += g.batchSize) {
    const rows: MemberColumns = { id: [], no: [], name: [], gender: [], month: [], day: [], year: [], phone: [], province: [], city: [], district: [], store: [], channel: [], at: [] };
    for (let i = from; i < Math.min(n, from + g.batchSize); i++) {
      const at = registeredMs[i]!;
      const id = uuidV7(at, g.idRng);
      const female = rng.next() < 0.6;
      const gender = rng.next() < 0.05 ? null : female ? 'female' : 'male';
      const channel = pick(rng, MEMBER_CHANNELS);
      const store = stores.rows.length && (rng.next() < 0.9 || channel === 'store') ? pickIndex(rng, stores.cumulative) : -1;
      const place = store >= 0 ? stores.rows[store]! : null;
      const birthday = rng.next() < 0.7 ? randomBirthday(rng) : null;
      rows.id.push(id), rows.no.push(`M${String(first + i).padStart(8, '0')}`), rows.name.push(rng.next() < 0.92 ? chineseName(rng, female) : null), rows.gender.push(gender);
      rows.month.push(birthday?.month ?? null), rows.day.push(birthday?.day ?? null), rows.year.push(birthday?.year ?? null), rows.phone.push(phoneFor(first + i));
      rows.province.push(place?.province ?? null), rows.city.push(place?.city ?? null), rows.district.push(place?.district ?? null), rows.store.push(place ? stores.rows[store]!.id : null);
      rows.channel.push(channel), rows.at.push(new Date(at).toISOString());
      pool.ids[i] = id;
      pool.homeStore[i] = store;
      weight += propensity(rng);
      pool.cumulative[i] = weight;
    }
    await writer.submit(async () => {
      pool.phonesSkipped += await insertMembers(g.db, g.tenantId, rows);
      done += rows.id.length;
      g.onProgress?.({ phase: 'members', done, total: n, lines: 0, ms: performance.now() - started });
    });
  }
  await writer.drain();
  return pool;
}

interface MemberColumns {
  id: string[];
  no: string[];
  name: (string | null)[];
  gender: (string | null)[];
  month: (number | null)[];
  day: (number | null)[];
  year: (number | null)[];
  phone: string[];
  province: (string | null)[];
  city: (string | null)[];
  district: (string | null)[];
  store: (string | null)[];
  channel: string[];
  at: string[];
}

/** Members and their phone identities in one statement; a phone someone already has is left out. Returns how many were. */
async function insertMembers(db: Db, tenantId: string, c: MemberColumns): Promise<number> {
  const result = await inBulkTransaction(db, (trx) => sql<{ skipped: number }>`
    with v as (
      select u.*, case when exists (select 1 from member_identities i where i.tenant_id = ${tenantId}::uuid and i.type = 'phone' and i.app_id = '' and i.value = u.phone) then null else u.phone end as free_phone
      from unnest(${pgArray(c.id)}::uuid[], ${pgArray(c.no)}::text[], ${pgArray(c.name)}::text[], ${pgArray(c.gender)}::text[], ${pgArray(c.month)}::int2[], ${pgArray(c.day)}::int2[], ${pgArray(c.year)}::int2[],
                  ${pgArray(c.phone)}::text[], ${pgArray(c.province)}::text[], ${pgArray(c.city)}::text[], ${pgArray(c.district)}::text[], ${pgArray(c.store)}::uuid[], ${pgArray(c.channel)}::text[], ${pgArray(c.at)}::timestamptz[])
        as u(id, member_no, name, gender, birthday_month, birthday_day, birth_year, phone, province, city, district, home_store_id, channel, registered_at)
    ), m as (
      insert into members (tenant_id, id, member_no, name, gender, birthday_month, birthday_day, birth_year, phone, province, city, district, home_store_id, channel, registered_at, created_at, updated_at)
      select ${tenantId}::uuid, id, member_no, name, gender, birthday_month, birthday_day, birth_year, free_phone, province, city, district, home_store_id, channel, registered_at, registered_at, registered_at from v
    ), i as (
      insert into member_identities (tenant_id, type, app_id, value, member_id, created_at)
      select ${tenantId}::uuid, 'phone', '', free_phone, id, registered_at from v where free_phone is not null
    )
    select count(*)::int as skipped from v where free_phone is null`.execute(trx));
  return result.rows[0]!.skipped;
}

/** Without --members, orders go to the tenant's active members, all of them eligible from the start. */
async function loadMembers(g: Generation): Promise<MemberPool> {
  const rows = await g.db.selectFrom('members').select(['id', 'home_store_id']).where('tenant_id', '=', g.tenantId).where('status', '=', 'active').orderBy('id').execute();
  const storeIndex = new Map(g.stores.rows.map((s, i) => [s.id, i]));
  const pool: MemberPool = { ids: rows.map((r) => r.id), registeredMs: new Float64Array(rows.length).fill(-Infinity), homeStore: new Int16Array(rows.length), cumulative: new Float64Array(rows.length), phonesSkipped: 0 };
  let weight = 0;
  rows.forEach((row, i) => {
    pool.homeStore[i] = row.home_store_id ? (storeIndex.get(row.home_store_id) ?? -1) : -1;
    weight += propensity(g.rng);
    pool.cumulative[i] = weight;
  });
  return pool;
}

// ---------------------------------------------------------------------------------------------------
// Orders

/**
 * Orders in time order, day by day: a day's volume follows the propensity of the members registered by
 * then (plus walk-in guests), the weekday and the season; each order goes to a member already registered,
 * chosen by propensity. Time order keeps the UUIDv7 keys ascending, so the indexes only ever append.
 */
async function writeOrders(g: Generation, pool: MemberPool, catalogue: Product[], total: number, tag: string) {
  const { rng, days, stores } = g;
  const n = pool.ids.length;
  const all = n ? pool.cumulative[n - 1]! : 0;
  const guestBase = n ? 0.08 * all : 1;
  const dayWeights: number[] = [];
  for (let d = 0, e = 0; d < days.length; d++) {
    const end = d + 1 < days.length ? days[d + 1]!.start : days[d]!.start + 86_400_000;
    while (e < n && pool.registeredMs[e]! < end) e++;
    dayWeights.push(((e ? pool.cumulative[e - 1]! : 0) + guestBase) * WEEKDAY_FACTOR[days[d]!.weekday - 1]! * MONTH_FACTOR[days[d]!.month - 1]!);
  }
  const cumulativeDays = cumulate(dayWeights);
  const productCumulative = cumulate(catalogue.map((p) => p.popularity));
  const writer = createWriter(g.concurrency);
  const started = performance.now();
  let batch: NewOrder[] = [];
  let number = 0;
  let done = 0;
  let lines = 0;
  const flush = async () => {
    const orders = batch;
    batch = [];
    await writer.submit(async () => {
      await insertOrders(g.db, g.tenantId, orders);
      done += orders.length;
      lines += orders.reduce((sum, o) => sum + o.lines.length, 0);
      g.onProgress?.({ phase: 'orders', done, total, lines, ms: performance.now() - started });
    });
  };
  let e = 0;
  let previous = 0;
  for (let d = 0; d < days.length && total > 0; d++) {
    const upTo = Math.round((total * cumulativeDays[d]!) / cumulativeDays[days.length - 1]!);
    const times = new Float64Array(upTo - previous);
    previous = upTo;
    for (let i = 0; i < times.length; i++) times[i] = days[d]!.start + timeOfDay(rng);
    times.sort();
    for (const at of times) {
      while (e < n && pool.registeredMs[e]! <= at) e++;
      const eligible = e ? pool.cumulative[e - 1]! : 0;
      const member = eligible > 0 && rng.next() * (eligible + guestBase) >= guestBase ? lowerBound(pool.cumulative, rng.next() * eligible, e) : -1;
      batch.push(makeOrder(rng, g.idRng, at, `gen-${tag}-${++number}`, member >= 0 ? pool.ids[member]! : null, member >= 0 ? pool.homeStore[member]! : -1, stores, catalogue, productCumulative));
      if (batch.length >= g.batchSize) await flush();
    }
  }
  if (batch.length) await flush();
  await writer.drain();
  return { lines };
}

function makeOrder(rng: Rng, idRng: Rng, at: number, externalId: string, memberId: string | null, homeStore: number, stores: Stores, catalogue: Product[], productCumulative: number[]): NewOrder {
  const guest = memberId === null;
  // Guests walk into a store; members also order ahead in the mini program or for delivery in the app.
  const channel = guest ? 'store' : pick(rng, ORDER_CHANNELS);
  const store = !stores.rows.length ? -1 : homeStore >= 0 && rng.next() < 0.75 ? homeStore : pickIndex(rng, stores.cumulative);
  const lineCount = pick(rng, LINE_COUNTS);
  const chosen: Product[] = [];
  for (let k = 0; k < lineCount; k++) {
    for (let tries = 0; tries < 6; tries++) {
      const product = catalogue[pickIndex(rng, productCumulative)]!;
      if (chosen.includes(product) || (guest && product.memberOnly)) continue;
      chosen.push(product);
      break;
    }
  }
  if (!chosen.length) chosen.push(catalogue.find((p) => !p.memberOnly) ?? catalogue[0]!);
  const lines = chosen.map((p) => ({ sku: p.sku, qty: p.retail ? (rng.next() < 0.92 ? 1 : 2) : pick(rng, DRINK_QTY), unit_price_fen: p.price, discount_fen: 0, flags: p.giftCard ? ['gift_card'] : [] }));
  // A fifth of member orders carry a promotion on their first line that is not a gift card.
  const promoted = lines.find((l) => l.flags.length === 0);
  if (!guest && promoted && rng.next() < 0.2) {
    const gross = promoted.qty * promoted.unit_price_fen;
    const r = rng.next();
    promoted.discount_fen = r < 0.4 ? Math.min(500, gross) : r < 0.75 ? Math.floor(gross * 0.2) : promoted.qty >= 2 ? promoted.unit_price_fen : Math.floor(gross * 0.1);
  }
  const goods = lines.reduce((sum, l) => sum + l.qty * l.unit_price_fen - l.discount_fen, 0);
  let payment = pick(rng, guest ? GUEST_PAYMENTS : MEMBER_PAYMENTS);
  if (payment === 'cash' && channel !== 'store') payment = 'wechat_pay';
  return {
    id: uuidV7(at, idRng),
    external_id: externalId,
    member_id: memberId,
    channel,
    store_id: store >= 0 ? stores.rows[store]!.id : null,
    payment_method: payment,
    occurred_at: new Date(at).toISOString(),
    shipping_fen: channel === 'app' && goods < 8800 ? 600 : 0,
    lines,
  };
}

/** Keeps up to `concurrency` batches in flight; the first failure stops the run once the others settle. */
function createWriter(concurrency: number) {
  const running = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  const settle = async () => {
    await Promise.allSettled(running);
    if (failure) throw failure.error;
  };
  return {
    async submit(task: () => Promise<void>) {
      if (failure) return settle();
      const promise: Promise<void> = task()
        .catch((error: unknown) => void (failure ??= { error }))
        .finally(() => running.delete(promise));
      running.add(promise);
      if (running.size >= concurrency) await Promise.race(running);
      if (failure) return settle();
    },
    drain: settle,
  };
}

// ---------------------------------------------------------------------------------------------------
// Randomness and distributions

interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  u32(): number;
}

/** sfc32 seeded from a string: fast, and the same sequence on every machine. */
function createRng(seed: string): Rng {
  const h = crypto.createHash('sha256').update(seed).digest();
  let a = h.readUInt32LE(0);
  let b = h.readUInt32LE(4);
  let c = h.readUInt32LE(8);
  let d = h.readUInt32LE(12);
  const u32 = () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 12; i++) u32();
  return { u32, next: () => u32() / 4_294_967_296 };
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** A UUIDv7 for the given time, its 74 random bits from the generator's id stream. */
function uuidV7(ms: number, rng: Rng): string {
  const high = Math.floor(ms / 65_536);
  const low = ms % 65_536;
  const r1 = rng.u32();
  const r2 = rng.u32();
  const r3 = rng.u32();
  const hex8 = (v: number) => HEX[v >>> 24]! + HEX[(v >>> 16) & 255]! + HEX[(v >>> 8) & 255]! + HEX[v & 255]!;
  const hex4 = (v: number) => HEX[(v >>> 8) & 255]! + HEX[v & 255]!;
  return `${hex8(high)}-${hex4(low)}-${hex4(0x7000 | (r1 & 0x0fff))}-${hex4(0x8000 | ((r1 >>> 12) & 0x3fff))}-${hex8(r2)}${hex4(r3)}`;
}

function normal(rng: Rng): number {
  return Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
}

/** How often a member buys, relative to others: log-normal, capped — most buy now and then, a few every other day. */
function propensity(rng: Rng): number {
  return Math.min(30, Math.exp(1.2 * normal(rng)));
}

function cumulate(weights: number[]): number[] {
  let sum = 0;
  return weights.map((w) => (sum += w));
}

/** The first index whose cumulative weight exceeds x, among the first `length`. */
function lowerBound(cumulative: ArrayLike<number>, x: number, length: number): number {
  let lo = 0;
  let hi = length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cumulative[mid]! > x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function pickIndex(rng: Rng, cumulative: number[]): number {
  return lowerBound(cumulative, rng.next() * cumulative[cumulative.length - 1]!, cumulative.length);
}

/** Picks from [value, weight] pairs. */
function pick<T>(rng: Rng, choices: readonly (readonly [T, number])[]): T {
  let x = rng.next() * choices.reduce((sum, c) => sum + c[1], 0);
  for (const [value, weight] of choices) if ((x -= weight) < 0) return value;
  return choices[choices.length - 1]![0];
}

/** The window's local days, oldest first, ending yesterday: nothing generated lies in the future. */
function localDays(now: Date, zone: string, count: number) {
  const today = DateTime.fromJSDate(now, { zone }).startOf('day');
  return Array.from({ length: count }, (_, i) => {
    const day = today.minus({ days: count - i });
    return { start: day.toMillis(), weekday: day.weekday, month: day.month };
  });
}

const HOUR_WEIGHTS = [0, 0, 0, 0, 0, 0, 0.2, 1.5, 4, 3.5, 2.5, 2.5, 3.5, 3, 2.5, 3, 3, 2.2, 1.6, 1.3, 1, 0.6, 0.3, 0.05];
const HOUR_CUMULATIVE = cumulate(HOUR_WEIGHTS);

/** Milliseconds after local midnight, shaped like a coffee shop's day (breakfast and lunch peaks), to the second. */
function timeOfDay(rng: Rng): number {
  return pickIndex(rng, HOUR_CUMULATIVE) * 3_600_000 + Math.floor(rng.next() * 3600) * 1000;
}

// 36 prefixes: the space (36 × 10^8 = 2^10·3^2·5^8) shares no factor with the prime multiplier below.
const PHONE_PREFIXES = '130 131 132 133 134 135 136 137 138 139 150 151 152 153 155 156 157 158 159 166 176 177 180 181 182 183 184 185 186 187 188 189 191 195 198 199'.split(' ');
const PHONE_SPACE = PHONE_PREFIXES.length * 100_000_000;
const PHONE_MULTIPLIER = 2_654_435_761;

/**
 * Member number k's mobile (E.164): an affine bijection of k over the prefixes' numbers, so numbers that
 * never repeat give phones that never repeat, across runs too. Exact in doubles for k < 2^32.
 */
export function phoneFor(k: number): string {
  const high = Math.floor(k / 65_536);
  const low = k % 65_536;
  const x = (((PHONE_MULTIPLIER * high) % PHONE_SPACE) * 65_536 + PHONE_MULTIPLIER * low + 12_345_678) % PHONE_SPACE;
  return `+86${PHONE_PREFIXES[Math.floor(x / 100_000_000)]}${String(x % 100_000_000).padStart(8, '0')}`;
}

const SURNAMES = [...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任卢姚沈钟姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾龚邵万覃武钱戴严莫孔向常汤'];
// Roughly how common Chinese surnames are: the first five carry about a quarter of the population.
const SURNAME_CUMULATIVE = cumulate(SURNAMES.map((_, i) => 1 / (i + 4)));
const FEMALE_CHARS = [...'芳娜敏静丽艳娟霞秀英玲燕萍红琳雪慧婷颖倩欣悦佳梦雨涵怡琪璐晨瑶蕾薇洁莉婉晴诗雯月'];
const MALE_CHARS = [...'伟强磊军洋勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆帅旭宁龙林峰志坤然'];
const SHARED_CHARS = [...'子思嘉梓一文晓安可若天'];

function chineseName(rng: Rng, female: boolean): string {
  const own = female ? FEMALE_CHARS : MALE_CHARS;
  const char = (chars: string[]) => chars[Math.floor(rng.next() * chars.length)]!;
  const surname = SURNAMES[pickIndex(rng, SURNAME_CUMULATIVE)]!;
  if (rng.next() < 0.25) return surname + char(own);
  const second = char(own);
  if (rng.next() < 0.02) return surname + second + second;
  return surname + char(rng.next() < 0.5 ? own : SHARED_CHARS) + second;
}

function randomBirthday(rng: Rng) {
  const year = Math.max(1960, Math.min(2007, Math.round(1995 + 7 * normal(rng))));
  const month = 1 + Math.floor(rng.next() * 12);
  const day = 1 + Math.floor(rng.next() * new Date(Date.UTC(year, month, 0)).getUTCDate());
  return { month, day, year: rng.next() < 0.9 ? year : null };
}

const MEMBER_CHANNELS = [['mini_program', 52], ['store', 22], ['official_account', 12], ['app', 10], ['web', 4]] as const;
const ORDER_CHANNELS = [['store', 50], ['mini_program', 38], ['app', 12]] as const;
const LINE_COUNTS = [[1, 50], [2, 32], [3, 12], [4, 6]] as const;
const DRINK_QTY = [[1, 80], [2, 15], [3, 4], [4, 1]] as const;
const MEMBER_PAYMENTS = [['wechat_pay', 60], ['alipay', 24], ['stored_value', 10], ['card', 4], ['cash', 2]] as const;
const GUEST_PAYMENTS = [['wechat_pay', 62], ['alipay', 28], ['card', 5], ['cash', 5]] as const;
/** Monday first. */
const WEEKDAY_FACTOR = [0.95, 0.95, 0.97, 1, 1.08, 1.2, 1.15];
/** January first: December's holidays up, the Spring Festival weeks down. */
const MONTH_FACTOR = [0.95, 0.82, 1, 1, 1.02, 1, 1.05, 1.05, 1, 1.03, 1.02, 1.15];

const MEMBER_ONLY = new Set(['BEAN-YIRGA-250']);
/** sku, name, category path, list price (fen), popularity. */
const CATALOGUE: [string, string, string, number, number][] = [
  ['COF-AMER-M', '美式（中杯）', '饮品/咖啡/经典', 2600, 14],
  ['COF-AMER-L', '美式（大杯）', '饮品/咖啡/经典', 2900, 5],
  ['COF-LATTE-M', '拿铁（中杯）', '饮品/咖啡/经典', 3200, 18],
  ['COF-LATTE-L', '拿铁（大杯）', '饮品/咖啡/经典', 3500, 6],
  ['COF-CAPP-M', '卡布奇诺', '饮品/咖啡/经典', 3200, 5],
  ['COF-FLATW-M', '馥芮白', '饮品/咖啡/经典', 3400, 5],
  ['COF-MOCHA-M', '摩卡', '饮品/咖啡/经典', 3500, 3],
  ['COF-CARAMEL-M', '焦糖玛奇朵', '饮品/咖啡/经典', 3600, 4],
  ['COF-COCO-LATTE', '生椰拿铁', '饮品/咖啡/创意', 3500, 10],
  ['COF-OSMAN-LATTE', '桂花拿铁', '饮品/咖啡/创意', 3600, 3],
  ['COF-COLDBREW', '冷萃咖啡', '饮品/咖啡/冷萃', 3200, 6],
  ['COF-POUR-YIRGA', '手冲 耶加雪菲', '饮品/咖啡/手冲', 4200, 2],
  ['COF-POUR-COLOMBIA', '手冲 哥伦比亚', '饮品/咖啡/手冲', 3800, 2],
  ['TEA-OOLONG', '冷萃乌龙', '饮品/茶饮', 2800, 4],
  ['TEA-MATCHA-LATTE', '抹茶拿铁', '饮品/茶饮', 3400, 4],
  ['TEA-EARLGREY', '伯爵红茶', '饮品/茶饮', 2600, 2],
  ['DRK-CHOCOLATE', '热巧克力', '饮品/其他', 3000, 2],
  ['DRK-ORANGE', '鲜榨橙汁', '饮品/其他', 2800, 2],
  ['BAK-CROISSANT', '黄油可颂', '烘焙/面包', 1800, 8],
  ['BAK-ALMOND-CROISSANT', '杏仁可颂', '烘焙/面包', 2200, 3],
  ['BAK-CHOC-CROISSANT', '巧克力可颂', '烘焙/面包', 2200, 3],
  ['BAK-CINNAMON', '肉桂卷', '烘焙/面包', 2000, 3],
  ['BAK-PRETZEL', '碱水结', '烘焙/面包', 1600, 2],
  ['BAK-BAGEL', '原味贝果', '烘焙/面包', 1500, 3],
  ['CAKE-TIRAMISU', '提拉米苏', '烘焙/蛋糕', 3800, 3],
  ['CAKE-NY-CHEESE', '纽约芝士蛋糕', '烘焙/蛋糕', 3600, 2],
  ['CAKE-BASQUE', '巴斯克芝士蛋糕', '烘焙/蛋糕', 3800, 3],
  ['CAKE-REDVELVET', '红丝绒蛋糕', '烘焙/蛋糕', 3600, 1.5],
  ['DES-EGGTART', '葡式蛋挞', '烘焙/甜点', 900, 4],
  ['DES-MADELEINE', '玛德琳', '烘焙/甜点', 1200, 2],
  ['DES-SCONE', '英式司康', '烘焙/甜点', 1500, 2],
  ['FOOD-HAM-SANDWICH', '火腿芝士三明治', '轻食/三明治', 3200, 3],
  ['FOOD-CHICKEN-SANDWICH', '鸡肉牛油果三明治', '轻食/三明治', 3800, 3],
  ['FOOD-CAESAR', '凯撒沙拉', '轻食/沙拉', 4200, 1.5],
  ['BEAN-YIRGA-250', '耶加雪菲咖啡豆 250g', '咖啡豆/单一产区', 8800, 1],
  ['BEAN-COLOMBIA-250', '哥伦比亚慧兰咖啡豆 250g', '咖啡豆/单一产区', 7800, 0.8],
  ['BEAN-YUNNAN-250', '云南保山咖啡豆 250g', '咖啡豆/单一产区', 6800, 0.8],
  ['BEAN-HOUSE-500', '炉边招牌拼配咖啡豆 500g', '咖啡豆/拼配', 12800, 1],
  ['MER-TUMBLER', '不锈钢随行杯', '周边/杯具', 16800, 0.4],
  ['MER-MUG', '陶瓷马克杯', '周边/杯具', 9800, 0.3],
  ['CARD-100', '100 元储值卡', '礼品卡', 10000, 0.4],
  ['CARD-200', '200 元储值卡', '礼品卡', 20000, 0.2],
];

/** code, name, province, city, district, address, latitude, longitude, phone. */
const EXTRA_STORES: [string, string, string, string, string, string, number, number, string][] = [
  ['SH003', '上海新天地店', '上海市', '上海市', '黄浦区', '马当路245号', 31.2197, 121.4737, '021-63851234'],
  ['BJ003', '北京望京店', '北京市', '北京市', '朝阳区', '望京街10号', 39.9965, 116.4806, '010-84761234'],
  ['HZ002', '杭州西溪店', '浙江省', '杭州市', '余杭区', '文一西路588号', 30.2888, 120.0152, '0571-88171234'],
  ['NJ001', '南京新街口店', '江苏省', '南京市', '秦淮区', '中山南路1号', 32.0416, 118.7844, '025-84701234'],
  ['SU001', '苏州观前街店', '江苏省', '苏州市', '姑苏区', '观前街88号', 31.3110, 120.6250, '0512-67701234'],
  ['WH001', '武汉楚河汉街店', '湖北省', '武汉市', '武昌区', '楚河汉街1号', 30.5600, 114.3350, '027-87131234'],
  ['XA001', '西安大雁塔店', '陕西省', '西安市', '雁塔区', '雁塔南路1号', 34.2196, 108.9640, '029-85521234'],
  ['CQ001', '重庆解放碑店', '重庆市', '重庆市', '渝中区', '民族路188号', 29.5580, 106.5770, '023-63701234'],
  ['SZ002', '深圳南山店', '广东省', '深圳市', '南山区', '深南大道9668号', 22.5405, 113.9530, '0755-86351234'],
  ['XM001', '厦门中山路店', '福建省', '厦门市', '思明区', '中山路1号', 24.4560, 118.0800, '0592-20221234'],
];
