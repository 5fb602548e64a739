import { z } from 'zod';
import { idParamsSchema, problemSchema } from '@hearth/contracts/common';
import { memberSchema, trackedEventSchema } from '@hearth/contracts/members';
import { authenticated, type Api, type RouteContext } from '../../http/api.ts';
import { requestContext } from '../../http/auth.ts';
import { trackEvents } from './events.service.ts';
import { defineEventType, listEventTypes } from './event-types.service.ts';
import { currentMemberCode, verifyMemberCode } from './member-code.service.ts';

export function eventsRoutes(api: Api, { deps }: RouteContext) {
  api.post(
    '/events',
    {
      config: { permission: 'events:write' },
      bodyLimit: 5 * 1024 * 1024,
      schema: {
        tags: ['events'],
        summary: 'Track up to 1,000 behaviour events (idempotent by client_event_id)',
        security: authenticated,
        body: z.object({ events: z.array(trackedEventSchema).min(1).max(1000) }),
        response: { 200: z.object({ received: z.number(), accepted: z.number(), duplicates: z.number(), unattributed: z.number() }), 400: problemSchema },
      },
    },
    async (request) => trackEvents(deps, requestContext(request), request.body.events),
  );

  api.get(
    '/event-types',
    {
      config: { permission: 'members:read' },
      schema: {
        tags: ['events'],
        summary: 'Event types with a properties schema',
        security: authenticated,
        response: { 200: z.object({ data: z.array(z.object({ type: z.string(), properties_schema: z.record(z.string(), z.unknown()) })) }) },
      },
    },
    async (request) => ({ data: await listEventTypes(deps.db, requestContext(request).tenantId) }),
  );

  api.put(
    '/event-types/:type',
    {
      config: { permission: 'tenant:manage' },
      schema: {
        tags: ['events'],
        summary: 'Require events of this type to carry properties matching a JSON Schema',
        security: authenticated,
        params: z.object({ type: trackedEventSchema.shape.type }),
        body: z.object({ properties_schema: z.record(z.string(), z.unknown()).describe('A JSON Schema (draft 7) for the properties object') }),
        response: { 200: z.object({ type: z.string(), properties_schema: z.record(z.string(), z.unknown()) }), 400: problemSchema },
      },
    },
    async (request) => defineEventType(deps, requestContext(request), request.params.type, request.body.properties_schema),
  );

  api.get(
    '/members/:id/code',
    {
      config: { permission: 'members:read' },
      schema: {
        tags: ['member-codes'],
        summary: 'The member card code for now (changes every 60 s)',
        security: authenticated,
        params: idParamsSchema,
        response: { 200: z.object({ code: z.string(), expires_at: z.string(), refresh_after_seconds: z.number() }), 404: problemSchema },
      },
    },
    async (request) => currentMemberCode(deps, requestContext(request), request.params.id),
  );

  api.post(
    '/member-codes/verify',
    {
      config: { permission: 'member_codes:verify' },
      schema: {
        tags: ['member-codes'],
        summary: 'Verify a scanned member code at the counter (expired, forged or reused codes are refused)',
        security: authenticated,
        body: z.object({ code: z.string().min(1).max(100) }),
        response: { 200: z.object({ member: memberSchema }), 422: problemSchema },
      },
    },
    async (request) => verifyMemberCode(deps, requestContext(request), request.body.code),
  );
}
