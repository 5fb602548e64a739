import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { Db } from '../../db/database.ts';
import { isUniqueViolation } from '../../db/errors.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { AppError, validationError } from '../../http/errors.ts';
import { emitEvent } from '../../jobs/outbox.ts';
import { newCode } from '../coupons/codes.ts';
import { getMemberRow } from '../members/members.service.ts';
import { paidMembershipAt } from '../membership/membership.service.ts';
import { getProvider } from '../membership/providers.service.ts';
import { spendPointsIn } from '../points/redemptions.service.ts';
import { checkEligibility, normalizeEligibility } from '../pricing/eligibility.ts';
import { currentTierIds } from '../tiers/tiers.service.ts';
import { getEventRow, memberPricesOf, questionsOf, type EventRow } from './events.service.ts';
import { getRegistration, lockRegistration, registrationView, type RegistrationRow } from './registrations.query.ts';

const MINUTE = 60_000;

export interface RegisterInput {
  answers: Record<string, string>;
  provider?: 'offline' | 'wechat';
  /** The payer's openid for WeChat Pay JSAPI (a member signed in through WeChat). */
  openid?: string | null;
}

/**
 * Registers a member for an event, once: a live registration of the member answers again (created: false).
 * A seat is taken by one conditional UPDATE of the event row (`seats_taken < capacity`), so however many
 * register at once the event is never overbooked; whoever finds it full joins the waitlist under the same
 * row lock, numbered by the event's waitlist counter, so the waitlist order is the order the lock was taken.
 * A price in points is spent in the same transaction; a price in fen holds the seat until `hold_minutes`
 * while the member pays.
 */
export async function register(deps: AppDeps, ctx: RequestContext, eventId: string, memberId: string, input: RegisterInput): Promise<{ registration: ReturnType<typeof registrationView> & { pay_params?: Record<string, string> | null }; created: boolean }> {
  const event = await getEventRow(deps.db, ctx.tenantId, eventId);
  const member = await getMemberRow(deps.db, ctx, memberId);
  const now = deps.clock.now();
  const existing = await findLive(deps.db, ctx.tenantId, eventId, member.id);
  if (existing) return { registration: await getRegistration(deps.db, ctx.tenantId, existing.id), created: false };
  if (event.status !== 'published') throw new AppError('EVENT_NOT_OPEN', event.status === 'canceled' ? 'This event was canceled' : 'This event is not open for registration');
  if (now >= event.starts_at) throw new AppError('EVENT_NOT_OPEN', 'Registration closed when the event started');
  if (member.status !== 'active') throw new AppError('MEMBER_NOT_ACTIVE', 'The member is not active', { errors: [{ field: 'member_id', code: 'not_active', message: `member is ${member.status}` }] });
  const eligible = await checkEligibility(deps.db, ctx.tenantId, member.id, normalizeEligibility(event.eligibility), now);
  if (!eligible.eligible) throw new AppError('MEMBER_NOT_ELIGIBLE', 'This event is for selected members only', { errors: [{ field: 'event_id', code: 'not_eligible', message: 'the member meets none of the event’s conditions' }] });
  const answers = checkAnswers(event, input.answers);
  const price = await priceFor(deps.db, ctx.tenantId, member.id, event, now);
  const provider = input.provider ?? 'offline';
  if (event.price_kind === 'fen' && price.amount > 0 && provider === 'wechat' && !input.openid) {
    throw validationError([{ field: 'provider', code: 'wechat_sign_in_needed', message: 'WeChat Pay needs a WeChat sign-in' }]);
  }
  try {
    const row = await withTransaction(deps.db, async (trx) => {
      const id = uuidv7();
      const seat = await takeSeat(trx, ctx.tenantId, event.id);
      let status: RegistrationRow['status'];
      let waitlistSeq: number | null = null;
      if (seat) status = price.amount > 0 && event.price_kind === 'fen' ? 'pending_payment' : 'registered';
      else if (event.waitlist_enabled) {
        status = 'waitlisted';
        waitlistSeq = (await trx.updateTable('events').set({ waitlist_counter: sql`waitlist_counter + 1` }).where('tenant_id', '=', ctx.tenantId).where('id', '=', event.id).returning('waitlist_counter').executeTakeFirstOrThrow()).waitlist_counter;
      } else throw new AppError('EVENT_FULL', 'This event is full');
      let pointsTxnId: string | null = null;
      if (status === 'registered' && event.price_kind === 'points' && price.amount > 0) {
        pointsTxnId = await spendPointsIn(trx, deps, ctx, member.id, { points: price.amount, sourceKey: `event-ticket:${id}`, reason: `event ticket ${event.id}`, field: 'event_id' });
      }
      const inserted = await trx
        .insertInto('event_registrations')
        .values({
          tenant_id: ctx.tenantId,
          member_id: member.id,
          id,
          event_id: event.id,
          status,
          waitlist_seq: waitlistSeq,
          price_kind: event.price_kind,
          amount_fen: event.price_kind === 'fen' ? price.amount : 0,
          points: event.price_kind === 'points' ? price.amount : 0,
          price_source: price.source,
          answers: JSON.stringify(answers),
          ticket_code: newCode(),
          hold_expires_at: status === 'pending_payment' ? new Date(now.getTime() + event.hold_minutes * MINUTE) : null,
          provider: event.price_kind === 'fen' && price.amount > 0 ? provider : null,
          out_trade_no: status === 'pending_payment' ? tradeNo(id) : null,
          points_txn_id: pointsTxnId,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      const payload = { event_id: event.id, registration_id: id, member_id: member.id };
      if (status === 'registered') await emitEvent(trx, deps.jobs, ctx, 'event.registered', { ...payload, price_kind: event.price_kind, amount_fen: inserted.amount_fen, points: inserted.points });
      if (status === 'waitlisted') await emitEvent(trx, deps.jobs, ctx, 'event.waitlisted', { ...payload, waitlist_seq: waitlistSeq });
      return inserted;
    });
    const view = await getRegistration(deps.db, ctx.tenantId, row.id);
    if (row.status !== 'pending_payment') return { registration: view, created: true };
    return { registration: { ...view, pay_params: await openPayment(deps, ctx, row, event, input.openid ?? null) }, created: true };
  } catch (error) {
    // The same member registering twice at once: the second insert fails on the live index and rolls back
    // its seat; the member gets the first registration.
    if (isUniqueViolation(error, 'event_registrations_live_key')) return register(deps, ctx, eventId, memberId, input);
    throw error;
  }
}

/**
 * Pays a held seat: points are spent at once (a promoted member of a points event), a price in fen opens the
 * provider's order again (WeChat: fresh JSAPI parameters; at the counter staff confirm).
 */
export async function payRegistration(deps: AppDeps, ctx: RequestContext, memberId: string, registrationId: string, input: { provider?: 'offline' | 'wechat'; openid?: string | null }) {
  const before = await getRegistration(deps.db, ctx.tenantId, registrationId, memberId);
  if (before.status !== 'pending_payment') throw new AppError('PAYMENT_NOT_PENDING', `The registration is ${before.status}`);
  const event = await getEventRow(deps.db, ctx.tenantId, before.event_id);
  if (before.price_kind === 'points') {
    await withTransaction(deps.db, async (trx) => {
      const row = await lockRegistration(trx, ctx.tenantId, registrationId, memberId);
      if (row.status !== 'pending_payment') throw new AppError('PAYMENT_NOT_PENDING', `The registration is ${row.status}`);
      const txn = await spendPointsIn(trx, deps, ctx, memberId, { points: row.points, sourceKey: `event-ticket:${row.id}`, reason: `event ticket ${row.event_id}`, field: 'registration_id' });
      await markRegistered(trx, deps, ctx, row, { points_txn_id: txn });
    });
    return getRegistration(deps.db, ctx.tenantId, registrationId, memberId);
  }
  const provider = input.provider ?? before.provider ?? 'offline';
  if (provider === 'wechat' && !input.openid) throw validationError([{ field: 'provider', code: 'wechat_sign_in_needed', message: 'WeChat Pay needs a WeChat sign-in' }]);
  if (provider !== before.provider) {
    await deps.db.updateTable('event_registrations').set({ provider }).where('tenant_id', '=', ctx.tenantId).where('member_id', '=', memberId).where('id', '=', registrationId).where('status', '=', 'pending_payment').execute();
  }
  const row = await lockRegistration(deps.db, ctx.tenantId, registrationId, memberId, false);
  return { ...(await getRegistration(deps.db, ctx.tenantId, registrationId, memberId)), pay_params: await openPayment(deps, ctx, row, event, input.openid ?? null) };
}

/**
 * Staff took the money for a held seat at the counter: the seat becomes the member's, once. A payment for a seat
 * that is no longer held answers PAYMENT_NOT_PENDING (staff give the cash back); the same confirmation again
 * answers the registration. Provider payments are settled by `settleTicketPayment` (payments.service.ts).
 */
export async function confirmPayment(deps: AppDeps, ctx: RequestContext, registrationId: string) {
  return withTransaction(deps.db, async (trx) => {
    const row = await lockRegistration(trx, ctx.tenantId, registrationId);
    if (row.status === 'registered' && row.paid_at) return getRegistration(trx, ctx.tenantId, row.id);
    if (row.status !== 'pending_payment' || row.price_kind !== 'fen') throw new AppError('PAYMENT_NOT_PENDING', `The registration is ${row.status}`);
    await markRegistered(trx, deps, ctx, row, { paid_at: deps.clock.now() });
    return getRegistration(trx, ctx.tenantId, row.id);
  });
}

/** Takes one seat if one is free: the only way seats are taken, a conditional update of the event row. */
export async function takeSeat(trx: Db, tenantId: string, eventId: string): Promise<boolean> {
  const taken = await trx
    .updateTable('events')
    .set({ seats_taken: sql`seats_taken + 1` })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', eventId)
    .where('status', '=', 'published')
    .where(sql<boolean>`seats_taken < capacity`)
    .returning('seats_taken')
    .executeTakeFirst();
  return taken !== undefined;
}

export async function markRegistered(trx: Db, deps: AppDeps, ctx: RequestContext, row: RegistrationRow, changes: { paid_at?: Date; points_txn_id?: string; provider_txn_id?: string | null }) {
  await trx
    .updateTable('event_registrations')
    .set({ status: 'registered', hold_expires_at: null, updated_at: sql`now()`, ...changes })
    .where('tenant_id', '=', ctx.tenantId)
    .where('member_id', '=', row.member_id)
    .where('id', '=', row.id)
    .execute();
  await emitEvent(trx, deps.jobs, ctx, 'event.registered', { event_id: row.event_id, registration_id: row.id, member_id: row.member_id, price_kind: row.price_kind, amount_fen: row.amount_fen, points: row.points });
}

async function openPayment(deps: AppDeps, ctx: RequestContext, row: RegistrationRow, event: EventRow, openid: string | null) {
  const provider = await getProvider(deps, deps.db, ctx.tenantId, row.provider ?? 'offline');
  try {
    const created = await provider.createPayment({ outTradeNo: row.out_trade_no!, amountFen: row.amount_fen, description: event.title.slice(0, 120), payerOpenid: openid, expiresAt: row.hold_expires_at! });
    return created.payParams;
  } catch (error) {
    deps.log.warn({ err: error, registration_id: row.id }, 'event payment could not be opened');
    throw new AppError('PAYMENT_PROVIDER_ERROR', 'The payment could not be opened; try again or pay at the counter');
  }
}

/**
 * The member's price: the lowest member price of a tier they hold (any ladder) or of their paid plan, else
 * the list price. Prices are in the event's unit (fen or points).
 */
export async function priceFor(db: Db, tenantId: string, memberId: string, event: EventRow, at: Date): Promise<{ amount: number; source: string | null }> {
  if (event.price_kind === 'free') return { amount: 0, source: null };
  const prices = memberPricesOf(event);
  let best = { amount: event.price_amount, source: 'list' as string };
  if (!prices.length) return best;
  const [tiers, paid] = await Promise.all([currentTierIds(db, tenantId, memberId), paidMembershipAt(db, tenantId, memberId, at)]);
  for (const p of prices) {
    const holds = p.audience === 'tier' ? tiers.includes(p.audience_id) : paid?.plan_id === p.audience_id;
    if (holds && p.price < best.amount) best = { amount: p.price, source: `${p.audience}:${p.audience_id}` };
  }
  return best;
}

function checkAnswers(event: EventRow, answers: Record<string, string>): Record<string, string> {
  const questions = questionsOf(event);
  const errors = [];
  const kept: Record<string, string> = {};
  for (const key of Object.keys(answers)) if (!questions.some((q) => q.id === key)) errors.push({ field: `answers.${key}`, code: 'unknown_question', message: 'no such question' });
  for (const q of questions) {
    const value = (answers[q.id] ?? '').trim();
    if (!value) {
      if (q.required) errors.push({ field: `answers.${q.id}`, code: 'required', message: `${q.label} is required` });
      continue;
    }
    if (q.kind === 'choice' && !q.options?.includes(value)) errors.push({ field: `answers.${q.id}`, code: 'not_an_option', message: 'choose one of the options' });
    kept[q.id] = value;
  }
  if (errors.length) throw validationError(errors);
  return kept;
}

async function findLive(db: Db, tenantId: string, eventId: string, memberId: string) {
  return db.selectFrom('event_registrations').select('id').where('tenant_id', '=', tenantId).where('event_id', '=', eventId).where('member_id', '=', memberId).where('status', 'in', ['pending_payment', 'registered', 'waitlisted']).executeTakeFirst();
}

/** WeChat's out_trade_no allows 32 characters: the registration id without dashes. */
export const tradeNo = (registrationId: string) => registrationId.replaceAll('-', '');
