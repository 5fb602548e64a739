import { z } from 'zod';
import { idParamsSchema, pageSchema, paginationQuerySchema, problemSchema } from '@hearth/contracts/common';
import {
  membershipSchema,
  membershipSettingsSchema,
  paymentSchema,
  planInputSchema,
  planSchema,
  purchaseInputSchema,
  purchaseResultSchema,
  reasonInputSchema,
  refundQuoteSchema,
  refundResultSchema,
  subscriptionSchema,
  subscriptionStatuses,
  trialInputSchema,
  wechatConfigInputSchema,
  wechatConfigSchema,
} from '@hearth/contracts/membership';
import { authenticated, type Api, type RouteContext } from '../../http/api.ts';
import { requestContext } from '../../http/auth.ts';
import { cancelMembership, confirmOfflinePayment, getMembership, getPayment, listSubscriptions, purchase, refundMembership, serializePayment, startTrial } from './membership.service.ts';
import { paymentNotifyRoutes } from './payment-notify.routes.ts';
import { createPlan, getMembershipSettings, getPlan, listPlans, retirePlan, updateMembershipSettings, updatePlan } from './plans.service.ts';
import { getWechatConfig, saveWechatConfig } from './providers.service.ts';
import { quoteRefund } from './refund-quote.ts';

const tags = ['membership'];
const errors = { 400: problemSchema, 403: problemSchema, 404: problemSchema, 409: problemSchema, 422: problemSchema, 502: problemSchema };

export function membershipRoutes(api: Api, context: RouteContext) {
  const { deps } = context;
  api.get('/membership/plans', { config: { permission: 'membership:read' }, schema: { tags, summary: 'Paid plans', security: authenticated, response: { 200: z.object({ data: z.array(planSchema) }) } } }, async (request) => ({ data: await listPlans(deps, requestContext(request)) }));
  api.get('/membership/plans/:id', { config: { permission: 'membership:read' }, schema: { tags, summary: 'A paid plan', security: authenticated, params: idParamsSchema, response: { 200: planSchema, 404: problemSchema } } }, async (request) => getPlan(deps, requestContext(request), request.params.id));
  api.post('/membership/plans', { config: { permission: 'membership:manage' }, schema: { tags, summary: 'Add a paid plan (price in fen, period, trial days, benefits as references, upgrade path)', security: authenticated, body: planInputSchema, response: { 201: planSchema, ...errors } } }, async (request, reply) => reply.status(201).send(await createPlan(deps, requestContext(request), request.body)));
  api.put('/membership/plans/:id', { config: { permission: 'membership:manage' }, schema: { tags, summary: 'Change a paid plan (applies to periods paid from now on)', security: authenticated, params: idParamsSchema, body: planInputSchema, response: { 200: planSchema, ...errors } } }, async (request) => updatePlan(deps, requestContext(request), request.params.id, request.body));
  api.delete('/membership/plans/:id', { config: { permission: 'membership:manage' }, schema: { tags, summary: 'Retire a plan (no longer sold; existing subscriptions run on)', security: authenticated, params: idParamsSchema, response: { 200: planSchema, ...errors } } }, async (request) => retirePlan(deps, requestContext(request), request.params.id));

  api.get('/membership/settings', { config: { permission: 'membership:read' }, schema: { tags, summary: 'Refund policy, grace and reminder days, payment timeouts', security: authenticated, response: { 200: membershipSettingsSchema } } }, async (request) => getMembershipSettings(deps, requestContext(request)));
  api.put('/membership/settings', { config: { permission: 'membership:manage' }, schema: { tags, summary: 'Change the membership settings', security: authenticated, body: membershipSettingsSchema, response: { 200: membershipSettingsSchema, ...errors } } }, async (request) => updateMembershipSettings(deps, requestContext(request), request.body));
  api.put('/membership/providers/wechat', { config: { permission: 'membership:manage' }, schema: { tags, summary: 'WeChat Pay API v3 credentials of this brand (keys are sealed at rest and never shown again)', security: authenticated, body: wechatConfigInputSchema, response: { 200: wechatConfigSchema, ...errors } } }, async (request) => saveWechatConfig(deps, requestContext(request), request.body));

  api.get('/membership/providers/wechat', { config: { permission: 'membership:read' }, schema: { tags, summary: 'The WeChat Pay merchant this brand configured (never the keys)', security: authenticated, response: { 200: wechatConfigSchema, 404: problemSchema } } }, async (request) => getWechatConfig(deps, requestContext(request)));
  api.get('/members/:id/membership/refund-quote', { config: { permission: 'membership:read' }, schema: { tags, summary: 'What a refund now would return, by the tenant’s policy (shown before confirming a refund)', security: authenticated, params: idParamsSchema, response: { 200: refundQuoteSchema, 404: problemSchema, 422: problemSchema } } }, async (request) => quoteRefund(deps, requestContext(request), request.params.id));

  api.get('/members/:id/membership', { config: { permission: 'membership:read' }, schema: { tags, summary: 'The member’s paid membership: current subscription, every transition, payments and refunds', security: authenticated, params: idParamsSchema, response: { 200: membershipSchema, 404: problemSchema } } }, async (request) => getMembership(deps, requestContext(request), request.params.id));
  api.post('/members/:id/membership/purchase', { config: { permission: 'membership:write' }, schema: { tags, summary: 'Buy, renew or upgrade: opens a pending payment (WeChat: JSAPI parameters); the membership starts when it is paid', security: authenticated, params: idParamsSchema, body: purchaseInputSchema, response: { 201: purchaseResultSchema, ...errors } } }, async (request, reply) => reply.status(201).send(await purchase(deps, requestContext(request), request.params.id, request.body)));
  api.post('/members/:id/membership/trial', { config: { permission: 'membership:write' }, schema: { tags, summary: 'Start the plan’s free trial (once per member and plan)', security: authenticated, params: idParamsSchema, body: trialInputSchema, response: { 201: subscriptionSchema, ...errors } } }, async (request, reply) => reply.status(201).send(await startTrial(deps, requestContext(request), request.params.id, request.body)));
  api.post('/members/:id/membership/cancel', { config: { permission: 'membership:write' }, schema: { tags, summary: 'Cancel at the period’s end (benefits stay until then; nothing renews)', security: authenticated, params: idParamsSchema, body: reasonInputSchema, response: { 200: subscriptionSchema, ...errors } } }, async (request) => cancelMembership(deps, requestContext(request), request.params.id, request.body.reason));
  api.post('/members/:id/membership/refund', { config: { permission: 'membership:manage' }, schema: { tags, summary: 'Refund (full within the policy’s days, else the unused days) and end the membership at once', security: authenticated, params: idParamsSchema, body: reasonInputSchema, response: { 200: refundResultSchema, ...errors } } }, async (request) => refundMembership(deps, requestContext(request), request.params.id, request.body.reason));
  api.post('/membership/payments/:id/confirm', { config: { permission: 'membership:write' }, schema: { tags, summary: 'Staff took a counter payment: confirm it (repeats change nothing)', security: authenticated, params: idParamsSchema, response: { 200: z.object({ outcome: z.enum(['applied', 'duplicate', 'late', 'mismatch']), payment: paymentSchema }), ...errors } } }, async (request) => confirmOfflinePayment(deps, requestContext(request), request.params.id));
  api.get('/membership/payments/:id', { config: { permission: 'membership:read' }, schema: { tags, summary: 'A membership payment', security: authenticated, params: idParamsSchema, response: { 200: paymentSchema, 404: problemSchema } } }, async (request) => serializePayment(await getPayment(deps.db, requestContext(request).tenantId, request.params.id)));
  api.get('/membership/subscriptions', {
    config: { permission: 'membership:read' },
    schema: { tags, summary: 'Subscriptions, newest first, by status, plan, member or period end', security: authenticated, querystring: paginationQuerySchema.extend({ status: z.enum(subscriptionStatuses).optional(), plan_id: z.uuid().optional(), member_id: z.uuid().optional(), ends_before: z.iso.datetime({ offset: true }).optional() }), response: { 200: pageSchema(subscriptionSchema), 400: problemSchema } },
  }, async (request) => listSubscriptions(deps, requestContext(request), request.query));

  paymentNotifyRoutes(api, deps);
}
