import crypto from 'node:crypto';
import { sql, type Selectable } from 'kysely';
import { DateTime } from 'luxon';
import { v7 as uuidv7 } from 'uuid';
import type { Redemption, RedemptionInput } from '@hearth/contracts/points';
import type { DB } from '../../db/schema.ts';
import type { Db } from '../../db/database.ts';
import { isUniqueViolation } from '../../db/errors.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { AppError, notFound, validationError } from '../../http/errors.ts';
import { findMemberIdFor } from '../members/members.service.ts';
import { announce, applyMoves, changeAccount, loadPointsSetup, lockAccount, pointsValueFen, recordTransaction, spendableLots, spendablePoints, takeFromLots } from './ledger.ts';
import { insufficient } from './points.service.ts';

type RedemptionRow = Selectable<DB['points_redemptions']>;

/**
 * Spends points: a cash deduction at the POS (held for capture, or spent at once) or a reward from the
 * catalogue (spent at once). Idempotent by the caller's external id. Only available points are spent: never
 * pending ones, never ones already under a hold, and never more than the member has, however many
 * requests arrive at once (each one locks the member's account).
 */
export async function redeem(deps: AppDeps, ctx: RequestContext, input: RedemptionInput): Promise<{ redemption: Redemption; replayed: boolean }> {
  const memberId = await findMemberIdFor(deps.db, ctx.tenantId, input);
  if (!memberId) throw validationError([{ field: input.member_id ? 'member_id' : 'identity', code: 'unknown_member', message: 'no such member' }]);
  const hash = crypto.createHash('sha256').update(JSON.stringify([input.kind, input.points ?? null, input.order_total_fen ?? null, input.reward_id ?? null, input.quantity, input.store_id ?? null, input.capture])).digest('base64url');
  try {
    return await withTransaction(deps.db, async (trx) => {
      const account = await lockAccount(trx, ctx.tenantId, memberId);
      const earlier = await trx.selectFrom('points_redemptions').selectAll().where('tenant_id', '=', ctx.tenantId).where('member_id', '=', memberId).where('external_id', '=', input.external_id).executeTakeFirst();
      if (earlier) {
        if (earlier.content_hash !== hash) {
          throw new AppError('REDEMPTION_CONFLICT', `Redemption ${input.external_id} was already recorded with different content`, { errors: [{ field: 'external_id', code: 'different_content', message: 'use a new external_id' }] });
        }
        return { redemption: serializeRedemption(earlier), replayed: true };
      }
      const { settings } = await loadPointsSetup(trx, ctx.tenantId);
      const now = deps.clock.now();
      let points: number;
      let valueFen = 0;
      if (input.kind === 'cash') {
        points = input.points!;
        valueFen = pointsValueFen(points, settings);
        const maxFen = Math.floor((input.order_total_fen! * settings.max_cash_share_pct) / 100);
        if (valueFen > maxFen) {
          throw new AppError('REDEMPTION_EXCEEDS_SHARE', `Points may pay at most ${settings.max_cash_share_pct}% of the order (${maxFen} fen)`, {
            errors: [{ field: 'points', code: 'exceeds_share', message: `at most ${maxFen} fen of this order` }],
          });
        }
        if (valueFen === 0) throw validationError([{ field: 'points', code: 'worth_nothing', message: 'these points are worth 0 fen' }]);
      } else {
        const reward = await trx.selectFrom('rewards').selectAll().where('tenant_id', '=', ctx.tenantId).where('id', '=', input.reward_id!).executeTakeFirst();
        if (!reward || reward.status !== 'active') throw validationError([{ field: 'reward_id', code: 'unknown_reward', message: 'no such active reward' }]);
        points = reward.points_price * input.quantity;
      }
      const spendable = (await spendablePoints(trx, ctx.tenantId, memberId, now)) - account.debt;
      if (spendable < points) throw insufficient(points, spendable, input.kind === 'cash' ? 'points' : 'reward_id');
      if (input.kind === 'reward') {
        const taken = await trx
          .updateTable('rewards')
          .set({ stock: sql`stock - ${input.quantity}`, updated_at: sql`now()` })
          .where('tenant_id', '=', ctx.tenantId)
          .where('id', '=', input.reward_id!)
          .where((eb) => eb.or([eb('stock', 'is', null), eb('stock', '>=', input.quantity)]))
          .executeTakeFirst();
        if (Number(taken.numUpdatedRows) === 0) throw new AppError('REWARD_OUT_OF_STOCK', 'This reward is out of stock', { errors: [{ field: 'quantity', code: 'out_of_stock', message: 'not enough stock' }] });
      }
      const id = uuidv7();
      const holdOnly = input.kind === 'cash' && !input.capture;
      const moves = await takeFromLots(trx, ctx.tenantId, memberId, await spendableLots(trx, ctx.tenantId, memberId, now).execute(), points);
      const common = { memberId, redemptionId: id, details: { external_id: input.external_id, kind: input.kind, value_fen: valueFen, ...(input.reward_id ? { reward_id: input.reward_id, quantity: input.quantity } : {}) } };
      let holdTxnId: string | null = null;
      if (holdOnly) {
        holdTxnId = await recordTransaction(trx, ctx, { ...common, kind: 'hold', points: -points, moves, postings: [{ account: 'member', amount: -points }, { account: 'held', amount: points }] });
      } else {
        await recordTransaction(trx, ctx, { ...common, kind: 'spend', points: -points, moves, postings: [{ account: 'member', amount: -points }, { account: 'redeemed', amount: points }] });
      }
      const row = await trx
        .insertInto('points_redemptions')
        .values({
          tenant_id: ctx.tenantId,
          member_id: memberId,
          id,
          external_id: input.external_id,
          content_hash: hash,
          kind: input.kind,
          status: holdOnly ? 'held' : 'captured',
          points,
          value_fen: valueFen,
          order_total_fen: input.order_total_fen ?? null,
          reward_id: input.reward_id ?? null,
          quantity: input.quantity,
          store_id: input.store_id ?? null,
          hold_txn_id: holdTxnId,
          hold_expires_at: holdOnly ? DateTime.fromJSDate(now).plus({ minutes: settings.hold_minutes }).toJSDate() : null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      const updated = await changeAccount(trx, ctx.tenantId, memberId, holdOnly ? { balance: -points, held: points } : { balance: -points, spent: points });
      await announce(trx, deps, ctx, holdOnly ? 'points.held' : 'points.spent', { member_id: memberId, points, value_fen: valueFen, redemption_id: id, kind: input.kind }, updated);
      return { redemption: serializeRedemption(row), replayed: false };
    });
  } catch (error) {
    // The same redemption sent twice at once: the second finds the first.
    if (!isUniqueViolation(error, 'points_redemptions_external_key')) throw error;
    return redeem(deps, ctx, input);
  }
}

/** Capture spends a hold; cancel gives its points back to the lots they came from. Repeating either is a no-op. */
export async function settleHold(deps: AppDeps, ctx: RequestContext, redemptionId: string, action: 'capture' | 'cancel'): Promise<Redemption> {
  const found = await deps.db.selectFrom('points_redemptions').select(['member_id']).where('tenant_id', '=', ctx.tenantId).where('id', '=', redemptionId).executeTakeFirst();
  if (!found) throw notFound('Redemption');
  return withTransaction(deps.db, async (trx) => {
    await lockAccount(trx, ctx.tenantId, found.member_id);
    const row = await trx.selectFrom('points_redemptions').selectAll().where('tenant_id', '=', ctx.tenantId).where('member_id', '=', found.member_id).where('id', '=', redemptionId).executeTakeFirstOrThrow();
    const wanted = action === 'capture' ? 'captured' : 'canceled';
    if (row.status === wanted) return serializeRedemption(row);
    if (row.status !== 'held') throw new AppError('HOLD_NOT_ACTIVE', `This redemption is ${row.status}`, { errors: [{ field: 'id', code: `already_${row.status}`, message: `the redemption is ${row.status}` }] });
    if (action === 'capture' && row.hold_expires_at! <= deps.clock.now()) {
      await releaseHold(trx, deps, ctx, row, 'expired');
      throw new AppError('HOLD_NOT_ACTIVE', 'The hold expired; its points went back to the member', { errors: [{ field: 'id', code: 'hold_expired', message: 'hold again' }] });
    }
    if (action === 'cancel') return serializeRedemption(await releaseHold(trx, deps, ctx, row, 'canceled'));
    const txnId = await recordTransaction(trx, ctx, {
      memberId: row.member_id,
      kind: 'capture',
      points: 0,
      redemptionId: row.id,
      postings: [{ account: 'held', amount: -row.points }, { account: 'redeemed', amount: row.points }],
      details: { hold_transaction_id: row.hold_txn_id, spent: row.points, value_fen: row.value_fen },
    });
    const updated = await trx.updateTable('points_redemptions').set({ status: 'captured', updated_at: sql`now()` }).where('tenant_id', '=', ctx.tenantId).where('member_id', '=', row.member_id).where('id', '=', row.id).returningAll().executeTakeFirstOrThrow();
    const account = await changeAccount(trx, ctx.tenantId, row.member_id, { held: -row.points, spent: row.points });
    await announce(trx, deps, ctx, 'points.spent', { member_id: row.member_id, points: row.points, value_fen: row.value_fen, redemption_id: row.id, transaction_id: txnId, kind: row.kind }, account);
    return serializeRedemption(updated);
  });
}

/**
 * Returns a hold's points to exactly the lots it took them from. Points whose lots expired while they were
 * held expire at once instead (a lot expires only once), and the release's postings say so. The caller
 * holds the account lock.
 */
async function releaseHold(trx: Db, deps: AppDeps, ctx: RequestContext, row: RedemptionRow, status: 'canceled' | 'expired'): Promise<RedemptionRow> {
  const taken = await trx
    .selectFrom('points_lot_moves as m')
    .innerJoin('points_lots as l', (j) => j.onRef('l.tenant_id', '=', 'm.tenant_id').onRef('l.member_id', '=', 'm.member_id').onRef('l.id', '=', 'm.lot_id'))
    .select(['m.lot_id', 'm.amount', 'l.expires_at'])
    .where('m.tenant_id', '=', ctx.tenantId)
    .where('m.member_id', '=', row.member_id)
    .where('m.txn_id', '=', row.hold_txn_id!)
    .execute();
  const now = deps.clock.now();
  const stillValid = taken.filter((m) => m.expires_at === null || m.expires_at > now);
  const moves = stillValid.map((m) => ({ lotId: m.lot_id, amount: -m.amount }));
  const restored = moves.reduce((sum, m) => sum + m.amount, 0);
  const lapsed = row.points - restored;
  await applyMoves(trx, ctx.tenantId, row.member_id, moves);
  await recordTransaction(trx, ctx, {
    memberId: row.member_id,
    kind: 'release',
    points: restored,
    redemptionId: row.id,
    moves,
    postings: [
      { account: 'held', amount: -row.points },
      { account: 'member', amount: restored },
      { account: 'expired', amount: lapsed },
    ],
    details: { hold_transaction_id: row.hold_txn_id, reason: status, ...(lapsed ? { expired_while_held: lapsed } : {}) },
  });
  const updated = await trx.updateTable('points_redemptions').set({ status, updated_at: sql`now()` }).where('tenant_id', '=', ctx.tenantId).where('member_id', '=', row.member_id).where('id', '=', row.id).returningAll().executeTakeFirstOrThrow();
  const account = await changeAccount(trx, ctx.tenantId, row.member_id, { held: -row.points, balance: restored });
  await announce(trx, deps, ctx, 'points.released', { member_id: row.member_id, points: restored, expired: lapsed, redemption_id: row.id, reason: status }, account);
  return updated;
}

/** Lets go of holds the POS never captured or canceled; run every minute. */
export async function releaseExpiredHolds(deps: AppDeps, limit = 500): Promise<number> {
  const due = await deps.db.selectFrom('points_redemptions').select(['tenant_id', 'member_id', 'id']).where('status', '=', 'held').where('hold_expires_at', '<=', deps.clock.now()).orderBy('hold_expires_at').limit(limit).execute();
  let released = 0;
  for (const hold of due) {
    const ctx: RequestContext = { tenantId: hold.tenant_id, actor: systemActor, requestId: null, ip: null };
    released += await withTransaction(deps.db, async (trx) => {
      await lockAccount(trx, hold.tenant_id, hold.member_id);
      const row = await trx.selectFrom('points_redemptions').selectAll().where('tenant_id', '=', hold.tenant_id).where('member_id', '=', hold.member_id).where('id', '=', hold.id).executeTakeFirstOrThrow();
      if (row.status !== 'held') return 0;
      await releaseHold(trx, deps, ctx, row, 'expired');
      return 1;
    });
  }
  return released;
}

export const systemActor: RequestContext['actor'] = { type: 'system', id: null, label: 'points jobs', role: null, permissions: new Set() };

export async function getRedemption(deps: AppDeps, ctx: RequestContext, id: string): Promise<Redemption> {
  const row = await deps.db.selectFrom('points_redemptions').selectAll().where('tenant_id', '=', ctx.tenantId).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Redemption');
  return serializeRedemption(row);
}

function serializeRedemption(row: RedemptionRow): Redemption {
  return {
    id: row.id,
    external_id: row.external_id,
    member_id: row.member_id,
    kind: row.kind,
    status: row.status,
    points: row.points,
    value_fen: row.value_fen,
    reward_id: row.reward_id,
    quantity: row.quantity,
    hold_expires_at: row.hold_expires_at?.toISOString() ?? null,
    created_at: row.created_at.toISOString(),
  };
}
