import { v7 as uuidv7 } from 'uuid';
import { z } from 'zod';
import { idParamsSchema, pageSchema, paginationQuerySchema, problemSchema } from '@hearth/contracts/common';
import { purchaseResultSchema, subscriptionSchema } from '@hearth/contracts/membership';
import {
  myBenefitsSchema,
  myCardSchema,
  myCouponSchema,
  myCouponStatusQuerySchema,
  myLedgerEntrySchema,
  myMembershipSchema,
  myPointsSchema,
  myPurchaseSchema,
  myRedeemSchema,
  myRedemptionSchema,
  myRewardSchema,
  myTierSchema,
} from '@hearth/contracts/member-portal';
import type { Coupon } from '@hearth/contracts/coupons';
import type { AppDeps, RequestContext } from '../../deps.ts';
import type { Api } from '../../http/api.ts';
import { AppError } from '../../http/errors.ts';
import { listBenefits } from '../benefits/catalogue.service.ts';
import { getSavings } from '../benefits/savings.service.ts';
import { listMemberBenefits } from '../benefits/uses.service.ts';
import { couponQr, getMemberCoupon, listMemberCoupons } from '../coupons/coupons.service.ts';
import { getTemplate } from '../coupons/templates.service.ts';
import { getMember } from '../members/members.query.ts';
import { cancelMembership, getMembership, isPaidMember, purchase } from '../membership/membership.service.ts';
import { listPlans } from '../membership/plans.service.ts';
import { getBalance, listLedger } from '../points/points.service.ts';
import { redeem } from '../points/redemptions.service.ts';
import { listRewards } from '../points/rewards.service.ts';
import { getMemberTiers, getProgram } from '../tiers/tiers.service.ts';
import { memberSecurity, signedIn } from './member-auth.ts';

const tags = ['member center'];
const statusOf = { available: 'available', used: 'redeemed', expired: 'expired' } as const;

/** The member's loyalty: card summary, points and rewards, tier, coupons and paid plan. */
export function meLoyaltyRoutes(me: Api, deps: AppDeps) {
  me.get('/card', { schema: { tags, summary: 'My member card: name, tier, points', security: memberSecurity, response: { 200: myCardSchema } } }, async (request) => {
    const { ctx, memberId } = signedIn(request);
    const [member, points, tiers, paid, coupons] = await Promise.all([
      getMember(deps, ctx, memberId),
      getBalance(deps, ctx, memberId),
      getMemberTiers(deps, ctx, memberId),
      isPaidMember(deps.db, ctx.tenantId, memberId, deps.clock.now()),
      listMemberCoupons(deps, ctx, memberId, { status: 'available', limit: 100 }),
    ]);
    const first = tiers[0];
    return {
      member_no: member.member_no,
      display_name: member.nickname ?? member.name,
      tier: first ? { name: first.tier.name, code: first.tier.code, color: first.tier.color, program: first.program.name } : null,
      points: { available: Math.max(0, points.available), value_fen: points.value_fen },
      paid_member: paid,
      coupons_available: coupons.data.filter((c) => c.status === 'available').length,
    };
  });

  me.get('/points', { schema: { tags, summary: 'My points: available, pending, expiring soon (with ¥ value)', security: memberSecurity, response: { 200: myPointsSchema } } }, async (request) => {
    const { ctx, memberId } = signedIn(request);
    return getBalance(deps, ctx, memberId, 30);
  });

  me.get('/points/ledger', { schema: { tags, summary: 'My points history, newest first', security: memberSecurity, querystring: paginationQuerySchema, response: { 200: pageSchema(myLedgerEntrySchema) } } }, async (request) => {
    const { ctx, memberId } = signedIn(request);
    const page = await listLedger(deps, ctx, memberId, request.query);
    return {
      data: page.data.map((e) => ({ id: e.id, kind: e.kind, points: e.points, reason: typeof e.details.reason === 'string' ? e.details.reason : null, order_id: e.order_id, created_at: e.created_at })),
      next_cursor: page.next_cursor,
    };
  });

  me.get('/rewards', { schema: { tags, summary: 'Rewards I can redeem points for', security: memberSecurity, response: { 200: z.array(myRewardSchema) } } }, async (request) => {
    const { ctx, memberId } = signedIn(request);
    const [rewards, balance] = await Promise.all([listRewards(deps, ctx), getBalance(deps, ctx, memberId)]);
    return rewards
      .filter((r) => r.status === 'active')
      .map((r) => ({ id: r.id, name: r.name, description: r.description, points_price: r.points_price, in_stock: r.stock === null || r.stock > 0, affordable: balance.available >= r.points_price }));
  });

  me.post(
    '/rewards/:id/redeem',
    { schema: { tags, summary: 'Redeem a reward with my points', security: memberSecurity, params: idParamsSchema, body: myRedeemSchema, response: { 200: myRedemptionSchema, 409: problemSchema, 422: problemSchema } } },
    async (request) => {
      const { ctx, memberId } = signedIn(request);
      // A double tap is caught by the client's Idempotency-Key; each accepted request is its own redemption.
      const { redemption } = await redeem(deps, ctx, { external_id: `me-${uuidv7()}`, member_id: memberId, kind: 'reward', reward_id: request.params.id, quantity: request.body.quantity, capture: false });
      const balance = await getBalance(deps, ctx, memberId);
      return { id: redemption.id, points: redemption.points, reward_id: redemption.reward_id, quantity: redemption.quantity, balance: balance.available };
    },
  );

  me.get('/tier', { schema: { tags, summary: 'My tier, its validity, progress and every tier’s benefits', security: memberSecurity, response: { 200: myTierSchema } } }, async (request) => {
    const { ctx, memberId } = signedIn(request);
    const [current, names] = await Promise.all([getMemberTiers(deps, ctx, memberId), benefitNames(deps, ctx)]);
    const ladders = [];
    for (const tier of current) {
      const tiers = (await getProgram(deps, ctx, tier.program.id)).tiers;
      ladders.push({ current: tier, tiers: tiers.map((x) => ({ ...x, benefits: x.benefit_ids.flatMap((id) => names.get(id) ?? []) })) });
    }
    return { ladders };
  });

  me.get('/coupons', { schema: { tags, summary: 'My coupons: available, used or expired, with their rules', security: memberSecurity, querystring: myCouponStatusQuerySchema, response: { 200: z.array(myCouponSchema) } } }, async (request) => {
    const { ctx, memberId } = signedIn(request);
    const wanted = statusOf[request.query.status];
    // Read every coupon of the member: a lapsed one still stored as available shows as expired.
    const all = [];
    let cursor: string | undefined;
    do {
      const page = await listMemberCoupons(deps, ctx, memberId, { limit: 200, cursor });
      all.push(...page.data);
      cursor = page.next_cursor ?? undefined;
    } while (cursor && all.length < 1000);
    const shown = all.filter((c) => (wanted === 'available' ? c.status === 'available' || c.status === 'reserved' : c.status === wanted));
    return withTerms(deps, ctx, shown);
  });

  me.get('/coupons/:id', { schema: { tags, summary: 'One of my coupons', security: memberSecurity, params: idParamsSchema, response: { 200: myCouponSchema, 404: problemSchema } } }, async (request) => {
    const { ctx, memberId } = signedIn(request);
    return (await withTerms(deps, ctx, [await getMemberCoupon(deps, ctx, memberId, request.params.id)]))[0]!;
  });

  me.get('/coupons/:id/qr.svg', { schema: { tags, summary: 'My coupon’s QR code (SVG)', security: memberSecurity, params: idParamsSchema } }, async (request, reply) => {
    const { ctx, memberId } = signedIn(request);
    const svg = await couponQr(deps, ctx, memberId, request.params.id, 'svg');
    return reply.type('image/svg+xml').header('cache-control', 'private, max-age=300').send(svg);
  });

  me.get('/benefits', { schema: { tags, summary: 'My benefits with the uses left, and what they saved me this year', security: memberSecurity, response: { 200: myBenefitsSchema } } }, async (request) => {
    const { ctx, memberId } = signedIn(request);
    const [entitlements, savings] = await Promise.all([listMemberBenefits(deps, ctx, memberId), getSavings(deps, ctx, memberId)]);
    return { entitlements, savings };
  });

  me.get('/membership', { schema: { tags, summary: 'Paid plans on sale and my subscription', security: memberSecurity, response: { 200: myMembershipSchema } } }, async (request) => {
    const { ctx, memberId } = signedIn(request);
    const [plans, membership, names] = await Promise.all([listPlans(deps, ctx), getMembership(deps, ctx, memberId), benefitNames(deps, ctx)]);
    return {
      plans: plans.filter((p) => p.status === 'active').map((p) => ({ ...p, benefits: p.benefit_ids.flatMap((id) => names.get(id) ?? []) })),
      membership,
      wechat_pay: Boolean(request.member?.wechatOpenid),
    };
  });

  me.post(
    '/membership/purchase',
    { schema: { tags, summary: 'Buy or renew a paid plan (WeChat Pay JSAPI in WeChat, or pay at the counter)', security: memberSecurity, body: myPurchaseSchema, response: { 200: purchaseResultSchema, 409: problemSchema } } },
    async (request) => {
      const { ctx, memberId } = signedIn(request);
      const openid = request.member?.wechatOpenid ?? null;
      if (request.body.provider === 'wechat' && !openid) {
        throw new AppError('BAD_REQUEST', 'WeChat Pay needs a WeChat sign-in; choose to pay at the counter', { errors: [{ field: 'provider', code: 'wechat_sign_in_needed', message: '请在微信中打开并用微信登录' }] });
      }
      return purchase(deps, ctx, memberId, { plan_id: request.body.plan_id, provider: request.body.provider, openid: request.body.provider === 'wechat' ? openid : null, auto_renew: request.body.auto_renew });
    },
  );

  me.post('/membership/cancel', { schema: { tags, summary: 'Stop renewing my paid plan (benefits last until the period ends)', security: memberSecurity, response: { 200: subscriptionSchema, 404: problemSchema } } }, async (request) => {
    const { ctx, memberId } = signedIn(request);
    return cancelMembership(deps, ctx, memberId, 'member canceled in the member center');
  });
}

/** Names of the brand's benefits by id, for the tiers and plans that refer to them. */
async function benefitNames(deps: AppDeps, ctx: RequestContext) {
  const benefits = await listBenefits(deps, ctx, { status: 'active' });
  return new Map(benefits.map((b) => [b.id, { id: b.id, name: b.name, name_en: b.name_en, description: b.description }]));
}

async function withTerms(deps: AppDeps, ctx: RequestContext, coupons: Coupon[]) {
  const templates = new Map<string, Awaited<ReturnType<typeof getTemplate>>>();
  for (const id of new Set(coupons.map((c) => c.template_id))) templates.set(id, await getTemplate(deps, ctx, id));
  return coupons.map((c) => ({ ...c, terms: templates.get(c.template_id)!.terms, description: templates.get(c.template_id)!.description }));
}
