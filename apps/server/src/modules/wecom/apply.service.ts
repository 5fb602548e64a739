import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { emitEvent } from '../../jobs/outbox.ts';
import { memberIdsByUnionid } from '../members/members.service.ts';
import type { WecomExternalContact, WecomGroupChat, WecomUser } from './wecom-api.ts';
import './wecom.tables.ts';

// How WeCom's view (a sync page or a callback) becomes rows and events. Every function runs in the caller's
// transaction and is idempotent: applying the same answer twice changes nothing and emits nothing the second time.

/** The actor of WeCom-driven changes (sync, callbacks). */
export function wecomContext(tenantId: string, requestId: string | null = null): RequestContext {
  return { tenantId, actor: { type: 'system', id: null, label: 'wecom', role: null, permissions: new Set() }, requestId, ip: null };
}

/** Staff from the directory; with `complete`, staff missing from it are marked inactive (left the corp). */
export async function applyStaff(trx: Db, tenantId: string, users: WecomUser[], now: Date, complete: boolean) {
  for (const user of users) {
    const row = { name: user.name, department_ids: JSON.stringify(user.department ?? []), status: user.status ?? 1, active: (user.status ?? 1) !== 5, synced_at: now };
    await trx.insertInto('wecom_staff').values({ tenant_id: tenantId, user_id: user.userid, ...row }).onConflict((oc) => oc.columns(['tenant_id', 'user_id']).doUpdateSet(row)).execute();
  }
  if (complete) {
    let q = trx.updateTable('wecom_staff').set({ active: false, synced_at: now }).where('tenant_id', '=', tenantId).where('active', '=', true);
    if (users.length) q = q.where('user_id', 'not in', users.map((u) => u.userid));
    await q.execute();
  }
}

/**
 * One external contact as WeCom answers it: the contact (mapped to a member by unionid) and every staff member who
 * has them. A follow new to Hearth (or back after removal) emits `wecom.contact_added`; with `complete` (the answer
 * lists every follow) a follow no longer there is closed and emits `wecom.contact_removed`.
 */
export async function applyContact(deps: AppDeps, trx: Db, ctx: RequestContext, answer: WecomExternalContact, now: Date) {
  const c = answer.external_contact;
  const mapped = c.unionid ? (await memberIdsByUnionid(trx, ctx.tenantId, [c.unionid])).get(c.unionid) : undefined;
  const existing = await trx.selectFrom('wecom_contacts').select('member_id').where('tenant_id', '=', ctx.tenantId).where('external_user_id', '=', c.external_userid).forUpdate().executeTakeFirst();
  const memberId = mapped ?? existing?.member_id ?? null;
  const row = { name: c.name, contact_type: c.type, unionid: c.unionid ?? null, member_id: memberId, synced_at: now };
  await trx.insertInto('wecom_contacts').values({ tenant_id: ctx.tenantId, external_user_id: c.external_userid, ...row }).onConflict((oc) => oc.columns(['tenant_id', 'external_user_id']).doUpdateSet(row)).execute();
  if (memberId && memberId !== existing?.member_id) await mapGroupMembers(trx, ctx.tenantId, c.external_userid, memberId);

  const follows = await trx.selectFrom('wecom_follows').selectAll().where('tenant_id', '=', ctx.tenantId).where('external_user_id', '=', c.external_userid).execute();
  let added = 0;
  for (const f of answer.follow_user) {
    const before = follows.find((o) => o.staff_user_id === f.userid);
    const values = { added_at: new Date(f.createtime * 1000), state: f.state || null, removed_at: null, removed_by: null };
    await trx.insertInto('wecom_follows').values({ tenant_id: ctx.tenantId, external_user_id: c.external_userid, staff_user_id: f.userid, ...values }).onConflict((oc) => oc.columns(['tenant_id', 'external_user_id', 'staff_user_id']).doUpdateSet(values)).execute();
    if (!before || before.removed_at) {
      added++;
      await emitEvent(trx, deps.jobs, ctx, 'wecom.contact_added', { external_user_id: c.external_userid, staff_user_id: f.userid, member_id: memberId, state: values.state, added_at: values.added_at.toISOString() });
    }
  }
  let removed = 0;
  for (const gone of follows.filter((o) => !o.removed_at && !answer.follow_user.some((f) => f.userid === o.staff_user_id))) {
    removed += await removeFollow(deps, trx, ctx, c.external_userid, gone.staff_user_id, null, now);
  }
  return { added, removed, memberId };
}

/** Closes a follow (the staff deleted the contact, the contact deleted the staff, or a sync no longer sees it). */
export async function removeFollow(deps: AppDeps, trx: Db, ctx: RequestContext, externalUserId: string, staffUserId: string, by: 'staff' | 'contact' | null, now: Date): Promise<number> {
  const closed = await trx
    .updateTable('wecom_follows')
    .set({ removed_at: now, removed_by: by })
    .where('tenant_id', '=', ctx.tenantId)
    .where('external_user_id', '=', externalUserId)
    .where('staff_user_id', '=', staffUserId)
    .where('removed_at', 'is', null)
    .executeTakeFirst();
  if (Number(closed.numUpdatedRows) === 0) return 0;
  const contact = await trx.selectFrom('wecom_contacts').select('member_id').where('tenant_id', '=', ctx.tenantId).where('external_user_id', '=', externalUserId).executeTakeFirst();
  await emitEvent(trx, deps.jobs, ctx, 'wecom.contact_removed', { external_user_id: externalUserId, staff_user_id: staffUserId, member_id: contact?.member_id ?? null, removed_by: by });
  return 1;
}

/**
 * A customer group as WeCom answers it. Members new to Hearth (or back) emit `wecom.group_member_joined`, members no
 * longer listed get `left_at` and emit `wecom.group_member_left`; a group seen for the first time emits `wecom.group_created`.
 */
export async function applyGroup(deps: AppDeps, trx: Db, ctx: RequestContext, group: WecomGroupChat, now: Date) {
  const known = await trx.selectFrom('wecom_groups').select('status').where('tenant_id', '=', ctx.tenantId).where('chat_id', '=', group.chat_id).forUpdate().executeTakeFirst();
  const row = { name: group.name ?? '', owner_user_id: group.owner, notice: group.notice ?? null, status: 'active' as const, member_count: group.member_list.length, wecom_created_at: new Date(group.create_time * 1000), synced_at: now };
  await trx.insertInto('wecom_groups').values({ tenant_id: ctx.tenantId, chat_id: group.chat_id, ...row }).onConflict((oc) => oc.columns(['tenant_id', 'chat_id']).doUpdateSet(row)).execute();
  if (!known) await emitEvent(trx, deps.jobs, ctx, 'wecom.group_created', { chat_id: group.chat_id, owner_user_id: group.owner });

  const unionids = group.member_list.flatMap((m) => (m.type === 2 && m.unionid ? [m.unionid] : []));
  const byUnionid = await memberIdsByUnionid(trx, ctx.tenantId, unionids);
  const externalIds = group.member_list.filter((m) => m.type === 2).map((m) => m.userid);
  const byContact = new Map(
    externalIds.length
      ? (await trx.selectFrom('wecom_contacts').select(['external_user_id', 'member_id']).where('tenant_id', '=', ctx.tenantId).where('external_user_id', 'in', externalIds).where('member_id', 'is not', null).execute()).map((r) => [r.external_user_id, r.member_id!])
      : [],
  );
  const before = await trx.selectFrom('wecom_group_members').selectAll().where('tenant_id', '=', ctx.tenantId).where('chat_id', '=', group.chat_id).execute();
  let joined = 0;
  for (const m of group.member_list) {
    const memberId = m.type === 2 ? (byContact.get(m.userid) ?? (m.unionid ? byUnionid.get(m.unionid) : undefined) ?? null) : null;
    const prior = before.find((b) => b.user_id === m.userid);
    const values = { member_type: m.type === 1 ? 1 : 2, name: m.name ?? null, unionid: m.unionid ?? null, member_id: memberId ?? prior?.member_id ?? null, joined_at: new Date(m.join_time * 1000), join_scene: m.join_scene ?? null, left_at: null };
    await trx.insertInto('wecom_group_members').values({ tenant_id: ctx.tenantId, chat_id: group.chat_id, user_id: m.userid, ...values }).onConflict((oc) => oc.columns(['tenant_id', 'chat_id', 'user_id']).doUpdateSet(values)).execute();
    if (!prior || prior.left_at) {
      joined++;
      await emitEvent(trx, deps.jobs, ctx, 'wecom.group_member_joined', { chat_id: group.chat_id, user_id: m.userid, member_type: values.member_type === 1 ? 'staff' : 'external', member_id: values.member_id, join_scene: values.join_scene, joined_at: values.joined_at.toISOString() });
    }
  }
  const gone = before.filter((b) => !b.left_at && !group.member_list.some((m) => m.userid === b.user_id));
  for (const b of gone) await leaveGroup(deps, trx, ctx, group.chat_id, b, now);
  return { joined, left: gone.length };
}

/** A dismissed group: kept for its history, its members marked as gone (no per-member leave events: nobody left). */
export async function dismissGroup(deps: AppDeps, trx: Db, ctx: RequestContext, chatId: string, now: Date) {
  const done = await trx.updateTable('wecom_groups').set({ status: 'dismissed', member_count: 0, synced_at: now }).where('tenant_id', '=', ctx.tenantId).where('chat_id', '=', chatId).where('status', '=', 'active').executeTakeFirst();
  if (Number(done.numUpdatedRows) === 0) return 0;
  await trx.updateTable('wecom_group_members').set({ left_at: now }).where('tenant_id', '=', ctx.tenantId).where('chat_id', '=', chatId).where('left_at', 'is', null).execute();
  await emitEvent(trx, deps.jobs, ctx, 'wecom.group_dismissed', { chat_id: chatId });
  return 1;
}

async function leaveGroup(deps: AppDeps, trx: Db, ctx: RequestContext, chatId: string, member: { user_id: string; member_type: number; member_id: string | null }, now: Date) {
  await trx.updateTable('wecom_group_members').set({ left_at: now }).where('tenant_id', '=', ctx.tenantId).where('chat_id', '=', chatId).where('user_id', '=', member.user_id).execute();
  await emitEvent(trx, deps.jobs, ctx, 'wecom.group_member_left', { chat_id: chatId, user_id: member.user_id, member_type: member.member_type === 1 ? 'staff' : 'external', member_id: member.member_id });
}

/** Contacts not yet mapped whose unionid now belongs to a member (a registration since, or a sign-in with WeChat). */
export async function mapUnmappedContacts(trx: Db, tenantId: string, unionids?: string[]): Promise<number> {
  let q = trx.selectFrom('wecom_contacts').select(['external_user_id', 'unionid']).where('tenant_id', '=', tenantId).where('member_id', 'is', null).where('unionid', 'is not', null);
  if (unionids) {
    if (!unionids.length) return 0;
    q = q.where('unionid', 'in', unionids);
  }
  let mapped = 0;
  for (let after = ''; ; ) {
    const rows = await q.where('external_user_id', '>', after).orderBy('external_user_id').limit(1000).execute();
    if (!rows.length) return mapped;
    const members = await memberIdsByUnionid(trx, tenantId, rows.map((r) => r.unionid!));
    for (const r of rows) {
      const memberId = members.get(r.unionid!);
      if (!memberId) continue;
      await trx.updateTable('wecom_contacts').set({ member_id: memberId }).where('tenant_id', '=', tenantId).where('external_user_id', '=', r.external_user_id).where('member_id', 'is', null).execute();
      await mapGroupMembers(trx, tenantId, r.external_user_id, memberId);
      mapped++;
    }
    after = rows[rows.length - 1]!.external_user_id;
  }
}

async function mapGroupMembers(trx: Db, tenantId: string, externalUserId: string, memberId: string) {
  await trx.updateTable('wecom_group_members').set({ member_id: memberId }).where('tenant_id', '=', tenantId).where('user_id', '=', externalUserId).where('member_type', '=', 2).where(sql<boolean>`member_id is distinct from ${memberId}`).execute();
}
