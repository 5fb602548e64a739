import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { DistributionSettings } from '@hearth/contracts/distribution';
import type { Order } from '@hearth/contracts/orders';
import type { Db } from '../../db/database.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { emitEvent } from '../../jobs/outbox.ts';
import { categoriesBySku } from '../products/products.service.ts';
import { getDistributionSettings } from './promoters.service.ts';
import './distribution.tables.ts';

interface LineCommission { line_no: number; paid_fen: number; commission_fen: number }

/**
 * Order hook, in the order's transaction and once per write for a batch: an order of a member who opened an
 * approved promoter's link within the attribution window accrues commission for that promoter (level 1)
 * and for their recruiter (level 2, if the plan has it), per line at the SKU's, else the category's, else
 * the default rate. The (order, level) source key makes a resent order add nothing.
 */
export async function accrueForOrders(trx: Db, deps: AppDeps, ctx: RequestContext, orders: readonly Order[]): Promise<void> {
  const memberIds = [...new Set(orders.map((o) => o.member_id!))];
  const attributions = await trx
    .selectFrom('distribution_attributions as a')
    .innerJoin('promoters as p', (j) => j.onRef('p.tenant_id', '=', 'a.tenant_id').onRef('p.member_id', '=', 'a.promoter_id'))
    .leftJoin('promoters as r', (j) => j.onRef('r.tenant_id', '=', 'p.tenant_id').onRef('r.member_id', '=', 'p.recruiter_id'))
    .select(['a.member_id', 'a.promoter_id', 'a.visited_at', 'p.status', 'p.recruiter_id', 'r.status as recruiter_status'])
    .where('a.tenant_id', '=', ctx.tenantId)
    .where('a.member_id', 'in', memberIds)
    .execute();
  if (!attributions.length) return;
  const settings = await getDistributionSettings(trx, ctx.tenantId);
  if (!settings.enabled) return;
  const byMember = new Map(attributions.map((a) => [a.member_id, a]));
  const attributed = orders.filter((o) => {
    const a = byMember.get(o.member_id!);
    const at = Date.parse(o.occurred_at);
    return a && a.status === 'approved' && a.visited_at.getTime() <= at && at - a.visited_at.getTime() <= settings.attribution_days * 86_400_000;
  });
  if (!attributed.length) return;
  const categories = await categoriesBySku({ db: trx }, ctx, attributed.flatMap((o) => o.lines.map((l) => l.sku)));
  const now = deps.clock.now();
  const rows = [];
  for (const order of attributed) {
    const a = byMember.get(order.member_id!)!;
    const earners = [a.promoter_id, a.recruiter_id && a.recruiter_status === 'approved' ? a.recruiter_id : null];
    for (const [i, level] of settings.levels.slice(0, 2).entries()) {
      const promoterId = earners[i];
      // A recruiter buying through their recruit's link earns nothing on their own purchase.
      if (!promoterId || promoterId === order.member_id) continue;
      const lines: LineCommission[] = order.lines.map((l) => ({ line_no: l.line_no, paid_fen: l.paid_fen, commission_fen: Math.floor((l.paid_fen * rateOf(level, l.sku, categories.get(l.sku) ?? [])) / 10_000) }));
      const amount = lines.reduce((s, l) => s + l.commission_fen, 0);
      if (amount <= 0) continue;
      rows.push({ tenant_id: ctx.tenantId, promoter_id: promoterId, id: uuidv7(), order_id: order.id, buyer_id: order.member_id!, level: i + 1, kind: 'accrual' as const, amount_fen: amount, lines: JSON.stringify(lines), status: 'pending' as const, settles_at: new Date(Date.parse(order.occurred_at) + settings.return_window_days * 86_400_000), source_key: `order:${order.id}:${i + 1}`, created_at: now });
    }
  }
  if (!rows.length) return;
  const inserted = await trx.insertInto('commission_entries').values(rows).onConflict((oc) => oc.columns(['tenant_id', 'source_key']).doNothing()).returning(['promoter_id', 'order_id', 'level', 'amount_fen', 'settles_at']).execute();
  for (const e of inserted) await emitEvent(trx, deps.jobs, ctx, 'commission.pending', { promoter_id: e.promoter_id, order_id: e.order_id, level: e.level, amount_fen: e.amount_fen, settles_at: e.settles_at.toISOString() });
}

/**
 * Refund hook: each level's commission is reversed in proportion to what each line refunded, as a negative
 * entry for the difference between what should now be reversed and what already was (so partial refunds add
 * up and a replay adds nothing). Before settlement the reversal is pending and settles with the accrual;
 * after settlement it is a settled negative adjustment of the promoter's balance.
 */
export async function reverseForRefund(trx: Db, deps: AppDeps, ctx: RequestContext, order: Order, refundId: string): Promise<void> {
  const entries = await trx.selectFrom('commission_entries').selectAll().where('tenant_id', '=', ctx.tenantId).where('order_id', '=', order.id).execute();
  const refunded = new Map(order.lines.map((l) => [l.line_no, l.refunded_fen]));
  const now = deps.clock.now();
  for (const accrual of entries.filter((e) => e.kind === 'accrual')) {
    const target = (accrual.lines as LineCommission[]).reduce((s, l) => s + (l.paid_fen > 0 ? Math.floor((l.commission_fen * Math.min(refunded.get(l.line_no) ?? 0, l.paid_fen)) / l.paid_fen) : 0), 0);
    const already = -entries.filter((e) => e.kind === 'reversal' && e.level === accrual.level && e.promoter_id === accrual.promoter_id).reduce((s, e) => s + e.amount_fen, 0);
    const delta = target - already;
    if (delta <= 0) continue;
    const settled = accrual.status === 'settled';
    await trx.insertInto('commission_entries').values({ tenant_id: ctx.tenantId, promoter_id: accrual.promoter_id, id: uuidv7(), order_id: order.id, buyer_id: accrual.buyer_id, level: accrual.level, kind: 'reversal', amount_fen: -delta, status: settled ? 'settled' : 'pending', settles_at: settled ? now : accrual.settles_at, source_key: `refund:${refundId}:${accrual.level}`, created_at: now }).execute();
    await emitEvent(trx, deps.jobs, ctx, 'commission.reversed', { promoter_id: accrual.promoter_id, order_id: order.id, level: accrual.level, amount_fen: -delta, refund_id: refundId, after_settlement: settled });
  }
}

/** The scheduled settlement: pending entries whose return window closed become settled, tenant by tenant. */
export async function settleDueCommissions(deps: AppDeps, ctxOf: (tenantId: string) => RequestContext, tenantId?: string): Promise<number> {
  const now = deps.clock.now();
  let q = deps.db.selectFrom('commission_entries').select('tenant_id').distinct().where('status', '=', 'pending').where('settles_at', '<=', now);
  if (tenantId) q = q.where('tenant_id', '=', tenantId);
  let settled = 0;
  for (const { tenant_id } of await q.execute()) {
    const ctx = ctxOf(tenant_id);
    settled += await withTransaction(deps.db, async (trx) => {
      const rows = await trx.updateTable('commission_entries').set({ status: 'settled' }).where('tenant_id', '=', tenant_id).where('status', '=', 'pending').where('settles_at', '<=', now).returning(['promoter_id', 'order_id', 'level', 'amount_fen']).execute();
      const net = new Map<string, { promoter_id: string; order_id: string; level: number; amount_fen: number }>();
      for (const r of rows) {
        const key = `${r.promoter_id}:${r.order_id}:${r.level}`;
        const sum = net.get(key);
        if (sum) sum.amount_fen += r.amount_fen;
        else net.set(key, { ...r });
      }
      for (const e of net.values()) await emitEvent(trx, deps.jobs, ctx, 'commission.settled', e);
      return net.size;
    });
  }
  return settled;
}

/** Pending, settled (net of reversals) and withdrawn sums; what can be withdrawn is settled less withdrawn. */
export async function balancesOf(db: Db, tenantId: string, promoterId: string) {
  const r = await sql<{ pending_fen: number; settled_fen: number; withdrawn_fen: number; orders: number }>`select
      coalesce((select sum(amount_fen) from commission_entries where tenant_id = ${tenantId} and promoter_id = ${promoterId} and status = 'pending'), 0)::bigint as pending_fen,
      coalesce((select sum(amount_fen) from commission_entries where tenant_id = ${tenantId} and promoter_id = ${promoterId} and status = 'settled'), 0)::bigint as settled_fen,
      coalesce((select sum(amount_fen) from withdrawals where tenant_id = ${tenantId} and promoter_id = ${promoterId} and status <> 'rejected'), 0)::bigint as withdrawn_fen,
      (select count(distinct order_id) from commission_entries where tenant_id = ${tenantId} and promoter_id = ${promoterId} and kind = 'accrual' and level = 1)::int as orders`.execute(db);
  const b = r.rows[0]!;
  return { ...b, available_fen: b.settled_fen - b.withdrawn_fen };
}

function rateOf(level: DistributionSettings['levels'][number], sku: string, path: readonly string[]): number {
  if (level.skus[sku] !== undefined) return level.skus[sku]!;
  // The most specific category of the path that has a rate.
  for (const category of [...path].reverse()) if (level.categories[category] !== undefined) return level.categories[category]!;
  return level.default_bp;
}
