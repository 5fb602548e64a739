import { churnReportSchema, paidRatioReportSchema, renewalReportSchema, reportMonthsQuerySchema, revenueShareReportSchema } from '@hearth/contracts/membership';
import { authenticated, type Api, type RouteContext } from '../../http/api.ts';
import { requestContext } from '../../http/auth.ts';
import { churnReport, paidRatioReport, renewalReport, revenueShareReport } from './reports.service.ts';

const tags = ['membership'];
const querystring = reportMonthsQuerySchema;

/** The paid-membership reports the console charts, by month of the tenant's zone. */
export function membershipReportRoutes(api: Api, context: RouteContext) {
  const { deps } = context;
  api.get('/membership/reports/paid-ratio', { config: { permission: 'membership:read' }, schema: { tags, summary: 'Paid members as a share of members, at the end of each month', security: authenticated, querystring, response: { 200: paidRatioReportSchema } } }, async (request) => paidRatioReport(deps, requestContext(request), request.query.months));
  api.get('/membership/reports/revenue-share', { config: { permission: 'membership:read' }, schema: { tags, summary: 'Paid members’ share of member revenue per month (orders placed while the member held a paid membership)', security: authenticated, querystring, response: { 200: revenueShareReportSchema } } }, async (request) => revenueShareReport(deps, requestContext(request), request.query.months));
  api.get('/membership/reports/renewals', { config: { permission: 'membership:read' }, schema: { tags, summary: 'Renewal rate per month: paid periods renewed of those that came due', security: authenticated, querystring, response: { 200: renewalReportSchema } } }, async (request) => renewalReport(deps, requestContext(request), request.query.months));
  api.get('/membership/reports/churn', { config: { permission: 'membership:read' }, schema: { tags, summary: 'Expired, canceled and refunded subscriptions per plan per month', security: authenticated, querystring, response: { 200: churnReportSchema } } }, async (request) => churnReport(deps, requestContext(request), request.query.months));
}
