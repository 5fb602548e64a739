import { type Selectable } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { AutoReply, AutoReplyInput } from '@hearth/contracts/groups';
import type { Db } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { notFound, validationError } from '../../http/errors.ts';
import { enqueueJob } from '../../jobs/enqueue.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { getGroupRow } from './catalogue.service.ts';
import './groups.tables.ts';

export const AUTO_REPLY_JOB = 'groups.auto_reply';
type ReplyRow = Selectable<DB['group_auto_replies']>;

export async function createAutoReply(deps: AppDeps, ctx: RequestContext, input: AutoReplyInput): Promise<AutoReply> {
  await checkScope(deps.db, ctx.tenantId, input);
  const id = uuidv7();
  const row = await withTransaction(deps.db, async (trx) => {
    const inserted = await trx.insertInto('group_auto_replies').values({ tenant_id: ctx.tenantId, id, ...replyValues(input) }).returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, ctx, { action: 'groups.auto_reply_create', resourceType: 'group_auto_reply', resourceId: id, details: { keyword: input.keyword, match: input.match } });
    return inserted;
  });
  return serializeReply(row);
}

export async function updateAutoReply(deps: AppDeps, ctx: RequestContext, id: string, input: AutoReplyInput): Promise<AutoReply> {
  await checkScope(deps.db, ctx.tenantId, input);
  const row = await withTransaction(deps.db, async (trx) => {
    const updated = await trx.updateTable('group_auto_replies').set(replyValues(input)).where('tenant_id', '=', ctx.tenantId).where('id', '=', id).returningAll().executeTakeFirst();
    if (!updated) throw notFound('Auto-reply');
    await recordAudit(trx, ctx, { action: 'groups.auto_reply_update', resourceType: 'group_auto_reply', resourceId: id, details: { keyword: input.keyword, enabled: input.enabled } });
    return updated;
  });
  return serializeReply(row);
}

export async function deleteAutoReply(deps: AppDeps, ctx: RequestContext, id: string): Promise<void> {
  await withTransaction(deps.db, async (trx) => {
    const deleted = await trx.deleteFrom('group_auto_replies').where('tenant_id', '=', ctx.tenantId).where('id', '=', id).returning('keyword').executeTakeFirst();
    if (!deleted) throw notFound('Auto-reply');
    // Messages keep which rule answered them; the rule is gone, the answer happened.
    await trx.updateTable('group_messages').set({ auto_reply_id: null }).where('tenant_id', '=', ctx.tenantId).where('auto_reply_id', '=', id).execute();
    await recordAudit(trx, ctx, { action: 'groups.auto_reply_delete', resourceType: 'group_auto_reply', resourceId: id, details: { keyword: deleted.keyword } });
  });
}

export async function listAutoReplies(db: Db, tenantId: string, filter: { group_id?: string; pool_id?: string }): Promise<AutoReply[]> {
  let q = db.selectFrom('group_auto_replies').selectAll().where('tenant_id', '=', tenantId);
  if (filter.group_id) q = q.where('group_id', '=', filter.group_id);
  if (filter.pool_id) q = q.where('pool_id', '=', filter.pool_id);
  return (await q.orderBy('id').limit(500).execute()).map(serializeReply);
}

/**
 * Which rule answers a message in a group: the group's own rules before its pool's; within them an exact
 * match before a `contains` one, and the longest keyword first (the most specific). Text is compared after
 * NFKC normalization (full-width letters and digits, as Chinese keyboards type them, equal the half-width
 * ones), trimmed and case-insensitive.
 */
export async function matchAutoReply(db: Db, tenantId: string, groupId: string, text: string): Promise<ReplyRow | undefined> {
  const group = await getGroupRow(db, tenantId, groupId);
  let q = db.selectFrom('group_auto_replies').selectAll().where('tenant_id', '=', tenantId).where('enabled', '=', true);
  q = group.pool_id ? q.where((eb) => eb.or([eb('group_id', '=', groupId), eb('pool_id', '=', group.pool_id)])) : q.where('group_id', '=', groupId);
  const rules = await q.execute();
  const said = normalize(text);
  if (!said) return undefined;
  const rank = (r: ReplyRow) => (r.group_id ? 0 : 2) + (r.match === 'exact' ? 0 : 1);
  const ordered = rules.sort((a, b) => rank(a) - rank(b) || normalize(b.keyword).length - normalize(a.keyword).length || a.id.localeCompare(b.id));
  return ordered.find((r) => (r.match === 'exact' ? said === normalize(r.keyword) : said.includes(normalize(r.keyword))));
}

const normalize = (text: string) => text.normalize('NFKC').trim().toLowerCase();

export interface IncomingGroupMessage {
  chatId: string;
  msgId: string;
  sender: string;
  text: string;
  sentAt: Date;
}

/**
 * A message a member sent in a group, as an integration delivers it (WeCom does not call back with
 * customer-group messages: session archiving or a group bot does). It is recorded once by WeCom's message
 * id (it counts the sender as active: the member is the one their latest join to the group was mapped to), and
 * when a rule matches, the reply is sent by a job keyed by the message, so a redelivered message is answered once.
 */
export async function handleIncomingGroupMessage(deps: AppDeps, ctx: RequestContext, message: IncomingGroupMessage) {
  const group = await deps.db.selectFrom('community_groups').select('id').where('tenant_id', '=', ctx.tenantId).where('chat_id', '=', message.chatId).executeTakeFirst();
  if (!group) return { group_id: null, reply: null, duplicate: false };
  const rule = await matchAutoReply(deps.db, ctx.tenantId, group.id, message.text);
  const joined = await deps.db
    .selectFrom('group_member_changes')
    .select('member_id')
    .where('tenant_id', '=', ctx.tenantId)
    .where('group_id', '=', group.id)
    .where('external_userid', '=', message.sender)
    .where('member_id', 'is not', null)
    .orderBy('occurred_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return withTransaction(deps.db, async (trx) => {
    const inserted = await trx
      .insertInto('group_messages')
      .values({ tenant_id: ctx.tenantId, group_id: group.id, msg_id: message.msgId, sender: message.sender, member_id: joined?.member_id ?? null, auto_reply_id: rule?.id ?? null, sent_at: message.sentAt })
      .onConflict((oc) => oc.columns(['tenant_id', 'group_id', 'msg_id']).doNothing())
      .returning('msg_id')
      .executeTakeFirst();
    if (!inserted) return { group_id: group.id, reply: null, duplicate: true };
    if (!rule) return { group_id: group.id, reply: null, duplicate: false };
    await enqueueJob(trx, deps.jobs, { tenantId: ctx.tenantId, name: AUTO_REPLY_JOB, key: `reply:${group.id}:${message.msgId}`, payload: { group_id: group.id, auto_reply_id: rule.id, text: rule.reply_text } });
    return { group_id: group.id, reply: { auto_reply_id: rule.id, text: rule.reply_text }, duplicate: false };
  });
}

async function checkScope(db: Db, tenantId: string, input: AutoReplyInput) {
  if (input.group_id) {
    const found = await db.selectFrom('community_groups').select('id').where('tenant_id', '=', tenantId).where('id', '=', input.group_id).executeTakeFirst();
    if (!found) throw validationError([{ field: 'group_id', code: 'unknown_group', message: 'no such group' }]);
  }
  if (input.pool_id) {
    const found = await db.selectFrom('group_pools').select('id').where('tenant_id', '=', tenantId).where('id', '=', input.pool_id).executeTakeFirst();
    if (!found) throw validationError([{ field: 'pool_id', code: 'unknown_pool', message: 'no such pool' }]);
  }
}

function replyValues(input: AutoReplyInput) {
  return { group_id: input.group_id ?? null, pool_id: input.pool_id ?? null, keyword: input.keyword, match: input.match, reply_text: input.reply_text, enabled: input.enabled };
}

function serializeReply(row: ReplyRow): AutoReply {
  return { id: row.id, group_id: row.group_id, pool_id: row.pool_id, keyword: row.keyword, match: row.match, reply_text: row.reply_text, enabled: row.enabled, created_at: row.created_at.toISOString() };
}
