import crypto from 'node:crypto';
import { sql, type Selectable } from 'kysely';
import { DateTime } from 'luxon';
import { v7 as uuidv7 } from 'uuid';
import type { Redemption, RedemptionInput } from '@hearth/contracts/points';
import type { DB } from '../../db/schema.ts';
import type { Db } from '../../db/database.ts';
import { isUniqueViolation } from '../../db/errors.ts';
import { eventRow, subscriberJobsSql } from '../../jobs/outbox.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { AppError, notFound, validationError } from '../../http/errors.ts';
import { findMemberIdFor } from '../members/members.service.ts';
import { announce, applyMoves, changeAccount, lockAccount, pointsValueFen, recordTransaction, setupFromRow, spendableLots, spendablePoints, takeFromLots, type AccountRow, type LotMove } from './ledger.ts';
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
      const known = await lockForRedemption(trx, ctx.tenantId, memberId, input);
      if (known.earlier) {
        if (known.earlier.content_hash !== hash) {
          throw new AppError('REDEMPTION_CONFLICT', `Redemption ${input.external_id} was already recorded with different content`, { errors: [{ field: 'external_id', code: 'different_content', message: 'use a new external_id' }] });
        }
        return { redemption: serializeRedemption(known.earlier), replayed: true };
      }
      const { settings } = known.setup;
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
        if (!known.reward || known.reward.status !== 'active') throw validationError([{ field: 'reward_id', code: 'unknown_reward', message: 'no such active reward' }]);
        points = known.reward.points_price * input.quantity;
      }
      // Read after the lock, in its own statement: a statement's snapshot predates the lock it waited for.
      const { lots, spendable } = await lotsToSpend(trx, ctx.tenantId, memberId, now, points);
      if (spendable - known.debt < points) throw insufficient(points, spendable - known.debt, input.kind === 'cash' ? 'points' : 'reward_id');
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
      const holdOnly = input.kind === 'cash' && !input.capture;
      const row = await writeRedemption(trx, deps, ctx, {
        memberId,
        input,
        hash,
        points,
        valueFen,
        holdOnly,
        moves: takeInOrder(lots, points),
        holdExpiresAt: holdOnly ? DateTime.fromJSDate(now).plus({ minutes: settings.hold_minutes }).toJSDate() : null,
      });
      if (input.kind === 'reward') {
        for (const handler of deps.pointsHooks.rewardRedeemedHandlers()) await handler(trx, deps, ctx, { memberId, rewardId: input.reward_id!, quantity: input.quantity, redemptionId: row.id });
      }
      return { redemption: serializeRedemption(row), replayed: false };
    });
  } catch (error) {
    // The same redemption sent twice at once: the second finds the first.
    if (!isUniqueViolation(error, 'points_redemptions_external_key')) throw error;
    return redeem(deps, ctx, input);
  }
}

/** Locks the member's account and reads, in the same statement, what a redemption is checked against. */
async function lockForRedemption(trx: Db, tenantId: string, memberId: string, input: RedemptionInput) {
  const result = await sql<{ debt: number; earlier: Record<string, unknown> | null; reward: { points_price: number; status: string } | null; time_zone: string; settings: Record<string, unknown> | null }>`
    with account as (
      insert into points_accounts (tenant_id, member_id) values (${tenantId}, ${memberId})
      on conflict (tenant_id, member_id) do update set updated_at = points_accounts.updated_at
      returning debt
    )
    select account.debt,
      (select to_jsonb(r) from points_redemptions r where r.tenant_id = ${tenantId} and r.member_id = ${memberId} and r.external_id = ${input.external_id}) as earlier,
      (select jsonb_build_object('points_price', w.points_price, 'status', w.status) from rewards w where w.tenant_id = ${tenantId} and w.id = ${input.reward_id ?? null}::uuid) as reward,
      t.time_zone,
      (select to_jsonb(s) from points_settings s where s.tenant_id = ${tenantId}) as settings
    from account, tenants t where t.id = ${tenantId}`.execute(trx);
  const row = result.rows[0]!;
  const earlier = row.earlier
    ? ({ ...row.earlier, created_at: new Date(row.earlier.created_at as string), updated_at: new Date(row.earlier.updated_at as string), hold_expires_at: row.earlier.hold_expires_at ? new Date(row.earlier.hold_expires_at as string) : null } as RedemptionRow)
    : null;
  return { debt: row.debt, earlier, reward: row.reward, setup: setupFromRow(row.time_zone, row.settings) };
}

/** The spendable lots a spend of `points` would use (FIFO by expiry), and what the member can spend in all. */
async function lotsToSpend(trx: Db, tenantId: string, memberId: string, now: Date, points: number) {
  const result = await sql<{ id: string; remaining: number; spendable: number }>`
    with spendable as (
      select id, remaining, sum(remaining) over (order by expires_at asc nulls last, earned_at, id) as running
      from points_lots
      where tenant_id = ${tenantId} and member_id = ${memberId} and remaining > 0 and available_at <= ${now} and (expires_at is null or expires_at > ${now})
    )
    select s.id, s.remaining, (select coalesce(max(running), 0) from spendable)::bigint as spendable
    from (select 1) one left join spendable s on s.running - s.remaining < ${points}::bigint
    order by s.running`.execute(trx);
  const spendable = result.rows[0]?.spendable ?? 0;
  return { spendable, lots: result.rows.filter((r) => r.id !== null).map((r) => ({ id: r.id, remaining: r.remaining })) };
}

function takeInOrder(lots: { id: string; remaining: number }[], points: number): LotMove[] {
  const moves: LotMove[] = [];
  let left = points;
  for (const lot of lots) {
    if (left === 0) break;
    const take = Math.min(lot.remaining, left);
    moves.push({ lotId: lot.id, amount: -take });
    left -= take;
  }
  return moves;
}

interface NewRedemption {
  memberId: string;
  input: RedemptionInput;
  hash: string;
  points: number;
  valueFen: number;
  holdOnly: boolean;
  moves: LotMove[];
  holdExpiresAt: Date | null;
}

/**
 * Writes a redemption in one statement: the lots it takes, its ledger transaction (a hold into `held`, or a
 * spend into `redeemed`) with postings and trail, the redemption row, the account and the events.
 */
async function writeRedemption(trx: Db, deps: AppDeps, ctx: RequestContext, r: NewRedemption): Promise<RedemptionRow> {
  const id = uuidv7();
  const txnId = uuidv7();
  const kind = r.holdOnly ? 'hold' : 'spend';
  const counter = r.holdOnly ? 'held' : 'redeemed';
  const eventType = r.holdOnly ? 'points.held' : 'points.spent';
  const spentEvent = eventRow(ctx, eventType, { member_id: r.memberId, points: r.points, value_fen: r.valueFen, redemption_id: id, kind: r.input.kind });
  const balanceEventId = uuidv7();
  const details = { external_id: r.input.external_id, kind: r.input.kind, value_fen: r.valueFen, ...(r.input.reward_id ? { reward_id: r.input.reward_id, quantity: r.input.quantity } : {}) };
  const t = ctx.tenantId;
  const m = r.memberId;
  const result = await sql<RedemptionRow & { balance: number; held: number; debt: number }>`
    with moves(lot_id, amount) as (select * from unnest(${r.moves.map((x) => x.lotId)}::uuid[], ${r.moves.map((x) => x.amount)}::bigint[])),
    taken as (
      update points_lots l set remaining = l.remaining + moves.amount from moves
      where l.tenant_id = ${t} and l.member_id = ${m} and l.id = moves.lot_id
    ),
    txn as (
      insert into points_transactions (tenant_id, member_id, id, kind, points, redemption_id, details, actor)
      values (${t}, ${m}, ${txnId}, ${kind}, ${-r.points}, ${id}, ${JSON.stringify(details)}::jsonb, ${ctx.actor.label})
    ),
    postings as (
      insert into points_postings (tenant_id, member_id, txn_id, account, amount)
      values (${t}, ${m}, ${txnId}, 'member', ${-r.points}), (${t}, ${m}, ${txnId}, ${counter}, ${r.points})
    ),
    trail as (
      insert into points_lot_moves (tenant_id, member_id, txn_id, lot_id, amount)
      select ${t}::uuid, ${m}::uuid, ${txnId}::uuid, lot_id, amount from moves
    ),
    account as (
      update points_accounts set balance = balance - ${r.points}::bigint, held = held + ${r.holdOnly ? r.points : 0}::bigint,
        lifetime_spent = lifetime_spent + ${r.holdOnly ? 0 : r.points}::bigint, updated_at = now()
      where tenant_id = ${t} and member_id = ${m}
      returning balance, held, debt
    ),
    events as (
      insert into domain_events (tenant_id, id, type, payload, actor_type, actor_id, request_id)
      select ${t}::uuid, ${spentEvent.id}::uuid, ${eventType}::text, ${spentEvent.payload}::jsonb, ${ctx.actor.type}::text, ${ctx.actor.id}::text, ${ctx.requestId}::text
      union all
      select ${t}::uuid, ${balanceEventId}::uuid, 'points.balance_changed',
        jsonb_build_object('member_id', ${m}::uuid, 'balance', a.balance, 'held', a.held, 'debt', a.debt, 'cause', ${eventType}::text),
        ${ctx.actor.type}::text, ${ctx.actor.id}::text, ${ctx.requestId}::text
      from account a
      returning tenant_id, id, type, payload, occurred_at
    ),
    jobs as (${subscriberJobsSql(deps.jobs, 'events', [{ id: spentEvent.id, types: [eventType] }, { id: balanceEventId, types: ['points.balance_changed'] }])}),
    redemption as (
      insert into points_redemptions (tenant_id, member_id, id, external_id, content_hash, kind, status, points, value_fen, order_total_fen, reward_id, quantity, store_id, hold_txn_id, hold_expires_at)
      values (${t}, ${m}, ${id}, ${r.input.external_id}, ${r.hash}, ${r.input.kind}, ${r.holdOnly ? 'held' : 'captured'}, ${r.points}, ${r.valueFen}, ${r.input.order_total_fen ?? null},
        ${r.input.reward_id ?? null}::uuid, ${r.input.quantity}, ${r.input.store_id ?? null}::uuid, ${r.holdOnly ? txnId : null}::uuid, ${r.holdExpiresAt}::timestamptz)
      returning *
    )
    select redemption.*, account.balance, account.held as account_held, account.debt from redemption, account`.execute(trx);
  return result.rows[0]!;
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

/**
 * Spends points inside the caller's transaction (a lottery entry's cost): a `spend` transaction from the
 * member into `redeemed`, taken FIFO from spendable lots under the account lock. POINTS_INSUFFICIENT (422,
 * naming `field`) when the member cannot afford it; the caller's transaction then rolls back whole.
 * Idempotent by sourceKey within a member: the same key again spends nothing and returns the first transaction.
 */
export async function spendPointsIn(trx: Db, deps: Pick<AppDeps, 'jobs' | 'clock'>, ctx: RequestContext, memberId: string, spend: { points: number; sourceKey: string; reason: string; field: string }): Promise<string> {
  const account = await lockAccount(trx, ctx.tenantId, memberId);
  const earlier = await trx.selectFrom('points_transactions').select('id').where('tenant_id', '=', ctx.tenantId).where('member_id', '=', memberId).where('source_key', '=', spend.sourceKey).executeTakeFirst();
  if (earlier) return earlier.id;
  const now = deps.clock.now();
  const spendable = (await spendablePoints(trx, ctx.tenantId, memberId, now)) - account.debt;
  if (spendable < spend.points) throw insufficient(spend.points, spendable, spend.field);
  const moves = await takeFromLots(trx, ctx.tenantId, memberId, await spendableLots(trx, ctx.tenantId, memberId, now).execute(), spend.points);
  const transactionId = await recordTransaction(trx, ctx, {
    memberId,
    kind: 'spend',
    points: -spend.points,
    postings: [
      { account: 'member', amount: -spend.points },
      { account: 'redeemed', amount: spend.points },
    ],
    moves,
    sourceKey: spend.sourceKey,
    details: { reason: spend.reason },
  });
  const updated = await changeAccount(trx, ctx.tenantId, memberId, { balance: -spend.points, spent: spend.points });
  await announce(trx, deps, ctx, 'points.spent', { member_id: memberId, points: spend.points, transaction_id: transactionId, source_key: spend.sourceKey }, updated);
  return transactionId;
}
