import { sql } from 'kysely';
import type { RequestContext } from '../../deps.ts';
import type { JobRegistry } from '../../jobs/registry.ts';
import type { MemberHooks } from '../members/member-hooks.ts';
import type { OrderHooks } from '../orders/order-hooks.ts';
import { findReferral } from './referrals.query.ts';
import { cancelOnRefund, recordFirstOrders, settleDueReferrals } from './settlement.service.ts';

export const SETTLE_JOB = 'referrals.settle';
const systemActor: RequestContext['actor'] = { type: 'system', id: null, label: 'referrals jobs', role: null, permissions: new Set() };
export const systemContext = (tenantId: string): RequestContext => ({ tenantId, actor: systemActor, requestId: null, ip: null });

/** Cases whose return window closed are paid every ten minutes (idempotent: a rerun finds them settled). */
export function registerReferralJobs(registry: JobRegistry) {
  registry.define({ name: SETTLE_JOB, handler: async ({ deps }) => void (await settleDueReferrals(deps, systemContext)) });
  registry.schedule(SETTLE_JOB, '*/10 * * * *', { runAtStart: true });
}

export function registerReferralOrderHooks(hooks: OrderHooks) {
  hooks.afterMemberOrders(async (trx, deps, ctx, orders) => {
    await recordFirstOrders(trx, deps, ctx, orders);
    // A refund recorded before this ran found no case to cancel.
    for (const order of orders) if (order.refunded_fen > 0) await cancelOnRefund(trx, deps, ctx, order);
  });
  hooks.onRefund(async (trx, deps, ctx, order) => cancelOnRefund(trx, deps, ctx, order));
}

/**
 * Merge: the survivor takes the merged member's case if it has none, and becomes the referrer of the merged
 * member's invitees; a second code is dropped. Erasure drops the code and the device and address hashes; the
 * case stays under the pseudonymous member (the referrer was paid for it). Export: the case and the code.
 */
export function registerReferralMemberHooks(hooks: MemberHooks) {
  hooks.onMerge({
    name: 'referrals',
    move: async (trx, ctx, { fromMemberId: from, toMemberId: to }) => {
      const t = ctx.tenantId;
      const moved = [
        await sql`update referrals set member_id = ${to} where tenant_id = ${t} and member_id = ${from} and referrer_id <> ${to}
          and not exists (select 1 from referrals s where s.tenant_id = ${t} and s.member_id = ${to})`.execute(trx),
        await sql`update referrals set referrer_id = ${to} where tenant_id = ${t} and referrer_id = ${from} and member_id <> ${to}`.execute(trx),
        await sql`update referral_rewards set member_id = ${to} where tenant_id = ${t} and member_id = ${from}`.execute(trx),
        await sql`delete from referral_visits f where f.tenant_id = ${t} and f.member_id = ${from} and exists (select 1 from referral_visits v where v.tenant_id = ${t} and v.member_id = ${to} and v.kind = f.kind and v.day = f.day and v.visitor_hash = f.visitor_hash)`.execute(trx),
        await sql`update referral_visits set member_id = ${to} where tenant_id = ${t} and member_id = ${from}`.execute(trx),
        await sql`delete from referral_codes where tenant_id = ${t} and member_id = ${from} and exists (select 1 from referral_codes c where c.tenant_id = ${t} and c.member_id = ${to})`.execute(trx),
        await sql`update referral_codes set member_id = ${to} where tenant_id = ${t} and member_id = ${from}`.execute(trx),
      ];
      return moved.reduce((n, r) => n + Number(r.numAffectedRows ?? 0), 0);
    },
  });
  hooks.onErase({
    name: 'referrals',
    erase: async (trx, ctx, memberId) => {
      const codes = await sql`delete from referral_codes where tenant_id = ${ctx.tenantId} and member_id = ${memberId}`.execute(trx);
      const hashes = await sql`update referrals set device_hash = null, address_hash = null where tenant_id = ${ctx.tenantId} and member_id = ${memberId} and (device_hash is not null or address_hash is not null)`.execute(trx);
      return Number(codes.numAffectedRows ?? 0) + Number(hashes.numAffectedRows ?? 0);
    },
  });
  hooks.addSection({
    name: 'referrals',
    load: async (deps, ctx, memberId) => {
      const [code, invited] = await Promise.all([
        deps.db.selectFrom('referral_codes').select('code').where('tenant_id', '=', ctx.tenantId).where('member_id', '=', memberId).executeTakeFirst(),
        deps.db.selectFrom('referrals').select(sql<number>`count(*)::int`.as('n')).where('tenant_id', '=', ctx.tenantId).where('referrer_id', '=', memberId).executeTakeFirstOrThrow(),
      ]);
      const referred = (await findReferral(deps.db, ctx.tenantId, memberId)) ?? null;
      return { invite_code: code?.code ?? null, invited: invited.n, referred_by: referred };
    },
  });
}
