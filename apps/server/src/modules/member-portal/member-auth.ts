import type { FastifyInstance, FastifyRequest } from 'fastify';
import { CSRF_HEADER } from '@hearth/contracts/auth';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { AppError } from '../../http/errors.ts';
import { authenticateMember, memberContext, type MemberPrincipal } from './sign-in.service.ts';

export const MEMBER_COOKIE = 'hearth_member';
/** On every member response: the brand's time zone, in which the member center shows dates and times. */
export const TIME_ZONE_HEADER = 'x-hearth-time-zone';
export const memberSecurity: { [scheme: string]: string[] }[] = [{ memberSession: [] }, { memberBearer: [] }];

declare module 'fastify' {
  interface FastifyRequest {
    member: MemberPrincipal | null;
  }
}

/**
 * Makes every route of the scope a member route: signed in by a member session (the H5's cookie or a mini
 * program's bearer token), never by an operator's cookie or an API key. The member comes only from the
 * session, so a /me route cannot be pointed at anyone else. Cookie writes need the CSRF header, as the
 * console's do.
 */
export function memberScope(scope: FastifyInstance, deps: AppDeps) {
  scope.decorateRequest('member', null);
  scope.addHook('onRoute', (route) => {
    route.config = { ...(route.config as object), memberSession: true } as typeof route.config;
  });
  scope.addHook('onRequest', async (request) => {
    const { token, viaCookie } = tokenOf(request);
    if (!token) throw new AppError('UNAUTHENTICATED', 'Sign in to the member center first');
    const member = await authenticateMember(deps.db, token, deps.clock.now());
    if (!member) throw new AppError('UNAUTHENTICATED', 'The session has expired; sign in again');
    if (viaCookie && request.method !== 'GET' && request.method !== 'HEAD' && !request.headers[CSRF_HEADER]) {
      throw new AppError('CSRF_HEADER_MISSING', `Requests signed in by cookie must send the ${CSRF_HEADER} header`);
    }
    request.member = member;
    request.ctx = memberContext(member.tenantId, member.memberId, member.memberNo, request.id, request.ip);
  });
  scope.addHook('onSend', async (request, reply) => {
    if (request.member) reply.header(TIME_ZONE_HEADER, request.member.timeZone);
  });
}

/** The signed-in member of a /me route and the context their service calls run under. */
export function signedIn(request: FastifyRequest): { ctx: RequestContext; memberId: string; memberNo: string } {
  if (!request.member || !request.ctx) throw new AppError('UNAUTHENTICATED', 'Sign in to the member center first');
  return { ctx: request.ctx, memberId: request.member.memberId, memberNo: request.member.memberNo };
}

export function tokenOf(request: FastifyRequest): { token: string | undefined; viaCookie: boolean } {
  const authorization = request.headers.authorization;
  if (authorization) {
    const match = /^Bearer\s+(hm_\S+)$/i.exec(authorization);
    if (!match) throw new AppError('UNAUTHENTICATED', 'Send a member session as "Authorization: Bearer hm_…"');
    return { token: match[1], viaCookie: false };
  }
  return { token: request.cookies[MEMBER_COOKIE], viaCookie: true };
}
