import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { Db } from '../../db/database.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { emitEvent } from '../../jobs/outbox.ts';
import { memberNumbers } from '../members/members.service.ts';

type FlagKind = 'member_burst' | 'distant_scans' | 'inactive_batch' | 'second_claimer';

/**
 * Records a suspicious case once (the dedupe key names the case: a code, a member and day …) and marks the
 * code. `code.flagged` goes out only for a new case, so a burst of scans is one flag and one event.
 */
export async function raiseFlag(trx: Db, deps: Pick<AppDeps, 'jobs' | 'clock'>, ctx: RequestContext, flag: { kind: FlagKind; dedupeKey: string; code: string | null; memberId: string | null; details: Record<string, unknown> }) {
  const inserted = await trx
    .insertInto('code_flags')
    .values({ tenant_id: ctx.tenantId, id: uuidv7(), kind: flag.kind, dedupe_key: flag.dedupeKey, code: flag.code, member_id: flag.memberId, details: JSON.stringify(flag.details), created_at: deps.clock.now() })
    .onConflict((oc) => oc.columns(['tenant_id', 'kind', 'dedupe_key']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!inserted) return;
  if (flag.code) await trx.updateTable('item_codes').set({ flagged: true }).where('tenant_id', '=', ctx.tenantId).where('code', '=', flag.code).execute();
  await emitEvent(trx, deps.jobs, ctx, 'code.flagged', { flag_id: inserted.id, kind: flag.kind, code: flag.code, member_id: flag.memberId });
}

/** Newest first, by kind. */
export async function listFlags(db: Db, tenantId: string, query: { kind?: FlagKind; limit: number; cursor?: string }) {
  let q = db.selectFrom('code_flags').select(['id', 'kind', 'code', 'member_id', 'details', sql<Date>`created_at`.as('created_at')]).where('tenant_id', '=', tenantId).orderBy('id', 'desc').limit(query.limit + 1);
  if (query.kind) q = q.where('kind', '=', query.kind);
  if (query.cursor) q = q.where('id', '<', query.cursor);
  const rows = await q.execute();
  const page = rows.slice(0, query.limit);
  const numbers = await memberNumbers(db, tenantId, [...new Set(page.map((r) => r.member_id).filter((id): id is string => id !== null))]);
  return {
    data: page.map((r) => ({ ...r, member_no: r.member_id ? (numbers.get(r.member_id) ?? null) : null, details: r.details as Record<string, unknown>, created_at: r.created_at.toISOString() })),
    next_cursor: rows.length > query.limit ? page.at(-1)!.id : null,
  };
}
