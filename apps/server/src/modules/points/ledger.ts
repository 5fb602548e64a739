import { sql, type Selectable } from 'kysely';
import { DateTime } from 'luxon';
import { v7 as uuidv7 } from 'uuid';
import { earningRulesSchema, type EarningRules, type PointsSettings } from '@hearth/contracts/points';
import type { DB } from '../../db/schema.ts';
import type { Db } from '../../db/database.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { canInlineEvent, emitEvent, eventRow } from '../../jobs/outbox.ts';
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
  const settings = row.fen_per_100_points === null ? defaultPointsSettings : settingsFromRow(row as never);
  return { settings, timeZone: row.time_zone };
}

/** The tenant's setup from a row of `tenants.time_zone` and `to_jsonb(points_settings)` (null: defaults). */
export function setupFromRow(timeZone: string, settings: Record<string, unknown> | null): TenantPointsSetup {
  return { settings: settings ? settingsFromRow(settings as never) : defaultPointsSettings, timeZone };
}

function settingsFromRow(row: Omit<PointsSettings, 'expiry'> & { expiry: unknown }): PointsSettings {
  return {
    fen_per_100_points: row.fen_per_100_points,
    pending_days: row.pending_days,
    expiry: row.expiry as PointsSettings['expiry'],
    clawback_policy: row.clawback_policy,
    max_cash_share_pct: row.max_cash_share_pct,
    hold_minutes: row.hold_minutes,
    reminder_days: row.reminder_days,
  };
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

export interface EarningLock {
  debt: number;
  /** Details of the earn transaction already recorded for this source, if any. */
  earlier: unknown;
  rule: { version: number; rules: EarningRules } | null;
  categories: Map<string, string[]>;
  setup: TenantPointsSetup;
}

/**
 * Locks the member's account (creating it on first use) and reads, in the same statement, what scoring an
 * order needs: the account's debt as of the lock, an earlier award for the same source, the rule version
 * in force at the order's time, the products' categories, and the tenant's settings and time zone.
 */
export async function lockForEarning(trx: Db, tenantId: string, memberId: string, args: { at: Date; skus: string[]; sourceKey: string }): Promise<EarningLock> {
  const result = await sql<{
    debt: number;
    earlier: unknown;
    rule: { version: number; rules: unknown } | null;
    categories: Record<string, string[]> | null;
    time_zone: string;
    settings: Record<string, unknown> | null;
  }>`
    with account as (
      insert into points_accounts (tenant_id, member_id) values (${tenantId}, ${memberId})
      on conflict (tenant_id, member_id) do update set updated_at = points_accounts.updated_at
      returning debt
    )
    select account.debt,
      (select details from points_transactions where tenant_id = ${tenantId} and member_id = ${memberId} and source_key = ${args.sourceKey}) as earlier,
      (select jsonb_build_object('version', version, 'rules', rules) from earning_rule_versions
        where tenant_id = ${tenantId} and effective_from <= ${args.at} order by effective_from desc, version desc limit 1) as rule,
      (select jsonb_object_agg(sku, category_path) from products where tenant_id = ${tenantId} and sku = any(${[...new Set(args.skus)]}::text[])) as categories,
      t.time_zone,
      (select to_jsonb(s) from points_settings s where s.tenant_id = ${tenantId}) as settings
    from account, tenants t where t.id = ${tenantId}`.execute(trx);
  const row = result.rows[0]!;
  return {
    debt: row.debt,
    earlier: row.earlier,
    rule: row.rule ? { version: row.rule.version, rules: earningRulesSchema.parse(row.rule.rules) } : null,
    categories: new Map(Object.entries(row.categories ?? {})),
    setup: setupFromRow(row.time_zone, row.settings),
  };
}

export interface Credit {
  memberId: string;
  /** The account's debt, read under the account lock the caller holds. */
  debtBefore: number;
  points: number;
  kind: 'earn' | 'adjust';
  counter: Posting[];
  sourceKey: string | null;
  orderId: string | null;
  earnedAt: Date;
  availableAt: Date;
  expiresAt: Date | null;
  businessDay: string | null;
  details: Record<string, unknown>;
  event: string;
}

/**
 * Adds points to a locked account in one statement: the transaction and its postings, a lot for what is
 * left after repaying any debt, the lot's trail, the account, and the events. Returns the transaction id.
 */
export async function writeCredit(trx: Db, deps: Pick<AppDeps, 'jobs'>, ctx: RequestContext, c: Credit): Promise<string> {
  const repaid = Math.min(c.debtBefore, c.points);
  const lotAmount = c.points - repaid;
  const postings = [{ account: 'member' as const, amount: c.points }, ...c.counter].filter((p) => p.amount !== 0);
  if (postings.reduce((sum, p) => sum + p.amount, 0) !== 0) throw new Error(`Unbalanced points credit ${c.kind}`);
  const txnId = uuidv7();
  const lotId = uuidv7();
  const inlineEvents = canInlineEvent(deps.jobs, c.event) && canInlineEvent(deps.jobs, 'points.balance_changed');
  const earnedEvent = eventRow(ctx, c.event, { member_id: c.memberId, points: c.points, order_id: c.orderId, transaction_id: txnId, available_at: c.availableAt.toISOString() });
  const balanceEvent = eventRow(ctx, 'points.balance_changed', {});
  const details = repaid ? { ...c.details, debt_repaid: repaid } : c.details;
  const result = await sql<AccountRow>`
    with txn as (
      insert into points_transactions (tenant_id, member_id, id, kind, points, source_key, order_id, business_day, details, actor)
      values (${ctx.tenantId}, ${c.memberId}, ${txnId}, ${c.kind}, ${c.points}, ${c.sourceKey}, ${c.orderId}::uuid, ${c.businessDay}::date, ${JSON.stringify(details)}::jsonb, ${ctx.actor.label})
    ),
    postings as (
      insert into points_postings (tenant_id, member_id, txn_id, account, partner, amount)
      select ${ctx.tenantId}::uuid, ${c.memberId}::uuid, ${txnId}::uuid, p.account, p.partner, p.amount
      from unnest(${postings.map((p) => p.account)}::text[], ${postings.map((p) => p.partner ?? '')}::text[], ${postings.map((p) => p.amount)}::bigint[]) as p(account, partner, amount)
    ),
    lot as (
      insert into points_lots (tenant_id, member_id, id, txn_id, order_id, amount, remaining, earned_at, available_at, expires_at)
      select ${ctx.tenantId}::uuid, ${c.memberId}::uuid, ${lotId}::uuid, ${txnId}::uuid, ${c.orderId}::uuid, ${lotAmount}::bigint, ${lotAmount}::bigint, ${c.earnedAt}::timestamptz, ${c.availableAt}::timestamptz, ${c.expiresAt}::timestamptz
      where ${lotAmount}::bigint > 0
    ),
    trail as (
      insert into points_lot_moves (tenant_id, member_id, txn_id, lot_id, amount)
      select ${ctx.tenantId}::uuid, ${c.memberId}::uuid, ${txnId}::uuid, ${lotId}::uuid, ${lotAmount}::bigint where ${lotAmount}::bigint > 0
    ),
    account as (
      update points_accounts set balance = balance + ${c.points}::bigint, debt = debt - ${repaid}::bigint,
        lifetime_earned = lifetime_earned + ${c.kind === 'earn' ? c.points : 0}::bigint, updated_at = now()
      where tenant_id = ${ctx.tenantId} and member_id = ${c.memberId}
      returning *
    ),
    events as (
      insert into domain_events (tenant_id, id, type, payload, actor_type, actor_id, request_id)
      select ${ctx.tenantId}::uuid, ${earnedEvent.id}::uuid, ${c.event}::text, ${earnedEvent.payload}::jsonb, ${ctx.actor.type}::text, ${ctx.actor.id}::text, ${ctx.requestId}::text
      where ${inlineEvents}::boolean
      union all
      select ${ctx.tenantId}::uuid, ${balanceEvent.id}::uuid, 'points.balance_changed',
        jsonb_build_object('member_id', a.member_id, 'balance', a.balance, 'held', a.held, 'debt', a.debt, 'cause', ${c.event}::text),
        ${ctx.actor.type}::text, ${ctx.actor.id}::text, ${ctx.requestId}::text
      from account a where ${inlineEvents}::boolean
    )
    select * from account`.execute(trx);
  const account = result.rows[0]!;
  if (!inlineEvents) await announce(trx, deps, ctx, c.event, JSON.parse(earnedEvent.payload) as Record<string, unknown>, account);
  return txnId;
}
