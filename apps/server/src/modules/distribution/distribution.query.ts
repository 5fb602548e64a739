import { sql } from 'kysely';
import type { Commission, ListedWithdrawal, Promoter } from '@hearth/contracts/distribution';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { AppError } from '../../http/errors.ts';
import { decodeTimeCursor, timeCursorKey, toPage } from '../../http/pagination.ts';
import { memberNumbers } from '../members/members.service.ts';
import { serializePromoters } from './promoters.service.ts';
import './distribution.tables.ts';

// The console's lists, newest first, a page at a time. Each sorts by a time and then an id (member ids are
// not in time order, and rows written in one instant share the time), so the cursor carries both.

interface Paging { limit: number; cursor?: string }

export async function listPromoters(deps: AppDeps, ctx: RequestContext, query: Paging & { status?: Promoter['status']; recruiter_id?: string }) {
  let q = deps.db.selectFrom('promoters').selectAll().where('tenant_id', '=', ctx.tenantId);
  if (query.status) q = q.where('status', '=', query.status);
  if (query.recruiter_id) q = q.where('recruiter_id', '=', query.recruiter_id);
  const after = decodeTimeCursor(query.cursor);
  if (after) q = q.where(sql<boolean>`(applied_at, member_id) < (${after.at}, ${after.id}::uuid)`);
  const rows = await q.orderBy('applied_at', 'desc').orderBy('member_id', 'desc').limit(query.limit + 1).execute();
  const page = toPage(rows, query.limit, (r) => timeCursorKey(r.applied_at, r.member_id));
  return { data: await serializePromoters(deps.db, ctx.tenantId, page.data), next_cursor: page.next_cursor };
}

/** Accruals and reversals; `status` pending / settled and `kind` accrual / reversal filter them. */
export async function listCommissions(deps: AppDeps, ctx: RequestContext, query: Paging & { promoter_id?: string; order_id?: string; status?: Commission['status']; kind?: Commission['kind'] }) {
  let q = deps.db.selectFrom('commission_entries').select(['id', 'promoter_id', 'order_id', 'level', 'kind', 'amount_fen', 'status', 'settles_at', 'created_at']).where('tenant_id', '=', ctx.tenantId);
  if (query.promoter_id) q = q.where('promoter_id', '=', query.promoter_id);
  if (query.order_id) q = q.where('order_id', '=', query.order_id);
  if (query.status) q = q.where('status', '=', query.status);
  if (query.kind) q = q.where('kind', '=', query.kind);
  const after = decodeTimeCursor(query.cursor);
  if (after) q = q.where(sql<boolean>`(created_at, id) < (${after.at}, ${after.id}::uuid)`);
  const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(query.limit + 1).execute();
  const page = toPage(rows, query.limit, (r) => timeCursorKey(r.created_at, r.id));
  const numbers = await memberNumbers(deps.db, ctx.tenantId, [...new Set(page.data.map((r) => r.promoter_id))]);
  const data: Commission[] = page.data.map((r) => ({ ...r, promoter_no: numbers.get(r.promoter_id) ?? null, settles_at: r.settles_at.toISOString(), created_at: r.created_at.toISOString() }));
  return { data, next_cursor: page.next_cursor };
}

export async function listWithdrawalsPage(deps: AppDeps, ctx: RequestContext, query: Paging & { promoter_id?: string; status?: ListedWithdrawal['status'] }) {
  let q = deps.db.selectFrom('withdrawals').select(['id', 'promoter_id', 'amount_fen', 'status', 'payout_ref', 'requested_at', 'decided_at', 'paid_at']).where('tenant_id', '=', ctx.tenantId);
  if (query.promoter_id) q = q.where('promoter_id', '=', query.promoter_id);
  if (query.status) q = q.where('status', '=', query.status);
  const after = decodeTimeCursor(query.cursor);
  if (after) q = q.where(sql<boolean>`(requested_at, id) < (${after.at}, ${after.id}::uuid)`);
  const rows = await q.orderBy('requested_at', 'desc').orderBy('id', 'desc').limit(query.limit + 1).execute();
  const page = toPage(rows, query.limit, (r) => timeCursorKey(r.requested_at, r.id));
  const numbers = await memberNumbers(deps.db, ctx.tenantId, [...new Set(page.data.map((r) => r.promoter_id))]);
  const data: ListedWithdrawal[] = page.data.map((r) => ({ ...r, promoter_no: numbers.get(r.promoter_id) ?? null, requested_at: r.requested_at.toISOString(), decided_at: r.decided_at?.toISOString() ?? null, paid_at: r.paid_at?.toISOString() ?? null }));
  return { data, next_cursor: page.next_cursor };
}
