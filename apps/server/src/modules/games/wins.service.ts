import { sql, type Selectable } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { LotteryWin } from '@hearth/contracts/games';
import type { Db } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { AppError, notFound } from '../../http/errors.ts';
import { decodeCursor, toPage } from '../../http/pagination.ts';
import { emitEvent } from '../../jobs/outbox.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { maskPhone } from '../members/personal-data.ts';
import { memberNumbers } from '../members/members.service.ts';
import type { LotteryRow, PrizeRow } from './lotteries.service.ts';
import { grantReward } from './rewards.ts';
import type { WinStatus } from './games.tables.ts';

export type WinRow = Selectable<DB['lottery_wins']>;

/**
 * Records a win in the entry's (or draw's) transaction and fulfils it there: points, coupons and partner codes
 * at once through their modules (keyed by the win, so a retry never gives twice); a physical prize waits for
 * the member's address. Emits lottery.won.
 */
export async function createWin(trx: Db, deps: AppDeps, ctx: RequestContext, lottery: LotteryRow, prize: PrizeRow, entry: { id: string; member_id: string; seq: number }): Promise<WinRow> {
  const id = uuidv7();
  let row = await trx
    .insertInto('lottery_wins')
    .values({ tenant_id: ctx.tenantId, member_id: entry.member_id, id, lottery_id: lottery.id, entry_id: entry.id, prize_id: prize.id, kind: prize.kind, status: prize.kind === 'physical' ? 'pending_address' : 'pending', fulfilment_ref: null, error: null, recipient_name: null, recipient_phone: null, address: null, carrier: null, tracking_no: null, shipped_at: null, delivered_at: null })
    .returningAll()
    .executeTakeFirstOrThrow();
  if (prize.kind !== 'physical') row = await fulfil(trx, deps, ctx, row, prize, lottery.name);
  await emitEvent(trx, deps.jobs, ctx, 'lottery.won', { lottery_id: lottery.id, entry_id: entry.id, seq: entry.seq, win_id: id, member_id: entry.member_id, prize_id: prize.id, kind: prize.kind, status: row.status });
  return row;
}

async function fulfil(trx: Db, deps: AppDeps, ctx: RequestContext, win: WinRow, prize: PrizeRow, lotteryName: string): Promise<WinRow> {
  const granted = await grantReward(trx, deps, ctx, win.member_id, { kind: prize.kind as 'points' | 'coupon' | 'partner_code', points: prize.points, coupon_template_id: prize.coupon_template_id, partner_benefit_id: prize.partner_benefit_id }, `lottery:${win.id}`, `抽奖中奖 ${lotteryName} / lottery prize`);
  return trx
    .updateTable('lottery_wins')
    .set({ status: granted.status, fulfilment_ref: granted.ref, error: granted.error, updated_at: sql`now()` })
    .where('tenant_id', '=', ctx.tenantId)
    .where('id', '=', win.id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Tries a failed fulfilment again (after the operator added coupon stock or partner codes). */
export async function retryWin(deps: AppDeps, ctx: RequestContext, winId: string): Promise<LotteryWin> {
  return withTransaction(deps.db, async (trx) => {
    const win = await lockWin(trx, ctx.tenantId, winId);
    if (win.status !== 'failed') throw new AppError('WIN_TRANSITION_REFUSED', `Only a failed fulfilment can be retried; this one is ${win.status}`);
    const prize = await trx.selectFrom('lottery_prizes').selectAll().where('tenant_id', '=', ctx.tenantId).where('id', '=', win.prize_id).executeTakeFirstOrThrow();
    const lottery = await trx.selectFrom('lotteries').select('name').where('tenant_id', '=', ctx.tenantId).where('id', '=', win.lottery_id).executeTakeFirstOrThrow();
    const row = await fulfil(trx, deps, ctx, win, prize, lottery.name);
    await recordAudit(trx, ctx, { action: 'lottery_win.retry', resourceType: 'lottery_win', resourceId: winId, details: { status: row.status } });
    return (await serializeWins(trx, ctx.tenantId, [row], { masked: true }))[0]!;
  });
}

/** The member gives (or corrects, until shipped) the address a physical prize goes to. */
export async function setWinAddress(deps: AppDeps, ctx: RequestContext, memberId: string, winId: string, input: { name: string; phone: string; address: string }): Promise<LotteryWin> {
  return withTransaction(deps.db, async (trx) => {
    const win = await lockWin(trx, ctx.tenantId, winId);
    if (win.member_id !== memberId) throw notFound('Win');
    if (win.status !== 'pending_address' && win.status !== 'ready') throw new AppError('WIN_TRANSITION_REFUSED', win.kind === 'physical' ? 'The prize has already been shipped' : 'This prize needs no address');
    const row = await updateWin(trx, ctx.tenantId, winId, { status: 'ready', recipient_name: input.name, recipient_phone: input.phone, address: input.address });
    return (await serializeWins(trx, ctx.tenantId, [row], { masked: false }))[0]!;
  });
}

/** ready → shipped (carrier and tracking number) → delivered; each step once, in that order. */
export async function shipWin(deps: AppDeps, ctx: RequestContext, winId: string, input: { carrier: string; tracking_no: string }): Promise<LotteryWin> {
  return transition(deps, ctx, winId, 'ready', { status: 'shipped', carrier: input.carrier, tracking_no: input.tracking_no, shipped_at: deps.clock.now() });
}

export async function deliverWin(deps: AppDeps, ctx: RequestContext, winId: string): Promise<LotteryWin> {
  return transition(deps, ctx, winId, 'shipped', { status: 'delivered', delivered_at: deps.clock.now() });
}

async function transition(deps: AppDeps, ctx: RequestContext, winId: string, from: WinStatus, changes: Partial<WinRow> & { status: WinStatus }) {
  return withTransaction(deps.db, async (trx) => {
    const win = await lockWin(trx, ctx.tenantId, winId);
    if (win.status !== from) throw new AppError('WIN_TRANSITION_REFUSED', `A prize goes to ${changes.status} from ${from}; this one is ${win.status}`);
    const row = await updateWin(trx, ctx.tenantId, winId, changes);
    await recordAudit(trx, ctx, { action: `lottery_win.${changes.status}`, resourceType: 'lottery_win', resourceId: winId });
    await emitEvent(trx, deps.jobs, ctx, `lottery.prize_${changes.status}`, { win_id: winId, lottery_id: win.lottery_id, member_id: win.member_id });
    return (await serializeWins(trx, ctx.tenantId, [row], { masked: true }))[0]!;
  });
}

export async function listWins(deps: AppDeps, ctx: RequestContext, query: { lottery_id?: string; member_id?: string; status?: WinStatus; limit: number; cursor?: string }) {
  let q = deps.db.selectFrom('lottery_wins').selectAll().where('tenant_id', '=', ctx.tenantId);
  if (query.lottery_id) q = q.where('lottery_id', '=', query.lottery_id);
  if (query.member_id) q = q.where('member_id', '=', query.member_id);
  if (query.status) q = q.where('status', '=', query.status);
  const after = decodeCursor(query.cursor);
  if (after) q = q.where('id', '<', after);
  const page = toPage(await q.orderBy('id', 'desc').limit(query.limit + 1).execute(), query.limit);
  return { data: await serializeWins(deps.db, ctx.tenantId, page.data, { masked: true }), next_cursor: page.next_cursor };
}

/** One win; reveal=true shows the recipient in full (members:read_pii, audited). */
export async function getWin(deps: AppDeps, ctx: RequestContext, winId: string, reveal: boolean): Promise<LotteryWin> {
  const row = await deps.db.selectFrom('lottery_wins').selectAll().where('tenant_id', '=', ctx.tenantId).where('id', '=', winId).executeTakeFirst();
  if (!row) throw notFound('Win');
  if (reveal) await recordAudit(deps.db, ctx, { action: 'lottery_win.pii_viewed', resourceType: 'lottery_win', resourceId: winId, details: { fields: ['recipient_name', 'recipient_phone', 'address'] } });
  return (await serializeWins(deps.db, ctx.tenantId, [row], { masked: !reveal }))[0]!;
}

export async function memberWins(db: Db, tenantId: string, memberId: string, masked: boolean): Promise<LotteryWin[]> {
  const rows = await db.selectFrom('lottery_wins').selectAll().where('tenant_id', '=', tenantId).where('member_id', '=', memberId).orderBy('id', 'desc').limit(200).execute();
  return serializeWins(db, tenantId, rows, { masked });
}

async function lockWin(trx: Db, tenantId: string, winId: string): Promise<WinRow> {
  const row = await trx.selectFrom('lottery_wins').selectAll().where('tenant_id', '=', tenantId).where('id', '=', winId).forUpdate().executeTakeFirst();
  if (!row) throw notFound('Win');
  return row;
}

async function updateWin(trx: Db, tenantId: string, winId: string, changes: Partial<WinRow>) {
  return trx.updateTable('lottery_wins').set({ ...changes, updated_at: sql`now()` }).where('tenant_id', '=', tenantId).where('id', '=', winId).returningAll().executeTakeFirstOrThrow();
}

/** 张三 → 张*; 上海市徐汇区漕溪北路 88 号 → 上海市徐汇区*** (the first six characters) */
const maskName = (name: string) => `${name.slice(0, 1)}${'*'.repeat(Math.max(1, name.length - 1))}`;
const maskAddress = (address: string) => `${address.slice(0, 6)}***`;

export async function serializeWins(db: Db, tenantId: string, rows: WinRow[], { masked }: { masked: boolean }): Promise<LotteryWin[]> {
  if (!rows.length) return [];
  const names = await db
    .selectFrom('lottery_prizes as p')
    .innerJoin('lotteries as l', (j) => j.onRef('l.tenant_id', '=', 'p.tenant_id').onRef('l.id', '=', 'p.lottery_id'))
    .select(['p.id', 'p.name', 'l.name as lottery_name'])
    .where('p.tenant_id', '=', tenantId)
    .where('p.id', 'in', [...new Set(rows.map((r) => r.prize_id))])
    .execute();
  const byPrize = new Map(names.map((n) => [n.id, n]));
  const numbers = await memberNumbers(db, tenantId, [...new Set(rows.map((r) => r.member_id))]);
  return rows.map((r) => ({
    id: r.id,
    lottery_id: r.lottery_id,
    lottery_name: byPrize.get(r.prize_id)?.lottery_name ?? '',
    member_id: r.member_id,
    member_no: numbers.get(r.member_id) ?? null,
    entry_id: r.entry_id,
    prize_id: r.prize_id,
    prize_name: byPrize.get(r.prize_id)?.name ?? '',
    kind: r.kind,
    status: r.status,
    fulfilment_ref: r.fulfilment_ref,
    error: r.error,
    recipient_name: r.recipient_name && masked ? maskName(r.recipient_name) : r.recipient_name,
    recipient_phone: r.recipient_phone && masked ? maskPhone(r.recipient_phone) : r.recipient_phone,
    address: r.address && masked ? maskAddress(r.address) : r.address,
    carrier: r.carrier,
    tracking_no: r.tracking_no,
    shipped_at: r.shipped_at?.toISOString() ?? null,
    delivered_at: r.delivered_at?.toISOString() ?? null,
    created_at: r.created_at.toISOString(),
  }));
}
