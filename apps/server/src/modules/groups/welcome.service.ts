import type { RequestContext } from '../../deps.ts';
import type { JobContext } from '../../jobs/registry.ts';
import { sendToGroups } from './wecom-send.ts';
import './groups.tables.ts';

const systemActor = { type: 'system' as const, id: null, label: 'group welcome', role: null, permissions: new Set<never>() };

/**
 * The welcome for the members who joined in one window (the job is keyed by group and window): the group's
 * own text, else its pool's. Not a marketing message: it answers a join, so no caps or quiet hours apply.
 * A refusal by WeCom is final (kept as the job's result); other errors are retried by the job.
 */
export async function sendWelcome({ deps, job, payload }: JobContext<{ group_id: string }>) {
  const ctx = contextOf(job.tenant_id);
  const group = await deps.db
    .selectFrom('community_groups as g')
    .leftJoin('group_pools as p', (j) => j.onRef('p.tenant_id', '=', 'g.tenant_id').onRef('p.id', '=', 'g.pool_id'))
    .select(['g.chat_id', 'g.owner_userid', 'g.status', 'g.welcome_text', 'p.welcome_text as pool_welcome'])
    .where('g.tenant_id', '=', job.tenant_id)
    .where('g.id', '=', payload.group_id)
    .executeTakeFirst();
  const text = group?.welcome_text ?? group?.pool_welcome;
  if (!group || !text || !group.chat_id || !group.owner_userid || group.status === 'archived') return { sent: false };
  return sendToGroups(deps, ctx, { ownerUserid: group.owner_userid, chatIds: [group.chat_id], text, dedupeKey: `group-welcome:${job.dedupe_key ?? job.id}` });
}

/** The reply a matched keyword rule chose for a member's message (replies.service.ts), sent once per message. */
export async function sendAutoReply({ deps, job, payload }: JobContext<{ group_id: string; text: string }>) {
  const group = await deps.db.selectFrom('community_groups').select(['chat_id', 'owner_userid']).where('tenant_id', '=', job.tenant_id).where('id', '=', payload.group_id).executeTakeFirst();
  if (!group?.chat_id || !group.owner_userid) return { sent: false };
  return sendToGroups(deps, contextOf(job.tenant_id), { ownerUserid: group.owner_userid, chatIds: [group.chat_id], text: payload.text, dedupeKey: `group-reply:${job.dedupe_key ?? job.id}` });
}

const contextOf = (tenantId: string): RequestContext => ({ tenantId, actor: systemActor, requestId: null, ip: null });
