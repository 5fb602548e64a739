import { z } from 'zod';
import { idParamsSchema, problemSchema } from '@hearth/contracts/common';
import { allocationSchema, myPartnerBenefitSchema, type MyPartnerBenefit } from '@hearth/contracts/partners';
import type { AppDeps, RequestContext } from '../../deps.ts';
import type { Api } from '../../http/api.ts';
import { notFound } from '../../http/errors.ts';
import { memberSecurity, signedIn } from '../member-portal/member-auth.ts';
import { checkEligibility, normalizeEligibility } from '../pricing/eligibility.ts';
import { allocate, availableUpTo, findAllocation, periodKeyOf, serializeAllocation, tenantZone } from './pool.service.ts';

const tags = ['member center'];
const errors = { 400: problemSchema, 404: problemSchema, 409: problemSchema, 422: problemSchema };

/**
 * 联盟权益 in the member center: the partner benefits the member may claim now (active, of an active partner, and
 * the member matches the benefit's eligibility — a paid plan, a tier …) with this period's claim, and the claim
 * itself, which is the operator's allocation (one per member per period, never one code twice) asked by the member.
 */
export function mePartnersRoutes(me: Api, deps: AppDeps) {
  me.get('/partner-benefits', { schema: { tags, summary: 'Partner benefits I may claim, with what I claimed this period', security: memberSecurity, response: { 200: z.array(myPartnerBenefitSchema) } } }, async (request) => {
    const { ctx, memberId } = signedIn(request);
    return myPartnerBenefits(deps, ctx, memberId);
  });
  me.post('/partner-benefits/:id/claim', { schema: { tags, summary: 'Claim a partner benefit for this period (again: the same claim)', security: memberSecurity, params: idParamsSchema, response: { 200: allocationSchema, 201: allocationSchema, ...errors } } }, async (request, reply) => {
    const { ctx, memberId } = signedIn(request);
    // Another tenant's benefit, a paused one or one of an archived partner is not offered here: 404 like any unknown id.
    if (!(await offered(deps, ctx, request.params.id))) throw notFound('Partner benefit');
    const { allocation, created } = await allocate(deps, ctx, request.params.id, { member_id: memberId });
    return reply.status(created ? 201 : 200).send(allocation);
  });
}

const offeredBenefits = (deps: AppDeps, tenantId: string) =>
  deps.db
    .selectFrom('partner_benefits as b')
    .innerJoin('partners as p', (j) => j.onRef('p.tenant_id', '=', 'b.tenant_id').onRef('p.id', '=', 'b.partner_id'))
    .select(['b.id', 'b.name', 'b.description', 'b.kind', 'b.period', 'b.eligibility', 'p.name as partner_name'])
    .where('b.tenant_id', '=', tenantId)
    .where('b.status', '=', 'active')
    .where('p.status', '=', 'active');

async function offered(deps: AppDeps, ctx: RequestContext, benefitId: string) {
  return (await offeredBenefits(deps, ctx.tenantId).where('b.id', '=', benefitId).executeTakeFirst()) !== undefined;
}

export async function myPartnerBenefits(deps: AppDeps, ctx: RequestContext, memberId: string): Promise<MyPartnerBenefit[]> {
  const now = deps.clock.now();
  const zone = await tenantZone(deps.db, ctx.tenantId);
  const out: MyPartnerBenefit[] = [];
  // A brand runs a handful of alliances; each is checked on its own (eligibility is per benefit).
  for (const b of await offeredBenefits(deps, ctx.tenantId).orderBy('b.id').limit(100).execute()) {
    const allocation = await findAllocation(deps.db, ctx.tenantId, b.id, memberId, periodKeyOf(b.period, now, zone));
    if (!allocation && !(await checkEligibility(deps.db, ctx.tenantId, memberId, normalizeEligibility(b.eligibility), now)).eligible) continue;
    out.push({
      id: b.id,
      name: b.name,
      description: b.description,
      partner_name: b.partner_name,
      kind: b.kind,
      period: b.period,
      in_stock: b.kind === 'callback' || (await availableUpTo(deps.db, ctx.tenantId, b.id, 1)) > 0,
      allocation: allocation ? serializeAllocation(allocation, false) : null,
    });
  }
  return out;
}
