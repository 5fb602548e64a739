import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { pendingMigrations } from './db/migrator.ts';
import type { AppDeps } from './deps.ts';
import type { Api } from './http/api.ts';
import { registerAuth } from './http/auth.ts';
import { AppError, errorHandler, problem, sendProblem } from './http/errors.ts';
import { registerIdempotency } from './http/idempotency.ts';
import { registerOpenApi } from './http/openapi.ts';
import { hearthModules } from './modules.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

export interface BuildAppOptions {
  /** Serve the built admin console and member center (off in tests that don't need them). */
  serveWebApps?: boolean;
  logger?: boolean;
  /** Extra routes under /api/v1, for tests that need a handler with controllable timing. */
  extraRoutes?: (api: Api) => void;
}

/** Builds the HTTP application: conventions first, then every module's routes under /api/v1. */
export async function buildApp(deps: AppDeps, options: BuildAppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: options.logger === false ? undefined : deps.log,
    trustProxy: deps.config.trustProxy,
    requestIdHeader: false,
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID_PATTERN.test(incoming) ? incoming : uuidv7();
    },
    // A line per request is noise at production volume; errors are still logged.
    logController: new LogController({ disableRequestLogging: deps.config.env === 'production' }),
    bodyLimit: 1024 * 1024,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((request, reply) => {
    if (options.serveWebApps !== false && request.method === 'GET') {
      for (const web of webApps) {
        if (request.url.startsWith(web.prefix) && fs.existsSync(path.join(web.dist, 'index.html'))) {
          // Client-side routes of a single-page app all answer with its index.html.
          return reply.sendFile('index.html', web.dist);
        }
      }
    }
    return sendProblem(request, reply, problem(404, 'NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0]}`));
  });
  app.addHook('onSend', async (request, reply, payload) => {
    reply.header('x-request-id', request.id);
    return payload;
  });
  app.addContentTypeParser('text/csv', { parseAs: 'string' }, (_request, body, done) => done(null, body));

  await app.register(cookie);
  const auth = registerAuth(app, deps);
  await app.register(rateLimit, {
    global: true,
    hook: 'preHandler',
    max: deps.config.rateLimitPerMinute,
    timeWindow: 60_000,
    allowList: (request) => !request.url.startsWith('/api/v1/'),
    keyGenerator: (request) => (request.ctx?.actor.id ? `${request.ctx.actor.type}:${request.ctx.actor.id}` : `ip:${request.ip}`),
    errorResponseBuilder: (_request, context) =>
      new AppError('RATE_LIMITED', `Rate limit of ${context.max} requests exceeded; retry in ${context.after}`),
  });
  registerIdempotency(app, deps);
  await registerOpenApi(app);

  app.get('/healthz', { config: { public: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { config: { public: true } }, async (request, reply) => {
    try {
      await sql`select 1`.execute(deps.db);
      const pending = await pendingMigrations(deps.db);
      if (pending.length) return reply.status(503).send({ status: 'migrating', pending_migrations: pending });
      return { status: 'ready' };
    } catch (err) {
      request.log.warn({ err }, 'readiness check failed');
      return reply.status(503).send({ status: 'database_unreachable' });
    }
  });

  await app.register(
    async (api) => {
      for (const module of hearthModules) module.routes?.(api.withTypeProvider() as Api, { deps, auth });
      options.extraRoutes?.(api.withTypeProvider() as Api);
    },
    { prefix: '/api/v1' },
  );

  if (options.serveWebApps !== false) await registerWebApps(app);
  return app;
}

const webApps = [
  { prefix: '/admin', dist: path.join(repoRoot, 'apps/admin/dist') },
  { prefix: '/m', dist: path.join(repoRoot, 'apps/member/dist') },
];

async function registerWebApps(app: FastifyInstance) {
  let decorated = false;
  for (const web of webApps) {
    if (!fs.existsSync(web.dist)) {
      app.log.warn(`${web.dist} is missing: run "npm run build" to serve ${web.prefix}`);
      continue;
    }
    // reply.sendFile may be decorated only once per instance.
    await app.register(fastifyStatic, { root: web.dist, prefix: `${web.prefix}/`, decorateReply: !decorated, wildcard: true });
    decorated = true;
  }
  app.get('/', { config: { public: true } }, async (_request, reply) => reply.redirect('/admin/'));
  app.get('/admin', { config: { public: true } }, async (_request, reply) => reply.redirect('/admin/'));
  app.get('/m', { config: { public: true } }, async (_request, reply) => reply.redirect('/m/'));
}
