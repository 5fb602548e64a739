import type { Readable } from 'node:stream';
import { sql, type Selectable } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { z } from 'zod';
import { idParamsSchema, pageSchema, paginationQuerySchema, problemSchema } from '@hearth/contracts/common';
import type { DB } from '../db/schema.ts';
import { withTransaction } from '../db/transaction.ts';
import type { AppDeps, RequestContext } from '../deps.ts';
import { authenticated, type Api } from '../http/api.ts';
import { requestContext } from '../http/auth.ts';
import { notFound } from '../http/errors.ts';
import { decodeCursor, toPage } from '../http/pagination.ts';
import { enqueueJob } from '../jobs/enqueue.ts';
import type { Permission } from '../modules/access/permissions.ts';
import { recordAudit } from '../modules/audit/audit.service.ts';
import { acceptCsvStreams, csvUploadStream, errorsCsv, saveUpload, sendCsv, type ImportError } from './csv-files.ts';

type ImportTable = 'member_imports' | 'order_imports';
type ImportErrorsTable = 'member_import_errors' | 'order_import_errors';

/**
 * A kind of CSV import (members, orders): the table of its imports (status, file, counts), the table of its
 * rejected rows and the job that processes a file. Starting, reading, listing and the errors download are
 * the same for every kind; what a row means is the kind's own job.
 */
export interface CsvImportKind<T extends ImportTable, View extends Record<string, unknown>> {
  table: T;
  errorsTable: ImportErrorsTable;
  job: string;
  /** Audit action and resource type of the start, e.g. `member.import_start`, `member_import`. */
  audit: { action: string; resourceType: string };
  /** How a missing import is named in the 404. */
  noun: string;
  serialize(row: Selectable<DB[T]>): View;
}

/** Saves the upload as it streams in (never whole in memory), records the import and queues its job, in one transaction. */
export async function startCsvImport<T extends ImportTable, View extends Record<string, unknown>>(deps: AppDeps, ctx: RequestContext, kind: CsvImportKind<T, View>, upload: Readable, fileName: string | null): Promise<View & { job_id: string }> {
  const id = uuidv7();
  const { filePath, bytes } = await saveUpload(deps.config.dataDir, ctx.tenantId, id, upload);
  return withTransaction(deps.db, async (trx) => {
    const { rows } = await sql<Selectable<DB[T]>>`
      insert into ${sql.table(kind.table)} (tenant_id, id, status, file_name, file_path, created_by)
      values (${ctx.tenantId}, ${id}, 'queued', ${fileName}, ${filePath}, ${ctx.actor.label}) returning *`.execute(trx);
    const job = await enqueueJob(trx, deps.jobs, { tenantId: ctx.tenantId, name: kind.job, key: `import:${id}`, payload: { import_id: id, actor: ctx.actor.label } });
    await recordAudit(trx, ctx, { action: kind.audit.action, resourceType: kind.audit.resourceType, resourceId: id, details: { bytes, file_name: fileName } });
    return { ...kind.serialize(rows[0]!), job_id: job.id };
  });
}

export async function getCsvImport<T extends ImportTable, View extends Record<string, unknown>>(deps: AppDeps, ctx: RequestContext, kind: CsvImportKind<T, View>, id: string): Promise<View> {
  const { rows } = await sql<Selectable<DB[T]>>`select * from ${sql.table(kind.table)} where tenant_id = ${ctx.tenantId} and id = ${id}`.execute(deps.db);
  if (!rows[0]) throw notFound(kind.noun);
  return kind.serialize(rows[0]);
}

/** Newest first; the ids are UUIDv7, so the cursor is the last id. */
export async function listCsvImports<T extends ImportTable, View extends Record<string, unknown>>(deps: AppDeps, ctx: RequestContext, kind: CsvImportKind<T, View>, query: { limit: number; cursor?: string }) {
  const before = decodeCursor(query.cursor);
  const { rows } = await sql<Selectable<DB[T]> & { id: string }>`
    select * from ${sql.table(kind.table)} where tenant_id = ${ctx.tenantId} ${before ? sql`and id < ${before}` : sql``}
    order by id desc limit ${query.limit + 1}`.execute(deps.db);
  const page = toPage(rows, query.limit);
  return { data: page.data.map((row) => kind.serialize(row)), next_cursor: page.next_cursor };
}

/** The rejected rows as CSV (UTF-8 with BOM, so Excel opens it in Chinese), streamed page by page. */
export async function* csvImportErrors<T extends ImportTable, View extends Record<string, unknown>>(deps: AppDeps, ctx: RequestContext, kind: CsvImportKind<T, View>, id: string): AsyncGenerator<string> {
  await getCsvImport(deps, ctx, kind, id);
  yield* errorsCsv(async (after) => {
    const { rows } = await sql<ImportError>`
      select line, field, code, message from ${sql.table(kind.errorsTable)}
      where tenant_id = ${ctx.tenantId} and import_id = ${id} and line > ${after} order by line limit 5000`.execute(deps.db);
    return rows;
  });
}

/**
 * The four routes of an import kind under `base` (`/members`): POST `import` (a text/csv stream, 202),
 * GET `imports`, `imports/:id` and `imports/:id/errors.csv`.
 */
export function csvImportRoutes<T extends ImportTable, View extends Record<string, unknown>>(
  api: Api,
  deps: AppDeps,
  kind: CsvImportKind<T, View>,
  route: { base: string; tags: string[]; read: Permission; write: Permission; schema: z.ZodObject; summary: string; description: string; listSummary: string; errorsFile: string },
) {
  api.register(async (scope) => {
    acceptCsvStreams(scope);
    scope.post(
      `${route.base}/import`,
      {
        config: { permission: route.write },
        schema: {
          tags: route.tags,
          summary: route.summary,
          description: `${route.description} Answers 202 with the import; follow its progress with GET ${route.base}/imports/{id}.`,
          security: authenticated,
          consumes: ['text/csv'],
          querystring: z.object({ file_name: z.string().max(200).optional() }),
          response: { 202: route.schema.extend({ job_id: z.uuid() }), 400: problemSchema, 413: problemSchema, 415: problemSchema },
        },
      },
      async (request, reply) => {
        const { file_name } = request.query as { file_name?: string };
        return reply.status(202).send(await startCsvImport(deps, requestContext(request), kind, csvUploadStream(request), file_name ?? null));
      },
    );
  });

  api.get(
    `${route.base}/imports`,
    { config: { permission: route.read }, schema: { tags: route.tags, summary: route.listSummary, security: authenticated, querystring: paginationQuerySchema, response: { 200: pageSchema(route.schema) } } },
    async (request) => listCsvImports(deps, requestContext(request), kind, request.query),
  );

  api.get(
    `${route.base}/imports/:id`,
    { config: { permission: route.read }, schema: { tags: route.tags, summary: 'An import with its progress and counts', security: authenticated, params: idParamsSchema, response: { 200: route.schema, 404: problemSchema } } },
    async (request) => getCsvImport(deps, requestContext(request), kind, request.params.id),
  );

  api.get(
    `${route.base}/imports/:id/errors.csv`,
    { config: { permission: route.read }, schema: { tags: route.tags, summary: 'The rejected rows with line numbers and reasons, as CSV', security: authenticated, params: idParamsSchema } },
    async (request, reply) => sendCsv(reply, csvImportErrors(deps, requestContext(request), kind, request.params.id), `${route.errorsFile}-${request.params.id}-errors.csv`),
  );
}
