import { sql, type Selectable } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { LotteryEntry } from '@hearth/contracts/games';
import type { Db } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { AppError } from '../../http/errors.ts';
import { decodeCursor, toPage } from '../../http/pagination.ts';
import { emitEvent } from '../../jobs/outbox.ts';
import { getMemberRow, memberNumbers } from '../members/members.service.ts';
import { checkEligibility, normalizeEligibility } from '../pricing/eligibility.ts';
import { spendPointsIn } from '../points/redemptions.service.ts';
import { prizeForNumber, uniformBasisPoints } from './lottery-draw.ts';
import { getLotteryRow, localDay, prizesOf, serializePrize, type LotteryRow } from './lotteries.service.ts';
import { createWin, serializeWins } from './wins.service.ts';

type EntryRow = Selectable<DB['lottery_entries']>;

/** Refuse bursts: more than BURST_MAX entries of one member or device in one lottery within BURST_SECONDS. */
const BURST_MAX = 5;
const BURST_SECONDS = 10;

/**
 * One entry. Everything happens in one transaction that first takes the entry's number (seq) by incrementing
 * the lottery's counter, which also locks the lottery row until commit: entries of one lottery are thus
 * numbered in commit order, limits are counted exactly, and an instant draw replays in seq order as the stock
 * was actually taken. The cost is spent, the outcome computed from HMAC(seed, lottery:seq), a unit taken by a
 * conditional decrement of the prize's remaining counter (none left: no prize), and the win fulfilled — or the
 * whole entry rolls back, its seq with it, so the public entry list has no gaps.
 */
export async function enterLottery(deps: AppDeps, ctx: RequestContext, lotteryId: string, memberId: string, input: { device_id?: string }) {
  const lottery = await getLotteryRow(deps.db, ctx.tenantId, lotteryId);
  const member = await getMemberRow(deps.db, ctx, memberId);
  const now = deps.clock.now();
  assertOpen(lottery, now);
  if (member.status !== 'active') throw new AppError('MEMBER_NOT_ACTIVE', 'The member is not active', { errors: [{ field: 'member_id', code: 'not_active', message: `member is ${member.status}` }] });
  if (!(await checkEligibility(deps.db, ctx.tenantId, member.id, normalizeEligibility(lottery.eligibility), now)).eligible) {
    throw new AppError('MEMBER_NOT_ELIGIBLE', 'The member may not enter this lottery', { errors: [{ field: 'member_id', code: 'not_eligible', message: 'the member matches none of the lottery’s eligibility rules' }] });
  }
  const { day } = await localDay(deps.db, ctx.tenantId, now);
  const deviceId = input.device_id ?? null;
  return withTransaction(deps.db, async (trx) => {
    const locked = await trx
      .updateTable('lotteries')
      .set({ entries_count: sql`entries_count + 1` })
      .where('tenant_id', '=', ctx.tenantId)
      .where('id', '=', lottery.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    assertOpen(locked, now);
    await checkLimits(trx, ctx.tenantId, locked, member.id, deviceId, day, now);
    const entryId = uuidv7();
    if (locked.entry_cost_points > 0) {
      await spendPointsIn(trx, deps, ctx, member.id, { points: locked.entry_cost_points, sourceKey: `lottery:${entryId}`, reason: `抽奖 ${locked.name} / lottery entry`, field: 'entry_cost_points' });
    }
    const seq = locked.entries_count;
    const prize = locked.mode === 'instant' ? await takeInstantPrize(trx, ctx.tenantId, locked, seq) : null;
    const entry = await trx
      .insertInto('lottery_entries')
      .values({
        tenant_id: ctx.tenantId,
        member_id: member.id,
        id: entryId,
        lottery_id: locked.id,
        seq,
        business_day: day,
        device_id: deviceId,
        cost_points: locked.entry_cost_points,
        result: locked.mode === 'scheduled' ? 'pending' : prize ? 'won' : 'lost',
        prize_id: prize?.id ?? null,
        created_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await emitEvent(trx, deps.jobs, ctx, 'lottery.entered', { lottery_id: locked.id, entry_id: entryId, member_id: member.id, seq, result: entry.result, prize_id: entry.prize_id, cost_points: locked.entry_cost_points });
    const win = prize ? await createWin(trx, deps, ctx, locked, prize, { id: entryId, member_id: member.id, seq }) : null;
    return {
      entry: serializeEntry({ ...entry, business_day: day }, win?.id ?? null),
      win: win ? (await serializeWins(trx, ctx.tenantId, [win], { masked: false }))[0]! : null,
      prize: prize ? serializePrize(prize, 0) : null,
    };
  });
}

export async function listEntries(deps: AppDeps, ctx: RequestContext, lotteryId: string, query: { member_id?: string; result?: 'pending' | 'won' | 'lost'; limit: number; cursor?: string }) {
  await getLotteryRow(deps.db, ctx.tenantId, lotteryId);
  let q = deps.db
    .selectFrom('lottery_entries as e')
    .leftJoin('lottery_wins as w', (j) => j.onRef('w.tenant_id', '=', 'e.tenant_id').onRef('w.entry_id', '=', 'e.id'))
    .selectAll('e')
    .select([sql<string>`e.business_day::text`.as('day'), 'w.id as win_id'])
    .where('e.tenant_id', '=', ctx.tenantId)
    .where('e.lottery_id', '=', lotteryId);
  if (query.member_id) q = q.where('e.member_id', '=', query.member_id);
  if (query.result) q = q.where('e.result', '=', query.result);
  const after = decodeCursor(query.cursor);
  if (after) q = q.where('e.seq', '<', Number(after));
  const rows = await q.orderBy('e.seq', 'desc').limit(query.limit + 1).execute();
  const page = toPage(rows, query.limit, (e) => String(e.seq));
  const numbers = await memberNumbers(deps.db, ctx.tenantId, [...new Set(page.data.map((e) => e.member_id))]);
  return { data: page.data.map((e) => ({ ...serializeEntry({ ...e, business_day: e.day }, e.win_id), member_no: numbers.get(e.member_id) ?? null })), next_cursor: page.next_cursor };
}

function assertOpen(lottery: Pick<LotteryRow, 'status' | 'starts_at' | 'ends_at'>, now: Date) {
  if (lottery.status !== 'open' || now < lottery.starts_at || now >= lottery.ends_at) {
    throw new AppError('LOTTERY_NOT_OPEN', now < lottery.starts_at ? `Entries open at ${lottery.starts_at.toISOString()}` : 'Entries are closed');
  }
}

/** Counted under the lottery's row lock, so concurrent entries of one member cannot both pass a limit. */
async function checkLimits(trx: Db, tenantId: string, lottery: LotteryRow, memberId: string, deviceId: string | null, day: string, now: Date) {
  const burstSince = new Date(now.getTime() - BURST_SECONDS * 1000);
  const mine = await trx
    .selectFrom('lottery_entries')
    .select([sql<number>`count(*)::int`.as('total'), sql<number>`(count(*) filter (where business_day = ${day}::date))::int`.as('today'), sql<number>`(count(*) filter (where created_at > ${burstSince}))::int`.as('burst')])
    .where('tenant_id', '=', tenantId)
    .where('lottery_id', '=', lottery.id)
    .where('member_id', '=', memberId)
    .executeTakeFirstOrThrow();
  const refuse = (code: string, message: string) => new AppError('LOTTERY_LIMIT_REACHED', message, { errors: [{ field: 'member_id', code, message }] });
  if (lottery.total_limit !== null && mine.total >= lottery.total_limit) throw refuse('total_limit', `at most ${lottery.total_limit} entries in all`);
  if (lottery.daily_limit !== null && mine.today >= lottery.daily_limit) throw refuse('daily_limit', `at most ${lottery.daily_limit} entries a day`);
  if (mine.burst >= BURST_MAX) throw burst('member_id');
  if (!deviceId) return;
  const device = await trx
    .selectFrom('lottery_entries')
    .select([sql<number>`(count(*) filter (where business_day = ${day}::date))::int`.as('today'), sql<number>`(count(*) filter (where created_at > ${burstSince}))::int`.as('burst')])
    .where('tenant_id', '=', tenantId)
    .where('lottery_id', '=', lottery.id)
    .where('device_id', '=', deviceId)
    .executeTakeFirstOrThrow();
  if (lottery.device_daily_limit !== null && device.today >= lottery.device_daily_limit) {
    throw new AppError('LOTTERY_LIMIT_REACHED', `at most ${lottery.device_daily_limit} entries a day from one device`, { errors: [{ field: 'device_id', code: 'device_daily_limit', message: 'this device has entered enough today' }] });
  }
  if (device.burst >= BURST_MAX) throw burst('device_id');
}

const burst = (field: string) => new AppError('LOTTERY_BURST', `More than ${BURST_MAX} entries within ${BURST_SECONDS} seconds; wait a moment`, { errors: [{ field, code: 'burst', message: 'too many entries at once' }], headers: { 'retry-after': String(BURST_SECONDS) } });

/** The instant outcome of entry `seq`; a prize with stock is taken by a conditional decrement or not at all. */
async function takeInstantPrize(trx: Db, tenantId: string, lottery: LotteryRow, seq: number) {
  const prizes = await prizesOf(trx, tenantId, lottery.id);
  const drawn = prizeForNumber(prizes, uniformBasisPoints(lottery.seed, lottery.id, seq));
  if (!drawn) return null;
  const prize = prizes.find((p) => p.id === drawn.id)!;
  if (prize.remaining === null) return prize;
  const taken = await trx
    .updateTable('lottery_prizes')
    .set({ remaining: sql`remaining - 1` })
    .where('tenant_id', '=', tenantId)
    .where('lottery_id', '=', lottery.id)
    .where('id', '=', prize.id)
    .where('remaining', '>', 0)
    .returningAll()
    .executeTakeFirst();
  return taken ?? null;
}

export function serializeEntry(e: EntryRow, winId: string | null): LotteryEntry {
  return {
    id: e.id,
    lottery_id: e.lottery_id,
    member_id: e.member_id,
    seq: e.seq,
    business_day: e.business_day,
    cost_points: e.cost_points,
    result: e.result,
    prize_id: e.prize_id,
    win_id: winId,
    device_id: e.device_id,
    created_at: e.created_at.toISOString(),
  };
}
