import { sql, type Selectable } from 'kysely';
import { DateTime } from 'luxon';
import { v7 as uuidv7 } from 'uuid';
import type { z } from 'zod';
import type { Lottery, LotteryPrize, lotteryInputSchema } from '@hearth/contracts/games';
import type { Db } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { AppError, notFound, validationError } from '../../http/errors.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { getTemplate } from '../coupons/templates.service.ts';
import { getBenefit } from '../partners/partners.service.ts';
import { normalizeEligibility } from '../pricing/eligibility.ts';
import { newSeed } from '../pricing/draw.ts';
import './games.tables.ts';

export type LotteryRow = Selectable<DB['lotteries']>;
export type PrizeRow = Selectable<DB['lottery_prizes']>;

/** A lottery commits to its seed when created: SHA-256(seed) is public from then on, the seed once entries close. */
export async function createLottery(deps: AppDeps, ctx: RequestContext, input: z.infer<typeof lotteryInputSchema>): Promise<Lottery> {
  await checkPrizeRefs(deps, ctx, input.prizes);
  const { seed, hash } = newSeed();
  return withTransaction(deps.db, async (trx) => {
    const row = await trx
      .insertInto('lotteries')
      .values({
        tenant_id: ctx.tenantId,
        id: uuidv7(),
        name: input.name,
        description: input.description ?? null,
        mode: input.mode,
        starts_at: new Date(input.starts_at),
        ends_at: new Date(input.ends_at),
        draw_at: input.mode === 'scheduled' ? new Date(input.draw_at ?? input.ends_at) : null,
        entry_cost_points: input.entry_cost_points,
        daily_limit: input.daily_limit ?? null,
        total_limit: input.total_limit ?? null,
        device_daily_limit: input.device_daily_limit ?? null,
        eligibility: JSON.stringify(input.eligibility),
        seed,
        seed_hash: hash,
        drawn_at: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('lottery_prizes')
      .values(
        input.prizes.map((p, i) => ({
          tenant_id: ctx.tenantId,
          lottery_id: row.id,
          id: uuidv7(),
          position: i + 1,
          name: p.name,
          kind: p.kind,
          points: p.kind === 'points' ? p.points! : null,
          coupon_template_id: p.kind === 'coupon' ? p.coupon_template_id! : null,
          partner_benefit_id: p.kind === 'partner_code' ? p.partner_benefit_id! : null,
          probability_bp: input.mode === 'instant' ? p.probability_bp! : null,
          stock: p.stock ?? null,
          remaining: p.stock ?? null,
          image_url: p.image_url ?? null,
        })),
      )
      .execute();
    await recordAudit(trx, ctx, { action: 'lottery.create', resourceType: 'lottery', resourceId: row.id, details: { mode: row.mode, prizes: input.prizes.length, seed_hash: hash } });
    return (await serializeLotteries(trx, ctx.tenantId, [row], deps.clock.now()))[0]!;
  });
}

export async function listLotteries(deps: AppDeps, ctx: RequestContext, query: { status?: 'open' | 'closed' | 'drawn' } = {}): Promise<Lottery[]> {
  let q = deps.db.selectFrom('lotteries').selectAll().where('tenant_id', '=', ctx.tenantId);
  if (query.status) q = q.where('status', '=', query.status);
  return serializeLotteries(deps.db, ctx.tenantId, await q.orderBy('id', 'desc').limit(200).execute(), deps.clock.now());
}

export async function getLottery(deps: AppDeps, ctx: RequestContext, id: string): Promise<Lottery> {
  return (await serializeLotteries(deps.db, ctx.tenantId, [await getLotteryRow(deps.db, ctx.tenantId, id)], deps.clock.now()))[0]!;
}

/** Ends entries now (an instant lottery's seed is then revealed); a scheduled one can then be drawn. */
export async function closeLottery(deps: AppDeps, ctx: RequestContext, id: string): Promise<Lottery> {
  await withTransaction(deps.db, async (trx) => {
    const row = await trx.selectFrom('lotteries').selectAll().where('tenant_id', '=', ctx.tenantId).where('id', '=', id).forUpdate().executeTakeFirst();
    if (!row) throw notFound('Lottery');
    if (row.status !== 'open') return;
    const now = deps.clock.now();
    await trx.updateTable('lotteries').set({ status: 'closed', ends_at: row.ends_at > now ? now : row.ends_at }).where('tenant_id', '=', ctx.tenantId).where('id', '=', id).execute();
    await recordAudit(trx, ctx, { action: 'lottery.close', resourceType: 'lottery', resourceId: id });
  });
  return getLottery(deps, ctx, id);
}

export async function getLotteryRow(db: Db, tenantId: string, id: string): Promise<LotteryRow> {
  const row = await db.selectFrom('lotteries').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Lottery');
  return row;
}

export async function prizesOf(db: Db, tenantId: string, lotteryId: string): Promise<PrizeRow[]> {
  return db.selectFrom('lottery_prizes').selectAll().where('tenant_id', '=', tenantId).where('lottery_id', '=', lotteryId).orderBy('position').execute();
}

/**
 * The seed is revealed when nobody can enter any more: a scheduled lottery once drawn, an instant one once
 * its window ended or an operator closed it (before that, knowing it would tell which entry numbers win).
 */
export function seedRevealed(row: Pick<LotteryRow, 'mode' | 'status' | 'ends_at'>, now: Date): boolean {
  return row.mode === 'scheduled' ? row.status === 'drawn' : row.status !== 'open' || now >= row.ends_at;
}

/** The tenant's zone and the local date of `at` in it: per-day limits and check-in count local days. */
export async function localDay(db: Db, tenantId: string, at: Date): Promise<{ zone: string; day: string }> {
  const zone = (await db.selectFrom('tenants').select('time_zone').where('id', '=', tenantId).executeTakeFirstOrThrow()).time_zone;
  return { zone, day: DateTime.fromJSDate(at, { zone }).toISODate()! };
}

export async function serializeLotteries(db: Db, tenantId: string, rows: LotteryRow[], now: Date): Promise<Lottery[]> {
  if (!rows.length) return [];
  const ids = rows.map((r) => r.id);
  const [prizes, won, winners] = await Promise.all([
    db.selectFrom('lottery_prizes').selectAll().where('tenant_id', '=', tenantId).where('lottery_id', 'in', ids).orderBy('position').execute(),
    db.selectFrom('lottery_wins').select(['prize_id', sql<number>`count(*)::int`.as('n')]).where('tenant_id', '=', tenantId).where('lottery_id', 'in', ids).groupBy('prize_id').execute(),
    db.selectFrom('lottery_wins').select(['lottery_id', sql<number>`count(*)::int`.as('n')]).where('tenant_id', '=', tenantId).where('lottery_id', 'in', ids).groupBy('lottery_id').execute(),
  ]);
  const wonBy = new Map(won.map((w) => [w.prize_id, w.n]));
  const winnersBy = new Map(winners.map((w) => [w.lottery_id, w.n]));
  return rows.map((r) => {
    const own = prizes.filter((p) => p.lottery_id === r.id).map((p) => serializePrize(p, wonBy.get(p.id) ?? 0));
    return {
      id: r.id,
      name: r.name,
      description: r.description,
      mode: r.mode,
      status: r.status,
      starts_at: r.starts_at.toISOString(),
      ends_at: r.ends_at.toISOString(),
      draw_at: r.draw_at?.toISOString() ?? null,
      entry_cost_points: r.entry_cost_points,
      daily_limit: r.daily_limit,
      total_limit: r.total_limit,
      device_daily_limit: r.device_daily_limit,
      eligibility: normalizeEligibility(r.eligibility),
      no_prize_bp: r.mode === 'instant' ? 10_000 - own.reduce((s, p) => s + (p.probability_bp ?? 0), 0) : null,
      seed_hash: r.seed_hash,
      seed: seedRevealed(r, now) ? r.seed : null,
      entries: r.entries_count,
      winners: winnersBy.get(r.id) ?? 0,
      prizes: own,
      created_at: r.created_at.toISOString(),
    };
  });
}

export function serializePrize(p: PrizeRow, won: number): LotteryPrize {
  return {
    id: p.id,
    position: p.position,
    name: p.name,
    kind: p.kind,
    points: p.points,
    coupon_template_id: p.coupon_template_id,
    partner_benefit_id: p.partner_benefit_id,
    probability_bp: p.probability_bp,
    stock: p.stock,
    remaining: p.remaining,
    won,
    image_url: p.image_url,
  };
}

/** Coupon templates and partner benefits named by prizes must be the tenant's own (another tenant's: unknown). */
async function checkPrizeRefs(deps: AppDeps, ctx: RequestContext, prizes: z.infer<typeof lotteryInputSchema>['prizes']) {
  for (const [i, p] of prizes.entries()) {
    try {
      if (p.kind === 'coupon') await getTemplate(deps, ctx, p.coupon_template_id!);
      if (p.kind === 'partner_code') await getBenefit(deps, ctx, p.partner_benefit_id!);
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'NOT_FOUND') throw error;
      const field = p.kind === 'coupon' ? 'coupon_template_id' : 'partner_benefit_id';
      throw validationError([{ field: `prizes.${i}.${field}`, code: 'unknown', message: 'no such coupon template or partner benefit' }]);
    }
  }
}
