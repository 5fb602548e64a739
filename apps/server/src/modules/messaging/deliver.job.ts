import { sql, type Selectable, type Updateable } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { MessageChannel, MessagingSettings, RenderedMessage } from '@hearth/contracts/messaging';
import type { DB } from '../../db/schema.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { emitEvent } from '../../jobs/outbox.ts';
import type { JobContext, JobRegistry } from '../../jobs/registry.ts';
import { memberContact, type MemberContact } from '../members/contact.service.ts';
import { DeliveryError, type OutgoingMessage } from './channels/adapter.ts';
import { adapters, providerConfigFor } from './channels.service.ts';
import { addressOf, refusal } from './consent.ts';
import { trackLinks, trackedChannels } from './click-tracking.ts';
import { renderForMember, type RenderableTemplate } from './render.ts';
import { DELIVER_JOB, enqueueDelivery } from './send.service.ts';
import { getSettings, quietHoursRelease } from './settings.service.ts';
import { renderable } from './templates.service.ts';

type DeliveryRow = Selectable<DB['message_deliveries']>;
const finished = new Set(['sent', 'delivered', 'failed', 'bounced', 'clicked', 'suppressed']);

export const messagingActor = { type: 'system' as const, id: null, label: 'messaging', role: null, permissions: new Set<never>() };
export const messagingContext = (tenantId: string): RequestContext => ({ tenantId, actor: messagingActor, requestId: null, ip: null });

export function registerDeliverJob(registry: JobRegistry) {
  registry.define<{ member_id: string; delivery_id: string }>({
    name: DELIVER_JOB,
    // It talks to providers outside the database, so it cannot commit with its job: it claims the delivery
    // in a committed transaction of its own first (see deliver).
    transactional: false,
    maxAttempts: 8,
    backoffMs: 5_000,
    maxBackoffMs: 15 * 60_000,
    handler: (job) => deliver(job.deps, job.job.tenant_id, job.payload, { lastAttempt: job.job.attempts >= job.job.max_attempts }),
  });
}

/**
 * Delivers one message exactly once where the peer can dedupe, and otherwise with the smallest window we
 * can make:
 *  1. claim: in its own committed transaction, lock the delivery, re-check consent and quiet hours (a
 *     message may have waited hours), render it once and mark it `sending` under a fresh attempt id;
 *  2. send through the channel's adapter, with the delivery id as the idempotency key (Message-ID, OutId,
 *     SessionContext, client_msg_id, webhook-id);
 *  3. record `sent` (guarded by the attempt id) and emit `message.sent`, in one transaction.
 * A worker killed between 1 and 3 leaves the delivery `sending`; the job's lease runs out, another worker
 * claims it again and resends the same rendered message with the same id. WeChat template messages, the
 * inbox and spec-following webhook receivers drop that resend; SMTP, SMS, WeChat subscribe messages and web
 * push may deliver it twice (ARCHITECTURE.md, "Exactly once, per channel").
 */
export async function deliver(deps: AppDeps, tenantId: string, payload: { member_id: string; delivery_id: string }, options: { lastAttempt: boolean }) {
  const ctx = messagingContext(tenantId);
  const claim = await deps.db.transaction().execute(async (trx) => {
    const delivery = await trx
      .selectFrom('message_deliveries')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('member_id', '=', payload.member_id)
      .where('id', '=', payload.delivery_id)
      .forUpdate()
      .executeTakeFirst();
    if (!delivery || finished.has(delivery.status)) return { outcome: delivery?.status ?? 'missing' } as const;
    const tdeps = { ...deps, db: trx };
    const [contact, settings, tenant, template] = await Promise.all([
      memberContact(trx, tenantId, delivery.member_id),
      getSettings(trx, tenantId),
      trx.selectFrom('tenants').select('time_zone').where('id', '=', tenantId).executeTakeFirstOrThrow(),
      trx.selectFrom('message_templates').selectAll().where('tenant_id', '=', tenantId).where('id', '=', delivery.template_id).executeTakeFirstOrThrow(),
    ]);
    const now = deps.clock.now();
    // A resend of a message already handed to the adapter is never re-checked: it must stay the same message.
    if (delivery.status !== 'sending') {
      const reason = !contact ? 'member_missing' : refusal(contact, delivery.channel as MessageChannel, delivery.category, settings);
      if (reason) {
        await update(trx, delivery, { status: 'suppressed', reason });
        return { outcome: 'suppressed' } as const;
      }
      if (delivery.category === 'marketing') {
        const release = quietHoursRelease(now, settings.quiet_hours, tenant.time_zone);
        if (release > now) {
          await update(trx, delivery, { status: 'delayed', send_at: release });
          await enqueueDelivery(trx, deps, tenantId, delivery.member_id, delivery.id, release);
          return { outcome: 'delayed' } as const;
        }
      }
    }
    const rendered = (delivery.rendered as RenderedMessage | null) ?? (await renderAndTrack(tdeps, delivery, renderable(template), contact!, settings));
    const attemptId = uuidv7();
    await update(trx, delivery, { status: 'sending', attempt_id: attemptId, attempts: delivery.attempts + 1, sending_at: now, rendered: JSON.stringify(rendered), variant: rendered.variant });
    const message: OutgoingMessage = {
      tenantId,
      memberId: delivery.member_id,
      deliveryId: delivery.id,
      channel: delivery.channel as MessageChannel,
      to: addressOf(contact!, delivery.channel) ?? '',
      rendered,
      providerTemplate: template.provider_template,
      smsSignName: template.sms_sign_name,
      category: delivery.category,
    };
    return { outcome: 'claimed', delivery, attemptId, message } as const;
  });
  if (claim.outcome !== 'claimed') return { outcome: claim.outcome };
  const { delivery, attemptId, message } = claim;

  const adapter = adapters[message.channel];
  try {
    if (!adapter) throw new DeliveryError('CHANNEL_UNSUPPORTED', `No adapter for ${message.channel}`, true);
    const config = await providerConfigFor(deps, deps.db, tenantId, message.channel);
    const result = await adapter.send(message, { db: deps.db, config, now: () => deps.clock.now(), secretsKey: deps.config.secretsKey });
    await deps.db.transaction().execute(async (trx) => {
      const at = deps.clock.now();
      const changed = await guarded(trx, delivery, attemptId, { status: result.status, provider_message_id: result.providerMessageId, sent_at: at, delivered_at: result.status === 'delivered' ? at : null, error: null });
      if (changed) {
        await emitEvent(trx, deps.jobs, ctx, 'message.sent', eventPayload(delivery));
        if (result.status === 'delivered') await emitEvent(trx, deps.jobs, ctx, 'message.delivered', eventPayload(delivery));
      } else if (await sentAfterItsReport(trx, delivery, attemptId, result.providerMessageId, at)) {
        await emitEvent(trx, deps.jobs, ctx, 'message.sent', eventPayload(delivery));
      }
    });
    return { outcome: result.status };
  } catch (error) {
    const failure = error instanceof DeliveryError ? error : new DeliveryError('SEND_ERROR', (error as Error).message, false);
    if (failure.permanent || options.lastAttempt) {
      await deps.db.transaction().execute(async (trx) => {
        if (await guarded(trx, delivery, attemptId, { status: 'failed', failed_at: deps.clock.now(), error: `${failure.code}: ${failure.message}`.slice(0, 2000) })) {
          await emitEvent(trx, deps.jobs, ctx, 'message.failed', { ...eventPayload(delivery), error: failure.code });
        }
      });
      return { outcome: 'failed', error: failure.code };
    }
    // Worth another try: the job backs off. The delivery stays `sending` so the retry resends the same message and id.
    await guarded(deps.db, delivery, attemptId, { error: `${failure.code}: ${failure.message}`.slice(0, 2000) });
    throw failure;
  }
}

/** Renders a message for sending: once per delivery, links replaced by tracked ones when the brand tracks clicks. */
async function renderAndTrack(deps: AppDeps, delivery: DeliveryRow, template: RenderableTemplate, contact: MemberContact, settings: MessagingSettings): Promise<RenderedMessage> {
  const rendered = await renderForMember(deps, messagingContext(delivery.tenant_id), template, contact, { variables: delivery.variables });
  const { enabled, base_url: baseUrl } = settings.click_tracking;
  if (!enabled || !baseUrl || !trackedChannels.has(delivery.channel)) return rendered;
  return trackLinks(deps.db, delivery.tenant_id, baseUrl, delivery.id, rendered, delivery.channel);
}

export function eventPayload(delivery: Pick<DeliveryRow, 'id' | 'member_id' | 'channel' | 'template_id' | 'category' | 'source_kind' | 'source_id' | 'variant'>) {
  return { delivery_id: delivery.id, member_id: delivery.member_id, channel: delivery.channel, template_id: delivery.template_id, category: delivery.category, source: { kind: delivery.source_kind, id: delivery.source_id }, variant: delivery.variant };
}

type Changes = Updateable<DB['message_deliveries']>;

function update(trx: AppDeps['db'], delivery: DeliveryRow, changes: Changes) {
  return trx
    .updateTable('message_deliveries')
    .set({ ...changes, updated_at: sql`now()` })
    .where('tenant_id', '=', delivery.tenant_id)
    .where('member_id', '=', delivery.member_id)
    .where('id', '=', delivery.id)
    .execute();
}

/** Only the attempt that marked the delivery `sending` may record its outcome. */
/**
 * The provider took the message, but its report or the member's click came in first (a fast SMS report, a link
 * opened at once) and moved the row past 'sending': the send still happened. Its time and provider id are kept
 * beside the later status, which stays, so the log and the `message.sent` event say it went out.
 */
async function sentAfterItsReport(db: AppDeps['db'], delivery: DeliveryRow, attemptId: string, providerMessageId: string | null, at: Date): Promise<boolean> {
  const result = await db
    .updateTable('message_deliveries')
    .set({ sent_at: at, provider_message_id: sql`coalesce(provider_message_id, ${providerMessageId})`, updated_at: sql`now()` })
    .where('tenant_id', '=', delivery.tenant_id)
    .where('member_id', '=', delivery.member_id)
    .where('id', '=', delivery.id)
    .where('attempt_id', '=', attemptId)
    .where('status', 'in', ['delivered', 'clicked', 'failed', 'bounced'])
    .where('sent_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

async function guarded(db: AppDeps['db'], delivery: DeliveryRow, attemptId: string, changes: Changes): Promise<boolean> {
  const result = await db
    .updateTable('message_deliveries')
    .set({ ...changes, updated_at: sql`now()` })
    .where('tenant_id', '=', delivery.tenant_id)
    .where('member_id', '=', delivery.member_id)
    .where('id', '=', delivery.id)
    .where('attempt_id', '=', attemptId)
    .where('status', '=', 'sending')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
