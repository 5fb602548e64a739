import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import { withTransaction } from '../db/transaction.ts';
import type { AppDeps, RequestContext } from '../deps.ts';
import { AppError } from '../http/errors.ts';
import { recordAudit } from '../modules/audit/audit.service.ts';
// The one repo function used from outside its module: generated members must be numbered exactly like
// registered ones, from the same counter, and no service hands out numbers in bulk without a member.
import { nextMemberNumbers } from '../modules/members/members.repo.ts';
import { upsertProducts } from '../modules/products/products.service.ts';
import { createStore } from '../modules/stores/stores.service.ts';
import { type NewOrder, insertOrders, inBulkTransaction, systemContext, pgArray } from './bulk.ts';
import { type Rng, createRng, uuidV7, propensity, cumulate, lowerBound, pickIndex, pick } from './random.ts';
import { localDays, timeOfDay, phoneFor, chineseName, randomBirthday, MEMBER_CHANNELS, ORDER_CHANNELS, LINE_COUNTS, DRINK_QTY, MEMBER_PAYMENTS, GUEST_PAYMENTS, WEEKDAY_FACTOR, MONTH_FACTOR, MEMBER_ONLY, CATALOGUE, EXTRA_STORES } from './sample-data.ts';
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

