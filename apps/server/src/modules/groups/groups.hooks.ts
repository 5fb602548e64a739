import type { JobRegistry } from '../../jobs/registry.ts';
import type { MemberHooks } from '../members/member-hooks.ts';
import { runGroupBroadcast } from './broadcast-send.job.ts';
import { BROADCAST_JOB } from './broadcasts.service.ts';
import { WELCOME_JOB } from './membership.service.ts';
import { AUTO_REPLY_JOB } from './replies.service.ts';
import { sendAutoReply, sendWelcome } from './welcome.service.ts';
import { onWecomGroupCreated, onWecomGroupDismissed, onWecomGroupMember } from './wecom-sync.service.ts';
import './groups.tables.ts';

/** Sends go to WeCom, outside the database: the jobs are not transactional and record their own progress. */
export function registerGroupJobs(registry: JobRegistry) {
  registry.define<{ broadcast_id: string }>({ name: BROADCAST_JOB, transactional: false, handler: runGroupBroadcast });
  registry.define<{ group_id: string }>({ name: WELCOME_JOB, transactional: false, handler: sendWelcome });
  registry.define<{ group_id: string; text: string }>({ name: AUTO_REPLY_JOB, transactional: false, handler: sendAutoReply });
  // The wecom module's sync and callbacks tell this module about customer groups and their members.
  registry.define({ name: 'groups.wecom_group_created', handler: onWecomGroupCreated });
  registry.define({ name: 'groups.wecom_group_member', handler: onWecomGroupMember });
  registry.define({ name: 'groups.wecom_group_dismissed', handler: onWecomGroupDismissed });
  registry.subscribe('wecom.group_created', 'groups.wecom_group_created');
  registry.subscribe('wecom.group_member_joined', 'groups.wecom_group_member');
  registry.subscribe('wecom.group_member_left', 'groups.wecom_group_member');
  registry.subscribe('wecom.group_dismissed', 'groups.wecom_group_dismissed');
}

/**
 * A member's joins, leaves and group messages follow a merge. An erasure detaches them from the member and
 * blanks the WeCom ids (external_userid is an identifier like an openid); the counts stay, they are the
 * brand's. The 360 section (and the export) lists the member's group joins and leaves.
 */
export function registerGroupMemberHooks(hooks: MemberHooks) {
  hooks.onMerge({
    name: 'groups',
    move: async (trx, ctx, { fromMemberId, toMemberId }) => {
      const changes = await trx.updateTable('group_member_changes').set({ member_id: toMemberId }).where('tenant_id', '=', ctx.tenantId).where('member_id', '=', fromMemberId).executeTakeFirst();
      const messages = await trx.updateTable('group_messages').set({ member_id: toMemberId }).where('tenant_id', '=', ctx.tenantId).where('member_id', '=', fromMemberId).executeTakeFirst();
      return Number(changes.numUpdatedRows) + Number(messages.numUpdatedRows);
    },
  });
  hooks.onErase({
    name: 'groups',
    erase: async (trx, ctx, memberId) => {
      const changes = await trx.updateTable('group_member_changes').set({ member_id: null, external_userid: null }).where('tenant_id', '=', ctx.tenantId).where('member_id', '=', memberId).executeTakeFirst();
      const messages = await trx.updateTable('group_messages').set({ member_id: null, sender: 'erased' }).where('tenant_id', '=', ctx.tenantId).where('member_id', '=', memberId).executeTakeFirst();
      return Number(changes.numUpdatedRows) + Number(messages.numUpdatedRows);
    },
  });
  hooks.addSection({
    name: 'groups',
    load: async (deps, ctx, memberId) => {
      const changes = await deps.db
        .selectFrom('group_member_changes as c')
        .innerJoin('community_groups as g', (j) => j.onRef('g.tenant_id', '=', 'c.tenant_id').onRef('g.id', '=', 'c.group_id'))
        .select(['c.group_id', 'g.name as group_name', 'c.kind', 'c.occurred_at'])
        .where('c.tenant_id', '=', ctx.tenantId)
        .where('c.member_id', '=', memberId)
        .orderBy('c.occurred_at', 'desc')
        .limit(100)
        .execute();
      return { changes };
    },
  });
}
