import { z } from 'zod';
import { idParamsSchema, pageSchema, paginationQuerySchema, problemSchema } from '@hearth/contracts/common';
import { apiApplyInputSchema, apiWithdrawalInputSchema, commissionSchema, dashboardSchema, distributionSettingsSchema, listedWithdrawalSchema, payoutInputSchema, promoterSchema, visitInputSchema, withdrawalSchema } from '@hearth/contracts/distribution';
import { authenticated, type Api, type RouteContext } from '../../http/api.ts';
import { requestContext } from '../../http/auth.ts';
import { settleDueCommissions } from './commissions.service.ts';
import { listCommissions, listPromoters, listWithdrawalsPage } from './distribution.query.ts';
import { systemContext } from './distribution.hooks.ts';
import { applyAsPromoter, decidePromoter, getDistributionSettings, getPromoter, recordClick, recordVisit, updateDistributionSettings } from './promoters.service.ts';
import { dashboard, decideWithdrawal, requestWithdrawal } from './withdrawals.service.ts';

const tags = ['distribution'];
const errors = { 400: problemSchema, 403: problemSchema, 404: problemSchema, 409: problemSchema, 422: problemSchema };

/** Two-level distribution (分销) for operators and integrations: plan, promoters, commission, withdrawals. */
export function distributionRoutes(api: Api, { deps }: RouteContext) {
  api.get('/distribution/settings', { config: { permission: 'distribution:read' }, schema: { tags, summary: 'Commission plan (at most two levels), attribution and return windows, withdrawal minimum, automatic tiers', security: authenticated, response: { 200: distributionSettingsSchema } } }, async (request) => getDistributionSettings(deps.db, requestContext(request).tenantId));
  api.put('/distribution/settings', { config: { permission: 'distribution:manage' }, schema: { tags, summary: 'Set the plan; a third level is refused (422 DISTRIBUTION_THIRD_LEVEL)', security: authenticated, body: distributionSettingsSchema, response: { 200: distributionSettingsSchema, ...errors } } }, async (request) => updateDistributionSettings(deps, requestContext(request), request.body));
  api.get('/promoters', { config: { permission: 'distribution:read' }, schema: { tags, summary: 'Promoters, newest applications first; recruiter_id lists the promoters one recruited', security: authenticated, querystring: paginationQuerySchema.extend({ status: promoterSchema.shape.status.optional(), recruiter_id: z.uuid().optional() }), response: { 200: pageSchema(promoterSchema), 400: problemSchema } } }, async (request) => listPromoters(deps, requestContext(request), request.query));
  api.post('/promoters', { config: { permission: 'distribution:write' }, schema: { tags, summary: 'A member applies as promoter, optionally under a recruiter (a third level is refused)', security: authenticated, body: apiApplyInputSchema, response: { 201: promoterSchema, ...errors } } }, async (request, reply) => {
    const { member_id, ...input } = request.body;
    return reply.status(201).send(await applyAsPromoter(deps, requestContext(request), member_id, input));
  });
  api.get('/promoters/:id', { config: { permission: 'distribution:read' }, schema: { tags, summary: 'A promoter (by member id)', security: authenticated, params: idParamsSchema, response: { 200: promoterSchema, 404: problemSchema } } }, async (request) => getPromoter(deps, requestContext(request), request.params.id));
  for (const decision of ['approve', 'reject', 'suspend'] as const) {
    api.post(`/promoters/:id/${decision}`, { config: { permission: 'distribution:manage' }, schema: { tags, summary: `${decision[0]!.toUpperCase()}${decision.slice(1)} a promoter`, security: authenticated, params: idParamsSchema, response: { 200: promoterSchema, ...errors } } }, async (request) => decidePromoter(deps, requestContext(request), request.params.id, decision));
  }
  api.get('/promoters/:id/dashboard', { config: { permission: 'distribution:read' }, schema: { tags, summary: 'Clicks, orders, commission pending / settled / withdrawn / available', security: authenticated, params: idParamsSchema, response: { 200: dashboardSchema, 404: problemSchema } } }, async (request) => {
    const ctx = requestContext(request);
    await getPromoter(deps, ctx, request.params.id);
    return dashboard(deps, ctx, request.params.id);
  });
  api.post('/distribution/visits', { config: { permission: 'distribution:write' }, schema: { tags, summary: 'A member opened a promoter’s link (their orders in the attribution window count for the promoter)', security: authenticated, body: visitInputSchema.extend({ member_id: z.uuid() }), response: { 200: z.object({ promoter_id: z.uuid() }), ...errors } } }, async (request) => recordVisit(deps, requestContext(request), request.body.member_id, request.body.code));
  api.get('/commissions', { config: { permission: 'distribution:read' }, schema: { tags, summary: 'Commission entries (accruals and reversals), newest first', security: authenticated, querystring: paginationQuerySchema.extend({ promoter_id: z.uuid().optional(), order_id: z.uuid().optional(), status: commissionSchema.shape.status.optional(), kind: commissionSchema.shape.kind.optional() }), response: { 200: pageSchema(commissionSchema), 400: problemSchema } } }, async (request) => listCommissions(deps, requestContext(request), request.query));
  api.post('/commissions/settle', { config: { permission: 'distribution:manage' }, schema: { tags, summary: 'Settle now the commission whose return window closed (the job does it every 10 minutes)', security: authenticated, response: { 200: z.object({ settled: z.number().int() }) } } }, async (request) => ({ settled: await settleDueCommissions(deps, systemContext, requestContext(request).tenantId) }));
  api.get('/withdrawals', { config: { permission: 'distribution:read' }, schema: { tags, summary: 'Withdrawal requests, newest first', security: authenticated, querystring: paginationQuerySchema.extend({ promoter_id: z.uuid().optional(), status: withdrawalSchema.shape.status.optional() }), response: { 200: pageSchema(listedWithdrawalSchema), 400: problemSchema } } }, async (request) => listWithdrawalsPage(deps, requestContext(request), request.query));
  api.post('/withdrawals', { config: { permission: 'distribution:write' }, schema: { tags, summary: 'Request a withdrawal for a promoter (minimum, never more than the settled balance)', security: authenticated, body: apiWithdrawalInputSchema, response: { 201: withdrawalSchema, ...errors } } }, async (request, reply) => reply.status(201).send(await requestWithdrawal(deps, requestContext(request), request.body.member_id, request.body.amount_fen)));
  api.post('/withdrawals/:id/approve', { config: { permission: 'distribution:manage' }, schema: { tags, summary: 'Approve a withdrawal', security: authenticated, params: idParamsSchema, response: { 200: withdrawalSchema, ...errors } } }, async (request) => decideWithdrawal(deps, requestContext(request), request.params.id, 'approve'));
  api.post('/withdrawals/:id/reject', { config: { permission: 'distribution:manage' }, schema: { tags, summary: 'Reject a withdrawal (the amount is available again)', security: authenticated, params: idParamsSchema, response: { 200: withdrawalSchema, ...errors } } }, async (request) => decideWithdrawal(deps, requestContext(request), request.params.id, 'reject'));
  api.post('/withdrawals/:id/pay', { config: { permission: 'distribution:manage' }, schema: { tags, summary: 'Record the payout of an approved withdrawal', security: authenticated, params: idParamsSchema, body: payoutInputSchema, response: { 200: withdrawalSchema, ...errors } } }, async (request) => decideWithdrawal(deps, requestContext(request), request.params.id, 'pay', request.body.payout_ref));

  api.post(
    '/public/distribution/:tenant/clicks',
    { config: { public: true }, schema: { tags: ['public'], summary: 'Count a click on a promoter link (once per visitor and local day)', params: z.object({ tenant: z.uuid() }), body: visitInputSchema.extend({ visitor_id: z.string().trim().min(1).max(100) }), response: { 200: z.object({ counted: z.boolean() }), 404: problemSchema } } },
    async (request) => recordClick(deps, request.params.tenant, request.body.code, request.body.visitor_id),
  );
}
