import type { MemberHooks } from './member-hooks.ts';
import { recentEvents } from './events.service.ts';

/** The members module's own rows that live beside the profile: events, anonymous ids, member-code secrets. */
export function registerMemberHooks(hooks: MemberHooks) {
  hooks.onMerge({
    name: 'events',
    move: async (trx, ctx, { fromMemberId, toMemberId }) => {
      const moved = await trx.updateTable('member_events').set({ member_id: toMemberId }).where('tenant_id', '=', ctx.tenantId).where('member_id', '=', fromMemberId).executeTakeFirst();
      await trx.updateTable('member_anonymous_ids').set({ member_id: toMemberId }).where('tenant_id', '=', ctx.tenantId).where('member_id', '=', fromMemberId).execute();
      // The merged profile's card no longer exists; its codes must stop working.
      await trx.deleteFrom('member_code_secrets').where('tenant_id', '=', ctx.tenantId).where('member_id', '=', fromMemberId).execute();
      return Number(moved.numUpdatedRows);
    },
  });
  hooks.onErase({
    name: 'events',
    erase: async (trx, ctx, memberId) => {
      const deleted = await trx.deleteFrom('member_events').where('tenant_id', '=', ctx.tenantId).where('member_id', '=', memberId).executeTakeFirst();
      await trx.deleteFrom('member_anonymous_ids').where('tenant_id', '=', ctx.tenantId).where('member_id', '=', memberId).execute();
      await trx.deleteFrom('member_code_secrets').where('tenant_id', '=', ctx.tenantId).where('member_id', '=', memberId).execute();
      return Number(deleted.numDeletedRows);
    },
  });
  hooks.addSection({ name: 'recent_events', load: (deps, ctx, memberId) => recentEvents(deps.db, ctx.tenantId, memberId) });
}
