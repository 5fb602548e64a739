import { z } from 'zod';
import { idParamsSchema, pageSchema, problemSchema } from '@hearth/contracts/common';
import {
  assignmentInputSchema,
  commentInputSchema,
  deskTicketInputSchema,
  serviceSettingsSchema,
  slaSummaryQuerySchema,
  slaSummarySchema,
  surveyInputSchema,
  ticketDetailSchema,
  ticketInputSchema,
  ticketQuerySchema,
  deskTicketSchema,
  ticketSchema,
  transitionInputSchema,
} from '@hearth/contracts/service';
import { authenticated, type Api, type RouteContext } from '../../http/api.ts';
import { requestContext } from '../../http/auth.ts';
import { activeOperatorsWith } from '../access/operators.service.ts';
import { memberScope, memberSecurity, signedIn } from '../member-portal/member-auth.ts';
import { saveServiceSettings, serviceSettings } from './sla.service.ts';
import { getTicket, listDeskTickets, listTickets, slaSummary } from './tickets.query.ts';
import { addComment, assignTicket, openTicketForMember, submitSurvey, submitTicket, transitionTicket } from './tickets.service.ts';

const tags = ['service'];
const errors = { 400: problemSchema, 403: problemSchema, 404: problemSchema, 409: problemSchema, 422: problemSchema };
const meQuery = ticketQuerySchema.pick({ status: true, limit: true, cursor: true });

/** After-sales service (售后): the operators' desk, and the member's tickets under /me. */
export function serviceRoutes(api: Api, { deps }: RouteContext) {
  api.get('/service/tickets', { config: { permission: 'service:read' }, schema: { tags, summary: 'The service desk: tickets newest first, by status, type, store, operator, member or SLA state', security: authenticated, querystring: ticketQuerySchema, response: { 200: pageSchema(deskTicketSchema) } } }, async (request) => listDeskTickets(deps.db, requestContext(request).tenantId, request.query, deps.clock.now()));
  api.post('/service/tickets', { config: { permission: 'service:manage' }, schema: { tags, summary: 'Open a ticket for a member who phoned or came in (the same checks as the member’s own request)', security: authenticated, body: deskTicketInputSchema, response: { 201: ticketSchema, ...errors } } }, async (request, reply) => {
    const { member_id: memberId, ...input } = request.body;
    return reply.status(201).send(await openTicketForMember(deps, requestContext(request), memberId, input));
  });
  api.get('/service/sla-summary', { config: { permission: 'service:read' }, schema: { tags, summary: 'Open tickets by SLA state (on time, due soon, breached), overall and per type', security: authenticated, querystring: slaSummaryQuerySchema, response: { 200: slaSummarySchema } } }, async (request) => slaSummary(deps.db, requestContext(request).tenantId, request.query, deps.clock.now()));
  api.get('/service/tickets/:id', { config: { permission: 'service:read' }, schema: { tags, summary: 'A ticket with its history (who and when) and comments', security: authenticated, params: idParamsSchema, response: { 200: ticketDetailSchema, 404: problemSchema } } }, async (request) => getTicket(deps.db, requestContext(request).tenantId, request.params.id, { now: deps.clock.now(), detail: true }));
  api.post('/service/tickets/:id/transitions', { config: { permission: 'service:manage' }, schema: { tags, summary: 'Move a ticket along submitted → accepted → in_progress → resolved → closed, or rejected (accepting a return refunds its lines)', security: authenticated, params: idParamsSchema, body: transitionInputSchema, response: { 200: ticketSchema, ...errors } } }, async (request) => transitionTicket(deps, requestContext(request), request.params.id, request.body.to, request.body.note));
  api.get('/service/assignees', { config: { permission: 'service:manage' }, schema: { tags, summary: 'Who a ticket can be assigned to: active operators whose role handles tickets', security: authenticated, response: { 200: z.object({ data: z.array(z.object({ id: z.uuid(), name: z.string() })) }) } } }, async (request) => ({ data: await activeOperatorsWith(deps, requestContext(request), 'service:manage') }));
  api.put('/service/tickets/:id/assignment', { config: { permission: 'service:manage' }, schema: { tags, summary: 'Assign a ticket to a store and/or an operator', security: authenticated, params: idParamsSchema, body: assignmentInputSchema, response: { 200: ticketSchema, ...errors } } }, async (request) => assignTicket(deps, requestContext(request), request.params.id, request.body));
  api.post('/service/tickets/:id/comments', { config: { permission: 'service:manage' }, schema: { tags, summary: 'Reply on a ticket (the member sees it)', security: authenticated, params: idParamsSchema, body: commentInputSchema, response: { 201: ticketDetailSchema, ...errors } } }, async (request, reply) => reply.status(201).send(await addComment(deps, requestContext(request), request.params.id, request.body)));
  api.get('/service/settings', { config: { permission: 'service:read' }, schema: { tags, summary: 'SLA hours per ticket type', security: authenticated, response: { 200: serviceSettingsSchema } } }, async (request) => serviceSettings(deps.db, requestContext(request).tenantId));
  api.put('/service/settings', { config: { permission: 'service:manage' }, schema: { tags, summary: 'Set the SLA hours per ticket type (for tickets submitted from now on)', security: authenticated, body: serviceSettingsSchema, response: { 200: serviceSettingsSchema, ...errors } } }, async (request) => saveServiceSettings(deps, requestContext(request), request.body));

  api.register(
    async (me) => {
      memberScope(me, deps);
      const m = me as unknown as Api;
      const memberTags = ['member center'];
      m.post('/service-tickets', { schema: { tags: memberTags, summary: 'Ask for after-sales service: return, exchange, repair, warranty, complaint or consultation', security: memberSecurity, body: ticketInputSchema, response: { 201: ticketSchema, ...errors } } }, async (request, reply) => {
        const { ctx, memberId } = signedIn(request);
        return reply.status(201).send(await submitTicket(deps, ctx, memberId, request.body));
      });
      m.get('/service-tickets', { schema: { tags: memberTags, summary: 'My service tickets, newest first', security: memberSecurity, querystring: meQuery, response: { 200: pageSchema(ticketSchema) } } }, async (request) => {
        const { ctx, memberId } = signedIn(request);
        return listTickets(deps.db, ctx.tenantId, { ...request.query, memberId }, deps.clock.now());
      });
      m.get('/service-tickets/:id', { schema: { tags: memberTags, summary: 'One of my tickets with its history and comments', security: memberSecurity, params: idParamsSchema, response: { 200: ticketDetailSchema, 404: problemSchema } } }, async (request) => {
        const { ctx, memberId } = signedIn(request);
        return getTicket(deps.db, ctx.tenantId, request.params.id, { memberId, now: deps.clock.now(), detail: true });
      });
      m.post('/service-tickets/:id/comments', { schema: { tags: memberTags, summary: 'Add a comment or photos to my ticket', security: memberSecurity, params: idParamsSchema, body: commentInputSchema, response: { 201: ticketDetailSchema, ...errors } } }, async (request, reply) => {
        const { ctx, memberId } = signedIn(request);
        return reply.status(201).send(await addComment(deps, ctx, request.params.id, request.body, memberId));
      });
      m.post('/service-tickets/:id/survey', { schema: { tags: memberTags, summary: 'Rate the service (1–5 and a comment), once, after the ticket is closed', security: memberSecurity, params: idParamsSchema, body: surveyInputSchema, response: { 200: ticketSchema, ...errors } } }, async (request) => {
        const { ctx, memberId } = signedIn(request);
        return submitSurvey(deps, ctx, memberId, request.params.id, request.body);
      });
    },
    { prefix: '/me' },
  );
}

