import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { AppDeps, RequestContext } from '../../deps.ts';
import type { Db } from '../../db/database.ts';
import type { MemberHooks } from '../members/member-hooks.ts';
import type { OrderHooks } from '../orders/order-hooks.ts';
import type { PointsHooks } from '../points/rules.service.ts';
import type { JobRegistry } from '../../jobs/registry.ts';
import type { DomainEvent } from '../../jobs/outbox.ts';
import { applyDecisions, loadLadders, lockOrCreateMemberTiers, lockOrCreateSql, tiersActor } from './apply.ts';
import { conditionsOf } from './evaluate.ts';
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

/**
 * The members of a write's orders, all at once: one statement locking their rows and reading the ladders,
 * and one decision statement per ladder.
 */
export async function upgradeOnOrders(trx: Db, deps: AppDeps, ctx: RequestContext, memberIds: readonly string[]) {
  const ids = [...new Set(memberIds)];
  if (!ids.length) return;
  const now = deps.clock.now();
  for (const ladder of await loadLadders(trx, ctx.tenantId, now, { activeOnly: true, lockMembers: ids })) {
    if (!ladder.rules) continue;
    await applyDecisions(trx, deps, ladder, now, 'upgrade', ids, { runId: null, actor: ctx.actor });
  }
}

/**
 * A tier may ask for a paid membership (`paid_membership`): buying one upgrades at once, as an order does,
 * through the same upgrade path, on the ladders whose rules use that metric. Losing one never downgrades
 * here; it counts at the next evaluation like a refund.
 */
export function registerTierMembershipJobs(registry: JobRegistry) {
  registry.define<{ event: DomainEvent }>({
    name: 'tiers.upgrade_on_membership',
    handler: async ({ db, deps, payload }) => {
      const memberId = payload.event.payload.member_id;
      if (typeof memberId !== 'string') return { skipped: 'no member' };
      const ctx: RequestContext = { tenantId: payload.event.tenant_id, actor: tiersActor, requestId: null, ip: null };
      const now = deps.clock.now();
      let ladders = 0;
      for (const ladder of await loadLadders(db, ctx.tenantId, now, { activeOnly: true })) {
        if (!conditionsOf(ladder.rules).some((c) => c.metric === 'paid_membership')) continue;
        await lockOrCreateMemberTiers(db, ladder, [memberId], now);
        await applyDecisions(db, deps, ladder, now, 'upgrade', [memberId], { runId: null, actor: ctx.actor });
        ladders += 1;
      }
      return { ladders };
    },
  });
  registry.subscribe('membership.started', 'tiers.upgrade_on_membership');
}

/**
 * The member's tier multiplies the points of their orders (the entry tier's, too, if it has one). On the
 * order path this runs inside the points lock statement, right after the accounts are locked: it locks (or
 * creates) the members' tier rows there, so the multiplier is the tier as a concurrent order of the same
 * member left it, and the upgrade decision after points waits for nobody.
 */
export function registerTierPointsHooks(hooks: PointsHooks) {
  hooks.addEarningModifier({
    name: 'tiers',
    memberModifiers: ({ tenantId, now, lockedAccounts, memberIds }) => {
      const members = lockedAccounts ? sql`select member_id from ${sql.table(lockedAccounts)} order by member_id` : sql`select m.id as member_id from unnest(${[...memberIds]}::uuid[]) as m(id)`;
      const x100 = sql`coalesce(t.earning_multiplier_x100, e.earning_multiplier_x100)`;
      return {
        ctes: lockedAccounts ? sql`tier_locked as (${lockOrCreateSql(tenantId, members, now)})` : null,
        rows: sql`
          select a.member_id, 'tier:' || coalesce(t.code, e.code) as rule,
            p.name || ' ' || coalesce(t.name, e.name) || ' ×' || trim_scale(${x100} / 100.0)::text as detail, ${x100} / 100.0 as multiplier
          from (${members}) a
          cross join tier_programs p
          join tiers e on e.tenant_id = p.tenant_id and e.program_id = p.id and e.rank = 0
          ${lockedAccounts ? sql`left join tier_locked l on l.member_id = a.member_id and l.program_id = p.id` : sql``}
          left join member_tiers mt on mt.tenant_id = p.tenant_id and mt.program_id = p.id and mt.member_id = a.member_id
          left join tiers t on t.tenant_id = p.tenant_id and t.program_id = p.id and t.id = ${lockedAccounts ? sql`coalesce(l.tier_id, mt.tier_id)` : sql`mt.tier_id`}
          where p.tenant_id = ${tenantId} and p.status = 'active' and ${x100} <> 100
          order by a.member_id, p.created_at, p.id`,
      };
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
