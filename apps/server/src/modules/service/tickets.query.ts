import { sql, type Selectable } from 'kysely';
import type { z } from 'zod';
import type { ticketDetailSchema, ticketQuerySchema, ticketSchema } from '@hearth/contracts/service';
import type { Db } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { notFound } from '../../http/errors.ts';
import { memberNumbers } from '../members/members.service.ts';
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

/** The desk's list (newest first) with filters; `sla` picks open tickets by their SLA state. */
export async function listTickets(db: Db, tenantId: string, query: z.infer<typeof ticketQuerySchema> & { memberId?: string }, now: Date) {
  let q = db.selectFrom('service_tickets').selectAll().where('tenant_id', '=', tenantId).orderBy('id', 'desc').limit(query.limit + 1);
  const memberId = query.memberId ?? query.member_id;
  if (memberId) q = q.where('member_id', '=', memberId);
  if (query.status) q = q.where('status', '=', query.status);
  if (query.type) q = q.where('type', '=', query.type);
  if (query.store_id) q = q.where('store_id', '=', query.store_id);
  if (query.operator_id) q = q.where('operator_id', '=', query.operator_id);
  if (query.cursor) q = q.where('id', '<', query.cursor);
  if (query.sla) q = q.where(slaStateSql(now, query.sla));
  const rows = await q.execute();
  const page = rows.slice(0, query.limit);
  return { data: page.map((r) => serializeTicket(r, now)), next_cursor: rows.length > query.limit ? page.at(-1)!.id : null };
}

/** The service desk's list: listTickets with each member's number, so the desk shows members as operators know them. */
export async function listDeskTickets(db: Db, tenantId: string, query: z.infer<typeof ticketQuerySchema>, now: Date) {
  const page = await listTickets(db, tenantId, query, now);
  const numbers = await memberNumbers(db, tenantId, [...new Set(page.data.map((t) => t.member_id))]);
  return { ...page, data: page.data.map((t) => ({ ...t, member_no: numbers.get(t.member_id) ?? null })) };
}

/**
 * Open tickets by SLA state, overall and per type, counted with the same conditions as the list's filter, so
 * a count and the list it opens agree.
 */
export async function slaSummary(db: Db, tenantId: string, query: { store_id?: string; operator_id?: string }, now: Date) {
  let q = db
    .selectFrom('service_tickets')
    .select((eb) => ['type', eb.fn.countAll<number>().as('open'), ...(['ok', 'due_soon', 'breached'] as const).map((state) => sql<number>`count(*) filter (where ${slaStateSql(now, state)})`.as(state))])
    .where('tenant_id', '=', tenantId)
    .where('status', 'in', OPEN)
    .groupBy('type')
    .orderBy('type');
  if (query.store_id) q = q.where('store_id', '=', query.store_id);
  if (query.operator_id) q = q.where('operator_id', '=', query.operator_id);
  const byType = (await q.execute()).map((r) => ({ type: r.type, open: Number(r.open), ok: Number(r.ok), due_soon: Number(r.due_soon), breached: Number(r.breached) }));
  const total = (key: 'open' | SlaFilter) => byType.reduce((sum, r) => sum + r[key], 0);
  return { open: total('open'), ok: total('ok'), due_soon: total('due_soon'), breached: total('breached'), by_type: byType };
}

type SlaFilter = 'ok' | 'due_soon' | 'breached';

/**
 * An open ticket's SLA state is the worst of its running timers (accept while submitted, resolve until
 * resolved), so each open ticket is in exactly one state. The same rules as `timerState`, in SQL, so the
 * filter pages through the database instead of dropping rows after the limit.
 */
function slaStateSql(now: Date, state: SlaFilter) {
  const at = sql`${now}::timestamptz`;
  const breached = sql`((status = 'submitted' and accept_due_at <= ${at}) or (status in ('submitted', 'accepted', 'in_progress') and resolve_due_at <= ${at}))`;
  const dueSoon = sql`((status = 'submitted' and accept_due_at - (accept_due_at - created_at) / 4 < ${at}) or (status in ('submitted', 'accepted', 'in_progress') and resolve_due_at - (resolve_due_at - created_at) / 4 < ${at}))`;
  const open = sql`status in ('submitted', 'accepted', 'in_progress')`;
  if (state === 'breached') return sql<boolean>`${breached}`;
  if (state === 'due_soon') return sql<boolean>`(${open} and not ${breached} and ${dueSoon})`;
  return sql<boolean>`(${open} and not ${breached} and not ${dueSoon})`;
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
