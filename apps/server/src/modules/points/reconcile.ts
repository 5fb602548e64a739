import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../../db/database.ts';
import './points.tables.ts';

export interface LedgerProblem {
  check: string;
  member_id: string | null;
  detail: string;
}

/**
 * Proves a tenant's points ledger consistent from its own rows, the way an accountant would: every
 * transaction balances, every account equals its postings and its lots, every lot equals its trail, every
 * spend's trail equals the spend, and a negative balance exists only where a clawback policy put it.
 * An empty list means the books close. Run by the tests after every random sequence, and by operators.
 */
export async function reconcileLedger(db: Db, tenantId: string): Promise<LedgerProblem[]> {
  const checks: { check: string; query: RawBuilder<{ member_id: string | null; detail: string }> }[] = [
    {
      check: 'transaction_balances',
      query: sql`select member_id, 'transaction ' || txn_id || ' sums to ' || sum(amount) as detail
        from points_postings where tenant_id = ${tenantId} group by member_id, txn_id having sum(amount) <> 0`,
    },
    {
      check: 'account_equals_lots_less_debt',
      query: sql`select a.member_id, 'balance ' || a.balance || ', lots ' || coalesce(l.remaining, 0) || ', debt ' || a.debt as detail
        from points_accounts a
        left join (select member_id, sum(remaining) as remaining from points_lots where tenant_id = ${tenantId} group by member_id) l using (member_id)
        where a.tenant_id = ${tenantId} and a.balance <> coalesce(l.remaining, 0) - a.debt`,
    },
    {
      check: 'account_equals_postings',
      query: sql`select a.member_id, 'balance ' || a.balance || ' held ' || a.held || ', postings ' || coalesce(p.member, 0) || ' / ' || coalesce(p.held, 0) as detail
        from points_accounts a
        left join (select member_id, sum(amount) filter (where account = 'member') as member, sum(amount) filter (where account = 'held') as held
                   from points_postings where tenant_id = ${tenantId} group by member_id) p using (member_id)
        where a.tenant_id = ${tenantId} and (a.balance <> coalesce(p.member, 0) or a.held <> coalesce(p.held, 0))`,
    },
    {
      check: 'held_equals_open_holds',
      query: sql`select a.member_id, 'held ' || a.held || ', open holds ' || coalesce(h.points, 0) as detail
        from points_accounts a
        left join (select member_id, sum(points) as points from points_redemptions where tenant_id = ${tenantId} and status = 'held' group by member_id) h using (member_id)
        where a.tenant_id = ${tenantId} and a.held <> coalesce(h.points, 0)`,
    },
    {
      check: 'lot_equals_trail',
      query: sql`select l.member_id, 'lot ' || l.id || ' holds ' || l.remaining || ', trail ' || coalesce(m.amount, 0) || ' less expired ' || l.expired_points as detail
        from points_lots l
        left join (select member_id, lot_id, sum(amount) as amount from points_lot_moves where tenant_id = ${tenantId} group by member_id, lot_id) m
          on m.member_id = l.member_id and m.lot_id = l.id
        where l.tenant_id = ${tenantId} and l.remaining <> coalesce(m.amount, 0) - l.expired_points`,
    },
    {
      check: 'spend_equals_trail',
      query: sql`select t.member_id, t.kind || ' ' || t.id || ' of ' || t.points || ', trail ' || coalesce(m.amount, 0) as detail
        from points_transactions t
        left join (select member_id, txn_id, sum(amount) as amount from points_lot_moves where tenant_id = ${tenantId} group by member_id, txn_id) m
          on m.member_id = t.member_id and m.txn_id = t.id
        where t.tenant_id = ${tenantId} and t.kind in ('hold', 'spend', 'release') and t.points <> coalesce(m.amount, 0)`,
    },
    {
      check: 'expiry_equals_lots',
      query: sql`select t.member_id, 'expire ' || t.id || ' of ' || t.points || ', lots ' || coalesce(l.expired, 0) as detail
        from points_transactions t
        left join (select member_id, expired_txn_id, sum(expired_points) as expired from points_lots where tenant_id = ${tenantId} and expired_txn_id is not null group by member_id, expired_txn_id) l
          on l.member_id = t.member_id and l.expired_txn_id = t.id
        where t.tenant_id = ${tenantId} and t.kind = 'expire' and -t.points <> coalesce(l.expired, 0)`,
    },
    {
      check: 'debt_only_by_policy',
      query: sql`select a.member_id, 'debt ' || a.debt || ' without a negative-balance clawback' as detail
        from points_accounts a
        where a.tenant_id = ${tenantId} and a.debt > 0 and not exists (
          select 1 from points_transactions t where t.tenant_id = a.tenant_id and t.member_id = a.member_id
            and t.kind = 'clawback' and (t.details ->> 'negative_balance')::bigint > 0)`,
    },
  ];
  const problems: LedgerProblem[] = [];
  for (const { check, query } of checks) {
    const result = await query.execute(db);
    problems.push(...result.rows.map((row) => ({ check, member_id: row.member_id, detail: row.detail })));
  }
  return problems;
}
