import { idParamsSchema, pageSchema, problemSchema } from '@hearth/contracts/common';
import { myContentSchema, myShareInputSchema, myShareSchema, myViewSchema } from '@hearth/contracts/content';
import { z } from 'zod';
import type { AppDeps } from '../../deps.ts';
import type { Api } from '../../http/api.ts';
import { memberSecurity, signedIn } from '../member-portal/member-auth.ts';
import { getMyContent, listMyContent, recordShare, recordView } from './me-content.service.ts';

const tags = ['member center'];

/** The content the member may see now, and the views and shares it records (registered inside the member scope). */
export function meContentRoutes(me: Api, deps: AppDeps) {
  me.get(
    '/content',
    { schema: { tags, summary: 'Content for me now (audience and schedule), newest first', security: memberSecurity, querystring: z.object({ limit: z.coerce.number().int().min(1).max(50).default(20), cursor: z.string().max(500).optional(), tag: z.string().max(30).optional() }), response: { 200: pageSchema(myContentSchema), 400: problemSchema } } },
    async (request) => {
      const { ctx, memberId } = signedIn(request);
      return listMyContent(deps, ctx, memberId, request.query);
    },
  );
  me.get('/content/:id', { schema: { tags, summary: 'A content item (404 when not for me now)', security: memberSecurity, params: idParamsSchema, response: { 200: myContentSchema, 404: problemSchema } } }, async (request) => {
    const { ctx, memberId } = signedIn(request);
    return getMyContent(deps, ctx, memberId, request.params.id);
  });
  me.post('/content/:id/views', { schema: { tags, summary: 'I opened it (counted once per day)', security: memberSecurity, params: idParamsSchema, response: { 200: myViewSchema, 404: problemSchema } } }, async (request) => {
    const { ctx, memberId } = signedIn(request);
    return recordView(deps, ctx, memberId, request.params.id);
  });
  me.post('/content/:id/shares', { schema: { tags, summary: 'I shared it', security: memberSecurity, params: idParamsSchema, body: myShareInputSchema, response: { 200: myShareSchema, 400: problemSchema, 404: problemSchema } } }, async (request) => {
    const { ctx, memberId } = signedIn(request);
    return recordShare(deps, ctx, memberId, request.params.id, request.body.channel);
  });
}
