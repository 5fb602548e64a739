import { z } from 'zod';
import { pageSchema, paginationQuerySchema, problemSchema } from '@hearth/contracts/common';
import { applyInputSchema, commissionSchema, myDashboardSchema, promoterSchema, visitInputSchema, withdrawalInputSchema, withdrawalSchema } from '@hearth/contracts/distribution';
import type { AppDeps } from '../../deps.ts';
import type { Api } from '../../http/api.ts';
import { memberSecurity, signedIn } from '../member-portal/member-auth.ts';
import { listCommissions } from './distribution.query.ts';
import { applyAsPromoter, getDistributionSettings, getPromoter, recordVisit } from './promoters.service.ts';
import { dashboard, listWithdrawals, requestWithdrawal } from './withdrawals.service.ts';

const tags = ['member center'];
const errors = { 400: problemSchema, 404: problemSchema, 409: problemSchema, 422: problemSchema };

/** The promoter center (推广中心) and the buyer's side of a promoter link (registered inside the member scope). */
export function meDistributionRoutes(me: Api, deps: AppDeps) {
  me.get('/promoter', { schema: { tags, summary: 'My promoter status, code and link (404 when not a promoter)', security: memberSecurity, response: { 200: promoterSchema, ...errors } } }, async (request) => {
    const { ctx, memberId } = signedIn(request);
    return getPromoter(deps, ctx, memberId);
  });
  me.post('/promoter', { schema: { tags, summary: 'Apply as promoter, optionally under the promoter who recruited me', security: memberSecurity, body: applyInputSchema, response: { 201: promoterSchema, ...errors } } }, async (request, reply) => {
    const { ctx, memberId } = signedIn(request);
    return reply.status(201).send(await applyAsPromoter(deps, ctx, memberId, request.body));
  });
  me.get('/promoter/dashboard', { schema: { tags, summary: 'My clicks, orders and commission pending / settled / withdrawn, with the withdrawal minimum', security: memberSecurity, response: { 200: myDashboardSchema, ...errors } } }, async (request) => {
    const { ctx, memberId } = signedIn(request);
    await getPromoter(deps, ctx, memberId);
    const [figures, settings] = await Promise.all([dashboard(deps, ctx, memberId), getDistributionSettings(deps.db, ctx.tenantId)]);
    return { ...figures, min_withdrawal_fen: settings.min_withdrawal_fen };
  });
  me.get('/promoter/commissions', { schema: { tags, summary: 'My commission entries (accruals and reversals), newest first', security: memberSecurity, querystring: paginationQuerySchema, response: { 200: pageSchema(commissionSchema), ...errors } } }, async (request) => {
    const { ctx, memberId } = signedIn(request);
    await getPromoter(deps, ctx, memberId);
    return listCommissions(deps, ctx, { ...request.query, promoter_id: memberId });
  });
  me.get('/promoter/withdrawals', { schema: { tags, summary: 'My withdrawals', security: memberSecurity, response: { 200: z.array(withdrawalSchema) } } }, async (request) => {
    const { ctx, memberId } = signedIn(request);
    return listWithdrawals(deps, ctx, memberId);
  });
  me.post('/promoter/withdrawals', { schema: { tags, summary: 'Ask to withdraw settled commission', security: memberSecurity, body: withdrawalInputSchema, response: { 201: withdrawalSchema, ...errors } } }, async (request, reply) => {
    const { ctx, memberId } = signedIn(request);
    return reply.status(201).send(await requestWithdrawal(deps, ctx, memberId, request.body.amount_fen));
  });
  me.post('/promoter-visits', { schema: { tags, summary: 'I opened a promoter’s link: my orders in the attribution window count for them', security: memberSecurity, body: visitInputSchema, response: { 204: z.null(), ...errors } } }, async (request, reply) => {
    const { ctx, memberId } = signedIn(request);
    await recordVisit(deps, ctx, memberId, request.body.code);
    return reply.status(204).send(null);
  });
}
