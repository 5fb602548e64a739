import { sql } from 'kysely';
import type { RequestContext } from '../../deps.ts';
import type { DomainEvent } from '../../jobs/outbox.ts';
import type { JobRegistry } from '../../jobs/registry.ts';
import type { MemberHooks } from '../members/member-hooks.ts';
import type { OrderHooks } from '../orders/order-hooks.ts';
import { creditConversions } from './conversions.service.ts';
import { assignFromWecomFollow } from './guides.service.ts';
import { guideSettings } from './settings.service.ts';
import { createTasks, runTaskRule } from './tasks.service.ts';
import './guides.tables.ts';

/** The local hour from which the daily task rules run. */
const RULES_LOCAL_HOUR = 9;
const guidesActor: RequestContext['actor'] = { type: 'system', id: null, label: 'guides jobs', role: null, permissions: new Set() };
export const guidesContext = (tenantId: string): RequestContext => ({ tenantId, actor: guidesActor, requestId: null, ip: null });

/**
 * `guides.welcome`: a new member gets their home store's guide and a "welcome" task for them, once (keyed by the
 * member). `guides.rules_daily`: every active task rule runs each morning in its tenant's zone; a member whose task is still open gets
 * no second one, so a daily run only adds tasks for members new to the segment or whose last task was done.
 * `guides.wecom_follow`: the staff a member adds on WeCom becomes their guide (unless an operator chose one).
 */
export function registerGuideJobs(registry: JobRegistry) {
  registry.define<{ event: DomainEvent }>({
    name: 'guides.welcome',
    handler: async ({ db, deps, payload }) => {
      const memberId = payload.event.payload.member_id;
      if (typeof memberId !== 'string') return { skipped: 'no member' };
      const settings = await guideSettings(db, payload.event.tenant_id);
      if (!settings.welcome_enabled) return { skipped: 'disabled' };
      const result = await createTasks({ ...deps, db }, guidesContext(payload.event.tenant_id), [{ memberId, kind: 'welcome', sourceKey: `welcome:${memberId}`, titleTemplate: settings.welcome_title, dueInDays: settings.welcome_due_days }]);
      return { created: result.created.length, without_guide: result.withoutGuide };
    },
  });
  registry.subscribe('member.registered', 'guides.welcome');
  registry.define<{ event: DomainEvent }>({
    name: 'guides.wecom_follow',
    handler: async ({ db, deps, payload }) => {
      const { member_id: memberId, staff_user_id: staffUserId } = payload.event.payload;
      if (typeof memberId !== 'string' || typeof staffUserId !== 'string') return { skipped: 'not a member' };
      return { moved: await assignFromWecomFollow({ ...deps, db }, guidesContext(payload.event.tenant_id), { memberId, staffUserId }) };
    },
  });
  registry.subscribe('wecom.contact_added', 'guides.wecom_follow');
  registry.define({
    name: 'guides.rules_daily',
    transactional: false,
    handler: async ({ deps }) => {
      const now = deps.clock.now();
      // Hourly: a rule is due from 09:00 of its tenant's day until it has run that day (a manual run counts), so
      // each brand gets its tasks in its own morning and a worker that was down catches up.
      const due = await sql<{ tenant_id: string; id: string }>`
        select r.tenant_id, r.id from guide_task_rules r join tenants t on t.id = r.tenant_id
        where r.status = 'active' and extract(hour from ${now}::timestamptz at time zone t.time_zone) >= ${RULES_LOCAL_HOUR}
          and (r.last_run_at is null or (r.last_run_at at time zone t.time_zone)::date < (${now}::timestamptz at time zone t.time_zone)::date)
        order by r.tenant_id, r.id`.execute(deps.db);
      for (const rule of due.rows) await runTaskRule(deps, guidesContext(rule.tenant_id), rule.id);
      return { rules: due.rows.length };
    },
  });
  registry.schedule('guides.rules_daily', '2 * * * *', { runAtStart: true });
}

export function registerGuideOrderHooks(hooks: OrderHooks) {
  hooks.afterMemberOrders(creditConversions);
}

/**
 * Merges: the survivor keeps their own guide (the merged member's is dropped) and takes the tasks, messages,
 * conversions and history; an open rule task the survivor also has is detached from its rule rather than lost.
 * Erasure blanks the text of messages sent to the member (it may name them). The 360 section shows the guide
 * and the open tasks.
 */
export function registerGuideMemberHooks(hooks: MemberHooks) {
  hooks.onMerge({
    name: 'guides',
    move: async (trx, ctx, { fromMemberId: from, toMemberId: to }) => {
      const t = ctx.tenantId;
      const results = [
        await sql`update guide_tasks f set rule_id = null where f.tenant_id = ${t} and f.member_id = ${from} and f.status = 'open' and f.rule_id is not null
          and exists (select 1 from guide_tasks s where s.tenant_id = ${t} and s.member_id = ${to} and s.rule_id = f.rule_id and s.status = 'open')`.execute(trx),
        await sql`update guide_tasks set member_id = ${to} where tenant_id = ${t} and member_id = ${from}`.execute(trx),
        await sql`update guide_conversions set member_id = ${to} where tenant_id = ${t} and member_id = ${from}`.execute(trx),
        await sql`update guide_member_history set member_id = ${to} where tenant_id = ${t} and member_id = ${from}`.execute(trx),
        await sql`update guide_members set member_id = ${to} where tenant_id = ${t} and member_id = ${from}
          and not exists (select 1 from guide_members s where s.tenant_id = ${t} and s.member_id = ${to})`.execute(trx),
        await sql`delete from guide_members where tenant_id = ${t} and member_id = ${from}`.execute(trx),
      ];
      return results.reduce((n, r) => n + Number(r.numAffectedRows ?? 0), 0);
    },
  });
  hooks.onErase({
    name: 'guides',
    erase: async (trx, ctx, memberId) => Number((await trx.updateTable('guide_task_messages').set({ text: '—' }).where('tenant_id', '=', ctx.tenantId).where('member_id', '=', memberId).executeTakeFirst()).numUpdatedRows),
  });
  hooks.addSection({
    name: 'guide',
    load: async (deps, ctx, memberId) => ({
      guide: (await deps.db.selectFrom('guide_members').select(['guide_id', 'source', 'assigned_at']).where('tenant_id', '=', ctx.tenantId).where('member_id', '=', memberId).executeTakeFirst()) ?? null,
      open_tasks: await deps.db.selectFrom('guide_tasks').select(['id', 'title', 'due_at', 'guide_id']).where('tenant_id', '=', ctx.tenantId).where('member_id', '=', memberId).where('status', '=', 'open').orderBy('due_at').limit(20).execute(),
      messages: await deps.db.selectFrom('guide_task_messages').select(['task_id', 'text', 'sent_at']).where('tenant_id', '=', ctx.tenantId).where('member_id', '=', memberId).orderBy('sent_at', 'desc').limit(50).execute(),
    }),
  });
}
