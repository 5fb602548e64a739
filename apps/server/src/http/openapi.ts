import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { SESSION_COOKIE } from './auth.ts';

/** Route schemas become the OpenAPI 3.1 document at /api/v1/openapi.json and the docs page at /api/docs. */
export async function registerOpenApi(app: FastifyInstance) {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Hearth API',
        version: '1.0.0',
        description:
          'Hearth (会员运营平台) REST API. Money is integer fen; times are ISO 8601 UTC. Errors are RFC 9457 ' +
          'application/problem+json with a stable `code`. Every write accepts an `Idempotency-Key` header.',
        license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
      },
      servers: [{ url: '/' }],
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer', description: 'A tenant API key: `Authorization: Bearer hk_…`' },
          session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE, description: 'Console session (writes also need x-hearth-csrf)' },
          memberSession: { type: 'apiKey', in: 'cookie', name: 'hearth_member', description: 'Member center session, /me routes only (writes also need x-hearth-csrf)' },
          memberBearer: { type: 'http', scheme: 'bearer', description: 'A member session token for a mini program, /me routes only: `Authorization: Bearer hm_…`' },
        },
      },
    },
    transform: jsonSchemaTransform,
    // Recursive schemas (segment rules) are referenced as components registered with an id.
    transformObject: jsonSchemaTransformObject,
    hideUntagged: true,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', uiConfig: { docExpansion: 'list', deepLinking: true } });
  app.get('/api/v1/openapi.json', { config: { public: true } }, async () => app.swagger());
}
