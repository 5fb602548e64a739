import { sql, type Selectable } from 'kysely';
import { DateTime } from 'luxon';
import { v7 as uuidv7 } from 'uuid';
import type { PointsSettings } from '@hearth/contracts/points';
import type { DB } from '../../db/schema.ts';
import type { Db } from '../../db/database.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { emitEvent } from '../../jobs/outbox.ts';
import type { LedgerAccount, PointsTransactionKind } from './points.tables.ts';
import './points.tables.ts';

export type AccountRow = Selectable<DB['points_accounts']>;
export type LotRow = Selectable<DB['points_lots']>;

export const defaultPointsSettings: PointsSettings = {
  fen_per_100_points: 100,
  pending_days: 7,
  expiry: { kind: 'rolling_months', months: 12 },
  clawback_policy: 'negative_balance',
  max_cash_share_pct: 50,
  hold_minutes: 15,
  reminder_days: [30, 7],
};

export interface TenantPointsSetup {
  settings: PointsSettings;
  timeZone: string;
}

export async function loadPointsSetup(db: Db, tenantId: string): Promise<TenantPointsSetup> {
  const row = await db
    .selectFrom('tenants')
    .leftJoin('points_settings', 'points_settings.tenant_id', 'tenants.id')
    .select(['tenants.time_zone', 'fen_per_100_points', 'pending_days', 'expiry', 'clawback_policy', 'max_cash_share_pct', 'hold_minutes', 'reminder_days'])
    .where('tenants.id', '=', tenantId)
    .executeTakeFirstOrThrow();
  const settings: PointsSettings =
    row.fen_per_100_points === null
      ? defaultPointsSettings
      : {
          fen_per_100_points: row.fen_per_100_points,
          pending_days: row.pending_days!,
          expiry: row.expiry as PointsSettings['expiry'],
          clawback_policy: row.clawback_policy!,
          max_cash_share_pct: row.max_cash_share_pct!,
          hold_minutes: row.hold_minutes!,
          reminder_days: row.reminder_days!,
        };
  return { settings, timeZone: row.time_zone };
}

/** Points → fen at the tenant's rate, rounded down (a brand never shows more value than it owes). */
export const pointsValueFen = (points: number, settings: PointsSettings) => Math.floor((points * settings.fen_per_100_points) / 100);

/** The first instant a lot earned at earnedAt is no longer valid, in the tenant's calendar; null: never. */
export function expiryOf(earnedAt: Date, setup: TenantPointsSetup): Date | null {
  const policy = setup.settings.expiry;
  const local = DateTime.fromJSDate(earnedAt, { zone: setup.timeZone });
  if (policy.kind === 'never') return null;
  if (policy.kind === 'rolling_months') return local.plus({ months: policy.months }).startOf('day').plus({ days: 1 }).toJSDate();
  return local.startOf('year').plus({ years: policy.years + 1 }).toJSDate();
}

/** The tenant's calendar day of an instant, as YYYY-MM-DD. */
export const businessDay = (at: Date, timeZone: string) => DateTime.fromJSDate(at, { zone: timeZone }).toISODate()!;

/**
 * Locks the member's points account, creating it on first use. Every change to a member's points takes
 * this lock first, so concurrent orders, spends and the expiry job see each other's results.
 */
export async function lockAccount(trx: Db, tenantId: string, memberId: string): Promise<AccountRow> {
  await trx.insertInto('points_accounts').values({ tenant_id: tenantId, member_id: memberId }).onConflict((oc) => oc.columns(['tenant_id', 'member_id']).doNothing()).execute();
  return trx.selectFrom('points_accounts').selectAll().where('tenant_id', '=', tenantId).where('member_id', '=', memberId).forUpdate().executeTakeFirstOrThrow();
}

export interface Posting {
  account: LedgerAccount;
  amount: number;
  partner?: string;
}

export interface LotMove {
  lotId: string;
  amount: number;
}

export interface NewTransaction {
  memberId: string;
  kind: PointsTransactionKind;
  points: number;
  postings: Posting[];
  moves?: LotMove[];
  sourceKey?: string | null;
  orderId?: string | null;
  refundId?: string | null;
  redemptionId?: string | null;
  businessDay?: string | null;
  details?: Record<string, unknown>;
}

/**
 * Writes one ledger transaction with its postings and lot trail. The postings must sum to zero: that is
 * what makes the ledger double-entry, so a transaction that does not balance is a bug and never written.
 */
export async function recordTransaction(trx: Db, ctx: RequestContext, txn: NewTransaction, id: string = uuidv7()): Promise<string> {
  const postings = txn.postings.filter((p) => p.amount !== 0);
  const sum = postings.reduce((s, p) => s + p.amount, 0);
  if (sum !== 0) throw new Error(`Unbalanced points transaction ${txn.kind}: postings sum to ${sum}`);
  await trx
    .insertInto('points_transactions')
    .values({
      tenant_id: ctx.tenantId,
      member_id: txn.memberId,
      id,
      kind: txn.kind,
      points: txn.points,
      source_key: txn.sourceKey ?? null,
      order_id: txn.orderId ?? null,
      refund_id: txn.refundId ?? null,
      redemption_id: txn.redemptionId ?? null,
      business_day: txn.businessDay ?? null,
      details: JSON.stringify(txn.details ?? {}),
      actor: ctx.actor.label,
    })
    .execute();
  if (postings.length) {
    await trx
      .insertInto('points_postings')
      .values(postings.map((p) => ({ tenant_id: ctx.tenantId, member_id: txn.memberId, txn_id: id, account: p.account, partner: p.partner ?? '', amount: p.amount })))
      .execute();
  }
  const moves = (txn.moves ?? []).filter((m) => m.amount !== 0);
  if (moves.length) {
    await trx
      .insertInto('points_lot_moves')
      .values(moves.map((m) => ({ tenant_id: ctx.tenantId, member_id: txn.memberId, txn_id: id, lot_id: m.lotId, amount: m.amount })))
      .execute();
  }
  return id;
}

export async function createLot(trx: Db, ctx: RequestContext, lot: { memberId: string; txnId: string; orderId: string | null; amount: number; earnedAt: Date; availableAt: Date; expiresAt: Date | null }): Promise<string> {
  const id = uuidv7();
  await trx
    .insertInto('points_lots')
    .values({ tenant_id: ctx.tenantId, member_id: lot.memberId, id, txn_id: lot.txnId, order_id: lot.orderId, amount: lot.amount, remaining: lot.amount, earned_at: lot.earnedAt, available_at: lot.availableAt, expires_at: lot.expiresAt })
    .execute();
  return id;
}

/** Spendable lots, soonest to expire first (FIFO by expiry, then by age); pending and expired lots never. */
export function spendableLots(trx: Db, tenantId: string, memberId: string, now: Date) {
  return trx
    .selectFrom('points_lots')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('member_id', '=', memberId)
    .where('remaining', '>', 0)
    .where('available_at', '<=', now)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .orderBy(sql`expires_at asc nulls last`)
    .orderBy('earned_at')
    .orderBy('id');
}

/** Sum of what the member could spend now from lots (before debt and holds are considered). */
export async function spendablePoints(trx: Db, tenantId: string, memberId: string, now: Date): Promise<number> {
  const row = await trx
    .selectFrom('points_lots')
    .select(sql<number>`coalesce(sum(remaining), 0)::bigint`.as('points'))
    .where('tenant_id', '=', tenantId)
    .where('member_id', '=', memberId)
    .where('remaining', '>', 0)
    .where('available_at', '<=', now)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .executeTakeFirstOrThrow();
  return row.points;
}

/**
 * Takes up to `points` from the given lots in their order and returns the moves (negative amounts).
 * The caller holds the account lock, so the lots cannot change under it.
 */
export async function takeFromLots(trx: Db, tenantId: string, memberId: string, lots: readonly LotRow[], points: number): Promise<LotMove[]> {
  const moves: LotMove[] = [];
  let left = points;
  for (const lot of lots) {
    if (left === 0) break;
    const take = Math.min(lot.remaining, left);
    if (take === 0) continue;
    moves.push({ lotId: lot.id, amount: -take });
    left -= take;
  }
  await applyMoves(trx, tenantId, memberId, moves);
  return moves;
}

/** Applies lot moves (− takes, + gives back) in one statement. */
export async function applyMoves(trx: Db, tenantId: string, memberId: string, moves: readonly LotMove[]): Promise<void> {
  if (!moves.length) return;
  await sql`
    update points_lots as l set remaining = l.remaining + m.amount
    from unnest(${moves.map((m) => m.lotId)}::uuid[], ${moves.map((m) => m.amount)}::bigint[]) as m(lot_id, amount)
    where l.tenant_id = ${tenantId} and l.member_id = ${memberId} and l.id = m.lot_id`.execute(trx);
}

export interface AccountChange {
  balance?: number;
  debt?: number;
  held?: number;
  earned?: number;
  spent?: number;
}

export async function changeAccount(trx: Db, tenantId: string, memberId: string, change: AccountChange): Promise<AccountRow> {
  return trx
    .updateTable('points_accounts')
    .set({
      balance: sql`balance + ${change.balance ?? 0}`,
      debt: sql`debt + ${change.debt ?? 0}`,
      held: sql`held + ${change.held ?? 0}`,
      lifetime_earned: sql`lifetime_earned + ${change.earned ?? 0}`,
      lifetime_spent: sql`lifetime_spent + ${change.spent ?? 0}`,
      updated_at: sql`now()`,
    })
    .where('tenant_id', '=', tenantId)
    .where('member_id', '=', memberId)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** `points.<event>` and `points.balance_changed`, through the outbox of the same transaction. */
export async function announce(trx: Db, deps: Pick<AppDeps, 'jobs'>, ctx: RequestContext, type: string, payload: Record<string, unknown>, account: AccountRow): Promise<void> {
  await emitEvent(trx, deps.jobs, ctx, type, payload);
  await emitEvent(trx, deps.jobs, ctx, 'points.balance_changed', { member_id: account.member_id, balance: account.balance, held: account.held, debt: account.debt, cause: type });
}
