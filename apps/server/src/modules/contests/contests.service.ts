import type { Selectable } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { z } from 'zod';
import type { Contest, ContestInput, Entry, contestRewardSchema, entryInputSchema } from '@hearth/contracts/contests';
import type { Db } from '../../db/database.ts';
import { isUniqueViolation } from '../../db/errors.ts';
import type { DB } from '../../db/schema.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { AppError, notFound } from '../../http/errors.ts';
import { emitEvent } from '../../jobs/outbox.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { issueCoupon } from '../coupons/issuance.service.ts';
import { memberNumbers } from '../members/members.service.ts';
import { adjustPoints } from '../points/points.service.ts';
import './contests.tables.ts';

type ContestRow = Selectable<DB['contests']>;
type EntryRow = Selectable<DB['contest_entries']>;
type Reward = z.infer<typeof contestRewardSchema>;
const parsed = <T>(value: unknown): T => (typeof value === 'string' ? (JSON.parse(value) as T) : (value as T));

export async function createContest(deps: AppDeps, ctx: RequestContext, input: ContestInput): Promise<Contest> {
  return withTransaction(deps.db, async (trx) => {
    const row = await trx
      .insertInto('contests')
      .values({ tenant_id: ctx.tenantId, id: uuidv7(), title: input.title, description: input.description ?? null, submit_from: new Date(input.submit_from), submit_until: new Date(input.submit_until), vote_from: new Date(input.vote_from), vote_until: new Date(input.vote_until), votes_per_day: input.votes_per_day, votes_total: input.votes_total, vote_weight_bp: input.vote_weight_bp, rewards: JSON.stringify(input.rewards) })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, ctx, { action: 'contest.create', resourceType: 'contest', resourceId: row.id, details: { title: input.title } });
    return contestOut(row);
  });
}

export async function listContests(deps: AppDeps, ctx: RequestContext): Promise<Contest[]> {
  return (await deps.db.selectFrom('contests').selectAll().where('tenant_id', '=', ctx.tenantId).orderBy('id', 'desc').limit(200).execute()).map(contestOut);
}

export async function getContest(deps: AppDeps, ctx: RequestContext, id: string): Promise<Contest> {
  return contestOut(await contestRow(deps.db, ctx.tenantId, id));
}

/** A member's entry, once per contest, inside the submission window; it waits for moderation. */
export async function submitEntry(deps: AppDeps, ctx: RequestContext, memberId: string, contestId: string, input: z.infer<typeof entryInputSchema>): Promise<Entry> {
  const contest = await contestRow(deps.db, ctx.tenantId, contestId);
  const now = deps.clock.now();
  if (now < contest.submit_from || now >= contest.submit_until) throw new AppError('CONTEST_NOT_OPEN', 'Entries are not accepted now');
  try {
    return await withTransaction(deps.db, async (trx) => {
      const row = await trx
        .insertInto('contest_entries')
        .values({ tenant_id: ctx.tenantId, member_id: memberId, id: uuidv7(), contest_id: contestId, title: input.title, text: input.text, image_urls: JSON.stringify(input.image_urls), created_at: now })
        .returningAll()
        .executeTakeFirstOrThrow();
      await emitEvent(trx, deps.jobs, ctx, 'contest.submitted', { contest_id: contestId, entry_id: row.id, member_id: memberId });
      return (await entriesOut(trx, ctx.tenantId, [row]))[0]!;
    });
  } catch (error) {
    if (isUniqueViolation(error, 'contest_entries_once')) throw new AppError('CONFLICT', 'You have already entered this contest', { errors: [{ field: 'contest_id', code: 'already_entered', message: 'one entry per member' }] });
    throw error;
  }
}

/** Entries of a contest: for operators any status, for members and voters only approved ones; most votes first. */
export async function listEntries(deps: AppDeps, ctx: RequestContext, contestId: string, query: { status?: Entry['status'] }): Promise<Entry[]> {
  await contestRow(deps.db, ctx.tenantId, contestId);
  let q = deps.db.selectFrom('contest_entries').selectAll().where('tenant_id', '=', ctx.tenantId).where('contest_id', '=', contestId).orderBy('votes', 'desc').orderBy('id').limit(500);
  if (query.status) q = q.where('status', '=', query.status);
  return entriesOut(deps.db, ctx.tenantId, await q.execute());
}

export async function moderateEntry(deps: AppDeps, ctx: RequestContext, entryId: string, input: { status: 'approved' | 'rejected'; reason?: string }): Promise<Entry> {
  return withTransaction(deps.db, async (trx) => {
    const entry = await entryRow(trx, ctx.tenantId, entryId);
    const row = await trx
      .updateTable('contest_entries')
      .set({ status: input.status, reject_reason: input.status === 'rejected' ? input.reason! : null, moderated_at: deps.clock.now() })
      .where('tenant_id', '=', ctx.tenantId)
      .where('member_id', '=', entry.member_id)
      .where('id', '=', entryId)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, ctx, { action: 'contest.moderate', resourceType: 'contest_entry', resourceId: entryId, details: { status: input.status, reason: input.reason ?? null } });
    await emitEvent(trx, deps.jobs, ctx, `contest.entry_${input.status}`, { contest_id: entry.contest_id, entry_id: entryId, member_id: entry.member_id });
    return (await entriesOut(trx, ctx.tenantId, [row]))[0]!;
  });
}

export async function scoreByJury(deps: AppDeps, ctx: RequestContext, entryId: string, score: number): Promise<Entry> {
  const entry = await entryRow(deps.db, ctx.tenantId, entryId);
  const row = await deps.db.updateTable('contest_entries').set({ jury_score: score }).where('tenant_id', '=', ctx.tenantId).where('member_id', '=', entry.member_id).where('id', '=', entryId).returningAll().executeTakeFirstOrThrow();
  await recordAudit(deps.db, ctx, { action: 'contest.jury_score', resourceType: 'contest_entry', resourceId: entryId, details: { score } });
  return (await entriesOut(deps.db, ctx.tenantId, [row]))[0]!;
}

/**
 * Closes the contest after voting: every approved entry scores `vote_weight × votes / most votes + (1 −
 * vote_weight) × jury score` (both on 0–100; an entry the jury did not score counts 0 there), ties going to
 * the earlier entry; the first as many as there are rewards win and get their place's reward (points and
 * coupons keyed by contest and place). Under the contest's row lock and once: a second call returns the winners.
 */
export async function finalizeContest(deps: AppDeps, ctx: RequestContext, contestId: string) {
  await withTransaction(deps.db, async (trx) => {
    const contest = await trx.selectFrom('contests').selectAll().where('tenant_id', '=', ctx.tenantId).where('id', '=', contestId).forUpdate().executeTakeFirst();
    if (!contest) throw notFound('Contest');
    if (contest.finalized_at) return;
    if (deps.clock.now() < contest.vote_until) throw new AppError('CONTEST_NOT_OPEN', 'Voting has not ended yet');
    const entries = await trx.selectFrom('contest_entries').selectAll().where('tenant_id', '=', ctx.tenantId).where('contest_id', '=', contestId).where('status', '=', 'approved').execute();
    const most = Math.max(1, ...entries.map((e) => e.votes));
    const ranked = entries
      // Hundredths of a 0–100 score.
      .map((e) => ({ e, score: Math.round(((contest.vote_weight_bp * e.votes * 100) / most + (10_000 - contest.vote_weight_bp) * (e.jury_score ?? 0)) / 100) }))
      .sort((x, y) => y.score - x.score || (x.e.id < y.e.id ? -1 : 1));
    const rewards = parsed<Reward[]>(contest.rewards);
    const tx = { ...deps, db: trx };
    for (const [i, { e, score }] of ranked.slice(0, rewards.length).entries()) {
      const reward = rewards[i]!;
      const key = `contest:${contestId}:${i + 1}`;
      const ref =
        reward.kind === 'points'
          ? `points:${(await adjustPoints(tx, ctx, e.member_id, { points: reward.points, reason: `评选大赛第 ${i + 1} 名 ${contest.title} / contest place ${i + 1}`, external_id: key })).transaction_id}`
          : `coupon:${(await issueCoupon(tx, ctx, { template_id: reward.template_id, member_id: e.member_id, quantity: 1, issuance_key: key })).coupons[0]!.id}`;
      await trx.insertInto('contest_winners').values({ tenant_id: ctx.tenantId, contest_id: contestId, rank: i + 1, entry_id: e.id, member_id: e.member_id, score, reward_ref: ref }).execute();
      await emitEvent(trx, deps.jobs, ctx, 'contest.won', { contest_id: contestId, entry_id: e.id, member_id: e.member_id, rank: i + 1 });
    }
    await trx.updateTable('contests').set({ finalized_at: deps.clock.now() }).where('tenant_id', '=', ctx.tenantId).where('id', '=', contestId).execute();
    await recordAudit(trx, ctx, { action: 'contest.finalize', resourceType: 'contest', resourceId: contestId, details: { winners: Math.min(rewards.length, ranked.length) } });
  });
  return listWinners(deps, ctx, contestId);
}

export async function listWinners(deps: AppDeps, ctx: RequestContext, contestId: string) {
  await contestRow(deps.db, ctx.tenantId, contestId);
  const rows = await deps.db
    .selectFrom('contest_winners as w')
    .innerJoin('contest_entries as e', (j) => j.onRef('e.tenant_id', '=', 'w.tenant_id').onRef('e.id', '=', 'w.entry_id'))
    .select(['w.rank', 'w.entry_id', 'w.member_id', 'w.score', 'w.reward_ref', 'e.title', 'e.votes', 'e.jury_score'])
    .where('w.tenant_id', '=', ctx.tenantId)
    .where('w.contest_id', '=', contestId)
    .orderBy('w.rank')
    .execute();
  const numbers = await memberNumbers(deps.db, ctx.tenantId, rows.map((r) => r.member_id));
  return rows.map((r) => ({ rank: r.rank, entry_id: r.entry_id, member_id: r.member_id, member_no: numbers.get(r.member_id) ?? null, title: r.title, votes: r.votes, jury_score: r.jury_score, score: r.score / 100, reward_ref: r.reward_ref }));
}

export async function contestRow(db: Db, tenantId: string, id: string): Promise<ContestRow> {
  const row = await db.selectFrom('contests').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Contest');
  return row;
}

export async function entryRow(db: Db, tenantId: string, id: string): Promise<EntryRow> {
  const row = await db.selectFrom('contest_entries').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Entry');
  return row;
}

function contestOut(r: ContestRow): Contest {
  return {
    id: r.id,
    title: r.title,
    description: r.description,
    submit_from: r.submit_from.toISOString(),
    submit_until: r.submit_until.toISOString(),
    vote_from: r.vote_from.toISOString(),
    vote_until: r.vote_until.toISOString(),
    votes_per_day: r.votes_per_day,
    votes_total: r.votes_total,
    vote_weight_bp: r.vote_weight_bp,
    rewards: parsed(r.rewards),
    finalized_at: r.finalized_at?.toISOString() ?? null,
    created_at: r.created_at.toISOString(),
  };
}

export async function entriesOut(db: Db, tenantId: string, rows: EntryRow[]): Promise<Entry[]> {
  const numbers = await memberNumbers(db, tenantId, rows.map((r) => r.member_id));
  return rows.map((r) => ({ id: r.id, contest_id: r.contest_id, member_id: r.member_id, member_no: numbers.get(r.member_id) ?? null, title: r.title, text: r.text, image_urls: parsed(r.image_urls), status: r.status, reject_reason: r.reject_reason, votes: r.votes, shares: r.shares, jury_score: r.jury_score, created_at: r.created_at.toISOString() }));
}

