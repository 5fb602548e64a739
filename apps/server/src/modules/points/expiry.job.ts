import { sql } from 'kysely';
import { DateTime } from 'luxon';
import { v7 as uuidv7 } from 'uuid';
import type { Db } from '../../db/database.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps } from '../../deps.ts';
import type { JobRegistry } from '../../jobs/registry.ts';
import { canInlineEvent, emitEvents } from '../../jobs/outbox.ts';
import { loadPointsSetup, pointsValueFen } from './ledger.ts';
import { releaseExpiredHolds, systemActor } from './redemptions.service.ts';

export interface ExpiryOptions {
  /** Members per chunk: each chunk is one short transaction that locks only these members' accounts. */
  membersPerChunk?: number;
  signal?: AbortSignal;
  onChunk?(expiredLots: number): Promise<void> | void;
}

/**
 * Expires every lot whose time has come, in chunks of members. Each chunk is one transaction: it locks
 * the chunk's accounts (in key order, so it never deadlocks with a spend), zeroes their due lots (each lot
 * keeps how much expired and in which transaction: its trail) and writes one `expire` transaction per
 * member with its postings and events, all in one statement. A chunk either commits
 * whole or not at all, and a lot with nothing left is never picked again, so the job can be killed at
 * any moment and rerun: every due lot expires exactly once.
 */
export async function expireDuePoints(deps: Pick<AppDeps, 'db' | 'clock' | 'jobs'>, options: ExpiryOptions = {}): Promise<{ lots: number; members: number; points: number }> {
  const perChunk = options.membersPerChunk ?? 1000;
  const totals = { lots: 0, members: 0, points: 0 };
  for (;;) {
    if (options.signal?.aborted) break;
    const now = deps.clock.now();
    const chunk = await withTransaction(deps.db, (trx) => expireChunk(trx, deps, now, perChunk));
    if (!chunk.members) break;
    totals.lots += chunk.lots;
    totals.members += chunk.members;
    totals.points += chunk.points;
    await options.onChunk?.(chunk.lots);
  }
  return totals;
}

async function expireChunk(trx: Db, deps: Pick<AppDeps, 'jobs'>, now: Date, perChunk: number) {
  // The soonest-due lots name the members of this chunk (the partial index on expires_at finds them).
  const due = await sql<{ tenant_id: string; member_id: string }>`
    select distinct tenant_id, member_id from (
      select tenant_id, member_id from points_lots
      where remaining > 0 and expires_at <= ${now}
      order by expires_at limit ${perChunk * 4}) d
    order by tenant_id, member_id limit ${perChunk}`.execute(trx);
  if (!due.rows.length) return { lots: 0, members: 0, points: 0 };
  const tenants = due.rows.map((r) => r.tenant_id);
  const members = due.rows.map((r) => r.member_id);
  // Ids made here (time-ordered, like every other id) so the one statement below can use them.
  const txnIds = members.map(() => uuidv7());
  const expiredEventIds = members.map(() => uuidv7());
  const balanceEventIds = members.map(() => uuidv7());
  const inlineEvents = canInlineEvent(deps.jobs, 'points.expired') && canInlineEvent(deps.jobs, 'points.balance_changed');
  await sql`
    select 1 from points_accounts a
    join unnest(${tenants}::uuid[], ${members}::uuid[]) as m(tenant_id, member_id) using (tenant_id, member_id)
    order by a.tenant_id, a.member_id for update of a`.execute(trx);
  const expired = await sql<{ tenant_id: string; member_id: string; txn_id: string; points: number; lots: number; balance: number; held: number; debt: number }>`
    with m(tenant_id, member_id, txn_id, expired_event_id, balance_event_id) as (
      select * from unnest(${tenants}::uuid[], ${members}::uuid[], ${txnIds}::uuid[], ${expiredEventIds}::uuid[], ${balanceEventIds}::uuid[])
    ),
    -- expired_points takes the lot's remaining before it is zeroed (SET sees the old row): one pass, no re-read.
    zeroed as (
      update points_lots l set expired_points = l.remaining, remaining = 0, expired_txn_id = m.txn_id from m
      where l.tenant_id = m.tenant_id and l.member_id = m.member_id and l.remaining > 0 and l.expires_at <= ${now}
      returning l.tenant_id, l.member_id, l.expired_points
    ),
    per_member as (
      select z.tenant_id, z.member_id, m.txn_id, m.expired_event_id, m.balance_event_id, sum(z.expired_points)::bigint as points, count(*)::int as lots
      from zeroed z join m using (tenant_id, member_id) group by 1, 2, 3, 4, 5
    ),
    txns as (
      insert into points_transactions (tenant_id, member_id, id, kind, points, details, actor)
      select tenant_id, member_id, txn_id, 'expire', -points, jsonb_build_object('lots', lots), ${systemActor.label} from per_member
    ),
    postings as (
      insert into points_postings (tenant_id, member_id, txn_id, account, amount)
      select tenant_id, member_id, txn_id, 'member', -points from per_member
      union all
      select tenant_id, member_id, txn_id, 'expired', points from per_member
    ),
    accounts as (
      update points_accounts a set balance = a.balance - p.points, updated_at = now() from per_member p
      where a.tenant_id = p.tenant_id and a.member_id = p.member_id
      returning a.tenant_id, a.member_id, a.balance, a.held, a.debt, p.txn_id, p.points, p.lots, p.balance_event_id
    ),
    events as (
      insert into domain_events (tenant_id, id, type, payload, actor_type)
      select tenant_id, expired_event_id, 'points.expired', jsonb_build_object('member_id', member_id, 'points', points, 'lots', lots, 'transaction_id', txn_id), 'system'
      from per_member where ${inlineEvents}::boolean
      union all
      select tenant_id, balance_event_id, 'points.balance_changed', jsonb_build_object('member_id', member_id, 'balance', balance, 'held', held, 'debt', debt, 'cause', 'points.expired'), 'system'
      from accounts where ${inlineEvents}::boolean
    )
    select tenant_id, member_id, txn_id, points, lots, balance, held, debt from accounts`.execute(trx);
  if (!inlineEvents) {
    await emitEvents(
      trx,
      deps.jobs,
      systemActor,
      expired.rows.flatMap((r) => [
        { tenantId: r.tenant_id, type: 'points.expired', payload: { member_id: r.member_id, points: r.points, lots: r.lots, transaction_id: r.txn_id } },
        { tenantId: r.tenant_id, type: 'points.balance_changed', payload: { member_id: r.member_id, balance: r.balance, held: r.held, debt: r.debt, cause: 'points.expired' } },
      ]),
    );
  }
  return { lots: expired.rows.reduce((s, r) => s + r.lots, 0), members: expired.rows.length, points: expired.rows.reduce((s, r) => s + r.points, 0) };
}

/**
 * Emits `points.expiring` for each member whose points expire N days from today (N from the tenant's
 * reminder_days, in the tenant's calendar), once per member, expiry date and N however often it runs.
 */
export async function remindExpiringPoints(deps: Pick<AppDeps, 'db' | 'clock' | 'jobs'>): Promise<number> {
  const tenants = await deps.db.selectFrom('tenants').select('id').where('status', '=', 'active').execute();
  let sent = 0;
  for (const tenant of tenants) {
    const setup = await loadPointsSetup(deps.db, tenant.id);
    const today = DateTime.fromJSDate(deps.clock.now(), { zone: setup.timeZone }).startOf('day');
    for (const days of setup.settings.reminder_days) {
      const from = today.plus({ days }).toJSDate();
      const to = today.plus({ days: days + 1 }).toJSDate();
      sent += await withTransaction(deps.db, async (trx) => {
        // expires_at is the first instant the points are gone: the member can use them until the day before.
        const inserted = await sql<{ member_id: string; expires_on: string; points: number }>`
          insert into points_expiry_reminders (tenant_id, member_id, expires_on, days_before, points)
          select tenant_id, member_id, (min(expires_at) at time zone ${setup.timeZone})::date, ${days}, sum(remaining)::bigint
          from points_lots
          where tenant_id = ${tenant.id} and remaining > 0 and expires_at >= ${from} and expires_at < ${to}
          group by tenant_id, member_id
          on conflict do nothing
          returning member_id, to_char(expires_on, 'YYYY-MM-DD') as expires_on, points`.execute(trx);
        await emitEvents(
          trx,
          deps.jobs,
          systemActor,
          inserted.rows.map((r) => ({
            tenantId: tenant.id,
            type: 'points.expiring',
            payload: {
              member_id: r.member_id,
              points: Number(r.points),
              value_fen: pointsValueFen(Number(r.points), setup.settings),
              expires_at: from.toISOString(),
              last_day: DateTime.fromJSDate(from, { zone: setup.timeZone }).minus({ days: 1 }).toISODate(),
              days_before: days,
              link: '/m/points',
            },
          })),
        );
        return inserted.rows.length;
      });
    }
  }
  return sent;
}

export function registerPointsJobs(registry: JobRegistry) {
  registry.define({
    name: 'points.expire',
    transactional: false,
    maxAttempts: 10,
    handler: async ({ deps, signal, progress }) => {
      let done = 0;
      return expireDuePoints(deps, { signal, onChunk: (lots) => progress((done += lots), 0) });
    },
  });
  registry.define({ name: 'points.remind_expiring', transactional: false, handler: async ({ deps }) => ({ sent: await remindExpiringPoints(deps) }) });
  registry.define({ name: 'points.release_holds', transactional: false, handler: async ({ deps }) => ({ released: await releaseExpiredHolds(deps) }) });
  // Lots expire at midnight in each tenant's own time zone, so the job runs hourly rather than at one
  // nightly hour; most runs find nothing and cost one index probe.
  registry.schedule('points.expire', '7 * * * *', { runAtStart: true });
  registry.schedule('points.remind_expiring', '17 * * * *', { runAtStart: true });
  registry.schedule('points.release_holds', '* * * * *');
}
