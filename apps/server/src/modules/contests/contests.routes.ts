import { z } from 'zod';
import { idParamsSchema, problemSchema } from '@hearth/contracts/common';
import { contestInputSchema, contestSchema, entryInputSchema, entrySchema, jurySchema, moderationInputSchema, voteResultSchema, winnerSchema } from '@hearth/contracts/contests';
import type { AppDeps } from '../../deps.ts';
import { authenticated, type Api, type RouteContext } from '../../http/api.ts';
import { requestContext } from '../../http/auth.ts';
import { memberScope, memberSecurity, signedIn } from '../member-portal/member-auth.ts';
import { createContest, finalizeContest, getContest, listContests, listEntries, listWinners, moderateEntry, scoreByJury, submitEntry } from './contests.service.ts';
import { share, vote } from './votes.service.ts';

const tags = ['contests'];
const errors = { 400: problemSchema, 403: problemSchema, 404: problemSchema, 409: problemSchema };
const read = { permission: 'contests:read' } as const;
const manage = { permission: 'contests:manage' } as const;
const statusQuery = z.object({ status: z.enum(['pending', 'approved', 'rejected']).optional() });

/** UGC contests (评选大赛): console routes, and the member center's under /me/contests. */
export function contestsRoutes(api: Api, { deps }: RouteContext) {
  api.get('/contests', { config: read, schema: { tags, summary: 'Contests, newest first', security: authenticated, response: { 200: z.object({ data: z.array(contestSchema) }) } } }, async (request) => ({ data: await listContests(deps, requestContext(request)) }));
  api.post('/contests', { config: manage, schema: { tags, summary: 'Create a contest: submission and voting windows, vote limits, vote/jury weights, rewards per place', security: authenticated, body: contestInputSchema, response: { 201: contestSchema, ...errors } } }, async (request, reply) => reply.status(201).send(await createContest(deps, requestContext(request), request.body)));
  api.get('/contests/:id', { config: read, schema: { tags, summary: 'A contest', security: authenticated, params: idParamsSchema, response: { 200: contestSchema, 404: problemSchema } } }, async (request) => getContest(deps, requestContext(request), request.params.id));
  api.get('/contests/:id/entries', { config: read, schema: { tags, summary: 'Entries (to moderate with status=pending), most votes first', security: authenticated, params: idParamsSchema, querystring: statusQuery, response: { 200: z.object({ data: z.array(entrySchema) }), 404: problemSchema } } }, async (request) => ({ data: await listEntries(deps, requestContext(request), request.params.id, request.query) }));
  api.post('/contest-entries/:id/moderation', { config: manage, schema: { tags, summary: 'Approve or reject (with a reason) an entry', security: authenticated, params: idParamsSchema, body: moderationInputSchema, response: { 200: entrySchema, ...errors } } }, async (request) => moderateEntry(deps, requestContext(request), request.params.id, request.body));
  api.put('/contest-entries/:id/jury', { config: manage, schema: { tags, summary: 'The jury’s score of an entry (0–100)', security: authenticated, params: idParamsSchema, body: jurySchema, response: { 200: entrySchema, ...errors } } }, async (request) => scoreByJury(deps, requestContext(request), request.params.id, request.body.score));
  api.post('/contests/:id/finalize', { config: manage, schema: { tags, summary: 'After voting: rank by weighted votes and jury, record winners and give rewards (once)', security: authenticated, params: idParamsSchema, response: { 200: z.object({ data: z.array(winnerSchema) }), ...errors } } }, async (request) => ({ data: await finalizeContest(deps, requestContext(request), request.params.id) }));
  api.get('/contests/:id/winners', { config: read, schema: { tags, summary: 'Winners with their scores and rewards', security: authenticated, params: idParamsSchema, response: { 200: z.object({ data: z.array(winnerSchema) }), 404: problemSchema } } }, async (request) => ({ data: await listWinners(deps, requestContext(request), request.params.id) }));

  api.register(
    async (me) => {
      memberScope(me, deps);
      meContestRoutes(me as unknown as Api, deps);
    },
    { prefix: '/me/contests' },
  );
}

function meContestRoutes(me: Api, deps: AppDeps) {
  const mtags = ['member center'];
  me.get('/', { schema: { tags: mtags, summary: 'Contests', security: memberSecurity, response: { 200: z.object({ data: z.array(contestSchema) }) } } }, async (request) => ({ data: await listContests(deps, signedIn(request).ctx) }));
  me.get('/:id/entries', { schema: { tags: mtags, summary: 'Approved entries, most votes first', security: memberSecurity, params: idParamsSchema, response: { 200: z.object({ data: z.array(entrySchema.omit({ jury_score: true, reject_reason: true })) }), 404: problemSchema } } }, async (request) => {
    const entries = await listEntries(deps, signedIn(request).ctx, request.params.id, { status: 'approved' });
    return { data: entries.map(({ jury_score: _j, reject_reason: _r, ...rest }) => rest) };
  });
  me.post('/:id/entries', { schema: { tags: mtags, summary: 'Enter the contest (once; moderated before it shows)', security: memberSecurity, params: idParamsSchema, body: entryInputSchema, response: { 201: entrySchema, ...errors } } }, async (request, reply) => {
    const { ctx, memberId } = signedIn(request);
    return reply.status(201).send(await submitEntry(deps, ctx, memberId, request.params.id, request.body));
  });
  me.post('/entries/:id/votes', { schema: { tags: mtags, summary: 'Vote for an entry (not one’s own; per-day and total limits)', security: memberSecurity, params: idParamsSchema, response: { 200: voteResultSchema, ...errors } } }, async (request) => {
    const { ctx, memberId } = signedIn(request);
    return vote(deps, ctx, memberId, request.params.id);
  });
  me.post('/entries/:id/shares', { schema: { tags: mtags, summary: 'Record a share of an entry (a `share` behaviour event for the influence index)', security: memberSecurity, params: idParamsSchema, body: z.object({ share_id: z.string().trim().min(1).max(64), channel: z.string().trim().max(30).optional() }), response: { 200: z.object({ shares: z.number().int(), counted: z.boolean() }), ...errors } } }, async (request) => {
    const { ctx, memberId } = signedIn(request);
    return share(deps, ctx, memberId, request.params.id, request.body);
  });
}
