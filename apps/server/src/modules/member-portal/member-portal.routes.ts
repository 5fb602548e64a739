import { CHANNEL_CODE_COOKIE, registrationFromCookie } from '../channel-codes/channel-codes.hooks.ts';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { problemSchema } from '@hearth/contracts/common';
import {
  brandInfoSchema,
  signedInSchema,
  smsCodeRequestSchema,
  smsCodeSentSchema,
  smsSignInSchema,
  wechatAuthorizeQuerySchema,
  wechatOauthConfigSchema,
  wechatSignInSchema,
} from '@hearth/contracts/member-portal';
import type { AppDeps } from '../../deps.ts';
import { authenticated, type Api, type RouteContext } from '../../http/api.ts';
import { requestContext } from '../../http/auth.ts';
import { validationError } from '../../http/errors.ts';
import { findActiveTenant } from '../access/access.service.ts';
import { meAccountRoutes } from './me-account.routes.ts';
import { meLoyaltyRoutes } from './me-loyalty.routes.ts';
import { meContentRoutes } from '../content/me-content.routes.ts';
import { meGamesRoutes } from '../games/me-games.routes.ts';
import { mePartnersRoutes } from '../partners/me-partners.routes.ts';
import { meReferralsRoutes } from '../referrals/me-referrals.routes.ts';
import { meDistributionRoutes } from '../distribution/me-distribution.routes.ts';
import { MEMBER_COOKIE, memberScope, tokenOf } from './member-auth.ts';
import { endMemberSession, sendSignInCode, verifySignInCode } from './sign-in.service.ts';
import { finishWechatSignIn, saveWechatOauth, startWechatSignIn, wechatAppid } from './wechat.service.ts';

const WECHAT_STATE_COOKIE = 'hearth_wx_state';
const tags = ['member center'];
// Per IP, on top of the per-phone limits kept in the database: a shop's Wi-Fi may carry many members.
const perIp = (name: string, max: number) => ({ max, timeWindow: 10 * 60_000, keyGenerator: (request: { ip: string }) => `${name}:${request.ip}` });

/** The member center's API: sign-in (public), the operator's WeChat setting, and everything under /me. */
export function memberPortalRoutes(api: Api, { deps }: RouteContext) {
  api.get(
    '/me/auth/brand',
    { config: { public: true }, schema: { tags, summary: 'The brand a member center page belongs to', querystring: z.object({ brand: z.string().trim().min(1).max(64) }), response: { 200: brandInfoSchema } } },
    async (request) => {
      const tenant = await findActiveTenant(deps.db, request.query.brand);
      if (!tenant) throw validationError([{ field: 'brand', code: 'unknown_brand', message: 'no such brand' }]);
      return { slug: tenant.slug, name: tenant.name, wechat_sign_in: (await wechatAppid(deps.db, tenant.id)) !== null };
    },
  );

  api.post(
    '/me/auth/sms/code',
    {
      config: { public: true, rateLimit: perIp('sms-code', 20) },
      schema: { tags, summary: 'Send a 6-digit sign-in code to a phone (valid 5 minutes)', body: smsCodeRequestSchema, response: { 200: smsCodeSentSchema, 400: problemSchema, 429: problemSchema } },
    },
    async (request) => sendSignInCode(deps, { ...request.body, ip: request.ip, requestId: request.id }),
  );

  api.post(
    '/me/auth/sms/verify',
    {
      config: { public: true, rateLimit: perIp('sms-verify', 30) },
      schema: { tags, summary: 'Sign in with the phone and its code (registers a new member)', body: smsSignInSchema, response: { 200: signedInSchema, 401: problemSchema, 429: problemSchema } },
    },
    async (request, reply) => {
      const session = await verifySignInCode(deps, { ...request.body, kind: request.body.session, ip: request.ip, requestId: request.id });
      if (session.created) await registrationFromCookie(deps, request.cookies[CHANNEL_CODE_COOKIE], session.memberId, deps.clock.now());
      return answerSession(deps, reply, request.body.session, session);
    },
  );

  api.get(
    '/me/auth/wechat/authorize',
    {
      config: { public: true, rateLimit: perIp('wechat', 60) },
      schema: { tags, summary: 'The WeChat authorize URL to send the member to (official-account web OAuth)', querystring: wechatAuthorizeQuerySchema, response: { 200: z.object({ url: z.string() }) } },
    },
    async (request, reply) => {
      const { url, state } = await startWechatSignIn(deps, { brand: request.query.brand, scope: request.query.scope, redirectUri: request.query.redirect_uri });
      reply.setCookie(WECHAT_STATE_COOKIE, state, { path: '/api/v1/me/auth/wechat', httpOnly: true, sameSite: 'lax', secure: deps.config.cookieSecure, maxAge: 600 });
      return { url };
    },
  );

  api.post(
    '/me/auth/wechat',
    {
      config: { public: true, rateLimit: perIp('wechat', 60) },
      schema: { tags, summary: 'Sign in with the code WeChat returned (openid/unionid resolve the member)', body: wechatSignInSchema, response: { 200: signedInSchema, 400: problemSchema, 401: problemSchema, 502: problemSchema } },
    },
    async (request, reply) => {
      const session = await finishWechatSignIn(deps, { ...request.body, kind: request.body.session, expectedState: request.cookies[WECHAT_STATE_COOKIE], ip: request.ip, requestId: request.id });
      reply.clearCookie(WECHAT_STATE_COOKIE, { path: '/api/v1/me/auth/wechat' });
      if (session.created) await registrationFromCookie(deps, request.cookies[CHANNEL_CODE_COOKIE], session.memberId, deps.clock.now());
      return answerSession(deps, reply, request.body.session, session);
    },
  );

  api.post(
    '/me/auth/logout',
    { config: { public: true }, schema: { tags, summary: 'Sign out of the member center', response: { 204: z.null() } } },
    async (request, reply) => {
      const { token } = tokenOf(request);
      if (token) await endMemberSession(deps.db, token);
      reply.clearCookie(MEMBER_COOKIE, { path: '/' });
      return reply.status(204).send(null);
    },
  );

  api.put(
    '/member-portal/wechat',
    {
      config: { permission: 'tenant:manage' },
      schema: { tags, summary: 'Set the official account members sign in with (app secret sealed)', security: authenticated, body: wechatOauthConfigSchema, response: { 200: z.object({ appid: z.string() }) } },
    },
    async (request) => saveWechatOauth(deps, requestContext(request), request.body),
  );

  api.register(
    async (me) => {
      memberScope(me, deps);
      meAccountRoutes(me as unknown as Api, deps);
      meLoyaltyRoutes(me as unknown as Api, deps);
      meContentRoutes(me as unknown as Api, deps);
      meGamesRoutes(me as unknown as Api, deps);
      meReferralsRoutes(me as unknown as Api, deps);
      meDistributionRoutes(me as unknown as Api, deps);
      mePartnersRoutes(me as unknown as Api, deps);
    },
    { prefix: '/me' },
  );
}

function answerSession(deps: AppDeps, reply: FastifyReply, kind: 'cookie' | 'bearer', session: { token: string; expiresAt: Date; memberId: string; created: boolean }) {
  if (kind === 'cookie') {
    reply.setCookie(MEMBER_COOKIE, session.token, { path: '/', httpOnly: true, sameSite: 'lax', secure: deps.config.cookieSecure, expires: session.expiresAt });
  }
  return { member_id: session.memberId, created: session.created, token: kind === 'bearer' ? session.token : null, expires_at: session.expiresAt.toISOString() };
}
