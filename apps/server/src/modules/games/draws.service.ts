import { sql } from 'kysely';
import type { LotteryVerification } from '@hearth/contracts/games';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { AppError, notFound } from '../../http/errors.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { drawScheduled, LOTTERY_ALGORITHM } from './lottery-draw.ts';
import { getLottery, getLotteryRow, prizesOf, seedRevealed } from './lotteries.service.ts';
import { createWin } from './wins.service.ts';

const UPDATE_CHUNK = 5_000;

/**
 * Draws a scheduled lottery once entries are closed (again: the same result), under the lottery's row lock:
 * entries ranked by HMAC(seed, lottery:seq), prizes in position order take the next `stock` ranks, every
 * entry marked won or lost, each win recorded and fulfilled. The seed is revealed by the draw.
 */
export async function drawLottery(deps: AppDeps, ctx: RequestContext, lotteryId: string) {
  await withTransaction(deps.db, async (trx) => {
    const lottery = await trx.selectFrom('lotteries').selectAll().where('tenant_id', '=', ctx.tenantId).where('id', '=', lotteryId).forUpdate().executeTakeFirst();
    if (!lottery) throw notFound('Lottery');
    if (lottery.mode !== 'scheduled') throw new AppError('LOTTERY_NOT_SCHEDULED', 'An instant lottery decides each entry at once; it has no draw');
    if (lottery.status === 'drawn') return;
    const now = deps.clock.now();
    if (lottery.status === 'open' && now < lottery.ends_at) throw new AppError('LOTTERY_NOT_CLOSED', `Entries close at ${lottery.ends_at.toISOString()}`);
    const prizes = await prizesOf(trx, ctx.tenantId, lottery.id);
    const entries = await trx.selectFrom('lottery_entries').select(['id', 'member_id', 'seq']).where('tenant_id', '=', ctx.tenantId).where('lottery_id', '=', lottery.id).orderBy('seq').execute();
    const winners = drawScheduled(lottery.seed, lottery.id, prizes, entries.map((e) => e.seq));
    for (let i = 0; i < entries.length; i += UPDATE_CHUNK) {
      const chunk = entries.slice(i, i + UPDATE_CHUNK);
      await sql`
        update lottery_entries e set result = case when x.prize_id is null then 'lost' else 'won' end, prize_id = x.prize_id
        from unnest(${chunk.map((c) => c.member_id)}::uuid[], ${chunk.map((c) => c.id)}::uuid[], ${chunk.map((c) => winners.get(c.seq) ?? null)}::uuid[]) as x(member_id, id, prize_id)
        where e.tenant_id = ${ctx.tenantId} and e.member_id = x.member_id and e.id = x.id`.execute(trx);
    }
    const prizeById = new Map(prizes.map((p) => [p.id, p]));
    const taken = new Map<string, number>();
    for (const entry of entries) {
      const prizeId = winners.get(entry.seq);
      if (!prizeId) continue;
      taken.set(prizeId, (taken.get(prizeId) ?? 0) + 1);
      await createWin(trx, deps, ctx, lottery, prizeById.get(prizeId)!, entry);
    }
    for (const prize of prizes) {
      await trx.updateTable('lottery_prizes').set({ remaining: (prize.stock ?? 0) - (taken.get(prize.id) ?? 0) }).where('tenant_id', '=', ctx.tenantId).where('id', '=', prize.id).execute();
    }
    await trx.updateTable('lotteries').set({ status: 'drawn', drawn_at: now }).where('tenant_id', '=', ctx.tenantId).where('id', '=', lottery.id).execute();
    await recordAudit(trx, ctx, { action: 'lottery.draw', resourceType: 'lottery', resourceId: lottery.id, details: { entries: entries.length, winners: winners.size } });
  });
  return getLottery(deps, ctx, lotteryId);
}

/** Draws every scheduled lottery whose draw time has come (the cron job; each in its own transaction). */
export async function drawDueLotteries(deps: AppDeps, ctxOf: (tenantId: string) => RequestContext): Promise<number> {
  const due = await deps.db.selectFrom('lotteries').select(['tenant_id', 'id']).where('mode', '=', 'scheduled').where('status', '!=', 'drawn').where('draw_at', '<=', deps.clock.now()).limit(100).execute();
  for (const lottery of due) await drawLottery(deps, ctxOf(lottery.tenant_id), lottery.id);
  return due.length;
}

/**
 * What anyone needs to recompute every outcome: the revealed seed and its committed hash, the prizes (order,
 * probability, stock), every entry in seq order with the prize it won, and the algorithm (lottery-draw.ts).
 */
export async function verifyLottery(deps: AppDeps, ctx: RequestContext, lotteryId: string): Promise<LotteryVerification> {
  const lottery = await getLotteryRow(deps.db, ctx.tenantId, lotteryId);
  if (!seedRevealed(lottery, deps.clock.now())) throw new AppError('LOTTERY_NOT_CLOSED', lottery.mode === 'scheduled' ? 'The seed is revealed by the draw' : `The seed is revealed when entries close (${lottery.ends_at.toISOString()})`);
  const [prizes, entries] = await Promise.all([
    prizesOf(deps.db, ctx.tenantId, lottery.id),
    deps.db.selectFrom('lottery_entries').select(['seq', 'id', 'prize_id']).where('tenant_id', '=', ctx.tenantId).where('lottery_id', '=', lottery.id).orderBy('seq').execute(),
  ]);
  return {
    lottery_id: lottery.id,
    mode: lottery.mode,
    seed_hash: lottery.seed_hash,
    seed: lottery.seed,
    algorithm: LOTTERY_ALGORITHM,
    prizes: prizes.map((p) => ({ id: p.id, position: p.position, probability_bp: p.probability_bp, stock: p.stock })),
    entries: entries.map((e) => ({ seq: e.seq, entry_id: e.id, prize_id: e.prize_id })),
  };
}
