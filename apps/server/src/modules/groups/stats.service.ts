import { sql } from 'kysely';
import type { GroupStats } from '@hearth/contracts/groups';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { validationError } from '../../http/errors.ts';
import { orderTotalsByMember } from '../orders/orders.service.ts';
import './groups.tables.ts';

type Row = GroupStats['groups'][number];

/**
 * Per group for [from, to): members now, joins and leaves, and what the group's members did: a member counts
 * for a group when they were in it at some time in the period (their last change before `to` is a join, or
 * they left within the period). Active members sent a group message (when an integration delivers them) or
 * ordered in the period; orders and revenue come from the orders module. Totals count each member once,
 * however many groups they are in.
 */
export async function groupStats(deps: AppDeps, ctx: RequestContext, query: { from: string; to: string; pool_id?: string; store_id?: string }): Promise<GroupStats> {
  const from = new Date(query.from);
  const to = new Date(query.to);
  if (!(to > from)) throw validationError([{ field: 'to', code: 'before_from', message: 'the period ends before it starts' }]);
  if (to.getTime() - from.getTime() > 366 * 86_400_000) throw validationError([{ field: 'to', code: 'too_long', message: 'at most a year at a time' }]);
  let groupsQuery = deps.db.selectFrom('community_groups').select(['id', 'name', 'member_count']).where('tenant_id', '=', ctx.tenantId).where('status', '!=', 'archived');
  if (query.pool_id) groupsQuery = groupsQuery.where('pool_id', '=', query.pool_id);
  if (query.store_id) groupsQuery = groupsQuery.where('store_id', '=', query.store_id);
  const groups = await groupsQuery.orderBy('name').orderBy('id').limit(1000).execute();
  const ids = groups.map((g) => g.id);
  if (!ids.length) return { from: from.toISOString(), to: to.toISOString(), groups: [], totals: { members: 0, joins: 0, leaves: 0, active_members: 0, buyers: 0, orders: 0, revenue_fen: 0 } };

  const [changes, members, talkers] = await Promise.all([
    sql<{ group_id: string; joins: number; leaves: number }>`
      select group_id, count(*) filter (where kind = 'join')::int as joins, count(*) filter (where kind = 'leave')::int as leaves
      from group_member_changes where tenant_id = ${ctx.tenantId} and group_id in (${sql.join(ids)}) and occurred_at >= ${from} and occurred_at < ${to}
      group by group_id`.execute(deps.db),
    sql<{ group_id: string; member_id: string }>`
      select group_id, member_id from (
        select distinct on (group_id, member_id) group_id, member_id, kind, occurred_at
        from group_member_changes
        where tenant_id = ${ctx.tenantId} and group_id in (${sql.join(ids)}) and member_id is not null and occurred_at < ${to}
        order by group_id, member_id, occurred_at desc, id desc) last
      where kind = 'join' or occurred_at >= ${from}`.execute(deps.db),
    sql<{ group_id: string; member_id: string }>`
      select distinct group_id, member_id from group_messages
      where tenant_id = ${ctx.tenantId} and group_id in (${sql.join(ids)}) and member_id is not null and sent_at >= ${from} and sent_at < ${to}`.execute(deps.db),
  ]);
  // Whoever spoke in a group was in it, even when the join came before Hearth kept the log.
  const inGroups = [...members.rows, ...talkers.rows];
  const memberIds = [...new Set(inGroups.map((m) => m.member_id))];
  const orders = await orderTotalsByMember(deps.db, ctx.tenantId, memberIds, from, to);
  const talked = new Set(talkers.rows.map((t) => `${t.group_id}:${t.member_id}`));
  const changeOf = new Map(changes.rows.map((c) => [c.group_id, c]));
  const membersOf = new Map<string, string[]>();
  for (const m of inGroups) membersOf.set(m.group_id, [...new Set([...(membersOf.get(m.group_id) ?? []), m.member_id])]);

  const active = new Set<string>();
  const rows: Row[] = groups.map((g) => {
    const row: Row = { group_id: g.id, name: g.name, members: g.member_count, joins: changeOf.get(g.id)?.joins ?? 0, leaves: changeOf.get(g.id)?.leaves ?? 0, active_members: 0, buyers: 0, orders: 0, revenue_fen: 0 };
    for (const memberId of membersOf.get(g.id) ?? []) {
      const bought = orders.get(memberId);
      if (bought) {
        row.buyers += 1;
        row.orders += bought.orders;
        row.revenue_fen += bought.revenue_fen;
      }
      if (bought || talked.has(`${g.id}:${memberId}`)) {
        row.active_members += 1;
        active.add(memberId);
      }
    }
    return row;
  });
  const buyers = memberIds.filter((m) => orders.has(m));
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    groups: rows,
    totals: {
      members: rows.reduce((s, r) => s + r.members, 0),
      joins: rows.reduce((s, r) => s + r.joins, 0),
      leaves: rows.reduce((s, r) => s + r.leaves, 0),
      active_members: active.size,
      buyers: buyers.length,
      orders: buyers.reduce((s, m) => s + orders.get(m)!.orders, 0),
      revenue_fen: buyers.reduce((s, m) => s + orders.get(m)!.revenue_fen, 0),
    },
  };
}
