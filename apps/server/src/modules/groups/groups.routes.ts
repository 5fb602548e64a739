import { z } from 'zod';
import { idParamsSchema, pageSchema, paginationQuerySchema, problemSchema } from '@hearth/contracts/common';
import {
  autoReplyInputSchema,
  autoReplySchema,
  autoReplyTestSchema,
  groupBroadcastDetailSchema,
  groupBroadcastInputSchema,
  groupBroadcastSchema,
  groupInputSchema,
  groupQuerySchema,
  groupSchema,
  groupSettingsSchema,
  groupStatsQuerySchema,
  groupStatsSchema,
  incomingMessageSchema,
  incomingResultSchema,
  poolInputSchema,
  poolSchema,
  routeResultSchema,
  routeScanInputSchema,
} from '@hearth/contracts/groups';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { authenticated, type Api, type RouteContext } from '../../http/api.ts';
import { requestContext } from '../../http/auth.ts';
import { AppError, notFound } from '../../http/errors.ts';
import { findActiveTenant } from '../access/access.service.ts';
import { cancelGroupBroadcast, createGroupBroadcast, getGroupBroadcast, listGroupBroadcasts } from './broadcasts.service.ts';
import { createGroup, getGroup, listGroups, updateGroup } from './catalogue.service.ts';
import { createPool, findPoolByCode, getPool, listPools, updatePool, type PoolView } from './pools.service.ts';
import { createAutoReply, deleteAutoReply, handleIncomingGroupMessage, listAutoReplies, matchAutoReply, updateAutoReply } from './replies.service.ts';
import { routeGroupScan } from './routing.service.ts';
import { groupSettings, saveGroupSettings } from './settings.service.ts';
import { groupStats } from './stats.service.ts';

const tags = ['groups'];
const errors = { 400: problemSchema, 403: problemSchema, 404: problemSchema, 409: problemSchema, 422: problemSchema };
// Per IP: a store's Wi-Fi carries many honest scanners; a script filling the holds carries one address.
const scanLimit = { max: 120, timeWindow: 60_000, keyGenerator: (request: { ip: string }) => `group-scan:${request.ip}` };

/** Community groups (社群): catalogue, routing pools and their QR, auto-replies, broadcasts, stats. */
export function groupsRoutes(api: Api, { deps }: RouteContext) {
  api.get('/groups', { config: { permission: 'groups:read' }, schema: { tags, summary: 'Groups, newest first, by pool, store, theme or status, with members and seats left', security: authenticated, querystring: groupQuerySchema, response: { 200: pageSchema(groupSchema) } } }, async (request) => listGroups(deps, requestContext(request).tenantId, request.query));
  api.post('/groups', { config: { permission: 'groups:manage' }, schema: { tags, summary: 'Add a group to the catalogue (linked to its WeCom chat once synced)', security: authenticated, body: groupInputSchema, response: { 201: groupSchema, ...errors } } }, async (request, reply) => reply.status(201).send(await createGroup(deps, requestContext(request), request.body)));
  api.get('/groups/:id', { config: { permission: 'groups:read' }, schema: { tags, summary: 'A group with its members and seats left', security: authenticated, params: idParamsSchema, response: { 200: groupSchema, 404: problemSchema } } }, async (request) => getGroup(deps, requestContext(request).tenantId, request.params.id));
  api.put('/groups/:id', { config: { permission: 'groups:manage' }, schema: { tags, summary: 'Edit a group: capacity, pool, welcome, status (closed: routing sends nobody there)', security: authenticated, params: idParamsSchema, body: groupInputSchema, response: { 200: groupSchema, ...errors } } }, async (request) => updateGroup(deps, requestContext(request), request.params.id, request.body));

  api.get('/group-pools', { config: { permission: 'groups:read' }, schema: { tags, summary: 'Routing pools with their QR link, seats left and the all-full warning', security: authenticated, response: { 200: z.object({ data: z.array(poolSchema) }) } } }, async (request) => {
    const ctx = requestContext(request);
    const link = await poolLink(deps, ctx, `${request.protocol}://${request.host}`);
    return { data: (await listPools(deps, ctx.tenantId)).map(link) };
  });
  api.post('/group-pools', { config: { permission: 'groups:manage' }, schema: { tags, summary: 'Create a routing pool (a store’s or a theme’s groups behind one QR)', security: authenticated, body: poolInputSchema, response: { 201: poolSchema, ...errors } } }, async (request, reply) => {
    const ctx = requestContext(request);
    const link = await poolLink(deps, ctx, `${request.protocol}://${request.host}`);
    return reply.status(201).send(link(await createPool(deps, ctx, request.body)));
  });
  api.get('/group-pools/:id', { config: { permission: 'groups:read' }, schema: { tags, summary: 'A routing pool', security: authenticated, params: idParamsSchema, response: { 200: poolSchema, 404: problemSchema } } }, async (request) => {
    const ctx = requestContext(request);
    const link = await poolLink(deps, ctx, `${request.protocol}://${request.host}`);
    return link(await getPool(deps, ctx.tenantId, request.params.id));
  });
  api.put('/group-pools/:id', { config: { permission: 'groups:manage' }, schema: { tags, summary: 'Edit a routing pool (archived: its QR stops routing)', security: authenticated, params: idParamsSchema, body: poolInputSchema, response: { 200: poolSchema, ...errors } } }, async (request) => {
    const ctx = requestContext(request);
    const link = await poolLink(deps, ctx, `${request.protocol}://${request.host}`);
    return link(await updatePool(deps, ctx, request.params.id, request.body));
  });
  api.post('/group-pools/:id/route', { config: { permission: 'groups:manage' }, schema: { tags, summary: 'Route a scan of the pool’s QR (for channel codes and integrations): a group with room and a held seat, or full', security: authenticated, params: idParamsSchema, body: z.object({ scanner: z.string().trim().min(1).max(128).optional() }), response: { 200: routeResultSchema, ...errors } } }, async (request) => routeGroupScan(deps, requestContext(request), { poolId: request.params.id, scanner: request.body.scanner }));

  api.get('/groups/settings', { config: { permission: 'groups:read' }, schema: { tags, summary: 'Safety margin, seat hold and welcome window', security: authenticated, response: { 200: groupSettingsSchema } } }, async (request) => {
    const { timeZone: _zone, ...settings } = await groupSettings(deps.db, requestContext(request).tenantId);
    return settings;
  });
  api.put('/groups/settings', { config: { permission: 'groups:manage' }, schema: { tags, summary: 'Set the safety margin, seat hold and welcome window', security: authenticated, body: groupSettingsSchema, response: { 200: groupSettingsSchema, ...errors } } }, async (request) => saveGroupSettings(deps, requestContext(request), request.body));

  api.get('/groups/auto-replies', { config: { permission: 'groups:read' }, schema: { tags, summary: 'Keyword auto-replies of a group or pool (all when neither is given)', security: authenticated, querystring: z.object({ group_id: z.uuid().optional(), pool_id: z.uuid().optional() }), response: { 200: z.object({ data: z.array(autoReplySchema) }) } } }, async (request) => ({ data: await listAutoReplies(deps.db, requestContext(request).tenantId, request.query) }));
  api.post('/groups/auto-replies', { config: { permission: 'groups:manage' }, schema: { tags, summary: 'Add a keyword auto-reply for a group or a pool', security: authenticated, body: autoReplyInputSchema, response: { 201: autoReplySchema, ...errors } } }, async (request, reply) => reply.status(201).send(await createAutoReply(deps, requestContext(request), request.body)));
  api.put('/groups/auto-replies/:id', { config: { permission: 'groups:manage' }, schema: { tags, summary: 'Edit a keyword auto-reply', security: authenticated, params: idParamsSchema, body: autoReplyInputSchema, response: { 200: autoReplySchema, ...errors } } }, async (request) => updateAutoReply(deps, requestContext(request), request.params.id, request.body));
  api.delete('/groups/auto-replies/:id', { config: { permission: 'groups:manage' }, schema: { tags, summary: 'Remove a keyword auto-reply', security: authenticated, params: idParamsSchema, response: { 204: z.null(), 404: problemSchema } } }, async (request, reply) => {
    await deleteAutoReply(deps, requestContext(request), request.params.id);
    return reply.status(204).send(null);
  });
  api.post('/groups/auto-replies/test', { config: { permission: 'groups:read' }, schema: { tags, summary: 'Which auto-reply would answer this message in this group (nothing is sent)', security: authenticated, body: autoReplyTestSchema, response: { 200: z.object({ reply: autoReplySchema.pick({ id: true, keyword: true, match: true, reply_text: true }).nullable() }), ...errors } } }, async (request) => {
    const rule = await matchAutoReply(deps.db, requestContext(request).tenantId, request.body.group_id, request.body.text);
    return { reply: rule ? { id: rule.id, keyword: rule.keyword, match: rule.match, reply_text: rule.reply_text } : null };
  });
  api.post('/groups/incoming-messages', { config: { permission: 'groups:manage' }, schema: { tags, summary: 'A member’s message in a group, from an integration (session archive, group bot): counts activity and answers matching auto-replies once', security: authenticated, body: incomingMessageSchema, response: { 200: incomingResultSchema, ...errors } } }, async (request) => {
    const { chat_id, msg_id, sender, text, sent_at } = request.body;
    return handleIncomingGroupMessage(deps, requestContext(request), { chatId: chat_id, msgId: msg_id, sender, text, sentAt: new Date(sent_at) });
  });

  api.get('/group-broadcasts', { config: { permission: 'groups:read' }, schema: { tags, summary: 'Group broadcasts, newest first, with their targets counted by status', security: authenticated, querystring: paginationQuerySchema, response: { 200: pageSchema(groupBroadcastSchema) } } }, async (request) => listGroupBroadcasts(deps.db, requestContext(request).tenantId, request.query));
  api.post('/group-broadcasts', { config: { permission: 'groups:send' }, schema: { tags, summary: 'Broadcast to chosen groups as WeCom group-message tasks, under the caps (wecom_group) and quiet hours of messaging', security: authenticated, body: groupBroadcastInputSchema, response: { 201: groupBroadcastDetailSchema, ...errors } } }, async (request, reply) => reply.status(201).send(await createGroupBroadcast(deps, requestContext(request), request.body)));
  api.get('/group-broadcasts/:id', { config: { permission: 'groups:read' }, schema: { tags, summary: 'A group broadcast with each group’s status and reason (deferred for quiet hours, skipped over a cap)', security: authenticated, params: idParamsSchema, response: { 200: groupBroadcastDetailSchema, 404: problemSchema } } }, async (request) => getGroupBroadcast(deps.db, requestContext(request).tenantId, request.params.id));
  api.post('/group-broadcasts/:id/cancel', { config: { permission: 'groups:send' }, schema: { tags, summary: 'Cancel what has not gone out yet', security: authenticated, params: idParamsSchema, response: { 200: groupBroadcastDetailSchema, ...errors } } }, async (request) => cancelGroupBroadcast(deps, requestContext(request), request.params.id));

  api.get('/groups/stats', { config: { permission: 'groups:read' }, schema: { tags, summary: 'Per group for a period: members, joins, leaves, active members, orders and revenue of members', security: authenticated, querystring: groupStatsQuerySchema, response: { 200: groupStatsSchema, 400: problemSchema } } }, async (request) => groupStats(deps, requestContext(request), request.query));

  api.get('/public/groups/:brand/:code', { config: { public: true, rateLimit: scanLimit }, schema: { tags: ['public'], summary: 'What a pool’s QR encodes: redirects (302) to the join QR of a group with room; 409 GROUP_POOL_FULL when every group is full', params: z.object({ brand: z.string().max(64), code: z.string().max(40) }), querystring: z.object({ scanner: z.string().trim().min(1).max(128).optional() }), response: { 404: problemSchema, 409: problemSchema, 429: problemSchema } } }, async (request, reply) => {
    const { ctx, poolId } = await publicPool(deps, request.params.brand, request.params.code, request);
    const routed = await routeGroupScan(deps, ctx, { poolId, scanner: request.query.scanner });
    if (routed.status === 'full') throw new AppError('GROUP_POOL_FULL', 'Every group is full right now; the brand has been told to open a new one');
    return reply.header('cache-control', 'no-store').redirect(routed.group.join_qr_url, 302);
  });
  api.post('/public/groups/route', { config: { public: true, rateLimit: scanLimit }, schema: { tags: ['public'], summary: 'Route a scan of a pool’s QR for a landing page: the group and its join QR, or full', body: routeScanInputSchema, response: { 200: routeResultSchema, 404: problemSchema, 409: problemSchema, 429: problemSchema } } }, async (request) => {
    const { ctx, poolId } = await publicPool(deps, request.body.brand, request.body.pool, request);
    return routeGroupScan(deps, ctx, { poolId, scanner: request.body.scanner });
  });
}

async function publicPool(deps: AppDeps, brand: string, code: string, request: { id: string; ip: string }) {
  const tenant = await findActiveTenant(deps.db, brand);
  const pool = tenant ? await findPoolByCode(deps.db, tenant.id, code) : undefined;
  if (!tenant || !pool) throw notFound('Group QR');
  const ctx: RequestContext = { tenantId: tenant.id, actor: { type: 'system', id: null, label: 'group QR scan', role: null, permissions: new Set() }, requestId: request.id, ip: request.ip };
  return { ctx, poolId: pool.id };
}

async function poolLink(deps: AppDeps, ctx: RequestContext, origin: string) {
  const tenant = await deps.db.selectFrom('tenants').select('slug').where('id', '=', ctx.tenantId).executeTakeFirstOrThrow();
  return (pool: PoolView) => ({ ...pool, link: `${origin}/api/v1/public/groups/${encodeURIComponent(tenant.slug)}/${pool.code}` });
}
