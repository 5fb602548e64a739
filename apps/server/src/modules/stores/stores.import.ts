import { parse } from 'csv-parse/sync';
import { storeCreateSchema, type StoreImportResult } from '@hearth/contracts/stores';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { AppError } from '../../http/errors.ts';
import { emitEvent } from '../../jobs/outbox.ts';
import { recordAudit } from '../audit/audit.service.ts';
import * as repo from './stores.repo.ts';
import { insertOrConflict, serializeStore, toRowChanges, type StoreCreate } from './stores.service.ts';

export const STORE_CSV_COLUMNS = ['code', 'name', 'province', 'city', 'district', 'address', 'latitude', 'longitude', 'phone', 'status'] as const;
const MAX_ROWS = 20_000;
const comparedFields = STORE_CSV_COLUMNS.filter((c) => c !== 'code');

type ImportError = StoreImportResult['errors'][number];

/**
 * Imports stores from CSV, upserting by code. Bad rows are reported with their line numbers and skipped;
 * good rows are written in one transaction. Rerunning the same file changes nothing.
 */
export async function importStores(deps: AppDeps, ctx: RequestContext, csv: string): Promise<StoreImportResult> {
  const records = parseCsv(csv);
  const errors: ImportError[] = [];
  const valid = new Map<string, { line: number; input: StoreCreate }>();
  for (const { line, record } of records) {
    const parsed = storeCreateSchema.safeParse(toInput(record));
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        errors.push({ line, field: issue.path.join('.') || null, code: issue.code, message: issue.message });
      }
      continue;
    }
    const earlier = valid.get(parsed.data.code);
    if (earlier) {
      errors.push({ line, field: 'code', code: 'duplicate_in_file', message: `code ${parsed.data.code} already on line ${earlier.line}` });
      continue;
    }
    valid.set(parsed.data.code, { line, input: parsed.data });
  }

  const counts = { created: 0, updated: 0, unchanged: 0 };
  await withTransaction(deps.db, async (trx) => {
    const existing = new Map((await repo.findStoresByCode(trx, ctx.tenantId, [...valid.keys()])).map((s) => [s.code, s]));
    for (const { input } of valid.values()) {
      const current = existing.get(input.code);
      if (!current) {
        const row = await insertOrConflict(trx, ctx.tenantId, input);
        await emitEvent(trx, deps.jobs, ctx, 'store.created', { store: serializeStore(row) });
        counts.created++;
        continue;
      }
      const changed = comparedFields.filter((field) => (input[field] ?? null) !== current[field]);
      if (changed.length === 0) {
        counts.unchanged++;
        continue;
      }
      const row = await repo.updateStore(trx, ctx.tenantId, current.id, toRowChanges(pick(input, changed)));
      await emitEvent(trx, deps.jobs, ctx, 'store.updated', { store: serializeStore(row!), changed });
      counts.updated++;
    }
    await recordAudit(trx, ctx, {
      action: 'store.import',
      resourceType: 'store',
      details: { ...counts, failed_rows: new Set(errors.map((e) => e.line)).size },
    });
  });
  errors.sort((a, b) => a.line - b.line);
  return { total_rows: records.length, ...counts, failed: new Set(errors.map((e) => e.line)).size, errors };
}

function parseCsv(csv: string): { line: number; record: Record<string, string> }[] {
  let rows: { info: { lines: number }; record: Record<string, string> }[];
  try {
    rows = parse(csv, { bom: true, columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()), skip_empty_lines: true, trim: true, relax_column_count: true, info: true });
  } catch (error) {
    throw new AppError('VALIDATION_FAILED', `The CSV could not be read: ${(error as Error).message}`, {
      errors: [{ field: 'body', code: 'invalid_csv', message: (error as Error).message }],
    });
  }
  if (rows.length > MAX_ROWS) {
    throw new AppError('PAYLOAD_TOO_LARGE', `At most ${MAX_ROWS} stores per import`);
  }
  const header = rows[0] ? Object.keys(rows[0].record) : [];
  const missing = ['code', 'name'].filter((c) => rows.length > 0 && !header.includes(c));
  if (missing.length) {
    throw new AppError('VALIDATION_FAILED', `The CSV header lacks ${missing.join(', ')}`, {
      errors: missing.map((c) => ({ field: `header.${c}`, code: 'missing_column', message: `column ${c} is required` })),
    });
  }
  return rows.map((row) => ({ line: row.info.lines, record: row.record }));
}

/** CSV cells are strings: empty means absent, coordinates are numbers, status defaults to active. */
function toInput(record: Record<string, string>): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const column of STORE_CSV_COLUMNS) {
    const cell = record[column];
    if (cell === undefined || cell === '') continue;
    input[column] = column === 'latitude' || column === 'longitude' ? toNumber(cell) : cell;
  }
  return input;
}

function toNumber(cell: string): number | string {
  const value = Number(cell);
  return Number.isFinite(value) ? value : cell;
}

function pick(input: StoreCreate, fields: readonly string[]): Partial<StoreCreate> {
  return Object.fromEntries(fields.map((f) => [f, input[f as keyof StoreCreate] ?? null])) as Partial<StoreCreate>;
}
