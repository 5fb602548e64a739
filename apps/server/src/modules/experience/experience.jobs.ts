import { sql } from 'kysely';
import type { AppDeps } from '../../deps.ts';
import type { JobRegistry } from '../../jobs/registry.ts';
import { emitEvents } from '../../jobs/outbox.ts';
import { withTransaction } from '../../db/transaction.ts';
import { parsed } from './programs.service.ts';
import './experience.tables.ts';

const systemActor = { type: 'system' as const, id: null };

export function registerExperienceJobs(registry: JobRegistry) {
  registry.define({ name: 'experience.feedback_reminders', handler: ({ deps, db }) => sendFeedbackReminders({ ...deps, db }) });
  registry.schedule('experience.feedback_reminders', '41 * * * *', { runAtStart: true });
}

/**
 * Hourly: for every active program whose deadline is ahead, each lead time that has come (N days before the
 * deadline) reminds the selected members who have not given feedback. The reminder row (member, application,
 * lead time) is inserted with on conflict do nothing and only new rows emit `experience.feedback_due`, so a
 * member hears once per lead time however often the job runs; one statement per program and lead time.
 */
export async function sendFeedbackReminders(deps: Pick<AppDeps, 'db' | 'clock' | 'jobs'>): Promise<number> {
  const now = deps.clock.now();
  const programs = await deps.db
    .selectFrom('experience_programs')
    .select(['tenant_id', 'id', 'feedback_due_at', 'reminder_days'])
    .where('status', '=', 'active')
    .where('feedback_due_at', '>', now)
    .where('apply_until', '<=', now)
    .execute();
  let sent = 0;
  for (const program of programs) {
    for (const days of parsed<number[]>(program.reminder_days)) {
      if (now.getTime() < program.feedback_due_at.getTime() - days * 86_400_000) continue;
      sent += await withTransaction(deps.db, async (trx) => {
        const { rows } = await sql<{ member_id: string; application_id: string }>`
          insert into experience_feedback_reminders (tenant_id, member_id, application_id, days_before, sent_at)
          select a.tenant_id, a.member_id, a.id, ${days}, ${now}
          from experience_applications a
          where a.tenant_id = ${program.tenant_id} and a.program_id = ${program.id} and a.status = 'selected'
            and not exists (select 1 from experience_feedback f where f.tenant_id = a.tenant_id and f.member_id = a.member_id and f.application_id = a.id)
          on conflict do nothing
          returning member_id, application_id`.execute(trx);
        await emitEvents(
          trx,
          deps.jobs,
          systemActor,
          rows.map((r) => ({ tenantId: program.tenant_id, type: 'experience.feedback_due', payload: { program_id: program.id, application_id: r.application_id, member_id: r.member_id, days_before: days, feedback_due_at: program.feedback_due_at.toISOString() } })),
        );
        return rows.length;
      });
    }
  }
  return sent;
}
