import { z } from 'zod';
import { pageSchema, problemSchema } from '@hearth/contracts/common';
import {
  wecomContactMessageSchema,
  wecomContactQuerySchema,
  wecomContactSchema,
  wecomGroupMemberSchema,
  wecomGroupMessageSchema,
  wecomGroupSchema,
  wecomMessageTaskSchema,
  wecomSettingsInputSchema,
  wecomSettingsSchema,
  wecomStaffSchema,
  wecomStaffUpdateSchema,
  wecomStatusSchema,
  wecomSyncStartedSchema,
} from '@hearth/contracts/wecom';
import { withTransaction } from '../../db/transaction.ts';
import { authenticated, type Api, type RouteContext } from '../../http/api.ts';
import { requestContext } from '../../http/auth.ts';
import { AppError } from '../../http/errors.ts';
import { enqueueJob } from '../../jobs/enqueue.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { receiveCallback, verifyCallbackUrl } from './callbacks.service.ts';
import { listContacts, listGroupMembers, listGroups, listStaff, updateStaff, wecomStatus } from './lists.service.ts';
import { getWecomSettings, saveWecomSettings, wecomEnabled } from './settings.service.ts';
import { SYNC_JOB } from './wecom.hooks.ts';
import { sendContactMessage, sendGroupMessage } from './wecom.service.ts';

const tags = ['wecom'];
const errors = { 400: problemSchema, 403: problemSchema, 404: problemSchema, 409: problemSchema, 422: problemSchema, 502: problemSchema };
const page = { limit: z.coerce.number().int().min(1).max(200).default(50), cursor: z.string().max(500).optional() };
const callbackQuery = z.object({ msg_signature: z.string().regex(/^[0-9a-fA-F]{40}$/), timestamp: z.string().regex(/^\d{1,12}$/), nonce: z.string().min(1).max(64), echostr: z.string().max(2000).optional() });

/** WeCom (企业微信): settings, sync, the synced staff, contacts and groups, message tasks, and the callback receiver. */
export function wecomRoutes(api: Api, { deps }: RouteContext) {
  api.get('/wecom/settings', { config: { permission: 'wecom:read' }, schema: { tags, summary: 'The corp id, which secrets are set (never the secrets) and the callback path', security: authenticated, response: { 200: wecomSettingsSchema } } }, async (request) => getWecomSettings(deps.db, requestContext(request).tenantId));
  api.put('/wecom/settings', { config: { permission: 'wecom:manage' }, schema: { tags, summary: 'Save the corp id, app secret and callback Token/EncodingAESKey (write-only; omit one to keep it)', security: authenticated, body: wecomSettingsInputSchema, response: { 200: wecomSettingsSchema, ...errors } } }, async (request) => saveWecomSettings(deps, requestContext(request), request.body));
  api.get('/wecom/status', { config: { permission: 'wecom:read' }, schema: { tags, summary: 'The last sync and what Hearth holds: staff, contacts (mapped to members), follows, groups', security: authenticated, response: { 200: wecomStatusSchema } } }, async (request) => wecomStatus(deps.db, requestContext(request).tenantId));
  api.post('/wecom/sync', { config: { permission: 'wecom:manage' }, schema: { tags, summary: 'Sync staff, contacts and groups now (a job; at most one a minute)', security: authenticated, response: { 202: wecomSyncStartedSchema, ...errors } } }, async (request, reply) => {
    const ctx = requestContext(request);
    if (!(await wecomEnabled(deps.db, ctx.tenantId))) throw new AppError('WECOM_NOT_CONFIGURED', 'WeCom is not set up for this brand (or switched off)');
    const job = await withTransaction(deps.db, async (trx) => {
      const queued = await enqueueJob(trx, deps.jobs, { tenantId: ctx.tenantId, name: SYNC_JOB, key: `manual:${deps.clock.now().toISOString().slice(0, 16)}` });
      await recordAudit(trx, ctx, { action: 'wecom.sync_requested', resourceType: 'tenant', resourceId: ctx.tenantId, details: {} });
      return queued;
    });
    return reply.status(202).send({ job_id: job.id, created: job.created });
  });
  api.get('/wecom/staff', { config: { permission: 'wecom:read' }, schema: { tags, summary: 'Staff from the WeCom directory with their contact counts', security: authenticated, querystring: z.object(page), response: { 200: pageSchema(wecomStaffSchema), 400: problemSchema } } }, async (request) => listStaff(deps.db, requestContext(request).tenantId, request.query));
  api.patch('/wecom/staff/:userId', { config: { permission: 'wecom:manage' }, schema: { tags, summary: 'Link a staff member to an operator account and/or a store', security: authenticated, params: z.object({ userId: z.string().min(1).max(64) }), body: wecomStaffUpdateSchema, response: { 200: wecomStaffSchema, ...errors } } }, async (request) => updateStaff(deps, requestContext(request), request.params.userId, request.body));
  api.get('/wecom/contacts', { config: { permission: 'wecom:read' }, schema: { tags, summary: 'External contacts (names and unionids masked) with the staff who have them', security: authenticated, querystring: wecomContactQuerySchema, response: { 200: pageSchema(wecomContactSchema), 400: problemSchema } } }, async (request) => listContacts(deps.db, requestContext(request).tenantId, request.query));
  api.get('/wecom/groups', { config: { permission: 'wecom:read' }, schema: { tags, summary: 'Customer groups', security: authenticated, querystring: z.object({ status: z.enum(['active', 'dismissed']).optional(), owner_user_id: z.string().max(64).optional(), ...page }), response: { 200: pageSchema(wecomGroupSchema), 400: problemSchema } } }, async (request) => listGroups(deps.db, requestContext(request).tenantId, request.query));
  api.get('/wecom/groups/:chatId/members', { config: { permission: 'wecom:read' }, schema: { tags, summary: 'A group’s members, current and past (external names masked)', security: authenticated, params: z.object({ chatId: z.string().min(1).max(64) }), querystring: z.object({ current: z.enum(['true', 'false']).optional(), ...page }), response: { 200: pageSchema(wecomGroupMemberSchema), 400: problemSchema, 404: problemSchema } } }, async (request) => listGroupMembers(deps.db, requestContext(request).tenantId, request.params.chatId, request.query));
  api.post('/wecom/messages/contact', { config: { permission: 'wecom:send' }, schema: { tags, summary: 'A 1-to-1 message task to a member from a staff member they added (the staff confirms it in WeCom)', security: authenticated, body: wecomContactMessageSchema, response: { 201: wecomMessageTaskSchema, ...errors } } }, async (request, reply) => {
    const b = request.body;
    return reply.status(201).send(await sendContactMessage(deps, requestContext(request), { staffUserId: b.staff_user_id, memberId: b.member_id, text: b.text, dedupeKey: b.dedupe_key }));
  });
  api.post('/wecom/messages/group', { config: { permission: 'wecom:send' }, schema: { tags, summary: 'A group message task to customer groups the staff member owns', security: authenticated, body: wecomGroupMessageSchema, response: { 201: wecomMessageTaskSchema, ...errors } } }, async (request, reply) => {
    const b = request.body;
    return reply.status(201).send(await sendGroupMessage(deps, requestContext(request), { staffUserId: b.staff_user_id, chatIds: b.chat_ids, text: b.text, dedupeKey: b.dedupe_key }));
  });

  // WeCom calls these without credentials. The tenant comes from the path; every event is signature-checked and
  // decrypted with the tenant's own Token and EncodingAESKey before anything in it is believed.
  api.register(async (scope) => {
    scope.addContentTypeParser(['text/xml', 'application/xml'], { parseAs: 'string' }, (_request, body, done) => done(null, body));
    const s = scope as Api;
    const params = z.object({ tenant: z.uuid() });
    s.get('/public/wecom/:tenant/callback', { config: { public: true }, schema: { tags: ['public'], summary: 'WeCom callback URL check (answers the decrypted echostr)', params, querystring: callbackQuery } }, async (request, reply) => {
      const plain = await refusing(request, () => verifyCallbackUrl(deps, request.params.tenant, request.query));
      return reply.type('text/plain').send(plain);
    });
    s.post('/public/wecom/:tenant/callback', { config: { public: true }, schema: { tags: ['public'], summary: 'WeCom event callback (signature-checked, AES-decrypted, deduplicated)', params, querystring: callbackQuery } }, async (request, reply) => {
      await refusing(request, () => receiveCallback(deps, request.params.tenant, request.query, typeof request.body === 'string' ? request.body : ''));
      return reply.type('text/plain').send('success');
    });
  });
}

/** A refused callback is logged without its content: it may be a probe, and its body is not ours to keep. */
async function refusing<T>(request: { log: { warn(o: object, m: string): void }; params: { tenant: string } }, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof AppError && error.status < 500) request.log.warn({ tenantId: request.params.tenant, code: error.code, reason: error.message }, 'wecom callback refused');
    throw error;
  }
}
