import QRCode from 'qrcode';
import { z } from 'zod';
import { idParamsSchema, pageSchema, paginationQuerySchema, problemSchema } from '@hearth/contracts/common';
import { cancelRegistrationSchema, feedbackInputSchema, feedbackSchema, myEventSchema, myRegistrationSchema, payRegistrationSchema, registrationInputSchema, registrationListQuerySchema, registrationSchema } from '@hearth/contracts/events';
import type { Db } from '../../db/database.ts';
import type { AppDeps } from '../../deps.ts';
import type { Api } from '../../http/api.ts';
import { AppError, notFound } from '../../http/errors.ts';
import { memberSecurity, signedIn } from '../member-portal/member-auth.ts';
import { wechatPayConfigured } from '../membership/providers.service.ts';
import { submitFeedback } from './attendance.service.ts';
import { cancelRegistration } from './cancellation.service.ts';
import { getEventRow, listEvents, serializeEvents, type EventRow } from './events.service.ts';
import { getRegistration, listRegistrations } from './registrations.query.ts';
import { payRegistration, priceFor, register } from './registrations.service.ts';

const tags = ['member center'];
const errors = { 400: problemSchema, 404: problemSchema, 409: problemSchema, 422: problemSchema };

/** The member's events: browse, register (answers, pay or points), tickets with QR, cancel, feedback. */
export function meEventsRoutes(me: Api, deps: AppDeps) {
  me.get('/events', { schema: { tags, summary: 'Published events that have not ended, soonest first, with my price and registration', security: memberSecurity, querystring: paginationQuerySchema, response: { 200: pageSchema(myEventSchema), 400: problemSchema } } }, async (request) => {
    const { ctx, memberId } = signedIn(request);
    const events = await listEvents(deps.db, ctx.tenantId, { status: 'published', upcomingAt: deps.clock.now(), limit: request.query.limit, cursor: request.query.cursor });
    return { data: await withMine(deps, ctx.tenantId, memberId, events.data, await canPayWechat(deps, ctx.tenantId, request.member?.wechatOpenid)), next_cursor: events.next_cursor };
  });
  me.get('/events/:id', { schema: { tags, summary: 'An event with my price and registration', security: memberSecurity, params: idParamsSchema, response: { 200: myEventSchema, 404: problemSchema } } }, async (request) => {
    const { ctx, memberId } = signedIn(request);
    const row = await getEventRow(deps.db, ctx.tenantId, request.params.id);
    // Drafts are the brand's business: to a member they do not exist.
    if (row.status === 'draft') throw notFound('Event');
    const [event] = await serializeEvents(deps.db, [row]);
    return (await withMine(deps, ctx.tenantId, memberId, [event!], await canPayWechat(deps, ctx.tenantId, request.member?.wechatOpenid)))[0]!;
  });
  me.post('/events/:id/registrations', { schema: { tags, summary: 'Register (once; again answers 200); full: waitlisted. A price in fen holds the seat until paid', security: memberSecurity, params: idParamsSchema, body: registrationInputSchema, response: { 201: registrationSchema, 200: registrationSchema, ...errors } } }, async (request, reply) => {
    const { ctx, memberId } = signedIn(request);
    const row = await getEventRow(deps.db, ctx.tenantId, request.params.id);
    if (row.status === 'draft') throw notFound('Event');
    const { registration, created } = await register(deps, ctx, row.id, memberId, { ...request.body, openid: request.member?.wechatOpenid ?? null });
    return reply.status(created ? 201 : 200).send(registration);
  });
  me.get('/event-registrations', { schema: { tags, summary: 'My registrations and tickets, with their events', security: memberSecurity, querystring: registrationListQuerySchema, response: { 200: pageSchema(myRegistrationSchema) } } }, async (request) => {
    const { ctx, memberId } = signedIn(request);
    const page = await listRegistrations(deps.db, ctx.tenantId, { memberId, ...request.query });
    const ids = [...new Set(page.data.map((r) => r.event_id))];
    const events = ids.length ? await serializeEvents(deps.db, await deps.db.selectFrom('events').selectAll().where('tenant_id', '=', ctx.tenantId).where('id', 'in', ids).execute()) : [];
    const byId = new Map(events.map((e) => [e.id, e]));
    const wechatPay = await canPayWechat(deps, ctx.tenantId, request.member?.wechatOpenid);
    return { data: page.data.map((r) => ({ ...r, event: byId.get(r.event_id)!, wechat_pay: wechatPay })), next_cursor: page.next_cursor };
  });
  me.get('/event-registrations/:id', { schema: { tags, summary: 'One of my registrations with its event', security: memberSecurity, params: idParamsSchema, response: { 200: myRegistrationSchema, 404: problemSchema } } }, async (request) => {
    const { ctx, memberId } = signedIn(request);
    const registration = await getRegistration(deps.db, ctx.tenantId, request.params.id, memberId);
    const [event] = await serializeEvents(deps.db, [await getEventRow(deps.db, ctx.tenantId, registration.event_id)]);
    return { ...registration, event: event!, wechat_pay: await canPayWechat(deps, ctx.tenantId, request.member?.wechatOpenid) };
  });
  me.get('/event-registrations/:id/qr.svg', { schema: { tags, summary: 'My ticket’s QR code (SVG); only for a seat that is mine', security: memberSecurity, params: idParamsSchema } }, async (request, reply) => {
    const { ctx, memberId } = signedIn(request);
    const registration = await getRegistration(deps.db, ctx.tenantId, request.params.id, memberId);
    if (!registration.ticket_code) throw new AppError('TICKET_NOT_VALID', `No ticket while the registration is ${registration.status}`);
    const svg = await QRCode.toString(registration.ticket_code.replaceAll('-', ''), { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    return reply.type('image/svg+xml').header('cache-control', 'private, max-age=300').send(svg);
  });
  me.post('/event-registrations/:id/pay', { schema: { tags, summary: 'Pay a held seat: points at once, fen through WeChat Pay (JSAPI parameters) or at the counter', security: memberSecurity, params: idParamsSchema, body: payRegistrationSchema, response: { 200: registrationSchema, ...errors } } }, async (request) => {
    const { ctx, memberId } = signedIn(request);
    return payRegistration(deps, ctx, memberId, request.params.id, { provider: request.body.provider, openid: request.member?.wechatOpenid ?? null });
  });
  me.post('/event-registrations/:id/cancel', { schema: { tags, summary: 'Cancel: refunded in full before the event’s deadline, not after; the seat goes to the waitlist', security: memberSecurity, params: idParamsSchema, body: cancelRegistrationSchema, response: { 200: registrationSchema, ...errors } } }, async (request) => {
    const { ctx, memberId } = signedIn(request);
    return cancelRegistration(deps, ctx, request.params.id, { memberId, reason: request.body.reason, byOperator: false });
  });
  me.post('/event-registrations/:id/feedback', { schema: { tags, summary: 'Feedback after attending (NPS 0–10, rating 1–5, comment), once', security: memberSecurity, params: idParamsSchema, body: feedbackInputSchema, response: { 201: feedbackSchema, ...errors } } }, async (request, reply) => {
    const { ctx, memberId } = signedIn(request);
    return reply.status(201).send(await submitFeedback(deps, ctx, memberId, request.params.id, request.body));
  });
}

/** WeChat Pay (JSAPI) needs the payer's openid, which only a WeChat sign-in gives, and the brand's merchant. */
async function canPayWechat(deps: AppDeps, tenantId: string, openid: string | null | undefined) {
  return Boolean(openid) && (await wechatPayConfigured(deps.db, tenantId));
}

async function withMine(deps: AppDeps, tenantId: string, memberId: string, events: Awaited<ReturnType<typeof serializeEvents>>, wechatPay: boolean) {
  if (!events.length) return [];
  const ids = events.map((e) => e.id);
  const [rows, mine] = await Promise.all([
    deps.db.selectFrom('events').selectAll().where('tenant_id', '=', tenantId).where('id', 'in', ids).execute(),
    liveOrLatest(deps.db, tenantId, memberId, ids),
  ]);
  const rowById = new Map(rows.map((r) => [r.id, r]));
  const now = deps.clock.now();
  return Promise.all(
    events.map(async (e) => ({
      ...e,
      my_price: await priceFor(deps.db, tenantId, memberId, rowById.get(e.id) as EventRow, now),
      my_registration: mine.has(e.id) ? await getRegistration(deps.db, tenantId, mine.get(e.id)!, memberId) : null,
      wechat_pay: wechatPay,
    })),
  );
}

/** Per event, the member's live registration, else their latest one (a canceled ticket still shows). */
async function liveOrLatest(db: Db, tenantId: string, memberId: string, eventIds: string[]) {
  const rows = await db.selectFrom('event_registrations').select(['event_id', 'id', 'status']).where('tenant_id', '=', tenantId).where('member_id', '=', memberId).where('event_id', 'in', eventIds).orderBy('id').execute();
  const chosen = new Map<string, { id: string; live: boolean }>();
  for (const r of rows) {
    const live = ['pending_payment', 'registered', 'waitlisted'].includes(r.status);
    const current = chosen.get(r.event_id);
    if (!current || live || !current.live) chosen.set(r.event_id, { id: r.id, live });
  }
  return new Map([...chosen].map(([eventId, c]) => [eventId, c.id]));
}
