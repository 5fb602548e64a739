import crypto from 'node:crypto';
import { XMLParser } from 'fast-xml-parser';
import type { AppDeps } from '../../deps.ts';
import { withTransaction } from '../../db/transaction.ts';
import { enqueueJob } from '../../jobs/enqueue.ts';
import { AppError, notFound } from '../../http/errors.ts';
import { applyContact, applyGroup, applyStaff, dismissGroup, removeFollow, wecomContext } from './apply.service.ts';
import { callbackSecrets, wecomFor } from './settings.service.ts';
import { verifyAndDecrypt } from './wecom-crypto.ts';
import './wecom.tables.ts';

export const CALLBACK_JOB = 'wecom.callback';

// Every value as text: ids like "0123" or a ChatId must not turn into numbers.
const xml = new XMLParser({ parseTagValue: false, processEntities: false, ignoreDeclaration: true });

export interface CallbackQuery {
  msg_signature: string;
  timestamp: string;
  nonce: string;
  echostr?: string;
}

/** WeCom's URL check when the callback is saved: answer the decrypted echostr, after checking its signature. */
export async function verifyCallbackUrl(deps: AppDeps, tenantId: string, query: CallbackQuery): Promise<string> {
  const secrets = await callbackSecrets(deps, tenantId);
  if (!secrets) throw notFound('WeCom callback');
  if (!query.echostr) throw new AppError('BAD_REQUEST', 'echostr is missing');
  return verifyAndDecrypt(secrets, { msgSignature: query.msg_signature, timestamp: query.timestamp, nonce: query.nonce, encrypt: query.echostr });
}

/**
 * A pushed event: the signature and the receive id are checked and the message decrypted before anything is read.
 * The event is recorded by its digest (WeCom resends one it got no answer to within 5 s, up to three times) and
 * handed to a job, so the answer comes at once and the API calls it may need happen outside the request.
 */
export async function receiveCallback(deps: AppDeps, tenantId: string, query: CallbackQuery, body: string): Promise<{ duplicate: boolean }> {
  const secrets = await callbackSecrets(deps, tenantId);
  if (!secrets) throw notFound('WeCom callback');
  const envelope = parseXml(body);
  if (typeof envelope.Encrypt !== 'string') throw new AppError('BAD_REQUEST', 'The body is not a WeCom callback (no Encrypt)');
  const plain = verifyAndDecrypt(secrets, { msgSignature: query.msg_signature, timestamp: query.timestamp, nonce: query.nonce, encrypt: envelope.Encrypt });
  const event = parseXml(plain);
  const digest = crypto.createHash('sha256').update(plain).digest('hex');
  return withTransaction(deps.db, async (trx) => {
    const taken = await trx.insertInto('wecom_callback_receipts').values({ tenant_id: tenantId, digest, received_at: deps.clock.now() }).onConflict((oc) => oc.doNothing()).returning('digest').executeTakeFirst();
    if (!taken) return { duplicate: true };
    await enqueueJob(trx, deps.jobs, { tenantId, name: CALLBACK_JOB, key: `cb:${digest}`, payload: { event } });
    return { duplicate: false };
  });
}

/** Applies one decrypted event; unknown events are ignored (WeCom adds kinds over time). */
export async function applyCallbackEvent(deps: AppDeps, tenantId: string, event: Record<string, string>) {
  const ctx = wecomContext(tenantId);
  const now = deps.clock.now();
  const change = event.ChangeType;
  switch (event.Event) {
    case 'change_external_contact': {
      const external = event.ExternalUserID;
      const staff = event.UserID;
      if (!external || !staff) return 'ignored';
      if (change === 'del_external_contact') return withTransaction(deps.db, (trx) => removeFollow(deps, trx, ctx, external, staff, 'staff', now));
      if (change === 'del_follow_user') return withTransaction(deps.db, (trx) => removeFollow(deps, trx, ctx, external, staff, 'contact', now));
      if (change === 'add_external_contact' || change === 'add_half_external_contact' || change === 'edit_external_contact') {
        const { api } = await wecomFor(deps, tenantId);
        const answer = await api.externalContact(external);
        return withTransaction(deps.db, (trx) => applyContact(deps, trx, ctx, answer, now));
      }
      return 'ignored';
    }
    case 'change_external_chat': {
      const chatId = event.ChatId;
      if (!chatId) return 'ignored';
      if (change === 'dismiss') return withTransaction(deps.db, (trx) => dismissGroup(deps, trx, ctx, chatId, now));
      // create, and update of any kind (add_member, del_member, change_owner, change_name …): WeCom's own view of
      // the group after the change is the truth; the event's member list is only a hint.
      const { api } = await wecomFor(deps, tenantId);
      const group = await api.groupChat(chatId);
      return withTransaction(deps.db, (trx) => applyGroup(deps, trx, ctx, group, now));
    }
    case 'change_contact': {
      const userId = event.UserID;
      if (!userId) return 'ignored';
      return withTransaction(deps.db, async (trx) => {
        if (change === 'delete_user') {
          await trx.updateTable('wecom_staff').set({ active: false, synced_at: now }).where('tenant_id', '=', tenantId).where('user_id', '=', userId).execute();
          return 'deleted';
        }
        if (change !== 'create_user' && change !== 'update_user') return 'ignored';
        const current = await trx.selectFrom('wecom_staff').select(['name', 'department_ids', 'status']).where('tenant_id', '=', tenantId).where('user_id', '=', userId).executeTakeFirst();
        const department = event.Department ? event.Department.split(',').map(Number).filter(Number.isInteger) : (current?.department_ids ?? []);
        await applyStaff(trx, tenantId, [{ userid: userId, name: event.Name || current?.name || userId, department, status: event.Status ? Number(event.Status) : (current?.status ?? 1) }], now, false);
        return change;
      });
    }
    default:
      return 'ignored';
  }
}

function parseXml(text: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = xml.parse(text);
  } catch {
    throw new AppError('BAD_REQUEST', 'The body is not XML');
  }
  const root = (parsed as { xml?: unknown }).xml;
  if (!root || typeof root !== 'object') throw new AppError('BAD_REQUEST', 'The body is not a WeCom callback');
  return Object.fromEntries(Object.entries(root).map(([k, v]) => [k, typeof v === 'string' ? v : typeof v === 'number' ? String(v) : JSON.stringify(v)]));
}
