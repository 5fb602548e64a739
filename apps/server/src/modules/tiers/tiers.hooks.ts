import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { AppDeps, RequestContext } from '../../deps.ts';
import type { Db } from '../../db/database.ts';
import type { MemberHooks } from '../members/member-hooks.ts';
import type { OrderHooks } from '../orders/order-hooks.ts';
import type { PointsHooks } from '../points/rules.service.ts';
import { applyDecisions, loadLadders, lockOrCreateMemberTiers } from './apply.ts';
import { getMemberTiers, listHistory } from './tiers.service.ts';

/**
 * A member who qualifies is upgraded inside the order's transaction. The member's tier row is created or
 * locked first, so two orders at once decide one after the other and the second sees the first's upgrade.
 * Refunds are deliberately not hooked: they count at the next evaluation and never downgrade mid-period.
 */
export function registerTierOrderHooks(hooks: OrderHooks) {
  // After points (registered first), so an order earns at the tier the member had when it came in.
  hooks.onMemberOrders(async (trx, deps, ctx, orders) => upgradeOnOrders(trx, deps, ctx, orders.map((o) => o.member_id!)));
}

/** The members of a write's orders, all at once: one lock statement and one decision statement per ladder. */
export async function upgradeOnOrders(trx: Db, deps: AppDeps, ctx: RequestContext, memberIds: readonly string[]) {
  const ids = [...new Set(memberIds)];
  if (!ids.length) return;
  const now = deps.clock.now();
  for (const ladder of await loadLadders(trx, ctx.tenantId, now, { activeOnly: true })) {
    if (!ladder.rules) continue;
    await lockOrCreateMemberTiers(trx, ladder, ids, now);
    await applyDecisions(trx, deps, ladder, now, 'upgrade', ids, { runId: null, actor: ctx.actor });
  }
}

/** The member's tier multiplies the points of their orders (the entry tier's, too, if it has one). */
export function registerTierPointsHooks(hooks: PointsHooks) {
  hooks.addEarningModifier({
    name: 'tiers',
    modifiersFor: async (db, ctx, { memberId }) => {
      const { rows } = await sql<{ code: string; name: string; program: string; x100: number }>`
        select coalesce(t.code, e.code) as code, coalesce(t.name, e.name) as name, p.name as program, coalesce(t.earning_multiplier_x100, e.earning_multiplier_x100) as x100
        from tier_programs p
        join tiers e on e.tenant_id = p.tenant_id and e.program_id = p.id and e.rank = 0
        left join member_tiers mt on mt.tenant_id = p.tenant_id and mt.program_id = p.id and mt.member_id = ${memberId}
        left join tiers t on t.tenant_id = p.tenant_id and t.program_id = p.id and t.id = mt.tier_id
        where p.tenant_id = ${ctx.tenantId} and p.status = 'active'`.execute(db);
      return rows.filter((r) => r.x100 !== 100).map((r) => ({ rule: `tier:${r.code}`, detail: `${r.program} ${r.name} ×${r.x100 / 100}`, multiplier: r.x100 / 100 }));
    },
  });
}

export function registerTierMemberHooks(hooks: MemberHooks) {
  // The survivor keeps the higher of the two tiers (with its dates, manual end and grace), and the merged
  // member's history becomes theirs, closed by a `merged` entry when their tier changed. Merge handlers get
  // no job registry, so this writes no event; member.merged already tells subscribers.
  hooks.onMerge({
    name: 'tiers',
    move: async (trx, ctx, { fromMemberId, toMemberId }) => {
      const rows = await sql<{ member_id: string; program_id: string; tier_id: string; rank: number }>`
        select mt.member_id, mt.program_id, mt.tier_id, t.rank from member_tiers mt
        join tiers t on t.tenant_id = mt.tenant_id and t.program_id = mt.program_id and t.id = mt.tier_id
        where mt.tenant_id = ${ctx.tenantId} and mt.member_id in (${fromMemberId}, ${toMemberId})
        order by mt.member_id, mt.program_id for update of mt`.execute(trx);
      const moved = await sql`update tier_history set member_id = ${toMemberId} where tenant_id = ${ctx.tenantId} and member_id = ${fromMemberId}`.execute(trx);
      for (const from of rows.rows.filter((r) => r.member_id === fromMemberId)) {
        const to = rows.rows.find((r) => r.member_id === toMemberId && r.program_id === from.program_id);
        if (!to || from.rank > to.rank) {
          if (to) await trx.deleteFrom('member_tiers').where('tenant_id', '=', ctx.tenantId).where('member_id', '=', toMemberId).where('program_id', '=', from.program_id).execute();
          await trx.updateTable('member_tiers').set({ member_id: toMemberId, updated_at: sql`now()` }).where('tenant_id', '=', ctx.tenantId).where('member_id', '=', fromMemberId).where('program_id', '=', from.program_id).execute();
          const entryTier = await trx.selectFrom('tiers').select('id').where('tenant_id', '=', ctx.tenantId).where('program_id', '=', from.program_id).where('rank', '=', 0).executeTakeFirstOrThrow();
          await trx
            .insertInto('tier_history')
            .values({ tenant_id: ctx.tenantId, member_id: toMemberId, program_id: from.program_id, id: uuidv7(), kind: 'merged', from_tier_id: to?.tier_id ?? entryTier.id, to_tier_id: from.tier_id, reason: `merged member ${fromMemberId}`, rule_version: null, actor: ctx.actor.label, at: sql`now()` })
            .execute();
        } else {
          await trx.deleteFrom('member_tiers').where('tenant_id', '=', ctx.tenantId).where('member_id', '=', fromMemberId).where('program_id', '=', from.program_id).execute();
        }
      }
      return Number(moved.numAffectedRows ?? 0) + rows.rows.length;
    },
  });
  hooks.addSection({
    name: 'tier',
    load: async (deps, ctx, memberId) => ({ programs: await getMemberTiers(deps, ctx, memberId), history: (await listHistory(deps, ctx, memberId)).slice(0, 20) }),
  });
}
