import { z } from 'zod';
import { idParamsSchema, pageSchema, paginationQuerySchema, problemSchema } from '@hearth/contracts/common';
import {
  broadcastInputSchema,
  broadcastSchema,
  broadcastStatsSchema,
  channelConfigInputSchema,
  channelConfigSchema,
  channelProviders,
  channelTestInputSchema,
  channelTestResultSchema,
  deliveryQuerySchema,
  deliverySchema,
  listedDeliverySchema,
  inboxMessageSchema,
  messageChannels,
  messageTemplateInputSchema,
  messageTemplateSchema,
  messagingSettingsSchema,
  pushSubscriptionInputSchema,
  renderedMessageSchema,
  sendMessageInputSchema,
  sendResultSchema,
  templatePreviewInputSchema,
} from '@hearth/contracts/messaging';
import { authenticated, type Api, type RouteContext } from '../../http/api.ts';
import { requestContext } from '../../http/auth.ts';
import { broadcastStats, cancelBroadcast, createBroadcast, getBroadcast, listBroadcasts } from './broadcasts.service.ts';
import { testChannel } from './channel-test.service.ts';
import { callbackRoutes } from './callbacks.routes.ts';
import { listChannelConfigs, saveChannelConfig } from './channels.service.ts';
import { getDelivery, listDeliveries, listInbox, markInboxRead } from './deliveries.service.ts';
import { addPushSubscription } from './push-subscriptions.service.ts';
import { sendMessage } from './send.service.ts';
import { getSettings, updateSettings } from './settings.service.ts';
import { createTemplate, getTemplate, listTemplates, previewTemplate, setTemplateStatus, updateTemplate } from './templates.service.ts';

const tags = ['messaging'];
const errors = { 400: problemSchema, 403: problemSchema, 404: problemSchema, 409: problemSchema, 422: problemSchema };

export function messagingRoutes(api: Api, context: RouteContext) {
  const { deps } = context;
  callbackRoutes(api, context);
  api.get('/messaging/settings', { config: { permission: 'messaging:read' }, schema: { tags, summary: 'Frequency caps, quiet hours and transactional consent policy', security: authenticated, response: { 200: messagingSettingsSchema } } }, async (request) =>
    getSettings(deps.db, requestContext(request).tenantId),
  );
  api.put('/messaging/settings', { config: { permission: 'messaging:manage' }, schema: { tags, summary: 'Change caps, quiet hours and the transactional consent policy', security: authenticated, body: messagingSettingsSchema, response: { 200: messagingSettingsSchema, ...errors } } }, async (request) =>
    updateSettings(deps, requestContext(request), request.body),
  );

  api.get('/messaging/channels', { config: { permission: 'messaging:manage' }, schema: { tags, summary: 'Channel providers and their settings (secrets are never returned)', security: authenticated, response: { 200: z.object({ data: z.array(channelConfigSchema) }) } } }, async (request) => ({
    data: await listChannelConfigs(deps, requestContext(request)),
  }));
  api.put(
    '/messaging/channels/:provider',
    { config: { permission: 'messaging:manage' }, schema: { tags, summary: 'Configure a channel provider; secrets are sealed at rest and write-only', security: authenticated, params: z.object({ provider: z.enum(channelProviders) }), body: channelConfigInputSchema, response: { 200: channelConfigSchema, ...errors } } },
    async (request) => saveChannelConfig(deps, requestContext(request), request.params.provider, request.body),
  );

  api.post(
    '/messaging/channels/:provider/test',
    { config: { permission: 'messaging:manage' }, schema: { tags, summary: 'Send one test message through a provider with its saved credentials (nothing is logged as a delivery)', security: authenticated, params: z.object({ provider: z.enum(channelProviders) }), body: channelTestInputSchema, response: { 200: channelTestResultSchema, ...errors, 502: problemSchema } } },
    async (request) => testChannel(deps, requestContext(request), request.params.provider, request.body),
  );

  api.get(
    '/messaging/templates',
    { config: { permission: 'messaging:read' }, schema: { tags, summary: 'Message templates, newest first', security: authenticated, querystring: paginationQuerySchema.extend({ channel: z.enum(messageChannels).optional(), status: z.enum(['active', 'archived']).optional() }), response: { 200: pageSchema(messageTemplateSchema) } } },
    async (request) => listTemplates(deps, requestContext(request), request.query),
  );
  api.post('/messaging/templates', { config: { permission: 'messaging:manage' }, schema: { tags, summary: 'Create a template (Liquid, zh-CN and en, variants by segment or region)', security: authenticated, body: messageTemplateInputSchema, response: { 201: messageTemplateSchema, ...errors } } }, async (request, reply) =>
    reply.status(201).send(await createTemplate(deps, requestContext(request), request.body)),
  );
  api.get('/messaging/templates/:id', { config: { permission: 'messaging:read' }, schema: { tags, summary: 'One template', security: authenticated, params: idParamsSchema, response: { 200: messageTemplateSchema, 404: problemSchema } } }, async (request) =>
    getTemplate(deps, requestContext(request), request.params.id),
  );
  api.put('/messaging/templates/:id', { config: { permission: 'messaging:manage' }, schema: { tags, summary: 'Replace a template’s content', security: authenticated, params: idParamsSchema, body: messageTemplateInputSchema, response: { 200: messageTemplateSchema, ...errors } } }, async (request) =>
    updateTemplate(deps, requestContext(request), request.params.id, request.body),
  );
  for (const [action, status] of [['archive', 'archived'], ['restore', 'active']] as const) {
    api.post(`/messaging/templates/:id/${action}`, { config: { permission: 'messaging:manage' }, schema: { tags, summary: `${action === 'archive' ? 'Archive' : 'Restore'} a template`, security: authenticated, params: idParamsSchema, response: { 200: messageTemplateSchema, ...errors } } }, async (request) =>
      setTemplateStatus(deps, requestContext(request), request.params.id, status),
    );
  }
  api.post(
    '/messaging/templates/:id/preview',
    { config: { permission: 'messaging:read' }, schema: { tags, summary: 'Render a template for a chosen member, with their data (nothing is sent)', security: authenticated, params: idParamsSchema, body: templatePreviewInputSchema, response: { 200: renderedMessageSchema, ...errors } } },
    async (request) => previewTemplate(deps, requestContext(request), request.params.id, request.body),
  );

  api.post(
    '/messaging/send',
    { config: { permission: 'messaging:send' }, schema: { tags, summary: 'Send one message to one member (consent, caps and quiet hours apply; exactly one delivery per dedupe_key)', security: authenticated, body: sendMessageInputSchema, response: { 202: sendResultSchema, ...errors } } },
    async (request, reply) => {
      const ctx = requestContext(request);
      const b = request.body;
      const result = await sendMessage(deps, ctx, { memberId: b.member_id, channel: b.channel, templateId: b.template_id, variables: b.variables, category: b.category, dedupeKey: b.dedupe_key, source: { kind: 'api', id: ctx.actor.id ?? ctx.actor.label } });
      return reply.status(202).send({ delivery_id: result.deliveryId, status: result.status, reason: result.reason, send_at: result.sendAt });
    },
  );

  api.get('/messaging/deliveries', { config: { permission: 'messaging:read' }, schema: { tags, summary: 'The delivery log, newest first', security: authenticated, querystring: deliveryQuerySchema, response: { 200: pageSchema(listedDeliverySchema) } } }, async (request) =>
    listDeliveries(deps, requestContext(request), request.query),
  );
  api.get('/messaging/deliveries/:id', { config: { permission: 'messaging:read' }, schema: { tags, summary: 'One delivery with what was sent', security: authenticated, params: idParamsSchema, response: { 200: deliverySchema.extend({ rendered: z.unknown() }), 404: problemSchema } } }, async (request) =>
    getDelivery(deps, requestContext(request), request.params.id),
  );

  api.get(
    '/members/:id/inbox',
    { config: { permission: 'members:read' }, schema: { tags, summary: 'The member’s in-app inbox, newest first', security: authenticated, params: idParamsSchema, querystring: paginationQuerySchema.extend({ unread_only: z.stringbool().optional() }), response: { 200: pageSchema(inboxMessageSchema).extend({ unread: z.number().int() }), 404: problemSchema } } },
    async (request) => listInbox(deps, requestContext(request), request.params.id, request.query),
  );
  api.post(
    '/members/:id/inbox/read',
    { config: { permission: 'members:write' }, schema: { tags, summary: 'Mark inbox messages read', security: authenticated, params: idParamsSchema, body: z.object({ ids: z.array(z.uuid()).min(1).max(200) }), response: { 200: z.object({ marked: z.number().int() }), ...errors } } },
    async (request) => markInboxRead(deps, requestContext(request), request.params.id, request.body.ids),
  );
  api.post(
    '/members/:id/push-subscriptions',
    { config: { permission: 'members:write' }, schema: { tags, summary: 'Register a browser push subscription (VAPID) for the member', security: authenticated, params: idParamsSchema, body: pushSubscriptionInputSchema, response: { 201: z.object({ id: z.uuid() }), ...errors } } },
    async (request, reply) => reply.status(201).send(await addPushSubscription(deps, requestContext(request), request.params.id, request.body)),
  );

  api.get('/messaging/broadcasts', { config: { permission: 'messaging:read' }, schema: { tags, summary: 'Broadcasts, newest first, with their counts', security: authenticated, querystring: paginationQuerySchema, response: { 200: pageSchema(broadcastSchema) } } }, async (request) =>
    listBroadcasts(deps, requestContext(request), request.query),
  );
  api.post(
    '/messaging/broadcasts',
    { config: { permission: 'messaging:send' }, schema: { tags, summary: 'Send to a segment at a chosen time, with A/B/n variants and a holdout (caps, quiet hours and consent apply)', security: authenticated, body: broadcastInputSchema, response: { 201: broadcastSchema, ...errors } } },
    async (request, reply) => reply.status(201).send(await createBroadcast(deps, requestContext(request), request.body)),
  );
  api.get('/messaging/broadcasts/:id', { config: { permission: 'messaging:read' }, schema: { tags, summary: 'One broadcast', security: authenticated, params: idParamsSchema, response: { 200: broadcastSchema, 404: problemSchema } } }, async (request) =>
    getBroadcast(deps, requestContext(request), request.params.id),
  );
  api.get('/messaging/broadcasts/:id/stats', { config: { permission: 'messaging:read' }, schema: { tags, summary: 'Per arm: members, suppressed, pending, sent, delivered, clicked, failed; and the holdout', security: authenticated, params: idParamsSchema, response: { 200: broadcastStatsSchema, 404: problemSchema } } }, async (request) =>
    broadcastStats(deps, requestContext(request), request.params.id),
  );
  api.post('/messaging/broadcasts/:id/cancel', { config: { permission: 'messaging:send' }, schema: { tags, summary: 'Stop a broadcast; what was already accepted still goes out', security: authenticated, params: idParamsSchema, response: { 200: broadcastSchema, ...errors } } }, async (request) =>
    cancelBroadcast(deps, requestContext(request), request.params.id),
  );
}
