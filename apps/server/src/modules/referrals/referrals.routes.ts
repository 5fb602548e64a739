import { z } from 'zod';
import { idParamsSchema, pageSchema, paginationQuerySchema, problemSchema } from '@hearth/contracts/common';
import { apiJoinInputSchema, funnelSchema, inviteSchema, referralSchema, referralSettingsSchema, referralStatuses, reviewInputSchema, trackInputSchema, trackResultSchema } from '@hearth/contracts/referrals';
import { DateTime } from 'luxon';
import { authenticated, type Api, type RouteContext } from '../../http/api.ts';
import { requestContext } from '../../http/auth.ts';
import { AppError } from '../../http/errors.ts';
import { getInvite, getReferralSettings, invitePoster, referrerOf, trackVisit, updateReferralSettings } from './invite.service.ts';
import { joinReferral } from './joins.service.ts';
import { getReferral, listReferrals, referralFunnel } from './referrals.query.ts';
import { reviewReferral, settleDueReferrals } from './settlement.service.ts';
import { systemContext } from './referrals.hooks.ts';

const tags = ['referrals'];
const errors = { 400: problemSchema, 403: problemSchema, 404: problemSchema, 409: problemSchema, 422: problemSchema };
const dayParam = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/** Referrals (推荐有礼) for operators and integrations: rules, cases, the review queue and the funnel. */
export function referralsRoutes(api: Api, { deps }: RouteContext) {
  api.get('/referrals/settings', { config: { permission: 'referrals:read' }, schema: { tags, summary: 'Referral rules: minimum order, return window, rewards, limits', security: authenticated, response: { 200: referralSettingsSchema } } }, async (request) => getReferralSettings(deps.db, requestContext(request).tenantId));
  api.put('/referrals/settings', { config: { permission: 'referrals:manage' }, schema: { tags, summary: 'Set the referral rules', security: authenticated, body: referralSettingsSchema, response: { 200: referralSettingsSchema, ...errors } } }, async (request) => updateReferralSettings(deps, requestContext(request), request.body));
  api.get(
    '/referrals',
    { config: { permission: 'referrals:read' }, schema: { tags, summary: 'Referral cases, newest first; status=pending_review is the review queue', security: authenticated, querystring: paginationQuerySchema.extend({ status: z.enum(referralStatuses).optional(), referrer_id: z.uuid().optional() }), response: { 200: pageSchema(referralSchema) } } },
    async (request) => listReferrals(deps, requestContext(request), request.query),
  );
  api.get(
    '/referrals/funnel',
    { config: { permission: 'referrals:read' }, schema: { tags, summary: 'Shares, clicks, joins, first orders, rewarded and in review between two local days (default: last 30)', security: authenticated, querystring: z.object({ from: dayParam.optional(), to: dayParam.optional() }), response: { 200: funnelSchema } } },
    async (request) => {
      const ctx = requestContext(request);
      const zone = (await deps.db.selectFrom('tenants').select('time_zone').where('id', '=', ctx.tenantId).executeTakeFirstOrThrow()).time_zone;
      const today = DateTime.fromJSDate(deps.clock.now(), { zone }).startOf('day');
      const to = request.query.to ? DateTime.fromISO(request.query.to, { zone }) : today;
      const from = request.query.from ? DateTime.fromISO(request.query.from, { zone }) : to.minus({ days: 29 });
      if (from > to) throw new AppError('VALIDATION_FAILED', 'from is after to', { errors: [{ field: 'query.from', code: 'after_to', message: 'from must not be after to' }] });
      return referralFunnel(deps, ctx, { from: from.toJSDate(), to: to.plus({ days: 1 }).toJSDate(), fromDay: from.toISODate()!, toDay: to.toISODate()! });
    },
  );
  api.post(
    '/referrals/joins',
    { config: { permission: 'referrals:write' }, schema: { tags, summary: 'Link a new member to the referrer whose code they entered (suspicious cases go to review)', security: authenticated, body: apiJoinInputSchema, response: { 201: referralSchema, ...errors } } },
    async (request, reply) => {
      const { member_id, ...input } = request.body;
      return reply.status(201).send(await joinReferral(deps, requestContext(request), member_id, input));
    },
  );
  api.post(
    '/referrals/settle',
    { config: { permission: 'referrals:manage' }, schema: { tags, summary: 'Settle now every case whose return window has closed (the job does it every 10 minutes)', security: authenticated, response: { 200: z.object({ rewarded: z.number().int() }) } } },
    async (request) => ({ rewarded: await settleDueReferrals(deps, systemContext, requestContext(request).tenantId) }),
  );
  api.get('/referrals/:id', { config: { permission: 'referrals:read' }, schema: { tags, summary: 'The case of a referred member (by the new member’s id)', security: authenticated, params: idParamsSchema, response: { 200: referralSchema, 404: problemSchema } } }, async (request) => getReferral(deps.db, requestContext(request).tenantId, request.params.id));
  for (const decision of ['approve', 'reject'] as const) {
    api.post(
      `/referrals/:id/${decision}`,
      { config: { permission: 'referrals:manage' }, schema: { tags, summary: decision === 'approve' ? 'Approve a case in review (pays at once when its return window has closed)' : 'Reject a case in review (nothing is paid)', security: authenticated, params: idParamsSchema, body: reviewInputSchema, response: { 200: referralSchema, ...errors } } },
      async (request) => reviewReferral(deps, requestContext(request), request.params.id, decision, request.body.note),
    );
  }
  api.get('/members/:id/invite', { config: { permission: 'referrals:read' }, schema: { tags, summary: 'A member’s invite code, link and poster', security: authenticated, params: idParamsSchema, response: { 200: inviteSchema, ...errors } } }, async (request) => getInvite(deps, requestContext(request), request.params.id));
  api.get('/members/:id/referral-poster.svg', { config: { permission: 'referrals:read' }, schema: { tags, summary: 'QR code of a member’s invite link (SVG)', security: authenticated, params: idParamsSchema } }, async (request, reply) => reply.type('image/svg+xml').send(await invitePoster(deps, requestContext(request), request.params.id)));

  // Whoever opens an invite link is counted without credentials: the code names the referrer.
  api.post(
    '/public/referrals/:tenant/clicks',
    { config: { public: true }, schema: { tags: ['public'], summary: 'Count a click on an invite link (once per visitor and local day)', params: z.object({ tenant: z.uuid() }), body: trackInputSchema, response: { 200: trackResultSchema, 404: problemSchema } } },
    async (request) => {
      const referrerId = await referrerOf(deps.db, request.params.tenant, request.body.code);
      return trackVisit(deps, request.params.tenant, referrerId, 'click', request.body.visitor_id);
    },
  );
}
