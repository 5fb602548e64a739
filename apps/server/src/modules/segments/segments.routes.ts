import { z } from 'zod';
import { idParamsSchema, pageSchema, paginationQuerySchema, problemSchema } from '@hearth/contracts/common';
import {
  lifecycleFlowSchema,
  lifecycleSettingsSchema,
  lifecycleSummarySchema,
  memberSampleSchema,
  membershipChangeSchema,
  previewInputSchema,
  previewSchema,
  recomputeResultSchema,
  rfmGridSchema,
  rfmSettingsSchema,
  segmentInputSchema,
  segmentSchema,
  segmentUpdateSchema,
  staticMembersInputSchema,
} from '@hearth/contracts/segments';
import { authenticated, type Api, type RouteContext } from '../../http/api.ts';
import { requestContext } from '../../http/auth.ts';
import { acceptCsvStreams, csvUploadStream, sendCsv } from '../../imports/csv-files.ts';
import { getLifecycleSettings, lifecycleFlow, lifecycleSummary, updateLifecycleSettings } from './lifecycle.service.ts';
import { recomputeSegment } from './membership.ts';
import { getRfmSettings, rfmGrid, updateRfmSettings } from './rfm.service.ts';
import { rfmRun, sweep } from './segments.jobs.ts';
import {
  changeStaticMembers,
  createSegment,
  exportSegment,
  getSegment,
  getSegmentRow,
  importStaticList,
  listMembershipHistory,
  listSegmentMembers,
  listSegments,
  previewSegment,
  updateSegment,
} from './segments.service.ts';

const tags = ['segments'];
const errors = { 400: problemSchema, 403: problemSchema, 404: problemSchema, 409: problemSchema };

export function segmentsRoutes(api: Api, { deps }: RouteContext) {
  api.post(
    '/segments/preview',
    { config: { permission: 'segments:read' }, schema: { tags, summary: 'How many members a rule matches now, with a masked sample (one query)', security: authenticated, body: previewInputSchema, response: { 200: previewSchema, 400: problemSchema } } },
    async (request) => previewSegment(deps, requestContext(request), request.body),
  );

  api.get(
    '/segments',
    { config: { permission: 'segments:read' }, schema: { tags, summary: 'Segments, newest first, with their member counts', security: authenticated, querystring: paginationQuerySchema.extend({ status: z.enum(['active', 'archived']).optional() }), response: { 200: pageSchema(segmentSchema) } } },
    async (request) => listSegments(deps, requestContext(request), request.query),
  );

  api.post(
    '/segments',
    {
      config: { permission: 'segments:write' },
      schema: { tags, summary: 'Create a dynamic segment (a rule, kept up to date live) or a static one (a list)', security: authenticated, body: segmentInputSchema, response: { 201: segmentSchema, ...errors } },
    },
    async (request, reply) => reply.status(201).send(await createSegment(deps, requestContext(request), request.body)),
  );

  api.get(
    '/segments/:id',
    { config: { permission: 'segments:read' }, schema: { tags, summary: 'A segment', security: authenticated, params: idParamsSchema, response: { 200: segmentSchema, 404: problemSchema } } },
    async (request) => getSegment(deps, requestContext(request), request.params.id),
  );

  api.patch(
    '/segments/:id',
    { config: { permission: 'segments:write' }, schema: { tags, summary: 'Rename, change the rule or the tag it writes, archive', security: authenticated, params: idParamsSchema, body: segmentUpdateSchema, response: { 200: segmentSchema, ...errors } } },
    async (request) => updateSegment(deps, requestContext(request), request.params.id, request.body),
  );

  api.post(
    '/segments/:id/recompute',
    { config: { permission: 'segments:write' }, schema: { tags, summary: 'Recompute the members from the rule now (live updates give the same result)', security: authenticated, params: idParamsSchema, response: { 200: recomputeResultSchema, 404: problemSchema } } },
    async (request) => {
      const ctx = requestContext(request);
      await getSegmentRow(deps.db, ctx.tenantId, request.params.id);
      return recomputeSegment(deps, ctx.tenantId, request.params.id);
    },
  );

  api.get(
    '/segments/:id/members',
    { config: { permission: 'segments:read' }, schema: { tags, summary: 'The segment’s members (masked)', security: authenticated, params: idParamsSchema, querystring: paginationQuerySchema, response: { 200: pageSchema(memberSampleSchema.extend({ entered_at: z.string() })), 404: problemSchema } } },
    async (request) => listSegmentMembers(deps, requestContext(request), request.params.id, request.query),
  );

  api.get(
    '/segments/:id/history',
    { config: { permission: 'segments:read' }, schema: { tags, summary: 'Who entered and left the segment, newest first, and why', security: authenticated, params: idParamsSchema, querystring: paginationQuerySchema, response: { 200: pageSchema(membershipChangeSchema), 404: problemSchema } } },
    async (request) => listMembershipHistory(deps, requestContext(request), request.params.id, request.query),
  );

  api.post(
    '/segments/:id/members',
    {
      config: { permission: 'segments:write' },
      schema: { tags, summary: 'Add or remove members of a static segment', security: authenticated, params: idParamsSchema, body: staticMembersInputSchema, response: { 200: z.object({ matched: z.number().int(), changed: z.number().int(), not_found: z.number().int() }), ...errors } },
    },
    async (request) => changeStaticMembers(deps, requestContext(request), request.params.id, request.body),
  );

  api.register(async (scope) => {
    acceptCsvStreams(scope);
    scope.post(
      '/segments/:id/import',
      {
        config: { permission: 'segments:write' },
        schema: {
          tags,
          summary: 'Fill a static segment from a CSV list (UTF-8 or GBK) with a member_no / 会员号, phone / 手机号 or member_id column',
          security: authenticated,
          consumes: ['text/csv'],
          params: idParamsSchema,
          response: { 200: z.object({ rows: z.number().int(), added: z.number().int(), not_found: z.number().int(), not_found_lines: z.array(z.number().int()) }), ...errors, 413: problemSchema, 415: problemSchema },
        },
      },
      async (request) => importStaticList(deps, requestContext(request), (request.params as { id: string }).id, csvUploadStream(request)),
    );
  });

  api.get(
    '/segments/:id/export.csv',
    {
      config: { permission: 'segments:export' },
      schema: {
        tags,
        summary: 'The segment’s members as CSV (masked unless reveal=true, which needs members:read_pii); audited',
        security: authenticated,
        params: idParamsSchema,
        querystring: z.object({ reveal: z.enum(['true', 'false']).optional() }),
      },
    },
    async (request, reply) => sendCsv(reply, await exportSegment(deps, requestContext(request), request.params.id, request.query.reveal === 'true'), `segment-${request.params.id}.csv`),
  );

  api.get(
    '/rfm/settings',
    { config: { permission: 'segments:read' }, schema: { tags, summary: 'RFM window and scoring', security: authenticated, response: { 200: rfmSettingsSchema } } },
    async (request) => getRfmSettings(deps.db, requestContext(request).tenantId),
  );

  api.put(
    '/rfm/settings',
    { config: { permission: 'segments:write' }, schema: { tags, summary: 'Set the RFM window and scoring (quintiles or fixed thresholds)', security: authenticated, body: rfmSettingsSchema, response: { 200: rfmSettingsSchema, 400: problemSchema } } },
    async (request) => updateRfmSettings(deps, requestContext(request), request.body),
  );

  api.post(
    '/rfm/recompute',
    { config: { permission: 'segments:write' }, schema: { tags, summary: 'Score every member now (also runs daily), then the segments that select by RFM', security: authenticated, response: { 200: z.object({ members: z.number().int(), segments: z.number().int() }) } } },
    async (request) => {
      const result = await rfmRun(deps, { tenantId: requestContext(request).tenantId });
      return { members: result.members, segments: result.segments };
    },
  );

  api.get(
    '/rfm/grid',
    { config: { permission: 'segments:read' }, schema: { tags, summary: 'The R × F heat map and the eight value groups', security: authenticated, response: { 200: rfmGridSchema } } },
    async (request) => rfmGrid(deps, requestContext(request)),
  );

  api.get(
    '/lifecycle/settings',
    { config: { permission: 'segments:read' }, schema: { tags, summary: 'Lifecycle thresholds', security: authenticated, response: { 200: lifecycleSettingsSchema } } },
    async (request) => getLifecycleSettings(deps.db, requestContext(request).tenantId),
  );

  api.put(
    '/lifecycle/settings',
    { config: { permission: 'segments:write' }, schema: { tags, summary: 'Set the lifecycle thresholds (k × each member’s usual interval, and fixed days without one)', security: authenticated, body: lifecycleSettingsSchema, response: { 200: lifecycleSettingsSchema, 400: problemSchema } } },
    async (request) => updateLifecycleSettings(deps, requestContext(request), request.body),
  );

  api.post(
    '/lifecycle/recompute',
    { config: { permission: 'segments:write' }, schema: { tags, summary: 'Recompute every member’s stage now (also runs hourly with the sweep), then time-based segments', security: authenticated, response: { 200: z.object({ stage_changes: z.number().int(), segments: z.number().int() }) } } },
    async (request) => {
      const result = await sweep(deps, { tenantId: requestContext(request).tenantId });
      return { stage_changes: result.stage_changes, segments: result.segments };
    },
  );

  api.get(
    '/lifecycle/summary',
    { config: { permission: 'segments:read' }, schema: { tags, summary: 'Members per lifecycle stage', security: authenticated, response: { 200: lifecycleSummarySchema } } },
    async (request) => lifecycleSummary(deps, requestContext(request)),
  );

  api.get(
    '/lifecycle/flow',
    { config: { permission: 'segments:read' }, schema: { tags, summary: 'Members moving between stages per month (a Sankey table)', security: authenticated, querystring: z.object({ months: z.coerce.number().int().min(1).max(36).default(12) }), response: { 200: lifecycleFlowSchema } } },
    async (request) => lifecycleFlow(deps, requestContext(request), request.query.months),
  );
}
