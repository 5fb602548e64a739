import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { notFound } from '../../http/errors.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { MemberHooks } from '../members/member-hooks.ts';
import type { OrderHooks } from '../orders/order-hooks.ts';
import { listRewards } from '../points/rewards.service.ts';
import type { PointsHooks } from '../points/rules.service.ts';
import { insertIssuance, issueChunk, refusal } from './issuance.service.ts';
import { lockTemplate } from './templates.service.ts';
import { restoreForRefund } from './writeoff.service.ts';

/** A full refund gives the order's coupons back by the tenant's policy, in the refund's transaction. */
export function registerCouponOrderHooks(hooks: OrderHooks) {
  hooks.onRefund(async (trx, deps, ctx, order) => void (await restoreForRefund(trx, deps, ctx, order)));
}

export function registerCouponMemberHooks(hooks: MemberHooks) {
  hooks.onMerge({
    name: 'coupons',
    // The survivor gets the merged member's coupons; an issuance that reached both keeps distinct sequence numbers.
    move: async (trx, ctx, { fromMemberId, toMemberId }) => {
      const result = await sql`
        update coupons f set member_id = ${toMemberId}, issue_seq = f.issue_seq + coalesce((
          select max(t.issue_seq) from coupons t where t.tenant_id = f.tenant_id and t.member_id = ${toMemberId} and t.issuance_id = f.issuance_id), 0)
        where f.tenant_id = ${ctx.tenantId} and f.member_id = ${fromMemberId}`.execute(trx);
      return Number(result.numAffectedRows ?? 0);
    },
  });
  hooks.addSection({
    name: 'coupons',
    load: async (deps, ctx, memberId) => {
      const rows = await deps.db
        .selectFrom('coupons')
        .select(['status', sql<number>`count(*)::int`.as('count')])
        .where('tenant_id', '=', ctx.tenantId)
        .where('member_id', '=', memberId)
        .groupBy('status')
        .execute();
      return Object.fromEntries(rows.map((r) => [r.status, r.count]));
    },
  });
}

/** A points reward linked to a template hands out its coupons when points are spent on it. */
export function registerCouponPointsHooks(hooks: PointsHooks) {
  hooks.onRewardRedeemed(async (trx, deps, ctx, { memberId, rewardId, quantity, redemptionId }) => {
    const link = await trx.selectFrom('coupon_reward_links').select('template_id').where('tenant_id', '=', ctx.tenantId).where('reward_id', '=', rewardId).executeTakeFirst();
    if (!link) return;
    const template = await lockTemplate(trx, ctx.tenantId, link.template_id);
    const issuance = await insertIssuance(trx, ctx, { key: `points_redemption:${redemptionId}`, templateId: template.id, source: 'points_reward', status: 'succeeded', total: 1 });
    const result = await issueChunk(trx, deps, ctx, template, issuance.id, [{ memberId, line: 1, field: 'reward_id' }], quantity);
    // All or nothing: a member never pays points for fewer coupons than the reward promised.
    if (result.coupons.length < quantity) throw refusal(result.skipped[0] ?? { line: 1, field: 'quantity', code: 'per_member_limit', message: 'fewer coupons than asked are left for this member' });
    await trx.updateTable('coupon_issuances').set({ processed: 1, issued: result.coupons.length, finished_at: sql`now()` }).where('tenant_id', '=', ctx.tenantId).where('id', '=', issuance.id).execute();
  });
}

export async function linkReward(deps: AppDeps, ctx: RequestContext, rewardId: string, templateId: string | null) {
  return withTransaction(deps.db, async (trx: Db) => {
    if (templateId === null) {
      await trx.deleteFrom('coupon_reward_links').where('tenant_id', '=', ctx.tenantId).where('reward_id', '=', rewardId).execute();
    } else {
      await lockTemplate(trx, ctx.tenantId, templateId);
      if (!(await listRewards({ ...deps, db: trx }, ctx)).some((r) => r.id === rewardId)) throw notFound('Reward');
      await trx
        .insertInto('coupon_reward_links')
        .values({ tenant_id: ctx.tenantId, reward_id: rewardId, template_id: templateId })
        .onConflict((oc) => oc.columns(['tenant_id', 'reward_id']).doUpdateSet({ template_id: templateId }))
        .execute();
    }
    await recordAudit(trx, ctx, { action: 'coupon.reward_link', resourceType: 'reward', resourceId: rewardId, details: { template_id: templateId } });
    return { reward_id: rewardId, template_id: templateId };
  });
}

export async function listRewardLinks(deps: AppDeps, ctx: RequestContext) {
  return deps.db.selectFrom('coupon_reward_links').select(['reward_id', 'template_id']).where('tenant_id', '=', ctx.tenantId).execute();
}
