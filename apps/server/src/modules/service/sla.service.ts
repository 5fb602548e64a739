import { sql } from 'kysely';
import type { z } from 'zod';
import type { serviceSettingsSchema } from '@hearth/contracts/service';
import type { Db } from '../../db/database.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { emitEvent } from '../../jobs/outbox.ts';
import { recordAudit } from '../audit/audit.service.ts';
import './service.tables.ts';

type Settings = z.infer<typeof serviceSettingsSchema>;
type TicketType = keyof Settings['sla'];
const DEFAULT_HOURS = { accept_hours: 4, resolve_hours: 48 };

export async function serviceSettings(db: Db, tenantId: string): Promise<Settings> {
  const row = await db.selectFrom('service_settings').select('sla').where('tenant_id', '=', tenantId).executeTakeFirst();
  return { sla: (row?.sla ?? {}) as Settings['sla'] };
}

export async function slaHoursFor(db: Db, tenantId: string, type: TicketType) {
  return (await serviceSettings(db, tenantId)).sla[type] ?? DEFAULT_HOURS;
}

/** New hours apply to tickets submitted from now on: a ticket's timers are fixed when it is submitted. */
export async function saveServiceSettings(deps: AppDeps, ctx: RequestContext, input: Settings): Promise<Settings> {
  await withTransaction(deps.db, async (trx) => {
    const sla = JSON.stringify(input.sla);
    await trx.insertInto('service_settings').values({ tenant_id: ctx.tenantId, sla }).onConflict((oc) => oc.column('tenant_id').doUpdateSet({ sla, updated_at: sql`now()` })).execute();
    await recordAudit(trx, ctx, { action: 'service.settings', resourceType: 'tenant', resourceId: ctx.tenantId, details: input });
  });
  return serviceSettings(deps.db, ctx.tenantId);
}

/**
 * Finds running timers past due (accept while submitted, resolve until resolved) in every tenant and records
 * each breach with `on conflict do nothing`; only rows this run inserted are announced. With the job's own
 * exactly-once commit, `service.sla_breached` fires once per ticket and timer however often the job runs.
 */
export async function recordSlaBreaches(deps: Pick<AppDeps, 'db' | 'jobs' | 'clock'>): Promise<number> {
  const now = deps.clock.now();
  return withTransaction(deps.db, async (trx) => {
    const inserted = await sql<{ tenant_id: string; member_id: string; ticket_id: string; timer: 'accept' | 'resolve'; due_at: Date }>`
      insert into service_sla_breaches (tenant_id, member_id, ticket_id, timer, due_at, breached_at)
      select tenant_id, member_id, id, 'accept', accept_due_at, ${now}::timestamptz from service_tickets where status = 'submitted' and accept_due_at <= ${now}::timestamptz
      union all
      select tenant_id, member_id, id, 'resolve', resolve_due_at, ${now}::timestamptz from service_tickets where status in ('submitted', 'accepted', 'in_progress') and resolve_due_at <= ${now}::timestamptz
      on conflict do nothing
      returning tenant_id, member_id, ticket_id, timer, due_at`.execute(trx);
    for (const b of inserted.rows) {
      const ctx: RequestContext = { tenantId: b.tenant_id, actor: { type: 'system', id: null, label: 'service SLA', role: null, permissions: new Set() }, requestId: null, ip: null };
      await emitEvent(trx, deps.jobs, ctx, 'service.sla_breached', { ticket_id: b.ticket_id, member_id: b.member_id, timer: b.timer, due_at: b.due_at.toISOString() });
    }
    return inserted.rows.length;
  });
}
