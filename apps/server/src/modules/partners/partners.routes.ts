import { z } from 'zod';
import { idParamsSchema, pageSchema, paginationQuerySchema, problemSchema } from '@hearth/contracts/common';
import {
  allocateInputSchema,
  allocationSchema,
  codeImportSchema,
  partnerBenefitInputSchema,
  partnerBenefitSchema,
  partnerBenefitUpdateSchema,
  partnerInputSchema,
  partnerSchema,
  partnerSecretSchema,
  partnerUpdateSchema,
  poolCodeSchema,
  redemptionReportSchema,
  redemptionResultSchema,
  usageRowSchema,
} from '@hearth/contracts/partners';
import type { Actor } from '../../deps.ts';
import { authenticated, type Api, type RouteContext } from '../../http/api.ts';
import { requestContext } from '../../http/auth.ts';
import { AppError } from '../../http/errors.ts';
import { acceptCsvStreams, csvUploadStream } from '../../imports/csv-files.ts';
import { partnerSecret, verifySignature } from './callbacks.ts';
import { createBenefit, createPartner, getBenefit, getPartner, getPartnerRow, listBenefits, listPartners, rotatePartnerSecret, updateBenefit, updatePartner } from './partners.service.ts';
import { allocate, getAllocation, importCodes, listAllocations, listCodes, listImports } from './pool.service.ts';
import { importRedemptions, partnerUsage, recordRedemptions } from './redemptions.service.ts';

const tags = ['partners'];
const errors = { 400: problemSchema, 403: problemSchema, 404: problemSchema, 409: problemSchema, 422: problemSchema };
const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'YYYY-MM');
const partnerActor: Actor = { type: 'system', id: null, label: 'partner callback', role: null, permissions: new Set() };

export function partnersRoutes(api: Api, { deps }: RouteContext) {
  api.get('/partners', { config: { permission: 'partners:read' }, schema: { tags, summary: 'Alliance partners (异业联盟), newest first', security: authenticated, response: { 200: z.object({ data: z.array(partnerSchema) }) } } }, async (request) => ({ data: await listPartners(deps, requestContext(request)) }));
  api.post('/partners', { config: { permission: 'partners:manage' }, schema: { tags, summary: 'Add a partner', security: authenticated, body: partnerInputSchema, response: { 201: partnerSchema, ...errors } } }, async (request, reply) => reply.status(201).send(await createPartner(deps, requestContext(request), request.body)));
  api.get('/partners/:id', { config: { permission: 'partners:read' }, schema: { tags, summary: 'A partner', security: authenticated, params: idParamsSchema, response: { 200: partnerSchema, 404: problemSchema } } }, async (request) => getPartner(deps, requestContext(request), request.params.id));
  api.patch('/partners/:id', { config: { permission: 'partners:manage' }, schema: { tags, summary: 'Change a partner (archive with status)', security: authenticated, params: idParamsSchema, body: partnerUpdateSchema, response: { 200: partnerSchema, ...errors } } }, async (request) => updatePartner(deps, requestContext(request), request.params.id, request.body));
  api.post(
    '/partners/:id/secret',
    { config: { permission: 'partners:manage' }, schema: { tags, summary: 'A new HMAC-SHA256 secret for callbacks and redemption reports, shown once (sealed at rest; needs HEARTH_SECRETS_KEY)', security: authenticated, params: idParamsSchema, response: { 200: partnerSecretSchema, ...errors } } },
    async (request) => rotatePartnerSecret(deps, requestContext(request), request.params.id),
  );
  api.get(
    '/partners/usage',
    {
      config: { permission: 'partners:read' },
      schema: { tags, summary: 'Settlement: allocations and redemptions per partner and month (tenant’s zone); default the last 12 months', security: authenticated, querystring: z.object({ from: month.optional(), to: month.optional(), partner_id: z.uuid().optional() }), response: { 200: z.object({ data: z.array(usageRowSchema) }), 400: problemSchema } },
    },
    async (request) => ({ data: await partnerUsage(deps, requestContext(request), request.query) }),
  );
  api.post(
    '/partners/:id/redemptions',
    { config: { permission: 'partners:manage' }, schema: { tags, summary: 'Record codes or allocations the partner reports as used (once each)', security: authenticated, params: idParamsSchema, body: redemptionReportSchema, response: { 200: redemptionResultSchema, ...errors } } },
    async (request) => recordRedemptions(deps, requestContext(request), request.params.id, request.body.redemptions, 'api'),
  );

  api.get('/partner-benefits', { config: { permission: 'partners:read' }, schema: { tags, summary: 'Partner benefits with their pools’ stock', security: authenticated, querystring: z.object({ partner_id: z.uuid().optional() }), response: { 200: z.object({ data: z.array(partnerBenefitSchema) }) } } }, async (request) => ({ data: await listBenefits(deps, requestContext(request), request.query.partner_id) }));
  api.post('/partner-benefits', { config: { permission: 'partners:manage' }, schema: { tags, summary: 'Create a partner benefit backed by a code pool or a callback', security: authenticated, body: partnerBenefitInputSchema, response: { 201: partnerBenefitSchema, ...errors } } }, async (request, reply) => reply.status(201).send(await createBenefit(deps, requestContext(request), request.body)));
  api.get('/partner-benefits/:id', { config: { permission: 'partners:read' }, schema: { tags, summary: 'A partner benefit with its stock', security: authenticated, params: idParamsSchema, response: { 200: partnerBenefitSchema, 404: problemSchema } } }, async (request) => getBenefit(deps, requestContext(request), request.params.id));
  api.patch('/partner-benefits/:id', { config: { permission: 'partners:manage' }, schema: { tags, summary: 'Change a partner benefit (pause with status)', security: authenticated, params: idParamsSchema, body: partnerBenefitUpdateSchema, response: { 200: partnerBenefitSchema, ...errors } } }, async (request) => updateBenefit(deps, requestContext(request), request.params.id, request.body));
  api.get(
    '/partner-benefits/:id/codes',
    { config: { permission: 'partners:read' }, schema: { tags, summary: 'A pool’s codes, masked', security: authenticated, params: idParamsSchema, querystring: paginationQuerySchema.extend({ status: z.enum(['available', 'allocated']).optional() }), response: { 200: pageSchema(poolCodeSchema), 404: problemSchema } } },
    async (request) => listCodes(deps, requestContext(request), request.params.id, request.query),
  );
  api.get('/partner-benefits/:id/code-imports', { config: { permission: 'partners:read' }, schema: { tags, summary: 'The pool’s imports with rejected lines', security: authenticated, params: idParamsSchema, response: { 200: z.object({ data: z.array(codeImportSchema) }), 404: problemSchema } } }, async (request) => ({ data: await listImports(deps, requestContext(request), request.params.id) }));
  api.post(
    '/partner-benefits/:id/allocations',
    {
      config: { permission: 'partners:allocate' },
      schema: {
        tags,
        summary: 'Give the member this period’s allocation (a code from the pool, or a callback to the partner); the same member and period again returns it (200). Empty pool: 409 PARTNER_POOL_EXHAUSTED',
        security: authenticated,
        params: idParamsSchema,
        body: allocateInputSchema,
        response: { 201: allocationSchema, 200: allocationSchema, ...errors },
      },
    },
    async (request, reply) => {
      const { allocation, created } = await allocate(deps, requestContext(request), request.params.id, request.body);
      return reply.status(created ? 201 : 200).send(allocation);
    },
  );
  api.get(
    '/partner-allocations',
    { config: { permission: 'partners:read' }, schema: { tags, summary: 'Allocations, newest first (codes masked)', security: authenticated, querystring: paginationQuerySchema.extend({ benefit_id: z.uuid().optional(), partner_id: z.uuid().optional(), member_id: z.uuid().optional() }), response: { 200: pageSchema(allocationSchema), 400: problemSchema } } },
    async (request) => listAllocations(deps, requestContext(request), request.query),
  );
  api.get('/partner-allocations/:id', { config: { permission: 'partners:allocate' }, schema: { tags, summary: 'One allocation with its full code', security: authenticated, params: idParamsSchema, response: { 200: allocationSchema, 404: problemSchema } } }, async (request) => getAllocation(deps, requestContext(request), request.params.id));

  api.register(async (scope) => {
    acceptCsvStreams(scope);
    const s = scope as Api;
    s.post(
      '/partner-benefits/:id/codes/import',
      {
        config: { permission: 'partners:manage' },
        schema: { tags, summary: 'Import codes from a CSV (UTF-8 or GBK; column code, 券码 or 兑换码); repeats in the file or the pool are rejected with their line', security: authenticated, consumes: ['text/csv'], params: idParamsSchema, querystring: z.object({ file_name: z.string().max(200).optional() }), response: { 201: codeImportSchema, ...errors } },
      },
      async (request, reply) => reply.status(201).send(await importCodes(deps, requestContext(request), request.params.id, csvUploadStream(request), request.query.file_name ?? null)),
    );
    s.post(
      '/partners/:id/redemptions/import',
      { config: { permission: 'partners:manage' }, schema: { tags, summary: 'Record redemptions from the partner’s CSV (code or allocation_id, optional redeemed_at)', security: authenticated, consumes: ['text/csv'], params: idParamsSchema, response: { 200: redemptionResultSchema, ...errors } } },
      async (request) => importRedemptions(deps, requestContext(request), request.params.id, csvUploadStream(request)),
    );
  });

  // The partner reports redemptions without our credentials: the tenant and partner come from the path and
  // the request counts only if it is signed with that partner's secret over the exact body bytes.
  api.register(async (scope) => {
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => done(null, body));
    (scope as Api).post(
      '/public/partners/:tenant/:partner/redemptions',
      { config: { public: true }, schema: { tags: ['public'], summary: 'A partner reports used codes (signed: X-Hearth-Timestamp, X-Hearth-Signature = sha256=HMAC-SHA256(secret, "ts.body"))', params: z.object({ tenant: z.uuid(), partner: z.uuid() }) } },
      async (request, reply) => {
        const { tenant, partner } = request.params;
        const ctx = { tenantId: tenant, actor: partnerActor, requestId: request.id, ip: request.ip };
        const raw = typeof request.body === 'string' ? request.body : '';
        const row = await getPartnerRow(deps.db, tenant, partner);
        verifySignature(partnerSecret(deps, row.secret_sealed), request.headers, raw, deps.clock.now());
        const parsed = redemptionReportSchema.safeParse(safeParse(raw));
        if (!parsed.success) throw new AppError('VALIDATION_FAILED', 'The report has invalid fields', { errors: parsed.error.issues.map((i) => ({ field: i.path.join('.') || 'body', code: i.code, message: i.message })) });
        return reply.send(await recordRedemptions(deps, ctx, partner, parsed.data.redemptions, 'callback'));
      },
    );
  });
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
