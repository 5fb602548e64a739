import type { Db } from '../../db/database.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { sendMessage, type SendInput } from '../messaging/send.service.ts';
import { getTemplateRow } from '../messaging/templates.service.ts';
import './events.tables.ts';

export async function eventSettings(db: Db, tenantId: string) {
  const row = await db.selectFrom('event_settings').selectAll().where('tenant_id', '=', tenantId).executeTakeFirst();
  return { reminder_hours: row?.reminder_hours ?? 24, reminder_template_id: row?.reminder_template_id ?? null, promoted_template_id: row?.promoted_template_id ?? null };
}

/**
 * Sends the brand's template for this moment (promotion, reminder) when one is configured, in the caller's
 * transaction and keyed by `dedupeKey`, so a rerun or a retried job sends nothing twice. The outbox event is
 * emitted either way; the message is the brand's choice. It is a service notice (transactional).
 */
export async function notifyMember(trx: Db, deps: AppDeps, ctx: RequestContext, input: { memberId: string; templateId: string | null; dedupeKey: string; variables: Record<string, unknown> }) {
  if (!input.templateId) return;
  const template = await getTemplateRow(trx, ctx.tenantId, input.templateId);
  await sendMessage({ ...deps, db: trx }, ctx, {
    memberId: input.memberId,
    channel: template.channel as SendInput['channel'],
    templateId: template.id,
    variables: input.variables,
    category: 'transactional',
    dedupeKey: input.dedupeKey,
    source: { kind: 'system', id: input.dedupeKey },
  });
}
