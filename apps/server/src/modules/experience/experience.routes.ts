import { z } from 'zod';
import { idParamsSchema, pageSchema, paginationQuerySchema, problemSchema } from '@hearth/contracts/common';
import {
  applicationSchema,
  applicationStatuses,
  addressInputSchema,
  experienceSettingsSchema,
  programInputSchema,
  programSchema,
  programUpdateSchema,
  proposalSchema,
  reportSchema,
  selectionInputSchema,
  selectionResultSchema,
  shipmentInputSchema,
} from '@hearth/contracts/experience';
import { authenticated, type Api, type RouteContext } from '../../http/api.ts';
import { requestContext } from '../../http/auth.ts';
import { sendCsv } from '../../imports/csv-files.ts';
import { memberScope } from '../member-portal/member-auth.ts';
import { getApplication, listApplications, rescore } from './applications.service.ts';
import { retryReward } from './feedback.service.ts';
import { revealAddress, updateShipment } from './fulfilment.service.ts';
import { meExperienceRoutes } from './me-experience.routes.ts';
import { createProgram, getProgram, listPrograms, updateProgram } from './programs.service.ts';
import { feedbackCsv, programReport } from './report.service.ts';
import { getSettings, updateSettings } from './scoring.ts';
import { confirmSelection, proposeSelection } from './selection.service.ts';

const tags = ['experience officers'];
const errors = { 400: problemSchema, 403: problemSchema, 404: problemSchema, 409: problemSchema };
const read = { permission: 'experience:read' } as const;
const manage = { permission: 'experience:manage' } as const;

/** Experience-officer programs (体验官): the console's routes, and the member center's under /me/experience. */
export function experienceRoutes(api: Api, { deps }: RouteContext) {
  api.get('/experience/settings', { config: read, schema: { tags, summary: 'Score weights (basis points per factor) and what counts as full activity', security: authenticated, response: { 200: experienceSettingsSchema } } }, async (request) => getSettings(deps, requestContext(request)));
  api.put('/experience/settings', { config: manage, schema: { tags, summary: 'Set the score weights (sum 10000)', security: authenticated, body: experienceSettingsSchema, response: { 200: experienceSettingsSchema, ...errors } } }, async (request) => updateSettings(deps, requestContext(request), request.body));

  api.get('/experience/programs', { config: read, schema: { tags, summary: 'Programs, newest first, with their phase and counts', security: authenticated, querystring: z.object({ status: z.enum(['active', 'archived']).optional() }), response: { 200: z.object({ data: z.array(programSchema) }) } } }, async (request) => ({ data: await listPrograms(deps, requestContext(request), request.query) }));
  api.post('/experience/programs', { config: manage, schema: { tags, summary: 'Create a program: product, places, window, eligibility, questionnaire, quotas, feedback form, reward', security: authenticated, body: programInputSchema, response: { 201: programSchema, ...errors } } }, async (request, reply) => reply.status(201).send(await createProgram(deps, requestContext(request), request.body)));
  api.get('/experience/programs/:id', { config: read, schema: { tags, summary: 'A program', security: authenticated, params: idParamsSchema, response: { 200: programSchema, 404: problemSchema } } }, async (request) => getProgram(deps, requestContext(request), request.params.id));
  api.patch('/experience/programs/:id', { config: manage, schema: { tags, summary: 'Change a program (archive with status); places never below those selected', security: authenticated, params: idParamsSchema, body: programUpdateSchema, response: { 200: programSchema, ...errors } } }, async (request) => updateProgram(deps, requestContext(request), request.params.id, request.body));

  api.get(
    '/experience/programs/:id/applications',
    {
      config: read,
      schema: { tags, summary: 'Applicants ranked by score, with the score’s parts and the masked address', security: authenticated, params: idParamsSchema, querystring: paginationQuerySchema.extend({ status: z.enum(applicationStatuses).optional(), shipped: z.enum(['true', 'false']).optional() }), response: { 200: pageSchema(applicationSchema), ...errors } },
    },
    async (request) => {
      const { shipped, ...query } = request.query;
      return listApplications(deps, requestContext(request), request.params.id, { ...query, ...(shipped && { shipped: shipped === 'true' }) });
    },
  );
  api.post('/experience/programs/:id/rescore', { config: manage, schema: { tags, summary: 'Score the open applications again (new weights, a new CLV fit or influence run)', security: authenticated, params: idParamsSchema, response: { 200: z.object({ rescored: z.number().int() }), ...errors } } }, async (request) => rescore(deps, requestContext(request), request.params.id));
  api.get('/experience/programs/:id/proposal', { config: read, schema: { tags, summary: 'The top applicants that fit the places and region quotas (a suggestion; nothing is selected)', security: authenticated, params: idParamsSchema, response: { 200: proposalSchema, ...errors } } }, async (request) => proposeSelection(deps, requestContext(request), request.params.id));
  api.post(
    '/experience/programs/:id/selection',
    { config: manage, schema: { tags, summary: 'Confirm selected applicants (one transaction; 409 EXPERIENCE_PLACES_EXCEEDED / EXPERIENCE_QUOTA_EXCEEDED selects nobody)', security: authenticated, params: idParamsSchema, body: selectionInputSchema, response: { 200: selectionResultSchema, ...errors } } },
    async (request) => confirmSelection(deps, requestContext(request), request.params.id, request.body),
  );
  api.get('/experience/programs/:id/report', { config: read, schema: { tags, summary: 'Funnel, ratings per aspect with distribution, latest comments', security: authenticated, params: idParamsSchema, response: { 200: reportSchema, ...errors } } }, async (request) => programReport(deps, requestContext(request), request.params.id));
  api.get(
    '/experience/programs/:id/feedback.csv',
    { config: read, schema: { tags, summary: 'Every feedback as CSV for the product team (UTF-8 with BOM; member numbers only; audited)', security: authenticated, params: idParamsSchema } },
    async (request, reply) => sendCsv(reply, feedbackCsv(deps, requestContext(request), request.params.id), `experience-${request.params.id}.csv`),
  );

  api.get('/experience/applications/:id', { config: read, schema: { tags, summary: 'One application with answers, score parts, masked address, shipment and feedback', security: authenticated, params: idParamsSchema, response: { 200: applicationSchema, 404: problemSchema } } }, async (request) => getApplication(deps, requestContext(request), request.params.id));
  api.get(
    '/experience/applications/:id/address',
    { config: { permission: 'members:read_pii' }, schema: { tags, summary: 'The full shipping address (audited)', security: authenticated, params: idParamsSchema, response: { 200: addressInputSchema.extend({ district: z.string().nullable() }), 404: problemSchema } } },
    async (request) => revealAddress(deps, requestContext(request), request.params.id),
  );
  api.put(
    '/experience/applications/:id/shipment',
    { config: manage, schema: { tags, summary: 'Record the parcel: carrier and tracking number (shipped), delivered_at', security: authenticated, params: idParamsSchema, body: shipmentInputSchema, response: { 200: applicationSchema, ...errors } } },
    async (request) => updateShipment(deps, requestContext(request), request.params.id, request.body),
  );
  api.post(
    '/experience/applications/:id/reward',
    { config: manage, schema: { tags, summary: 'Give a complete feedback’s reward that was refused at submission (see feedback.reward_error)', security: authenticated, params: idParamsSchema, response: { 200: applicationSchema, ...errors } } },
    async (request) => retryReward(deps, requestContext(request), request.params.id),
  );

  api.register(
    async (me) => {
      memberScope(me, deps);
      meExperienceRoutes(me as unknown as Api, deps);
    },
    { prefix: '/me/experience' },
  );
}
