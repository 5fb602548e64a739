import { Readable } from 'node:stream';
import { z } from 'zod';
import { idParamsSchema, pageSchema, paginationQuerySchema, problemSchema } from '@hearth/contracts/common';
import { memberImportSchema } from '@hearth/contracts/members';
import { authenticated, type Api, type RouteContext } from '../../http/api.ts';
import { requestContext } from '../../http/auth.ts';
import { AppError } from '../../http/errors.ts';
import { getImport, importErrorsCsv, listImports, startImport } from './import.service.ts';

const tags = ['member-imports'];
const COLUMNS = 'phone, external_id, name, nickname, gender (男/女), birthday (YYYY-MM-DD or MM-DD), email, province, city, district, channel, campaign, registered_at, cf.<custom field key>';

export function importRoutes(api: Api, { deps }: RouteContext) {
  // The upload is streamed to disk, so this scope takes CSV bodies as raw streams instead of strings.
  api.register(async (scope) => {
    scope.removeContentTypeParser('text/csv');
    scope.addContentTypeParser('text/csv', (_request, payload, done) => done(null, payload));
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
        if (!String(request.headers['content-type'] ?? '').startsWith('text/csv') || !(request.body instanceof Readable)) {
          throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the file as Content-Type: text/csv');
        }
        const { file_name } = request.query as { file_name?: string };
        return reply.status(202).send(await startImport(deps, requestContext(request), request.body, file_name ?? null));
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
    async (request, reply) => {
      const ctx = requestContext(request);
      const lines = importErrorsCsv(deps, ctx, request.params.id);
      // Pull the first chunk before answering, so an unknown import is a clean 404 rather than a broken download.
      const first = await lines.next();
      const rest = Readable.from((async function* () {
        if (!first.done) yield first.value;
        yield* lines;
      })());
      return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="import-${request.params.id}-errors.csv"`).send(rest);
    },
  );
}
