import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { countDataLines, csvRecords, detectEncoding } from '../../imports/csv-files.ts';
import { emitEvents } from '../../jobs/outbox.ts';
import type { JobRegistry } from '../../jobs/registry.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { memberIdsByPhone } from '../members/members.service.ts';
import { normalizePhone } from '../members/personal-data.ts';
import { ISSUE_JOB, issueChunk, type Target } from './issuance.service.ts';
import { lockTemplate } from './templates.service.ts';

const CHUNK = 500;
/** The local hour from which expiring coupons are announced. */
const REMIND_LOCAL_HOUR = 10;
const systemActor = (label: string): RequestContext['actor'] => ({ type: 'system', id: null, label, role: null, permissions: new Set() });

export function registerCouponJobs(registry: JobRegistry) {
  registry.define<{ issuance_id: string; actor: string }>({
    name: ISSUE_JOB,
    transactional: false,
    maxAttempts: 3,
    handler: ({ job, payload, deps, progress }) => runBulkIssuance(deps, { tenantId: job.tenant_id, actor: systemActor(`coupon issuance (${payload.actor})`), requestId: null, ip: null }, payload.issuance_id, progress),
  });
  registry.define({ name: 'coupons.expire', handler: ({ deps }) => expireCoupons(deps) });
  // Not in the job's transaction: it commits a transaction per 2,000 coupons.
  registry.define({ name: 'coupons.remind_expiring', transactional: false, handler: ({ deps }) => remindExpiringCoupons(deps) });
  registry.schedule('coupons.expire', '5 * * * *', { runAtStart: true });
  registry.schedule('coupons.remind_expiring', '10 * * * *', { runAtStart: true });
}

/**
 * Works through a bulk issuance in chunks of 500 members (ids in list order, or CSV lines). Each chunk —
 * its coupons, skipped rows, counters and checkpoint — commits in one transaction, so a crashed job resumes
 * after its last chunk and a rerun issues nothing twice.
 */
export async function runBulkIssuance(deps: AppDeps, ctx: RequestContext, issuanceId: string, progress: (done: number, total: number) => Promise<void> = async () => {}) {
  const issuance = await deps.db.selectFrom('coupon_issuances').selectAll().where('tenant_id', '=', ctx.tenantId).where('id', '=', issuanceId).executeTakeFirstOrThrow();
  if (issuance.status === 'succeeded') return { skipped: true };
  const encoding = issuance.file_path ? await detectEncoding(issuance.file_path) : null;
  const total = issuance.total ?? (await countDataLines(issuance.file_path!));
  await deps.db.updateTable('coupon_issuances').set({ status: 'running', total }).where('tenant_id', '=', ctx.tenantId).where('id', '=', issuanceId).execute();

  let processed = issuance.processed;
  const flush = async (targets: Target[], checkpoint: number) => {
    await deps.db.transaction().execute(async (trx) => {
      const template = await lockTemplate(trx, ctx.tenantId, issuance.template_id);
      const result = await issueChunk(trx, deps, ctx, template, issuanceId, targets, 1);
      if (result.skipped.length) {
        await trx
          .insertInto('coupon_issuance_errors')
          .values(result.skipped.map((s) => ({ tenant_id: ctx.tenantId, issuance_id: issuanceId, ...s })))
          .onConflict((oc) => oc.doNothing())
          .execute();
      }
      await trx
        .updateTable('coupon_issuances')
        .set({ processed: checkpoint, issued: sql`issued + ${result.coupons.length}::int`, skipped: sql`skipped + ${result.skipped.length}::int` })
        .where('tenant_id', '=', ctx.tenantId)
        .where('id', '=', issuanceId)
        .execute();
    });
    processed = checkpoint;
    await progress(processed, total);
  };

  if (issuance.member_ids) {
    const ids = issuance.member_ids;
    for (let start = processed; start < ids.length; start += CHUNK) {
      const slice = ids.slice(start, start + CHUNK);
      await flush(slice.map((memberId, i) => ({ memberId, line: start + i + 1 })), start + slice.length);
    }
  } else {
    let batch: { line: number; phone: string }[] = [];
    const flushPhones = async () => {
      if (!batch.length) return;
      const rows = batch;
      batch = [];
      const normalized = rows.map((r) => normalizePhone(r.phone));
      const owners = await memberIdsByPhone(deps.db, ctx.tenantId, normalized.flatMap((p) => (p ? [p] : [])));
      const targets = rows.map((r, i): Target => {
        const phone = normalized[i];
        if (!phone) return { memberId: null, line: r.line, field: 'phone', error: { code: 'invalid_phone', message: 'not a phone number' } };
        return { memberId: owners.get(phone) ?? null, line: r.line, field: 'phone' };
      });
      await flush(targets, rows[rows.length - 1]!.line);
    };
    for await (const { record, info } of csvRecords(issuance.file_path!, encoding!, (h) => (/^(手机号|手机|电话|phone|mobile)$/i.test(h.trim()) ? 'phone' : h.trim().toLowerCase()))) {
      if (info.lines <= processed) continue;
      batch.push({ line: info.lines, phone: record.phone ?? '' });
      if (batch.length >= CHUNK) await flushPhones();
    }
    await flushPhones();
  }

  const done = await deps.db
    .updateTable('coupon_issuances')
    .set({ status: 'succeeded', finished_at: sql`now()` })
    .where('tenant_id', '=', ctx.tenantId)
    .where('id', '=', issuanceId)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(deps.db, ctx, { action: 'coupon.bulk_issue', resourceType: 'coupon_issuance', resourceId: issuanceId, details: { issued: done.issued, skipped: done.skipped } });
  return { issued: done.issued, skipped: done.skipped };
}

/**
 * Marks coupons past their validity as expired, 5,000 at a time, set-based; a reservation left behind
 * on an expired coupon goes with it. Rerunning finds nothing more to do.
 */
export async function expireCoupons(deps: Pick<AppDeps, 'db' | 'clock'>): Promise<{ expired: number }> {
  let expired = 0;
  for (;;) {
    const result = await sql`
      update coupons c set status = 'expired', reservation_ref = null, reserved_until = null, updated_at = now()
      from (select tenant_id, member_id, id from coupons where status in ('available', 'reserved') and expires_at <= ${deps.clock.now()}
            order by expires_at limit 5000 for update skip locked) due
      where c.tenant_id = due.tenant_id and c.member_id = due.member_id and c.id = due.id`.execute(deps.db);
    const n = Number(result.numAffectedRows ?? 0);
    expired += n;
    if (n < 5000) return { expired };
  }
}

/**
 * `coupon.expiring` once per coupon, the tenant's `expiring_days` before it expires, never before 10:00 in the
 * tenant's zone (the job runs hourly, so each brand's members hear of it in their own morning): the coupon row
 * records that it was announced in the same statement that picks it, so reruns announce nothing twice.
 */
export async function remindExpiringCoupons(deps: Pick<AppDeps, 'db' | 'clock' | 'jobs'>): Promise<{ reminded: number }> {
  const now = deps.clock.now();
  let reminded = 0;
  for (;;) {
    const rows = await deps.db.transaction().execute(async (trx: Db) => {
      const due = await sql<{ tenant_id: string; member_id: string; id: string; template_id: string; expires_at: Date }>`
        update coupons c set expiring_notified_at = ${now}
        from (select c2.tenant_id, c2.member_id, c2.id from coupons c2
              join tenants t on t.id = c2.tenant_id
              left join coupon_settings s on s.tenant_id = c2.tenant_id
              where c2.status = 'available' and c2.expiring_notified_at is null and c2.expires_at > ${now}
                and extract(hour from ${now}::timestamptz at time zone t.time_zone) >= ${REMIND_LOCAL_HOUR}
                and c2.expires_at <= ${now}::timestamptz + make_interval(days => coalesce(s.expiring_days, 3))
              limit 2000 for update of c2 skip locked) due
        where c.tenant_id = due.tenant_id and c.member_id = due.member_id and c.id = due.id
        returning c.tenant_id, c.member_id, c.id, c.template_id, c.expires_at`.execute(trx);
      await emitEvents(
        trx,
        deps.jobs,
        { type: 'system', id: null },
        due.rows.map((r) => ({ tenantId: r.tenant_id, type: 'coupon.expiring', payload: { coupon_id: r.id, member_id: r.member_id, template_id: r.template_id, expires_at: new Date(r.expires_at).toISOString() } })),
      );
      return due.rows.length;
    });
    reminded += rows;
    if (rows < 2000) return { reminded };
  }
}
