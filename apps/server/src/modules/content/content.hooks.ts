import { sql } from 'kysely';
import type { JobRegistry } from '../../jobs/registry.ts';
import type { MemberHooks } from '../members/member-hooks.ts';
import { announceScheduledContent } from './content-schedule.service.ts';
import { memberContentActivity } from './me-content.service.ts';

export const ANNOUNCE_SCHEDULE_JOB = 'content.announce_schedule';

/** A scheduled publish_at / unpublish_at is announced within the minute it passes. */
export function registerContentJobs(registry: JobRegistry) {
  registry.define({ name: ANNOUNCE_SCHEDULE_JOB, handler: ({ deps }) => announceScheduledContent(deps) });
  registry.schedule(ANNOUNCE_SCHEDULE_JOB, '* * * * *', { runAtStart: true });
}

/**
 * Merges move views and shares to the survivor: a day both viewed an item keeps one view (the survivor's), a day
 * both shared adds the taps. Views and shares hold no personal data, so erasure leaves them to the pseudonymous
 * member (the stats stay right). The 360 shows the totals, the export every row.
 */
export function registerContentMemberHooks(hooks: MemberHooks) {
  hooks.onMerge({
    name: 'content',
    move: async (trx, ctx, { fromMemberId, toMemberId }) => {
      const t = ctx.tenantId;
      await sql`delete from content_views f where f.tenant_id = ${t} and f.member_id = ${fromMemberId}
        and exists (select 1 from content_views v where v.tenant_id = ${t} and v.member_id = ${toMemberId} and v.content_id = f.content_id and v.day = f.day)`.execute(trx);
      const views = await sql`update content_views set member_id = ${toMemberId} where tenant_id = ${t} and member_id = ${fromMemberId}`.execute(trx);
      await sql`update content_shares s set taps = s.taps + f.taps from content_shares f
        where s.tenant_id = ${t} and s.member_id = ${toMemberId} and f.tenant_id = ${t} and f.member_id = ${fromMemberId} and f.content_id = s.content_id and f.day = s.day`.execute(trx);
      await sql`delete from content_shares f where f.tenant_id = ${t} and f.member_id = ${fromMemberId}
        and exists (select 1 from content_shares s where s.tenant_id = ${t} and s.member_id = ${toMemberId} and s.content_id = f.content_id and s.day = f.day)`.execute(trx);
      const shares = await sql`update content_shares set member_id = ${toMemberId} where tenant_id = ${t} and member_id = ${fromMemberId}`.execute(trx);
      return Number(views.numAffectedRows ?? 0) + Number(shares.numAffectedRows ?? 0);
    },
  });
  hooks.addSection({
    name: 'content',
    load: async (deps, ctx, memberId) => {
      const { rows } = await sql<{ views: number; items: number; shares: number }>`
        select (select count(*)::int from content_views where tenant_id = ${ctx.tenantId} and member_id = ${memberId}) as views,
          (select count(distinct content_id)::int from content_views where tenant_id = ${ctx.tenantId} and member_id = ${memberId}) as items,
          (select coalesce(sum(taps), 0)::int from content_shares where tenant_id = ${ctx.tenantId} and member_id = ${memberId}) as shares`.execute(deps.db);
      return rows[0];
    },
    export: async (deps, ctx, memberId) => memberContentActivity(deps, ctx.tenantId, memberId),
  });
}
