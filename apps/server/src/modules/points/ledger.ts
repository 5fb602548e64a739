import { sql, type Selectable } from 'kysely';
import { DateTime } from 'luxon';
import { v7 as uuidv7 } from 'uuid';
import { earningRulesSchema, type EarningRules, type PointsSettings } from '@hearth/contracts/points';
import type { DB } from '../../db/schema.ts';
import type { Db } from '../../db/database.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { emitEvent, subscriberJobsSql } from '../../jobs/outbox.ts';
import { groupModifiers, type EarningModifier } from './earning.ts';
import type { LedgerAccount, PointsTransactionKind } from './points.tables.ts';
import type { EarningModifierSource } from './rules.service.ts';
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
  /** Each member's debt as of the lock. */
  debts: Map<string, number>;
  /** Details of the earn transactions already recorded for these sources. */
  earlier: Map<string, unknown>;
  /** Every rule version that took effect up to the latest order's time, newest first. */
  rules: { version: number; effectiveFrom: Date; rules: EarningRules }[];
  categories: Map<string, string[]>;
  setup: TenantPointsSetup;
  /** The set-based earning modifier sources' values per member, read under the lock, indexed like the sources. */
  memberModifiers: (Map<string, EarningModifier[]> | undefined)[];
}

/**
 * Locks the members' accounts (creating them on first use), in member order so that two batches sharing
 * members cannot deadlock, and reads in the same statement what scoring their orders needs: each account's
 * debt as of the lock, earlier awards for the same sources, the rule versions, the products' categories,
 * and the tenant's settings and time zone.
 */
export async function lockForEarnings(
  trx: Db,
  tenantId: string,
  args: { memberIds: string[]; latestAt: Date; skus: string[]; sourceKeys: string[]; now: Date; modifierSources: readonly EarningModifierSource[] },
): Promise<EarningLock> {
  const memberIds = [...new Set(args.memberIds)].sort();
  const sets = args.modifierSources.map((source) => source.memberModifiers?.({ tenantId, now: args.now, lockedAccounts: 'account', memberIds }));
  const ctes = sets.flatMap((set) => (set?.ctes ? [set.ctes] : []));
  const result = await sql<{
    debts: Record<string, number>;
    earlier: Record<string, unknown> | null;
    rules: { version: number; effective_from: string; rules: unknown }[] | null;
    categories: Record<string, string[]> | null;
    time_zone: string;
    settings: Record<string, unknown> | null;
    [modifiers: `modifiers_${number}`]: { member_id: string; rule: string; detail: string; multiplier: number }[] | null;
  }>`
    with account as (
      insert into points_accounts (tenant_id, member_id)
      select ${tenantId}::uuid, m from unnest(${memberIds}::uuid[]) m order by m
      on conflict (tenant_id, member_id) do update set updated_at = points_accounts.updated_at
      returning member_id, debt
    )${sql.join(ctes.map((cte) => sql`, ${cte}`), sql``)}
    select (select jsonb_object_agg(member_id, debt) from account) as debts,
      (select jsonb_object_agg(source_key, details) from points_transactions
        where tenant_id = ${tenantId} and member_id = any(${args.memberIds}::uuid[]) and source_key = any(${args.sourceKeys}::text[])) as earlier,
      (select jsonb_agg(jsonb_build_object('version', version, 'effective_from', effective_from, 'rules', rules) order by effective_from desc, version desc)
        from earning_rule_versions where tenant_id = ${tenantId} and effective_from <= ${args.latestAt}) as rules,
      (select jsonb_object_agg(sku, category_path) from products where tenant_id = ${tenantId} and sku = any(${[...new Set(args.skus)]}::text[])) as categories,
      t.time_zone,
      (select to_jsonb(s) from points_settings s where s.tenant_id = ${tenantId}) as settings
      ${sql.join(sets.map((set, i) => (set ? sql`, (select jsonb_agg(to_jsonb(x)) from (${set.rows}) x) as ${sql.ref(`modifiers_${i}`)}` : sql``)), sql``)}
    from tenants t where t.id = ${tenantId}`.execute(trx);
  const row = result.rows[0]!;
  return {
    debts: new Map(Object.entries(row.debts ?? {})),
    earlier: new Map(Object.entries(row.earlier ?? {})),
    rules: (row.rules ?? []).map((r) => ({ version: r.version, effectiveFrom: new Date(r.effective_from), rules: earningRulesSchema.parse(r.rules) })),
    categories: new Map(Object.entries(row.categories ?? {})),
    setup: setupFromRow(row.time_zone, row.settings),
    memberModifiers: sets.map((set, i) => (set ? groupModifiers(row[`modifiers_${i}`] ?? []) : undefined)),
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
 * Adds points to locked accounts in one statement, for one credit or a whole batch: the transactions and
 * their postings, a lot for what is left after repaying any debt (each credit's `debtBefore` already counts
 * the credits before it), the lots' trail, the accounts, and the events. Returns the transaction ids.
 */
export async function writeCredits(trx: Db, deps: Pick<AppDeps, 'jobs'>, ctx: RequestContext, credits: readonly Credit[]): Promise<string[]> {
  if (!credits.length) return [];
  const rows = credits.map((c) => {
    const repaid = Math.min(c.debtBefore, c.points);
    const postings = [{ account: 'member' as const, amount: c.points }, ...c.counter].filter((p) => p.amount !== 0);
    if (postings.reduce((sum, p) => sum + p.amount, 0) !== 0) throw new Error(`Unbalanced points credit ${c.kind}`);
    const txnId = uuidv7();
    return { c, txnId, lotId: uuidv7(), repaid, lotAmount: c.points - repaid, postings, details: repaid ? { ...c.details, debt_repaid: repaid } : c.details };
  });
  const creditEvents = rows.map((r) => ({ id: uuidv7(), type: r.c.event, payload: { member_id: r.c.memberId, points: r.c.points, order_id: r.c.orderId, transaction_id: r.txnId, available_at: r.c.availableAt.toISOString() } }));
  const lots = rows.filter((r) => r.lotAmount > 0);
  const postings = rows.flatMap((r) => r.postings.map((p) => ({ memberId: r.c.memberId, txnId: r.txnId, ...p })));
  const perMember = new Map<string, { points: number; repaid: number; earned: number; cause: string }>();
  for (const r of rows) {
    const sums = perMember.get(r.c.memberId) ?? { points: 0, repaid: 0, earned: 0, cause: r.c.event };
    sums.points += r.c.points;
    sums.repaid += r.repaid;
    sums.earned += r.c.kind === 'earn' ? r.c.points : 0;
    perMember.set(r.c.memberId, sums);
  }
  const t = ctx.tenantId;
  const members = [...perMember.keys()];
  const balanceEventIds = members.map(() => uuidv7());
  const eventCandidates = [...creditEvents.map((e) => ({ id: e.id, types: [e.type] })), ...balanceEventIds.map((id) => ({ id, types: ['points.balance_changed'] }))];
  await sql`
    with txn as (
      insert into points_transactions (tenant_id, member_id, id, kind, points, source_key, order_id, business_day, details, actor)
      select ${t}::uuid, x.member_id, x.id, x.kind, x.points, x.source_key, x.order_id, x.business_day, x.details, ${ctx.actor.label}::text
      from unnest(${rows.map((r) => r.c.memberId)}::uuid[], ${rows.map((r) => r.txnId)}::uuid[], ${rows.map((r) => r.c.kind)}::text[], ${rows.map((r) => r.c.points)}::bigint[],
        ${rows.map((r) => r.c.sourceKey)}::text[], ${rows.map((r) => r.c.orderId)}::uuid[], ${rows.map((r) => r.c.businessDay)}::date[], ${rows.map((r) => JSON.stringify(r.details))}::jsonb[])
        as x(member_id, id, kind, points, source_key, order_id, business_day, details)
    ),
    postings as (
      insert into points_postings (tenant_id, member_id, txn_id, account, partner, amount)
      select ${t}::uuid, p.member_id, p.txn_id, p.account, p.partner, p.amount
      from unnest(${postings.map((p) => p.memberId)}::uuid[], ${postings.map((p) => p.txnId)}::uuid[], ${postings.map((p) => p.account)}::text[], ${postings.map((p) => p.partner ?? '')}::text[], ${postings.map((p) => p.amount)}::bigint[])
        as p(member_id, txn_id, account, partner, amount)
    ),
    new_lots(member_id, id, txn_id, order_id, amount, earned_at, available_at, expires_at) as (
      select * from unnest(${lots.map((r) => r.c.memberId)}::uuid[], ${lots.map((r) => r.lotId)}::uuid[], ${lots.map((r) => r.txnId)}::uuid[], ${lots.map((r) => r.c.orderId)}::uuid[],
        ${lots.map((r) => r.lotAmount)}::bigint[], ${lots.map((r) => r.c.earnedAt)}::timestamptz[], ${lots.map((r) => r.c.availableAt)}::timestamptz[], ${lots.map((r) => r.c.expiresAt)}::timestamptz[])
    ),
    lot as (
      insert into points_lots (tenant_id, member_id, id, txn_id, order_id, amount, remaining, earned_at, available_at, expires_at)
      select ${t}::uuid, member_id, id, txn_id, order_id, amount, amount, earned_at, available_at, expires_at from new_lots
    ),
    trail as (
      insert into points_lot_moves (tenant_id, member_id, txn_id, lot_id, amount)
      select ${t}::uuid, member_id, txn_id, id, amount from new_lots
    ),
    change(member_id, points, repaid, earned, cause, event_id) as (
      select * from unnest(${members}::uuid[], ${members.map((m) => perMember.get(m)!.points)}::bigint[], ${members.map((m) => perMember.get(m)!.repaid)}::bigint[],
        ${members.map((m) => perMember.get(m)!.earned)}::bigint[], ${members.map((m) => perMember.get(m)!.cause)}::text[], ${balanceEventIds}::uuid[])
    ),
    account as (
      update points_accounts a set balance = a.balance + change.points, debt = a.debt - change.repaid,
        lifetime_earned = a.lifetime_earned + change.earned, updated_at = now()
      from change
      where a.tenant_id = ${t} and a.member_id = change.member_id
      returning a.*, change.cause, change.event_id
    ),
    events as (
      insert into domain_events (tenant_id, id, type, payload, actor_type, actor_id, request_id)
      select ${t}::uuid, e.id, e.type, e.payload, ${ctx.actor.type}::text, ${ctx.actor.id}::text, ${ctx.requestId}::text
      from unnest(${creditEvents.map((e) => e.id)}::uuid[], ${creditEvents.map((e) => e.type)}::text[], ${creditEvents.map((e) => JSON.stringify(e.payload))}::jsonb[]) as e(id, type, payload)
      union all
      select ${t}::uuid, a.event_id, 'points.balance_changed',
        jsonb_build_object('member_id', a.member_id, 'balance', a.balance, 'held', a.held, 'debt', a.debt, 'cause', a.cause),
        ${ctx.actor.type}::text, ${ctx.actor.id}::text, ${ctx.requestId}::text
      from account a
      returning tenant_id, id, type, payload, occurred_at
    ),
    jobs as (${subscriberJobsSql(deps.jobs, 'events', eventCandidates)})
    select * from account`.execute(trx);
  return rows.map((r) => r.txnId);
}
