import { sql, type Selectable } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { z } from 'zod';
import type { GroupBroadcast, groupBroadcastDetailSchema, groupBroadcastInputSchema, TargetStatus } from '@hearth/contracts/groups';
import type { Db } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { AppError, notFound, validationError } from '../../http/errors.ts';
import { decodeCursor, toPage } from '../../http/pagination.ts';
import { enqueueJob } from '../../jobs/enqueue.ts';
import { emitEvent } from '../../jobs/outbox.ts';
import { recordAudit } from '../audit/audit.service.ts';
import './groups.tables.ts';

export const BROADCAST_JOB = 'groups.broadcast';
type BroadcastRow = Selectable<DB['group_broadcasts']>;
type Detail = z.infer<typeof groupBroadcastDetailSchema>;

/**
 * A broadcast to chosen groups, sent as WeCom group-message tasks by a job at `send_at` (now by default).
 * The job applies the messaging module's quiet hours and caps when it runs (broadcast-send.job.ts).
 */
export async function createGroupBroadcast(deps: AppDeps, ctx: RequestContext, input: z.infer<typeof groupBroadcastInputSchema>): Promise<Detail> {
  const groupIds = [...new Set(input.group_ids)];
  const found = await deps.db.selectFrom('community_groups').select('id').where('tenant_id', '=', ctx.tenantId).where('id', 'in', groupIds).execute();
  const known = new Set(found.map((g) => g.id));
  const unknown = groupIds.map((id, i) => ({ id, i })).filter(({ id }) => !known.has(id));
  if (unknown.length) throw validationError(unknown.map(({ i }) => ({ field: `group_ids.${i}`, code: 'unknown_group', message: 'no such group' })));
  const now = deps.clock.now();
  const sendAt = input.send_at && new Date(input.send_at) > now ? new Date(input.send_at) : now;
  const id = uuidv7();
  await withTransaction(deps.db, async (trx) => {
    await trx.insertInto('group_broadcasts').values({ tenant_id: ctx.tenantId, id, name: input.name, text: input.text, send_at: sendAt, created_by: ctx.actor.label, finished_at: null }).execute();
    await trx
      .insertInto('group_broadcast_targets')
      .values(groupIds.map((groupId) => ({ tenant_id: ctx.tenantId, broadcast_id: id, group_id: groupId, reason: null, send_at: sendAt, attempt_id: null, wecom_msgid: null, sent_at: null })))
      .execute();
    await recordAudit(trx, ctx, { action: 'groups.broadcast_create', resourceType: 'group_broadcast', resourceId: id, details: { name: input.name, groups: groupIds.length, send_at: sendAt.toISOString() } });
    await emitEvent(trx, deps.jobs, ctx, 'group_broadcast.created', { broadcast_id: id, groups: groupIds.length });
    await enqueueBroadcastRun(trx, deps, ctx.tenantId, id, sendAt);
  });
  return getGroupBroadcast(deps.db, ctx.tenantId, id);
}

/** The broadcast's run at `at`; keyed by the time, so a deferral to the end of quiet hours is a new run. */
export async function enqueueBroadcastRun(trx: Db, deps: AppDeps, tenantId: string, broadcastId: string, at: Date) {
  await enqueueJob(trx, deps.jobs, { tenantId, name: BROADCAST_JOB, key: `broadcast:${broadcastId}:${at.toISOString()}`, runAt: at, payload: { broadcast_id: broadcastId } });
}

/** Cancels what has not gone out yet: targets already sent stay sent. */
export async function cancelGroupBroadcast(deps: AppDeps, ctx: RequestContext, id: string): Promise<Detail> {
  await withTransaction(deps.db, async (trx) => {
    const row = await trx.selectFrom('group_broadcasts').select('status').where('tenant_id', '=', ctx.tenantId).where('id', '=', id).forUpdate().executeTakeFirst();
    if (!row) throw notFound('Group broadcast');
    if (row.status === 'done' || row.status === 'cancelled') throw new AppError('GROUP_BROADCAST_NOT_CANCELLABLE', `The broadcast is already ${row.status}`);
    await trx.updateTable('group_broadcasts').set({ status: 'cancelled', finished_at: deps.clock.now() }).where('tenant_id', '=', ctx.tenantId).where('id', '=', id).execute();
    await trx.updateTable('group_broadcast_targets').set({ status: 'skipped', reason: 'cancelled' }).where('tenant_id', '=', ctx.tenantId).where('broadcast_id', '=', id).where('status', 'in', ['pending', 'deferred']).execute();
    await recordAudit(trx, ctx, { action: 'groups.broadcast_cancel', resourceType: 'group_broadcast', resourceId: id, details: {} });
  });
  return getGroupBroadcast(deps.db, ctx.tenantId, id);
}

export async function listGroupBroadcasts(db: Db, tenantId: string, query: { limit: number; cursor?: string }) {
  let q = db.selectFrom('group_broadcasts').selectAll().where('tenant_id', '=', tenantId);
  const after = decodeCursor(query.cursor);
  if (after) q = q.where('id', '<', after);
  const page = toPage(await q.orderBy('id', 'desc').limit(query.limit + 1).execute(), query.limit);
  const counts = await countTargets(db, tenantId, page.data.map((b) => b.id));
  return { data: page.data.map((b) => serializeBroadcast(b, counts.get(b.id) ?? {})), next_cursor: page.next_cursor };
}

export async function getGroupBroadcast(db: Db, tenantId: string, id: string): Promise<Detail> {
  const row = await db.selectFrom('group_broadcasts').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Group broadcast');
  const targets = await db
    .selectFrom('group_broadcast_targets as t')
    .innerJoin('community_groups as g', (j) => j.onRef('g.tenant_id', '=', 't.tenant_id').onRef('g.id', '=', 't.group_id'))
    .select(['t.group_id', 'g.name as group_name', 't.status', 't.reason', 't.send_at', 't.wecom_msgid', 't.sent_at'])
    .where('t.tenant_id', '=', tenantId)
    .where('t.broadcast_id', '=', id)
    .orderBy('g.name')
    .execute();
  const counts = await countTargets(db, tenantId, [id]);
  return {
    ...serializeBroadcast(row, counts.get(id) ?? {}),
    targets: targets.map((t) => ({ group_id: t.group_id, group_name: t.group_name, status: t.status, reason: t.reason, send_at: t.send_at.toISOString(), wecom_msgid: t.wecom_msgid, sent_at: t.sent_at?.toISOString() ?? null })),
  };
}

async function countTargets(db: Db, tenantId: string, ids: string[]) {
  const counts = new Map<string, Partial<Record<TargetStatus, number>>>();
  if (!ids.length) return counts;
  const rows = await db
    .selectFrom('group_broadcast_targets')
    .select(['broadcast_id', 'status', sql<number>`count(*)::int`.as('n')])
    .where('tenant_id', '=', tenantId)
    .where('broadcast_id', 'in', ids)
    .groupBy(['broadcast_id', 'status'])
    .execute();
  for (const r of rows) counts.set(r.broadcast_id, { ...counts.get(r.broadcast_id), [r.status]: r.n });
  return counts;
}

function serializeBroadcast(row: BroadcastRow, counts: GroupBroadcast['counts']): GroupBroadcast {
  return { id: row.id, name: row.name, text: row.text, status: row.status, send_at: row.send_at.toISOString(), created_at: row.created_at.toISOString(), finished_at: row.finished_at?.toISOString() ?? null, counts };
}
