import { sql } from 'kysely';
import { DateTime } from 'luxon';
import type { Order } from '@hearth/contracts/orders';
import type { Db } from '../../db/database.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { validationError } from '../../http/errors.ts';
import { emitEvents } from '../../jobs/outbox.ts';
import { operatorNames } from '../access/operators.service.ts';
import { netPaidOf } from '../orders/orders.service.ts';
import { tenantZone } from './settings.service.ts';

/**
 * The order hook (set-based, in the order's transaction): an order placed within the tenant's window after the
 * member's guide completed a task for them or messaged them is credited to that guide — the latest such touch
 * wins. One statement for all the orders of a write; the unique order id makes a second run (a redelivered
 * hook, an attach after a retry) add nothing, so an order is credited once.
 */
export async function creditConversions(trx: Db, deps: AppDeps, ctx: RequestContext, orders: readonly Order[]) {
  const credited = orders.filter((o) => o.member_id && o.total_paid_fen > 0);
  if (!credited.length) return;
  const now = deps.clock.now();
  const { rows } = await sql<{ order_id: string; member_id: string; guide_id: string; task_id: string; via: string; revenue_fen: number }>`
    insert into guide_conversions (tenant_id, member_id, order_id, guide_id, task_id, via, revenue_fen, occurred_at, credited_at)
    select ${ctx.tenantId}::uuid, o.member_id, o.order_id, touch.guide_id, touch.task_id, touch.via, o.revenue_fen, o.occurred_at, ${now}::timestamptz
    from unnest(${credited.map((o) => o.id)}::uuid[], ${credited.map((o) => o.member_id)}::uuid[], ${credited.map((o) => o.occurred_at)}::timestamptz[], ${credited.map((o) => o.total_paid_fen)}::bigint[])
      as o(order_id, member_id, occurred_at, revenue_fen)
    cross join (select coalesce((select conversion_window_days from guide_settings where tenant_id = ${ctx.tenantId}), 7) as days) s
    cross join lateral (
      select x.guide_id, x.task_id, x.via from (
        select t.guide_id, t.id as task_id, 'task' as via, t.done_at as at from guide_tasks t
        where t.tenant_id = ${ctx.tenantId} and t.member_id = o.member_id and t.status = 'done'
          and t.done_at <= o.occurred_at and t.done_at > o.occurred_at - make_interval(days => s.days)
        union all
        select m.guide_id, m.task_id, 'message', m.sent_at from guide_task_messages m
        where m.tenant_id = ${ctx.tenantId} and m.member_id = o.member_id
          and m.sent_at <= o.occurred_at and m.sent_at > o.occurred_at - make_interval(days => s.days)
      ) x order by x.at desc limit 1
    ) touch
    on conflict do nothing
    returning order_id, member_id, guide_id, task_id, via, revenue_fen`.execute(trx);
  await emitEvents(trx, deps.jobs, ctx.actor, rows.map((r) => ({ tenantId: ctx.tenantId, type: 'guide.conversion_credited', payload: { ...r } })), ctx.requestId);
}

/**
 * Conversions per guide over [start, end), net of refunds: a refund lowers the credited revenue by what it gave
 * back (never below nothing), and an order refunded in full no longer counts as a conversion. The orders module
 * answers for the refunds, so a late refund needs no bookkeeping here.
 */
async function creditedInPeriod(deps: AppDeps, tenantId: string, start: Date, end: Date): Promise<{ guide_id: string; n: number; fen: number }[]> {
  const credited = await deps.db.selectFrom('guide_conversions').select(['guide_id', 'order_id', 'revenue_fen']).where('tenant_id', '=', tenantId).where('occurred_at', '>=', start).where('occurred_at', '<', end).execute();
  const net = await netPaidOf(deps.db, tenantId, credited.map((c) => c.order_id));
  const byGuide = new Map<string, { guide_id: string; n: number; fen: number }>();
  for (const c of credited) {
    const order = net.get(c.order_id);
    if (order?.refunded_in_full) continue;
    const row = byGuide.get(c.guide_id) ?? { guide_id: c.guide_id, n: 0, fen: 0 };
    row.n += 1;
    row.fen += Math.max(0, Math.min(Number(c.revenue_fen), order?.net_fen ?? Number(c.revenue_fen)));
    byGuide.set(c.guide_id, row);
  }
  return [...byGuide.values()];
}

/** Per guide over the tenant's local days `from`..`to` (inclusive): tasks done, conversions, revenue credited, new members. */
export async function leaderboard(deps: AppDeps, ctx: RequestContext, query: { from?: string; to?: string; store_id?: string }) {
  const zone = await tenantZone(deps.db, ctx.tenantId);
  const today = DateTime.fromJSDate(deps.clock.now(), { zone });
  const from = query.from ? DateTime.fromISO(query.from, { zone }) : today.startOf('month');
  const to = query.to ? DateTime.fromISO(query.to, { zone }) : today.startOf('day');
  if (to < from) throw validationError([{ field: 'to', code: 'before_from', message: 'the period ends before it starts' }]);
  if (to.diff(from, 'days').days > 366) throw validationError([{ field: 'to', code: 'too_long', message: 'at most a year' }]);
  const start = from.startOf('day').toJSDate();
  const end = to.plus({ days: 1 }).startOf('day').toJSDate();
  const t = ctx.tenantId;
  let guidesQuery = deps.db.selectFrom('guides').select(['operator_id', 'store_id']).where('tenant_id', '=', t);
  if (query.store_id) guidesQuery = guidesQuery.where('store_id', '=', query.store_id);
  const [guides, done, conversions, newcomers] = await Promise.all([
    guidesQuery.execute(),
    deps.db.selectFrom('guide_tasks').select(['guide_id', sql<number>`count(*)::int`.as('n')]).where('tenant_id', '=', t).where('status', '=', 'done').where('done_at', '>=', start).where('done_at', '<', end).groupBy('guide_id').execute(),
    creditedInPeriod(deps, t, start, end),
    deps.db.selectFrom('guide_member_history').select(['to_guide_id', sql<number>`count(distinct member_id)::int`.as('n')]).where('tenant_id', '=', t).where('from_guide_id', 'is', null).where('to_guide_id', 'is not', null).where('at', '>=', start).where('at', '<', end).groupBy('to_guide_id').execute(),
  ]);
  const names = await operatorNames(deps.db, t, guides.map((g) => g.operator_id));
  const rows = guides
    .map((g) => {
      const c = conversions.find((r) => r.guide_id === g.operator_id);
      return {
        guide_id: g.operator_id,
        name: names.get(g.operator_id)?.name ?? '',
        store_id: g.store_id,
        tasks_done: done.find((r) => r.guide_id === g.operator_id)?.n ?? 0,
        conversions: c?.n ?? 0,
        revenue_fen: Number(c?.fen ?? 0),
        new_members: newcomers.find((r) => r.to_guide_id === g.operator_id)?.n ?? 0,
      };
    })
    .sort((a, b) => b.revenue_fen - a.revenue_fen || b.conversions - a.conversions || b.tasks_done - a.tasks_done || a.guide_id.localeCompare(b.guide_id));
  return { from: from.toISODate()!, to: to.toISODate()!, time_zone: zone, rows };
}
