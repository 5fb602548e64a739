import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { emitEvent } from '../../jobs/outbox.ts';
import type { EventRow } from './events.service.ts';
import { eventSettings, notifyMember } from './notify.ts';
import { takeSeat, tradeNo } from './registrations.service.ts';

const MINUTE = 60_000;

/**
 * Fills free seats from the waitlist, first in first out (smallest waitlist_seq). The caller holds the
 * event's row lock (a cancellation, an expired hold, a larger capacity), so no registration can take a freed
 * seat before the waitlist does and two promoters never pick the same member. A free seat is the member's at
 * once; a paid one is held for `hold_minutes` while they pay. Each promoted member is told: `event.promoted`
 * and, when the brand set a template, a message.
 */
export async function promoteWaitlisted(trx: Db, deps: AppDeps, ctx: RequestContext, event: EventRow, now: Date): Promise<number> {
  let promoted = 0;
  const settings = await eventSettings(trx, ctx.tenantId);
  for (;;) {
    const next = await trx
      .selectFrom('event_registrations')
      .selectAll()
      .where('tenant_id', '=', ctx.tenantId)
      .where('event_id', '=', event.id)
      .where('status', '=', 'waitlisted')
      .orderBy('waitlist_seq')
      .limit(1)
      .forUpdate()
      .executeTakeFirst();
    if (!next || !(await takeSeat(trx, ctx.tenantId, event.id))) return promoted;
    const payable = next.amount_fen > 0 || next.points > 0;
    await trx
      .updateTable('event_registrations')
      .set({
        status: payable ? 'pending_payment' : 'registered',
        promoted_at: now,
        hold_expires_at: payable ? new Date(now.getTime() + event.hold_minutes * MINUTE) : null,
        out_trade_no: next.amount_fen > 0 ? tradeNo(next.id) : null,
        updated_at: sql`now()`,
      })
      .where('tenant_id', '=', ctx.tenantId)
      .where('member_id', '=', next.member_id)
      .where('id', '=', next.id)
      .execute();
    const payload = { event_id: event.id, registration_id: next.id, member_id: next.member_id };
    await emitEvent(trx, deps.jobs, ctx, 'event.promoted', { ...payload, needs_payment: payable });
    if (!payable) await emitEvent(trx, deps.jobs, ctx, 'event.registered', { ...payload, price_kind: next.price_kind, amount_fen: 0, points: 0 });
    await notifyMember(trx, deps, ctx, {
      memberId: next.member_id,
      templateId: settings.promoted_template_id,
      dedupeKey: `event-promoted:${next.id}`,
      variables: { event_title: event.title, starts_at: event.starts_at.toISOString(), needs_payment: payable },
    });
    promoted += 1;
  }
}
