import type { Db } from '../../db/database.ts';
import { enqueueJob } from '../../jobs/enqueue.ts';
import type { DomainEvent } from '../../jobs/outbox.ts';
import type { JobRegistry } from '../../jobs/registry.ts';
import type { MemberHooks } from '../members/member-hooks.ts';
import { unionidsOfMember } from '../members/members.service.ts';
import { mapUnmappedContacts } from './apply.service.ts';
import { applyCallbackEvent, CALLBACK_JOB } from './callbacks.service.ts';
import { maskId, maskName } from './lists.service.ts';
import { syncWecom } from './sync.service.ts';
import './wecom.tables.ts';

export const SYNC_JOB = 'wecom.sync';
const SYNC_ALL_JOB = 'wecom.sync_all';
const MAP_MEMBER_JOB = 'wecom.map_member';

/**
 * Sync and callbacks call WeCom over HTTP, so their jobs are not transactional: each contact or group commits on
 * its own, and applying WeCom's answer again changes nothing (see apply.service.ts).
 */
export function registerWecomJobs(registry: JobRegistry) {
  registry.define<Record<string, never>>({ name: SYNC_JOB, transactional: false, maxAttempts: 3, backoffMs: 60_000, handler: ({ deps, job }) => syncWecom(deps, job.tenant_id) });
  registry.define({
    name: SYNC_ALL_JOB,
    transactional: false,
    maxAttempts: 1,
    handler: async ({ deps }) => {
      const tenants = await deps.db.selectFrom('wecom_settings as w').innerJoin('tenants as t', 't.id', 'w.tenant_id').select('w.tenant_id').where('w.enabled', '=', true).where('t.status', '=', 'active').execute();
      const day = deps.clock.now().toISOString().slice(0, 10);
      for (const t of tenants) await enqueueJob(deps.db, deps.jobs, { tenantId: t.tenant_id, name: SYNC_JOB, key: `nightly:${day}` });
      return { tenants: tenants.length };
    },
  });
  // Nightly, before the shops open: callbacks keep the day current, the sync catches what a missed callback lost.
  registry.schedule(SYNC_ALL_JOB, '30 3 * * *', { timeZone: 'Asia/Shanghai' });
  registry.define<{ event: Record<string, string> }>({ name: CALLBACK_JOB, transactional: false, maxAttempts: 5, handler: ({ deps, job, payload }) => applyCallbackEvent(deps, job.tenant_id, payload.event) });
  // A member registered with a unionid that WeCom contacts already carry: link them now rather than at the next sync.
  registry.define<{ event: DomainEvent<{ member_id: string }> }>({
    name: MAP_MEMBER_JOB,
    handler: async ({ db, job, payload }) => mapUnmappedContacts(db, job.tenant_id, await unionidsOfMember(db, job.tenant_id, payload.event.payload.member_id)),
  });
  registry.subscribe('member.registered', MAP_MEMBER_JOB);
}

/**
 * Merges move the contacts, group memberships and message tasks to the survivor. Erasure deletes the member's
 * contacts (names, unionids; their follows go with them) and group memberships, and blanks the text of tasks sent to
 * them. WeCom still knows the person: a later sync brings the contact back, unlinked, because the unionid identity
 * is gone from the member.
 */
export function registerWecomMemberHooks(hooks: MemberHooks) {
  hooks.onMerge({
    name: 'wecom',
    move: async (trx, ctx, { fromMemberId, toMemberId }) => {
      let moved = 0;
      for (const table of ['wecom_contacts', 'wecom_group_members', 'wecom_message_tasks'] as const) {
        moved += Number((await trx.updateTable(table).set({ member_id: toMemberId }).where('tenant_id', '=', ctx.tenantId).where('member_id', '=', fromMemberId).executeTakeFirst()).numUpdatedRows);
      }
      return moved;
    },
  });
  hooks.onErase({
    name: 'wecom',
    erase: async (trx, ctx, memberId) => {
      const contacts = await trx.deleteFrom('wecom_contacts').where('tenant_id', '=', ctx.tenantId).where('member_id', '=', memberId).executeTakeFirst();
      const groups = await trx.deleteFrom('wecom_group_members').where('tenant_id', '=', ctx.tenantId).where('member_id', '=', memberId).executeTakeFirst();
      const tasks = await trx.updateTable('wecom_message_tasks').set({ content: '', external_user_ids: '[]' }).where('tenant_id', '=', ctx.tenantId).where('member_id', '=', memberId).executeTakeFirst();
      return Number(contacts.numDeletedRows) + Number(groups.numDeletedRows) + Number(tasks.numUpdatedRows);
    },
  });
  hooks.addSection({
    name: 'wecom',
    load: async (deps, ctx, memberId) => {
      const data = await loadSection(deps.db, ctx.tenantId, memberId);
      return { ...data, contacts: data.contacts.map((c) => ({ ...c, name: c.name === null ? null : maskName(c.name), unionid: c.unionid === null ? null : maskId(c.unionid) })) };
    },
    export: (deps, ctx, memberId) => loadSection(deps.db, ctx.tenantId, memberId),
  });
}

async function loadSection(db: Db, tenantId: string, memberId: string) {
  const contacts = await db.selectFrom('wecom_contacts').select(['external_user_id', 'name', 'unionid', 'synced_at']).where('tenant_id', '=', tenantId).where('member_id', '=', memberId).execute();
  const ids = contacts.map((c) => c.external_user_id);
  const follows = ids.length ? await db.selectFrom('wecom_follows').select(['external_user_id', 'staff_user_id', 'added_at', 'state', 'removed_at']).where('tenant_id', '=', tenantId).where('external_user_id', 'in', ids).orderBy('added_at').execute() : [];
  const groups = await db.selectFrom('wecom_group_members as m').innerJoin('wecom_groups as g', (j) => j.onRef('g.tenant_id', '=', 'm.tenant_id').onRef('g.chat_id', '=', 'm.chat_id')).select(['m.chat_id', 'g.name as group_name', 'm.joined_at', 'm.left_at']).where('m.tenant_id', '=', tenantId).where('m.member_id', '=', memberId).orderBy('m.joined_at').execute();
  return { contacts: contacts.map((c) => ({ ...c, follows: follows.filter((f) => f.external_user_id === c.external_user_id) })), groups };
}
