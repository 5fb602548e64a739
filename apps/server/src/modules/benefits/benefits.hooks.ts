import { sql } from 'kysely';
import type { BenefitConfig } from '@hearth/contracts/benefits';
import type { MemberHooks } from '../members/member-hooks.ts';
import type { OrderHooks } from '../orders/order-hooks.ts';
import type { PointsHooks } from '../points/rules.service.ts';
import { holdingsAt, serializeHolding } from './entitlements.ts';
import { getSavings } from './savings.service.ts';
import { undoUsesForRefund } from './uses.service.ts';

/** A fully refunded order gives back the benefit uses recorded against it, as coupons are restored. */
export function registerBenefitOrderHooks(hooks: OrderHooks) {
  hooks.onRefund(async (trx, deps, ctx, order) => void (await undoUsesForRefund(trx, deps, ctx, order)));
}

/**
 * A points-multiplier benefit the member holds when the order occurs multiplies its points: a paid plan with
 * "双倍积分" earns 2×. Of several, the highest applies (they do not compound); the tier's own earning
 * multiplier is the tiers module's and composes with it. Usage limits do not apply to multipliers.
 */
export function registerBenefitPointsHooks(hooks: PointsHooks) {
  hooks.addEarningModifier({
    name: 'benefits',
    modifiersFor: async (db, ctx, { memberId, occurredAt }) => {
      const held = await holdingsAt(db, ctx.tenantId, memberId, occurredAt, { types: ['points_multiplier'] });
      let best: { code: string; name: string; multiplier: number } | null = null;
      for (const h of held) {
        const { multiplier } = h.benefit.config as Extract<BenefitConfig, { type: 'points_multiplier' }>;
        if (!best || multiplier > best.multiplier) best = { code: h.benefit.code, name: h.benefit.name, multiplier };
      }
      return best && best.multiplier !== 1 ? [{ rule: `benefit:${best.code}`, detail: best.name, multiplier: best.multiplier }] : [];
    },
  });
}

export function registerBenefitMemberHooks(hooks: MemberHooks) {
  // The survivor gets the merged member's grants, uses, birthday gifts and savings. A use key both used for
  // the same benefit keeps the survivor's and the merged one's gets a suffix; a birthday gift both received
  // in a year stays the survivor's row (the merged member's use still moves, so nothing is given again).
  hooks.onMerge({
    name: 'benefits',
    move: async (trx, ctx, { fromMemberId, toMemberId }) => {
      const t = ctx.tenantId;
      let moved = 0;
      const count = (r: { numAffectedRows?: bigint }) => (moved += Number(r.numAffectedRows ?? 0));
      count(await sql`update benefit_grants set member_id = ${toMemberId} where tenant_id = ${t} and member_id = ${fromMemberId}`.execute(trx));
      count(await sql`update benefit_uses f set member_id = ${toMemberId},
          use_key = case when exists (select 1 from benefit_uses s where s.tenant_id = f.tenant_id and s.member_id = ${toMemberId} and s.benefit_id = f.benefit_id and s.use_key = f.use_key)
            then f.use_key || '~merged:' || ${fromMemberId}::text else f.use_key end
        where f.tenant_id = ${t} and f.member_id = ${fromMemberId}`.execute(trx));
      await sql`delete from benefit_birthday_gifts f where f.tenant_id = ${t} and f.member_id = ${fromMemberId}
        and exists (select 1 from benefit_birthday_gifts s where s.tenant_id = f.tenant_id and s.member_id = ${toMemberId} and s.benefit_id = f.benefit_id and s.year = f.year)`.execute(trx);
      count(await sql`update benefit_birthday_gifts set member_id = ${toMemberId} where tenant_id = ${t} and member_id = ${fromMemberId}`.execute(trx));
      count(await sql`update member_savings set member_id = ${toMemberId} where tenant_id = ${t} and member_id = ${fromMemberId}`.execute(trx));
      return moved;
    },
  });
  // Notes typed at the counter may name the person; amounts, dates and keys stay (they are the brand's records).
  hooks.onErase({
    name: 'benefits',
    erase: async (trx, ctx, memberId) => {
      const result = await sql`update benefit_uses set note = null where tenant_id = ${ctx.tenantId} and member_id = ${memberId} and note is not null`.execute(trx);
      return Number(result.numAffectedRows ?? 0);
    },
  });
  hooks.addSection({
    name: 'benefits',
    load: async (deps, ctx, memberId) => ({
      entitlements: (await holdingsAt(deps.db, ctx.tenantId, memberId, deps.clock.now())).map(serializeHolding),
      savings: await getSavings(deps, ctx, memberId),
    }),
  });
}
