import { z } from 'zod';
import { pageSchema, paginationQuerySchema } from '@hearth/contracts/common';
import { authenticated, type Api, type RouteContext } from '../../http/api.ts';
import { requestContext } from '../../http/auth.ts';
import { listAudit } from './audit.service.ts';

const auditRowSchema = z.object({
  id: z.uuid(),
  occurred_at: z.string(),
  actor_type: z.enum(['operator', 'api_key', 'system', 'member']),
  actor_id: z.string().nullable(),
  actor_label: z.string().nullable(),
  action: z.string(),
  resource_type: z.string().nullable(),
  resource_id: z.string().nullable(),
  request_id: z.string().nullable(),
  ip: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});

export function auditRoutes(api: Api, { deps }: RouteContext) {
  api.get(
    '/audit-log',
    {
      config: { permission: 'audit:read' },
      schema: {
        tags: ['audit'],
        summary: 'Audit log of every write, newest first',
        security: authenticated,
        querystring: paginationQuerySchema.extend({
          resource_type: z.string().max(50).optional(),
          resource_id: z.string().max(100).optional(),
          action: z.string().max(100).optional(),
        }),
        response: { 200: pageSchema(auditRowSchema) },
      },
    },
    async (request) => listAudit(deps, requestContext(request), request.query),
  );
}
