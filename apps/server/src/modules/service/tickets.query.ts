import { sql, type Selectable } from 'kysely';
import type { z } from 'zod';
import type { ticketDetailSchema, ticketQuerySchema, ticketSchema } from '@hearth/contracts/service';
import type { Db } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { notFound } from '../../http/errors.ts';
import './service.tables.ts';

export type TicketRow = Selectable<DB['service_tickets']>;
type Ticket = z.infer<typeof ticketSchema>;
type SlaState = Ticket['sla']['accept'];
const OPEN = ['submitted', 'accepted', 'in_progress'] as const;

/**
 * One ticket; with `memberId`, only that member's (another member's id reads as not found). `detail` adds the
 * history and the comments.
 */
export async function getTicket(db: Db, tenantId: string, id: string, options: { memberId?: string; now: Date; detail: true }): Promise<z.infer<typeof ticketDetailSchema>>;
export async function getTicket(db: Db, tenantId: string, id: string, options: { memberId?: string; now: Date; detail?: false }): Promise<Ticket>;
export async function getTicket(db: Db, tenantId: string, id: string, options: { memberId?: string; now: Date; detail?: boolean }) {
  let q = db.selectFrom('service_tickets').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id);
  if (options.memberId) q = q.where('member_id', '=', options.memberId);
  const row = await q.executeTakeFirst();
  if (!row) throw notFound('Service ticket');
  const ticket = serializeTicket(row, options.now);
  if (!options.detail) return ticket;
  const [history, comments] = await Promise.all([
    db.selectFrom('service_ticket_history').selectAll().where('tenant_id', '=', tenantId).where('member_id', '=', row.member_id).where('ticket_id', '=', id).orderBy('id').execute(),
    db.selectFrom('service_ticket_comments').selectAll().where('tenant_id', '=', tenantId).where('member_id', '=', row.member_id).where('ticket_id', '=', id).orderBy('id').execute(),
  ]);
  return {
    ...ticket,
    history: history.map((h) => ({ from: h.from_status, to: h.to_status, by: h.actor_label, actor_type: h.actor_type, note: h.note, at: h.at.toISOString() })),
    comments: comments.map((c) => ({ id: c.id, author_type: c.author_type, author: c.author_label, body: c.body, attachments: c.attachments as string[], created_at: c.created_at.toISOString() })),
  };
}

/** The desk's list (newest first) with filters; `sla` picks open tickets whose timer is breached or due soon. */
export async function listTickets(db: Db, tenantId: string, query: z.infer<typeof ticketQuerySchema> & { memberId?: string }, now: Date) {
  let q = db.selectFrom('service_tickets').selectAll().where('tenant_id', '=', tenantId).orderBy('id', 'desc').limit(query.limit + 1);
  const memberId = query.memberId ?? query.member_id;
  if (memberId) q = q.where('member_id', '=', memberId);
  if (query.status) q = q.where('status', '=', query.status);
  if (query.type) q = q.where('type', '=', query.type);
  if (query.store_id) q = q.where('store_id', '=', query.store_id);
  if (query.operator_id) q = q.where('operator_id', '=', query.operator_id);
  if (query.cursor) q = q.where('id', '<', query.cursor);
  if (query.sla) {
    // A running timer past its due time is breached; one in the last quarter of its span is due soon (the same
    // rule as timerState), decided in SQL so that a page holds `limit` matching tickets.
    const state = (running: 'submitted' | 'open', due: 'accept_due_at' | 'resolve_due_at') => {
      const isRunning = running === 'submitted' ? sql<boolean>`status = 'submitted'` : sql<boolean>`status in (${sql.join(OPEN)})`;
      return query.sla === 'breached'
        ? sql<boolean>`${isRunning} and ${sql.ref(due)} <= ${now}`
        : sql<boolean>`${isRunning} and ${sql.ref(due)} > ${now} and ${sql.ref(due)} - ${now}::timestamptz < (${sql.ref(due)} - created_at) / 4`;
    };
    // Parenthesised as a whole: Kysely adds raw SQL to the where clause as it is, next to the tenant filter.
    q = q.where(sql<boolean>`((${state('submitted', 'accept_due_at')}) or (${state('open', 'resolve_due_at')}))`);
  }
  const rows = await q.execute();
  const page = rows.slice(0, query.limit);
  return { data: page.map((r) => serializeTicket(r, now)), next_cursor: rows.length > query.limit ? page.at(-1)!.id : null };
}

export function serializeTicket(row: TicketRow, now: Date): Ticket {
  return {
    id: row.id,
    member_id: row.member_id,
    type: row.type,
    status: row.status,
    order_id: row.order_id,
    lines: row.lines as Ticket['lines'],
    code: row.code,
    sku: row.sku,
    subject: row.subject,
    description: row.description,
    attachments: row.attachments as string[],
    store_id: row.store_id,
    operator_id: row.operator_id,
    accept_due_at: row.accept_due_at.toISOString(),
    resolve_due_at: row.resolve_due_at.toISOString(),
    sla: {
      accept: timerState(row.status === 'submitted', row.created_at, row.accept_due_at, now),
      resolve: timerState((OPEN as readonly string[]).includes(row.status), row.created_at, row.resolve_due_at, now),
    },
    refund_id: row.refund_id,
    satisfaction: row.surveyed_at ? { score: row.satisfaction_score!, comment: row.satisfaction_comment ?? '', at: row.surveyed_at.toISOString() } : null,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

function timerState(running: boolean, from: Date, due: Date, now: Date): SlaState {
  if (!running) return 'none';
  if (now >= due) return 'breached';
  return due.getTime() - now.getTime() < (due.getTime() - from.getTime()) / 4 ? 'due_soon' : 'ok';
}
