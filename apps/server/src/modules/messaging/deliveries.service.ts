import { sql, type Selectable } from 'kysely';
import type { Delivery } from '@hearth/contracts/messaging';
import type { Db } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { notFound } from '../../http/errors.ts';
import { decodeCursor, toPage } from '../../http/pagination.ts';
import { emitEvent } from '../../jobs/outbox.ts';
import { getMemberRow, memberNumbers } from '../members/members.service.ts';
import { eventPayload, messagingContext } from './deliver.job.ts';
import type { DeliveryStatus } from './messaging.tables.ts';

type DeliveryRow = Selectable<DB['message_deliveries']>;

export async function listDeliveries(deps: AppDeps, ctx: RequestContext, query: { limit: number; cursor?: string; member_id?: string; status?: string; channel?: string; source_kind?: string; source_id?: string }) {
  const before = decodeCursor(query.cursor);
  const rows = await deps.db
    .selectFrom('message_deliveries')
    .selectAll()
    .where('tenant_id', '=', ctx.tenantId)
    .$if(query.member_id !== undefined, (q) => q.where('member_id', '=', query.member_id!))
    .$if(query.status !== undefined, (q) => q.where('status', '=', query.status as DeliveryStatus))
    .$if(query.channel !== undefined, (q) => q.where('channel', '=', query.channel!))
    .$if(query.source_kind !== undefined, (q) => q.where('source_kind', '=', query.source_kind as DeliveryRow['source_kind']))
    .$if(query.source_id !== undefined, (q) => q.where('source_id', '=', query.source_id!))
    .$if(before !== undefined, (q) => q.where('id', '<', before!))
    .orderBy('id', 'desc')
    .limit(query.limit + 1)
    .execute();
  const page = toPage(rows, query.limit);
  const numbers = await memberNumbers(deps.db, ctx.tenantId, [...new Set(page.data.map((d) => d.member_id))]);
  return { data: page.data.map((d) => ({ ...serializeDelivery(d), member_no: numbers.get(d.member_id) ?? null })), next_cursor: page.next_cursor };
}

export async function getDelivery(deps: AppDeps, ctx: RequestContext, id: string): Promise<Delivery & { rendered: unknown }> {
  const row = await deps.db.selectFrom('message_deliveries').selectAll().where('tenant_id', '=', ctx.tenantId).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Delivery');
  return { ...serializeDelivery(row), rendered: row.rendered };
}

const rank: Record<string, number> = { queued: 0, delayed: 0, sending: 1, sent: 2, delivered: 3, failed: 3, bounced: 3, clicked: 4 };

/**
 * A provider's report about a message it took (delivered, failed, bounced) or a click, found by the
 * provider's message id or by our delivery id. Reports may arrive late, twice or out of order: a status
 * never moves backwards (a late "delivered" does not undo a click), and each change emits its event once.
 */
export async function recordStatus(
  deps: AppDeps,
  tenantId: string,
  by: { deliveryId?: string; channel?: string; providerMessageId?: string },
  report: { status: 'delivered' | 'failed' | 'bounced' | 'clicked'; error?: string; at?: Date },
): Promise<Delivery | undefined> {
  return withTransaction(deps.db, async (trx) => {
    const row = await findForReport(trx, tenantId, by);
    if (!row) return undefined;
    if (row.status === 'suppressed' || rank[report.status]! <= (rank[row.status] ?? 0)) return serializeDelivery(row);
    const at = report.at ?? deps.clock.now();
    const stamp = { delivered: 'delivered_at', failed: 'failed_at', bounced: 'failed_at', clicked: 'clicked_at' }[report.status];
    const updated = await trx
      .updateTable('message_deliveries')
      .set({ status: report.status, [stamp]: at, ...(report.error ? { error: report.error.slice(0, 2000) } : {}), updated_at: sql`now()` })
      .where('tenant_id', '=', tenantId)
      .where('member_id', '=', row.member_id)
      .where('id', '=', row.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    const type = { delivered: 'message.delivered', failed: 'message.failed', bounced: 'message.failed', clicked: 'message.clicked' }[report.status];
    await emitEvent(trx, deps.jobs, messagingContext(tenantId), type, { ...eventPayload(row), ...(report.status === 'bounced' ? { error: 'bounced' } : {}) });
    return serializeDelivery(updated);
  });
}

/**
 * WeChat's word on a template message (the official account's TEMPLATESENDJOBFINISH push): `success` is delivered,
 * anything else (`failed:user block`, `failed: system failed`) failed, with WeChat's words as the error.
 */
export function recordWechatTemplateReport(deps: AppDeps, tenantId: string, msgId: string, status: string | undefined) {
  const report = status === 'success' ? { status: 'delivered' as const } : { status: 'failed' as const, error: `WeChat: ${status ?? 'no status'}` };
  return recordStatus(deps, tenantId, { channel: 'wechat_template', providerMessageId: msgId }, report);
}

async function findForReport(db: Db, tenantId: string, by: { deliveryId?: string; channel?: string; providerMessageId?: string }) {
  let q = db.selectFrom('message_deliveries').selectAll().where('tenant_id', '=', tenantId);
  if (by.deliveryId) q = q.where('id', '=', by.deliveryId);
  else if (by.providerMessageId && by.channel) q = q.where('channel', '=', by.channel).where('provider_message_id', '=', by.providerMessageId);
  else return undefined;
  return q.forUpdate().executeTakeFirst();
}

export function serializeDelivery(row: DeliveryRow): Delivery {
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  return {
    id: row.id,
    member_id: row.member_id,
    channel: row.channel as Delivery['channel'],
    template_id: row.template_id,
    variant: row.variant,
    category: row.category,
    source: { kind: row.source_kind, id: row.source_id },
    dedupe_key: row.dedupe_key,
    status: row.status,
    reason: row.reason,
    send_at: row.send_at.toISOString(),
    attempts: row.attempts,
    provider_message_id: row.provider_message_id,
    error: row.error,
    sent_at: iso(row.sent_at),
    delivered_at: iso(row.delivered_at),
    failed_at: iso(row.failed_at),
    clicked_at: iso(row.clicked_at),
    created_at: row.created_at.toISOString(),
  };
}

/** The member's inbox, newest first (the member center reads it). */
export async function listInbox(deps: AppDeps, ctx: RequestContext, memberId: string, query: { limit: number; cursor?: string; unread_only?: boolean }) {
  await getMemberRow(deps.db, ctx, memberId);
  const before = decodeCursor(query.cursor);
  const rows = await deps.db
    .selectFrom('message_inbox')
    .selectAll()
    .where('tenant_id', '=', ctx.tenantId)
    .where('member_id', '=', memberId)
    .$if(query.unread_only === true, (q) => q.where('read_at', 'is', null))
    .$if(before !== undefined, (q) => q.where('id', '<', before!))
    .orderBy('id', 'desc')
    .limit(query.limit + 1)
    .execute();
  const page = toPage(rows, query.limit);
  const unread = await deps.db.selectFrom('message_inbox').select(sql<number>`count(*)::int`.as('n')).where('tenant_id', '=', ctx.tenantId).where('member_id', '=', memberId).where('read_at', 'is', null).executeTakeFirstOrThrow();
  return {
    data: page.data.map((r) => ({ id: r.id, title: r.title, body: r.body, link: r.link, read_at: r.read_at?.toISOString() ?? null, created_at: r.created_at.toISOString() })),
    next_cursor: page.next_cursor,
    unread: unread.n,
  };
}

/** Marks inbox messages read (the first read counts as the click of an inbox message). */
export async function markInboxRead(deps: AppDeps, ctx: RequestContext, memberId: string, ids: string[]) {
  await getMemberRow(deps.db, ctx, memberId);
  const marked = await deps.db
    .updateTable('message_inbox')
    .set({ read_at: deps.clock.now() })
    .where('tenant_id', '=', ctx.tenantId)
    .where('member_id', '=', memberId)
    .where('id', 'in', ids)
    .where('read_at', 'is', null)
    .returning('id')
    .execute();
  for (const row of marked) await recordStatus(deps, ctx.tenantId, { deliveryId: row.id }, { status: 'clicked' });
  return { marked: marked.length };
}

