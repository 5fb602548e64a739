import { sql } from 'kysely';
import { z } from 'zod';
import { idParamsSchema, pageSchema, problemSchema } from '@hearth/contracts/common';
import {
  cancelRegistrationSchema,
  checkinInputSchema,
  checkinSchema,
  eventInputSchema,
  eventListQuerySchema,
  eventSchema,
  eventSettingsSchema,
  eventStatsSchema,
  operatorRegistrationInputSchema,
  registrationListQuerySchema,
  listedRegistrationSchema,
  registrationSchema,
} from '@hearth/contracts/events';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { authenticated, type Api, type RouteContext } from '../../http/api.ts';
import { requestContext } from '../../http/auth.ts';
import { validationError } from '../../http/errors.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { memberNumbers } from '../members/members.service.ts';
import { getTemplateRow } from '../messaging/templates.service.ts';
import { memberScope } from '../member-portal/member-auth.ts';
import { checkIn } from './attendance.service.ts';
import { cancelEvent, cancelRegistration } from './cancellation.service.ts';
import { createEvent, getEventRow, listEvents, publishEvent, serializeEvent, updateEvent } from './events.service.ts';
import { meEventsRoutes } from './me-events.routes.ts';
import { eventSettings } from './notify.ts';
import { promoteWaitlisted } from './promotion.ts';
import { listRegistrations } from './registrations.query.ts';
import { confirmPayment, register } from './registrations.service.ts';
import { eventStats } from './stats.service.ts';

const tags = ['events'];
const errors = { 400: problemSchema, 403: problemSchema, 404: problemSchema, 409: problemSchema, 422: problemSchema };
const statsQuery = z.object({ from: z.iso.datetime({ offset: true }).optional(), to: z.iso.datetime({ offset: true }).optional() });

/** Events (主题活动): the console's and the counter's side, and the member center's under /me. */
export function ticketedEventsRoutes(api: Api, { deps }: RouteContext) {
  api.get('/events/sessions', { config: { permission: 'events:read' }, schema: { tags, summary: 'Events, newest start first (upcoming: soonest first)', security: authenticated, querystring: eventListQuerySchema, response: { 200: pageSchema(eventSchema), 400: problemSchema } } }, async (request) => {
    const ctx = requestContext(request);
    return listEvents(deps.db, ctx.tenantId, { ...request.query, titleContains: request.query.q, upcomingAt: request.query.upcoming === 'true' ? deps.clock.now() : undefined });
  });
  api.post('/events/sessions', { config: { permission: 'events:manage' }, schema: { tags, summary: 'Create an event (a draft until published)', security: authenticated, body: eventInputSchema, response: { 201: eventSchema, ...errors } } }, async (request, reply) => reply.status(201).send(await createEvent(deps, requestContext(request), request.body)));
  api.get('/events/stats', { config: { permission: 'events:read' }, schema: { tags, summary: 'Numbers of the events starting in [from, to): sessions, registrations, attendance, revenue, NPS, repeat attendees', security: authenticated, querystring: statsQuery, response: { 200: eventStatsSchema } } }, async (request) => eventStats(deps, requestContext(request), request.query));
  api.get('/events/settings', { config: { permission: 'events:read' }, schema: { tags, summary: 'Reminder lead time and the message templates for reminders and promotions', security: authenticated, response: { 200: eventSettingsSchema } } }, async (request) => eventSettings(deps.db, requestContext(request).tenantId));
  api.put('/events/settings', { config: { permission: 'events:manage' }, schema: { tags, summary: 'Set the reminder lead time and templates', security: authenticated, body: eventSettingsSchema, response: { 200: eventSettingsSchema, ...errors } } }, async (request) => saveSettings(deps, requestContext(request), request.body));
  api.post('/events/checkins', { config: { permission: 'events:checkin' }, schema: { tags, summary: 'Check a ticket in by its scanned or typed code (once; again: 409 TICKET_ALREADY_CHECKED_IN with the time)', security: authenticated, body: checkinInputSchema, response: { 200: checkinSchema, ...errors } } }, async (request) => checkIn(deps, requestContext(request), request.body.code));
  api.post('/events/registrations/:id/cancel', { config: { permission: 'events:register' }, schema: { tags, summary: 'Cancel a registration with a full refund; the first waitlisted member is promoted', security: authenticated, params: idParamsSchema, body: cancelRegistrationSchema, response: { 200: registrationSchema, ...errors } } }, async (request) =>
    cancelRegistration(deps, requestContext(request), request.params.id, { reason: request.body.reason, byOperator: true }),
  );
  api.post('/events/registrations/:id/confirm-payment', { config: { permission: 'events:register' }, schema: { tags, summary: 'Staff took the money at the counter: the held seat becomes the member’s', security: authenticated, params: idParamsSchema, response: { 200: registrationSchema, ...errors } } }, async (request) => confirmPayment(deps, requestContext(request), request.params.id));

  api.get('/events/sessions/:id', { config: { permission: 'events:read' }, schema: { tags, summary: 'An event with its seats and waitlist', security: authenticated, params: idParamsSchema, response: { 200: eventSchema, 404: problemSchema } } }, async (request) => serializeEvent(deps.db, await getEventRow(deps.db, requestContext(request).tenantId, request.params.id)));
  api.put('/events/sessions/:id', { config: { permission: 'events:manage' }, schema: { tags, summary: 'Edit an event (price and questions frozen once anyone registered; more seats promote the waitlist)', security: authenticated, params: idParamsSchema, body: eventInputSchema, response: { 200: eventSchema, ...errors } } }, async (request) => {
    const ctx = requestContext(request);
    return updateEvent(deps, ctx, request.params.id, request.body, (trx, event) => promoteWaitlisted(trx, deps, ctx, event, deps.clock.now()).then(() => undefined));
  });
  api.post('/events/sessions/:id/publish', { config: { permission: 'events:manage' }, schema: { tags, summary: 'Open the event for registration', security: authenticated, params: idParamsSchema, response: { 200: eventSchema, ...errors } } }, async (request) => publishEvent(deps, requestContext(request), request.params.id));
  api.post('/events/sessions/:id/cancel', { config: { permission: 'events:manage' }, schema: { tags, summary: 'Cancel the event: every registration is canceled and refunded in full', security: authenticated, params: idParamsSchema, body: cancelRegistrationSchema, response: { 200: eventSchema, ...errors } } }, async (request) => cancelEvent(deps, requestContext(request), request.params.id, request.body.reason));
  api.get('/events/sessions/:id/stats', { config: { permission: 'events:read' }, schema: { tags, summary: 'One event’s numbers', security: authenticated, params: idParamsSchema, response: { 200: eventStatsSchema, 404: problemSchema } } }, async (request) => eventStats(deps, requestContext(request), { eventId: request.params.id }));
  api.get('/events/sessions/:id/registrations', { config: { permission: 'events:read' }, schema: { tags, summary: 'The event’s registrations (waitlisted ones with their position)', security: authenticated, params: idParamsSchema, querystring: registrationListQuerySchema, response: { 200: pageSchema(listedRegistrationSchema), 404: problemSchema } } }, async (request) => {
    const ctx = requestContext(request);
    await getEventRow(deps.db, ctx.tenantId, request.params.id);
    const page = await listRegistrations(deps.db, ctx.tenantId, { eventId: request.params.id, ...request.query });
    const numbers = await memberNumbers(deps.db, ctx.tenantId, [...new Set(page.data.map((r) => r.member_id))]);
    return { data: page.data.map((r) => ({ ...r, member_no: numbers.get(r.member_id) ?? null })), next_cursor: page.next_cursor };
  });
  api.post('/events/sessions/:id/registrations', { config: { permission: 'events:register' }, schema: { tags, summary: 'Register a member (once; again answers 200 with the registration); full: waitlisted', security: authenticated, params: idParamsSchema, body: operatorRegistrationInputSchema, response: { 201: registrationSchema, 200: registrationSchema, ...errors } } }, async (request, reply) => {
    const { member_id, ...input } = request.body;
    const { registration, created } = await register(deps, requestContext(request), request.params.id, member_id, input);
    return reply.status(created ? 201 : 200).send(registration);
  });

  api.register(
    async (me) => {
      memberScope(me, deps);
      meEventsRoutes(me as unknown as Api, deps);
    },
    { prefix: '/me' },
  );
}

async function saveSettings(deps: AppDeps, ctx: RequestContext, input: z.infer<typeof eventSettingsSchema>) {
  for (const field of ['reminder_template_id', 'promoted_template_id'] as const) if (input[field]) await getTemplateRow(deps.db, ctx.tenantId, input[field]).catch(() => Promise.reject(unknownTemplate(field)));
  await withTransaction(deps.db, async (trx) => {
    await trx.insertInto('event_settings').values({ tenant_id: ctx.tenantId, ...input }).onConflict((oc) => oc.column('tenant_id').doUpdateSet({ ...input, updated_at: sql`now()` })).execute();
    await recordAudit(trx, ctx, { action: 'event.settings', resourceType: 'tenant', resourceId: ctx.tenantId, details: input });
  });
  return eventSettings(deps.db, ctx.tenantId);
}

const unknownTemplate = (field: string) => validationError([{ field, code: 'unknown_template', message: 'no such message template' }]);
