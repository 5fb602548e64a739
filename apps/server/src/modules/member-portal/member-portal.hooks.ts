import type { JobRegistry } from '../../jobs/registry.ts';
import type { MemberHooks } from '../members/member-hooks.ts';
import { cleanSignInCodes, endAllMemberSessions } from './sign-in.service.ts';

export function registerMemberPortalJobs(registry: JobRegistry) {
  registry.define({ name: 'member_portal.cleanup', handler: ({ deps }) => cleanSignInCodes(deps.db, deps.clock.now()).then(() => undefined) });
  registry.schedule('member_portal.cleanup', '17 * * * *');
}

/**
 * Sessions carry the member's WeChat openid: erasure ends them. A merged member's sessions end too; the
 * person signs in again and lands on the survivor.
 */
export function registerMemberPortalMemberHooks(hooks: MemberHooks) {
  hooks.onErase({ name: 'member_portal', erase: (trx, ctx, memberId) => endAllMemberSessions(trx, ctx.tenantId, memberId) });
  hooks.onMerge({ name: 'member_portal', move: (trx, ctx, args) => endAllMemberSessions(trx, ctx.tenantId, args.fromMemberId) });
}
