import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { RouteResult } from '@hearth/contracts/groups';
import type { Db } from '../../db/database.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { AppError, notFound } from '../../http/errors.ts';
import { emitEvent } from '../../jobs/outbox.ts';
import { groupSettings } from './settings.service.ts';
import './groups.tables.ts';

export interface RouteScanInput {
  poolId: string;
  /** Who scans (openid, unionid, visitor id): a repeat scan while the seat is held gets the same group. */
  scanner?: string | null;
  /** Where the scan came from (a channel code), kept on the event for funnels. */
  source?: string | null;
}

/**
 * Sends a scanner of a pool's QR to a group of the pool that has room, and holds a seat there for
 * `hold_minutes`, so the joins WeCom has not reported yet still count. The pool's row is locked for the
 * decision: scans of one pool are serialized and two scans never both take a group's last seat. Groups fill
 * one after the other (oldest first), so members meet an active group rather than many quiet ones. When no
 * group has room — or this scan took the last seat — the pool is marked all-full and `group.pool_full` is
 * emitted once, the signal to open a new group; the scanner is never sent to a full group.
 */
export async function routeGroupScan(deps: AppDeps, ctx: RequestContext, input: RouteScanInput): Promise<RouteResult> {
  const settings = await groupSettings(deps.db, ctx.tenantId);
  const now = deps.clock.now();
  const scanner = input.scanner?.trim() || null;
  return withTransaction(deps.db, async (trx) => {
    const pool = await trx.selectFrom('group_pools').select(['id', 'name', 'status', 'all_full_since']).where('tenant_id', '=', ctx.tenantId).where('id', '=', input.poolId).forUpdate().executeTakeFirst();
    if (!pool) throw notFound('Group pool');
    if (pool.status !== 'active') throw new AppError('GROUP_POOL_ARCHIVED', 'This group QR is no longer in use');

    if (scanner) {
      const held = await trx
        .selectFrom('group_route_holds as h')
        .innerJoin('community_groups as g', (j) => j.onRef('g.tenant_id', '=', 'h.tenant_id').onRef('g.id', '=', 'h.group_id'))
        .select(['h.id', 'h.expires_at', 'g.id as group_id', 'g.name', 'g.join_qr_url'])
        .where('h.tenant_id', '=', ctx.tenantId)
        .where('h.pool_id', '=', pool.id)
        .where('h.scanner', '=', scanner)
        .where('h.joined_at', 'is', null)
        .where('h.expires_at', '>', now)
        .where('g.status', '=', 'active')
        .where('g.join_qr_url', 'is not', null)
        .orderBy('h.id', 'desc')
        .executeTakeFirst();
      if (held) return { status: 'routed', group: { id: held.group_id, name: held.name, join_qr_url: held.join_qr_url! }, hold_id: held.id, expires_at: held.expires_at.toISOString() };
    }

    const candidates = await sql<{ id: string; name: string; join_qr_url: string; seats: number }>`
      select g.id, g.name, g.join_qr_url,
        g.capacity - ${settings.safety_margin}::int - g.member_count - (
          select count(*)::int from group_route_holds h
          where h.tenant_id = g.tenant_id and h.group_id = g.id and h.joined_at is null and h.expires_at > ${now}::timestamptz
        ) as seats
      from community_groups g
      where g.tenant_id = ${ctx.tenantId} and g.pool_id = ${pool.id} and g.status = 'active' and g.join_qr_url is not null
      order by g.created_at, g.id`.execute(trx);
    const open = candidates.rows.filter((g) => g.seats > 0);
    const pick = open[0];
    if (!pick) {
      await signalPoolFull(trx, deps, ctx, pool.id, pool.name, now);
      return { status: 'full', pool_id: pool.id };
    }
    const holdId = uuidv7();
    const expiresAt = new Date(now.getTime() + settings.hold_minutes * 60_000);
    await trx.insertInto('group_route_holds').values({ tenant_id: ctx.tenantId, id: holdId, pool_id: pool.id, group_id: pick.id, scanner, created_at: now, expires_at: expiresAt, joined_at: null }).execute();
    await emitEvent(trx, deps.jobs, ctx, 'group.scan_routed', { pool_id: pool.id, group_id: pick.id, hold_id: holdId, source: input.source ?? null });
    const lastSeat = open.length === 1 && pick.seats === 1;
    if (lastSeat) await signalPoolFull(trx, deps, ctx, pool.id, pool.name, now);
    else if (pool.all_full_since) await trx.updateTable('group_pools').set({ all_full_since: null }).where('tenant_id', '=', ctx.tenantId).where('id', '=', pool.id).execute();
    return { status: 'routed', group: { id: pick.id, name: pick.name, join_qr_url: pick.join_qr_url }, hold_id: holdId, expires_at: expiresAt.toISOString() };
  });
}

/** Marks the pool all-full and emits the signal once per spell: again only after a group had room in between. */
async function signalPoolFull(trx: Db, deps: AppDeps, ctx: RequestContext, poolId: string, name: string, now: Date) {
  const marked = await trx.updateTable('group_pools').set({ all_full_since: now }).where('tenant_id', '=', ctx.tenantId).where('id', '=', poolId).where('all_full_since', 'is', null).returning('id').executeTakeFirst();
  if (marked) await emitEvent(trx, deps.jobs, ctx, 'group.pool_full', { pool_id: poolId, name });
}

/** A scanner joined the group: the oldest open hold there is used up, so the seat is not counted twice. */
export async function consumeHold(trx: Db, tenantId: string, groupId: string, now: Date) {
  await sql`
    update group_route_holds set joined_at = ${now}
    where (tenant_id, id) = (
      select tenant_id, id from group_route_holds
      where tenant_id = ${tenantId} and group_id = ${groupId} and joined_at is null and expires_at > ${now}
      order by id limit 1 for update skip locked)`.execute(trx);
}

/** A group gained room (a new group in the pool, a closed one reopened, a member left): the next full spell signals again. */
export async function clearPoolFull(trx: Db, tenantId: string, poolId: string | null) {
  if (poolId) await trx.updateTable('group_pools').set({ all_full_since: null }).where('tenant_id', '=', tenantId).where('id', '=', poolId).execute();
}

/**
 * What a channel code of kind `group` points at — a pool, or a group of a pool — routed like a scan of the pool's
 * QR. A group outside any pool, or an unknown reference, answers `full`: routing needs a pool to choose in.
 */
export async function routeGroupRef(deps: AppDeps, ctx: RequestContext, input: { ref: string | null; scanner?: string | null; source?: string | null }): Promise<RouteResult | { status: 'full'; pool_id: null }> {
  const ref = input.ref && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(input.ref) ? input.ref : null;
  if (!ref) return { status: 'full', pool_id: null };
  const pool = await deps.db.selectFrom('group_pools').select('id').where('tenant_id', '=', ctx.tenantId).where('id', '=', ref).executeTakeFirst();
  const poolId = pool?.id ?? (await deps.db.selectFrom('community_groups').select('pool_id').where('tenant_id', '=', ctx.tenantId).where('id', '=', ref).executeTakeFirst())?.pool_id;
  if (!poolId) return { status: 'full', pool_id: null };
  return routeGroupScan(deps, ctx, { poolId, scanner: input.scanner, source: input.source });
}
