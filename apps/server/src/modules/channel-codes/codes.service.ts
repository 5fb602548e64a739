import QRCode from 'qrcode';
import { v7 as uuidv7 } from 'uuid';
import type { ChannelCode, ChannelCodeInput } from '@hearth/contracts/channel-codes';
import type { z } from 'zod';
import type { channelCodeUpdateSchema } from '@hearth/contracts/channel-codes';
import type { Db } from '../../db/database.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { notFound, validationError } from '../../http/errors.ts';
import { decodeCursor, toPage } from '../../http/pagination.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { callOfficialAccount } from '../messaging/channels.service.ts';
import { createContactWay, findStaff } from '../wecom/wecom.service.ts';
import './channel-codes.tables.ts';

type CodeRow = Awaited<ReturnType<typeof findCodeRow>> & object;

/**
 * A new code. Its target is made at the peer first (a permanent parametric QR on the official account with the code
 * id as its scene; a WeCom contact-me code over the staff with the code id as its state), so the code exists only
 * once the peer accepted it; member center and group codes point at Hearth's scan URL.
 */
export async function createChannelCode(deps: AppDeps, ctx: RequestContext, input: ChannelCodeInput): Promise<ChannelCode> {
  const id = uuidv7();
  // WeCom keeps 30 characters of state and a uuid has 36: the last 30 hex digits (74 random bits of UUIDv7 among
  // them; the unique index settles the rest).
  const state = stateOf(id);
  let oaQrUrl: string | null = null;
  let wecom: { configId: string; qrCodeUrl: string } | null = null;
  if (input.target_kind === 'wecom_contact') {
    const staff = input.staff_user_ids ?? [];
    const unknown = (await Promise.all(staff.map((s) => findStaff(deps.db, ctx.tenantId, s)))).flatMap((row, i) => (row?.active ? [] : [i]));
    if (unknown.length) throw validationError(unknown.map((i) => ({ field: `staff_user_ids.${i}`, code: 'unknown_staff', message: 'not an active WeCom staff member (sync first?)' })));
    wecom = await createContactWay(deps, ctx, { staffUserIds: staff, state, remark: input.name.slice(0, 30) });
  } else if (input.target_kind === 'official_account') {
    const answer = await callOfficialAccount<{ ticket: string; url: string }>(deps, ctx.tenantId, '/cgi-bin/qrcode/create', { action_name: 'QR_LIMIT_STR_SCENE', action_info: { scene: { scene_str: sceneOf(id) } } });
    oaQrUrl = answer.url;
  }
  return withTransaction(deps.db, async (trx) => {
    const row = await trx
      .insertInto('channel_codes')
      .values({
        tenant_id: ctx.tenantId,
        id,
        name: input.name,
        source_kind: input.source_kind,
        source_ref: input.source_ref ?? null,
        campaign: input.campaign ?? null,
        target_kind: input.target_kind,
        staff_user_ids: JSON.stringify(input.target_kind === 'wecom_contact' ? input.staff_user_ids : []),
        group_ref: input.target_kind === 'group' ? (input.group_ref ?? null) : null,
        landing_path: input.target_kind === 'member_center' ? (input.landing_path ?? null) : null,
        oa_qr_url: oaQrUrl,
        wecom_config_id: wecom?.configId ?? null,
        wecom_qr_url: wecom?.qrCodeUrl ?? null,
        peer_key: input.target_kind === 'official_account' ? sceneOf(id) : state,
        created_at: deps.clock.now(),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, ctx, { action: 'channel_code.created', resourceType: 'channel_code', resourceId: id, details: { target_kind: input.target_kind, source_kind: input.source_kind } });
    return serializeCode(row);
  });
}

export async function updateChannelCode(deps: AppDeps, ctx: RequestContext, id: string, input: z.infer<typeof channelCodeUpdateSchema>): Promise<ChannelCode> {
  return withTransaction(deps.db, async (trx) => {
    const changes = { ...(input.name !== undefined ? { name: input.name } : {}), ...(input.campaign !== undefined ? { campaign: input.campaign ?? null } : {}), ...(input.status ? { status: input.status } : {}) };
    const row = Object.keys(changes).length ? await trx.updateTable('channel_codes').set(changes).where('tenant_id', '=', ctx.tenantId).where('id', '=', id).returningAll().executeTakeFirst() : await findCodeRow(trx, ctx.tenantId, id);
    if (!row) throw notFound('Channel code');
    await recordAudit(trx, ctx, { action: 'channel_code.updated', resourceType: 'channel_code', resourceId: id, details: { fields: Object.keys(changes) } });
    return serializeCode(row);
  });
}

export async function getChannelCode(db: Db, tenantId: string, id: string): Promise<ChannelCode> {
  const row = await findCodeRow(db, tenantId, id);
  if (!row) throw notFound('Channel code');
  return serializeCode(row);
}

export async function listChannelCodes(db: Db, tenantId: string, query: { status?: 'active' | 'archived'; source_kind?: string; target_kind?: string; limit: number; cursor?: string }) {
  const after = decodeCursor(query.cursor);
  let q = db.selectFrom('channel_codes').selectAll().where('tenant_id', '=', tenantId);
  if (after) q = q.where('id', '<', after);
  if (query.status) q = q.where('status', '=', query.status);
  if (query.source_kind) q = q.where('source_kind', '=', query.source_kind as CodeRow['source_kind']);
  if (query.target_kind) q = q.where('target_kind', '=', query.target_kind as CodeRow['target_kind']);
  const rows = await q.orderBy('id', 'desc').limit(query.limit + 1).execute();
  const page = toPage(rows, query.limit);
  return { data: page.data.map(serializeCode), next_cursor: page.next_cursor };
}

/** The QR image of a code: what a printer needs (SVG) or a phone shows (PNG). Hearth's scan URL needs the public origin. */
export async function channelCodeQr(db: Db, tenantId: string, id: string, origin: string, format: 'svg' | 'png'): Promise<string | Buffer> {
  const code = await getChannelCode(db, tenantId, id);
  const content = qrContent(code, origin);
  return format === 'svg' ? QRCode.toString(content, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }) : QRCode.toBuffer(content, { type: 'png', errorCorrectionLevel: 'M', margin: 2, width: 600 });
}

export function qrContent(code: ChannelCode, origin: string): string {
  return code.scan_path ? `${origin}${code.scan_path}` : code.qr_content;
}

export function findCodeRow(db: Db, tenantId: string, id: string) {
  return db.selectFrom('channel_codes').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
}

/** The code a WeCom `state` or an official-account scene names. */
export function codeByPeerKey(db: Db, tenantId: string, key: string) {
  return db.selectFrom('channel_codes').selectAll().where('tenant_id', '=', tenantId).where('peer_key', '=', key).executeTakeFirst();
}

export const stateOf = (id: string) => id.replaceAll('-', '').slice(-30);
export const sceneOf = (id: string) => `c${stateOf(id)}`;

export function serializeCode(row: NonNullable<Awaited<ReturnType<typeof findCodeRow>>>): ChannelCode {
  const scanPath = row.target_kind === 'member_center' || row.target_kind === 'group' ? `/api/v1/public/channel-codes/${row.tenant_id}/${row.id}` : null;
  return {
    id: row.id,
    name: row.name,
    source_kind: row.source_kind,
    source_ref: row.source_ref,
    campaign: row.campaign,
    target_kind: row.target_kind,
    staff_user_ids: row.staff_user_ids,
    group_ref: row.group_ref,
    landing_path: row.landing_path,
    status: row.status,
    scan_path: scanPath,
    qr_content: scanPath ?? row.oa_qr_url ?? row.wecom_qr_url ?? '',
    wecom_qr_url: row.wecom_qr_url,
    created_at: row.created_at.toISOString(),
  };
}
