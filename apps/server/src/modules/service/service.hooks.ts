import type { JobRegistry } from '../../jobs/registry.ts';
import type { MemberHooks } from '../members/member-hooks.ts';
import { recordSlaBreaches } from './sla.service.ts';
import './service.tables.ts';

/** The breach job is transactional: its inserts and events commit with its completion, once. */
export function registerServiceJobs(registry: JobRegistry) {
  registry.define({ name: 'service.sla', handler: ({ deps }) => recordSlaBreaches(deps) });
  registry.schedule('service.sla', '* * * * *');
}

/**
 * Merges move tickets to the survivor (history, comments and breaches follow by `on update cascade`). Ticket
 * text, comments and attachments are the member's own words and photos: an erasure blanks them, keeping the
 * ticket's type, status and times for the brand's service statistics. The 360 section lists the tickets.
 */
export function registerServiceMemberHooks(hooks: MemberHooks) {
  hooks.onMerge({
    name: 'service_tickets',
    move: async (trx, ctx, { fromMemberId, toMemberId }) => Number((await trx.updateTable('service_tickets').set({ member_id: toMemberId }).where('tenant_id', '=', ctx.tenantId).where('member_id', '=', fromMemberId).executeTakeFirst()).numUpdatedRows),
  });
  hooks.onErase({
    name: 'service_tickets',
    erase: async (trx, ctx, memberId) => {
      const tickets = await trx.updateTable('service_tickets').set({ subject: '—', description: '', attachments: '[]', satisfaction_comment: null }).where('tenant_id', '=', ctx.tenantId).where('member_id', '=', memberId).executeTakeFirst();
      const comments = await trx.updateTable('service_ticket_comments').set({ body: '—', attachments: '[]' }).where('tenant_id', '=', ctx.tenantId).where('member_id', '=', memberId).where('author_type', '=', 'member').executeTakeFirst();
      return Number(tickets.numUpdatedRows) + Number(comments.numUpdatedRows);
    },
  });
  hooks.addSection({
    name: 'service',
    load: async (deps, ctx, memberId) => ({
      tickets: await deps.db.selectFrom('service_tickets').select(['id', 'type', 'status', 'order_id', 'code', 'subject', 'description', 'attachments', 'satisfaction_score', 'satisfaction_comment', 'created_at']).where('tenant_id', '=', ctx.tenantId).where('member_id', '=', memberId).orderBy('id', 'desc').limit(50).execute(),
    }),
  });
}
