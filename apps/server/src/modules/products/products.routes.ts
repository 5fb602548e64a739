import { z } from 'zod';
import { pageSchema, paginationQuerySchema, problemSchema } from '@hearth/contracts/common';
import { productBulkItemSchema, productInputSchema, productSchema, skuSchema } from '@hearth/contracts/products';
import { authenticated, type Api, type RouteContext } from '../../http/api.ts';
import { requestContext } from '../../http/auth.ts';
import { getProduct, listProducts, upsertProducts } from './products.service.ts';

const tags = ['products'];
const upsertResult = z.object({
  created: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  results: z.array(z.object({ sku: z.string(), outcome: z.enum(['created', 'updated', 'unchanged']) })),
});

export function productsRoutes(api: Api, { deps }: RouteContext) {
  api.get(
    '/products',
    {
      config: { permission: 'products:read' },
      schema: {
        tags,
        summary: 'The SKU catalogue, by SKU',
        security: authenticated,
        querystring: paginationQuerySchema.extend({
          q: z.string().trim().max(100).optional(),
          category: z.string().max(50).optional(),
          brand: z.string().max(100).optional(),
          member_only: z.enum(['true', 'false']).optional(),
          status: z.enum(['active', 'inactive']).optional(),
        }),
        response: { 200: pageSchema(productSchema) },
      },
    },
    async (request) => {
      const { member_only, ...query } = request.query;
      return listProducts(deps, requestContext(request), { ...query, member_only: member_only === undefined ? undefined : member_only === 'true' });
    },
  );

  api.get(
    '/products/:sku',
    { config: { permission: 'products:read' }, schema: { tags, summary: 'A product', security: authenticated, params: z.object({ sku: skuSchema }), response: { 200: productSchema, 404: problemSchema } } },
    async (request) => getProduct(deps, requestContext(request), request.params.sku),
  );

  api.put(
    '/products/:sku',
    {
      config: { permission: 'products:write' },
      schema: { tags, summary: 'Create or replace one product', security: authenticated, params: z.object({ sku: skuSchema }), body: productInputSchema, response: { 200: productSchema, 201: productSchema, 400: problemSchema } },
    },
    async (request, reply) => {
      const ctx = requestContext(request);
      const result = await upsertProducts(deps, ctx, [{ ...request.body, sku: request.params.sku }]);
      return reply.status(result.created ? 201 : 200).send(await getProduct(deps, ctx, request.params.sku));
    },
  );

  api.post(
    '/products/bulk',
    {
      config: { permission: 'products:write' },
      schema: {
        tags,
        summary: 'Create or update up to 1,000 products by SKU in one transaction (unchanged ones are not written)',
        security: authenticated,
        body: z.object({ products: z.array(productBulkItemSchema).min(1).max(1000) }),
        response: { 200: upsertResult, 400: problemSchema },
      },
    },
    async (request) => upsertProducts(deps, requestContext(request), request.body.products),
  );
}
