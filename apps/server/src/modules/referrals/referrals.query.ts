import { sql } from 'kysely';
import type { Referral } from '@hearth/contracts/referrals';
import type { Db } from '../../db/database.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { notFound } from '../../http/errors.ts';
import { decodeTimeCursor, timeCursorKey, toPage } from '../../http/pagination.ts';
import { memberNumbers } from '../members/members.service.ts';
import './referrals.tables.ts';

export async function getReferral(db: Db, tenantId: string, memberId: string): Promise<Referral> {
  const referral = await findReferral(db, tenantId, memberId);
  if (!referral) throw notFound('Referral');
  return referral;
}

export async function findReferral(db: Db, tenantId: string, memberId: string): Promise<Referral | undefined> {
  const row = await db.selectFrom('referrals').selectAll().where('tenant_id', '=', tenantId).where('member_id', '=', memberId).executeTakeFirst();
  return row ? (await serialize(db, tenantId, [row]))[0] : undefined;
}

/** Newest joins first; `status=pending_review` is the review queue. */
export async function listReferrals(deps: AppDeps, ctx: RequestContext, query: { limit: number; cursor?: string; status?: Referral['status']; referrer_id?: string }) {
  let q = deps.db.selectFrom('referrals').selectAll().where('tenant_id', '=', ctx.tenantId);
  if (query.status) q = q.where('status', '=', query.status);
  if (query.referrer_id) q = q.where('referrer_id', '=', query.referrer_id);
  // joined_at then member id: ids of members are not in join order, so the cursor carries both.
  const after = decodeTimeCursor(query.cursor);
  if (after) q = q.where(sql<boolean>`(joined_at, member_id) < (${after.at}, ${after.id}::uuid)`);
  const rows = await q.orderBy('joined_at', 'desc').orderBy('member_id', 'desc').limit(query.limit + 1).execute();
  const page = toPage(rows, query.limit, (r) => timeCursorKey(r.joined_at, r.member_id));
  return { data: await serialize(deps.db, ctx.tenantId, page.data), next_cursor: page.next_cursor };
}

/** How many joined through the referrer and how many of those were rewarded. */
export async function referralCounts(db: Db, tenantId: string, referrerId: string): Promise<{ joined: number; rewarded: number }> {
  return db.selectFrom('referrals').select([sql<number>`count(*)::int`.as('joined'), sql<number>`(count(*) filter (where status = 'rewarded'))::int`.as('rewarded')]).where('tenant_id', '=', tenantId).where('referrer_id', '=', referrerId).executeTakeFirstOrThrow();
}

/** Shares, clicks and joins in the period; of those joins, how many ordered, were rewarded, wait in review. */
export async function referralFunnel(deps: AppDeps, ctx: RequestContext, range: { from: Date; to: Date; fromDay: string; toDay: string }) {
  const t = ctx.tenantId;
  const [visits, joins] = await Promise.all([
    sql<{ shares: number; clicks: number }>`select count(*) filter (where kind = 'share')::int as shares, count(*) filter (where kind = 'click')::int as clicks
      from referral_visits where tenant_id = ${t} and day between ${range.fromDay}::date and ${range.toDay}::date`.execute(deps.db),
    sql<{ joins: number; first_orders: number; rewarded: number; in_review: number; canceled: number }>`select count(*)::int as joins,
        count(*) filter (where order_id is not null)::int as first_orders,
        count(*) filter (where status = 'rewarded')::int as rewarded,
        count(*) filter (where status = 'pending_review')::int as in_review,
        count(*) filter (where status in ('canceled', 'rejected'))::int as canceled
      from referrals where tenant_id = ${t} and joined_at >= ${range.from} and joined_at < ${range.to}`.execute(deps.db),
  ]);
  return { from: range.fromDay, to: range.toDay, ...visits.rows[0]!, ...joins.rows[0]! };
}

export async function serialize(db: Db, tenantId: string, rows: readonly { member_id: string; referrer_id: string; status: Referral['status']; flags: unknown; joined_at: Date; order_id: string | null; qualifies_at: Date | null; rewarded_at: Date | null; reviewed_at: Date | null; review_note: string | null }[]): Promise<Referral[]> {
  if (!rows.length) return [];
  const ids = rows.map((r) => r.member_id);
  const [numbers, rewards] = await Promise.all([
    memberNumbers(db, tenantId, [...new Set([...ids, ...rows.map((r) => r.referrer_id)])]),
    db.selectFrom('referral_rewards').selectAll().where('tenant_id', '=', tenantId).where('referral_member_id', 'in', ids).orderBy('side', 'desc').execute(),
  ]);
  return rows.map((r) => ({
    member_id: r.member_id,
    member_no: numbers.get(r.member_id) ?? null,
    referrer_id: r.referrer_id,
    referrer_no: numbers.get(r.referrer_id) ?? null,
    status: r.status,
    flags: r.flags as Referral['flags'],
    joined_at: r.joined_at.toISOString(),
    order_id: r.order_id,
    qualifies_at: r.qualifies_at?.toISOString() ?? null,
    rewarded_at: r.rewarded_at?.toISOString() ?? null,
    rewards: rewards.filter((w) => w.referral_member_id === r.member_id).map((w) => ({ side: w.side, member_id: w.member_id, status: w.status, points: w.points, coupon_id: w.coupon_id, error: w.error })),
    reviewed_at: r.reviewed_at?.toISOString() ?? null,
    review_note: r.review_note,
  }));
}
