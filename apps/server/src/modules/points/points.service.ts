import { sql } from 'kysely';
import { DateTime } from 'luxon';
import type { Order } from '@hearth/contracts/orders';
import type { EarningExplanation, LedgerEntry, PointsBalance, PointsSettings } from '@hearth/contracts/points';
import type { Db } from '../../db/database.ts';
import { isUniqueViolation } from '../../db/errors.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { AppError, notFound } from '../../http/errors.ts';
import { decodeTimeCursor, encodeCursor, timeCursorKey } from '../../http/pagination.ts';
import { recordAudit } from '../audit/audit.service.ts';
import {
  announce,
  businessDay,
  changeAccount,
  expiryOf,
  loadPointsSetup,
  lockAccount,
  lockForEarnings,
  pointsValueFen,
  recordTransaction,
  spendableLots,
  spendablePoints,
  takeFromLots,
  writeCredits,
  type Credit,
  type LotMove,
} from './ledger.ts';
import { noPoints } from './earning.ts';
import { scoreForMember } from './rules.service.ts';

/**
 * Awards the points of members' orders (one, or a batch) in the orders' transaction, so a retried order
 * never earns twice: the order itself is idempotent, and each award is keyed by it. Returns each order's
 * explanation, also for 0 points. On the order hot path: one statement locks the accounts and reads what
 * scoring needs, one more reads the day's earnings where a daily cap applies, one writes every award.
 * Orders are scored in the given order, each seeing the debt and daily earnings the ones before it left.
 */
export async function earnForOrders(trx: Db, deps: AppDeps, ctx: RequestContext, orders: readonly Order[]): Promise<EarningExplanation[]> {
  const sourceKey = (order: Order) => `order:${order.id}`;
  const memberOrders = orders.filter((o) => o.member_id);
  if (!memberOrders.length) return orders.map((o) => noPoints(earningOrderOf(o), 'no_member'));
  const known = await lockForEarnings(trx, ctx.tenantId, {
    memberIds: memberOrders.map((o) => o.member_id!),
    latestAt: new Date(Math.max(...memberOrders.map((o) => Date.parse(o.occurred_at)))),
    skus: memberOrders.flatMap((o) => o.lines.map((l) => l.sku)),
    sourceKeys: memberOrders.map(sourceKey),
    now: deps.clock.now(),
    modifierSources: deps.pointsHooks.earningModifiers(),
  });
  const { setup } = known;
  const ruleAt = (at: Date) => known.rules.find((r) => r.effectiveFrom <= at) ?? null;
  const dayKey = (memberId: string, day: string) => `${memberId}|${day}`;
  const earnedByDay = await earnedOnDays(trx, ctx.tenantId, memberOrders.filter((o) => ruleAt(new Date(o.occurred_at))?.rules.cap_per_day != null).map((o) => ({ memberId: o.member_id!, day: businessDay(new Date(o.occurred_at), setup.timeZone) })));
  const explanations: EarningExplanation[] = [];
  const credits: Credit[] = [];
  for (const order of orders) {
    const earningOrder = earningOrderOf(order);
    const memberId = order.member_id;
    const rule = ruleAt(new Date(order.occurred_at));
    if (!memberId) explanations.push(noPoints(earningOrder, 'no_member'));
    else if (known.earlier.has(sourceKey(order))) explanations.push((known.earlier.get(sourceKey(order)) as { explanation: EarningExplanation }).explanation);
    else if (!rule) explanations.push(noPoints(earningOrder, 'no_rules'));
    else {
      const occurredAt = new Date(order.occurred_at);
      const day = businessDay(occurredAt, setup.timeZone);
      const earnedToday = rule.rules.cap_per_day != null ? (earnedByDay.get(dayKey(memberId, day)) ?? 0) : null;
      const explanation = await scoreForMember(deps, trx, ctx, { memberId, occurredAt, order: earningOrder, inForce: rule, categories: known.categories, timeZone: setup.timeZone, earnedToday, memberModifiers: known.memberModifiers });
      explanations.push(explanation);
      if (explanation.points <= 0) continue;
      const debtBefore = known.debts.get(memberId) ?? 0;
      known.debts.set(memberId, debtBefore - Math.min(debtBefore, explanation.points));
      if (earnedToday !== null) earnedByDay.set(dayKey(memberId, day), earnedToday + explanation.points);
      credits.push({
        memberId,
        debtBefore,
        points: explanation.points,
        kind: 'earn',
        counter: [{ account: 'issued', amount: -explanation.points }],
        sourceKey: sourceKey(order),
        orderId: order.id,
        earnedAt: occurredAt,
        availableAt: DateTime.fromJSDate(occurredAt).plus({ days: setup.settings.pending_days }).toJSDate(),
        expiresAt: expiryOf(occurredAt, setup),
        businessDay: day,
        details: { explanation },
        event: 'points.earned',
      });
    }
  }
  await writeCredits(trx, deps, ctx, credits);
  return explanations;
}

function earningOrderOf(order: Order) {
  return { channel: order.channel, lines: order.lines, shipping_fen: order.shipping_fen, total_paid_fen: order.total_paid_fen };
}

/** What members earned on business days (for daily caps), read after their accounts were locked. */
async function earnedOnDays(trx: Db, tenantId: string, days: { memberId: string; day: string }[]): Promise<Map<string, number>> {
  const distinct = [...new Map(days.map((d) => [`${d.memberId}|${d.day}`, d])).values()];
  if (!distinct.length) return new Map();
  const result = await sql<{ member_id: string; business_day: string; points: number }>`
    select t.member_id, to_char(t.business_day, 'YYYY-MM-DD') as business_day, sum(t.points)::bigint as points
    from points_transactions t
    join unnest(${distinct.map((d) => d.memberId)}::uuid[], ${distinct.map((d) => d.day)}::date[]) as d(member_id, business_day)
      on t.member_id = d.member_id and t.business_day = d.business_day
    where t.tenant_id = ${tenantId} and t.kind = 'earn'
    group by t.member_id, t.business_day`.execute(trx);
  return new Map(result.rows.map((r) => [`${r.member_id}|${r.business_day}`, r.points]));
}

/**
 * Claws back the points of a refunded order. Each line gives back its share of the order's points in the
 * proportion refunded, counted cumulatively so repeated partial refunds never drift by a point. Points
 * come out of the order's own lots first; what was already spent is settled by the tenant's policy, and
 * the policy applied is in the transaction's details.
 */
export async function clawbackForRefund(trx: Db, deps: AppDeps, ctx: RequestContext, order: Order, refundId: string): Promise<number> {
  if (!order.member_id) return 0;
  const memberId = order.member_id;
  await lockAccount(trx, ctx.tenantId, memberId);
  const earned = await trx.selectFrom('points_transactions').select(['points', 'details']).where('tenant_id', '=', ctx.tenantId).where('member_id', '=', memberId).where('source_key', '=', `order:${order.id}`).executeTakeFirst();
  if (!earned) return 0;
  const done = await trx.selectFrom('points_transactions').select('id').where('tenant_id', '=', ctx.tenantId).where('member_id', '=', memberId).where('source_key', '=', `refund:${refundId}`).executeTakeFirst();
  if (done) return 0;
  const explanation = (earned.details as { explanation: EarningExplanation }).explanation;
  const refundedShipping = order.refunded_fen - order.lines.reduce((s, l) => s + l.refunded_fen, 0);
  const target = explanation.lines.reduce((sum, share) => {
    if (share.line_no === 0) return sum + Math.floor((share.points * refundedShipping) / order.shipping_fen);
    const line = order.lines.find((l) => l.line_no === share.line_no)!;
    return sum + (line.paid_fen === 0 ? 0 : Math.floor((share.points * line.refunded_fen) / line.paid_fen));
  }, 0);
  const already = await trx
    .selectFrom('points_transactions')
    .select(sql<number>`coalesce(-sum(points), 0)::bigint`.as('points'))
    .where('tenant_id', '=', ctx.tenantId)
    .where('member_id', '=', memberId)
    .where('order_id', '=', order.id)
    .where('kind', '=', 'clawback')
    .executeTakeFirstOrThrow();
  const points = Math.min(target, earned.points) - already.points;
  if (points <= 0) return 0;

  const { settings } = await loadPointsSetup(trx, ctx.tenantId);
  const ownLots = await trx.selectFrom('points_lots').selectAll().where('tenant_id', '=', ctx.tenantId).where('member_id', '=', memberId).where('order_id', '=', order.id).where('remaining', '>', 0).orderBy('id').execute();
  const moves: LotMove[] = await takeFromLots(trx, ctx.tenantId, memberId, ownLots, points);
  let covered = -moves.reduce((s, m) => s + m.amount, 0);
  if (covered < points && settings.clawback_policy === 'other_lots') {
    const others = await spendableLots(trx, ctx.tenantId, memberId, deps.clock.now()).execute();
    const more = await takeFromLots(trx, ctx.tenantId, memberId, others, points - covered);
    moves.push(...more);
    covered -= more.reduce((s, m) => s + m.amount, 0);
  }
  const shortfall = points - covered;
  const toDebt = settings.clawback_policy === 'negative_balance' ? shortfall : 0;
  const toLoss = shortfall - toDebt;
  const memberChange = covered + toDebt;
  const txnId = await recordTransaction(trx, ctx, {
    memberId,
    kind: 'clawback',
    points: -memberChange,
    postings: [
      { account: 'member', amount: -memberChange },
      { account: 'issued', amount: points },
      { account: 'loss', amount: -toLoss },
    ],
    moves,
    sourceKey: `refund:${refundId}`,
    orderId: order.id,
    refundId,
    details: { clawed_back: points, from_lots: covered, policy: settings.clawback_policy, ...(shortfall ? { shortfall, negative_balance: toDebt, recorded_as_loss: toLoss } : {}) },
  });
  const account = await changeAccount(trx, ctx.tenantId, memberId, { balance: -memberChange, debt: toDebt });
  await announce(trx, deps, ctx, 'points.clawed_back', { member_id: memberId, points, order_id: order.id, refund_id: refundId, transaction_id: txnId }, account);
  return points;
}

/** An operator's correction, with a reason (audited). Debits never go below what the member can spend. */
export async function adjustPoints(deps: AppDeps, ctx: RequestContext, memberId: string, input: { points: number; reason: string; external_id?: string; partner?: string }) {
  await assertMember(deps.db, ctx, memberId);
  const sourceKey = input.external_id ? `adjust:${input.external_id}` : null;
  try {
    return await withTransaction(deps.db, async (trx) => {
      const account = await lockAccount(trx, ctx.tenantId, memberId);
      if (sourceKey) {
        const earlier = await trx.selectFrom('points_transactions').select(['id', 'points', 'details']).where('tenant_id', '=', ctx.tenantId).where('member_id', '=', memberId).where('source_key', '=', sourceKey).executeTakeFirst();
        if (earlier) return replayAdjustment(earlier, input);
      }
      const counterAccount = input.partner ? 'partner' : 'adjusted';
      const details = { reason: input.reason, ...(input.partner ? { partner: input.partner } : {}) };
      const now = deps.clock.now();
      let transactionId: string;
      if (input.points > 0) {
        const setup = await loadPointsSetup(trx, ctx.tenantId);
        [transactionId] = (await writeCredits(trx, deps, ctx, [{
          memberId,
          debtBefore: account.debt,
          points: input.points,
          kind: 'adjust',
          counter: [{ account: counterAccount, amount: -input.points, partner: input.partner }],
          sourceKey,
          orderId: null,
          earnedAt: now,
          availableAt: now,
          expiresAt: expiryOf(now, setup),
          businessDay: null,
          details,
          event: 'points.adjusted',
        }])) as [string];
      } else {
        const wanted = -input.points;
        const spendable = (await spendablePoints(trx, ctx.tenantId, memberId, now)) - account.debt;
        if (spendable < wanted) throw insufficient(wanted, spendable, 'points');
        const moves = await takeFromLots(trx, ctx.tenantId, memberId, await spendableLots(trx, ctx.tenantId, memberId, now).execute(), wanted);
        transactionId = await recordTransaction(trx, ctx, {
          memberId,
          kind: 'adjust',
          points: input.points,
          postings: [
            { account: 'member', amount: input.points },
            { account: counterAccount, amount: wanted, partner: input.partner },
          ],
          moves,
          sourceKey,
          details,
        });
        const updated = await changeAccount(trx, ctx.tenantId, memberId, { balance: input.points });
        await announce(trx, deps, ctx, 'points.adjusted', { member_id: memberId, points: input.points, transaction_id: transactionId }, updated);
      }
      await recordAudit(trx, ctx, { action: 'points.adjust', resourceType: 'member', resourceId: memberId, details: { points: input.points, transaction_id: transactionId, ...details } });
      return { transaction_id: transactionId, points: input.points, replayed: false };
    });
  } catch (error) {
    if (!sourceKey || !isUniqueViolation(error, 'points_transactions_source_key')) throw error;
    return adjustPoints(deps, ctx, memberId, input);
  }
}

function replayAdjustment(earlier: { id: string; points: number; details: unknown }, input: { points: number; reason: string }) {
  if (earlier.points !== input.points || (earlier.details as { reason?: string }).reason !== input.reason) {
    throw new AppError('CONFLICT', 'This external_id was already used for another adjustment', { errors: [{ field: 'external_id', code: 'different_content', message: 'use a new external_id' }] });
  }
  return { transaction_id: earlier.id, points: earlier.points, replayed: true };
}

export function insufficient(wanted: number, spendable: number, field: string) {
  return new AppError('POINTS_INSUFFICIENT', `Needs ${wanted} points; ${Math.max(0, spendable)} can be spent now`, {
    errors: [{ field, code: 'insufficient_points', message: `only ${Math.max(0, spendable)} available` }],
  });
}

export async function getBalance(deps: AppDeps, ctx: RequestContext, memberId: string, withinDays = 30): Promise<PointsBalance> {
  await assertMember(deps.db, ctx, memberId);
  const { settings } = await loadPointsSetup(deps.db, ctx.tenantId);
  return balanceOf(deps.db, ctx.tenantId, memberId, deps.clock.now(), settings, withinDays);
}

export async function balanceOf(db: Db, tenantId: string, memberId: string, now: Date, settings: PointsSettings, withinDays = 30): Promise<PointsBalance> {
  const horizon = DateTime.fromJSDate(now).plus({ days: withinDays }).toJSDate();
  const [account, lots] = await Promise.all([
    db.selectFrom('points_accounts').selectAll().where('tenant_id', '=', tenantId).where('member_id', '=', memberId).executeTakeFirst(),
    db
      .selectFrom('points_lots')
      .select([
        sql<number>`coalesce(sum(remaining) filter (where available_at <= ${now} and (expires_at is null or expires_at > ${now})), 0)::bigint`.as('spendable'),
        sql<number>`coalesce(sum(remaining) filter (where available_at > ${now} and (expires_at is null or expires_at > ${now})), 0)::bigint`.as('pending'),
        sql<number>`coalesce(sum(remaining) filter (where expires_at > ${now} and expires_at <= ${horizon}), 0)::bigint`.as('expiring'),
        sql<Date | null>`min(expires_at) filter (where expires_at > ${now} and expires_at <= ${horizon})`.as('first_expiry'),
      ])
      .where('tenant_id', '=', tenantId)
      .where('member_id', '=', memberId)
      .where('remaining', '>', 0)
      .executeTakeFirstOrThrow(),
  ]);
  const debt = account?.debt ?? 0;
  const available = lots.spendable - debt;
  return {
    member_id: memberId,
    available,
    pending: lots.pending,
    held: account?.held ?? 0,
    debt,
    balance: available + lots.pending,
    value_fen: pointsValueFen(Math.max(0, available), settings),
    expiring: { points: lots.expiring, value_fen: pointsValueFen(lots.expiring, settings), first_date: lots.first_expiry ? new Date(lots.first_expiry).toISOString() : null, within_days: withinDays },
    lifetime_earned: account?.lifetime_earned ?? 0,
    lifetime_spent: account?.lifetime_spent ?? 0,
  };
}

/** The member's ledger, newest first, each entry with its postings and its lot trail. */
export async function listLedger(deps: AppDeps, ctx: RequestContext, memberId: string, query: { limit: number; cursor?: string }) {
  await assertMember(deps.db, ctx, memberId);
  const before = decodeTimeCursor(query.cursor);
  let q = deps.db.selectFrom('points_transactions').selectAll().where('tenant_id', '=', ctx.tenantId).where('member_id', '=', memberId).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(query.limit + 1);
  if (before) q = q.where((eb) => eb.or([eb('created_at', '<', before.at), eb.and([eb('created_at', '=', before.at), eb('id', '<', before.id)])]));
  const rows = await q.execute();
  const page = rows.slice(0, query.limit);
  const ids = page.map((r) => r.id);
  const holdIds = page.filter((r) => r.kind === 'capture' || r.kind === 'release').map((r) => (r.details as { hold_transaction_id?: string }).hold_transaction_id).filter((id): id is string => Boolean(id));
  const trailIds = [...ids, ...holdIds];
  const expireIds = page.filter((r) => r.kind === 'expire').map((r) => r.id);
  const expiredLots = expireIds.length
    ? await deps.db
        .selectFrom('points_lots')
        .select(['id', 'expired_txn_id', 'expired_points', 'earned_at', 'expires_at'])
        .where('tenant_id', '=', ctx.tenantId)
        .where('member_id', '=', memberId)
        .where('expired_txn_id', 'in', expireIds)
        .execute()
    : [];
  const [postings, moves] = ids.length
    ? await Promise.all([
        deps.db.selectFrom('points_postings').select(['txn_id', 'account', 'partner', 'amount']).where('tenant_id', '=', ctx.tenantId).where('member_id', '=', memberId).where('txn_id', 'in', ids).execute(),
        deps.db
          .selectFrom('points_lot_moves as m')
          .innerJoin('points_lots as l', (j) => j.onRef('l.tenant_id', '=', 'm.tenant_id').onRef('l.member_id', '=', 'm.member_id').onRef('l.id', '=', 'm.lot_id'))
          .select(['m.txn_id', 'm.lot_id', 'm.amount', 'l.earned_at', 'l.expires_at'])
          .where('m.tenant_id', '=', ctx.tenantId)
          .where('m.member_id', '=', memberId)
          .where('m.txn_id', 'in', trailIds)
          .execute(),
      ])
    : [[], []];
  const data: LedgerEntry[] = page.map((row) => {
    // A capture spends what its hold took from the lots: its trail is the hold's.
    const trailOf = row.kind === 'capture' ? (row.details as { hold_transaction_id?: string }).hold_transaction_id : row.id;
    return {
      id: row.id,
      kind: row.kind,
      points: row.points,
      order_id: row.order_id,
      refund_id: row.refund_id,
      redemption_id: row.redemption_id,
      details: row.details as Record<string, unknown>,
      actor: row.actor,
      created_at: row.created_at.toISOString(),
      postings: postings.filter((p) => p.txn_id === row.id).map((p) => ({ account: p.partner ? `partner:${p.partner}` : p.account, amount: p.amount })),
      lots:
        row.kind === 'expire'
          ? expiredLots.filter((l) => l.expired_txn_id === row.id).map((l) => ({ lot_id: l.id, amount: -l.expired_points, earned_at: l.earned_at.toISOString(), expires_at: l.expires_at?.toISOString() ?? null }))
          : moves.filter((m) => m.txn_id === trailOf).map((m) => ({ lot_id: m.lot_id, amount: m.amount, earned_at: m.earned_at.toISOString(), expires_at: m.expires_at?.toISOString() ?? null })),
    };
  });
  const last = page[page.length - 1];
  return { data, next_cursor: rows.length > query.limit && last ? encodeCursor(timeCursorKey(last.created_at, last.id)) : null };
}

export async function listLots(deps: AppDeps, ctx: RequestContext, memberId: string, query: { open_only: boolean }) {
  await assertMember(deps.db, ctx, memberId);
  let q = deps.db.selectFrom('points_lots').selectAll().where('tenant_id', '=', ctx.tenantId).where('member_id', '=', memberId).orderBy(sql`expires_at asc nulls last`).orderBy('earned_at').limit(500);
  if (query.open_only) q = q.where('remaining', '>', 0);
  const rows = await q.execute();
  return rows.map((l) => ({ id: l.id, order_id: l.order_id, amount: l.amount, remaining: l.remaining, earned_at: l.earned_at.toISOString(), available_at: l.available_at.toISOString(), expires_at: l.expires_at?.toISOString() ?? null }));
}

export async function getSettings(deps: AppDeps, ctx: RequestContext): Promise<PointsSettings> {
  return (await loadPointsSetup(deps.db, ctx.tenantId)).settings;
}

export async function updateSettings(deps: AppDeps, ctx: RequestContext, settings: PointsSettings): Promise<PointsSettings> {
  return withTransaction(deps.db, async (trx) => {
    const values = { ...settings, expiry: JSON.stringify(settings.expiry), updated_at: new Date() };
    await trx
      .insertInto('points_settings')
      .values({ tenant_id: ctx.tenantId, ...values })
      .onConflict((oc) => oc.column('tenant_id').doUpdateSet(values))
      .execute();
    await recordAudit(trx, ctx, { action: 'points_settings.update', resourceType: 'points_settings', details: settings as unknown as Record<string, unknown> });
    return settings;
  });
}

/** What the brand owes: outstanding points and their value, and when they expire, month by month. */
export async function liabilityReport(deps: AppDeps, ctx: RequestContext) {
  const { settings, timeZone } = await loadPointsSetup(deps.db, ctx.tenantId);
  const now = deps.clock.now();
  const [accounts, lots, ledger] = await Promise.all([
    deps.db
      .selectFrom('points_accounts')
      .select([sql<number>`coalesce(sum(held), 0)::bigint`.as('held'), sql<number>`coalesce(sum(debt), 0)::bigint`.as('debt'), sql<number>`count(*) filter (where balance > 0)::int`.as('members')])
      .where('tenant_id', '=', ctx.tenantId)
      .executeTakeFirstOrThrow(),
    deps.db
      .selectFrom('points_lots')
      .select([
        sql<number>`coalesce(sum(remaining) filter (where expires_at is null or expires_at > ${now}), 0)::bigint`.as('open'),
        sql<number>`coalesce(sum(remaining) filter (where available_at > ${now} and (expires_at is null or expires_at > ${now})), 0)::bigint`.as('pending'),
        sql<number>`coalesce(sum(remaining) filter (where expires_at > ${now} and expires_at <= ${DateTime.fromJSDate(now).plus({ days: 30 }).toJSDate()}), 0)::bigint`.as('expiring'),
      ])
      .where('tenant_id', '=', ctx.tenantId)
      .where('remaining', '>', 0)
      .executeTakeFirstOrThrow(),
    deps.db.selectFrom('points_postings').select(['account', sql<number>`sum(amount)::bigint`.as('balance')]).where('tenant_id', '=', ctx.tenantId).groupBy('account').orderBy('account').execute(),
  ]);
  const byMonth = await sql<{ month: string; points: number }>`
    select to_char(expires_at at time zone ${timeZone}, 'YYYY-MM') as month, sum(remaining)::bigint as points
    from points_lots
    where tenant_id = ${ctx.tenantId} and remaining > 0 and expires_at > ${now}
    group by 1 order by 1 limit 36`.execute(deps.db);
  const outstanding = lots.open - accounts.debt + accounts.held;
  return {
    outstanding_points: outstanding,
    outstanding_fen: pointsValueFen(outstanding, settings),
    held_points: accounts.held,
    pending_points: lots.pending,
    expiring_30d_points: lots.expiring,
    debt_points: accounts.debt,
    members_with_points: accounts.members,
    expiring_by_month: byMonth.rows.map((r) => ({ month: r.month, points: Number(r.points), value_fen: pointsValueFen(Number(r.points), settings) })),
    accounts: ledger.map((a) => ({ account: a.account, balance: a.balance })),
  };
}

export async function assertMember(db: Db, ctx: RequestContext, memberId: string): Promise<void> {
  const member = await db.selectFrom('members').select('id').where('tenant_id', '=', ctx.tenantId).where('id', '=', memberId).executeTakeFirst();
  if (!member) throw notFound('Member');
}
