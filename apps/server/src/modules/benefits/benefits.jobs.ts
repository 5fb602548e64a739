import { sql } from 'kysely';
import { DateTime } from 'luxon';
import type { BenefitConfig } from '@hearth/contracts/benefits';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import type { JobRegistry } from '../../jobs/registry.ts';
import { issueCoupon } from '../coupons/issuance.service.ts';
import { memberIdsBornInMonth } from '../members/members.service.ts';
import { adjustPoints } from '../points/points.service.ts';
import { holdingsAt } from './entitlements.ts';
import { useBenefit } from './uses.service.ts';

export const benefitsActor: RequestContext['actor'] = { type: 'system', id: null, label: 'benefits jobs', role: null, permissions: new Set() };
const CHUNK = 500;

export function registerBenefitJobs(registry: JobRegistry) {
  // Not transactional: every member's gift commits on its own, so one refused coupon (stock ran out) holds
  // back nobody else; each step is idempotent by its keys.
  registry.define({ name: 'benefits.birthday_gifts', transactional: false, maxAttempts: 3, handler: ({ deps }) => giveBirthdayGifts(deps) });
  registry.schedule('benefits.birthday_gifts', '20 * * * *', { runAtStart: true });
}

/**
 * Birthday gifts, daily in each tenant's own zone: the hourly tick handles a tenant once per local day (the
 * first tick after its midnight). Members born this month who hold a birthday-gift benefit now get it once
 * per benefit and local year: the use (key `birthday:<year>`) and the `benefit_birthday_gifts` row
 * (tenant, member, benefit, year) commit with the coupon or points, so reruns, overlapping runs and later
 * days of the month give nothing twice. A member who qualifies later in the month gets it on that day.
 */
export async function giveBirthdayGifts(deps: AppDeps, options: { tenantId?: string } = {}): Promise<{ tenants: number; given: number; failed: number }> {
  const now = deps.clock.now();
  let q = deps.db.selectFrom('benefits').innerJoin('tenants', 'tenants.id', 'benefits.tenant_id').select(['benefits.tenant_id', 'tenants.time_zone']).distinct().where('benefits.type', '=', 'birthday_gift').where('benefits.status', '=', 'active');
  if (options.tenantId) q = q.where('benefits.tenant_id', '=', options.tenantId);
  const tenants = await q.execute();
  let given = 0;
  let failed = 0;
  let ran = 0;
  for (const { tenant_id: tenantId, time_zone: zone } of tenants) {
    const local = DateTime.fromJSDate(now, { zone });
    const day = local.toISODate()!;
    const claimed = await deps.db.insertInto('benefit_daily_runs').values({ tenant_id: tenantId, job: 'birthday_gifts', day }).onConflict((oc) => oc.doNothing()).returning('day').executeTakeFirst();
    if (!claimed) continue;
    ran += 1;
    const ctx: RequestContext = { tenantId, actor: benefitsActor, requestId: null, ip: null };
    let after: string | null = null;
    for (;;) {
      const ids = await memberIdsBornInMonth(deps.db, tenantId, local.month, after, CHUNK);
      if (!ids.length) break;
      after = ids[ids.length - 1]!;
      for (const memberId of ids) {
        try {
          given += await giftMember(deps, ctx, memberId, now, local.year);
        } catch (error) {
          failed += 1;
          deps.log.warn({ err: (error as Error).message, tenantId, memberId }, 'birthday gift not given; the next day retries');
        }
      }
    }
    await deps.db.updateTable('benefit_daily_runs').set({ finished_at: sql`now()` }).where('tenant_id', '=', tenantId).where('job', '=', 'birthday_gifts').where('day', '=', day).execute();
  }
  return { tenants: ran, given, failed };
}

async function giftMember(deps: AppDeps, ctx: RequestContext, memberId: string, now: Date, year: number): Promise<number> {
  const holdings = (await holdingsAt(deps.db, ctx.tenantId, memberId, now, { types: ['birthday_gift'] })).filter((h) => h.remaining === null || h.remaining > 0);
  let given = 0;
  for (const h of holdings) {
    const done = await deps.db.selectFrom('benefit_birthday_gifts').select('year').where('tenant_id', '=', ctx.tenantId).where('member_id', '=', memberId).where('benefit_id', '=', h.benefit.id).where('year', '=', year).executeTakeFirst();
    if (done) continue;
    await withTransaction(deps.db, async (trx) => {
      const tx = { ...deps, db: trx };
      const { use, replayed } = await useBenefit(tx, ctx, memberId, h.benefit.id, { use_key: `birthday:${year}`, quantity: 1, note: null }, { usedAt: now, source: 'birthday_gift' });
      const row = await trx.insertInto('benefit_birthday_gifts').values({ tenant_id: ctx.tenantId, member_id: memberId, benefit_id: h.benefit.id, year, use_id: use.id, given_at: now }).onConflict((oc) => oc.doNothing()).returning('year').executeTakeFirst();
      if (replayed || !row) return;
      const gift = (h.benefit.config as Extract<BenefitConfig, { type: 'birthday_gift' }>).gift;
      const key = `birthday:${h.benefit.id}:${memberId}:${year}`;
      if (gift.kind === 'coupon') await issueCoupon(tx, ctx, { template_id: gift.template_id, member_id: memberId, quantity: gift.quantity, issuance_key: key });
      else await adjustPoints(tx, ctx, memberId, { points: gift.points, reason: `生日礼 ${h.benefit.name} / birthday gift`, external_id: key });
      given += 1;
    });
  }
  return given;
}
