import type { Generated } from 'kysely';
import type { MemberImport } from '@hearth/contracts/members';
import type { AppDeps } from '../../deps.ts';
import type { CsvImportKind } from '../../imports/csv-imports.ts';

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

/** Member imports: the routes and use cases every CSV import shares (imports/csv-imports.ts) over these tables. */
export const memberImports: CsvImportKind<'member_imports', MemberImport> = {
  table: 'member_imports',
  errorsTable: 'member_import_errors',
  job: IMPORT_JOB,
  audit: { action: 'member.import_start', resourceType: 'member_import' },
  noun: 'Import',
  serialize: serializeImport,
};

/** The import row for the job, which runs with the tenant of its own record. */
export function getImportRow(deps: AppDeps, tenantId: string, id: string) {
  return deps.db.selectFrom('member_imports').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirstOrThrow();
}

function serializeImport(row: Awaited<ReturnType<typeof getImportRow>>): MemberImport {
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

