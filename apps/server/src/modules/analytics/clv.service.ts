import { sql } from 'kysely';
import { DateTime } from 'luxon';
import { v7 as uuidv7 } from 'uuid';
import type { ClvFit, ClvSummary, MemberClv } from '@hearth/contracts/analytics';
import type { Db } from '../../db/database.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { notFound } from '../../http/errors.ts';
import { conditionalExpectedPurchases, expectedSpend, fitBgNbd, fitGammaGamma, probabilityAlive, type BgNbdParams, type GammaGammaParams, type RfCell, type SpendCell } from './clv.model.ts';
import { loadAnalyticsSetup } from './settings.service.ts';

declare module '../../db/schema.ts' {
  interface DB {
    clv_fits: {
      tenant_id: string;
      id: string;
      status: 'running' | 'succeeded' | 'insufficient_data';
      calibration_end: string;
      horizon_months: number;
      discount_bp: number;
      customers: number | undefined;
      repeaters: number | undefined;
      r: number | null;
      alpha: number | null;
      a: number | null;
      b: number | null;
      loglik: number | null;
      p: number | null;
      q: number | null;
      v: number | null;
      members_scored: number | undefined;
      started_at: Date | undefined;
      finished_at: Date | null;
    };
    member_clv: {
      tenant_id: string;
      member_id: string;
      fit_id: string;
      repeat_purchases: number;
      recency_weeks: number;
      age_weeks: number;
      p_alive: number;
      expected_purchases: number;
      expected_spend_per_purchase_fen: number;
      expected_spend_fen: number;
      clv_fen: number;
      historic_value_fen: number;
      clv_percentile: number | undefined;
      computed_at: Date;
    };
  }
}

/** Below this the maximum-likelihood estimates say more about noise than about the customers. */
const MIN_CUSTOMERS = 20;
const MIN_REPEATERS = 5;
const WEEKS_PER_MONTH = 365.25 / 12 / 7;

export interface ClvRunOptions {
  membersPerChunk?: number;
  signal?: AbortSignal;
  progress?(done: number, total: number): Promise<void>;
}

/**
 * Fits BG/NBD and Gamma-Gamma on the tenant's orders up to today (tenant time zone) and scores every
 * member who has bought: P(alive), expected purchases and spend over the horizon, CLV (discounted
 * monthly), historic value and CLV percentile.
 *
 * Orders count by day (several on one day are one purchase); fully refunded orders do not count and
 * partly refunded ones count for what was kept. The fit reads the orders once, grouped in SQL into
 * (x, t_x, T) cells. Scoring then walks members in key order, a chunk per transaction: each chunk is one
 * read and one set-based upsert. A killed run leaves its fit `running` and a mix of old and new rows, each
 * tagged with its fit; the next run rewrites them all and drops rows of members who no longer have orders.
 */
export async function runClvFit(deps: Pick<AppDeps, 'db' | 'clock'>, tenantId: string, options: ClvRunOptions = {}): Promise<ClvFit> {
  const perChunk = options.membersPerChunk ?? 5000;
  const { settings, timeZone } = await loadAnalyticsSetup(deps.db, tenantId);
  const today = DateTime.fromJSDate(deps.clock.now(), { zone: timeZone }).startOf('day');
  const end = today.plus({ days: 1 }).toJSDate();
  const calibrationEnd = today.toISODate()!;
  const fitId = uuidv7();
  await deps.db
    .insertInto('clv_fits')
    .values({ tenant_id: tenantId, id: fitId, status: 'running', calibration_end: calibrationEnd, horizon_months: settings.clv_horizon_months, discount_bp: settings.clv_discount_bp })
    .execute();

  const scope = { tenantId, timeZone, end, calibrationEnd };
  const rf = await rfCellsOf(deps.db, scope);
  const spend = await spendCellsOf(deps.db, scope);
  const customers = rf.reduce((s, c) => s + c.count, 0);
  const repeaters = rf.reduce((s, c) => s + (c.x > 0 ? c.count : 0), 0);
  const bgnbd = customers >= MIN_CUSTOMERS && repeaters >= MIN_REPEATERS ? fitBgNbd(rf) : undefined;
  const gg = spend.length >= MIN_REPEATERS ? fitGammaGamma(spend) : undefined;
  // The population mean spend is p·v/(q−1): with q ≤ 1 it does not exist and the spend model is unusable.
  if (!bgnbd || !gg || gg.q <= 1) {
    await deps.db.updateTable('clv_fits').set({ status: 'insufficient_data', customers, repeaters, finished_at: deps.clock.now() }).where('tenant_id', '=', tenantId).where('id', '=', fitId).execute();
    return getFit(deps.db, tenantId, fitId);
  }
  await deps.db
    .updateTable('clv_fits')
    .set({ customers, repeaters, r: bgnbd.r, alpha: bgnbd.alpha, a: bgnbd.a, b: bgnbd.b, loglik: bgnbd.loglik, p: gg.p, q: gg.q, v: gg.v })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', fitId)
    .execute();

  const score = scorer(bgnbd, gg, settings.clv_horizon_months, settings.clv_discount_bp);
  const computedAt = deps.clock.now();
  let after = '00000000-0000-0000-0000-000000000000';
  let scored = 0;
  for (;;) {
    if (options.signal?.aborted) throw new Error('CLV run aborted');
    const chunk = await withTransaction(deps.db, async (trx) => {
      const members = await memberHistories(trx, scope, after, perChunk);
      if (!members.length) return members;
      const rows = members.map((m) => ({ ...m, ...score(m.x, m.tx_days / 7, m.t_days / 7, m.x ? m.repeat_fen / m.x : 0) }));
      await sql`
        insert into member_clv (tenant_id, member_id, fit_id, repeat_purchases, recency_weeks, age_weeks, p_alive, expected_purchases,
          expected_spend_per_purchase_fen, expected_spend_fen, clv_fen, historic_value_fen, computed_at)
        select ${tenantId}::uuid, m.member_id, ${fitId}::uuid, m.x, m.tx, m.t, m.p_alive, m.purchases, m.per_purchase, m.spend, m.clv, m.historic, ${computedAt}
        from unnest(${rows.map((r) => r.member_id)}::uuid[], ${rows.map((r) => r.x)}::int[], ${rows.map((r) => r.tx_days / 7)}::float8[],
          ${rows.map((r) => r.t_days / 7)}::float8[], ${rows.map((r) => r.pAlive)}::float8[], ${rows.map((r) => r.purchases)}::float8[],
          ${rows.map((r) => r.perPurchaseFen)}::int8[], ${rows.map((r) => r.spendFen)}::int8[], ${rows.map((r) => r.clvFen)}::int8[],
          ${rows.map((r) => r.historic_fen)}::int8[]) as m(member_id, x, tx, t, p_alive, purchases, per_purchase, spend, clv, historic)
        on conflict (tenant_id, member_id) do update set fit_id = excluded.fit_id, repeat_purchases = excluded.repeat_purchases,
          recency_weeks = excluded.recency_weeks, age_weeks = excluded.age_weeks, p_alive = excluded.p_alive,
          expected_purchases = excluded.expected_purchases, expected_spend_per_purchase_fen = excluded.expected_spend_per_purchase_fen,
          expected_spend_fen = excluded.expected_spend_fen, clv_fen = excluded.clv_fen, historic_value_fen = excluded.historic_value_fen,
          computed_at = excluded.computed_at`.execute(trx);
      return members;
    });
    if (!chunk.length) break;
    after = chunk.at(-1)!.member_id;
    scored += chunk.length;
    await options.progress?.(scored, customers);
  }

  await withTransaction(deps.db, async (trx) => {
    await trx.deleteFrom('member_clv').where('tenant_id', '=', tenantId).where('fit_id', '<>', fitId).execute();
    await sql`
      update member_clv c set clv_percentile = ranked.percentile
      from (select member_id, floor(percent_rank() over (order by clv_fen) * 100)::smallint as percentile from member_clv where tenant_id = ${tenantId}) ranked
      where c.tenant_id = ${tenantId} and c.member_id = ranked.member_id`.execute(trx);
    await trx.updateTable('clv_fits').set({ status: 'succeeded', members_scored: scored, finished_at: deps.clock.now() }).where('tenant_id', '=', tenantId).where('id', '=', fitId).execute();
  });
  return getFit(deps.db, tenantId, fitId);
}

interface Scope {
  tenantId: string;
  timeZone: string;
  end: Date;
  calibrationEnd: string;
}

/** Each member's purchase days with what was kept of them, up to the calibration end. */
function purchaseDays(scope: Scope, members?: { after: string; limit: number }) {
  // A key range (after, last of the next `limit` buyers], so each chunk is an index range scan, not a
  // semi-join over every order of the tenant.
  const memberFilter = members
    ? sql`and o.member_id > ${members.after}::uuid and o.member_id <= (select member_id from (select distinct member_id from orders
        where tenant_id = ${scope.tenantId} and member_id > ${members.after}::uuid order by member_id limit ${members.limit}) chunk
        order by member_id desc limit 1)`
    : sql``;
  return sql`
    select o.member_id, (o.occurred_at at time zone ${scope.timeZone})::date as day, sum(o.total_paid_fen - o.refunded_fen)::int8 as fen
    from orders o
    where o.tenant_id = ${scope.tenantId} and o.member_id is not null and o.status <> 'refunded' and o.occurred_at < ${scope.end} ${memberFilter}
    group by 1, 2`;
}

function perMember(scope: Scope, members?: { after: string; limit: number }) {
  return sql`
    select member_id, (count(*) - 1)::int as x, (max(day) - min(day))::int as tx_days, (${scope.calibrationEnd}::date - min(day))::int as t_days,
      (sum(fen) - (array_agg(fen order by day))[1])::int8 as repeat_fen, sum(fen)::int8 as historic_fen
    from (${purchaseDays(scope, members)}) d group by member_id`;
}

async function rfCellsOf(db: Db, scope: Scope): Promise<RfCell[]> {
  const { rows } = await sql<{ x: number; tx_days: number; t_days: number; count: number }>`
    select x, tx_days, t_days, count(*)::int as count from (${perMember(scope)}) m group by 1, 2, 3`.execute(db);
  return rows.map((r) => ({ x: r.x, tx: r.tx_days / 7, T: r.t_days / 7, count: r.count }));
}

async function spendCellsOf(db: Db, scope: Scope): Promise<SpendCell[]> {
  const { rows } = await sql<{ x: number; repeat_fen: number; count: number }>`
    select x, repeat_fen, count(*)::int as count from (${perMember(scope)}) m where x > 0 and repeat_fen > 0 group by 1, 2`.execute(db);
  return rows.map((r) => ({ x: r.x, m: r.repeat_fen / r.x, count: r.count }));
}

async function memberHistories(db: Db, scope: Scope, after: string, limit: number) {
  const { rows } = await sql<{ member_id: string; x: number; tx_days: number; t_days: number; repeat_fen: number; historic_fen: number }>`
    ${perMember(scope, { after, limit })} order by member_id`.execute(db);
  return rows;
}

/**
 * Scores a member from (x, t_x, T, mean repeat spend). Members share their (x, t_x, T) a lot (whole days),
 * so the expected purchases per month, the costly part (a 2F1 per month), are kept per cell.
 */
function scorer(bgnbd: BgNbdParams, gg: GammaGammaParams, horizonMonths: number, discountBp: number) {
  const monthlyDiscount = Math.pow(1 + discountBp / 10_000, 1 / 12);
  const cache = new Map<string, { purchases: number; discountedPurchases: number }>();
  return (x: number, tx: number, T: number, meanRepeatFen: number) => {
    const key = `${x}|${tx}|${T}`;
    let cell = cache.get(key);
    if (!cell) {
      let previous = 0;
      let discountedPurchases = 0;
      for (let month = 1; month <= horizonMonths; month++) {
        const cumulative = conditionalExpectedPurchases(bgnbd, month * WEEKS_PER_MONTH, x, tx, T);
        discountedPurchases += (cumulative - previous) / Math.pow(monthlyDiscount, month);
        previous = cumulative;
      }
      cell = { purchases: previous, discountedPurchases };
      if (cache.size > 200_000) cache.clear();
      cache.set(key, cell);
    }
    const perPurchase = expectedSpend(gg, x, meanRepeatFen);
    return {
      pAlive: probabilityAlive(bgnbd, x, tx, T),
      purchases: cell.purchases,
      perPurchaseFen: Math.round(perPurchase),
      spendFen: Math.round(cell.purchases * perPurchase),
      clvFen: Math.round(cell.discountedPurchases * perPurchase),
    };
  };
}

async function getFit(db: Db, tenantId: string, id: string): Promise<ClvFit> {
  const row = await fitRows(db, tenantId).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('CLV fit');
  return fitOut(row);
}

function fitOut(row: Awaited<ReturnType<typeof latestFitRow>> & object): ClvFit {
  return {
    id: row.id,
    status: row.status,
    calibration_end: row.calibration_day,
    horizon_months: row.horizon_months,
    discount_bp: row.discount_bp,
    customers: row.customers ?? 0,
    repeaters: row.repeaters ?? 0,
    bgnbd: row.r !== null ? { r: row.r, alpha: row.alpha!, a: row.a!, b: row.b!, loglik: row.loglik! } : null,
    gammagamma: row.p !== null ? { p: row.p, q: row.q!, v: row.v! } : null,
    members_scored: row.members_scored ?? 0,
    started_at: new Date(row.started_at!).toISOString(),
    finished_at: row.finished_at ? new Date(row.finished_at).toISOString() : null,
  };
}

function latestFitRow(db: Db, tenantId: string) {
  return fitRows(db, tenantId).orderBy('id', 'desc').limit(1).executeTakeFirst();
}

// A date column would come back as a Date at the process's local midnight: read the day as text.
function fitRows(db: Db, tenantId: string) {
  return db.selectFrom('clv_fits').selectAll().select(sql<string>`calibration_end::text`.as('calibration_day')).where('tenant_id', '=', tenantId);
}

/** CLV bands for the distribution chart, in yuan: 0, 1–50, 50–100, … and the open top band. */
const bandsFen = [0, 100, 5_000, 10_000, 20_000, 50_000, 100_000, 200_000, 500_000, 1_000_000];

export async function clvSummary(deps: AppDeps, ctx: RequestContext): Promise<ClvSummary> {
  const [fit, totals, bands] = await Promise.all([
    latestFitRow(deps.db, ctx.tenantId),
    deps.db
      .selectFrom('member_clv')
      .select([sql<number>`count(*)::int`.as('members'), sql<number>`coalesce(sum(clv_fen), 0)::int8`.as('clv'), sql<number>`coalesce(sum(historic_value_fen), 0)::int8`.as('historic')])
      .where('tenant_id', '=', ctx.tenantId)
      .executeTakeFirstOrThrow(),
    sql<{ band: number; members: number; clv: number }>`
      select width_bucket(clv_fen, ${bandsFen}::int8[]) as band, count(*)::int as members, sum(clv_fen)::int8 as clv
      from member_clv where tenant_id = ${ctx.tenantId} group by 1 order by 1`.execute(deps.db),
  ]);
  const byBand = new Map(bands.rows.map((r) => [r.band, r]));
  return {
    fit: fit ? fitOut(fit) : null,
    members: totals.members,
    total_clv_fen: totals.clv,
    total_historic_fen: totals.historic,
    distribution: bandsFen.map((from, i) => ({ from_fen: from, to_fen: bandsFen[i + 1] ?? null, members: byBand.get(i + 1)?.members ?? 0, clv_fen: byBand.get(i + 1)?.clv ?? 0 })),
  };
}

/** Members by CLV, highest first; the cursor is the last row's (clv_fen, member_id). */
export async function listMemberClv(deps: AppDeps, ctx: RequestContext, query: { limit: number; cursor?: string }) {
  let q = memberClvQuery(deps.db, ctx.tenantId).orderBy('c.clv_fen', 'desc').orderBy('c.member_id', 'desc').limit(query.limit + 1);
  if (query.cursor) {
    const [clv, id] = Buffer.from(query.cursor, 'base64url').toString().split('|');
    if (clv && id && /^\d+$/.test(clv)) q = q.where(sql<boolean>`(c.clv_fen, c.member_id) < (${Number(clv)}, ${id}::uuid)`);
  }
  const rows = await q.execute();
  const page = rows.slice(0, query.limit).map(memberClvOut);
  const last = page.at(-1);
  return { data: page, next_cursor: rows.length > query.limit && last ? Buffer.from(`${last.clv_fen}|${last.member_id}`).toString('base64url') : null };
}

export async function getMemberClv(deps: AppDeps, ctx: RequestContext, memberId: string): Promise<MemberClv> {
  const found = await findMemberClv(deps, ctx, memberId);
  if (!found) throw notFound('CLV of this member');
  return found;
}

export async function findMemberClv(deps: AppDeps, ctx: RequestContext, memberId: string): Promise<MemberClv | undefined> {
  const row = await memberClvQuery(deps.db, ctx.tenantId).where('c.member_id', '=', memberId).executeTakeFirst();
  return row && memberClvOut(row);
}

function memberClvQuery(db: Db, tenantId: string) {
  return db
    .selectFrom('member_clv as c')
    .innerJoin('members as m', (join) => join.onRef('m.tenant_id', '=', 'c.tenant_id').onRef('m.id', '=', 'c.member_id'))
    .select(['c.member_id', 'm.member_no', 'm.name', 'm.nickname', 'c.repeat_purchases', 'c.recency_weeks', 'c.age_weeks', 'c.p_alive', 'c.expected_purchases', 'c.expected_spend_per_purchase_fen', 'c.expected_spend_fen', 'c.clv_fen', 'c.historic_value_fen', 'c.clv_percentile', 'c.computed_at'])
    .where('c.tenant_id', '=', tenantId);
}

function memberClvOut(row: Awaited<ReturnType<ReturnType<typeof memberClvQuery>['executeTakeFirstOrThrow']>>): MemberClv {
  return {
    member_id: row.member_id,
    member_no: row.member_no,
    display_name: row.name ?? row.nickname,
    repeat_purchases: row.repeat_purchases,
    recency_weeks: row.recency_weeks,
    age_weeks: row.age_weeks,
    p_alive: row.p_alive,
    expected_purchases: row.expected_purchases,
    expected_spend_per_purchase_fen: row.expected_spend_per_purchase_fen,
    expected_spend_fen: row.expected_spend_fen,
    clv_fen: row.clv_fen,
    historic_value_fen: row.historic_value_fen,
    clv_percentile: row.clv_percentile ?? 0,
    computed_at: new Date(row.computed_at).toISOString(),
  };
}

/** CLV percentiles (0–100) of some members, for other modules' scoring; members never scored are absent. */
export async function clvPercentilesOf(db: Db, tenantId: string, memberIds: readonly string[]): Promise<Map<string, number>> {
  if (!memberIds.length) return new Map();
  const rows = await db.selectFrom('member_clv').select(['member_id', 'clv_percentile']).where('tenant_id', '=', tenantId).where('member_id', 'in', memberIds).execute();
  return new Map(rows.map((r) => [r.member_id, Number(r.clv_percentile)]));
}
