import { sql, type Generated, type Selectable } from 'kysely';
import { orderInputSchema, type OrderImport, type OrderInput } from '@hearth/contracts/orders';
import type { DB } from '../../db/schema.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { RequestContext } from '../../deps.ts';
import { AppError } from '../../http/errors.ts';
import { countDataLines, csvRecords, detectEncoding, type ImportError } from '../../imports/csv-files.ts';
import type { CsvImportKind } from '../../imports/csv-imports.ts';
import type { JobRegistry } from '../../jobs/registry.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { createOrder } from './orders.service.ts';

declare module '../../db/schema.ts' {
  interface DB {
    order_imports: {
      tenant_id: string;
      id: string;
      status: 'queued' | 'running' | 'succeeded' | 'failed';
      file_name: string | null;
      file_path: string;
      encoding: string | null;
      total_rows: number | null;
      processed_rows: Generated<number>;
      created: Generated<number>;
      duplicates: Generated<number>;
      failed: Generated<number>;
      created_by: string | null;
      created_at: Generated<Date>;
      finished_at: Date | null;
    };
    order_import_errors: { tenant_id: string; import_id: string; line: number; field: string; code: string; message: string };
  }
}

export const ORDER_IMPORT_JOB = 'orders.import';
/** Orders per checkpoint. */
const BATCH = 200;

export const ORDER_IMPORT_COLUMNS =
  'external_id (订单号), occurred_at (下单时间), channel (渠道), store_code (门店编码), member_phone (会员手机号) or member_id, sku (商品编码), qty (数量), unit_price (单价, ¥), line_discount (折扣, ¥), shipping (运费, ¥), total_paid (实付, ¥), payment_method (支付方式), flags (gift_card|non_earning)';

/** Order imports: the routes and use cases every CSV import shares (imports/csv-imports.ts) over these tables. */
export const orderImports: CsvImportKind<'order_imports', OrderImport> = {
  table: 'order_imports',
  errorsTable: 'order_import_errors',
  job: ORDER_IMPORT_JOB,
  audit: { action: 'order.import_start', resourceType: 'order_import' },
  noun: 'Order import',
  serialize: serializeOrderImport,
};

interface OrderRows {
  externalId: string;
  rows: { line: number; record: Record<string, string> }[];
}

/**
 * Processes an order CSV in checkpoints of 200 orders. Each order goes through the same path as the API
 * (validation, idempotency by external id, points), so a file sent twice, or resumed after a crash, never
 * records an order twice; the rejected ones are listed with their lines.
 */
export function registerOrderImportJob(registry: JobRegistry) {
  registry.define<{ import_id: string; actor: string }>({
    name: ORDER_IMPORT_JOB,
    transactional: false,
    maxAttempts: 3,
    handler: async ({ job, payload, deps, progress }) => {
      const ctx: RequestContext = { tenantId: job.tenant_id, actor: { type: 'system', id: null, label: `order import (${payload.actor})`, role: null, permissions: new Set() }, requestId: null, ip: null };
      const record = await deps.db.selectFrom('order_imports').selectAll().where('tenant_id', '=', ctx.tenantId).where('id', '=', payload.import_id).executeTakeFirstOrThrow();
      if (record.status === 'succeeded') return { skipped: true };
      const encoding = (record.encoding as 'utf8' | 'gb18030' | null) ?? (await detectEncoding(record.file_path));
      const total = record.total_rows ?? (await countDataLines(record.file_path));
      await deps.db.updateTable('order_imports').set({ status: 'running', encoding, total_rows: total }).where('tenant_id', '=', ctx.tenantId).where('id', '=', record.id).execute();
      const stores = new Map((await deps.db.selectFrom('stores').select(['code', 'id']).where('tenant_id', '=', ctx.tenantId).where('deleted_at', 'is', null).execute()).map((s) => [s.code, s.id]));

      let batch: OrderRows[] = [];
      let current: OrderRows | null = null;
      const flush = async () => {
        const orders = batch;
        batch = [];
        if (!orders.length) return;
        const counts = { created: 0, duplicates: 0, failed: 0 };
        const errors: ImportError[] = [];
        for (const order of orders) {
          const parsed = toOrderInput(order, stores);
          if ('errors' in parsed) {
            counts.failed++;
            errors.push(...parsed.errors);
            continue;
          }
          try {
            const { replayed } = await createOrder(deps, ctx, parsed.input);
            counts[replayed ? 'duplicates' : 'created']++;
          } catch (error) {
            if (!(error instanceof AppError)) throw error;
            counts.failed++;
            const line = order.rows[0]!.line;
            errors.push(...(error.details.errors?.length ? error.details.errors : [{ field: 'order', code: error.code.toLowerCase(), message: error.message }]).map((e) => ({ ...e, field: csvColumn(e.field.split('.').at(-1)!), line: lineOf(order, e.field) ?? line })));
          }
        }
        const lastLine = orders[orders.length - 1]!.rows.at(-1)!.line;
        const updated = await withTransaction(deps.db, async (trx) => {
          if (errors.length) {
            await trx
              .insertInto('order_import_errors')
              .values(errors.map((e) => ({ tenant_id: ctx.tenantId, import_id: record.id, line: e.line, field: e.field, code: e.code, message: e.message.slice(0, 500) })))
              .onConflict((oc) => oc.doNothing())
              .execute();
          }
          return trx
            .updateTable('order_imports')
            .set({ processed_rows: lastLine - 1, created: sql`created + ${counts.created}`, duplicates: sql`duplicates + ${counts.duplicates}`, failed: sql`failed + ${counts.failed}` })
            .where('tenant_id', '=', ctx.tenantId)
            .where('id', '=', record.id)
            .returning('processed_rows')
            .executeTakeFirstOrThrow();
        });
        await progress(updated.processed_rows, total);
      };

      // processed_rows counts data lines; the header is line 1.
      const resumeAfter = record.processed_rows + 1;
      for await (const { record: csvRecord, info } of csvRecords(record.file_path, encoding, normalizeOrderHeader)) {
        if (info.lines <= resumeAfter) continue;
        const externalId = csvRecord.external_id ?? '';
        if (current && current.externalId === externalId && externalId !== '') {
          current.rows.push({ line: info.lines, record: csvRecord });
          continue;
        }
        // An order ends where the next one starts: a checkpoint never splits an order.
        if (batch.length >= BATCH) await flush();
        current = { externalId, rows: [{ line: info.lines, record: csvRecord }] };
        batch.push(current);
      }
      await flush();
      const done = await deps.db.updateTable('order_imports').set({ status: 'succeeded', finished_at: sql`now()` }).where('tenant_id', '=', ctx.tenantId).where('id', '=', record.id).returningAll().executeTakeFirstOrThrow();
      await recordAudit(deps.db, ctx, { action: 'order.import', resourceType: 'order_import', resourceId: record.id, details: { created: done.created, duplicates: done.duplicates, failed: done.failed } });
      return { created: done.created, duplicates: done.duplicates, failed: done.failed };
    },
  });
}

/** The order of one or more CSV rows, or the row-level reasons it cannot be one. */
function toOrderInput(order: OrderRows, stores: Map<string, string>): { input: OrderInput } | { errors: ImportError[] } {
  const first = order.rows[0]!;
  const head = first.record;
  const errors: ImportError[] = [];
  const money = (row: { line: number; record: Record<string, string> }, column: string, required: boolean): number => {
    const value = row.record[column] ?? '';
    if (value === '') {
      if (required) errors.push({ line: row.line, field: column, code: 'required', message: 'required' });
      return 0;
    }
    const fen = yuanToFen(value);
    if (fen === null) errors.push({ line: row.line, field: column, code: 'invalid_amount', message: 'an amount in yuan with at most two decimals, e.g. 32.50' });
    return fen ?? 0;
  };
  if (!order.externalId) errors.push({ line: first.line, field: 'external_id', code: 'required', message: 'required' });
  const storeCode = head.store_code ?? '';
  const storeId = storeCode ? stores.get(storeCode) : undefined;
  if (storeCode && !storeId) errors.push({ line: first.line, field: 'store_code', code: 'unknown_store', message: `no store with code ${storeCode}` });
  const lines = order.rows.map((row) => ({
    sku: row.record.sku ?? '',
    qty: Number(row.record.qty ?? '1'),
    unit_price_fen: money(row, 'unit_price', true),
    discount_fen: money(row, 'line_discount', false),
    flags: (row.record.flags ?? '').split(/[|;]/).map((f) => f.trim()).filter(Boolean),
  }));
  const candidate = {
    external_id: order.externalId,
    channel: head.channel || 'store',
    store_id: storeId ?? null,
    member_id: head.member_id || null,
    identity: head.member_phone ? { type: 'phone', value: head.member_phone } : undefined,
    lines,
    shipping_fen: money(first, 'shipping', false),
    total_paid_fen: money(first, 'total_paid', true),
    payment_method: head.payment_method || null,
    occurred_at: toIso(head.occurred_at ?? ''),
  };
  const parsed = orderInputSchema.safeParse(candidate);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const [top, index, column] = issue.path.map(String);
      const row = top === 'lines' && index !== undefined ? order.rows[Number(index)] ?? first : first;
      errors.push({ line: row.line, field: csvColumn(top ?? 'order', column), code: issue.code, message: issue.message });
    }
  }
  if (errors.length) return { errors };
  return { input: parsed.data! };
}

const HEADER_ALIASES: Record<string, string> = {
  订单号: 'external_id',
  下单时间: 'occurred_at',
  渠道: 'channel',
  门店编码: 'store_code',
  会员手机号: 'member_phone',
  会员编号: 'member_id',
  商品编码: 'sku',
  数量: 'qty',
  单价: 'unit_price',
  折扣: 'line_discount',
  运费: 'shipping',
  实付: 'total_paid',
  支付方式: 'payment_method',
  标记: 'flags',
};

function normalizeOrderHeader(header: string): string {
  const trimmed = header.trim();
  return HEADER_ALIASES[trimmed] ?? trimmed.toLowerCase();
}

/** "32", "32.5" or "32.50" yuan → 3250 fen, exactly (no floating point). */
export function yuanToFen(value: string): number | null {
  const match = /^(\d{1,12})(?:\.(\d{1,2}))?$/.exec(value.replace(/^¥/, '').replaceAll(',', '').trim());
  if (!match) return null;
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}

/** Spreadsheet dates ("2026-11-20 10:30", no zone) are China time; ISO timestamps with a zone are kept. */
function toIso(value: string): string {
  const local = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(value.trim());
  if (!local) return value;
  const [, y, mo, d, h = '0', mi = '0', s = '0'] = local;
  const pad = (n: string) => n.padStart(2, '0');
  return `${y}-${pad(mo!)}-${pad(d!)}T${pad(h)}:${pad(mi)}:${pad(s)}+08:00`;
}

const CSV_COLUMNS: Record<string, string> = { unit_price_fen: 'unit_price', discount_fen: 'line_discount', shipping_fen: 'shipping', total_paid_fen: 'total_paid', identity: 'member_phone', store_id: 'store_code' };

function csvColumn(top: string, column?: string): string {
  const name = column ?? top;
  return CSV_COLUMNS[name] ?? name;
}

/** The CSV line an API error about `lines.N.x` points at. */
function lineOf(order: OrderRows, field: string): number | undefined {
  const match = /^lines\.(\d+)\./.exec(field);
  return match ? order.rows[Number(match[1])]?.line : undefined;
}

function serializeOrderImport(row: Selectable<DB['order_imports']>): OrderImport {
  return {
    id: row.id,
    status: row.status,
    file_name: row.file_name,
    encoding: row.encoding,
    total_rows: row.total_rows,
    processed_rows: row.processed_rows,
    created: row.created,
    duplicates: row.duplicates,
    failed: row.failed,
    created_by: row.created_by,
    created_at: row.created_at.toISOString(),
    finished_at: row.finished_at?.toISOString() ?? null,
  };
}

