import { sql, type Selectable } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { notFound } from '../../http/errors.ts';
import { decodeCursor, toPage } from '../../http/pagination.ts';
import { formatCode } from '../coupons/codes.ts';
import './events.tables.ts';

export type RegistrationRow = Selectable<DB['event_registrations']>;
type ViewRow = RegistrationRow & { waitlist_position: number | null; feedback_submitted: boolean };

/** Registrations with their waitlist position (1 = next) and whether feedback was given. */
function viewQuery(db: Db, tenantId: string) {
  return db
    .selectFrom('event_registrations as r')
    .selectAll('r')
    .select([
      sql<number | null>`case when r.status = 'waitlisted' then (select count(*)::int from event_registrations w where w.tenant_id = r.tenant_id and w.event_id = r.event_id and w.status = 'waitlisted' and w.waitlist_seq <= r.waitlist_seq) end`.as('waitlist_position'),
      sql<boolean>`exists (select 1 from event_feedback f where f.tenant_id = r.tenant_id and f.member_id = r.member_id and f.registration_id = r.id)`.as('feedback_submitted'),
    ])
    .where('r.tenant_id', '=', tenantId);
}

export async function getRegistration(db: Db, tenantId: string, id: string, memberId?: string) {
  let q = viewQuery(db, tenantId).where('r.id', '=', id);
  if (memberId) q = q.where('r.member_id', '=', memberId);
  const row = await q.executeTakeFirst();
  if (!row) throw notFound('Registration');
  return registrationView(row);
}

/** Locks a registration; with a member id, only that member's (another member's id reads as not found). */
export async function lockRegistration(db: Db, tenantId: string, id: string, memberId?: string, forUpdate = true): Promise<RegistrationRow> {
  let q = db.selectFrom('event_registrations').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id);
  if (memberId) q = q.where('member_id', '=', memberId);
  const row = await (forUpdate ? q.forUpdate() : q).executeTakeFirst();
  if (!row) throw notFound('Registration');
  return row;
}

export async function listRegistrations(db: Db, tenantId: string, filter: { eventId?: string; memberId?: string; status?: RegistrationRow['status']; cursor?: string; limit: number }) {
  let q = viewQuery(db, tenantId);
  if (filter.eventId) q = q.where('r.event_id', '=', filter.eventId);
  if (filter.memberId) q = q.where('r.member_id', '=', filter.memberId);
  if (filter.status) q = q.where('r.status', '=', filter.status);
  const after = decodeCursor(filter.cursor);
  if (after) q = q.where('r.id', '>', after);
  // In the order they registered (ids are time-ordered); waitlisted rows carry their position.
  const rows = await q.orderBy('r.id').limit(filter.limit + 1).execute();
  return toPage(rows.map(registrationView), filter.limit);
}

export function registrationView(r: ViewRow) {
  const seatIsTheirs = r.status === 'registered';
  return {
    id: r.id,
    event_id: r.event_id,
    member_id: r.member_id,
    status: r.status,
    waitlist_position: r.waitlist_position,
    price_kind: r.price_kind,
    amount_fen: r.amount_fen,
    points: r.points,
    price_source: r.price_source,
    answers: (r.answers ?? {}) as Record<string, string>,
    ticket_code: seatIsTheirs ? formatCode(r.ticket_code) : null,
    hold_expires_at: r.hold_expires_at?.toISOString() ?? null,
    provider: r.provider,
    paid_at: r.paid_at?.toISOString() ?? null,
    refund_fen: r.refund_fen,
    points_refunded: r.points_refunded,
    refund_status: r.refund_status,
    checked_in_at: r.checked_in_at?.toISOString() ?? null,
    no_show: r.no_show,
    promoted_at: r.promoted_at?.toISOString() ?? null,
    canceled_at: r.canceled_at?.toISOString() ?? null,
    feedback_submitted: r.feedback_submitted,
    created_at: r.created_at.toISOString(),
  };
}
