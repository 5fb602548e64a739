import { z } from 'zod';
import { idParamsSchema, pageSchema, paginationQuerySchema, problemSchema } from '@hearth/contracts/common';
import {
  consentChannels,
  consentUpdateSchema,
  customFieldDefinitionSchema,
  identitySchema,
  identityTypes,
  memberCreateSchema,
  memberSchema,
  memberStatuses,
  memberUpdateSchema,
  resolveRequestSchema,
} from '@hearth/contracts/members';
import { authenticated, type Api, type RouteContext } from '../../http/api.ts';
import { requestContext } from '../../http/auth.ts';
import { defineCustomField, listCustomFields } from './custom-fields.ts';
import { mergeMembers } from './merge.service.ts';
import { getMember360, listMembers } from './members.query.ts';
import { createMember, updateMember } from './members.service.ts';
import { eraseMember, exportMember, setConsent, unsubscribeLink } from './privacy.service.ts';
import { attachIdentity, resolveMember } from './resolve.service.ts';

const tags = ['members'];
const errors = { 400: problemSchema, 403: problemSchema, 404: problemSchema, 409: problemSchema };
const revealQuery = z.object({ reveal: z.enum(['true', 'false']).optional().describe('true shows full phone and email (needs members:read_pii; audited)') });
const identityView = z.object({ type: z.string(), app_id: z.string().nullable(), value: z.string(), created_at: z.string() });
const member360Schema = z.object({
  member: memberSchema,
  identities: z.array(identityView),
  consents: z.array(z.object({ channel: z.string(), granted: z.boolean(), source: z.string(), wording_version: z.string(), updated_at: z.string() })),
  tags: z.array(z.object({ id: z.uuid(), name: z.string(), group_name: z.string(), added_at: z.string(), added_by: z.string().nullable() })),
  sections: z.record(z.string(), z.unknown()).describe('Added by other modules (points, tiers, coupons …)'),
});
const mergeSchema = z.object({ id: z.uuid(), from_member_id: z.uuid(), to_member_id: z.uuid(), reason: z.string(), moved: z.record(z.string(), z.number()), occurred_at: z.string() });

export function membersRoutes(api: Api, { deps }: RouteContext) {
  api.get(
    '/members',
    {
      config: { permission: 'members:read' },
      schema: {
        tags,
        summary: 'Search and list members, newest first (phone and email masked unless reveal=true)',
        security: authenticated,
        querystring: paginationQuerySchema.extend(revealQuery.shape).extend({
          phone: z.string().max(30).optional(),
          member_no: z.string().max(30).optional(),
          name_prefix: z.string().min(1).max(50).optional(),
          identity_type: z.enum(identityTypes).optional(),
          identity_value: z.string().max(200).optional(),
          app_id: z.string().max(64).optional(),
          status: z.enum(memberStatuses).optional(),
          tag_id: z.uuid().optional(),
          custom: z.union([z.string(), z.array(z.string())]).optional().describe('Custom field filter key:value; repeat for several'),
        }),
        response: { 200: pageSchema(memberSchema), 400: problemSchema, 403: problemSchema },
      },
    },
    async (request) => {
      const { custom, reveal, ...query } = request.query;
      return listMembers(deps, requestContext(request), { ...query, reveal: reveal === 'true', custom: custom === undefined ? undefined : [custom].flat() });
    },
  );

  api.post(
    '/members',
    {
      config: { permission: 'members:write' },
      schema: { tags, summary: 'Register a member', security: authenticated, body: memberCreateSchema, response: { 201: memberSchema, ...errors } },
    },
    async (request, reply) => reply.status(201).send(await createMember(deps, requestContext(request), request.body)),
  );

  api.post(
    '/members/resolve',
    {
      config: { permission: 'members:write' },
      schema: {
        tags,
        summary: 'Find the member behind any of these identities, or register one (login, POS, shop)',
        description: 'Atomic: concurrent first logins of one person make one member. 201 when a member was registered, 200 when found.',
        security: authenticated,
        body: resolveRequestSchema,
        response: { 200: z.object({ member: memberSchema, created: z.boolean(), merged_member_ids: z.array(z.uuid()) }), 201: z.object({ member: memberSchema, created: z.boolean(), merged_member_ids: z.array(z.uuid()) }), ...errors },
      },
    },
    async (request, reply) => {
      const result = await resolveMember(deps, requestContext(request), request.body);
      return reply.status(result.created ? 201 : 200).send(result);
    },
  );

  api.get(
    '/members/:id',
    {
      config: { permission: 'members:read' },
      schema: {
        tags,
        summary: 'Member 360: profile, identities, consent, tags and module sections',
        description: 'A merged member answers with status "merged" and merged_into, the member it now lives in.',
        security: authenticated,
        params: idParamsSchema,
        querystring: revealQuery,
        response: { 200: member360Schema, 403: problemSchema, 404: problemSchema },
      },
    },
    async (request) => getMember360(deps, requestContext(request), request.params.id, { reveal: request.query.reveal === 'true' }),
  );

  api.patch(
    '/members/:id',
    {
      config: { permission: 'members:write' },
      schema: { tags, summary: 'Change a member (null clears a field)', security: authenticated, params: idParamsSchema, body: memberUpdateSchema, response: { 200: memberSchema, ...errors } },
    },
    async (request) => updateMember(deps, requestContext(request), request.params.id, request.body),
  );

  api.post(
    '/members/:id/identities',
    {
      config: { permission: 'members:write' },
      schema: {
        tags,
        summary: 'Attach an identity (409 if another member has it, unless merge=true)',
        security: authenticated,
        params: idParamsSchema,
        body: z.object({ identity: identitySchema, merge: z.boolean().default(false) }),
        response: { 200: z.object({ data: z.array(identityView) }), ...errors },
      },
    },
    async (request) => {
      const rows = await attachIdentity(deps, requestContext(request), request.params.id, request.body.identity, request.body.merge);
      return { data: rows.map((r) => ({ type: r.type, app_id: r.app_id || null, value: r.value, created_at: r.created_at.toISOString() })) };
    },
  );

  api.post(
    '/members/:id/merge',
    {
      config: { permission: 'members:write' },
      schema: {
        tags,
        summary: 'Merge another profile of the same person into this member (idempotent)',
        security: authenticated,
        params: idParamsSchema,
        body: z.object({ from_member_id: z.uuid(), reason: z.string().trim().min(1).max(200) }),
        response: { 200: mergeSchema, ...errors },
      },
    },
    async (request) => mergeMembers(deps, requestContext(request), request.params.id, request.body.from_member_id, request.body.reason),
  );

  api.put(
    '/members/:id/consents',
    {
      config: { permission: 'members:write' },
      schema: {
        tags,
        summary: 'Record marketing consent for one channel (history kept)',
        security: authenticated,
        params: idParamsSchema,
        body: consentUpdateSchema,
        response: { 200: z.object({ channel: z.string(), granted: z.boolean(), source: z.string(), wording_version: z.string(), updated_at: z.string() }), ...errors },
      },
    },
    async (request) => setConsent(deps, requestContext(request), request.params.id, request.body),
  );

  api.get(
    '/members/:id/unsubscribe-link',
    {
      config: { permission: 'members:write' },
      schema: {
        tags,
        summary: 'A signed link that withdraws one channel’s consent without signing in',
        security: authenticated,
        params: idParamsSchema,
        querystring: z.object({ channel: z.enum(consentChannels) }),
        response: { 200: z.object({ path: z.string() }), 404: problemSchema },
      },
    },
    async (request) => ({ path: await unsubscribeLink(deps, requestContext(request), request.params.id, request.query.channel) }),
  );

  api.get(
    '/members/:id/export',
    {
      config: { permission: 'members:erase' },
      schema: {
        tags,
        summary: 'All personal data held about the member (data-subject request; audited)',
        security: authenticated,
        params: idParamsSchema,
        response: { 200: z.record(z.string(), z.unknown()), 404: problemSchema },
      },
    },
    async (request) => exportMember(deps, requestContext(request), request.params.id),
  );

  api.post(
    '/members/:id/erase',
    {
      config: { permission: 'members:erase' },
      schema: {
        tags,
        summary: 'Erase the member’s personal data (kept: pseudonymous number and financial records)',
        security: authenticated,
        params: idParamsSchema,
        body: z.object({ reason: z.string().trim().min(1).max(200) }),
        response: { 200: memberSchema, 404: problemSchema },
      },
    },
    async (request) => eraseMember(deps, requestContext(request), request.params.id, request.body.reason),
  );

  api.get(
    '/member-custom-fields',
    {
      config: { permission: 'members:read' },
      schema: { tags, summary: 'Custom member fields defined by this brand', security: authenticated, response: { 200: z.object({ data: z.array(customFieldDefinitionSchema) }) } },
    },
    async (request) => ({ data: (await listCustomFields(deps.db, requestContext(request).tenantId)).map((f) => ({ ...f, options: f.options ?? undefined })) }),
  );

  api.post(
    '/member-custom-fields',
    {
      config: { permission: 'tenant:manage' },
      schema: { tags, summary: 'Define a custom member field', security: authenticated, body: customFieldDefinitionSchema, response: { 201: customFieldDefinitionSchema, ...errors } },
    },
    async (request, reply) => {
      const field = await defineCustomField(deps, requestContext(request), request.body);
      return reply.status(201).send({ ...field, options: field.options ?? undefined });
    },
  );
}
