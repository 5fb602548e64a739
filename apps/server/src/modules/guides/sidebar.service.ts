import type { AppDeps, RequestContext } from '../../deps.ts';
import { notFound } from '../../http/errors.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { listMemberCoupons } from '../coupons/coupons.service.ts';
import { getMemberRow, serializeMember } from '../members/members.service.ts';
import { listOrders } from '../orders/orders.service.ts';
import { getBalance } from '../points/points.service.ts';
import { getRecommendations } from '../recommendations/recommend.service.ts';
import { getMemberTiers } from '../tiers/tiers.service.ts';
import { listTasks, mayManage } from './tasks.service.ts';

/**
 * What a guide sees beside a chat (the WeCom sidebar): the member, masked, with tier, points, coupons, recent
 * orders, suggested products and the guide's open tasks. A guide sees only their own members (another member
 * reads as not found); an operator who manages guides sees anyone. Every read is audited, since the page shows
 * a person's name and history.
 */
export async function memberSidebar(deps: AppDeps, ctx: RequestContext, memberId: string) {
  const row = await getMemberRow(deps.db, ctx, memberId);
  const assigned = await deps.db.selectFrom('guide_members').select('guide_id').where('tenant_id', '=', ctx.tenantId).where('member_id', '=', memberId).executeTakeFirst();
  if (!mayManage(ctx) && assigned?.guide_id !== ctx.actor.id) throw notFound('Member');
  const [tiers, points, coupons, orders, recommendations, tasks] = await Promise.all([
    getMemberTiers(deps, ctx, memberId),
    getBalance(deps, ctx, memberId),
    listMemberCoupons(deps, ctx, memberId, { status: 'available', limit: 20 }),
    listOrders(deps, ctx, { member_id: memberId, limit: 5 }),
    getRecommendations(deps, ctx, memberId, 6),
    listTasks(deps, ctx, { member_id: memberId, status: 'open', limit: 20 }),
  ]);
  await recordAudit(deps.db, ctx, { action: 'guide.member_viewed', resourceType: 'member', resourceId: memberId, details: { fields: ['name', 'phone_masked', 'orders'] } });
  return {
    member: serializeMember(row, { masked: true }),
    guide_id: assigned?.guide_id ?? null,
    tiers,
    points,
    coupons: coupons.data,
    recent_orders: orders.data,
    recommendations,
    open_tasks: tasks.data,
  };
}
