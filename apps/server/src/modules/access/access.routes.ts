import { z } from 'zod';
import { loginRequestSchema, sessionInfoSchema } from '@hearth/contracts/auth';
import { idParamsSchema, pageSchema, paginationQuerySchema, problemSchema } from '@hearth/contracts/common';
import { authenticated, type Api, type RouteContext } from '../../http/api.ts';
import { requestContext, SESSION_COOKIE } from '../../http/auth.ts';
import { AppError } from '../../http/errors.ts';
import { createApiKey, listApiKeys, login, logout, revokeApiKey, sessionInfo } from './access.service.ts';
import { permissionCatalogue } from './permissions.ts';

const apiKeySchema = z.object({
  id: z.uuid(),
  name: z.string(),
  prefix: z.string().describe('The first characters of the key, to recognise it'),
  scopes: z.array(z.string()),
  created_by: z.string().nullable(),
  created_at: z.string(),
  last_used_at: z.string().nullable(),
  revoked_at: z.string().nullable(),
});

export function accessRoutes(api: Api, { deps, auth }: RouteContext) {
  api.post(
    '/auth/login',
    {
      config: { public: true, rateLimit: { max: 20, timeWindow: 60_000, keyGenerator: (request) => `login:${request.ip}` } },
      schema: {
        tags: ['auth'],
        summary: 'Sign in to the console (sets the session cookie)',
        body: loginRequestSchema,
        response: { 200: sessionInfoSchema, 401: problemSchema, 429: problemSchema },
      },
    },
    async (request, reply) => {
      const { token, expiresAt, info } = await login(deps, {
        ...request.body,
        ip: request.ip,
        userAgent: request.headers['user-agent'] ?? null,
        requestId: request.id,
      });
      reply.setCookie(SESSION_COOKIE, token, {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure: deps.config.cookieSecure,
        expires: expiresAt,
      });
      return info;
    },
  );

  api.post(
    '/auth/logout',
    { config: { public: true }, schema: { tags: ['auth'], summary: 'Sign out of the console', response: { 204: z.null() } } },
    async (request, reply) => {
      const token = request.cookies[SESSION_COOKIE];
      if (token) {
        await logout(deps, token, { requestId: request.id, ip: request.ip });
        auth.invalidate(token);
      }
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send(null);
    },
  );

  api.get(
    '/auth/me',
    { schema: { tags: ['auth'], summary: 'The signed-in operator, tenant and permissions', security: authenticated, response: { 200: sessionInfoSchema } } },
    async (request) => {
      const ctx = requestContext(request);
      if (ctx.actor.type !== 'operator' || !ctx.actor.id) throw new AppError('FORBIDDEN', 'Only a console session has an operator');
      return sessionInfo(deps, ctx.tenantId, ctx.actor.id);
    },
  );

  api.get(
    '/permissions',
    {
      schema: {
        tags: ['auth'],
        summary: 'The permission catalogue (API key scopes)',
        security: authenticated,
        response: { 200: z.object({ data: z.array(z.object({ permission: z.string(), description: z.string() })) }) },
      },
    },
    async () => ({
      data: Object.entries(permissionCatalogue).map(([permission, description]) => ({ permission, description })),
    }),
  );

  api.get(
    '/api-keys',
    {
      config: { permission: 'api_keys:manage' },
      schema: { tags: ['api-keys'], summary: 'List API keys', security: authenticated, querystring: paginationQuerySchema, response: { 200: pageSchema(apiKeySchema) } },
    },
    async (request) => listApiKeys(deps, requestContext(request), request.query),
  );

  api.post(
    '/api-keys',
    {
      config: { permission: 'api_keys:manage' },
      schema: {
        tags: ['api-keys'],
        summary: 'Create an API key (the secret is in this response only)',
        security: authenticated,
        body: z.object({ name: z.string().trim().min(1).max(100), scopes: z.array(z.string()).min(1).max(100) }),
        response: { 201: apiKeySchema.extend({ secret: z.string() }) },
      },
    },
    async (request, reply) => reply.status(201).send(await createApiKey(deps, requestContext(request), request.body)),
  );

  api.delete(
    '/api-keys/:id',
    {
      config: { permission: 'api_keys:manage' },
      schema: { tags: ['api-keys'], summary: 'Revoke an API key', security: authenticated, params: idParamsSchema, response: { 204: z.null() } },
    },
    async (request, reply) => {
      await revokeApiKey(deps, requestContext(request), request.params.id);
      auth.invalidate();
      return reply.status(204).send(null);
    },
  );
}
