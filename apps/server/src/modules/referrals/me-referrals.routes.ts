import { z } from 'zod';
import { problemSchema } from '@hearth/contracts/common';
import { joinInputSchema, myReferralsSchema, shareInputSchema, trackResultSchema } from '@hearth/contracts/referrals';
import type { AppDeps } from '../../deps.ts';
import type { Api } from '../../http/api.ts';
import { memberSecurity, signedIn } from '../member-portal/member-auth.ts';
import { getInvite, getReferralSettings, invitePoster, trackVisit } from './invite.service.ts';
import { joinReferral } from './joins.service.ts';
import { listReferrals, referralCounts } from './referrals.query.ts';

const tags = ['member center'];
const errors = { 400: problemSchema, 404: problemSchema, 409: problemSchema, 422: problemSchema };

/** The member's invite poster, shares, and the friends they brought (registered inside the member scope). */
export function meReferralsRoutes(me: Api, deps: AppDeps) {
  me.get('/referrals', { schema: { tags, summary: 'My invite code, link, counts and the latest 100 friends who joined through it', security: memberSecurity, response: { 200: myReferralsSchema, ...errors } } }, async (request) => {
    const { ctx, memberId } = signedIn(request);
    const invite = await getInvite(deps, ctx, memberId);
    const [page, counts, settings] = await Promise.all([listReferrals(deps, ctx, { limit: 100, referrer_id: memberId }), referralCounts(deps.db, ctx.tenantId, memberId), getReferralSettings(deps.db, ctx.tenantId)]);
    return {
      invite,
      ...counts,
      offer: { referrer_points: settings.referrer_points, referee_points: settings.referee_points, referrer_coupon: settings.referrer_coupon_template_id !== null, referee_coupon: settings.referee_coupon_template_id !== null, min_order_fen: settings.min_order_fen },
      // Only the friend's member number and progress: their name and phone are theirs.
      referrals: page.data.map((r) => {
        const mine = r.rewards.find((x) => x.side === 'referrer' && x.status === 'fulfilled');
        return { member_no: r.member_no, status: r.status === 'pending_review' || r.status === 'rejected' ? 'joined' as const : r.status, joined_at: r.joined_at, reward: mine ? { points: mine.points, coupon: mine.coupon_id !== null } : null };
      }),
    };
  });
  me.get('/referrals/poster.svg', { schema: { tags, summary: 'QR code of my invite link (SVG)', security: memberSecurity } }, async (request, reply) => {
    const { ctx, memberId } = signedIn(request);
    return reply.type('image/svg+xml').send(await invitePoster(deps, ctx, memberId));
  });
  me.post('/referrals/shares', { schema: { tags, summary: 'Record that I shared my invite (once per device and day)', security: memberSecurity, body: shareInputSchema, response: { 200: trackResultSchema, ...errors } } }, async (request) => {
    const { ctx, memberId } = signedIn(request);
    return trackVisit(deps, ctx.tenantId, memberId, 'share', request.body.device_id ?? memberId);
  });
  me.post('/referrals/join', { schema: { tags, summary: 'Enter the invite code of the friend who brought me (new members only, once)', security: memberSecurity, body: joinInputSchema, response: { 201: z.object({ joined_at: z.string() }), ...errors } } }, async (request, reply) => {
    const { ctx, memberId } = signedIn(request);
    const referral = await joinReferral(deps, ctx, memberId, request.body);
    return reply.status(201).send({ joined_at: referral.joined_at });
  });
}
