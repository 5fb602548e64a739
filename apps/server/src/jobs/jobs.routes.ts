import { z } from 'zod';
import { idParamsSchema, pageSchema, paginationQuerySchema, problemSchema } from '@hearth/contracts/common';
import { authenticated, type Api, type RouteContext } from '../http/api.ts';
import { requestContext } from '../http/auth.ts';
import { getJob, listJobs, retryJob } from './queue.service.ts';

const jobSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  status: z.enum(['queued', 'running', 'succeeded', 'failed', 'canceled']),
  dedupe_key: z.string().nullable(),
  payload: z.unknown(),
  attempts: z.number().int(),
  max_attempts: z.number().int(),
  run_at: z.string(),
  last_error: z.string().nullable(),
  progress_done: z.number().int().nullable(),
  progress_total: z.number().int().nullable(),
  result: z.unknown().nullable(),
  created_at: z.string(),
  started_at: z.string().nullable(),
  finished_at: z.string().nullable(),
});

const tags = ['jobs'];

export function jobsRoutes(api: Api, { deps }: RouteContext) {
  api.get(
    '/jobs',
    {
      config: { permission: 'jobs:read' },
      schema: {
        tags,
        summary: 'Background jobs, newest first (status=failed is the dead-letter list)',
        security: authenticated,
        querystring: paginationQuerySchema.extend({
          status: jobSchema.shape.status.optional(),
          name: z.string().max(100).optional(),
        }),
        response: { 200: pageSchema(jobSchema) },
      },
    },
    async (request) => listJobs(deps, requestContext(request), request.query),
  );

  api.get(
    '/jobs/:id',
    {
      config: { permission: 'jobs:read' },
      schema: { tags, summary: 'A job with its progress', security: authenticated, params: idParamsSchema, response: { 200: jobSchema, 404: problemSchema } },
    },
    async (request) => getJob(deps, requestContext(request), request.params.id),
  );

  api.post(
    '/jobs/:id/retry',
    {
      config: { permission: 'jobs:write' },
      schema: {
        tags,
        summary: 'Queue a failed or canceled job again',
        security: authenticated,
        params: idParamsSchema,
        response: { 200: jobSchema, 404: problemSchema, 409: problemSchema },
      },
    },
    async (request) => retryJob(deps, requestContext(request), request.params.id),
  );
}
