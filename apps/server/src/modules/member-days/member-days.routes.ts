import { z } from 'zod';
import { idParamsSchema, problemSchema } from '@hearth/contracts/common';
import {
  memberDayInputSchema,
  memberDayOccurrenceSchema,
  memberDayPreviewInputSchema,
  memberDaySchema,
  memberDayStatsQuerySchema,
  memberDayStatsSchema,
  myMemberDaySchema,
} from '@hearth/contracts/member-days';
import { authenticated, type Api, type RouteContext } from '../../http/api.ts';
import { requestContext } from '../../http/auth.ts';
import { memberScope, memberSecurity, signedIn } from '../member-portal/member-auth.ts';
import { createMemberDay, getMemberDay, listMemberDays, listOccurrences, previewSchedule, updateMemberDay } from './member-days.service.ts';
import { memberDayStats } from './member-days.stats.ts';
import { myMemberDays } from './my-member-days.ts';

const tags = ['member days'];
const errors = { 400: problemSchema, 403: problemSchema, 404: problemSchema, 409: problemSchema, 422: problemSchema };

export function memberDaysRoutes(api: Api, { deps }: RouteContext) {
  api.get('/member-days', { config: { permission: 'member_days:read' }, schema: { tags, summary: 'Member days (会员日), newest first, each with its next day', security: authenticated, response: { 200: z.object({ data: z.array(memberDaySchema) }) } } }, async (request) => ({
    data: await listMemberDays(deps, requestContext(request)),
  }));
  api.post(
    '/member-days',
    { config: { permission: 'member_days:manage' }, schema: { tags, summary: 'Create a member day: schedule in the brand’s zone, points multiplier, coupon pack, featured prices and products, eligibility, reminder', security: authenticated, body: memberDayInputSchema, response: { 201: memberDaySchema, ...errors } } },
    async (request, reply) => reply.status(201).send(await createMemberDay(deps, requestContext(request), request.body)),
  );
  api.post(
    '/member-days/preview',
    { config: { permission: 'member_days:read' }, schema: { tags, summary: 'The next days a schedule falls on, without saving', security: authenticated, body: memberDayPreviewInputSchema, response: { 200: z.object({ data: z.array(memberDayOccurrenceSchema) }), ...errors } } },
    async (request) => ({ data: await previewSchedule(deps, requestContext(request), request.body) }),
  );
  api.get('/member-days/:id', { config: { permission: 'member_days:read' }, schema: { tags, summary: 'A member day', security: authenticated, params: idParamsSchema, response: { 200: memberDaySchema, 404: problemSchema } } }, async (request) =>
    getMemberDay(deps, requestContext(request), request.params.id),
  );
  api.put(
    '/member-days/:id',
    { config: { permission: 'member_days:manage' }, schema: { tags, summary: 'Replace a member day (days already started keep their record; later days follow the new schedule)', security: authenticated, params: idParamsSchema, body: memberDayInputSchema, response: { 200: memberDaySchema, ...errors } } },
    async (request) => updateMemberDay(deps, requestContext(request), request.params.id, request.body),
  );
  api.get(
    '/member-days/:id/occurrences',
    { config: { permission: 'member_days:read' }, schema: { tags, summary: 'The next days it falls on (local dates), the current one first', security: authenticated, params: idParamsSchema, querystring: z.object({ limit: z.coerce.number().int().min(1).max(100).default(10) }), response: { 200: z.object({ data: z.array(memberDayOccurrenceSchema) }), 404: problemSchema } } },
    async (request) => ({ data: await listOccurrences(deps, requestContext(request), request.params.id, request.query.limit) }),
  );
  api.get(
    '/member-days/:id/stats',
    { config: { permission: 'member_days:read' }, schema: { tags, summary: 'Orders, revenue net of refunds (fen), members and new paid members per member day against the average ordinary day of the window', security: authenticated, params: idParamsSchema, querystring: memberDayStatsQuerySchema, response: { 200: memberDayStatsSchema, ...errors } } },
    async (request) => memberDayStats(deps, requestContext(request), request.params.id, request.query),
  );

  api.register(
    async (me) => {
      memberScope(me, deps);
      (me as unknown as Api).get('/member-days', { schema: { tags: ['member center'], summary: 'My member days: the next day of each programme, what applies and whether I am eligible', security: memberSecurity, response: { 200: z.object({ data: z.array(myMemberDaySchema) }) } } }, async (request) => {
        const { ctx, memberId } = signedIn(request);
        return { data: await myMemberDays(deps, ctx, memberId) };
      });
    },
    { prefix: '/me' },
  );
}
