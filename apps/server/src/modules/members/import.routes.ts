import { memberImportSchema } from '@hearth/contracts/members';
import type { Api, RouteContext } from '../../http/api.ts';
import { csvImportRoutes } from '../../imports/csv-imports.ts';
import { memberImports } from './import.service.ts';

const COLUMNS = 'phone, external_id, name, nickname, gender (男/女), birthday (YYYY-MM-DD or MM-DD), email, province, city, district, channel, campaign, registered_at, cf.<custom field key>';

export function importRoutes(api: Api, { deps }: RouteContext) {
  csvImportRoutes(api, deps, memberImports, {
    base: '/members',
    tags: ['member-imports'],
    read: 'members:read',
    write: 'members:write',
    schema: memberImportSchema,
    summary: 'Import members from CSV (UTF-8 or GBK; upsert by phone or external_id; runs as a job)',
    description: `Send \`Content-Type: text/csv\`. Columns (Chinese headers such as 手机号, 姓名 also work): ${COLUMNS}.`,
    listSummary: 'Member imports, newest first',
    errorsFile: 'import',
  });
}
