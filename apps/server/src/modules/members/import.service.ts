import type { Readable } from 'node:stream';
import type { Generated } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { AppError, notFound } from '../../http/errors.ts';
import { decodeCursor, toPage } from '../../http/pagination.ts';
import { enqueueJob } from '../../jobs/enqueue.ts';
import { errorsCsv, saveUpload } from '../../imports/csv-files.ts';
import { recordAudit } from '../audit/audit.service.ts';

declare module '../../db/schema.ts' {
  interface DB {
    member_imports: {
      tenant_id: string;
      id: string;
      status: 'queued' | 'running' | 'succeeded' | 'failed';
      file_name: string | null;
      file_path: string;
      encoding: string | null;
      total_rows: number | null;
      processed_rows: Generated<number>;
      created: Generated<number>;
      updated: Generated<number>;
      unchanged: Generated<number>;
      failed: Generated<number>;
      created_by: string | null;
      created_at: Date | undefined;
      finished_at: Date | null;
    };
    member_import_errors: { tenant_id: string; import_id: string; line: number; field: string; code: string; message: string };
  }
}

export const IMPORT_JOB = 'members.import';

/**
 * Saves an uploaded CSV to the data folder as it streams in (never whole in memory), records the
 * import and queues the job that processes it.
 */
export async function startImport(deps: AppDeps, ctx: RequestContext, upload: Readable, fileName: string | null) {
  const id = uuidv7();
  const { filePath, bytes } = await saveUpload(deps.config.dataDir, ctx.tenantId, id, upload);
  return withTransaction(deps.db, async (trx) => {
    const row = await trx
      .insertInto('member_imports')
      .values({ tenant_id: ctx.tenantId, id, file_name: fileName, file_path: filePath, encoding: null, total_rows: null, created_by: ctx.actor.label, finished_at: null, status: 'queued' })
      .returningAll()
      .executeTakeFirstOrThrow();
    const job = await enqueueJob(trx, deps.jobs, { tenantId: ctx.tenantId, name: IMPORT_JOB, key: `import:${id}`, payload: { import_id: id, actor: ctx.actor.label } });
    await recordAudit(trx, ctx, { action: 'member.import_start', resourceType: 'member_import', resourceId: id, details: { bytes, file_name: fileName } });
    return { ...serializeImport(row), job_id: job.id };
  });
}

export async function getImport(deps: AppDeps, ctx: RequestContext, id: string) {
  const row = await deps.db.selectFrom('member_imports').selectAll().where('tenant_id', '=', ctx.tenantId).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Import');
  return serializeImport(row);
}

export async function listImports(deps: AppDeps, ctx: RequestContext, query: { limit: number; cursor?: string }) {
  const before = decodeCursor(query.cursor);
  let q = deps.db.selectFrom('member_imports').selectAll().where('tenant_id', '=', ctx.tenantId).orderBy('id', 'desc').limit(query.limit + 1);
  if (before) q = q.where('id', '<', before);
  const page = toPage(await q.execute(), query.limit);
  return { data: page.data.map(serializeImport), next_cursor: page.next_cursor };
}

/** The rejected rows as CSV lines (UTF-8 with BOM, so Excel opens it in Chinese), streamed page by page. */
export async function* importErrorsCsv(deps: AppDeps, ctx: RequestContext, id: string): AsyncGenerator<string> {
  await getImport(deps, ctx, id);
  yield* errorsCsv((after) =>
    deps.db.selectFrom('member_import_errors').select(['line', 'field', 'code', 'message']).where('tenant_id', '=', ctx.tenantId).where('import_id', '=', id).where('line', '>', after).orderBy('line').limit(5000).execute(),
  );
}

/** The import row for the job, which runs with the tenant of its own record. */
export function getImportRow(deps: AppDeps, tenantId: string, id: string) {
  return deps.db.selectFrom('member_imports').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirstOrThrow();
}

export function serializeImport(row: Awaited<ReturnType<typeof getImportRow>>) {
  return {
    id: row.id,
    status: row.status,
    file_name: row.file_name,
    encoding: row.encoding,
    total_rows: row.total_rows,
    processed_rows: row.processed_rows,
    created: row.created,
    updated: row.updated,
    unchanged: row.unchanged,
    failed: row.failed,
    created_by: row.created_by,
    created_at: row.created_at!.toISOString(),
    finished_at: row.finished_at?.toISOString() ?? null,
  };
}

