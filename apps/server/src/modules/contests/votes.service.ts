import { sql } from 'kysely';
import { DateTime } from 'luxon';
import { v7 as uuidv7 } from 'uuid';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { AppError } from '../../http/errors.ts';
import { emitEvent } from '../../jobs/outbox.ts';
import { trackEvents } from '../members/events.service.ts';
import { contestRow, entryRow } from './contests.service.ts';

/**
 * A member's vote for an approved entry during voting, never their own. The limits (per day in the tenant's
 * zone, and in the whole contest) are counted under a transaction-scoped advisory lock on (contest, voter),
 * so a member's simultaneous votes are counted one after the other; members never wait for each other.
 */
export async function vote(deps: AppDeps, ctx: RequestContext, memberId: string, entryId: string) {
  const entry = await entryRow(deps.db, ctx.tenantId, entryId);
  if (entry.status !== 'approved') throw new AppError('NOT_FOUND', 'Entry not found');
  if (entry.member_id === memberId) throw new AppError('CONTEST_SELF_VOTE', 'You cannot vote for your own entry', { errors: [{ field: 'entry_id', code: 'own_entry', message: 'your own entry' }] });
  const contest = await contestRow(deps.db, ctx.tenantId, entry.contest_id);
  const now = deps.clock.now();
  if (now < contest.vote_from || now >= contest.vote_until || contest.finalized_at) throw new AppError('CONTEST_NOT_OPEN', 'Voting is not open');
  const zone = (await deps.db.selectFrom('tenants').select('time_zone').where('id', '=', ctx.tenantId).executeTakeFirstOrThrow()).time_zone;
  const day = DateTime.fromJSDate(now, { zone }).toISODate()!;
  return withTransaction(deps.db, async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtextextended(${`contest-vote:${ctx.tenantId}:${contest.id}:${memberId}`}, 0))`.execute(trx);
    const counts = await trx
      .selectFrom('contest_votes')
      .select([(eb) => eb.fn.countAll<number>().as('total'), sql<number>`count(*) filter (where local_day = ${day}::date)`.as('today')])
      .where('tenant_id', '=', ctx.tenantId)
      .where('contest_id', '=', contest.id)
      .where('member_id', '=', memberId)
      .executeTakeFirstOrThrow();
    const [total, today] = [Number(counts.total), Number(counts.today)];
    if (today >= contest.votes_per_day) throw new AppError('CONTEST_VOTE_LIMIT', `${contest.votes_per_day} votes a day`, { errors: [{ field: 'entry_id', code: 'daily_limit', message: `at most ${contest.votes_per_day} votes today` }] });
    if (total >= contest.votes_total) throw new AppError('CONTEST_VOTE_LIMIT', `${contest.votes_total} votes in this contest`, { errors: [{ field: 'entry_id', code: 'total_limit', message: `at most ${contest.votes_total} votes in all` }] });
    await trx.insertInto('contest_votes').values({ tenant_id: ctx.tenantId, member_id: memberId, id: uuidv7(), contest_id: contest.id, entry_id: entryId, local_day: day, created_at: now }).execute();
    const updated = await trx.updateTable('contest_entries').set({ votes: sql`votes + 1` }).where('tenant_id', '=', ctx.tenantId).where('member_id', '=', entry.member_id).where('id', '=', entryId).returning('votes').executeTakeFirstOrThrow();
    await emitEvent(trx, deps.jobs, ctx, 'contest.voted', { contest_id: contest.id, entry_id: entryId, member_id: memberId });
    return { votes: updated.votes, left_today: contest.votes_per_day - today - 1, left_total: contest.votes_total - total - 1 };
  });
}

/**
 * A member shared an approved entry: recorded as the behaviour event `share` through the members' events
 * (what the analytics influence index weighs), keyed by the client's share id so a retry counts once, and
 * counted on the entry.
 */
export async function share(deps: AppDeps, ctx: RequestContext, memberId: string, entryId: string, input: { share_id: string; channel?: string }) {
  const entry = await entryRow(deps.db, ctx.tenantId, entryId);
  if (entry.status !== 'approved') throw new AppError('NOT_FOUND', 'Entry not found');
  return withTransaction(deps.db, async (trx) => {
    const tracked = await trackEvents({ ...deps, db: trx }, ctx, [
      { client_event_id: `contest-share:${entryId}:${memberId}:${input.share_id}`, type: 'share', occurred_at: deps.clock.now().toISOString(), member_id: memberId, properties: { contest_id: entry.contest_id, entry_id: entryId, ...(input.channel && { channel: input.channel }) } },
    ]);
    if (!tracked.accepted) return { shares: (await entryRow(trx, ctx.tenantId, entryId)).shares, counted: false };
    const row = await trx.updateTable('contest_entries').set({ shares: sql`shares + 1` }).where('tenant_id', '=', ctx.tenantId).where('member_id', '=', entry.member_id).where('id', '=', entryId).returning('shares').executeTakeFirstOrThrow();
    return { shares: row.shares, counted: true };
  });
}
