import { sql, type Selectable } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { z } from 'zod';
import type { ballotInputSchema } from '@hearth/contracts/pricing';
import type { Db } from '../../db/database.ts';
import { isUniqueViolation } from '../../db/errors.ts';
import type { DB } from '../../db/schema.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { AppError, notFound, validationError } from '../../http/errors.ts';
import { decodeCursor, toPage } from '../../http/pagination.ts';
import { emitEvent, emitEvents } from '../../jobs/outbox.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { getMemberRow } from '../members/members.service.ts';
import { productsBySku } from '../products/products.service.ts';
import { DRAW_ALGORITHM, newSeed, rankEntrants } from './draw.ts';
import { checkEligibility, normalizeEligibility } from './eligibility.ts';
import './pricing.tables.ts';

type BallotRow = Selectable<DB['ballots']>;
type EntryRow = Selectable<DB['ballot_entries']>;
const UPDATE_CHUNK = 5_000;

/** A ballot commits to its seed at creation: the seed's SHA-256 is public from then on, the seed after the draw. */
export async function createBallot(deps: AppDeps, ctx: RequestContext, input: z.infer<typeof ballotInputSchema>) {
  if (!(await productsBySku(deps.db, ctx.tenantId, [input.sku])).size) throw validationError([{ field: 'sku', code: 'unknown_sku', message: 'no such product' }]);
  const { seed, hash } = newSeed();
  return withTransaction(deps.db, async (trx) => {
    const row = await trx
      .insertInto('ballots')
      .values({
        tenant_id: ctx.tenantId,
        id: uuidv7(),
        name: input.name,
        sku: input.sku,
        quantity: input.quantity,
        eligibility: JSON.stringify(input.eligibility),
        entry_opens_at: new Date(input.entry_opens_at),
        entry_closes_at: new Date(input.entry_closes_at),
        seed,
        seed_hash: hash,
        drawn_at: null,
        entries_count: null,
        benefit_ref: input.benefit_ref ?? null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, ctx, { action: 'ballot.create', resourceType: 'ballot', resourceId: row.id, details: { sku: row.sku, quantity: row.quantity, seed_hash: hash } });
    return (await serializeBallots(trx, ctx.tenantId, [row]))[0]!;
  });
}

export async function listBallots(deps: AppDeps, ctx: RequestContext) {
  const rows = await deps.db.selectFrom('ballots').selectAll().where('tenant_id', '=', ctx.tenantId).orderBy('id', 'desc').limit(200).execute();
  return serializeBallots(deps.db, ctx.tenantId, rows);
}

export async function getBallot(deps: AppDeps, ctx: RequestContext, id: string) {
  return (await serializeBallots(deps.db, ctx.tenantId, [await getBallotRow(deps.db, ctx.tenantId, id)]))[0]!;
}

/** A member enters once while entries are open, if eligible; entering again answers with the first entry. */
export async function enterBallot(deps: AppDeps, ctx: RequestContext, ballotId: string, memberId: string): Promise<{ entry: ReturnType<typeof serializeEntry>; created: boolean }> {
  const ballot = await getBallotRow(deps.db, ctx.tenantId, ballotId);
  const member = await getMemberRow(deps.db, ctx, memberId);
  const existing = await findEntry(deps.db, ctx.tenantId, ballot.id, member.id);
  if (existing) return { entry: serializeEntry(existing), created: false };
  const now = deps.clock.now();
  if (ballot.status !== 'open' || now < ballot.entry_opens_at || now >= ballot.entry_closes_at) throw new AppError('BALLOT_NOT_OPEN', 'Entries are not open');
  if (member.status !== 'active') throw new AppError('MEMBER_NOT_ACTIVE', 'The member is not active', { errors: [{ field: 'member_id', code: 'not_active', message: `member is ${member.status}` }] });
  if (!(await checkEligibility(deps.db, ctx.tenantId, member.id, normalizeEligibility(ballot.eligibility), now)).eligible) {
    throw new AppError('MEMBER_NOT_ELIGIBLE', 'The member may not enter this ballot', { errors: [{ field: 'member_id', code: 'not_eligible', message: 'the member matches none of the ballot’s eligibility rules' }] });
  }
  try {
    const row = await withTransaction(deps.db, async (trx) => {
      // The ballot row is read `for share` so a draw (which locks it for update) cannot run between this
      // check and the insert: an entry either counts in the draw or is refused.
      const open = await trx.selectFrom('ballots').select('status').where('tenant_id', '=', ctx.tenantId).where('id', '=', ballot.id).forShare().executeTakeFirstOrThrow();
      if (open.status !== 'open') throw new AppError('BALLOT_NOT_OPEN', 'The ballot has been drawn');
      return trx
        .insertInto('ballot_entries')
        .values({ tenant_id: ctx.tenantId, member_id: member.id, ballot_id: ballot.id, entrant_id: member.id, entrant_no: member.member_no, merged_from: null, rank: null })
        .returningAll()
        .executeTakeFirstOrThrow();
    });
    return { entry: serializeEntry(row), created: true };
  } catch (error) {
    if (!isUniqueViolation(error, 'ballot_entries_once_key') && !isUniqueViolation(error, 'ballot_entries_entrant_key') && !isUniqueViolation(error, 'ballot_entries_pkey')) throw error;
    return { entry: serializeEntry((await findEntry(deps.db, ctx.tenantId, ballot.id, member.id))!), created: false };
  }
}

/**
 * Draws a closed ballot once (again: the same result): ranks the entries by HMAC-SHA256(seed, entrant_id)
 * (draw.ts), marks the first `quantity` won and the rest lost, and emits ballot.drawn and ballot.won per
 * winner — all in one transaction under the ballot's row lock.
 */
export async function drawBallot(deps: AppDeps, ctx: RequestContext, ballotId: string) {
  await withTransaction(deps.db, async (trx) => {
    const ballot = await trx.selectFrom('ballots').selectAll().where('tenant_id', '=', ctx.tenantId).where('id', '=', ballotId).forUpdate().executeTakeFirst();
    if (!ballot) throw notFound('Ballot');
    if (ballot.status === 'drawn') return;
    if (deps.clock.now() < ballot.entry_closes_at) throw new AppError('BALLOT_NOT_CLOSED', `Entries close at ${ballot.entry_closes_at.toISOString()}`);
    const entries = await trx.selectFrom('ballot_entries').select(['entrant_id', 'member_id']).where('tenant_id', '=', ctx.tenantId).where('ballot_id', '=', ballot.id).execute();
    const ranked = rankEntrants(ballot.seed, entries.map((e) => e.entrant_id));
    for (let i = 0; i < ranked.length; i += UPDATE_CHUNK) {
      const ids = ranked.slice(i, i + UPDATE_CHUNK);
      const ranks = ids.map((_, k) => i + k + 1);
      await sql`
        update ballot_entries e set rank = x.rank, result = case when x.rank <= ${ballot.quantity} then 'won' else 'lost' end
        from unnest(${ids}::uuid[], ${ranks}::int[]) as x(entrant_id, rank)
        where e.tenant_id = ${ctx.tenantId} and e.ballot_id = ${ballot.id} and e.entrant_id = x.entrant_id`.execute(trx);
    }
    await trx.updateTable('ballots').set({ status: 'drawn', drawn_at: deps.clock.now(), entries_count: ranked.length }).where('tenant_id', '=', ctx.tenantId).where('id', '=', ballot.id).execute();
    const owner = new Map(entries.map((e) => [e.entrant_id, e.member_id]));
    const winners = ranked.slice(0, ballot.quantity);
    await emitEvent(trx, deps.jobs, ctx, 'ballot.drawn', { ballot_id: ballot.id, sku: ballot.sku, entries: ranked.length, winners: winners.length, seed_hash: ballot.seed_hash });
    await emitEvents(trx, deps.jobs, ctx.actor, winners.map((id, k) => ({ tenantId: ctx.tenantId, type: 'ballot.won', payload: { ballot_id: ballot.id, member_id: owner.get(id)!, sku: ballot.sku, rank: k + 1 } })), ctx.requestId);
    await recordAudit(trx, ctx, { action: 'ballot.draw', resourceType: 'ballot', resourceId: ballot.id, details: { entries: ranked.length, winners: winners.length } });
  });
  return getBallot(deps, ctx, ballotId);
}

/** Everything needed to recompute the draw: the seed, its hash, every entry and the algorithm. */
export async function verification(deps: AppDeps, ctx: RequestContext, ballotId: string) {
  const ballot = await getBallotRow(deps.db, ctx.tenantId, ballotId);
  if (ballot.status !== 'drawn') throw new AppError('BALLOT_NOT_CLOSED', 'The seed is revealed after the draw');
  const entries = await deps.db.selectFrom('ballot_entries').select(['entrant_id', 'entrant_no', 'rank', 'result']).where('tenant_id', '=', ctx.tenantId).where('ballot_id', '=', ballot.id).execute();
  entries.sort((a, b) => (a.entrant_id < b.entrant_id ? -1 : 1));
  return {
    ballot_id: ballot.id,
    quantity: ballot.quantity,
    seed: ballot.seed,
    seed_hash: ballot.seed_hash,
    algorithm: DRAW_ALGORITHM,
    entries: entries.map((e) => ({ entrant_id: e.entrant_id, member_no: e.entrant_no })),
    winners: entries
      .filter((e) => e.result === 'won')
      .sort((a, b) => a.rank! - b.rank!)
      .map((e) => e.entrant_id),
  };
}

export async function listEntries(deps: AppDeps, ctx: RequestContext, ballotId: string, query: { result?: 'pending' | 'won' | 'lost'; member_id?: string; limit: number; cursor?: string }) {
  await getBallotRow(deps.db, ctx.tenantId, ballotId);
  let q = deps.db.selectFrom('ballot_entries').selectAll().where('tenant_id', '=', ctx.tenantId).where('ballot_id', '=', ballotId);
  if (query.result) q = q.where('result', '=', query.result);
  if (query.member_id) q = q.where('member_id', '=', query.member_id);
  const after = decodeCursor(query.cursor);
  if (after) q = q.where('entrant_id', '>', after);
  const page = toPage(await q.orderBy('entrant_id').limit(query.limit + 1).execute(), query.limit, (e) => e.entrant_id);
  return { data: page.data.map(serializeEntry), next_cursor: page.next_cursor };
}

async function findEntry(db: Db, tenantId: string, ballotId: string, memberId: string) {
  return db.selectFrom('ballot_entries').selectAll().where('tenant_id', '=', tenantId).where('ballot_id', '=', ballotId).where('member_id', '=', memberId).orderBy('created_at').executeTakeFirst();
}

async function getBallotRow(db: Db, tenantId: string, id: string): Promise<BallotRow> {
  const row = await db.selectFrom('ballots').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Ballot');
  return row;
}

async function serializeBallots(db: Db, tenantId: string, rows: BallotRow[]) {
  const counts = new Map<string, { entries: number; winners: number }>();
  if (rows.length) {
    const grouped = await db
      .selectFrom('ballot_entries')
      .select(['ballot_id', sql<number>`count(*)::int`.as('entries'), sql<number>`(count(*) filter (where result = 'won'))::int`.as('winners')])
      .where('tenant_id', '=', tenantId)
      .where('ballot_id', 'in', rows.map((r) => r.id))
      .groupBy('ballot_id')
      .execute();
    for (const g of grouped) counts.set(g.ballot_id, g);
  }
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    sku: r.sku,
    quantity: r.quantity,
    eligibility: normalizeEligibility(r.eligibility),
    entry_opens_at: r.entry_opens_at.toISOString(),
    entry_closes_at: r.entry_closes_at.toISOString(),
    seed_hash: r.seed_hash,
    seed: r.status === 'drawn' ? r.seed : null,
    status: r.status,
    entries: counts.get(r.id)?.entries ?? 0,
    winners: counts.get(r.id)?.winners ?? 0,
    drawn_at: r.drawn_at?.toISOString() ?? null,
    benefit_ref: r.benefit_ref,
    created_at: r.created_at.toISOString(),
  }));
}

function serializeEntry(e: EntryRow) {
  return { ballot_id: e.ballot_id, member_id: e.member_id, member_no: e.entrant_no, result: e.result, rank: e.rank, created_at: e.created_at.toISOString() };
}

