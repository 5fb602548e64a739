import type { Db } from '../../db/database.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { expiryOf, loadPointsSetup, lockAccount, writeCredits } from './ledger.ts';

/**
 * Gives back points a spend took (`spendPointsIn`, here a canceled event ticket), in the caller's transaction: a new lot under the
 * tenant's expiry policy, redeemed −p, member +p. Idempotent by `sourceKey`.
 */
export async function restorePointsIn(trx: Db, deps: Pick<AppDeps, 'jobs' | 'clock'>, ctx: RequestContext, memberId: string, input: { points: number; sourceKey: string; details: Record<string, unknown> }): Promise<string> {
  const account = await lockAccount(trx, ctx.tenantId, memberId);
  const earlier = await findBySource(trx, ctx.tenantId, memberId, input.sourceKey);
  if (earlier) return earlier;
  const now = deps.clock.now();
  const setup = await loadPointsSetup(trx, ctx.tenantId);
  const [id] = await writeCredits(trx, deps, ctx, [{
    memberId,
    debtBefore: account.debt,
    points: input.points,
    kind: 'adjust',
    counter: [{ account: 'redeemed', amount: -input.points }],
    sourceKey: input.sourceKey,
    orderId: null,
    earnedAt: now,
    availableAt: now,
    expiresAt: expiryOf(now, setup),
    businessDay: null,
    details: input.details,
    event: 'points.restored',
  }]);
  return id!;
}

async function findBySource(trx: Db, tenantId: string, memberId: string, sourceKey: string): Promise<string | undefined> {
  const row = await trx.selectFrom('points_transactions').select('id').where('tenant_id', '=', tenantId).where('member_id', '=', memberId).where('source_key', '=', sourceKey).executeTakeFirst();
  return row?.id;
}
