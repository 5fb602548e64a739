import { z } from 'zod';
import { idParamsSchema, pageSchema, paginationQuerySchema, problemSchema } from '@hearth/contracts/common';
import {
  storeCreateSchema,
  storeImportResultSchema,
  storeListQuerySchema,
  storeSchema,
  storeUpdateSchema,
} from '@hearth/contracts/stores';
import { authenticated, type Api, type RouteContext } from '../../http/api.ts';
import { requestContext } from '../../http/auth.ts';
import { AppError } from '../../http/errors.ts';
import { geofenceRoutes } from './geofences.ts';
import { importStores, STORE_CSV_COLUMNS } from './stores.import.ts';
import { createStore, deleteStore, getStore, listStores, updateStore } from './stores.service.ts';

const tags = ['stores'];
const errors = { 400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema, 409: problemSchema };

export function storesRoutes(api: Api, { deps }: RouteContext) {
  geofenceRoutes(api, deps);
  api.get(
    '/stores',
    {
      config: { permission: 'stores:read' },
      schema: {
        tags,
        summary: 'List stores, newest first',
        security: authenticated,
        querystring: paginationQuerySchema.extend(storeListQuerySchema.shape),
        response: { 200: pageSchema(storeSchema) },
      },
    },
    async (request) => listStores(deps, requestContext(request), request.query),
  );

  api.post(
    '/stores',
    {
      config: { permission: 'stores:write' },
      schema: { tags, summary: 'Create a store', security: authenticated, body: storeCreateSchema, response: { 201: storeSchema, ...errors } },
    },
    async (request, reply) => reply.status(201).send(await createStore(deps, requestContext(request), request.body)),
  );

  api.get(
    '/stores/:id',
    {
      config: { permission: 'stores:read' },
      schema: { tags, summary: 'Get a store', security: authenticated, params: idParamsSchema, response: { 200: storeSchema, 404: problemSchema } },
    },
    async (request) => getStore(deps, requestContext(request), request.params.id),
  );

  api.patch(
    '/stores/:id',
    {
      config: { permission: 'stores:write' },
      schema: {
        tags,
        summary: 'Change a store (send only the fields to change; null clears)',
        security: authenticated,
        params: idParamsSchema,
        body: storeUpdateSchema,
        response: { 200: storeSchema, ...errors },
      },
    },
    async (request) => updateStore(deps, requestContext(request), request.params.id, request.body),
  );

  api.delete(
    '/stores/:id',
    {
      config: { permission: 'stores:write' },
      schema: { tags, summary: 'Delete a store (its code becomes free)', security: authenticated, params: idParamsSchema, response: { 204: z.null(), 404: problemSchema } },
    },
    async (request, reply) => {
      await deleteStore(deps, requestContext(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  api.post(
    '/stores/import',
    {
      config: { permission: 'stores:write' },
      bodyLimit: 10 * 1024 * 1024,
      schema: {
        tags,
        summary: 'Import stores from CSV (upsert by code; bad rows reported, good rows kept)',
        description: `Send \`Content-Type: text/csv\`, UTF-8 with or without BOM, with a header row of: ${STORE_CSV_COLUMNS.join(', ')}.`,
        security: authenticated,
        consumes: ['text/csv'],
        body: z.string().describe('CSV text'),
        response: { 200: storeImportResultSchema, ...errors },
      },
    },
    async (request) => {
      if (!String(request.headers['content-type'] ?? '').startsWith('text/csv')) {
        throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the file as Content-Type: text/csv');
      }
      return importStores(deps, requestContext(request), request.body);
    },
  );
}
