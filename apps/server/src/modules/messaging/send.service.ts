import { v7 as uuidv7 } from 'uuid';
import type { MessageChannel } from '@hearth/contracts/messaging';
import type { Db } from '../../db/database.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { AppError, notFound } from '../../http/errors.ts';
import { enqueueJob } from '../../jobs/enqueue.ts';
import { memberContact } from '../members/contact.service.ts';
import { refusal } from './consent.ts';
import { getSettings, quietHoursRelease, takeCap } from './settings.service.ts';
import { getTemplateRow } from './templates.service.ts';
import './messaging.tables.ts';

export const DELIVER_JOB = 'messaging.deliver';

export interface SendInput {
  memberId: string;
  channel: MessageChannel;
  templateId: string;
  variables?: Record<string, unknown>;
  category: 'marketing' | 'transactional';
  /** Exactly one delivery per key (tenant-scoped): a journey passes (version, member, entry, step). */
  dedupeKey: string;
  source: { kind: 'journey' | 'broadcast' | 'api' | 'system'; id: string };
}

export interface SendResult {
  deliveryId: string;
  status: 'queued' | 'delayed' | 'suppressed';
  reason?: string;
  sendAt?: string;
}

/**
 * Accepts one message for one member: records it in the delivery log and enqueues its delivery as a job,
 * in the caller's transaction when there is one (withTransaction joins it), so a rolled-back journey step
 * or broadcast chunk sends nothing. Consent is checked on every send; a marketing message is counted
 * against the member's frequency caps (atomically, see takeCap) and, when due in quiet hours, delayed to
 * their end. Suppressed messages are logged with their reason. The same dedupe key again returns the first
 * delivery and does nothing else.
 */
export async function sendMessage(deps: AppDeps, ctx: RequestContext, input: SendInput): Promise<SendResult> {
  return withTransaction(deps.db, async (trx) => {
    const earlier = await findByDedupeKey(trx, ctx.tenantId, input.dedupeKey);
    if (earlier) return earlier;
    const contact = await memberContact(trx, ctx.tenantId, input.memberId);
    if (!contact) throw notFound('Member');
    const template = await getTemplateRow(trx, ctx.tenantId, input.templateId);
    if (template.channel !== input.channel) {
      throw new AppError('VALIDATION_FAILED', `Template ${template.name} is for ${template.channel}, not ${input.channel}`, { errors: [{ field: 'template_id', code: 'wrong_channel', message: `template is for ${template.channel}` }] });
    }
    const [settings, tenant] = await Promise.all([getSettings(trx, ctx.tenantId), trx.selectFrom('tenants').select('time_zone').where('id', '=', ctx.tenantId).executeTakeFirstOrThrow()]);
    const now = deps.clock.now();
    let reason = template.status === 'archived' ? 'template_archived' : refusal(contact, input.channel, input.category, settings);
    if (!reason && input.channel === 'web_push' && !(await hasPushSubscription(trx, ctx.tenantId, input.memberId))) reason = 'no_address';
    // Members have no zone of their own yet: quiet hours and caps count in the brand's zone.
    const sendAt = input.category === 'marketing' ? quietHoursRelease(now, settings.quiet_hours, tenant.time_zone) : now;
    const id = uuidv7();
    const status = reason ? 'suppressed' : sendAt > now ? 'delayed' : 'queued';
    const inserted = await trx
      .insertInto('message_deliveries')
      .values({
        tenant_id: ctx.tenantId,
        member_id: input.memberId,
        id,
        channel: input.channel,
        template_id: input.templateId,
        variant: null,
        category: input.category,
        source_kind: input.source.kind,
        source_id: input.source.id,
        dedupe_key: input.dedupeKey,
        status,
        reason,
        variables: JSON.stringify(input.variables ?? {}),
        rendered: null,
        send_at: sendAt,
        attempt_id: null,
        provider_message_id: null,
        error: null,
        sending_at: null,
        sent_at: null,
        delivered_at: null,
        failed_at: null,
        clicked_at: null,
      })
      .onConflict((oc) => oc.columns(['tenant_id', 'dedupe_key']).doNothing())
      .returning('id')
      .executeTakeFirst();
    // A concurrent send with the same key committed first: that one is the delivery.
    if (!inserted) return (await findByDedupeKey(trx, ctx.tenantId, input.dedupeKey))!;
    if (reason) return { deliveryId: id, status: 'suppressed', reason };
    if (input.category === 'marketing') {
      const cap = await takeCap(trx, ctx.tenantId, input.memberId, input.channel, sendAt, tenant.time_zone, settings.caps[input.channel]);
      if (cap !== 'ok') {
        await trx.updateTable('message_deliveries').set({ status: 'suppressed', reason: cap }).where('tenant_id', '=', ctx.tenantId).where('member_id', '=', input.memberId).where('id', '=', id).execute();
        return { deliveryId: id, status: 'suppressed', reason: cap };
      }
    }
    await enqueueDelivery(trx, deps, ctx.tenantId, input.memberId, id, sendAt);
    return { deliveryId: id, status, sendAt: sendAt.toISOString() };
  });
}

/** The delivery job of a message, due at `sendAt`; keyed by delivery and time, so a re-delay makes a new one. */
export async function enqueueDelivery(trx: Db, deps: AppDeps, tenantId: string, memberId: string, deliveryId: string, sendAt: Date) {
  await enqueueJob(trx, deps.jobs, { tenantId, name: DELIVER_JOB, key: `delivery:${deliveryId}:${sendAt.toISOString()}`, runAt: sendAt, payload: { member_id: memberId, delivery_id: deliveryId } });
}

async function findByDedupeKey(db: Db, tenantId: string, dedupeKey: string): Promise<SendResult | undefined> {
  const row = await db.selectFrom('message_deliveries').select(['id', 'status', 'reason', 'send_at']).where('tenant_id', '=', tenantId).where('dedupe_key', '=', dedupeKey).executeTakeFirst();
  if (!row) return undefined;
  const status = row.status === 'suppressed' || row.status === 'delayed' ? row.status : 'queued';
  return { deliveryId: row.id, status, ...(row.reason ? { reason: row.reason } : {}), sendAt: row.send_at.toISOString() };
}

async function hasPushSubscription(db: Db, tenantId: string, memberId: string): Promise<boolean> {
  const row = await db.selectFrom('web_push_subscriptions').select('id').where('tenant_id', '=', tenantId).where('member_id', '=', memberId).limit(1).executeTakeFirst();
  return row !== undefined;
}
