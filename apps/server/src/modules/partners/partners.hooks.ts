import { sql } from 'kysely';
import type { MemberHooks } from '../members/member-hooks.ts';
import { serializeAllocation } from './pool.service.ts';

/**
 * Merges move the merged member's allocations to the survivor. When both got the same benefit in the same
 * period, the survivor's stays the period's allocation and the merged one is kept for settlement under a
 * suffixed period key. Allocations hold ids and partner codes, no personal data, so erasure has nothing to do
 * here (the callback sends the member number only).
 */
export function registerPartnerMemberHooks(hooks: MemberHooks) {
  hooks.onMerge({
    name: 'partners',
    move: async (trx, ctx, { fromMemberId, toMemberId }) => {
      const result = await sql`
        update partner_allocations f set member_id = ${toMemberId},
          period_key = case when exists (
            select 1 from partner_allocations t
            where t.tenant_id = f.tenant_id and t.member_id = ${toMemberId} and t.benefit_id = f.benefit_id and t.period_key = f.period_key)
            then f.period_key || '~merged:' || f.id else f.period_key end
        where f.tenant_id = ${ctx.tenantId} and f.member_id = ${fromMemberId}`.execute(trx);
      return Number(result.numAffectedRows ?? 0);
    },
  });
  hooks.addSection({
    name: 'partner_benefits',
    load: async (deps, ctx, memberId) => {
      const rows = await deps.db.selectFrom('partner_allocations').selectAll().where('tenant_id', '=', ctx.tenantId).where('member_id', '=', memberId).orderBy('id', 'desc').limit(20).execute();
      return rows.map((r) => serializeAllocation(r, true));
    },
  });
}
