import type { AppDeps } from '../../deps.ts';
import { withTransaction } from '../../db/transaction.ts';
import { AppError } from '../../http/errors.ts';
import { applyContact, applyGroup, applyStaff, dismissGroup, mapUnmappedContacts, removeFollow, wecomContext } from './apply.service.ts';
import { wecomFor } from './settings.service.ts';
import './wecom.tables.ts';

/**
 * A full pass over the corp: staff, then every contact of every staff member who has contacts (with who added them),
 * then every customer group with its members. Each contact and group commits on its own (a failure halfway keeps
 * what was done, and the next run redoes everything idempotently); what WeCom no longer lists is closed at the end.
 * Callbacks keep the same rows current between runs.
 */
export async function syncWecom(deps: AppDeps, tenantId: string) {
  const { api } = await wecomFor(deps, tenantId);
  const ctx = wecomContext(tenantId);
  const started = deps.clock.now();
  await deps.db.updateTable('wecom_settings').set({ last_sync_status: 'running', last_sync_error: null }).where('tenant_id', '=', tenantId).execute();
  try {
    const counts = { staff: 0, contacts: 0, contacts_added: 0, follows_removed: 0, groups: 0, group_joins: 0, group_leaves: 0, mapped: 0 };

    const users = new Map<string, Awaited<ReturnType<typeof api.usersOf>>[number]>();
    for (const department of await api.departments()) for (const user of await api.usersOf(department.id)) users.set(user.userid, user);
    await withTransaction(deps.db, (trx) => applyStaff(trx, tenantId, [...users.values()], started, true));
    counts.staff = users.size;

    const seen = new Set<string>();
    for (const staff of await api.followUsers()) for (const id of await api.externalContactsOf(staff)) seen.add(id);
    for (const id of seen) {
      const answer = await api.externalContact(id);
      const done = await withTransaction(deps.db, (trx) => applyContact(deps, trx, ctx, answer, started));
      counts.contacts++;
      counts.contacts_added += done.added;
      counts.follows_removed += done.removed;
    }
    // Contacts WeCom no longer lists for anyone: every remaining follow of theirs has ended.
    const stale = await deps.db.selectFrom('wecom_follows').select(['external_user_id', 'staff_user_id']).where('tenant_id', '=', tenantId).where('removed_at', 'is', null).execute();
    for (const f of stale.filter((s) => !seen.has(s.external_user_id))) {
      counts.follows_removed += await withTransaction(deps.db, (trx) => removeFollow(deps, trx, ctx, f.external_user_id, f.staff_user_id, null, started));
    }

    const chats = new Set(await api.groupChats());
    for (const chatId of chats) {
      const group = await api.groupChat(chatId);
      const done = await withTransaction(deps.db, (trx) => applyGroup(deps, trx, ctx, group, started));
      counts.groups++;
      counts.group_joins += done.joined;
      counts.group_leaves += done.left;
    }
    const active = await deps.db.selectFrom('wecom_groups').select('chat_id').where('tenant_id', '=', tenantId).where('status', '=', 'active').execute();
    for (const g of active.filter((a) => !chats.has(a.chat_id))) await withTransaction(deps.db, (trx) => dismissGroup(deps, trx, ctx, g.chat_id, started));

    counts.mapped = await withTransaction(deps.db, (trx) => mapUnmappedContacts(trx, tenantId));
    await deps.db.updateTable('wecom_settings').set({ last_sync_at: started, last_sync_status: 'succeeded', last_sync_counts: JSON.stringify(counts) }).where('tenant_id', '=', tenantId).execute();
    return counts;
  } catch (error) {
    const message = error instanceof AppError ? error.message : 'unexpected error';
    await deps.db.updateTable('wecom_settings').set({ last_sync_at: started, last_sync_status: 'failed', last_sync_error: message.slice(0, 500) }).where('tenant_id', '=', tenantId).execute();
    throw error;
  }
}
