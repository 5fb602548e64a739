import { z } from 'zod';
import { idParamsSchema, pageSchema, paginationQuerySchema, problemSchema } from '@hearth/contracts/common';
import {
  adjustmentInputSchema,
  earningExplanationSchema,
  earningRuleVersionInputSchema,
  earningRuleVersionSchema,
  ledgerEntrySchema,
  liabilitySchema,
  lotSchema,
  pointsBalanceSchema,
  pointsPreviewInputSchema,
  pointsSettingsSchema,
  redemptionInputSchema,
  redemptionSchema,
  rewardInputSchema,
  rewardSchema,
} from '@hearth/contracts/points';
import { authenticated, type Api, type RouteContext } from '../../http/api.ts';
import { requestContext } from '../../http/auth.ts';
import { adjustPoints, getBalance, getSettings, liabilityReport, listLedger, listLots, updateSettings } from './points.service.ts';
import { getRedemption, redeem, settleHold } from './redemptions.service.ts';
import { reconcileLedger } from './reconcile.ts';
import { createReward, listRewards, updateReward } from './rewards.service.ts';
import { createRuleVersion, listRuleVersions, previewEarning } from './rules.service.ts';

const tags = ['points'];
const errors = { 400: problemSchema, 403: problemSchema, 404: problemSchema, 409: problemSchema, 422: problemSchema };

export function pointsRoutes(api: Api, { deps }: RouteContext) {
  api.get(
    '/members/:id/points',
    {
      config: { permission: 'points:read' },
      schema: {
        tags,
        summary: 'A member’s points: available, pending, held, expiring soon (with ¥ value), lifetime totals',
        security: authenticated,
        params: idParamsSchema,
        querystring: z.object({ expiring_within_days: z.coerce.number().int().min(1).max(365).default(30) }),
        response: { 200: pointsBalanceSchema, 404: problemSchema },
      },
    },
    async (request) => getBalance(deps, requestContext(request), request.params.id, request.query.expiring_within_days),
  );

  api.get(
    '/members/:id/points/ledger',
    {
      config: { permission: 'points:read' },
      schema: { tags, summary: 'The member’s ledger, newest first, with postings and the lot trail of each entry', security: authenticated, params: idParamsSchema, querystring: paginationQuerySchema, response: { 200: pageSchema(ledgerEntrySchema), 404: problemSchema } },
    },
    async (request) => listLedger(deps, requestContext(request), request.params.id, request.query),
  );

  api.get(
    '/members/:id/points/lots',
    {
      config: { permission: 'points:read' },
      schema: { tags, summary: 'The member’s lots, soonest to expire first', security: authenticated, params: idParamsSchema, querystring: z.object({ open_only: z.stringbool().default(true) }), response: { 200: z.object({ data: z.array(lotSchema) }), 404: problemSchema } },
    },
    async (request) => ({ data: await listLots(deps, requestContext(request), request.params.id, request.query) }),
  );

  api.post(
    '/members/:id/points/adjustments',
    {
      config: { permission: 'points:adjust' },
      schema: {
        tags,
        summary: 'Add or remove points by hand, with a reason (audited)',
        security: authenticated,
        params: idParamsSchema,
        body: adjustmentInputSchema,
        response: { 201: z.object({ transaction_id: z.uuid(), points: z.number().int(), replayed: z.boolean() }), 200: z.object({ transaction_id: z.uuid(), points: z.number().int(), replayed: z.boolean() }), ...errors },
      },
    },
    async (request, reply) => {
      const result = await adjustPoints(deps, requestContext(request), request.params.id, request.body);
      return reply.status(result.replayed ? 200 : 201).send(result);
    },
  );

  api.post(
    '/points/preview',
    {
      config: { permission: 'points:read' },
      schema: { tags, summary: 'How many points an order would earn and why (each rule’s contribution); writes nothing', security: authenticated, body: pointsPreviewInputSchema, response: { 200: earningExplanationSchema, ...errors } },
    },
    async (request) => previewEarning(deps, requestContext(request), request.body),
  );

  api.post(
    '/points/redemptions',
    {
      config: { permission: 'points:write' },
      schema: {
        tags,
        summary: 'Spend points: cash deduction (held for capture unless capture=true) or a reward; idempotent by external_id',
        security: authenticated,
        body: redemptionInputSchema,
        response: { 200: redemptionSchema, 201: redemptionSchema, ...errors },
      },
    },
    async (request, reply) => {
      const { redemption, replayed } = await redeem(deps, requestContext(request), request.body);
      return reply.status(replayed ? 200 : 201).send(redemption);
    },
  );

  api.get(
    '/points/redemptions/:id',
    { config: { permission: 'points:read' }, schema: { tags, summary: 'A redemption', security: authenticated, params: idParamsSchema, response: { 200: redemptionSchema, 404: problemSchema } } },
    async (request) => getRedemption(deps, requestContext(request), request.params.id),
  );

  for (const action of ['capture', 'cancel'] as const) {
    api.post(
      `/points/redemptions/:id/${action}`,
      {
        config: { permission: 'points:write' },
        schema: {
          tags,
          summary: action === 'capture' ? 'Spend the held points (the sale went through)' : 'Give the held points back (the sale was abandoned)',
          security: authenticated,
          params: idParamsSchema,
          response: { 200: redemptionSchema, ...errors },
        },
      },
      async (request) => settleHold(deps, requestContext(request), request.params.id, action),
    );
  }

  api.get(
    '/points/rules',
    { config: { permission: 'points:read' }, schema: { tags, summary: 'Earning rule versions, newest first', security: authenticated, response: { 200: z.object({ data: z.array(earningRuleVersionSchema) }) } } },
    async (request) => ({ data: await listRuleVersions(deps, requestContext(request)) }),
  );

  api.post(
    '/points/rules',
    {
      config: { permission: 'points:manage' },
      schema: { tags, summary: 'A new version of the earning rules, in force from effective_from', security: authenticated, body: earningRuleVersionInputSchema, response: { 201: earningRuleVersionSchema, ...errors } },
    },
    async (request, reply) => reply.status(201).send(await createRuleVersion(deps, requestContext(request), request.body)),
  );

  api.get(
    '/points/settings',
    { config: { permission: 'points:read' }, schema: { tags, summary: 'Point value, pending days, expiry, clawback policy, redemption limits, reminders', security: authenticated, response: { 200: pointsSettingsSchema } } },
    async (request) => getSettings(deps, requestContext(request)),
  );

  api.put(
    '/points/settings',
    { config: { permission: 'points:manage' }, schema: { tags, summary: 'Change the points settings (applies to points earned from now on)', security: authenticated, body: pointsSettingsSchema, response: { 200: pointsSettingsSchema, ...errors } } },
    async (request) => updateSettings(deps, requestContext(request), request.body),
  );

  api.get(
    '/points/liability',
    { config: { permission: 'points:read' }, schema: { tags, summary: 'Outstanding points and their value in ¥, expiring by month, and every ledger account', security: authenticated, response: { 200: liabilitySchema } } },
    async (request) => liabilityReport(deps, requestContext(request)),
  );

  api.get(
    '/points/reconciliation',
    {
      config: { permission: 'points:manage' },
      schema: {
        tags,
        summary: 'Proves the ledger consistent: every transaction balances, accounts equal their postings and lots, lots their trails (empty problems: the books close)',
        security: authenticated,
        response: { 200: z.object({ problems: z.array(z.object({ check: z.string(), member_id: z.string().nullable(), detail: z.string() })) }) },
      },
    },
    async (request) => ({ problems: await reconcileLedger(deps.db, requestContext(request).tenantId) }),
  );

  api.get(
    '/points/rewards',
    { config: { permission: 'points:read' }, schema: { tags, summary: 'The rewards catalogue', security: authenticated, response: { 200: z.object({ data: z.array(rewardSchema) }) } } },
    async (request) => ({ data: await listRewards(deps, requestContext(request)) }),
  );

  api.post(
    '/points/rewards',
    { config: { permission: 'points:manage' }, schema: { tags, summary: 'Add a reward', security: authenticated, body: rewardInputSchema, response: { 201: rewardSchema, ...errors } } },
    async (request, reply) => reply.status(201).send(await createReward(deps, requestContext(request), request.body)),
  );

  api.put(
    '/points/rewards/:id',
    { config: { permission: 'points:manage' }, schema: { tags, summary: 'Change a reward (price, stock, status)', security: authenticated, params: idParamsSchema, body: rewardInputSchema, response: { 200: rewardSchema, ...errors } } },
    async (request) => updateReward(deps, requestContext(request), request.params.id, request.body),
  );
}
