import fs from 'node:fs';
import type { Readable } from 'node:stream';
import { sql, type Selectable } from 'kysely';
import { DateTime } from 'luxon';
import { v7 as uuidv7 } from 'uuid';
import type { Allocation } from '@hearth/contracts/partners';
import type { Db } from '../../db/database.ts';
import { isUniqueViolation } from '../../db/errors.ts';
import type { DB } from '../../db/schema.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { AppError, notFound, validationError } from '../../http/errors.ts';
import { decodeCursor, toPage } from '../../http/pagination.ts';
import { csvRecords, detectEncoding, saveUpload, type ImportError } from '../../imports/csv-files.ts';
import { enqueueJob } from '../../jobs/enqueue.ts';
import { emitEvent } from '../../jobs/outbox.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { getMemberRow } from '../members/members.service.ts';
import { checkEligibility, normalizeEligibility } from '../pricing/eligibility.ts';
import { getBenefitRow, getPartnerRow, type BenefitRow } from './partners.service.ts';

export const DELIVER_JOB = 'partners.deliver_callback';
export type AllocationRow = Selectable<DB['partner_allocations']>;
const MAX_CODES_PER_IMPORT = 200_000;
const INSERT_CHUNK = 1_000;

/**
 * One allocation of a benefit per member per period. Asking again in the same period returns the first
 * allocation (200). A code is claimed with one UPDATE of the first available code chosen FOR UPDATE SKIP
 * LOCKED, so concurrent allocations take different codes and never wait for each other; two requests of the
 * same member race on the (benefit, member, period) unique index and the loser answers with the winner's row.
 */
export async function allocate(deps: AppDeps, ctx: RequestContext, benefitId: string, input: { member_id: string; benefit_ref?: string | null }): Promise<{ allocation: Allocation; created: boolean }> {
  const benefit = await getBenefitRow(deps.db, ctx.tenantId, benefitId);
  const member = await getMemberRow(deps.db, ctx, input.member_id);
  const now = deps.clock.now();
  const periodKey = periodKeyOf(benefit.period, now, await tenantZone(deps.db, ctx.tenantId));
  const earlier = await findAllocation(deps.db, ctx.tenantId, benefit.id, member.id, periodKey);
  if (earlier) return { allocation: serializeAllocation(earlier, false), created: false };
  if (benefit.status !== 'active') throw new AppError('PARTNER_BENEFIT_PAUSED', 'This partner benefit is paused');
  if (member.status !== 'active') throw new AppError('MEMBER_NOT_ACTIVE', 'The member is not active', { errors: [{ field: 'member_id', code: 'not_active', message: `member is ${member.status}` }] });
  const check = await checkEligibility(deps.db, ctx.tenantId, member.id, normalizeEligibility(benefit.eligibility), now);
  if (!check.eligible) throw new AppError('MEMBER_NOT_ELIGIBLE', 'The member is not eligible for this benefit', { errors: [{ field: 'member_id', code: 'not_eligible', message: 'the member matches none of the benefit’s eligibility rules' }] });
  const partner = await getPartnerRow(deps.db, ctx.tenantId, benefit.partner_id);
  if (benefit.kind === 'callback' && (!partner.callback_url || !partner.secret_sealed)) {
    throw new AppError('PARTNER_CALLBACK_NOT_CONFIGURED', 'The partner has no callback URL or secret yet');
  }
  try {
    const row = await withTransaction(deps.db, (trx) => insertAllocation(trx, deps, ctx, benefit, member.id, periodKey, input.benefit_ref ?? null));
    // After the commit, so the count sees every claim committed so far: checked inside, allocations running
    // at once each count the others' claims as still available and the crossing could go unnoticed.
    if (benefit.kind === 'code_pool') await withTransaction(deps.db, (trx) => alertIfLow(trx, deps, ctx, benefit));
    return { allocation: serializeAllocation(row, false), created: true };
  } catch (error) {
    if (!isUniqueViolation(error, 'partner_allocations_period_key')) throw error;
    const first = (await findAllocation(deps.db, ctx.tenantId, benefit.id, member.id, periodKey))!;
    return { allocation: serializeAllocation(first, false), created: false };
  }
}

async function insertAllocation(trx: Db, deps: AppDeps, ctx: RequestContext, benefit: BenefitRow, memberId: string, periodKey: string, benefitRef: string | null): Promise<AllocationRow> {
  const id = uuidv7();
  let code: { id: string; code: string } | undefined;
  if (benefit.kind === 'code_pool') {
    const claimed = await sql<{ id: string; code: string }>`
      update partner_codes c set status = 'allocated', allocation_id = ${id}, allocated_at = now()
      where c.tenant_id = ${ctx.tenantId} and c.benefit_id = ${benefit.id} and c.id = (
        select id from partner_codes
        where tenant_id = ${ctx.tenantId} and benefit_id = ${benefit.id} and status = 'available'
        order by id limit 1 for update skip locked)
      returning c.id, c.code`.execute(trx);
    code = claimed.rows[0];
    if (!code) throw new AppError('PARTNER_POOL_EXHAUSTED', 'The code pool has no code left; import more codes');
  }
  const row = await trx
    .insertInto('partner_allocations')
    .values({
      tenant_id: ctx.tenantId,
      member_id: memberId,
      id,
      benefit_id: benefit.id,
      partner_id: benefit.partner_id,
      period_key: periodKey,
      code_id: code?.id ?? null,
      code: code?.code ?? null,
      status: code ? 'allocated' : 'pending',
      external_ref: null,
      callback_error: null,
      delivered_at: null,
      redeemed_at: null,
      redemption_source: null,
      benefit_ref: benefitRef ?? benefit.benefit_ref,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  if (benefit.kind === 'callback') {
    await enqueueJob(trx, deps.jobs, { tenantId: ctx.tenantId, name: DELIVER_JOB, key: `allocation:${id}`, payload: { allocation_id: id } });
  }
  // The payload names the allocation, never the code: events are read by more people than the member.
  await emitEvent(trx, deps.jobs, ctx, 'partner.benefit_allocated', { allocation_id: id, member_id: memberId, benefit_id: benefit.id, partner_id: benefit.partner_id, period_key: periodKey, benefit_ref: row.benefit_ref });
  return row;
}

/**
 * partner.pool_low once per crossing: when stock is at or below the threshold and the benefit is not marked
 * low yet, a conditional update marks it and only the statement that changed the row emits. The last
 * allocation to commit always checks after every other claim is visible, so no crossing is missed. Counting stops
 * at threshold + 1, so this costs a few index entries however large the pool. An import that lifts stock
 * above the threshold clears the mark, so the next crossing alerts again.
 */
async function alertIfLow(trx: Db, deps: AppDeps, ctx: RequestContext, benefit: BenefitRow) {
  const available = await availableUpTo(trx, ctx.tenantId, benefit.id, benefit.low_stock_threshold + 1);
  if (available > benefit.low_stock_threshold) return;
  const marked = await trx
    .updateTable('partner_benefits')
    .set({ low_stock_since: sql`now()` })
    .where('tenant_id', '=', ctx.tenantId)
    .where('id', '=', benefit.id)
    .where('low_stock_since', 'is', null)
    .returning('id')
    .executeTakeFirst();
  if (marked) await emitEvent(trx, deps.jobs, ctx, 'partner.pool_low', { benefit_id: benefit.id, partner_id: benefit.partner_id, available, threshold: benefit.low_stock_threshold });
}

export async function availableUpTo(db: Db, tenantId: string, benefitId: string, limit: number): Promise<number> {
  const r = await sql<{ n: number }>`select count(*)::int as n from (select 1 from partner_codes where tenant_id = ${tenantId} and benefit_id = ${benefitId} and status = 'available' limit ${limit}) s`.execute(db);
  return r.rows[0]!.n;
}

/**
 * Codes from a CSV (UTF-8 or GBK; a column code, 券码 or 兑换码) into a pool, in one transaction: a code
 * repeated in the file or already in the pool (from any import) is rejected and reported with its line.
 */
export async function importCodes(deps: AppDeps, ctx: RequestContext, benefitId: string, upload: Readable, fileName: string | null) {
  const benefit = await getBenefitRow(deps.db, ctx.tenantId, benefitId);
  if (benefit.kind !== 'code_pool') throw validationError([{ field: 'benefit_id', code: 'not_a_code_pool', message: 'codes go into code-pool benefits only' }]);
  const importId = uuidv7();
  const { filePath } = await saveUpload(deps.config.dataDir, ctx.tenantId, importId, upload);
  try {
    const encoding = await detectEncoding(filePath);
    return await withTransaction(deps.db, async (trx) => {
      await trx.insertInto('partner_code_imports').values({ tenant_id: ctx.tenantId, id: importId, benefit_id: benefit.id, file_name: fileName, created_by: ctx.actor.label }).execute();
      const errors: ImportError[] = [];
      const seen = new Set<string>();
      let batch: { code: string; line: number }[] = [];
      let rows = 0;
      let imported = 0;
      const flush = async () => {
        if (!batch.length) return;
        const inserted = await trx
          .insertInto('partner_codes')
          .values(batch.map((b) => ({ tenant_id: ctx.tenantId, benefit_id: benefit.id, id: uuidv7(), code: b.code, import_id: importId, allocation_id: null, allocated_at: null })))
          .onConflict((oc) => oc.columns(['tenant_id', 'benefit_id', 'code']).doNothing())
          .returning('code')
          .execute();
        const fresh = new Set(inserted.map((r) => r.code));
        for (const b of batch) if (!fresh.has(b.code)) errors.push({ line: b.line, field: 'code', code: 'duplicate_in_pool', message: 'already in this pool from an earlier import' });
        imported += inserted.length;
        batch = [];
      };
      let checkedHeader = false;
      for await (const { record, info } of csvRecords(filePath, encoding, codeHeader)) {
        if (!checkedHeader) {
          checkedHeader = true;
          if (!('code' in record)) throw validationError([{ field: 'code', code: 'missing_column', message: 'the file needs a column code (or 券码 / 兑换码)' }]);
        }
        rows++;
        if (rows > MAX_CODES_PER_IMPORT) throw validationError([{ field: 'body', code: 'too_many_rows', message: `at most ${MAX_CODES_PER_IMPORT} codes per file` }]);
        const code = (record.code ?? '').trim();
        const line = info.lines;
        if (!code) errors.push({ line, field: 'code', code: 'empty', message: 'no code on this line' });
        else if (code.length > 200) errors.push({ line, field: 'code', code: 'too_long', message: 'a code has at most 200 characters' });
        else if (seen.has(code)) errors.push({ line, field: 'code', code: 'duplicate_in_file', message: 'this code appears earlier in the file' });
        else {
          seen.add(code);
          batch.push({ code, line });
          if (batch.length >= INSERT_CHUNK) await flush();
        }
      }
      await flush();
      errors.sort((a, b) => a.line - b.line);
      const row = await trx
        .updateTable('partner_code_imports')
        .set({ rows, imported, rejected: rows - imported, errors: JSON.stringify(errors.slice(0, 1000)) })
        .where('tenant_id', '=', ctx.tenantId)
        .where('id', '=', importId)
        .returningAll()
        .executeTakeFirstOrThrow();
      await restock(trx, deps, ctx, benefit);
      await recordAudit(trx, ctx, { action: 'partner_codes.import', resourceType: 'partner_benefit', resourceId: benefit.id, details: { import_id: importId, rows, imported } });
      return serializeImport(row);
    });
  } finally {
    await fs.promises.rm(filePath, { force: true });
  }
}

/** After an import: above the threshold clears the low mark; still at or below it (a small first import) alerts once. */
async function restock(trx: Db, deps: AppDeps, ctx: RequestContext, benefit: BenefitRow) {
  const available = await availableUpTo(trx, ctx.tenantId, benefit.id, benefit.low_stock_threshold + 1);
  if (available > benefit.low_stock_threshold) {
    await trx.updateTable('partner_benefits').set({ low_stock_since: null }).where('tenant_id', '=', ctx.tenantId).where('id', '=', benefit.id).execute();
  } else {
    await alertIfLow(trx, deps, ctx, benefit);
  }
}

function codeHeader(header: string): string {
  const h = header.trim().toLowerCase();
  return ['code', '券码', '兑换码', '卡密', 'coupon_code'].includes(h) ? 'code' : h;
}

export async function listImports(deps: AppDeps, ctx: RequestContext, benefitId: string) {
  await getBenefitRow(deps.db, ctx.tenantId, benefitId);
  const rows = await deps.db.selectFrom('partner_code_imports').selectAll().where('tenant_id', '=', ctx.tenantId).where('benefit_id', '=', benefitId).orderBy('id', 'desc').limit(100).execute();
  return rows.map(serializeImport);
}

/** A pool's codes, masked: the list is for stock checks, not for reading codes out. */
export async function listCodes(deps: AppDeps, ctx: RequestContext, benefitId: string, query: { status?: 'available' | 'allocated'; limit: number; cursor?: string }) {
  await getBenefitRow(deps.db, ctx.tenantId, benefitId);
  let q = deps.db.selectFrom('partner_codes').select(['id', 'code', 'status', 'allocated_at']).where('tenant_id', '=', ctx.tenantId).where('benefit_id', '=', benefitId);
  if (query.status) q = q.where('status', '=', query.status);
  const after = decodeCursor(query.cursor);
  if (after) q = q.where('id', '>', after);
  const page = toPage(await q.orderBy('id').limit(query.limit + 1).execute(), query.limit);
  return { data: page.data.map((c) => ({ id: c.id, code: maskCode(c.code), status: c.status, allocated_at: c.allocated_at?.toISOString() ?? null })), next_cursor: page.next_cursor };
}

export async function listAllocations(deps: AppDeps, ctx: RequestContext, query: { benefit_id?: string; partner_id?: string; member_id?: string; limit: number; cursor?: string }) {
  let q = deps.db.selectFrom('partner_allocations').selectAll().where('tenant_id', '=', ctx.tenantId);
  if (query.benefit_id) q = q.where('benefit_id', '=', query.benefit_id);
  if (query.partner_id) q = q.where('partner_id', '=', query.partner_id);
  if (query.member_id) q = q.where('member_id', '=', query.member_id);
  const after = decodeCursor(query.cursor);
  if (after) q = q.where('id', '<', after);
  const page = toPage(await q.orderBy('id', 'desc').limit(query.limit + 1).execute(), query.limit);
  return { data: page.data.map((r) => serializeAllocation(r, true)), next_cursor: page.next_cursor };
}

export async function getAllocation(deps: AppDeps, ctx: RequestContext, id: string): Promise<Allocation> {
  const row = await deps.db.selectFrom('partner_allocations').selectAll().where('tenant_id', '=', ctx.tenantId).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Allocation');
  return serializeAllocation(row, false);
}

/** The period an allocation counts against, in the tenant's calendar: ISO weeks, local days, months, years. */
export function periodKeyOf(period: BenefitRow['period'], at: Date, zone: string): string {
  const t = DateTime.fromJSDate(at).setZone(zone);
  switch (period) {
    case 'once':
      return 'once';
    case 'day':
      return t.toFormat('yyyy-MM-dd');
    case 'week':
      return t.toFormat("kkkk-'W'WW");
    case 'month':
      return t.toFormat('yyyy-MM');
    case 'year':
      return t.toFormat('yyyy');
  }
}

export async function tenantZone(db: Db, tenantId: string): Promise<string> {
  return (await db.selectFrom('tenants').select('time_zone').where('id', '=', tenantId).executeTakeFirstOrThrow()).time_zone;
}

/** ABCD1234EFGH → AB********GH: enough to tell codes apart in a list, not enough to use one. */
export function maskCode(code: string): string {
  if (code.length <= 4) return '*'.repeat(code.length);
  const keep = code.length >= 8 ? 2 : 1;
  return code.slice(0, keep) + '*'.repeat(Math.max(4, code.length - 2 * keep)) + code.slice(-keep);
}

export async function findAllocation(db: Db, tenantId: string, benefitId: string, memberId: string, periodKey: string) {
  return db.selectFrom('partner_allocations').selectAll().where('tenant_id', '=', tenantId).where('benefit_id', '=', benefitId).where('member_id', '=', memberId).where('period_key', '=', periodKey).executeTakeFirst();
}

export function serializeAllocation(r: AllocationRow, masked: boolean): Allocation {
  return {
    id: r.id,
    member_id: r.member_id,
    benefit_id: r.benefit_id,
    partner_id: r.partner_id,
    period_key: r.period_key,
    code: r.code === null ? null : masked ? maskCode(r.code) : r.code,
    status: r.status,
    external_ref: r.external_ref,
    redeemed_at: r.redeemed_at?.toISOString() ?? null,
    benefit_ref: r.benefit_ref,
    created_at: r.created_at.toISOString(),
  };
}

function serializeImport(r: Selectable<DB['partner_code_imports']>) {
  return { id: r.id, benefit_id: r.benefit_id, file_name: r.file_name, rows: r.rows, imported: r.imported, rejected: r.rejected, errors: r.errors as ImportError[], created_at: r.created_at.toISOString() };
}
