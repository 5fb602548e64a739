import type { MemberHooks } from '../members/member-hooks.ts';

/** A merged member's orders belong to the survivor; an erased member's orders stay (financial records). */
export function registerOrderHooks(hooks: MemberHooks) {
  hooks.onMerge({
    name: 'orders',
    move: async (trx, ctx, { fromMemberId, toMemberId }) => {
      const moved = await trx.updateTable('orders').set({ member_id: toMemberId }).where('tenant_id', '=', ctx.tenantId).where('member_id', '=', fromMemberId).executeTakeFirst();
      return Number(moved.numUpdatedRows);
    },
  });
}
