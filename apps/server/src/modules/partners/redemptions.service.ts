import fs from 'node:fs';
import type { Readable } from 'node:stream';
import { sql } from 'kysely';
import { DateTime } from 'luxon';
import { v7 as uuidv7 } from 'uuid';
import type { Db } from '../../db/database.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { validationError } from '../../http/errors.ts';
import { csvRecords, detectEncoding, saveUpload, type ImportError } from '../../imports/csv-files.ts';
import { emitEvents } from '../../jobs/outbox.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { getPartnerRow } from './partners.service.ts';
import { tenantZone } from './pool.service.ts';

export interface RedemptionItem {
  allocation_id?: string;
  code?: string;
  redeemed_at?: string;
}
export interface RedemptionResult {
  redeemed: number;
  already: number;
  unknown: ImportError[];
}
const MAX_CSV_ROWS = 100_000;

/**
 * A partner tells us which of its codes or allocations were used (its API call, its signed callback or a CSV
 * the operator uploads): each is marked redeemed once, in one transaction, for the settlement report. A
 * repeated report counts as `already`; what does not match this partner's allocations comes back as unknown.
 */
export async function recordRedemptions(deps: AppDeps, ctx: RequestContext, partnerId: string, items: RedemptionItem[], source: 'callback' | 'csv' | 'api', lines?: number[]): Promise<RedemptionResult> {
  await getPartnerRow(deps.db, ctx.tenantId, partnerId);
  const now = deps.clock.now();
  return withTransaction(deps.db, async (trx) => {
    const result: RedemptionResult = { redeemed: 0, already: 0, unknown: [] };
    const events: { tenantId: string; type: string; payload: Record<string, unknown> }[] = [];
    for (const [i, item] of items.entries()) {
      const line = lines?.[i] ?? i + 1;
      const field = item.allocation_id ? 'allocation_id' : 'code';
      const at = item.redeemed_at ? new Date(item.redeemed_at) : now;
      const matches = await matching(trx, ctx.tenantId, partnerId, item);
      if (!matches.length) {
        result.unknown.push({ line, field, code: 'unknown', message: `no allocation of this partner has this ${field}` });
        continue;
      }
      const updated = await trx
        .updateTable('partner_allocations')
        .set({ redeemed_at: at, redemption_source: source })
        .where('tenant_id', '=', ctx.tenantId)
        .where('partner_id', '=', partnerId)
        .where('id', 'in', matches)
        .where('redeemed_at', 'is', null)
        .returning(['id', 'member_id', 'benefit_id'])
        .execute();
      if (updated.length) result.redeemed += updated.length;
      else result.already += 1;
      for (const u of updated) events.push({ tenantId: ctx.tenantId, type: 'partner.benefit_redeemed', payload: { allocation_id: u.id, member_id: u.member_id, benefit_id: u.benefit_id, partner_id: partnerId, source } });
    }
    await emitEvents(trx, deps.jobs, ctx.actor, events, ctx.requestId);
    await recordAudit(trx, ctx, { action: 'partner.redemptions', resourceType: 'partner', resourceId: partnerId, details: { source, redeemed: result.redeemed, already: result.already, unknown: result.unknown.length } });
    return result;
  });
}

async function matching(db: Db, tenantId: string, partnerId: string, item: RedemptionItem): Promise<string[]> {
  let q = db.selectFrom('partner_allocations').select('id').where('tenant_id', '=', tenantId).where('partner_id', '=', partnerId);
  q = item.allocation_id ? q.where('id', '=', item.allocation_id) : q.where('code', '=', item.code!);
  return (await q.limit(10).execute()).map((r) => r.id);
}

/** A partner's CSV of used codes: a column code (券码 / 兑换码) or allocation_id, and optionally redeemed_at (核销时间). */
export async function importRedemptions(deps: AppDeps, ctx: RequestContext, partnerId: string, upload: Readable): Promise<RedemptionResult> {
  await getPartnerRow(deps.db, ctx.tenantId, partnerId);
  const { filePath } = await saveUpload(deps.config.dataDir, ctx.tenantId, uuidv7(), upload);
  try {
    const zone = await tenantZone(deps.db, ctx.tenantId);
    const items: RedemptionItem[] = [];
    const lines: number[] = [];
    const bad: ImportError[] = [];
    let header = false;
    for await (const { record, info } of csvRecords(filePath, await detectEncoding(filePath), redemptionHeader)) {
      if (!header) {
        header = true;
        if (!('code' in record) && !('allocation_id' in record)) throw validationError([{ field: 'code', code: 'missing_column', message: 'the file needs a column code (券码) or allocation_id' }]);
      }
      if (items.length + bad.length >= MAX_CSV_ROWS) throw validationError([{ field: 'body', code: 'too_many_rows', message: `at most ${MAX_CSV_ROWS} rows per file` }]);
      const code = record.code?.trim();
      const allocationId = record.allocation_id?.trim();
      const when = record.redeemed_at?.trim();
      const at = when ? parseLocal(when, zone) : undefined;
      if (!code && !allocationId) bad.push({ line: info.lines, field: 'code', code: 'empty', message: 'no code on this line' });
      else if (allocationId && !/^[0-9a-f-]{36}$/i.test(allocationId)) bad.push({ line: info.lines, field: 'allocation_id', code: 'invalid', message: 'not an allocation id' });
      else if (when && !at) bad.push({ line: info.lines, field: 'redeemed_at', code: 'invalid_time', message: 'use 2026-11-23 14:05 or an ISO time' });
      else {
        items.push({ ...(allocationId ? { allocation_id: allocationId } : { code }), ...(at ? { redeemed_at: at } : {}) });
        lines.push(info.lines);
      }
    }
    const result = await recordRedemptions(deps, ctx, partnerId, items, 'csv', lines);
    return { ...result, unknown: [...bad, ...result.unknown].sort((a, b) => a.line - b.line).slice(0, 1000) };
  } finally {
    await fs.promises.rm(filePath, { force: true });
  }
}

/** A time as partners write it, in the tenant's zone unless it carries an offset. */
function parseLocal(text: string, zone: string): string | undefined {
  for (const t of [DateTime.fromISO(text, { zone }), DateTime.fromFormat(text, 'yyyy-MM-dd HH:mm:ss', { zone }), DateTime.fromFormat(text, 'yyyy-MM-dd HH:mm', { zone }), DateTime.fromFormat(text, 'yyyy/M/d H:mm', { zone })]) {
    if (t.isValid) return t.toUTC().toISO()!;
  }
  return undefined;
}

function redemptionHeader(header: string): string {
  const h = header.trim().toLowerCase();
  if (['code', '券码', '兑换码', '卡密'].includes(h)) return 'code';
  if (['redeemed_at', '核销时间', '使用时间'].includes(h)) return 'redeemed_at';
  if (['allocation_id', '发放编号'].includes(h)) return 'allocation_id';
  return h;
}

/**
 * Settlement: allocations and redemptions per partner and month (tenant's zone), allocations counted by when
 * they were made and redemptions by when the partner says they were used.
 */
export async function partnerUsage(deps: AppDeps, ctx: RequestContext, query: { from?: string; to?: string; partner_id?: string }) {
  const zone = await tenantZone(deps.db, ctx.tenantId);
  const now = DateTime.fromJSDate(deps.clock.now()).setZone(zone);
  const from = (query.from ? DateTime.fromFormat(query.from, 'yyyy-MM', { zone }) : now.startOf('month').minus({ months: 11 })).startOf('month');
  const to = (query.to ? DateTime.fromFormat(query.to, 'yyyy-MM', { zone }) : now).startOf('month').plus({ months: 1 });
  const partner = query.partner_id ?? null;
  const counts = await sql<{ partner_id: string; month: string; kind: 'a' | 'r'; n: number }>`
    select partner_id, to_char(created_at at time zone ${zone}, 'YYYY-MM') as month, 'a' as kind, count(*)::int as n
      from partner_allocations
      where tenant_id = ${ctx.tenantId} and created_at >= ${from.toJSDate()} and created_at < ${to.toJSDate()} and (${partner}::uuid is null or partner_id = ${partner}::uuid)
      group by 1, 2
    union all
    select partner_id, to_char(redeemed_at at time zone ${zone}, 'YYYY-MM'), 'r', count(*)::int
      from partner_allocations
      where tenant_id = ${ctx.tenantId} and redeemed_at >= ${from.toJSDate()} and redeemed_at < ${to.toJSDate()} and (${partner}::uuid is null or partner_id = ${partner}::uuid)
      group by 1, 2`.execute(deps.db);
  const names = new Map((await deps.db.selectFrom('partners').select(['id', 'name']).where('tenant_id', '=', ctx.tenantId).execute()).map((p) => [p.id, p.name]));
  const rows = new Map<string, { partner_id: string; partner_name: string; month: string; allocations: number; redemptions: number }>();
  for (const c of counts.rows) {
    const key = `${c.partner_id}|${c.month}`;
    const row = rows.get(key) ?? { partner_id: c.partner_id, partner_name: names.get(c.partner_id) ?? '', month: c.month, allocations: 0, redemptions: 0 };
    if (c.kind === 'a') row.allocations += c.n;
    else row.redemptions += c.n;
    rows.set(key, row);
  }
  return [...rows.values()].sort((a, b) => a.month.localeCompare(b.month) || a.partner_name.localeCompare(b.partner_name));
}
