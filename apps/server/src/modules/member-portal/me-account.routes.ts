import { z } from 'zod';
import { idParamsSchema, pageSchema, paginationQuerySchema, problemSchema } from '@hearth/contracts/common';
import { consentChannels } from '@hearth/contracts/members';
import { inboxMessageSchema } from '@hearth/contracts/messaging';
import {
  erasureRequestSchema,
  memberCodeWindowSchema,
  myConsentSchema,
  myConsentUpdateSchema,
  myOrderSchema,
  myProfileSchema,
  myProfileUpdateSchema,
} from '@hearth/contracts/member-portal';
import type { AppDeps } from '../../deps.ts';
import type { Api } from '../../http/api.ts';
import { AppError, notFound } from '../../http/errors.ts';
import { findActiveTenantById } from '../access/access.service.ts';
import { CODE_STEP_SECONDS, memberCodeWindow } from '../members/member-code.service.ts';
import { getMember } from '../members/members.query.ts';
import { updateMember } from '../members/members.service.ts';
import { eraseMember, exportMember, getConsents, setConsent } from '../members/privacy.service.ts';
import { listInbox, markInboxRead } from '../messaging/deliveries.service.ts';
import { getOrder, listOrders } from '../orders/orders.service.ts';
import { MEMBER_COOKIE, memberSecurity, signedIn } from './member-auth.ts';

const tags = ['member center'];
// Codes handed out ahead: the card keeps showing a valid QR for five minutes without a connection.
const CODE_STEPS_AHEAD = 5;

/** The member's own account: profile, consent, privacy requests, card code and orders. */
export function meAccountRoutes(me: Api, deps: AppDeps) {
  me.get('/profile', { schema: { tags, summary: 'My profile', security: memberSecurity, response: { 200: myProfileSchema } } }, async (request) => {
    const { ctx, memberId } = signedIn(request);
    return profileOf(deps, ctx, memberId);
  });

  me.patch(
    '/profile',
    { schema: { tags, summary: 'Edit my profile (the birthday can be set once)', security: memberSecurity, body: myProfileUpdateSchema, response: { 200: myProfileSchema, 409: problemSchema } } },
    async (request) => {
      const { ctx, memberId } = signedIn(request);
      const before = await getMember(deps, ctx, memberId);
      const { birthday, ...rest } = request.body;
      const sameDay = birthday && before.birthday && before.birthday.month === birthday.month && before.birthday.day === birthday.day && (before.birthday.year ?? null) === (birthday.year ?? null);
      // Brands give birthday gifts: a birthday that could be moved would be a gift every month.
      if (birthday && before.birthday && !sameDay) {
        throw new AppError('BIRTHDAY_ALREADY_SET', 'The birthday can be set only once; ask the brand to correct it', { errors: [{ field: 'birthday', code: 'birthday_locked', message: '生日仅可设置一次' }] });
      }
      await updateMember(deps, ctx, memberId, { ...rest, ...(birthday && !before.birthday && { birthday }) });
      return profileOf(deps, ctx, memberId);
    },
  );

  me.get('/consents', { schema: { tags, summary: 'My marketing consent per channel', security: memberSecurity, response: { 200: z.array(myConsentSchema) } } }, async (request) => {
    const { ctx, memberId } = signedIn(request);
    const given = await getConsents(deps, ctx, memberId);
    return consentChannels.map((channel) => given.find((c) => c.channel === channel) ?? { channel, granted: false, updated_at: null });
  });

  me.put(
    '/consents/:channel',
    { schema: { tags, summary: 'Give or withdraw my consent on one channel', security: memberSecurity, params: z.object({ channel: z.enum(consentChannels) }), body: myConsentUpdateSchema, response: { 200: myConsentSchema } } },
    async (request) => {
      const { ctx, memberId } = signedIn(request);
      const saved = await setConsent(deps, ctx, memberId, { channel: request.params.channel, granted: request.body.granted, source: 'member_center', wording_version: 'member-center-v1' });
      return { channel: saved.channel as (typeof consentChannels)[number], granted: saved.granted, updated_at: saved.updated_at };
    },
  );

  me.post('/privacy/export', { schema: { tags, summary: 'Download everything the brand holds about me (audited)', security: memberSecurity, response: { 200: z.record(z.string(), z.unknown()) } } }, async (request) => {
    const { ctx, memberId } = signedIn(request);
    return exportMember(deps, ctx, memberId);
  });

  me.post(
    '/privacy/erase',
    { schema: { tags, summary: 'Erase my personal data and close my membership (confirmed)', security: memberSecurity, body: erasureRequestSchema, response: { 204: z.null() } } },
    async (request, reply) => {
      const { ctx, memberId } = signedIn(request);
      // The erase handler of this module ends every session of the member in the same transaction.
      await eraseMember(deps, ctx, memberId, request.body.reason ? `member request: ${request.body.reason}` : 'member request in the member center');
      reply.clearCookie(MEMBER_COOKIE, { path: '/' });
      return reply.status(204).send(null);
    },
  );

  me.get('/member-code', { schema: { tags, summary: 'My card’s dynamic QR codes (this minute and the next ones)', security: memberSecurity, response: { 200: memberCodeWindowSchema } } }, async (request, reply) => {
    const { ctx, memberId } = signedIn(request);
    reply.header('cache-control', 'no-store');
    return { step_seconds: CODE_STEP_SECONDS, codes: await memberCodeWindow(deps, ctx, memberId, CODE_STEPS_AHEAD) };
  });

  me.get(
    '/inbox',
    { schema: { tags, summary: 'My in-app messages, newest first', security: memberSecurity, querystring: paginationQuerySchema.extend({ unread_only: z.stringbool().optional() }), response: { 200: pageSchema(inboxMessageSchema).extend({ unread: z.number().int() }) } } },
    async (request) => {
      const { ctx, memberId } = signedIn(request);
      return listInbox(deps, ctx, memberId, request.query);
    },
  );

  me.post('/inbox/read', { schema: { tags, summary: 'Mark my messages read', security: memberSecurity, body: z.object({ ids: z.array(z.uuid()).min(1).max(200) }), response: { 200: z.object({ marked: z.number().int() }) } } }, async (request) => {
    const { ctx, memberId } = signedIn(request);
    return markInboxRead(deps, ctx, memberId, request.body.ids);
  });

  me.get('/orders', { schema: { tags, summary: 'My orders, newest first', security: memberSecurity, querystring: paginationQuerySchema, response: { 200: pageSchema(myOrderSchema) } } }, async (request) => {
    const { ctx, memberId } = signedIn(request);
    return listOrders(deps, ctx, { ...request.query, member_id: memberId });
  });

  me.get('/orders/:id', { schema: { tags, summary: 'One of my orders', security: memberSecurity, params: idParamsSchema, response: { 200: myOrderSchema, 404: problemSchema } } }, async (request) => {
    const { ctx, memberId } = signedIn(request);
    const order = await getOrder(deps, ctx, request.params.id);
    // Someone else's order is not found, exactly like an id that does not exist.
    if (order.member_id !== memberId) throw notFound('Order');
    return order;
  });
}

async function profileOf(deps: AppDeps, ctx: Parameters<typeof getMember>[1], memberId: string) {
  const member = await getMember(deps, ctx, memberId);
  const tenant = await findActiveTenantById(deps.db, ctx.tenantId);
  return {
    id: member.id,
    member_no: member.member_no,
    name: member.name,
    nickname: member.nickname,
    gender: member.gender,
    birthday: member.birthday,
    birthday_locked: member.birthday !== null,
    phone: member.phone,
    email: member.email,
    province: member.province,
    city: member.city,
    registered_at: member.registered_at,
    brand: { slug: tenant?.slug ?? '', name: tenant?.name ?? '' },
  };
}
