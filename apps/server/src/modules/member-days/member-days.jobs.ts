import { sql } from 'kysely';
import type { MessageChannel } from '@hearth/contracts/messaging';
import type { Db } from '../../db/database.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { AppError } from '../../http/errors.ts';
import { enqueueJob } from '../../jobs/enqueue.ts';
import { emitEvent } from '../../jobs/outbox.ts';
import type { JobRegistry } from '../../jobs/registry.ts';
import { issueCoupon } from '../coupons/issuance.service.ts';
import { sendMessage } from '../messaging/send.service.ts';
import { getTemplateRow } from '../messaging/templates.service.ts';
import { checkEligibility } from '../pricing/eligibility.ts';
import { couponPackOf, eligibilityOf, getRow, HORIZON_DAYS, materialize } from './member-days.service.ts';
import { addDays, localDay } from './schedule.ts';

export const SWEEP_JOB = 'member_days.sweep';
export const PACK_JOB = 'member_days.issue_pack';
export const REMIND_JOB = 'member_days.remind';
const EXTEND_JOB = 'member_days.extend';
const PAGE = 200;

const memberDaysActor = { type: 'system' as const, id: null, label: 'member_days', role: null, permissions: new Set<never>() };
const systemContext = (tenantId: string): RequestContext => ({ tenantId, actor: memberDaysActor, requestId: null, ip: null });

interface DayPayload {
  member_day_id: string;
  day: string;
}

export function registerMemberDayJobs(registry: JobRegistry) {
  registry.define({ name: SWEEP_JOB, handler: ({ db, deps }) => sweep(db, deps) });
  registry.define({ name: EXTEND_JOB, handler: ({ db, deps }) => extendOccurrences(db, deps) });
  // Both walk every member of the brand, a page per transaction, and are idempotent by their own keys (the
  // coupon issuance key, the reminder row), so a rerun or a retry after a kill repeats nothing.
  registry.define<DayPayload>({ name: PACK_JOB, transactional: false, maxAttempts: 10, handler: ({ job, deps, payload, progress }) => issuePack(deps, job.tenant_id, payload, progress) });
  registry.define<DayPayload>({ name: REMIND_JOB, transactional: false, maxAttempts: 10, handler: ({ job, deps, payload, progress }) => remind(deps, job.tenant_id, payload, progress) });
  registry.schedule(SWEEP_JOB, '*/5 * * * *', { runAtStart: true });
  registry.schedule(EXTEND_JOB, '17 3 * * *', { runAtStart: true });
}

/**
 * Across tenants: days that have begun get `member_day.started` and their coupon pack job, and days whose
 * reminder time has come get their reminder job. Each is marked in the row with a conditional update, so
 * two sweeps at once (or a rerun) start and remind a day once. A day that ended before any sweep saw it (the
 * program was paused, the service down) is not started late.
 */
export async function sweep(db: Db, deps: AppDeps) {
  const now = deps.clock.now();
  const started = await sql<{ tenant_id: string; member_day_id: string; day: string; name: string; has_pack: boolean }>`
    update member_day_occurrences o set started_at = ${now}
    from member_days d
    where d.tenant_id = o.tenant_id and d.id = o.member_day_id and d.active
      and o.started_at is null and o.starts_at <= ${now} and o.ends_at > ${now}
      -- A local day lasts at most 25 hours: this bounds the index range, however many past days were never started.
      and o.starts_at > ${now}::timestamptz - interval '26 hours'
    returning o.tenant_id, o.member_day_id, o.day::text as day, d.name, jsonb_array_length(d.coupon_pack) > 0 as has_pack`.execute(db);
  for (const row of started.rows) {
    const ctx = systemContext(row.tenant_id);
    await emitEvent(db, deps.jobs, ctx, 'member_day.started', { member_day_id: row.member_day_id, day: row.day, name: row.name });
    if (row.has_pack) await enqueueJob(db, deps.jobs, { tenantId: row.tenant_id, name: PACK_JOB, key: `pack:${row.member_day_id}:${row.day}`, payload: { member_day_id: row.member_day_id, day: row.day } });
  }
  const reminding = await sql<{ tenant_id: string; member_day_id: string; day: string }>`
    update member_day_occurrences o set reminded_at = ${now}
    from member_days d
    where d.tenant_id = o.tenant_id and d.id = o.member_day_id and d.active and d.reminder_lead_hours is not null
      and o.reminded_at is null and o.starts_at > ${now} and o.starts_at - make_interval(hours => d.reminder_lead_hours) <= ${now}
      and o.starts_at <= ${now}::timestamptz + interval '720 hours'
    returning o.tenant_id, o.member_day_id, o.day::text as day`.execute(db);
  for (const row of reminding.rows) {
    await enqueueJob(db, deps.jobs, { tenantId: row.tenant_id, name: REMIND_JOB, key: `remind:${row.member_day_id}:${row.day}`, payload: { member_day_id: row.member_day_id, day: row.day } });
  }
  return { started: started.rows.length, reminders: reminding.rows.length };
}

/** Keeps every open-ended program materialized a good way ahead (HORIZON_DAYS), topping up daily. */
export async function extendOccurrences(db: Db, deps: AppDeps) {
  const now = deps.clock.now();
  const due = await sql<{ tenant_id: string; id: string; time_zone: string; last_day: string | null }>`
    select d.tenant_id, d.id, t.time_zone, (select max(o.day)::text from member_day_occurrences o where o.tenant_id = d.tenant_id and o.member_day_id = d.id) as last_day
    from member_days d join tenants t on t.id = d.tenant_id
    where d.active and (d.end_date is null or d.end_date >= (${now}::timestamptz at time zone t.time_zone)::date)`.execute(db);
  let written = 0;
  for (const p of due.rows) {
    if (p.last_day && p.last_day >= addDays(localDay(now, p.time_zone), HORIZON_DAYS - 30)) continue;
    const row = await getRow(db, p.tenant_id, p.id);
    written += await materialize(db, row, p.time_zone, now, 'future', p.last_day ? addDays(p.last_day, 1) : undefined);
  }
  return { programs: due.rows.length, written };
}

/** Every eligible member gets the pack's coupons, each keyed (program, day, template, member): issued once. */
async function issuePack(deps: AppDeps, tenantId: string, payload: DayPayload, progress: (done: number, total: number) => Promise<void>) {
  const ctx = systemContext(tenantId);
  const program = await getRow(deps.db, tenantId, payload.member_day_id);
  const pack = couponPackOf(program);
  const counts = { members: 0, issued: 0, replayed: 0, refused: 0 };
  for await (const eligible of eligiblePages(deps, tenantId, eligibilityOf(program))) {
    for (const memberId of eligible) {
      counts.members += 1;
      for (const item of pack) {
        try {
          const result = await issueCoupon(deps, ctx, { template_id: item.template_id, member_id: memberId, quantity: item.quantity, issuance_key: `member_day:${program.id}:${payload.day}:${item.template_id}:${memberId}` });
          counts[result.replayed ? 'replayed' : 'issued'] += result.coupons.length;
        } catch (error) {
          // Out of stock, the per-member limit, a paused template: this member goes without, the rest go on.
          if (!(error instanceof AppError)) throw error;
          counts.refused += 1;
        }
      }
    }
    await progress(counts.members, 0);
  }
  return counts;
}

/**
 * `member_day.upcoming` for each eligible member (journeys start from it), and the reminder message when the
 * program names a template (consent, caps and quiet hours are messaging's). The reminder row is the claim: a
 * member already reminded for this day inserts nothing and gets nothing again.
 */
async function remind(deps: AppDeps, tenantId: string, payload: DayPayload, progress: (done: number, total: number) => Promise<void>) {
  const ctx = systemContext(tenantId);
  const program = await getRow(deps.db, tenantId, payload.member_day_id);
  const occurrence = await deps.db.selectFrom('member_day_occurrences').select(['starts_at', 'ends_at']).where('tenant_id', '=', tenantId).where('member_day_id', '=', program.id).where('day', '=', payload.day).executeTakeFirst();
  if (!occurrence) return { skipped: 'no such day' };
  const template = program.reminder_template_id ? await getTemplateRow(deps.db, tenantId, program.reminder_template_id) : null;
  const counts = { members: 0, reminded: 0, sent: 0 };
  for await (const eligible of eligiblePages(deps, tenantId, eligibilityOf(program))) {
    counts.members += eligible.length;
    if (!eligible.length) continue;
    await withTransaction(deps.db, async (trx) => {
      const fresh = await trx
        .insertInto('member_day_reminders')
        .values(eligible.map((memberId) => ({ tenant_id: tenantId, member_id: memberId, member_day_id: program.id, day: payload.day, delivery_id: null })))
        .onConflict((oc) => oc.columns(['tenant_id', 'member_id', 'member_day_id', 'day']).doNothing())
        .returning('member_id')
        .execute();
      for (const { member_id } of fresh) {
        await emitEvent(trx, deps.jobs, ctx, 'member_day.upcoming', { member_id, member_day_id: program.id, day: payload.day, name: program.name, starts_at: occurrence.starts_at.toISOString(), points_multiplier_bp: program.points_multiplier_bp });
        counts.reminded += 1;
        if (!template) continue;
        const sent = await sendMessage({ ...deps, db: trx }, ctx, {
          memberId: member_id,
          channel: template.channel as MessageChannel,
          templateId: template.id,
          variables: { member_day: { name: program.name, day: payload.day, points_multiplier: program.points_multiplier_bp / 10000 } },
          category: 'marketing',
          dedupeKey: `member_day:${program.id}:${payload.day}:${member_id}`,
          source: { kind: 'system', id: program.id },
        });
        await trx.updateTable('member_day_reminders').set({ delivery_id: sent.deliveryId }).where('tenant_id', '=', tenantId).where('member_id', '=', member_id).where('member_day_id', '=', program.id).where('day', '=', payload.day).execute();
        if (sent.status !== 'suppressed') counts.sent += 1;
      }
    });
    await progress(counts.members, 0);
  }
  return counts;
}

/**
 * The brand's active members in key order, a page at a time, filtered by the program's eligibility (each
 * criterion asked of its owning module, as pricing's checkEligibility does). Members are read here directly,
 * read-only, as other set-wide walks do.
 */
async function* eligiblePages(deps: AppDeps, tenantId: string, eligibility: ReturnType<typeof eligibilityOf>) {
  let after: string | null = null;
  const now = deps.clock.now();
  for (;;) {
    const rows: { id: string }[] = await deps.db
      .selectFrom('members')
      .select('id')
      .where('tenant_id', '=', tenantId)
      .where('status', '=', 'active')
      .$if(after !== null, (q) => q.where('id', '>', after!))
      .orderBy('id')
      .limit(PAGE)
      .execute();
    if (!rows.length) return;
    after = rows[rows.length - 1]!.id;
    const eligible: string[] = [];
    for (const r of rows) if ((await checkEligibility(deps.db, tenantId, r.id, eligibility, now)).eligible) eligible.push(r.id);
    yield eligible;
    if (rows.length < PAGE) return;
  }
}

