import type { FastifyInstance, FastifyRequest } from 'fastify';
import { CSRF_HEADER } from '@hearth/contracts/auth';
import type { AppDeps, RequestContext } from '../deps.ts';
import {
  authenticateApiKey,
  authenticateSession,
  markApiKeyUsed,
  type Principal,
} from '../modules/access/access.service.ts';
import type { Permission } from '../modules/access/permissions.ts';
import { hashToken } from '../modules/access/secrets.ts';
import { AppError } from './errors.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set for every authenticated /api/v1 request. */
    ctx: RequestContext | null;
  }
  interface FastifyContextConfig {
    /** No credentials needed (login, health, docs). */
    public?: boolean;
    /** The permission this route needs; checked before the body is parsed. */
    permission?: Permission;
    /** A member-center route: signed in by a member session (modules/member-portal), never by operator credentials. */
    memberSession?: boolean;
  }
}

export const SESSION_COOKIE = 'hearth_session';

export interface Authenticator {
  /** Forgets cached credentials, after a revocation or logout in this process. */
  invalidate(token?: string): void;
}

/**
 * Authenticates every /api/v1 request (bearer API key or console session cookie) and checks the route's
 * permission. Credentials are cached for a few seconds per process because this runs on every request;
 * a revocation is immediate in the process that made it and within HEARTH_AUTH_CACHE_SECONDS elsewhere.
 */
export function registerAuth(app: FastifyInstance, deps: AppDeps): Authenticator {
  const cache = new Map<string, { principal: Principal; expires: number }>();
  const lastTouched = new Map<string, number>();
  const ttlMs = deps.config.authCacheSeconds * 1000;

  async function resolve(kind: 'key' | 'session', token: string): Promise<Principal | undefined> {
    const cacheKey = hashToken(token);
    const now = Date.now();
    const hit = cache.get(cacheKey);
    if (hit && hit.expires > now) return hit.principal;
    const principal = kind === 'key' ? await authenticateApiKey(deps.db, token) : await authenticateSession(deps.db, token);
    if (principal && ttlMs > 0) {
      if (cache.size > 10_000) cache.clear();
      cache.set(cacheKey, { principal, expires: now + ttlMs });
    }
    return principal;
  }

  app.decorateRequest('ctx', null);
  app.addHook('onRequest', async (request) => {
    const config = request.routeOptions.config;
    if (config.public || config.memberSession || !request.url.startsWith('/api/v1/')) return;
    const principal = await authenticate(request);
    request.ctx = { tenantId: principal.tenantId, actor: principal.actor, requestId: request.id, ip: request.ip };
    if (config.permission && !principal.actor.permissions.has(config.permission)) {
      throw new AppError('FORBIDDEN', `This action needs the permission ${config.permission}`);
    }
  });

  async function authenticate(request: FastifyRequest): Promise<Principal> {
    const authorization = request.headers.authorization;
    if (authorization) {
      const match = /^Bearer\s+(\S+)$/i.exec(authorization);
      if (!match) throw new AppError('UNAUTHENTICATED', 'Authorization must be "Bearer <API key>"');
      const principal = await resolve('key', match[1]!);
      if (!principal) throw new AppError('UNAUTHENTICATED', 'The API key is not valid');
      touchKey(principal);
      return principal;
    }
    const sessionToken = request.cookies[SESSION_COOKIE];
    if (sessionToken) {
      const principal = await resolve('session', sessionToken);
      if (!principal) throw new AppError('UNAUTHENTICATED', 'The session has expired; sign in again');
      if (request.method !== 'GET' && request.method !== 'HEAD' && !request.headers[CSRF_HEADER]) {
        throw new AppError('CSRF_HEADER_MISSING', `Requests signed in by cookie must send the ${CSRF_HEADER} header`);
      }
      return principal;
    }
    throw new AppError('UNAUTHENTICATED', 'Send an API key as "Authorization: Bearer <key>" or sign in');
  }

  // last_used_at is informational: write it at most once a minute per key and process, off the request path.
  function touchKey(principal: Principal) {
    const id = principal.actor.id!;
    const now = Date.now();
    if ((lastTouched.get(id) ?? 0) > now - 60_000) return;
    lastTouched.set(id, now);
    markApiKeyUsed(deps.db, principal.tenantId, id).catch((err: unknown) => deps.log.warn({ err }, 'could not record API key use'));
  }

  return {
    invalidate(token) {
      if (token) cache.delete(hashToken(token));
      else cache.clear();
    },
  };
}

/** The authenticated context of a route that is not public (the auth hook guarantees it). */
export function requestContext(request: FastifyRequest): RequestContext {
  if (!request.ctx) throw new AppError('UNAUTHENTICATED', 'Not signed in');
  return request.ctx;
}
