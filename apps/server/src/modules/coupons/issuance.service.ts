import type { Readable } from 'node:stream';
import { sql, type Selectable } from 'kysely';
import { DateTime } from 'luxon';
import { v7 as uuidv7 } from 'uuid';
import type { Coupon } from '@hearth/contracts/coupons';
import type { Db } from '../../db/database.ts';
import { isUniqueViolation } from '../../db/errors.ts';
import type { DB } from '../../db/schema.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { AppError, notFound, type ErrorCode } from '../../http/errors.ts';
import { enqueueJob } from '../../jobs/enqueue.ts';
import { emitEvents } from '../../jobs/outbox.ts';
import { errorsCsv, saveUpload } from '../../imports/csv-files.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { activeMemberIds } from '../members/members.service.ts';
import { newCode } from './codes.ts';
import { serializeCoupons } from './coupons.service.ts';
import { asDay, lockTemplate, type TemplateRow } from './templates.service.ts';

export const ISSUE_JOB = 'coupons.issue';
type IssuanceRow = Selectable<DB['coupon_issuances']>;

export interface Target {
  memberId: string | null;
  /** Position in the list or line in the CSV, for the errors file. */
  line: number;
  field?: string;
  error?: { code: string; message: string };
}

export interface ChunkResult {
  coupons: Selectable<DB['coupons']>[];
  skipped: { line: number; field: string; code: SkipCode; message: string }[];
}
type SkipCode = 'unknown_member' | 'per_member_limit' | 'out_of_stock' | 'template_paused' | 'template_ended' | 'invalid_phone';

/** One member, idempotent by the issuance key: the same key again returns the coupons it issued. */
export async function issueCoupon(deps: AppDeps, ctx: RequestContext, input: { template_id: string; member_id: string; quantity: number; issuance_key: string }): Promise<{ coupons: Coupon[]; replayed: boolean }> {
  try {
    return await withTransaction(deps.db, async (trx) => {
      const earlier = await findIssuance(trx, ctx.tenantId, input.issuance_key);
      if (earlier) return { coupons: await issuedCoupons(trx, ctx.tenantId, earlier, input.template_id), replayed: true };
      const template = await lockTemplate(trx, ctx.tenantId, input.template_id);
      const issuance = await insertIssuance(trx, ctx, { key: input.issuance_key, templateId: template.id, source: 'single', status: 'succeeded', total: 1 });
      const result = await issueChunk(trx, deps, ctx, template, issuance.id, [{ memberId: input.member_id, line: 1, field: 'member_id' }], input.quantity);
      if (!result.coupons.length) throw refusal(result.skipped[0]!);
      await trx.updateTable('coupon_issuances').set({ processed: 1, issued: result.coupons.length, finished_at: sql`now()` }).where('tenant_id', '=', ctx.tenantId).where('id', '=', issuance.id).execute();
      await recordAudit(trx, ctx, { action: 'coupon.issue', resourceType: 'coupon_issuance', resourceId: issuance.id, details: { template_id: template.id, member_id: input.member_id, issued: result.coupons.length } });
      return { coupons: await serializeCoupons(trx, ctx.tenantId, result.coupons), replayed: false };
    });
  } catch (error) {
    // The same key sent twice at once: the second finds the first.
    if (!isUniqueViolation(error, 'coupon_issuances_key')) throw error;
    return issueCoupon(deps, ctx, input);
  }
}

/** A list of member ids or a CSV of phones, issued by a job with progress; the same key returns the first. */
export async function startBulkIssuance(
  deps: AppDeps,
  ctx: RequestContext,
  input: { template_id: string; issuance_key: string } & ({ member_ids: string[] } | { upload: Readable; file_name: string | null }),
): Promise<{ issuance: IssuanceRow; replayed: boolean }> {
  const earlier = await findIssuance(deps.db, ctx.tenantId, input.issuance_key);
  if (earlier) return { issuance: sameTemplate(earlier, input.template_id), replayed: true };
  const id = uuidv7();
  const file = 'upload' in input ? await saveUpload(deps.config.dataDir, ctx.tenantId, id, input.upload) : null;
  try {
    return await withTransaction(deps.db, async (trx) => {
      await lockTemplate(trx, ctx.tenantId, input.template_id);
      const memberIds = 'member_ids' in input ? input.member_ids : null;
      const issuance = await insertIssuance(trx, ctx, {
        id,
        key: input.issuance_key,
        templateId: input.template_id,
        source: 'bulk',
        status: 'queued',
        total: memberIds?.length ?? null,
        memberIds,
        filePath: file?.filePath ?? null,
        fileName: 'file_name' in input ? input.file_name : null,
      });
      await enqueueJob(trx, deps.jobs, { tenantId: ctx.tenantId, name: ISSUE_JOB, key: `issuance:${id}`, payload: { issuance_id: id, actor: ctx.actor.label } });
      await recordAudit(trx, ctx, { action: 'coupon.bulk_issue_start', resourceType: 'coupon_issuance', resourceId: id, details: { template_id: input.template_id, members: memberIds?.length ?? null, bytes: file?.bytes ?? null } });
      return { issuance, replayed: false };
    });
  } catch (error) {
    if (!isUniqueViolation(error, 'coupon_issuances_key')) throw error;
    const first = (await findIssuance(deps.db, ctx.tenantId, input.issuance_key))!;
    return { issuance: sameTemplate(first, input.template_id), replayed: true };
  }
}

/**
 * Issues a template's coupons to a chunk of targets, `quantity` each, in the caller's transaction and
 * under the template's row lock (lockTemplate), so stock and per-member limits are read and taken by one
 * issuer at a time: never exceeded however many issue at once. Targets that get nothing are returned as
 * skipped with the reason; a member may get fewer than `quantity` when their limit or the stock runs out.
 */
export async function issueChunk(trx: Db, deps: AppDeps, ctx: RequestContext, template: TemplateRow, issuanceId: string, targets: Target[], quantity: number): Promise<ChunkResult> {
  const skipped: ChunkResult['skipped'] = [];
  const skip = (t: Target, code: SkipCode, message: string) => skipped.push({ line: t.line, field: t.field ?? 'member_id', code, message });
  const tenant = await trx.selectFrom('tenants').select('time_zone').where('id', '=', ctx.tenantId).executeTakeFirstOrThrow();
  const now = DateTime.fromJSDate(deps.clock.now()).setZone(tenant.time_zone);
  const validity = validityOf(template, now);
  const refusedAll: [SkipCode, string] | null =
    template.status === 'paused' ? ['template_paused', 'the template is paused'] : validity.expiresAt <= now.toJSDate() ? ['template_ended', 'the template’s validity has ended'] : null;

  const ids = [...new Set(targets.flatMap((t) => (t.memberId && !t.error ? [t.memberId] : [])))];
  const active = await activeMemberIds(trx, ctx.tenantId, ids);
  const counts = new Map<string, { all: number; here: number }>();
  if (ids.length) {
    const rows = await trx
      .selectFrom('coupons')
      .select(['member_id', sql<number>`count(*)::int`.as('all'), sql<number>`(count(*) filter (where issuance_id = ${issuanceId}))::int`.as('here')])
      .where('tenant_id', '=', ctx.tenantId)
      .where('template_id', '=', template.id)
      .where('member_id', 'in', ids)
      .groupBy('member_id')
      .execute();
    for (const r of rows) counts.set(r.member_id, { all: r.all, here: r.here });
  }
  let stockLeft = template.stock_total === null ? Infinity : template.stock_total - template.issued_count;
  const values: (Omit<DB['coupons'], 'status' | 'restored_count' | 'created_at' | 'updated_at'> & { tenant_id: string; created_at: Date })[] = [];
  for (const target of targets) {
    if (target.error) {
      skipped.push({ line: target.line, field: target.field ?? 'member_id', code: target.error.code as SkipCode, message: target.error.message });
      continue;
    }
    if (refusedAll) {
      skip(target, ...refusedAll);
      continue;
    }
    if (!target.memberId || !active.has(target.memberId)) {
      skip(target, 'unknown_member', 'no such active member');
      continue;
    }
    const count = counts.get(target.memberId) ?? { all: 0, here: 0 };
    const byLimit = template.per_member_limit === null ? quantity : Math.min(quantity, template.per_member_limit - count.all);
    const n = Math.min(byLimit, stockLeft);
    if (n <= 0) {
      if (byLimit <= 0) skip(target, 'per_member_limit', `at most ${template.per_member_limit} per member`);
      else skip(target, 'out_of_stock', 'the template’s stock is used up');
      continue;
    }
    for (let k = 0; k < n; k++) {
      values.push({
        tenant_id: ctx.tenantId,
        member_id: target.memberId,
        id: uuidv7(),
        template_id: template.id,
        issuance_id: issuanceId,
        issue_seq: count.here + k + 1,
        code: newCode(),
        starts_at: validity.startsAt,
        expires_at: validity.expiresAt,
        reservation_ref: null,
        reserved_until: null,
        redemption_ref: null,
        redeemed_at: null,
        store_id: null,
        order_external_id: null,
        discount_fen: null,
        expiring_notified_at: null,
        // The injected clock, not the database's: the monthly report counts issues by it.
        created_at: now.toJSDate(),
      });
    }
    counts.set(target.memberId, { all: count.all + n, here: count.here + n });
    stockLeft -= n;
  }
  if (!values.length) return { coupons: [], skipped };
  const coupons = await trx.insertInto('coupons').values(values).returningAll().execute();
  await trx
    .updateTable('coupon_templates')
    .set({ issued_count: sql`issued_count + ${values.length}::int`, updated_at: sql`now()` })
    .where('tenant_id', '=', ctx.tenantId)
    .where('id', '=', template.id)
    .execute();
  template.issued_count += values.length;
  await emitEvents(
    trx,
    deps.jobs,
    ctx.actor,
    coupons.map((c) => ({ tenantId: ctx.tenantId, type: 'coupon.issued', payload: { coupon_id: c.id, member_id: c.member_id, template_id: c.template_id, issuance_id: issuanceId, expires_at: c.expires_at.toISOString() } })),
    ctx.requestId,
  );
  return { coupons, skipped };
}

/**
 * When a coupon issued now may be used: fixed dates are whole days in the tenant's zone (from the start of
 * the first to local midnight after the last); "N days" counts the day of issue and ends at local midnight.
 */
export function validityOf(template: Pick<TemplateRow, 'valid_from' | 'valid_until' | 'valid_days'>, now: DateTime): { startsAt: Date; expiresAt: Date } {
  const zone = now.zone;
  const from = asDay(template.valid_from);
  const startsAt = from ? DateTime.max(DateTime.fromISO(from, { zone }).startOf('day'), now) : now;
  const until = asDay(template.valid_until);
  const expiresAt = until ? DateTime.fromISO(until, { zone }).plus({ days: 1 }).startOf('day') : now.startOf('day').plus({ days: template.valid_days! });
  return { startsAt: startsAt.toJSDate(), expiresAt: expiresAt.toJSDate() };
}

const refusalCodes: Record<SkipCode, ErrorCode> = {
  unknown_member: 'VALIDATION_FAILED',
  invalid_phone: 'VALIDATION_FAILED',
  per_member_limit: 'COUPON_LIMIT_REACHED',
  out_of_stock: 'COUPON_OUT_OF_STOCK',
  template_paused: 'COUPON_TEMPLATE_PAUSED',
  template_ended: 'COUPON_TEMPLATE_PAUSED',
};

export function refusal(skip: ChunkResult['skipped'][number]): AppError {
  return new AppError(refusalCodes[skip.code], skip.message, { errors: [{ field: skip.field, code: skip.code, message: skip.message }] });
}

async function findIssuance(db: Db, tenantId: string, key: string) {
  return db.selectFrom('coupon_issuances').selectAll().where('tenant_id', '=', tenantId).where('issuance_key', '=', key).executeTakeFirst();
}

function sameTemplate(issuance: IssuanceRow, templateId: string): IssuanceRow {
  if (issuance.template_id !== templateId) {
    throw new AppError('CONFLICT', 'This issuance_key was used for another template', { errors: [{ field: 'issuance_key', code: 'different_template', message: 'use a new issuance_key' }] });
  }
  return issuance;
}

async function issuedCoupons(db: Db, tenantId: string, issuance: IssuanceRow, templateId: string): Promise<Coupon[]> {
  sameTemplate(issuance, templateId);
  const rows = await db.selectFrom('coupons').selectAll().where('tenant_id', '=', tenantId).where('issuance_id', '=', issuance.id).orderBy('id').execute();
  return serializeCoupons(db, tenantId, rows);
}

export async function insertIssuance(
  trx: Db,
  ctx: RequestContext,
  i: { id?: string; key: string; templateId: string; source: IssuanceRow['source']; status: IssuanceRow['status']; total: number | null; memberIds?: string[] | null; filePath?: string | null; fileName?: string | null },
): Promise<IssuanceRow> {
  return trx
    .insertInto('coupon_issuances')
    .values({
      tenant_id: ctx.tenantId,
      id: i.id ?? uuidv7(),
      issuance_key: i.key,
      template_id: i.templateId,
      source: i.source,
      status: i.status,
      member_ids: i.memberIds ?? null,
      file_path: i.filePath ?? null,
      file_name: i.fileName ?? null,
      total: i.total,
      created_by: ctx.actor.label,
      finished_at: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function getIssuance(deps: AppDeps, ctx: RequestContext, id: string) {
  const row = await deps.db.selectFrom('coupon_issuances').selectAll().where('tenant_id', '=', ctx.tenantId).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Coupon issuance');
  return serializeIssuance(row);
}

export async function listIssuances(deps: AppDeps, ctx: RequestContext, templateId: string | undefined) {
  let query = deps.db.selectFrom('coupon_issuances').selectAll().where('tenant_id', '=', ctx.tenantId).where('source', '=', 'bulk');
  if (templateId) query = query.where('template_id', '=', templateId);
  return (await query.orderBy('id', 'desc').limit(200).execute()).map(serializeIssuance);
}

export async function* issuanceErrorsCsv(deps: AppDeps, ctx: RequestContext, id: string): AsyncGenerator<string> {
  await getIssuance(deps, ctx, id);
  yield* errorsCsv((after) =>
    deps.db.selectFrom('coupon_issuance_errors').select(['line', 'field', 'code', 'message']).where('tenant_id', '=', ctx.tenantId).where('issuance_id', '=', id).where('line', '>', after).orderBy('line').limit(1000).execute(),
  );
}

export function serializeIssuance(row: IssuanceRow) {
  return {
    id: row.id,
    issuance_key: row.issuance_key,
    template_id: row.template_id,
    source: row.source,
    status: row.status,
    file_name: row.file_name,
    total: row.total,
    processed: row.processed,
    issued: row.issued,
    skipped: row.skipped,
    created_at: row.created_at.toISOString(),
    finished_at: row.finished_at?.toISOString() ?? null,
  };
}
