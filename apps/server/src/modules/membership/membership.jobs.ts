import { sql, type RawBuilder } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { Db } from '../../db/database.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import type { JobRegistry } from '../../jobs/registry.ts';
import { emitEvents } from '../../jobs/outbox.ts';
import { executeRefund, settlePayment } from './membership.service.ts';
import { getProvider } from './providers.service.ts';
import { canTransition, type SubscriptionStatus } from './transitions.ts';

export const membershipActor: RequestContext['actor'] = { type: 'system', id: null, label: 'membership jobs', role: null, permissions: new Set() };
const systemCtx = (tenantId: string): RequestContext => ({ tenantId, actor: membershipActor, requestId: null, ip: null });

interface PeriodRule {
  from: SubscriptionStatus;
  to: SubscriptionStatus;
  reason: string;
  /** SQL condition on s (subscription) that makes the move due. */
  due: RawBuilder<unknown>;
}

const rules: PeriodRule[] = [
  { from: 'trialing', to: 'past_due', reason: 'trial_ended_awaiting_payment', due: sql`s.auto_renew and s.current_period_end <= n.now_at` },
  { from: 'active', to: 'past_due', reason: 'period_ended_awaiting_payment', due: sql`s.auto_renew and s.current_period_end <= n.now_at` },
  { from: 'active', to: 'grace', reason: 'period_ended', due: sql`not s.auto_renew and s.current_period_end <= n.now_at` },
  { from: 'trialing', to: 'expired', reason: 'trial_ended', due: sql`not s.auto_renew and s.current_period_end <= n.now_at` },
  { from: 'canceled', to: 'expired', reason: 'period_ended_after_cancel', due: sql`s.current_period_end <= n.now_at` },
  { from: 'past_due', to: 'expired', reason: 'grace_ended_unpaid', due: sql`s.grace_ends_at <= n.now_at` },
  { from: 'grace', to: 'expired', reason: 'grace_ended', due: sql`s.grace_ends_at <= n.now_at` },
];
for (const rule of rules) if (!canTransition(rule.from, rule.to)) throw new Error(`Period rule ${rule.from} → ${rule.to} is not a legal transition`);

/**
 * Moves every subscription whose period, trial or grace has run out, set-based: per rule one UPDATE of up to
 * `chunk` rows (each a legal transition, checked above against the transition table), their history rows
 * and events in the same transaction. A moved row no longer matches its rule, so reruns and overlapping
 * runs change nothing twice.
 */
export async function runPeriodEnds(deps: Pick<AppDeps, 'db' | 'clock' | 'jobs'>, chunk = 1000): Promise<number> {
  const now = deps.clock.now();
  let moved = 0;
  for (const rule of rules) {
    for (;;) {
      const n = await withTransaction(deps.db, (trx) => applyRule(trx, deps, rule, now, chunk));
      moved += n;
      if (n < chunk) break;
    }
  }
  return moved;
}

async function applyRule(trx: Db, deps: Pick<AppDeps, 'jobs'>, rule: PeriodRule, now: Date, chunk: number): Promise<number> {
  const ends = rule.to === 'expired';
  const rows = await sql<{ tenant_id: string; member_id: string; id: string; plan_id: string; grace_ends_at: Date | null }>`
    with n as (select ${now}::timestamptz as now_at),
    due as (
      select s.tenant_id, s.member_id, s.id from membership_subscriptions s, n
      where s.status = ${rule.from} and ${rule.due}
      order by s.tenant_id, s.member_id, s.id limit ${chunk} for update of s skip locked
    )
    update membership_subscriptions s set status = ${rule.to}, updated_at = now(),
      grace_ends_at = case when ${rule.to === 'past_due' || rule.to === 'grace'}::boolean
        then ((s.current_period_end at time zone t.time_zone) + make_interval(days => coalesce(ms.grace_days, 7))) at time zone t.time_zone
        else s.grace_ends_at end,
      ended_at = case when ${ends}::boolean then ${now}::timestamptz else s.ended_at end
    from due join tenants t on t.id = due.tenant_id left join membership_settings ms on ms.tenant_id = due.tenant_id
    where s.tenant_id = due.tenant_id and s.member_id = due.member_id and s.id = due.id and s.status = ${rule.from}
    returning s.tenant_id, s.member_id, s.id, s.plan_id, s.grace_ends_at`.execute(trx);
  if (!rows.rows.length) return 0;
  await trx
    .insertInto('membership_transitions')
    .values(rows.rows.map((r) => ({ tenant_id: r.tenant_id, member_id: r.member_id, id: uuidv7(), subscription_id: r.id, from_status: rule.from, to_status: rule.to, reason: rule.reason, payment_id: null, actor: membershipActor.label, at: now })))
    .execute();
  if (ends) {
    await sql`update membership_payments p set status = 'closed', closed_at = ${now}, updated_at = now(),
        notes = p.notes || jsonb_build_array(jsonb_build_object('at', ${now.toISOString()}::text, 'outcome', 'closed', 'why', 'expired'))
      from unnest(${rows.rows.map((r) => r.tenant_id)}::uuid[], ${rows.rows.map((r) => r.id)}::uuid[]) as x(tenant_id, subscription_id)
      where p.tenant_id = x.tenant_id and p.subscription_id = x.subscription_id and p.status = 'pending'`.execute(trx);
    await emitEvents(trx, deps.jobs, membershipActor, rows.rows.map((r) => ({ tenantId: r.tenant_id, type: 'membership.expired', payload: { member_id: r.member_id, subscription_id: r.id, plan_id: r.plan_id, reason: rule.reason } })));
  }
  return rows.rows.length;
}

/**
 * `membership.renewal_due` once per subscription and period, N days (tenant setting, tenant calendar)
 * before the period or trial ends: the reminder row's key is (subscription, period end), inserted with
 * on conflict do nothing, and only new rows emit. Where auto-renew is on, the renewal payment is opened in
 * the same transaction (one per period, by a unique index) for the member to confirm.
 */
export async function sendRenewalReminders(deps: Pick<AppDeps, 'db' | 'clock' | 'jobs'>): Promise<number> {
  const now = deps.clock.now();
  return withTransaction(deps.db, async (trx) => {
    const due = await sql<{ tenant_id: string; member_id: string; subscription_id: string; period_end: Date; plan_id: string; auto_renew: boolean; provider: string; price_fen: number; reminder_days: number }>`
      insert into membership_renewal_reminders (tenant_id, member_id, subscription_id, period_end)
      select s.tenant_id, s.member_id, s.id, s.current_period_end
      from membership_subscriptions s join tenants t on t.id = s.tenant_id left join membership_settings ms on ms.tenant_id = s.tenant_id
      where s.status in ('trialing', 'active') and s.current_period_end > ${now}
        and s.current_period_end <= ((${now}::timestamptz at time zone t.time_zone) + make_interval(days => coalesce(ms.reminder_days, 7))) at time zone t.time_zone
      on conflict do nothing
      returning tenant_id, member_id, subscription_id, period_end`.execute(trx);
    if (!due.rows.length) return 0;
    const details = await sql<{ tenant_id: string; member_id: string; subscription_id: string; period_end: Date; plan_id: string; auto_renew: boolean; provider: string; price_fen: number; payment_id: string }>`
      select x.tenant_id, x.member_id, x.subscription_id, x.period_end, s.plan_id, s.auto_renew, s.provider, p.price_fen, x.payment_id
      from unnest(${due.rows.map((r) => r.tenant_id)}::uuid[], ${due.rows.map((r) => r.member_id)}::uuid[], ${due.rows.map((r) => r.subscription_id)}::uuid[],
                  ${due.rows.map((r) => r.period_end)}::timestamptz[], ${due.rows.map(() => uuidv7())}::uuid[]) as x(tenant_id, member_id, subscription_id, period_end, payment_id)
      join membership_subscriptions s on s.tenant_id = x.tenant_id and s.member_id = x.member_id and s.id = x.subscription_id
      join membership_plans p on p.tenant_id = s.tenant_id and p.id = s.plan_id`.execute(trx);
    const renewals = details.rows.filter((r) => r.auto_renew);
    const opened = renewals.length
      ? await trx
          .insertInto('membership_payments')
          .values(renewals.map((r) => ({ tenant_id: r.tenant_id, member_id: r.member_id, id: r.payment_id, out_trade_no: `HM${r.payment_id.replaceAll('-', '')}`, subscription_id: r.subscription_id, plan_id: r.plan_id, kind: 'renewal' as const, provider: r.provider as 'offline' | 'wechat', amount_fen: r.price_fen, status: 'pending' as const, payer_openid: null, prepay_id: null, provider_txn_id: null, for_period_end: r.period_end, paid_at: null, closed_at: null, last_queried_at: null, notes: JSON.stringify([{ at: now.toISOString(), outcome: 'opened_for_renewal' }]), created_at: now })))
          .onConflict((oc) => oc.doNothing())
          .returning(['id'])
          .execute()
      : [];
    const openedIds = new Set(opened.map((o) => o.id));
    await emitEvents(
      trx,
      deps.jobs,
      membershipActor,
      details.rows.map((r) => ({
        tenantId: r.tenant_id,
        type: 'membership.renewal_due',
        payload: { member_id: r.member_id, subscription_id: r.subscription_id, plan_id: r.plan_id, period_end: r.period_end.toISOString(), auto_renew: r.auto_renew, amount_fen: r.price_fen, renewal_payment_id: openedIds.has(r.payment_id) ? r.payment_id : null },
      })),
    );
    return details.rows.length;
  });
}

/**
 * For payments whose notification has not come: asks the provider after query_after_minutes and applies
 * what it says (the same settle path as a notification), closes purchases and upgrades left unpaid past
 * payment_timeout_minutes (renewal payments stay open until the subscription expires), and retries refunds
 * the provider did not accept.
 */
export async function checkPendingPayments(deps: AppDeps): Promise<{ queried: number; applied: number; closed: number; refunds_retried: number }> {
  const now = deps.clock.now();
  const stats = { queried: 0, applied: 0, closed: 0, refunds_retried: 0 };
  const waiting = await sql<{ tenant_id: string; member_id: string; id: string; out_trade_no: string }>`
    select p.tenant_id, p.member_id, p.id, p.out_trade_no from membership_payments p left join membership_settings ms on ms.tenant_id = p.tenant_id
    where p.status = 'pending' and p.provider = 'wechat' and p.prepay_id is not null
      and p.created_at <= ${now}::timestamptz - make_interval(mins => coalesce(ms.query_after_minutes, 5))
      and (p.last_queried_at is null or p.last_queried_at <= ${now}::timestamptz - interval '1 minute')
    order by p.created_at limit 200`.execute(deps.db);
  for (const p of waiting.rows) {
    stats.queried += 1;
    try {
      const provider = await getProvider(deps, deps.db, p.tenant_id, 'wechat');
      const notice = await provider.queryStatus(p.out_trade_no);
      if (notice.state === 'paid') {
        if ((await settlePayment(deps, systemCtx(p.tenant_id), p, { transactionId: notice.transactionId, amountFen: notice.amountFen, paidAt: notice.paidAt, source: 'query' })) === 'applied') stats.applied += 1;
      } else if (notice.state === 'closed' || notice.state === 'failed') {
        await deps.db.updateTable('membership_payments').set({ status: 'closed', closed_at: now, updated_at: sql`now()` }).where('tenant_id', '=', p.tenant_id).where('member_id', '=', p.member_id).where('id', '=', p.id).where('status', '=', 'pending').execute();
      }
    } catch (err) {
      deps.log.warn({ err, payment: p.id }, 'membership payment status query failed');
    }
    await deps.db.updateTable('membership_payments').set({ last_queried_at: now }).where('tenant_id', '=', p.tenant_id).where('member_id', '=', p.member_id).where('id', '=', p.id).execute();
  }
  const closed = await sql`
    update membership_payments p set status = 'closed', closed_at = ${now}, updated_at = now(),
      notes = p.notes || jsonb_build_array(jsonb_build_object('at', ${now.toISOString()}::text, 'outcome', 'closed', 'why', 'timeout'))
    from tenants t left join membership_settings ms on ms.tenant_id = t.id
    where t.id = p.tenant_id and p.status = 'pending' and p.kind <> 'renewal'
      and p.created_at <= ${now}::timestamptz - make_interval(mins => coalesce(ms.payment_timeout_minutes, 120))`.execute(deps.db);
  stats.closed = Number(closed.numAffectedRows ?? 0);
  const refunds = await deps.db.selectFrom('membership_refunds').select(['tenant_id', 'member_id', 'id']).where('status', 'in', ['pending', 'failed']).where('created_at', '<=', new Date(now.getTime() - 60_000)).orderBy('created_at').limit(100).execute();
  for (const r of refunds) {
    await executeRefund(deps, r.tenant_id, r.member_id, r.id);
    stats.refunds_retried += 1;
  }
  return stats;
}

export function registerMembershipJobs(registry: JobRegistry) {
  registry.define({ name: 'membership.period_ends', transactional: false, handler: async ({ deps }) => ({ moved: await runPeriodEnds(deps) }) });
  registry.define({ name: 'membership.renewal_reminders', transactional: false, handler: async ({ deps }) => ({ sent: await sendRenewalReminders(deps) }) });
  // Talks to the payment provider, so it runs outside a transaction; every step it takes is idempotent.
  registry.define({ name: 'membership.pending_payments', transactional: false, handler: async ({ deps }) => checkPendingPayments(deps) });
  registry.schedule('membership.period_ends', '23 * * * *', { runAtStart: true });
  registry.schedule('membership.renewal_reminders', '33 * * * *', { runAtStart: true });
  registry.schedule('membership.pending_payments', '* * * * *');
}
