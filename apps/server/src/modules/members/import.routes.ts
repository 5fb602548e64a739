import { z } from 'zod';
import { idParamsSchema, pageSchema, paginationQuerySchema, problemSchema } from '@hearth/contracts/common';
import { memberImportSchema } from '@hearth/contracts/members';
import { authenticated, type Api, type RouteContext } from '../../http/api.ts';
import { requestContext } from '../../http/auth.ts';
import { acceptCsvStreams, csvUploadStream, sendCsv } from '../../imports/csv-files.ts';
import { getImport, importErrorsCsv, listImports, startImport } from './import.service.ts';

const tags = ['member-imports'];
const COLUMNS = 'phone, external_id, name, nickname, gender (男/女), birthday (YYYY-MM-DD or MM-DD), email, province, city, district, channel, campaign, registered_at, cf.<custom field key>';

export function importRoutes(api: Api, { deps }: RouteContext) {
  api.register(async (scope) => {
    acceptCsvStreams(scope);
    scope.post(
      '/members/import',
      {
        config: { permission: 'members:write' },
        schema: {
          tags,
          summary: 'Import members from CSV (UTF-8 or GBK; upsert by phone or external_id; runs as a job)',
          description: `Send \`Content-Type: text/csv\`. Columns (Chinese headers such as 手机号, 姓名 also work): ${COLUMNS}. Answers 202 with the import; follow its progress with GET /members/imports/{id}.`,
          security: authenticated,
          consumes: ['text/csv'],
          querystring: z.object({ file_name: z.string().max(200).optional() }),
          response: { 202: memberImportSchema.extend({ job_id: z.uuid() }), 400: problemSchema, 413: problemSchema, 415: problemSchema },
        },
      },
      async (request, reply) => {
        const { file_name } = request.query as { file_name?: string };
        return reply.status(202).send(await startImport(deps, requestContext(request), csvUploadStream(request), file_name ?? null));
      },
    );
  });

  api.get(
    '/members/imports',
    { config: { permission: 'members:read' }, schema: { tags, summary: 'Member imports, newest first', security: authenticated, querystring: paginationQuerySchema, response: { 200: pageSchema(memberImportSchema) } } },
    async (request) => listImports(deps, requestContext(request), request.query),
  );

  api.get(
    '/members/imports/:id',
    { config: { permission: 'members:read' }, schema: { tags, summary: 'An import with its progress and counts', security: authenticated, params: idParamsSchema, response: { 200: memberImportSchema, 404: problemSchema } } },
    async (request) => getImport(deps, requestContext(request), request.params.id),
  );

  api.get(
    '/members/imports/:id/errors.csv',
    { config: { permission: 'members:read' }, schema: { tags, summary: 'The rejected rows with line numbers and reasons, as CSV', security: authenticated, params: idParamsSchema } },
    async (request, reply) => sendCsv(reply, importErrorsCsv(deps, requestContext(request), request.params.id), `import-${request.params.id}-errors.csv`),
  );
}
