import { z } from 'zod';
import { idParamsSchema, pageSchema, paginationQuerySchema, problemSchema } from '@hearth/contracts/common';
import {
  dryRunInputSchema,
  dryRunSchema,
  enterInputSchema,
  enterResultSchema,
  entryStatuses,
  journeyEntrySchema,
  journeyInputSchema,
  journeySchema,
  journeyStatsSchema,
  journeyStatuses,
  journeyUpdateSchema,
  journeyVersionSchema,
  ritualSchema,
} from '@hearth/contracts/journeys';
import { authenticated, type Api, type RouteContext } from '../../http/api.ts';
import { requestContext } from '../../http/auth.ts';
import { dryRun } from './dryrun.ts';
import { enterJourney, listEntries } from './entry.service.ts';
import { createJourney, getJourney, listJourneys, listVersions, publishJourney, setJourneyStatus, updateJourney } from './journeys.service.ts';
import { enableRitual, listRituals } from './rituals.ts';
import { journeyStats } from './stats.service.ts';

const tags = ['journeys'];
const errors = { 400: problemSchema, 404: problemSchema, 409: problemSchema };

export function journeysRoutes(api: Api, { deps }: RouteContext) {
  api.get(
    '/journeys',
    { config: { permission: 'journeys:read' }, schema: { tags, summary: 'Journeys, newest first', security: authenticated, querystring: paginationQuerySchema.extend({ status: z.enum(journeyStatuses).optional() }), response: { 200: pageSchema(journeySchema) } } },
    async (request) => listJourneys(deps, requestContext(request), request.query),
  );
  api.post(
    '/journeys',
    { config: { permission: 'journeys:write' }, schema: { tags, summary: 'Create a journey (a draft until published)', security: authenticated, body: journeyInputSchema, response: { 201: journeySchema, ...errors } } },
    async (request, reply) => reply.status(201).send(await createJourney(deps, requestContext(request), request.body)),
  );
  api.get(
    '/journeys/rituals',
    { config: { permission: 'journeys:read' }, schema: { tags, summary: 'The ready-made ritual journeys (welcome, upgrade, points expiring, birthday …) and whether this tenant has switched each on', security: authenticated, response: { 200: z.object({ data: z.array(ritualSchema) }) } } },
    async (request) => listRituals(deps, requestContext(request)),
  );
  api.post(
    '/journeys/rituals/:key',
    { config: { permission: 'journeys:write' }, schema: { tags, summary: 'Switch a ritual journey on: created and published the first time, resumed if paused', security: authenticated, params: z.object({ key: z.string().max(40) }), response: { 200: journeySchema, ...errors } } },
    async (request) => enableRitual(deps, requestContext(request), request.params.key),
  );
  api.get(
    '/journeys/:id',
    { config: { permission: 'journeys:read' }, schema: { tags, summary: 'A journey with its draft graph, what publishing it would refuse, and its current version', security: authenticated, params: idParamsSchema, response: { 200: journeySchema, 404: problemSchema } } },
    async (request) => getJourney(deps, requestContext(request), request.params.id),
  );
  api.patch(
    '/journeys/:id',
    { config: { permission: 'journeys:write' }, schema: { tags, summary: 'Edit the name or the draft graph (members in flight are not affected until a publish, and then only new entries)', security: authenticated, params: idParamsSchema, body: journeyUpdateSchema, response: { 200: journeySchema, ...errors } } },
    async (request) => updateJourney(deps, requestContext(request), request.params.id, request.body),
  );
  api.post(
    '/journeys/:id/publish',
    { config: { permission: 'journeys:write' }, schema: { tags, summary: 'Freeze the draft as a new version; new entries follow it, members in flight finish on theirs', security: authenticated, params: idParamsSchema, response: { 200: journeySchema, ...errors } } },
    async (request) => publishJourney(deps, requestContext(request), request.params.id),
  );
  for (const action of ['pause', 'resume', 'stop'] as const) {
    const summary = { pause: 'Pause: nobody enters, members are held at their next step', resume: 'Resume a paused journey; held members go on', stop: 'Stop: nobody enters and every member in flight leaves' }[action];
    api.post(
      `/journeys/:id/${action}`,
      { config: { permission: 'journeys:write' }, schema: { tags, summary, security: authenticated, params: idParamsSchema, response: { 200: journeySchema, ...errors } } },
      async (request) => setJourneyStatus(deps, requestContext(request), request.params.id, action),
    );
  }
  api.get(
    '/journeys/:id/versions',
    { config: { permission: 'journeys:read' }, schema: { tags, summary: 'Published versions, newest first, with their entries', security: authenticated, params: idParamsSchema, response: { 200: z.object({ data: z.array(journeyVersionSchema) }), 404: problemSchema } } },
    async (request) => listVersions(deps, requestContext(request), request.params.id),
  );
  api.post(
    '/journeys/:id/enter',
    { config: { permission: 'journeys:enter' }, schema: { tags, summary: 'Enter members (up to 1,000 ids at once) or a whole segment (by a job) into the current version, by its entry rule', security: authenticated, params: idParamsSchema, body: enterInputSchema, response: { 200: enterResultSchema, ...errors } } },
    async (request) => enterJourney(deps, requestContext(request), request.params.id, request.body),
  );
  api.post(
    '/journeys/:id/dry-run',
    { config: { permission: 'journeys:read' }, schema: { tags, summary: 'The path one member would take if they entered now, without side effects', security: authenticated, params: idParamsSchema, body: dryRunInputSchema, response: { 200: dryRunSchema, ...errors } } },
    async (request) => dryRun(deps, requestContext(request), request.params.id, request.body),
  );
  api.get(
    '/journeys/:id/stats',
    { config: { permission: 'journeys:read' }, schema: { tags, summary: 'Per step: entered, completed, sent, converted; per split arm the conversion rate and the uplift over the holdout', security: authenticated, params: idParamsSchema, querystring: z.object({ version_id: z.uuid().optional() }), response: { 200: journeyStatsSchema, 404: problemSchema } } },
    async (request) => journeyStats(deps, requestContext(request), request.params.id, request.query.version_id),
  );
  api.get(
    '/journeys/:id/entries',
    {
      config: { permission: 'journeys:read' },
      schema: { tags, summary: 'Entries, newest first; with member_id, each with the steps it ran', security: authenticated, params: idParamsSchema, querystring: paginationQuerySchema.extend({ member_id: z.uuid().optional(), status: z.enum(entryStatuses).optional() }), response: { 200: pageSchema(journeyEntrySchema), 404: problemSchema } },
    },
    async (request) => listEntries(deps, requestContext(request), request.params.id, request.query),
  );
}
