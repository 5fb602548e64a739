import { sql } from 'kysely';
import type { JobRegistry } from '../../jobs/registry.ts';
import type { MemberHooks } from '../members/member-hooks.ts';
import type { RequestContext } from '../../deps.ts';
import { drawDueLotteries } from './draws.service.ts';
import { memberWins } from './wins.service.ts';
import { myCheckin } from './checkin.service.ts';

export const DRAW_DUE_JOB = 'games.draw_due';
const systemActor: RequestContext['actor'] = { type: 'system', id: null, label: 'games jobs', role: null, permissions: new Set() };

/** Scheduled lotteries are drawn by the minute once their draw time has come. */
export function registerGamesJobs(registry: JobRegistry) {
  registry.define({ name: DRAW_DUE_JOB, handler: ({ deps }) => drawDueLotteries(deps, (tenantId) => ({ tenantId, actor: systemActor, requestId: null, ip: null })) });
  registry.schedule(DRAW_DUE_JOB, '* * * * *', { runAtStart: true });
}

/**
 * Merges move entries, wins, check-ins and quiz attempts to the survivor (a check-in day both have keeps the survivor's).
 * Erasure removes a physical prize's recipient and address and the device ids of entries; the entries and wins
 * stay under the pseudonymous member, as the published draw lists them. The 360 section masks the address;
 * the export gives it in full.
 */
export function registerGamesMemberHooks(hooks: MemberHooks) {
  hooks.onMerge({
    name: 'games',
    move: async (trx, ctx, { fromMemberId, toMemberId }) => {
      let moved = 0;
      for (const table of ['lottery_entries', 'lottery_wins'] as const) {
        const r = await sql`update ${sql.table(table)} set member_id = ${toMemberId} where tenant_id = ${ctx.tenantId} and member_id = ${fromMemberId}`.execute(trx);
        moved += Number(r.numAffectedRows ?? 0);
      }
      await sql`delete from checkins f where f.tenant_id = ${ctx.tenantId} and f.member_id = ${fromMemberId}
        and exists (select 1 from checkins t where t.tenant_id = f.tenant_id and t.member_id = ${toMemberId} and t.day = f.day)`.execute(trx);
      const r = await sql`update checkins set member_id = ${toMemberId} where tenant_id = ${ctx.tenantId} and member_id = ${fromMemberId}`.execute(trx);
      moved += Number(r.numAffectedRows ?? 0);
      // A quiz period both used keeps the survivor's attempt; a reward both got stays the survivor's only.
      for (const [table, same] of [['quiz_attempts', sql`t.quiz_id = f.quiz_id and t.period = f.period`], ['quiz_rewards', sql`t.quiz_id = f.quiz_id`]] as const) {
        await sql`delete from ${sql.table(table)} f where f.tenant_id = ${ctx.tenantId} and f.member_id = ${fromMemberId}
          and exists (select 1 from ${sql.table(table)} t where t.tenant_id = f.tenant_id and t.member_id = ${toMemberId} and ${same})`.execute(trx);
        const q = await sql`update ${sql.table(table)} set member_id = ${toMemberId} where tenant_id = ${ctx.tenantId} and member_id = ${fromMemberId}`.execute(trx);
        moved += Number(q.numAffectedRows ?? 0);
      }
      return moved;
    },
  });
  hooks.onErase({
    name: 'games',
    erase: async (trx, ctx, memberId) => {
      const wins = await sql`update lottery_wins set recipient_name = null, recipient_phone = null, address = null, updated_at = now()
        where tenant_id = ${ctx.tenantId} and member_id = ${memberId} and (recipient_name is not null or recipient_phone is not null or address is not null)`.execute(trx);
      const entries = await sql`update lottery_entries set device_id = null where tenant_id = ${ctx.tenantId} and member_id = ${memberId} and device_id is not null`.execute(trx);
      return Number(wins.numAffectedRows ?? 0) + Number(entries.numAffectedRows ?? 0);
    },
  });
  hooks.addSection({
    name: 'games',
    load: async (deps, ctx, memberId) => ({ lottery_wins: await memberWins(deps.db, ctx.tenantId, memberId, true), checkin: await myCheckin(deps, ctx, memberId) }),
    export: async (deps, ctx, memberId) => ({ lottery_wins: await memberWins(deps.db, ctx.tenantId, memberId, false), checkin: await myCheckin(deps, ctx, memberId) }),
  });
}
