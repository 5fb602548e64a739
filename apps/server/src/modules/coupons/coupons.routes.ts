import { z } from 'zod';
import { idParamsSchema, pageSchema, paginationQuerySchema, problemSchema } from '@hearth/contracts/common';
import {
  bulkIssueSchema,
  cancelInputSchema,
  confirmInputSchema,
  couponQuoteSchema,
  couponMonthlyReportSchema,
  couponReportRowSchema,
  couponSchema,
  couponSettingsSchema,
  couponStatuses,
  couponTemplateInputSchema,
  couponTemplateSchema,
  couponTemplateUpdateSchema,
  issuanceSchema,
  issueCouponSchema,
  reserveInputSchema,
  verifyInputSchema,
} from '@hearth/contracts/coupons';
import { authenticated, type Api, type RouteContext } from '../../http/api.ts';
import { requestContext } from '../../http/auth.ts';
import { acceptCsvStreams, csvUploadStream, sendCsv } from '../../imports/csv-files.ts';
import { couponQr, couponReport, listMemberCoupons, lookupCoupon } from './coupons.service.ts';
import { couponMonthlyReport } from './reports.service.ts';
import { linkReward, listRewardLinks } from './coupons.hooks.ts';
import { getIssuance, issuanceErrorsCsv, issueCoupon, listIssuances, serializeIssuance, startBulkIssuance } from './issuance.service.ts';
import { addStock, createTemplate, getSettings, getTemplate, listTemplates, setTemplateStatus, updateSettings, updateTemplate } from './templates.service.ts';
import { cancelReservation, confirmCoupon, reserveCoupon, verifyCoupon } from './writeoff.service.ts';

const tags = ['coupons'];
const errors = { 400: problemSchema, 403: problemSchema, 404: problemSchema, 409: problemSchema, 422: problemSchema };

export function couponsRoutes(api: Api, { deps }: RouteContext) {
  templateRoutes(api, deps);
  issuanceRoutes(api, deps);
  writeOffRoutes(api, deps);

  api.get(
    '/members/:id/coupons',
    {
      config: { permission: 'coupons:read' },
      schema: { tags, summary: 'A member’s coupons, newest first', security: authenticated, params: idParamsSchema, querystring: paginationQuerySchema.extend({ status: z.enum(couponStatuses).optional() }), response: { 200: pageSchema(couponSchema), 404: problemSchema } },
    },
    async (request) => listMemberCoupons(deps, requestContext(request), request.params.id, request.query),
  );

  api.get(
    '/members/:id/coupons/:couponId/qr',
    {
      config: { permission: 'coupons:read' },
      schema: {
        tags,
        summary: 'The member’s QR code for a coupon (SVG or PNG); it encodes the bare code',
        security: authenticated,
        params: z.object({ id: z.uuid(), couponId: z.uuid() }),
        querystring: z.object({ format: z.enum(['svg', 'png']).default('svg') }),
      },
    },
    async (request, reply) => {
      const image = await couponQr(deps, requestContext(request), request.params.id, request.params.couponId, request.query.format);
      return reply.type(request.query.format === 'svg' ? 'image/svg+xml' : 'image/png').header('cache-control', 'private, max-age=300').send(image);
    },
  );

  api.get(
    '/coupons/by-code/:code',
    { config: { permission: 'coupons:read' }, schema: { tags, summary: 'A coupon by its code (dashes, spaces and case do not matter)', security: authenticated, params: z.object({ code: z.string().max(40) }), response: { 200: couponSchema, 400: problemSchema, 404: problemSchema } } },
    async (request) => lookupCoupon(deps, requestContext(request), request.params.code),
  );

  api.get(
    '/coupons/reports/templates',
    {
      config: { permission: 'coupons:read' },
      schema: {
        tags,
        summary: 'Per template: coupons issued and redeemed, discount given, and revenue influenced (paid totals of the orders coupons were confirmed against)',
        security: authenticated,
        querystring: z.object({ from: z.iso.datetime({ offset: true }).optional(), to: z.iso.datetime({ offset: true }).optional() }),
        response: { 200: z.object({ data: z.array(couponReportRowSchema) }) },
      },
    },
    async (request) => ({ data: await couponReport(deps, requestContext(request), request.query) }),
  );

  api.get(
    '/coupons/reports/monthly',
    {
      config: { permission: 'coupons:read' },
      schema: {
        tags,
        summary: 'Per month (tenant zone) and template: coupons issued and redeemed, discount given, revenue influenced (orders that redeemed a coupon)',
        security: authenticated,
        querystring: z.object({ months: z.coerce.number().int().min(1).max(36).default(12).describe('How many months up to and including the current one') }),
        response: { 200: couponMonthlyReportSchema },
      },
    },
    async (request) => couponMonthlyReport(deps, requestContext(request), request.query.months),
  );

  api.get(
    '/coupons/settings',
    { config: { permission: 'coupons:read' }, schema: { tags, summary: 'Reservation minutes, refund policy, expiring reminder lead', security: authenticated, response: { 200: couponSettingsSchema } } },
    async (request) => getSettings(deps.db, requestContext(request).tenantId),
  );
  api.put(
    '/coupons/settings',
    { config: { permission: 'coupons:manage' }, schema: { tags, summary: 'Change the coupon settings', security: authenticated, body: couponSettingsSchema, response: { 200: couponSettingsSchema, ...errors } } },
    async (request) => updateSettings(deps, requestContext(request), request.body),
  );

  api.get(
    '/coupons/reward-links',
    { config: { permission: 'coupons:read' }, schema: { tags, summary: 'Points rewards that hand out a coupon template', security: authenticated, response: { 200: z.object({ data: z.array(z.object({ reward_id: z.uuid(), template_id: z.uuid() })) }) } } },
    async (request) => ({ data: await listRewardLinks(deps, requestContext(request)) }),
  );
  api.put(
    '/coupons/reward-links/:id',
    {
      config: { permission: 'coupons:manage' },
      schema: {
        tags,
        summary: 'Make a points reward hand out coupons of a template (template_id null: stop)',
        security: authenticated,
        params: idParamsSchema,
        body: z.object({ template_id: z.uuid().nullable() }),
        response: { 200: z.object({ reward_id: z.uuid(), template_id: z.uuid().nullable() }), ...errors },
      },
    },
    async (request) => linkReward(deps, requestContext(request), request.params.id, request.body.template_id),
  );
}

function templateRoutes(api: Api, deps: RouteContext['deps']) {
  api.get(
    '/coupon-templates',
    { config: { permission: 'coupons:read' }, schema: { tags, summary: 'Coupon templates, newest first', security: authenticated, response: { 200: z.object({ data: z.array(couponTemplateSchema) }) } } },
    async (request) => ({ data: await listTemplates(deps, requestContext(request)) }),
  );
  api.post(
    '/coupon-templates',
    { config: { permission: 'coupons:manage' }, schema: { tags, summary: 'Create a coupon template', security: authenticated, body: couponTemplateInputSchema, response: { 201: couponTemplateSchema, ...errors } } },
    async (request, reply) => reply.status(201).send(await createTemplate(deps, requestContext(request), request.body)),
  );
  api.get(
    '/coupon-templates/:id',
    { config: { permission: 'coupons:read' }, schema: { tags, summary: 'A coupon template', security: authenticated, params: idParamsSchema, response: { 200: couponTemplateSchema, 404: problemSchema } } },
    async (request) => getTemplate(deps, requestContext(request), request.params.id),
  );
  api.patch(
    '/coupon-templates/:id',
    {
      config: { permission: 'coupons:manage' },
      schema: { tags, summary: 'Rename a template; its terms change only while nothing was issued (else 409 COUPON_TEMPLATE_IN_USE)', security: authenticated, params: idParamsSchema, body: couponTemplateUpdateSchema, response: { 200: couponTemplateSchema, ...errors } },
    },
    async (request) => updateTemplate(deps, requestContext(request), request.params.id, request.body),
  );
  for (const [action, status] of [['pause', 'paused'], ['resume', 'active']] as const) {
    api.post(
      `/coupon-templates/:id/${action}`,
      { config: { permission: 'coupons:manage' }, schema: { tags, summary: `${action === 'pause' ? 'Stop' : 'Resume'} issuing this template (issued coupons stay usable)`, security: authenticated, params: idParamsSchema, response: { 200: couponTemplateSchema, ...errors } } },
      async (request) => setTemplateStatus(deps, requestContext(request), request.params.id, status),
    );
  }
  api.post(
    '/coupon-templates/:id/stock',
    {
      config: { permission: 'coupons:manage' },
      schema: { tags, summary: 'Add to a template’s stock', security: authenticated, params: idParamsSchema, body: z.object({ add: z.number().int().min(1).max(100_000_000) }), response: { 200: couponTemplateSchema, ...errors } },
    },
    async (request) => addStock(deps, requestContext(request), request.params.id, request.body.add),
  );
}

function issuanceRoutes(api: Api, deps: RouteContext['deps']) {
  api.post(
    '/coupons/issue',
    {
      config: { permission: 'coupons:issue' },
      schema: {
        tags,
        summary: 'Issue coupons of a template to one member; idempotent by issuance_key',
        security: authenticated,
        body: issueCouponSchema,
        response: { 201: z.object({ data: z.array(couponSchema) }), 200: z.object({ data: z.array(couponSchema) }), ...errors },
      },
    },
    async (request, reply) => {
      const { coupons, replayed } = await issueCoupon(deps, requestContext(request), request.body);
      return reply.status(replayed ? 200 : 201).send({ data: coupons });
    },
  );
  api.post(
    '/coupon-issuances',
    {
      config: { permission: 'coupons:issue' },
      schema: { tags, summary: 'Issue one coupon to each member of a list, as a job with progress; idempotent by issuance_key', security: authenticated, body: bulkIssueSchema, response: { 202: issuanceSchema, 200: issuanceSchema, ...errors } },
    },
    async (request, reply) => {
      const { issuance, replayed } = await startBulkIssuance(deps, requestContext(request), request.body);
      return reply.status(replayed ? 200 : 202).send(serializeIssuance(issuance));
    },
  );
  api.register(async (scope) => {
    acceptCsvStreams(scope);
    scope.post(
      '/coupon-issuances/import',
      {
        config: { permission: 'coupons:issue' },
        schema: {
          tags,
          summary: 'Issue one coupon to each member listed by phone in a CSV (UTF-8 or GBK, column phone or 手机号), as a job',
          security: authenticated,
          consumes: ['text/csv'],
          querystring: z.object({ template_id: z.uuid(), issuance_key: z.string().trim().min(1).max(200), file_name: z.string().max(200).optional() }),
          response: { 202: issuanceSchema, 200: issuanceSchema, ...errors },
        },
      },
      async (request, reply) => {
        const query = request.query as { template_id: string; issuance_key: string; file_name?: string };
        const { issuance, replayed } = await startBulkIssuance(deps, requestContext(request), { template_id: query.template_id, issuance_key: query.issuance_key, upload: csvUploadStream(request), file_name: query.file_name ?? null });
        return reply.status(replayed ? 200 : 202).send(serializeIssuance(issuance));
      },
    );
  });
  api.get(
    '/coupon-issuances',
    { config: { permission: 'coupons:read' }, schema: { tags, summary: 'Bulk issuances, newest first', security: authenticated, querystring: z.object({ template_id: z.uuid().optional() }), response: { 200: z.object({ data: z.array(issuanceSchema) }) } } },
    async (request) => ({ data: await listIssuances(deps, requestContext(request), request.query.template_id) }),
  );
  api.get(
    '/coupon-issuances/:id',
    { config: { permission: 'coupons:read' }, schema: { tags, summary: 'An issuance with its progress and counts', security: authenticated, params: idParamsSchema, response: { 200: issuanceSchema, 404: problemSchema } } },
    async (request) => getIssuance(deps, requestContext(request), request.params.id),
  );
  api.get(
    '/coupon-issuances/:id/errors.csv',
    { config: { permission: 'coupons:read' }, schema: { tags, summary: 'Members skipped by an issuance, with reasons, as CSV', security: authenticated, params: idParamsSchema } },
    async (request, reply) => sendCsv(reply, issuanceErrorsCsv(deps, requestContext(request), request.params.id), `coupon-issuance-${request.params.id}-errors.csv`),
  );
}

function writeOffRoutes(api: Api, deps: RouteContext['deps']) {
  api.post(
    '/coupons/verify',
    { config: { permission: 'coupons:redeem' }, schema: { tags, summary: 'What a coupon is worth for a cart (scope, threshold, cap, stacking), in fen; writes nothing', security: authenticated, body: verifyInputSchema, response: { 200: couponQuoteSchema, ...errors } } },
    async (request) => verifyCoupon(deps, requestContext(request), request.body),
  );
  api.post(
    '/coupons/reserve',
    { config: { permission: 'coupons:redeem' }, schema: { tags, summary: 'Hold a coupon for a POS transaction for the tenant’s reservation minutes', security: authenticated, body: reserveInputSchema, response: { 200: couponQuoteSchema, ...errors } } },
    async (request) => reserveCoupon(deps, requestContext(request), request.body),
  );
  api.post(
    '/coupons/confirm',
    {
      config: { permission: 'coupons:redeem' },
      schema: {
        tags,
        summary: 'Write off (核销) a coupon, once: a second attempt gets 409 COUPON_ALREADY_REDEEMED; the same pos_transaction_id again answers 200',
        security: authenticated,
        body: confirmInputSchema,
        response: { 201: couponSchema, 200: couponSchema, ...errors },
      },
    },
    async (request, reply) => {
      const { coupon, replayed } = await confirmCoupon(deps, requestContext(request), request.body);
      return reply.status(replayed ? 200 : 201).send(coupon);
    },
  );
  api.post(
    '/coupons/cancel',
    { config: { permission: 'coupons:redeem' }, schema: { tags, summary: 'Let go of a reservation', security: authenticated, body: cancelInputSchema, response: { 200: couponSchema, ...errors } } },
    async (request) => cancelReservation(deps, requestContext(request), request.body),
  );
}
