import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { Db } from '../../db/database.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import type { JobContext } from '../../jobs/registry.ts';
import { emitEvent } from '../../jobs/outbox.ts';
import { capPeriods, getSettings, quietHoursRelease } from '../messaging/settings.service.ts';
import { enqueueBroadcastRun } from './broadcasts.service.ts';
import { sendToGroups } from './wecom-send.ts';
import './groups.tables.ts';

const systemActor = { type: 'system' as const, id: null, label: 'group broadcast', role: null, permissions: new Set<never>() };

/**
 * One run of a group broadcast. WeCom is outside the database, so the job is not transactional and works in
 * three steps, like messaging's delivery job:
 * 1. claim (one transaction under the broadcast's lock): inside the tenant's quiet hours (messaging settings,
 *    tenant zone) every open target is deferred to their end and a run is scheduled then; otherwise each
 *    open target is counted against the `wecom_group` cap of the local day and ISO week it goes out in
 *    (skipped with `cap_day` / `cap_week` over it), and the rest are marked `sending` under a fresh attempt id;
 * 2. send one group-message task per owner through the wecom module, keyed by broadcast, owner and attempt;
 * 3. record `sent` with WeCom's msgid (or `failed` with WeCom's refusal), per owner.
 * A crash between 2 and 3 leaves targets `sending`; the retry asks again with the same key and the wecom
 * module answers with the task it recorded, so nothing is sent twice — unless the crash fell between WeCom's
 * answer and the wecom module's record of it (WeCom has no idempotency key for these tasks).
 */
export async function runGroupBroadcast({ deps, job, payload }: JobContext<{ broadcast_id: string }>) {
  const tenantId = job.tenant_id;
  const ctx: RequestContext = { tenantId, actor: systemActor, requestId: null, ip: null };
  const claimed = await claim(deps, ctx, payload.broadcast_id);
  if (!claimed) return { skipped: true };
  const targets = await deps.db
    .selectFrom('group_broadcast_targets as t')
    .innerJoin('community_groups as g', (j) => j.onRef('g.tenant_id', '=', 't.tenant_id').onRef('g.id', '=', 't.group_id'))
    .select(['t.group_id', 't.attempt_id', 'g.chat_id', 'g.owner_userid'])
    .where('t.tenant_id', '=', tenantId)
    .where('t.broadcast_id', '=', payload.broadcast_id)
    .where('t.status', '=', 'sending')
    .execute();
  // One task per owner and attempt: WeCom sends a group message only from the group's owner.
  const tasks = new Map<string, { owner: string; attemptId: string; groups: { groupId: string; chatId: string }[] }>();
  for (const t of targets) {
    const key = JSON.stringify([t.owner_userid, t.attempt_id]);
    const task = tasks.get(key) ?? { owner: t.owner_userid!, attemptId: t.attempt_id!, groups: [] };
    task.groups.push({ groupId: t.group_id, chatId: t.chat_id! });
    tasks.set(key, task);
  }
  for (const { owner, attemptId, groups } of tasks.values()) {
    // Keyed by the claim's attempt: a retry after a crash finds the task the wecom module recorded and sends nothing again.
    const outcome = await sendToGroups(deps, ctx, { ownerUserid: owner, chatIds: groups.map((g) => g.chatId), text: claimed.text, dedupeKey: `group-broadcast:${payload.broadcast_id}:${owner}:${attemptId}` });
    await deps.db
      .updateTable('group_broadcast_targets')
      .set(outcome.status === 'sent' ? { status: 'sent', wecom_msgid: outcome.msgid, sent_at: deps.clock.now(), reason: null } : { status: 'failed', reason: outcome.reason })
      .where('tenant_id', '=', tenantId)
      .where('broadcast_id', '=', payload.broadcast_id)
      .where('group_id', 'in', groups.map((g) => g.groupId))
      .where('status', '=', 'sending')
      .execute();
  }
  await finishIfDone(deps, ctx, payload.broadcast_id);
  return { sent: targets.length };
}

async function claim(deps: AppDeps, ctx: RequestContext, broadcastId: string): Promise<{ text: string } | undefined> {
  return withTransaction(deps.db, async (trx) => {
    const broadcast = await trx.selectFrom('group_broadcasts').select(['status', 'text']).where('tenant_id', '=', ctx.tenantId).where('id', '=', broadcastId).forUpdate().executeTakeFirst();
    if (!broadcast || broadcast.status === 'done' || broadcast.status === 'cancelled') return undefined;
    const [settings, tenant] = await Promise.all([getSettings(trx, ctx.tenantId), trx.selectFrom('tenants').select('time_zone').where('id', '=', ctx.tenantId).executeTakeFirstOrThrow()]);
    const now = deps.clock.now();
    const release = quietHoursRelease(now, settings.quiet_hours, tenant.time_zone);
    if (release > now) {
      await trx.updateTable('group_broadcast_targets').set({ status: 'deferred', reason: 'quiet_hours', send_at: release }).where('tenant_id', '=', ctx.tenantId).where('broadcast_id', '=', broadcastId).where('status', 'in', ['pending', 'deferred']).execute();
      await trx.updateTable('group_broadcasts').set({ status: 'scheduled', send_at: release }).where('tenant_id', '=', ctx.tenantId).where('id', '=', broadcastId).execute();
      await enqueueBroadcastRun(trx, deps, ctx.tenantId, broadcastId, release);
      return undefined;
    }
    await trx.updateTable('group_broadcasts').set({ status: 'running' }).where('tenant_id', '=', ctx.tenantId).where('id', '=', broadcastId).execute();
    const open = await trx
      .selectFrom('group_broadcast_targets as t')
      .innerJoin('community_groups as g', (j) => j.onRef('g.tenant_id', '=', 't.tenant_id').onRef('g.id', '=', 't.group_id'))
      .select(['t.group_id', 'g.status', 'g.chat_id', 'g.owner_userid'])
      .where('t.tenant_id', '=', ctx.tenantId)
      .where('t.broadcast_id', '=', broadcastId)
      .where('t.status', 'in', ['pending', 'deferred'])
      .orderBy('t.group_id')
      .execute();
    const attemptId = uuidv7();
    for (const target of open) {
      const reason = target.status !== 'active' ? 'group_closed' : !target.chat_id || !target.owner_userid ? 'not_linked' : await takeGroupCap(trx, ctx.tenantId, target.group_id, now, tenant.time_zone, settings.caps.wecom_group);
      await trx
        .updateTable('group_broadcast_targets')
        .set(reason === 'ok' ? { status: 'sending', reason: null, attempt_id: attemptId, send_at: now } : { status: 'skipped', reason, send_at: now })
        .where('tenant_id', '=', ctx.tenantId)
        .where('broadcast_id', '=', broadcastId)
        .where('group_id', '=', target.group_id)
        .execute();
    }
    return { text: broadcast.text };
  });
}

/**
 * The messaging module's cap rule for a group instead of a member: one upsert counts the send against the
 * group's local day and ISO week (capPeriods) and holds both rows locked to the end of the transaction, so
 * two broadcasts running at once cannot both pass the cap; over it, both counts are taken back.
 * (messaging's takeCap counts rows that reference members, so it cannot count a group.)
 */
async function takeGroupCap(trx: Db, tenantId: string, groupId: string, at: Date, zone: string, cap: { per_day: number | null; per_week: number | null } | undefined): Promise<'ok' | 'cap_day' | 'cap_week'> {
  const { day, week } = capPeriods(at, zone);
  const rows = await sql<{ period: string; count: number }>`
    insert into group_message_counters as c (tenant_id, group_id, period, count)
    values (${tenantId}, ${groupId}, ${day}, 1), (${tenantId}, ${groupId}, ${week}, 1)
    on conflict (tenant_id, group_id, period) do update set count = c.count + 1
    returning period, count`.execute(trx);
  const count = (period: string) => rows.rows.find((r) => r.period === period)!.count;
  const over = cap?.per_day != null && count(day) > cap.per_day ? 'cap_day' : cap?.per_week != null && count(week) > cap.per_week ? 'cap_week' : null;
  if (!over) return 'ok';
  await trx.updateTable('group_message_counters').set({ count: sql`count - 1` }).where('tenant_id', '=', tenantId).where('group_id', '=', groupId).where('period', 'in', [day, week]).execute();
  return over;
}

async function finishIfDone(deps: AppDeps, ctx: RequestContext, broadcastId: string) {
  await withTransaction(deps.db, async (trx) => {
    const open = await trx.selectFrom('group_broadcast_targets').select('group_id').where('tenant_id', '=', ctx.tenantId).where('broadcast_id', '=', broadcastId).where('status', 'in', ['pending', 'deferred', 'sending']).limit(1).executeTakeFirst();
    if (open) return;
    const done = await trx.updateTable('group_broadcasts').set({ status: 'done', finished_at: deps.clock.now() }).where('tenant_id', '=', ctx.tenantId).where('id', '=', broadcastId).where('status', '=', 'running').returning('id').executeTakeFirst();
    if (done) await emitEvent(trx, deps.jobs, ctx, 'group_broadcast.finished', { broadcast_id: broadcastId });
  });
}
