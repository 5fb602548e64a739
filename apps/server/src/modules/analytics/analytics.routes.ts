import { z } from 'zod';
import { analyticsSettingsSchema, clvSummarySchema, heavyUserSchema, influenceMemberSchema, memberClvSchema, paretoQuerySchema, paretoReportSchema, forecastQuerySchema, forecastSchema, overviewQuerySchema, overviewSchema, regionalQuerySchema, regionalReportSchema } from '@hearth/contracts/analytics';
import { idParamsSchema, pageSchema, paginationQuerySchema, problemSchema } from '@hearth/contracts/common';
import { authenticated, type Api, type RouteContext } from '../../http/api.ts';
import { requestContext } from '../../http/auth.ts';
import { enqueueClvFit } from './analytics.jobs.ts';
import { clvSummary, getMemberClv, listMemberClv } from './clv.service.ts';
import { listInfluencers, refreshMemberAnalytics } from './influence.service.ts';
import { overview } from './overview.service.ts';
import { listHeavyUsers, paretoReport } from './pareto.service.ts';
import { regionalForecast, regionalReport } from './regional.service.ts';
import { getAnalyticsSettings, updateAnalyticsSettings } from './settings.service.ts';

const tags = ['analytics'];
const errors = { 400: problemSchema, 403: problemSchema, 404: problemSchema };

export function analyticsRoutes(api: Api, context: RouteContext) {
  const { deps } = context;
  api.get(
    '/analytics/overview',
    {
      config: { permission: 'analytics:read' },
      schema: { tags, summary: 'The console overview: members, buyers, orders and revenue today, in the last N days and the N days before, day by day; points owed', security: authenticated, querystring: overviewQuerySchema, response: { 200: overviewSchema, ...errors } },
    },
    async (request) => overview(deps, requestContext(request), request.query),
  );

  api.get(
    '/analytics/clv',
    {
      config: { permission: 'analytics:read' },
      schema: { tags, summary: 'The latest CLV fit (BG/NBD + Gamma-Gamma parameters), totals and the distribution of members by CLV', security: authenticated, response: { 200: clvSummarySchema, ...errors } },
    },
    async (request) => clvSummary(deps, requestContext(request)),
  );

  api.get(
    '/analytics/clv/members',
    {
      config: { permission: 'analytics:read' },
      schema: { tags, summary: 'Members by CLV, highest first: P(alive), expected purchases and spend over the horizon, historic value, percentile', security: authenticated, querystring: paginationQuerySchema, response: { 200: pageSchema(memberClvSchema), ...errors } },
    },
    async (request) => listMemberClv(deps, requestContext(request), request.query),
  );

  api.get(
    '/members/:id/clv',
    {
      config: { permission: 'analytics:read' },
      schema: { tags, summary: 'A member’s CLV from the latest fit (404 when the member has no order yet)', security: authenticated, params: idParamsSchema, response: { 200: memberClvSchema, ...errors } },
    },
    async (request) => getMemberClv(deps, requestContext(request), request.params.id),
  );

  api.post(
    '/analytics/clv/runs',
    {
      config: { permission: 'analytics:manage' },
      schema: {
        tags,
        summary: 'Refit the CLV model now (it also runs weekly); answers with the job, which GET /jobs/{id} follows',
        security: authenticated,
        response: { 202: z.object({ job_id: z.uuid(), already_queued: z.boolean() }), ...errors },
      },
    },
    async (request, reply) => reply.status(202).send(await enqueueClvFit(deps, requestContext(request))),
  );

  api.get(
    '/analytics/pareto',
    {
      config: { permission: 'analytics:read' },
      schema: { tags, summary: '80/20: revenue share of the top 20 % and of the heavy users, Gini, Lorenz curve at 1 % steps, over a window of days', security: authenticated, querystring: paretoQuerySchema, response: { 200: paretoReportSchema, ...errors } },
    },
    async (request) => paretoReport(deps, requestContext(request), request.query),
  );

  api.get(
    '/analytics/pareto/heavy-users',
    {
      config: { permission: 'analytics:read' },
      schema: {
        tags,
        summary: 'The heavy users of the window (the top share of buyers by revenue), highest first',
        security: authenticated,
        querystring: paretoQuerySchema.extend({ limit: z.coerce.number().int().min(1).max(1000).default(100) }),
        response: { 200: z.object({ from: z.string(), to: z.string(), data: z.array(heavyUserSchema) }), ...errors },
      },
    },
    async (request) => listHeavyUsers(deps, requestContext(request), request.query),
  );

  api.get(
    '/analytics/influence',
    {
      config: { permission: 'analytics:read' },
      schema: {
        tags,
        summary: 'Members by influence score (weighted shares, reviews, event attendance …), highest first: the KOC list',
        security: authenticated,
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
        response: { 200: z.object({ data: z.array(influenceMemberSchema), computed_at: z.string().nullable() }), ...errors },
      },
    },
    async (request) => listInfluencers(deps, requestContext(request), request.query),
  );

  api.post(
    '/analytics/member-flags/refresh',
    {
      config: { permission: 'analytics:manage' },
      schema: {
        tags,
        summary: 'Recompute every member’s heavy-user flag and influence index now (also daily)',
        security: authenticated,
        response: { 200: z.object({ members: z.number().int(), heavy: z.number().int(), influencers: z.number().int() }), ...errors },
      },
    },
    async (request) => refreshMemberAnalytics(deps, requestContext(request).tenantId),
  );

  api.get(
    '/analytics/regional',
    {
      config: { permission: 'analytics:read' },
      schema: {
        tags,
        summary: 'Sales by province, city or store for a week or month against the same period last year and the trailing mean; drops beyond the tenant threshold flagged',
        security: authenticated,
        querystring: regionalQuerySchema,
        response: { 200: regionalReportSchema, ...errors },
      },
    },
    async (request) => regionalReport(deps, requestContext(request), request.query),
  );

  api.get(
    '/analytics/regional/forecast',
    {
      config: { permission: 'analytics:read' },
      schema: { tags, summary: 'Monthly sales forecast per region and category (seasonal naive with drift), the 20 largest series', security: authenticated, querystring: forecastQuerySchema, response: { 200: forecastSchema, ...errors } },
    },
    async (request) => regionalForecast(deps, requestContext(request), request.query),
  );

  api.get(
    '/analytics/settings',
    { config: { permission: 'analytics:read' }, schema: { tags, summary: 'CLV horizon and discount, Pareto window and heavy-user share, influence weights, regional drop threshold', security: authenticated, response: { 200: analyticsSettingsSchema, ...errors } } },
    async (request) => getAnalyticsSettings(deps, requestContext(request)),
  );

  api.put(
    '/analytics/settings',
    { config: { permission: 'analytics:manage' }, schema: { tags, summary: 'Replace the analytics settings (audited)', security: authenticated, body: analyticsSettingsSchema, response: { 200: analyticsSettingsSchema, ...errors } } },
    async (request) => updateAnalyticsSettings(deps, requestContext(request), request.body),
  );
}
