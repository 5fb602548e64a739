import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { AppError } from '../../http/errors.ts';
import { issueCoupon } from '../coupons/issuance.service.ts';
import { allocate } from '../partners/pool.service.ts';
import { adjustPoints } from '../points/points.service.ts';

export interface Reward {
  kind: 'points' | 'coupon' | 'partner_code';
  points?: number | null;
  coupon_template_id?: string | null;
  partner_benefit_id?: string | null;
}

export interface Granted {
  status: 'fulfilled' | 'failed';
  ref: string | null;
  error: string | null;
}

/**
 * Gives a points, coupon or partner-code reward inside the caller's transaction, through the owning module's
 * service, idempotent by `key` (points' external id, the coupon issuance key, the allocation's benefit_ref).
 * A refusal of the owning module (coupon template out of stock or paused, partner pool empty) does not undo
 * the win or the check-in: it is recorded as failed with its code, and an operator retries it. The attempt runs
 * under a savepoint, so a refusal leaves nothing behind (a coupon issuance row refused mid-way would otherwise
 * make a retry with the same key replay an empty issuance).
 */
export async function grantReward(trx: Db, deps: AppDeps, ctx: RequestContext, memberId: string, reward: Reward, key: string, reason: string): Promise<Granted> {
  await sql`savepoint grant_reward`.execute(trx);
  try {
    const granted = await attempt(trx, deps, ctx, memberId, reward, key, reason);
    await sql`release savepoint grant_reward`.execute(trx);
    return granted;
  } catch (error) {
    await sql`rollback to savepoint grant_reward`.execute(trx);
    if (!(error instanceof AppError)) throw error;
    return { status: 'failed', ref: null, error: `${error.code}: ${error.message}` };
  }
}

async function attempt(trx: Db, deps: AppDeps, ctx: RequestContext, memberId: string, reward: Reward, key: string, reason: string): Promise<Granted> {
  const joined = { ...deps, db: trx };
  if (reward.kind === 'points') {
    const adjusted = await adjustPoints(joined, ctx, memberId, { points: reward.points!, reason, external_id: key });
    return { status: 'fulfilled', ref: adjusted.transaction_id, error: null };
  }
  if (reward.kind === 'coupon') {
    const issued = await issueCoupon(joined, ctx, { template_id: reward.coupon_template_id!, member_id: memberId, quantity: 1, issuance_key: key });
    return { status: 'fulfilled', ref: issued.coupons[0]?.id ?? null, error: null };
  }
  const { allocation, created } = await allocate(joined, ctx, reward.partner_benefit_id!, { member_id: memberId, benefit_ref: key });
  // One allocation per member and period is the partner benefit's own rule: a second win in the period
  // would hand back the first code, so it is reported instead.
  if (!created && allocation.benefit_ref !== key) return { status: 'failed', ref: allocation.id, error: 'PARTNER_ALREADY_ALLOCATED: the member already holds this benefit for the period' };
  return { status: 'fulfilled', ref: allocation.id, error: null };
}
