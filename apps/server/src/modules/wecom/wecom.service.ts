import { createHash, randomBytes } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import type { JssdkSignatures, WecomMessageTask } from '@hearth/contracts/wecom';
import type { Db } from '../../db/database.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { emitEvent } from '../../jobs/outbox.ts';
import { AppError, notFound, validationError } from '../../http/errors.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { wecomFor } from './settings.service.ts';
import './wecom.tables.ts';

// What other modules call: send through WeCom (guides, group broadcasts), make contact-me and join-group codes
// (channel codes, groups), and read who follows whom. Nothing here reads another module's tables.

/**
 * A 1-to-1 message to a member from a staff member they added, as a WeCom message task (add_msg_template): WeCom
 * shows it to the staff member, who confirms it in the app (WeCom allows no other way to message a customer).
 * With a `dedupeKey`, the same key again returns the first task and sends nothing.
 */
export async function sendContactMessage(deps: AppDeps, ctx: RequestContext, input: { staffUserId: string; memberId: string; text: string; dedupeKey?: string }): Promise<WecomMessageTask> {
  const prior = input.dedupeKey ? await taskByKey(deps.db, ctx.tenantId, input.dedupeKey) : undefined;
  if (prior) return prior;
  const { api } = await wecomFor(deps, ctx.tenantId);
  const follows = await deps.db
    .selectFrom('wecom_follows as f')
    .innerJoin('wecom_contacts as c', (j) => j.onRef('c.tenant_id', '=', 'f.tenant_id').onRef('c.external_user_id', '=', 'f.external_user_id'))
    .select('f.external_user_id')
    .where('f.tenant_id', '=', ctx.tenantId)
    .where('c.member_id', '=', input.memberId)
    .where('f.staff_user_id', '=', input.staffUserId)
    .where('f.removed_at', 'is', null)
    .execute();
  if (!follows.length) throw new AppError('WECOM_NOT_FOLLOWED', 'This member has not added this staff member on WeCom', { errors: [{ field: 'member_id', code: 'not_followed', message: 'the member is not a WeCom contact of this staff member' }] });
  const externalUserIds = follows.map((f) => f.external_user_id);
  const answer = await api.addMsgTemplate({ chatType: 'single', sender: input.staffUserId, externalUserIds, text: input.text });
  return recordTask(deps, ctx, { chat_type: 'single', sender: input.staffUserId, member_id: input.memberId, external_user_ids: externalUserIds, chat_ids: [], content: input.text, wecom_msgid: answer.msgid, fail_list: answer.fail_list ?? [], dedupe_key: input.dedupeKey ?? null });
}

/** A message to customer groups owned by the staff member, as one WeCom group message task. */
export async function sendGroupMessage(deps: AppDeps, ctx: RequestContext, input: { staffUserId: string; chatIds: string[]; text: string; dedupeKey?: string }): Promise<WecomMessageTask> {
  const prior = input.dedupeKey ? await taskByKey(deps.db, ctx.tenantId, input.dedupeKey) : undefined;
  if (prior) return prior;
  const { api } = await wecomFor(deps, ctx.tenantId);
  const chatIds = [...new Set(input.chatIds)];
  const groups = await deps.db.selectFrom('wecom_groups').select(['chat_id', 'owner_user_id', 'status']).where('tenant_id', '=', ctx.tenantId).where('chat_id', 'in', chatIds).execute();
  const problems = chatIds.flatMap((id, i) => {
    const g = groups.find((x) => x.chat_id === id);
    if (!g) return [{ field: `chat_ids.${i}`, code: 'unknown_group', message: 'no such group (sync first?)' }];
    if (g.status !== 'active') return [{ field: `chat_ids.${i}`, code: 'group_dismissed', message: 'the group was dismissed' }];
    if (g.owner_user_id !== input.staffUserId) return [{ field: `chat_ids.${i}`, code: 'not_owner', message: 'WeCom sends group messages only from the group owner' }];
    return [];
  });
  if (problems.length) throw validationError(problems);
  const answer = await api.addMsgTemplate({ chatType: 'group', sender: input.staffUserId, chatIds, text: input.text });
  return recordTask(deps, ctx, { chat_type: 'group', sender: input.staffUserId, member_id: null, external_user_ids: [], chat_ids: chatIds, content: input.text, wecom_msgid: answer.msgid, fail_list: answer.fail_list ?? [], dedupe_key: input.dedupeKey ?? null });
}

/** A contact-me QR code spread over several staff; `state` (up to 30 characters) comes back on each add. */
export async function createContactWay(deps: AppDeps, ctx: RequestContext, input: { staffUserIds: string[]; state: string; remark?: string }) {
  if (!input.staffUserIds.length) throw validationError([{ field: 'staff_user_ids', code: 'required', message: 'at least one staff member' }]);
  if (input.state.length > 30) throw validationError([{ field: 'state', code: 'too_long', message: 'WeCom keeps at most 30 characters of state' }]);
  const { api } = await wecomFor(deps, ctx.tenantId);
  const way = await api.addContactWay({ users: input.staffUserIds, state: input.state, remark: input.remark });
  return { configId: way.config_id, qrCodeUrl: way.qr_code };
}

/** A join-group QR code over up to five groups (WeCom moves on when one fills), with a `state` for the source. */
export async function createGroupJoinWay(deps: AppDeps, ctx: RequestContext, input: { chatIds: string[]; state: string; remark?: string }) {
  if (input.chatIds.length < 1 || input.chatIds.length > 5) throw validationError([{ field: 'chat_ids', code: 'count', message: 'one to five groups' }]);
  if (input.state.length > 30) throw validationError([{ field: 'state', code: 'too_long', message: 'WeCom keeps at most 30 characters of state' }]);
  const { api } = await wecomFor(deps, ctx.tenantId);
  const way = await api.addJoinWay({ chatIds: input.chatIds, state: input.state, remark: input.remark });
  return { configId: way.config_id, qrCodeUrl: way.qr_code };
}

/** The staff members a member has added on WeCom (their guides), earliest first; removed relations excluded. */
export async function followsOfMember(db: Db, tenantId: string, memberId: string) {
  return db
    .selectFrom('wecom_follows as f')
    .innerJoin('wecom_contacts as c', (j) => j.onRef('c.tenant_id', '=', 'f.tenant_id').onRef('c.external_user_id', '=', 'f.external_user_id'))
    .leftJoin('wecom_staff as s', (j) => j.onRef('s.tenant_id', '=', 'f.tenant_id').onRef('s.user_id', '=', 'f.staff_user_id'))
    .select(['f.staff_user_id', 'f.external_user_id', 'f.added_at', 'f.state', 's.name as staff_name', 's.operator_id', 's.store_id'])
    .where('f.tenant_id', '=', tenantId)
    .where('c.member_id', '=', memberId)
    .where('f.removed_at', 'is', null)
    .orderBy('f.added_at')
    .execute();
}

/** The external contacts carrying these unionids (before or without a member mapping). */
export async function contactIdsByUnionids(db: Db, tenantId: string, unionids: readonly string[]): Promise<string[]> {
  if (!unionids.length) return [];
  const rows = await db.selectFrom('wecom_contacts').select('external_user_id').where('tenant_id', '=', tenantId).where('unionid', 'in', [...unionids]).execute();
  return rows.map((r) => r.external_user_id);
}

/** The member an external contact is mapped to (by unionid), or null: not synced yet, or not a member. */
export async function memberOfContact(db: Db, tenantId: string, externalUserId: string): Promise<string | null> {
  const row = await db.selectFrom('wecom_contacts').select('member_id').where('tenant_id', '=', tenantId).where('external_user_id', '=', externalUserId).executeTakeFirst();
  return row?.member_id ?? null;
}

/**
 * What a console page inside WeCom (the guide sidebar) needs to register the JS-SDK (ww.register): the corp's and,
 * with an AgentId, the app's signature of the page URL — sha1 over ticket, nonce, timestamp and URL, as WeCom's
 * JS-SDK signature algorithm specifies. The fragment is not signed.
 */
export async function jssdkSignatures(deps: AppDeps, ctx: RequestContext, pageUrl: string): Promise<JssdkSignatures> {
  const { api, corpId, agentId } = await wecomFor(deps, ctx.tenantId);
  const url = pageUrl.split('#')[0]!;
  const timestamp = Math.floor(deps.clock.now().getTime() / 1000);
  const sign = (ticket: string) => {
    const nonce = randomBytes(8).toString('hex');
    return { timestamp, nonce_str: nonce, signature: createHash('sha1').update(`jsapi_ticket=${ticket}&noncestr=${nonce}&timestamp=${timestamp}&url=${url}`).digest('hex') };
  };
  return { corp_id: corpId, agent_id: agentId, config: sign(await api.jsapiTicket('corp')), agent_config: agentId ? sign(await api.jsapiTicket('agent')) : null };
}

/** Members (mapped contacts) a staff member has, with when they added them. */
export async function membersOfStaff(db: Db, tenantId: string, staffUserId: string) {
  return db
    .selectFrom('wecom_follows as f')
    .innerJoin('wecom_contacts as c', (j) => j.onRef('c.tenant_id', '=', 'f.tenant_id').onRef('c.external_user_id', '=', 'f.external_user_id'))
    .select(['c.member_id', 'f.added_at', 'f.state'])
    .where('f.tenant_id', '=', tenantId)
    .where('f.staff_user_id', '=', staffUserId)
    .where('f.removed_at', 'is', null)
    .where('c.member_id', 'is not', null)
    .orderBy('f.added_at')
    .execute() as Promise<{ member_id: string; added_at: Date; state: string | null }[]>;
}

/** A staff member by WeCom userid (with the operator and store it is linked to), or undefined. */
export async function findStaff(db: Db, tenantId: string, userId: string) {
  return db.selectFrom('wecom_staff').select(['user_id', 'name', 'active', 'operator_id', 'store_id']).where('tenant_id', '=', tenantId).where('user_id', '=', userId).executeTakeFirst();
}

/** Customer groups and their current size, for the groups module's catalogue. */
export async function getGroup(db: Db, tenantId: string, chatId: string) {
  const row = await db.selectFrom('wecom_groups').selectAll().where('tenant_id', '=', tenantId).where('chat_id', '=', chatId).executeTakeFirst();
  if (!row) throw notFound('WeCom group');
  return row;
}

type TaskRow = { chat_type: 'single' | 'group'; sender: string; member_id: string | null; external_user_ids: string[]; chat_ids: string[]; content: string; wecom_msgid: string; fail_list: string[]; dedupe_key: string | null };

async function recordTask(deps: AppDeps, ctx: RequestContext, task: TaskRow): Promise<WecomMessageTask> {
  return withTransaction(deps.db, async (trx) => {
    const id = uuidv7();
    const inserted = await trx
      .insertInto('wecom_message_tasks')
      .values({ tenant_id: ctx.tenantId, id, ...task, external_user_ids: JSON.stringify(task.external_user_ids), chat_ids: JSON.stringify(task.chat_ids), fail_list: JSON.stringify(task.fail_list), created_at: deps.clock.now() })
      .onConflict((oc) => oc.columns(['tenant_id', 'dedupe_key']).where('dedupe_key', 'is not', null).doNothing())
      .returningAll()
      .executeTakeFirst();
    // A concurrent call with the same key won: WeCom got two tasks, Hearth records the first (the sender sees both).
    if (!inserted) return (await taskByKey(trx, ctx.tenantId, task.dedupe_key!))!;
    await recordAudit(trx, ctx, { action: 'wecom.message_task_created', resourceType: 'wecom_message_task', resourceId: id, details: { chat_type: task.chat_type, sender: task.sender, member_id: task.member_id, chats: task.chat_ids.length } });
    await emitEvent(trx, deps.jobs, ctx, 'wecom.message_task_created', { task_id: id, chat_type: task.chat_type, sender: task.sender, member_id: task.member_id, chat_ids: task.chat_ids });
    return serializeTask(inserted);
  });
}

async function taskByKey(db: Db, tenantId: string, key: string) {
  const row = await db.selectFrom('wecom_message_tasks').selectAll().where('tenant_id', '=', tenantId).where('dedupe_key', '=', key).executeTakeFirst();
  return row ? serializeTask(row) : undefined;
}

function serializeTask(row: { id: string; chat_type: 'single' | 'group'; sender: string; member_id: string | null; chat_ids: string[]; wecom_msgid: string | null; fail_list: string[]; created_at: Date }): WecomMessageTask {
  return { id: row.id, chat_type: row.chat_type, sender: row.sender, member_id: row.member_id, chat_ids: row.chat_ids, wecom_msgid: row.wecom_msgid, fail_list: row.fail_list, created_at: row.created_at.toISOString() };
}
