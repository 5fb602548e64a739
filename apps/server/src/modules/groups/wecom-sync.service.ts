import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { AppError } from '../../http/errors.ts';
import type { DomainEvent } from '../../jobs/outbox.ts';
import type { JobContext } from '../../jobs/registry.ts';
import { createGroupJoinWay, getGroup as getWecomGroup } from '../wecom/wecom.service.ts';
import { recordGroupMemberChange, setGroupMemberCount } from './membership.service.ts';
import './groups.tables.ts';

type WecomEvent<P> = JobContext<{ event: DomainEvent<P> }>;
interface MemberEvent {
  chat_id: string;
  user_id: string;
  member_type: 'staff' | 'external';
  member_id: string | null;
  joined_at?: string;
}

const systemActor = { type: 'system' as const, id: null, label: 'wecom sync', role: null, permissions: new Set<never>() };
const contextOf = (tenantId: string): RequestContext => ({ tenantId, actor: systemActor, requestId: null, ip: null });

/**
 * Every customer group WeCom reports gets a catalogue record (no pool, so nobody is routed there until an
 * operator places it), named and owned as WeCom says. Idempotent by the chat id's unique index, so the
 * group-created and member-joined jobs of a first sync may run in any order.
 */
export async function linkWecomGroup(deps: AppDeps, ctx: RequestContext, chatId: string): Promise<void> {
  const known = await deps.db.selectFrom('community_groups').select('id').where('tenant_id', '=', ctx.tenantId).where('chat_id', '=', chatId).executeTakeFirst();
  if (known) return;
  const wecom = await getWecomGroup(deps.db, ctx.tenantId, chatId);
  await deps.db
    .insertInto('community_groups')
    .values({ tenant_id: ctx.tenantId, id: uuidv7(), name: wecom.name || chatId, store_id: null, theme: null, tier_id: null, pool_id: null, chat_id: chatId, owner_userid: wecom.owner_user_id, join_qr_url: null, join_config_id: null, member_count: wecom.member_count, welcome_text: null })
    .onConflict((oc) => oc.columns(['tenant_id', 'chat_id']).where('chat_id', 'is not', null).doNothing())
    .execute();
}

export const onWecomGroupCreated = ({ deps, job, payload }: WecomEvent<{ chat_id: string }>) => linkWecomGroup(deps, contextOf(job.tenant_id), payload.event.payload.chat_id);

/** A member joined or left a customer group (callback or sync): the catalogue's count, log, holds and welcome follow. */
export async function onWecomGroupMember({ deps, job, payload }: WecomEvent<MemberEvent>) {
  const ctx = contextOf(job.tenant_id);
  const event = payload.event;
  const change = event.payload;
  await linkWecomGroup(deps, ctx, change.chat_id);
  // WeCom's own count after the change is the truth; staff count towards the 200 but are not joins of the community.
  const memberCount = (await getWecomGroup(deps.db, ctx.tenantId, change.chat_id)).member_count;
  if (change.member_type === 'staff') return setGroupMemberCount(deps, ctx, change.chat_id, memberCount);
  const kind = event.type === 'wecom.group_member_joined' ? 'join' : 'leave';
  const at = new Date(kind === 'join' && change.joined_at ? change.joined_at : event.occurred_at);
  await recordGroupMemberChange(deps, ctx, { chatId: change.chat_id, kind, externalUserId: change.user_id, memberId: change.member_id, at, memberCount });
}

/** A dismissed group is archived: kept for its history, never routed to or broadcast to again. */
export async function onWecomGroupDismissed({ deps, job, payload }: WecomEvent<{ chat_id: string }>) {
  await deps.db.updateTable('community_groups').set({ status: 'archived', member_count: 0, updated_at: sql`now()` }).where('tenant_id', '=', job.tenant_id).where('chat_id', '=', payload.event.payload.chat_id).execute();
}

/**
 * The join QR a group is routed to: the operator's when given; else, for a linked group in a pool, the one made
 * before (same chat) or a new WeCom join way over this one chat. Without WeCom set up the group has none and
 * routing passes it by. A WeCom failure fails the save, so the operator sees it.
 */
export async function joinQrFor(deps: AppDeps, ctx: RequestContext, input: { chat_id?: string | null; pool_id?: string | null; join_qr_url?: string | null }, existing?: { chat_id: string | null; join_qr_url: string | null; join_config_id: string | null }): Promise<{ join_qr_url: string | null; join_config_id: string | null }> {
  if (input.join_qr_url) return { join_qr_url: input.join_qr_url, join_config_id: input.join_qr_url === existing?.join_qr_url ? existing.join_config_id : null };
  if (existing?.join_config_id && existing.chat_id === input.chat_id) return { join_qr_url: existing.join_qr_url, join_config_id: existing.join_config_id };
  if (!input.chat_id || !input.pool_id) return { join_qr_url: null, join_config_id: null };
  try {
    // The state comes back with each join (WeCom keeps 30 characters): that it came through Hearth's routing.
    const way = await createGroupJoinWay(deps, ctx, { chatIds: [input.chat_id], state: `hg:${randomBytes(12).toString('base64url')}`, remark: 'Hearth 分流' });
    return { join_qr_url: way.qrCodeUrl, join_config_id: way.configId };
  } catch (error) {
    if (error instanceof AppError && error.code === 'WECOM_NOT_CONFIGURED') return { join_qr_url: null, join_config_id: null };
    throw error;
  }
}
