import { z } from 'zod';
import { idParamsSchema, pageSchema, problemSchema } from '@hearth/contracts/common';
import { contentDailySchema, contentInputSchema, contentListQuerySchema, contentSchema } from '@hearth/contracts/content';
import { authenticated, type Api, type RouteContext } from '../../http/api.ts';
import { requestContext } from '../../http/auth.ts';
import { archiveContent, contentStats, createContent, getContent, listContent, publishContent, updateContent } from './content.service.ts';

const tags = ['content'];
const errors = { 400: problemSchema, 403: problemSchema, 404: problemSchema, 409: problemSchema };

/** The content library (内容库): articles, tutorials, product stories and videos, their audience, schedule and stats. */
export function contentRoutes(api: Api, { deps }: RouteContext) {
  api.get('/content', { config: { permission: 'content:read' }, schema: { tags, summary: 'Content items, newest first, with views, unique viewers and shares', security: authenticated, querystring: contentListQuerySchema, response: { 200: pageSchema(contentSchema), 400: problemSchema } } }, async (request) =>
    listContent(deps, requestContext(request), request.query),
  );
  api.post('/content', { config: { permission: 'content:manage' }, schema: { tags, summary: 'Create a content item (a draft until published)', security: authenticated, body: contentInputSchema, response: { 201: contentSchema, ...errors } } }, async (request, reply) =>
    reply.status(201).send(await createContent(deps, requestContext(request), request.body)),
  );
  api.get('/content/:id', { config: { permission: 'content:read' }, schema: { tags, summary: 'A content item with its stats', security: authenticated, params: idParamsSchema, response: { 200: contentSchema, 404: problemSchema } } }, async (request) => getContent(deps, requestContext(request), request.params.id));
  api.put('/content/:id', { config: { permission: 'content:manage' }, schema: { tags, summary: 'Replace a content item’s fields (status and counters stay)', security: authenticated, params: idParamsSchema, body: contentInputSchema, response: { 200: contentSchema, ...errors } } }, async (request) =>
    updateContent(deps, requestContext(request), request.params.id, request.body),
  );
  api.post('/content/:id/publish', { config: { permission: 'content:manage' }, schema: { tags, summary: 'Publish: members in its audience see it from publish_at until unpublish_at (content.published)', security: authenticated, params: idParamsSchema, response: { 200: contentSchema, ...errors } } }, async (request) =>
    publishContent(deps, requestContext(request), request.params.id),
  );
  api.post('/content/:id/archive', { config: { permission: 'content:manage' }, schema: { tags, summary: 'Archive: hidden from members (content.archived)', security: authenticated, params: idParamsSchema, response: { 200: contentSchema, ...errors } } }, async (request) =>
    archiveContent(deps, requestContext(request), request.params.id),
  );
  api.get(
    '/content/:id/stats',
    { config: { permission: 'content:read' }, schema: { tags, summary: 'Totals and views and shares per local day', security: authenticated, params: idParamsSchema, querystring: z.object({ days: z.coerce.number().int().min(1).max(366).default(30) }), response: { 200: contentDailySchema, 404: problemSchema } } },
    async (request) => contentStats(deps, requestContext(request), request.params.id, request.query.days),
  );
}
