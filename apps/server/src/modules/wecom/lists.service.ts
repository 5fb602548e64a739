import { sql } from 'kysely';
import type { WecomContact, WecomGroup, WecomStaff, WecomStatus } from '@hearth/contracts/wecom';
import type { Db } from '../../db/database.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { notFound, validationError } from '../../http/errors.ts';
import { decodeCursor, toPage } from '../../http/pagination.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { memberNumbers } from '../members/members.service.ts';
import './wecom.tables.ts';

// The console's views of the synced data. Contact names and unionids are personal data: masked here; the member's
// export (wecom.hooks.ts) carries them in full.

export async function wecomStatus(db: Db, tenantId: string): Promise<WecomStatus> {
  const settings = await db.selectFrom('wecom_settings').select(['last_sync_at', 'last_sync_status', 'last_sync_error']).where('tenant_id', '=', tenantId).executeTakeFirst();
  const { rows } = await sql<Record<'staff' | 'contacts' | 'mapped_contacts' | 'follows' | 'groups' | 'group_members', string>>`
    select (select count(*) from wecom_staff where tenant_id = ${tenantId} and active) as staff,
           (select count(*) from wecom_contacts where tenant_id = ${tenantId}) as contacts,
           (select count(*) from wecom_contacts where tenant_id = ${tenantId} and member_id is not null) as mapped_contacts,
           (select count(*) from wecom_follows where tenant_id = ${tenantId} and removed_at is null) as follows,
           (select count(*) from wecom_groups where tenant_id = ${tenantId} and status = 'active') as groups,
           (select count(*) from wecom_group_members where tenant_id = ${tenantId} and left_at is null) as group_members`.execute(db);
  const n = rows[0]!;
  return {
    last_sync_at: settings?.last_sync_at?.toISOString() ?? null,
    last_sync_status: settings?.last_sync_status ?? null,
    last_sync_error: settings?.last_sync_error ?? null,
    staff: Number(n.staff),
    contacts: Number(n.contacts),
    mapped_contacts: Number(n.mapped_contacts),
    follows: Number(n.follows),
    groups: Number(n.groups),
    group_members: Number(n.group_members),
  };
}

export async function listStaff(db: Db, tenantId: string, query: { limit: number; cursor?: string }) {
  const after = decodeCursor(query.cursor);
  let q = db
    .selectFrom('wecom_staff as s')
    .selectAll('s')
    .select((eb) => eb.selectFrom('wecom_follows as f').whereRef('f.tenant_id', '=', 's.tenant_id').whereRef('f.staff_user_id', '=', 's.user_id').where('f.removed_at', 'is', null).select(sql<number>`count(*)`.as('n')).as('contacts'))
    .where('s.tenant_id', '=', tenantId);
  if (after) q = q.where('s.user_id', '>', after);
  const rows = await q.orderBy('s.user_id').limit(query.limit + 1).execute();
  const page = toPage(rows, query.limit, (r) => r.user_id);
  return { data: page.data.map(serializeStaff), next_cursor: page.next_cursor };
}

/** Links a WeCom staff member to an operator and/or a store (the guide's store). */
export async function updateStaff(deps: AppDeps, ctx: RequestContext, userId: string, input: { operator_id?: string | null; store_id?: string | null }) {
  const changes: { operator_id?: string | null; store_id?: string | null } = {};
  if (input.operator_id !== undefined) changes.operator_id = input.operator_id;
  if (input.store_id !== undefined) changes.store_id = input.store_id;
  if (input.operator_id) {
    const op = await deps.db.selectFrom('operators').select('id').where('tenant_id', '=', ctx.tenantId).where('id', '=', input.operator_id).executeTakeFirst();
    if (!op) throw validationError([{ field: 'operator_id', code: 'unknown_operator', message: 'no such operator' }]);
  }
  if (input.store_id) {
    const store = await deps.db.selectFrom('stores').select('id').where('tenant_id', '=', ctx.tenantId).where('id', '=', input.store_id).executeTakeFirst();
    if (!store) throw validationError([{ field: 'store_id', code: 'unknown_store', message: 'no such store' }]);
  }
  return withTransaction(deps.db, async (trx) => {
    const row = Object.keys(changes).length
      ? await trx.updateTable('wecom_staff').set(changes).where('tenant_id', '=', ctx.tenantId).where('user_id', '=', userId).returningAll().executeTakeFirst()
      : await trx.selectFrom('wecom_staff').selectAll().where('tenant_id', '=', ctx.tenantId).where('user_id', '=', userId).executeTakeFirst();
    if (!row) throw notFound('WeCom staff member');
    await recordAudit(trx, ctx, { action: 'wecom.staff_linked', resourceType: 'wecom_staff', resourceId: userId, details: changes });
    const contacts = await trx.selectFrom('wecom_follows').select(sql<number>`count(*)`.as('n')).where('tenant_id', '=', ctx.tenantId).where('staff_user_id', '=', userId).where('removed_at', 'is', null).executeTakeFirstOrThrow();
    return serializeStaff({ ...row, contacts: contacts.n });
  });
}

export async function listContacts(db: Db, tenantId: string, query: { staff_user_id?: string; member_id?: string; mapped?: 'true' | 'false'; limit: number; cursor?: string }) {
  const after = decodeCursor(query.cursor);
  let q = db.selectFrom('wecom_contacts as c').selectAll('c').where('c.tenant_id', '=', tenantId);
  if (after) q = q.where('c.external_user_id', '>', after);
  if (query.member_id) q = q.where('c.member_id', '=', query.member_id);
  if (query.mapped) q = q.where('c.member_id', query.mapped === 'true' ? 'is not' : 'is', null);
  if (query.staff_user_id) {
    const staff = query.staff_user_id;
    q = q.where((eb) => eb.exists(eb.selectFrom('wecom_follows as f').whereRef('f.tenant_id', '=', 'c.tenant_id').whereRef('f.external_user_id', '=', 'c.external_user_id').where('f.staff_user_id', '=', staff).where('f.removed_at', 'is', null)));
  }
  const rows = await q.orderBy('c.external_user_id').limit(query.limit + 1).execute();
  const page = toPage(rows, query.limit, (r) => r.external_user_id);
  const ids = page.data.map((r) => r.external_user_id);
  const follows = ids.length ? await db.selectFrom('wecom_follows').selectAll().where('tenant_id', '=', tenantId).where('external_user_id', 'in', ids).orderBy('added_at').execute() : [];
  const numbers = await memberNumbers(db, tenantId, [...new Set(page.data.map((r) => r.member_id).filter((id): id is string => id !== null))]);
  const data: WecomContact[] = page.data.map((r) => ({
    external_user_id: r.external_user_id,
    name: r.name === null ? null : maskName(r.name),
    unionid: r.unionid === null ? null : maskId(r.unionid),
    member_id: r.member_id,
    member_no: r.member_id ? (numbers.get(r.member_id) ?? null) : null,
    follows: follows.filter((f) => f.external_user_id === r.external_user_id).map((f) => ({ staff_user_id: f.staff_user_id, added_at: f.added_at.toISOString(), state: f.state, removed_at: f.removed_at?.toISOString() ?? null })),
    synced_at: r.synced_at.toISOString(),
  }));
  return { data, next_cursor: page.next_cursor };
}

export async function listGroups(db: Db, tenantId: string, query: { status?: 'active' | 'dismissed'; owner_user_id?: string; limit: number; cursor?: string }) {
  const after = decodeCursor(query.cursor);
  let q = db.selectFrom('wecom_groups').selectAll().where('tenant_id', '=', tenantId);
  if (after) q = q.where('chat_id', '>', after);
  if (query.status) q = q.where('status', '=', query.status);
  if (query.owner_user_id) q = q.where('owner_user_id', '=', query.owner_user_id);
  const rows = await q.orderBy('chat_id').limit(query.limit + 1).execute();
  const page = toPage(rows, query.limit, (r) => r.chat_id);
  const data: WecomGroup[] = page.data.map((r) => ({ chat_id: r.chat_id, name: r.name, owner_user_id: r.owner_user_id, status: r.status, member_count: r.member_count, created_at: r.wecom_created_at?.toISOString() ?? null, synced_at: r.synced_at.toISOString() }));
  return { data, next_cursor: page.next_cursor };
}

export async function listGroupMembers(db: Db, tenantId: string, chatId: string, query: { current?: 'true' | 'false'; limit: number; cursor?: string }) {
  const group = await db.selectFrom('wecom_groups').select('chat_id').where('tenant_id', '=', tenantId).where('chat_id', '=', chatId).executeTakeFirst();
  if (!group) throw notFound('WeCom group');
  const after = decodeCursor(query.cursor);
  let q = db.selectFrom('wecom_group_members').selectAll().where('tenant_id', '=', tenantId).where('chat_id', '=', chatId);
  if (after) q = q.where('user_id', '>', after);
  if (query.current) q = q.where('left_at', query.current === 'true' ? 'is' : 'is not', null);
  const rows = await q.orderBy('user_id').limit(query.limit + 1).execute();
  const page = toPage(rows, query.limit, (r) => r.user_id);
  return {
    data: page.data.map((r) => ({ user_id: r.user_id, member_type: r.member_type === 1 ? ('staff' as const) : ('external' as const), name: r.name === null ? null : r.member_type === 1 ? r.name : maskName(r.name), member_id: r.member_id, joined_at: r.joined_at.toISOString(), join_scene: r.join_scene, left_at: r.left_at?.toISOString() ?? null })),
    next_cursor: page.next_cursor,
  };
}

/** 张** : the first character, the rest hidden (WeChat nicknames are names as often as not). */
export function maskName(name: string): string {
  const chars = [...name];
  return chars.length <= 1 ? '*' : `${chars[0]}${'*'.repeat(Math.min(chars.length - 1, 4))}`;
}

export function maskId(id: string): string {
  return id.length <= 8 ? '****' : `${id.slice(0, 4)}****${id.slice(-4)}`;
}

function serializeStaff(r: { user_id: string; name: string; department_ids: number[]; active: boolean; operator_id: string | null; store_id: string | null; synced_at: Date; contacts: number | string | null }): WecomStaff {
  return { user_id: r.user_id, name: r.name, department_ids: r.department_ids, active: r.active, operator_id: r.operator_id, store_id: r.store_id, contacts: Number(r.contacts ?? 0), synced_at: r.synced_at.toISOString() };
}
