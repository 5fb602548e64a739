import crypto from 'node:crypto';
import { z } from 'zod';
import { XMLParser } from 'fast-xml-parser';
import { idParamsSchema, pageSchema, problemSchema } from '@hearth/contracts/common';
import { channelCodeFunnelSchema, channelCodeInputSchema, channelCodeSchema, channelCodeSourceKinds, channelCodeTargetKinds, channelCodeUpdateSchema, funnelQuerySchema } from '@hearth/contracts/channel-codes';
import type { AppDeps } from '../../deps.ts';
import { authenticated, type Api, type RouteContext } from '../../http/api.ts';
import { requestContext } from '../../http/auth.ts';
import { AppError, notFound } from '../../http/errors.ts';
import { findActiveTenantById } from '../access/access.service.ts';
import { routeGroupRef } from '../groups/routing.service.ts';
import { findMemberIdFor } from '../members/members.service.ts';
import { officialAccountServer } from '../messaging/channels.service.ts';
import { recordWechatTemplateReport } from '../messaging/deliveries.service.ts';
import { verifyAndDecrypt } from '../wecom/wecom-crypto.ts';
import { CHANNEL_CODE_COOKIE, systemContext } from './channel-codes.hooks.ts';
import { channelCodeQr, codeByPeerKey, createChannelCode, findCodeRow, getChannelCode, listChannelCodes, updateChannelCode } from './codes.service.ts';
import { codeFunnel, recordFollow, recordScan } from './funnel.service.ts';

const VISITOR_COOKIE = 'hearth_cv';
const tags = ['channel codes'];
const errors = { 400: problemSchema, 403: problemSchema, 404: problemSchema, 409: problemSchema, 502: problemSchema };
const xml = new XMLParser({ parseTagValue: false, processEntities: false });
// Per IP: a shop's Wi-Fi carries many honest scanners, a script inflating a funnel carries one address.
const scanLimit = { max: 60, timeWindow: 60_000, keyGenerator: (request: { ip: string }) => `channel-scan:${request.ip}` };

/** Channel codes (渠道活码): the console's codes, QR images and funnels; the public scan; the official account's events. */
export function channelCodesRoutes(api: Api, { deps }: RouteContext) {
  api.post('/channel-codes', { config: { permission: 'channel_codes:manage' }, schema: { tags, summary: 'Create a code for a store, staff member, campaign or partner (the official-account QR or WeCom contact-me code is made at once)', security: authenticated, body: channelCodeInputSchema, response: { 201: channelCodeSchema, ...errors } } }, async (request, reply) => reply.status(201).send(await createChannelCode(deps, requestContext(request), request.body)));
  api.get('/channel-codes', { config: { permission: 'channel_codes:read' }, schema: { tags, summary: 'Codes, newest first', security: authenticated, querystring: z.object({ status: z.enum(['active', 'archived']).optional(), source_kind: z.enum(channelCodeSourceKinds).optional(), target_kind: z.enum(channelCodeTargetKinds).optional(), limit: z.coerce.number().int().min(1).max(200).default(50), cursor: z.string().max(500).optional() }), response: { 200: pageSchema(channelCodeSchema), 400: problemSchema } } }, async (request) => listChannelCodes(deps.db, requestContext(request).tenantId, request.query));
  api.get('/channel-codes/:id', { config: { permission: 'channel_codes:read' }, schema: { tags, summary: 'A code', security: authenticated, params: idParamsSchema, response: { 200: channelCodeSchema, 404: problemSchema } } }, async (request) => getChannelCode(deps.db, requestContext(request).tenantId, request.params.id));
  api.patch('/channel-codes/:id', { config: { permission: 'channel_codes:manage' }, schema: { tags, summary: 'Rename, change the campaign, archive (an archived code still leads to the member center but is no longer credited)', security: authenticated, params: idParamsSchema, body: channelCodeUpdateSchema, response: { 200: channelCodeSchema, ...errors } } }, async (request) => updateChannelCode(deps, requestContext(request), request.params.id, request.body));
  api.get('/channel-codes/:id/funnel', { config: { permission: 'channel_codes:read' }, schema: { tags, summary: 'Scans → follows/adds → registrations → first orders between two local days, with a row per day', security: authenticated, params: idParamsSchema, querystring: funnelQuerySchema, response: { 200: channelCodeFunnelSchema, 404: problemSchema } } }, async (request) => codeFunnel(deps.db, requestContext(request).tenantId, request.params.id, request.query, deps.clock.now()));
  api.get('/channel-codes/:id/qr', { config: { permission: 'channel_codes:read' }, schema: { tags, summary: 'The QR image (SVG for print, PNG); a WeCom contact-me code answers with WeCom’s own image', security: authenticated, params: idParamsSchema, querystring: z.object({ format: z.enum(['svg', 'png']).default('svg') }) } }, async (request, reply) => {
    const ctx = requestContext(request);
    const code = await getChannelCode(deps.db, ctx.tenantId, request.params.id);
    if (code.target_kind === 'wecom_contact' && code.wecom_qr_url) return reply.redirect(code.wecom_qr_url);
    const image = await channelCodeQr(deps.db, ctx.tenantId, code.id, `${request.protocol}://${request.host}`, request.query.format);
    return reply
      .type(request.query.format === 'svg' ? 'image/svg+xml' : 'image/png')
      .header('content-disposition', `attachment; filename="channel-code-${code.id}.${request.query.format}"`)
      .send(image);
  });

  api.get('/public/channel-codes/:tenant/:id', { config: { public: true, rateLimit: scanLimit }, schema: { tags: ['public'], summary: 'A scan: counted, then on to the member center (or the group) with the code', params: z.object({ tenant: z.uuid(), id: z.uuid() }) } }, async (request, reply) => {
    const { tenant, id } = request.params;
    const code = await findCodeRow(deps.db, tenant, id);
    const brand = await findActiveTenantById(deps.db, tenant);
    if (!code || !brand) throw notFound('Channel code');
    const base = `/m${code.landing_path ?? '/'}?brand=${encodeURIComponent(brand.slug)}`;
    if (code.status !== 'active') return reply.redirect(base);
    const visitor = request.cookies[VISITOR_COOKIE] ?? crypto.randomBytes(12).toString('base64url');
    await recordScan(deps.db, tenant, code.id, `browser:${visitor}`, deps.clock.now());
    const cookie = { path: '/', httpOnly: true, sameSite: 'lax' as const, secure: deps.config.cookieSecure };
    reply.setCookie(VISITOR_COOKIE, visitor, { ...cookie, maxAge: 365 * 86_400 });
    reply.setCookie(CHANNEL_CODE_COOKIE, `${tenant}.${code.id}`, { ...cookie, maxAge: 30 * 86_400 });
    // Group codes: the groups module routes the scanner to a group of the pool that is not full (its join QR);
    // when every group is full (or the pool is gone) the member center says so.
    if (code.target_kind === 'group') {
      const routed = await routeGroupRef(deps, systemContext(tenant), { ref: code.group_ref, scanner: `browser:${visitor}`, source: `channel_code:${code.id}` }).catch((error: unknown) => {
        if (error instanceof AppError && (error.code === 'GROUP_POOL_ARCHIVED' || error.code === 'NOT_FOUND')) return { status: 'full' as const };
        throw error;
      });
      if (routed.status === 'routed') return reply.redirect(routed.group.join_qr_url);
      return reply.redirect(`${base}&ch=${code.id}&group_full=1`);
    }
    return reply.redirect(`${base}&ch=${code.id}`);
  });

  // The official account's message server: WeChat signs each push with the Token set on both sides; in safe mode
  // (encrypt_type=aes) the message itself is encrypted with the EncodingAESKey and signed again (msg_signature).
  // Channel codes read follows (subscribe with qrscene_<scene>) and scans of followers (SCAN) from it.
  api.register(async (scope) => {
    scope.addContentTypeParser(['text/xml', 'application/xml'], { parseAs: 'string' }, (_request, body, done) => done(null, body));
    const s = scope as Api;
    const params = z.object({ tenant: z.uuid() });
    const query = z.object({
      signature: z.string().max(64),
      timestamp: z.string().regex(/^\d{1,12}$/),
      nonce: z.string().min(1).max(64),
      echostr: z.string().max(200).optional(),
      openid: z.string().max(64).optional(),
      encrypt_type: z.enum(['raw', 'aes']).optional(),
      msg_signature: z.string().max(64).optional(),
    });
    s.get('/public/wechat/:tenant/events', { config: { public: true }, schema: { tags: ['public'], summary: 'Official-account server URL check', params, querystring: query } }, async (request, reply) => {
      await checkWechatSignature(deps, request.params.tenant, request.query);
      return reply.type('text/plain').send(request.query.echostr ?? '');
    });
    s.post('/public/wechat/:tenant/events', { config: { public: true }, schema: { tags: ['public'], summary: 'Official-account events (signature-checked): follows and scans of parametric QR codes, template message delivery reports', params, querystring: query } }, async (request, reply) => {
      const server = await checkWechatSignature(deps, request.params.tenant, request.query);
      let message = (xml.parse(typeof request.body === 'string' ? request.body : '') as { xml?: Record<string, string> }).xml ?? {};
      if (request.query.encrypt_type === 'aes') {
        if (!server.encodingAesKey) throw new AppError('INVALID_SIGNATURE', 'The official account sends in safe mode, but no EncodingAESKey (server_aes_key) is saved');
        if (!request.query.msg_signature || !message.Encrypt) throw new AppError('INVALID_SIGNATURE', 'A safe-mode push needs msg_signature and an Encrypt field');
        const plain = verifyAndDecrypt({ token: server.token, encodingAesKey: server.encodingAesKey, receiveId: server.appId }, { msgSignature: request.query.msg_signature, timestamp: request.query.timestamp, nonce: request.query.nonce, encrypt: message.Encrypt });
        message = (xml.parse(plain) as { xml?: Record<string, string> }).xml ?? {};
      }
      await officialAccountEvent(deps, request.params.tenant, server.appId, message);
      return reply.type('text/plain').send('success');
    });
  });
}

async function checkWechatSignature(deps: AppDeps, tenantId: string, query: { signature: string; timestamp: string; nonce: string }) {
  const server = await officialAccountServer(deps, tenantId);
  if (!server) throw notFound('Official-account server');
  const expected = crypto.createHash('sha1').update([server.token, query.timestamp, query.nonce].sort().join('')).digest('hex');
  const given = Buffer.from(query.signature.toLowerCase());
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, Buffer.from(expected))) throw new AppError('INVALID_SIGNATURE', 'WeChat signature does not match');
  return server;
}

/**
 * subscribe with EventKey qrscene_<scene>: a follow through the code; SCAN by a follower: a scan; TEMPLATESENDJOBFINISH:
 * the delivery report of a template message, for messaging's log. Other events: nothing.
 */
async function officialAccountEvent(deps: AppDeps, tenantId: string, appId: string, message: Record<string, string>) {
  const openid = message.FromUserName;
  if (message.MsgType !== 'event' || !openid) return;
  if (message.Event === 'TEMPLATESENDJOBFINISH') {
    if (message.MsgID) await recordWechatTemplateReport(deps, tenantId, message.MsgID, message.Status);
    return;
  }
  const scene = message.Event === 'subscribe' ? message.EventKey?.replace(/^qrscene_/, '') : message.Event === 'SCAN' ? message.EventKey : undefined;
  if (!scene) return;
  const code = await codeByPeerKey(deps.db, tenantId, scene);
  if (!code) return;
  const at = message.CreateTime ? new Date(Number(message.CreateTime) * 1000) : deps.clock.now();
  if (message.Event === 'SCAN') {
    // WeChat resends a push it got no answer to: the same openid and CreateTime is one scan.
    const seen = await deps.db.selectFrom('channel_code_touches').select('id').where('tenant_id', '=', tenantId).where('code_id', '=', code.id).where('subject', '=', `oa:${openid}`).where('kind', '=', 'scan').where('occurred_at', '=', at).executeTakeFirst();
    if (!seen) await recordScan(deps.db, tenantId, code.id, `oa:${openid}`, at);
    return;
  }
  const memberId = (await findMemberIdFor(deps.db, tenantId, { identity: { type: 'wechat_openid', app_id: appId, value: openid } })) ?? null;
  await recordFollow(deps, systemContext(tenantId), code, `oa:${openid}`, memberId, at);
}
