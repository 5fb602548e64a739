import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { enqueueJob } from '../../jobs/enqueue.ts';
import { emitEvent } from '../../jobs/outbox.ts';
import { clearPoolFull, consumeHold } from './routing.service.ts';
import { groupSettings } from './settings.service.ts';
import './groups.tables.ts';

export const WELCOME_JOB = 'groups.welcome';
const WELCOME_MAX_AGE_MS = 3_600_000;

export interface GroupMemberChange {
  chatId: string;
  kind: 'join' | 'leave';
  externalUserId: string | null;
  /** The Hearth member the external contact maps to (by unionid), when it does. */
  memberId: string | null;
  at: Date;
  /** The group's size as WeCom reported it with the change; otherwise the count moves by one. */
  memberCount?: number | null;
}

/**
 * Records a join or leave that WeCom reported for a customer group of the catalogue (others are ignored:
 * they are not Hearth groups) and keeps the group's member count, which routing compares with its capacity.
 * A join uses up one held seat of the group and schedules the welcome message; joins within the welcome
 * window share one (the job is keyed by the window), so twenty joins in a minute are one message, not twenty.
 */
export async function recordGroupMemberChange(deps: AppDeps, ctx: RequestContext, change: GroupMemberChange): Promise<{ groupId: string } | undefined> {
  const settings = await groupSettings(deps.db, ctx.tenantId);
  return withTransaction(deps.db, async (trx) => {
    const group = await trx.selectFrom('community_groups').select(['id', 'pool_id']).where('tenant_id', '=', ctx.tenantId).where('chat_id', '=', change.chatId).forUpdate().executeTakeFirst();
    if (!group) return undefined;
    await trx.insertInto('group_member_changes').values({ tenant_id: ctx.tenantId, id: uuidv7(), group_id: group.id, kind: change.kind, external_userid: change.externalUserId, member_id: change.memberId, occurred_at: change.at }).execute();
    const count = change.memberCount ?? null;
    await trx
      .updateTable('community_groups')
      .set({ member_count: count !== null ? count : change.kind === 'join' ? sql`member_count + 1` : sql`greatest(member_count - 1, 0)`, updated_at: sql`now()` })
      .where('tenant_id', '=', ctx.tenantId)
      .where('id', '=', group.id)
      .execute();
    if (change.kind === 'join') {
      await consumeHold(trx, ctx.tenantId, group.id, deps.clock.now());
    }
    // A first sync reports every member with their old join time: only fresh joins are welcomed.
    if (change.kind === 'join' && deps.clock.now().getTime() - change.at.getTime() <= WELCOME_MAX_AGE_MS) {
      const windowMs = settings.welcome_window_minutes * 60_000;
      const slot = windowMs ? Math.floor(change.at.getTime() / windowMs) : change.at.getTime();
      await enqueueJob(trx, deps.jobs, { tenantId: ctx.tenantId, name: WELCOME_JOB, key: `welcome:${group.id}:${slot}`, runAt: new Date(windowMs ? (slot + 1) * windowMs : change.at.getTime()), payload: { group_id: group.id } });
    }
    if (change.kind === 'leave') await clearPoolFull(trx, ctx.tenantId, group.pool_id);
    await emitEvent(trx, deps.jobs, ctx, change.kind === 'join' ? 'group.member_joined' : 'group.member_left', { group_id: group.id, chat_id: change.chatId, member_id: change.memberId });
    return { groupId: group.id };
  });
}

/** The group's size after a full WeCom sync, which is the truth: callbacks can be missed. */
export async function setGroupMemberCount(deps: AppDeps, ctx: RequestContext, chatId: string, memberCount: number): Promise<void> {
  await deps.db.updateTable('community_groups').set({ member_count: memberCount, updated_at: sql`now()` }).where('tenant_id', '=', ctx.tenantId).where('chat_id', '=', chatId).execute();
}
