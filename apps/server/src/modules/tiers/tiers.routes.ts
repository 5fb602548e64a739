import { z } from 'zod';
import { idParamsSchema, problemSchema } from '@hearth/contracts/common';
import {
  memberTierSchema,
  tierAssignmentInputSchema,
  tierEvaluationRunSchema,
  tierHistoryEntrySchema,
  tierProgramInputSchema,
  tierProgramSchema,
  tierRuleVersionInputSchema,
  tierRuleVersionSchema,
  tierSimulationInputSchema,
  tierSimulationSchema,
} from '@hearth/contracts/tiers';
import { authenticated, type Api, type RouteContext } from '../../http/api.ts';
import { requestContext } from '../../http/auth.ts';
import {
  assignTier,
  createProgram,
  distribution,
  getMemberTiers,
  getProgram,
  listHistory,
  listPrograms,
  listRuleVersions,
  listRuns,
  publishRules,
  simulate,
  startEvaluation,
  updateProgram,
} from './tiers.service.ts';

const tags = ['tiers'];
const errors = { 400: problemSchema, 403: problemSchema, 404: problemSchema, 409: problemSchema };

export function tiersRoutes(api: Api, { deps }: RouteContext) {
  api.get(
    '/tier-programs',
    { config: { permission: 'tiers:read' }, schema: { tags, summary: 'Tier ladders with their tiers and the rules in force', security: authenticated, response: { 200: z.object({ data: z.array(tierProgramSchema) }) } } },
    async (request) => ({ data: await listPrograms(deps, requestContext(request)) }),
  );

  api.post(
    '/tier-programs',
    {
      config: { permission: 'tiers:manage' },
      schema: { tags, summary: 'Create a ladder: tiers lowest first, evaluation schedule, downgrade policy, grace; optionally its first rules', security: authenticated, body: tierProgramInputSchema, response: { 201: tierProgramSchema, ...errors } },
    },
    async (request, reply) => reply.status(201).send(await createProgram(deps, requestContext(request), request.body)),
  );

  api.get(
    '/tier-programs/:id',
    { config: { permission: 'tiers:read' }, schema: { tags, summary: 'One ladder', security: authenticated, params: idParamsSchema, response: { 200: tierProgramSchema, 404: problemSchema } } },
    async (request) => getProgram(deps, requestContext(request), request.params.id),
  );

  api.put(
    '/tier-programs/:id',
    {
      config: { permission: 'tiers:manage' },
      schema: { tags, summary: 'Update settings and the ladder (tiers by id keep their members; a held tier cannot be removed)', security: authenticated, params: idParamsSchema, body: tierProgramInputSchema.omit({ rules: true }), response: { 200: tierProgramSchema, ...errors } },
    },
    async (request) => updateProgram(deps, requestContext(request), request.params.id, request.body),
  );

  api.get(
    '/tier-programs/:id/rules',
    { config: { permission: 'tiers:read' }, schema: { tags, summary: 'Rule versions, newest first', security: authenticated, params: idParamsSchema, response: { 200: z.object({ data: z.array(tierRuleVersionSchema) }), 404: problemSchema } } },
    async (request) => ({ data: await listRuleVersions(deps, requestContext(request), request.params.id) }),
  );

  api.post(
    '/tier-programs/:id/rules',
    {
      config: { permission: 'tiers:manage' },
      schema: { tags, summary: 'Publish a rule version (effective-dated); optionally evaluate every member under it at that instant', security: authenticated, params: idParamsSchema, body: tierRuleVersionInputSchema, response: { 201: tierRuleVersionSchema, ...errors } },
    },
    async (request, reply) => reply.status(201).send(await publishRules(deps, requestContext(request), request.params.id, request.body)),
  );

  api.post(
    '/tier-programs/:id/simulate',
    {
      config: { permission: 'tiers:read' },
      schema: {
        tags,
        summary: 'What an evaluation under draft rules would do, without applying it: members per tier, the move matrix and a sample per cell',
        security: authenticated,
        params: idParamsSchema,
        body: tierSimulationInputSchema,
        response: { 200: tierSimulationSchema, ...errors },
      },
    },
    async (request) => simulate(deps, requestContext(request), request.params.id, request.body),
  );

  api.get(
    '/tier-programs/:id/distribution',
    {
      config: { permission: 'tiers:read' },
      schema: { tags, summary: 'Members per tier now', security: authenticated, params: idParamsSchema, response: { 200: z.object({ data: z.array(z.object({ tier_id: z.uuid(), code: z.string(), name: z.string(), color: z.string(), members: z.number().int() })) }), 404: problemSchema } },
    },
    async (request) => distribution(deps, requestContext(request), request.params.id),
  );

  api.post(
    '/tier-programs/:id/evaluations',
    {
      config: { permission: 'tiers:manage' },
      schema: { tags, summary: 'Evaluate every member now (or as of an instant) in the background', security: authenticated, params: idParamsSchema, body: z.object({ as_of: z.iso.datetime({ offset: true }).optional() }), response: { 202: z.object({ job_id: z.uuid(), as_of: z.string() }), ...errors } },
    },
    async (request, reply) => reply.status(202).send(await startEvaluation(deps, requestContext(request), request.params.id, request.body)),
  );

  api.get(
    '/tier-programs/:id/evaluations',
    { config: { permission: 'tiers:read' }, schema: { tags, summary: 'Evaluation runs with their progress and counts', security: authenticated, params: idParamsSchema, response: { 200: z.object({ data: z.array(tierEvaluationRunSchema) }), 404: problemSchema } } },
    async (request) => ({ data: await listRuns(deps, requestContext(request), request.params.id) }),
  );

  api.get(
    '/members/:id/tier',
    {
      config: { permission: 'tiers:read' },
      schema: { tags, summary: 'The member’s tier in each ladder: since, valid until, metrics so far, what is missing to go up and to keep it', security: authenticated, params: idParamsSchema, response: { 200: z.object({ data: z.array(memberTierSchema) }), 404: problemSchema } },
    },
    async (request) => ({ data: await getMemberTiers(deps, requestContext(request), request.params.id) }),
  );

  api.get(
    '/members/:id/tier/history',
    { config: { permission: 'tiers:read' }, schema: { tags, summary: 'Every tier change with reason, rule version and the metric values that decided it', security: authenticated, params: idParamsSchema, response: { 200: z.object({ data: z.array(tierHistoryEntrySchema) }), 404: problemSchema } } },
    async (request) => ({ data: await listHistory(deps, requestContext(request), request.params.id) }),
  );

  api.post(
    '/members/:id/tier/assignments',
    {
      config: { permission: 'tiers:assign' },
      schema: { tags, summary: 'Give a member a tier until a date, with a reason (audited)', security: authenticated, params: idParamsSchema, body: tierAssignmentInputSchema, response: { 200: z.object({ data: z.array(memberTierSchema) }), ...errors } },
    },
    async (request) => ({ data: await assignTier(deps, requestContext(request), request.params.id, request.body) }),
  );
}
