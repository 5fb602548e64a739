import { z } from 'zod';
import { idParamsSchema, problemSchema } from '@hearth/contracts/common';
import {
  benefitGrantInputSchema,
  benefitGrantSchema,
  benefitInputSchema,
  benefitSchema,
  benefitTypes,
  benefitUndoInputSchema,
  benefitUsageReportRowSchema,
  benefitUseInputSchema,
  benefitUseResultSchema,
  benefitUseSchema,
  cartQuoteInputSchema,
  cartQuoteSchema,
  entitlementSchema,
  savingsSchema,
} from '@hearth/contracts/benefits';
import { authenticated, type Api, type RouteContext } from '../../http/api.ts';
import { requestContext } from '../../http/auth.ts';
import { createBenefit, deleteBenefit, getBenefit, listBenefits, updateBenefit } from './catalogue.service.ts';
import { grantBenefit, listGrants, revokeGrant } from './grants.service.ts';
import { quoteCart } from './quote.service.ts';
import { benefitUsageReport } from './report.service.ts';
import { getSavings } from './savings.service.ts';
import { listMemberBenefits, listMemberUses, undoUse, useBenefit } from './uses.service.ts';

const tags = ['benefits'];
const errors = { 400: problemSchema, 403: problemSchema, 404: problemSchema, 409: problemSchema, 422: problemSchema };
const memberBenefitParams = z.object({ id: z.uuid(), benefitId: z.uuid() });
const memberGrantParams = z.object({ id: z.uuid(), grantId: z.uuid() });
const windowQuery = z.object({ from: z.iso.datetime({ offset: true }).optional(), to: z.iso.datetime({ offset: true }).optional() });

export function benefitsRoutes(api: Api, context: RouteContext) {
  const { deps } = context;
  api.get('/benefits', { config: { permission: 'benefits:read' }, schema: { tags, summary: 'The benefits catalogue', security: authenticated, querystring: z.object({ type: z.enum(benefitTypes).optional(), status: z.enum(['active', 'paused']).optional() }), response: { 200: z.object({ data: z.array(benefitSchema) }), 400: problemSchema } } }, async (request) => ({ data: await listBenefits(deps, requestContext(request), request.query) }));
  api.get('/benefits/:id', { config: { permission: 'benefits:read' }, schema: { tags, summary: 'A benefit', security: authenticated, params: idParamsSchema, response: { 200: benefitSchema, 404: problemSchema } } }, async (request) => getBenefit(deps, requestContext(request), request.params.id));
  api.post('/benefits', { config: { permission: 'benefits:manage' }, schema: { tags, summary: 'Add a benefit (discount, points multiplier, free shipping, free service, priority window, birthday gift, exclusive access, partner, custom) with its usage limit', security: authenticated, body: benefitInputSchema, response: { 201: benefitSchema, ...errors } } }, async (request, reply) => reply.status(201).send(await createBenefit(deps, requestContext(request), request.body)));
  api.put('/benefits/:id', { config: { permission: 'benefits:manage' }, schema: { tags, summary: 'Change a benefit (applies from now on)', security: authenticated, params: idParamsSchema, body: benefitInputSchema, response: { 200: benefitSchema, ...errors } } }, async (request) => updateBenefit(deps, requestContext(request), request.params.id, request.body));
  api.delete('/benefits/:id', { config: { permission: 'benefits:manage' }, schema: { tags, summary: 'Delete a benefit nobody used, was granted or holds through a tier or plan (else pause it)', security: authenticated, params: idParamsSchema, response: { 204: z.null(), ...errors } } }, async (request, reply) => {
    await deleteBenefit(deps, requestContext(request), request.params.id);
    return reply.status(204).send(null);
  });
  api.post('/benefits/quote', { config: { permission: 'benefits:use' }, schema: { tags, summary: 'Quote a cart: the member’s discount benefits that apply, the discount per line in fen, free shipping (nothing is used)', security: authenticated, body: cartQuoteInputSchema, response: { 200: cartQuoteSchema, ...errors } } }, async (request) => quoteCart(deps, requestContext(request), request.body));
  api.get('/benefits/reports/usage', { config: { permission: 'benefits:read' }, schema: { tags, summary: 'Benefit usage by benefit and source (tier, plan, grant) over a window', security: authenticated, querystring: windowQuery, response: { 200: z.object({ data: z.array(benefitUsageReportRowSchema) }), 400: problemSchema } } }, async (request) => ({ data: await benefitUsageReport(deps, requestContext(request), request.query) }));

  api.get('/members/:id/benefits', { config: { permission: 'benefits:read' }, schema: { tags, summary: 'What the member may use now: each benefit with its sources (tier, plan, grant), validity and uses left this period', security: authenticated, params: idParamsSchema, response: { 200: z.object({ data: z.array(entitlementSchema) }), 404: problemSchema } } }, async (request) => ({ data: await listMemberBenefits(deps, requestContext(request), request.params.id) }));
  api.post('/members/:id/benefits/:benefitId/use', { config: { permission: 'benefits:use' }, schema: { tags, summary: 'Use a benefit the member holds now (idempotent by use_key; never over its limit)', security: authenticated, params: memberBenefitParams, body: benefitUseInputSchema, response: { 200: benefitUseResultSchema, 201: benefitUseResultSchema, ...errors } } }, async (request, reply) => {
    const result = await useBenefit(deps, requestContext(request), request.params.id, request.params.benefitId, request.body);
    return reply.status(result.replayed ? 200 : 201).send(result);
  });
  api.post('/members/:id/benefits/:benefitId/undo', { config: { permission: 'benefits:use' }, schema: { tags, summary: 'Give a use back (order canceled): it no longer counts against the limit or the savings', security: authenticated, params: memberBenefitParams, body: benefitUndoInputSchema, response: { 200: benefitUseSchema, ...errors } } }, async (request) => undoUse(deps, requestContext(request), request.params.id, request.params.benefitId, request.body));
  api.get('/members/:id/benefit-uses', { config: { permission: 'benefits:read' }, schema: { tags, summary: 'The member’s benefit uses, newest first', security: authenticated, params: idParamsSchema, response: { 200: z.object({ data: z.array(benefitUseSchema) }), 404: problemSchema } } }, async (request) => ({ data: await listMemberUses(deps, requestContext(request), request.params.id) }));
  api.get('/members/:id/benefit-grants', { config: { permission: 'benefits:read' }, schema: { tags, summary: 'Campaign grants of the member', security: authenticated, params: idParamsSchema, response: { 200: z.object({ data: z.array(benefitGrantSchema) }), 404: problemSchema } } }, async (request) => ({ data: await listGrants(deps, requestContext(request), request.params.id) }));
  api.post('/members/:id/benefit-grants', { config: { permission: 'benefits:grant' }, schema: { tags, summary: 'Grant the member a benefit for a while (a campaign), optionally with uses of its own; idempotent by grant_key', security: authenticated, params: idParamsSchema, body: benefitGrantInputSchema, response: { 200: z.object({ grant: benefitGrantSchema, replayed: z.boolean() }), 201: z.object({ grant: benefitGrantSchema, replayed: z.boolean() }), ...errors } } }, async (request, reply) => {
    const result = await grantBenefit(deps, requestContext(request), request.params.id, request.body);
    return reply.status(result.replayed ? 200 : 201).send(result);
  });
  api.post('/members/:id/benefit-grants/:grantId/revoke', { config: { permission: 'benefits:grant' }, schema: { tags, summary: 'End a grant at once', security: authenticated, params: memberGrantParams, body: z.object({ reason: z.string().trim().min(1).max(200) }), response: { 200: benefitGrantSchema, ...errors } } }, async (request) => revokeGrant(deps, requestContext(request), request.params.id, request.params.grantId, request.body.reason));
  api.get('/members/:id/savings', { config: { permission: 'benefits:read' }, schema: { tags, summary: 'What the member saved this year, by kind (benefits, coupons, member prices …): 本年已为您节省 ¥X', security: authenticated, params: idParamsSchema, querystring: z.object({ year: z.coerce.number().int().min(2000).max(2100).optional() }), response: { 200: savingsSchema, 400: problemSchema, 404: problemSchema } } }, async (request) => getSavings(deps, requestContext(request), request.params.id, request.query.year));
}
