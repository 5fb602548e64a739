import { z } from 'zod';
import { problemSchema } from '@hearth/contracts/common';
import { tagCreateSchema, tagGroupSchema } from '@hearth/contracts/members';
import { authenticated, type Api, type RouteContext } from '../../http/api.ts';
import { requestContext } from '../../http/auth.ts';
import { createTag, createTagGroup, listTagGroups, tagMembers } from './tags.service.ts';

const tags = ['tags'];
const tagView = z.object({ id: z.uuid(), name: z.string(), member_count: z.number().int().optional() });
const groupView = z.object({ id: z.uuid(), name: z.string(), created_at: z.string(), tags: z.array(tagView) });
const errors = { 400: problemSchema, 403: problemSchema, 404: problemSchema, 409: problemSchema };

export function tagsRoutes(api: Api, { deps }: RouteContext) {
  api.get(
    '/tag-groups',
    { config: { permission: 'members:read' }, schema: { tags, summary: 'Tag groups with their tags and member counts', security: authenticated, response: { 200: z.object({ data: z.array(groupView) }) } } },
    async (request) => listTagGroups(deps, requestContext(request)),
  );

  api.post(
    '/tag-groups',
    { config: { permission: 'tags:manage' }, schema: { tags, summary: 'Create a tag group (e.g. 口味偏好)', security: authenticated, body: tagGroupSchema, response: { 201: groupView, ...errors } } },
    async (request, reply) => reply.status(201).send(await createTagGroup(deps, requestContext(request), request.body.name)),
  );

  api.post(
    '/tags',
    {
      config: { permission: 'tags:manage' },
      schema: { tags, summary: 'Create a tag in a group', security: authenticated, body: tagCreateSchema, response: { 201: z.object({ id: z.uuid(), group_id: z.uuid(), name: z.string() }), ...errors } },
    },
    async (request, reply) => reply.status(201).send(await createTag(deps, requestContext(request), request.body)),
  );

  api.post(
    '/tags/:id/members',
    {
      config: { permission: 'tags:manage' },
      schema: {
        tags,
        summary: 'Add or remove a tag for many members (ids, or a CSV of phone numbers)',
        security: authenticated,
        params: z.object({ id: z.uuid() }),
        body: z
          .object({
            action: z.enum(['add', 'remove']),
            member_ids: z.array(z.uuid()).max(50_000).optional(),
            phones_csv: z.string().max(5_000_000).optional().describe('CSV whose `phone` (or first) column holds phone numbers'),
          })
          .refine((b) => b.member_ids?.length || b.phones_csv, { message: 'send member_ids or phones_csv', path: ['member_ids'] }),
        response: { 200: z.object({ matched: z.number(), changed: z.number(), not_found: z.number(), not_found_member_ids: z.array(z.string()) }), ...errors },
      },
    },
    async (request) => tagMembers(deps, requestContext(request), { tag_id: request.params.id, ...request.body }),
  );
}
