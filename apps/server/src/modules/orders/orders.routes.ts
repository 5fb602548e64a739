import { z } from 'zod';
import { idParamsSchema, pageSchema, paginationQuerySchema, problemSchema } from '@hearth/contracts/common';
import { identitySchema } from '@hearth/contracts/members';
import { orderImportSchema, orderInputSchema, orderSchema, refundInputSchema } from '@hearth/contracts/orders';
import { authenticated, type Api, type RouteContext } from '../../http/api.ts';
import { requestContext } from '../../http/auth.ts';
import { csvImportRoutes } from '../../imports/csv-imports.ts';
import { ORDER_IMPORT_COLUMNS, orderImports } from './orders.import.ts';
import { attachOrder, createOrder, createOrders, getOrder, listOrders } from './orders.service.ts';
import { refundOrder } from './refunds.service.ts';

const tags = ['orders'];
const errors = { 400: problemSchema, 403: problemSchema, 404: problemSchema, 409: problemSchema, 422: problemSchema };
const refundView = z.object({
  refund: z.object({ id: z.uuid(), external_refund_id: z.string(), amount_fen: z.number().int(), lines: z.array(z.object({ line_no: z.number(), qty: z.number(), amount_fen: z.number() })), reason: z.string().nullable(), occurred_at: z.string() }),
  order: orderSchema,
  replayed: z.boolean(),
});

export function ordersRoutes(api: Api, { deps }: RouteContext) {
  api.post(
    '/orders',
    {
      config: { permission: 'orders:write' },
      schema: {
        tags,
        summary: 'Record an order (idempotent by external_id: 201 when new, 200 for the same order again, 409 for other content)',
        security: authenticated,
        body: orderInputSchema,
        response: { 200: orderSchema, 201: orderSchema, ...errors },
      },
    },
    async (request, reply) => {
      const { order, replayed } = await createOrder(deps, requestContext(request), request.body);
      return reply.status(replayed ? 200 : 201).send(order);
    },
  );

  api.post(
    '/orders/batch',
    {
      config: { permission: 'orders:write' },
      bodyLimit: 20 * 1024 * 1024,
      schema: {
        tags,
        summary: 'Record up to 500 orders; each is its own transaction and gets its own result',
        security: authenticated,
        body: z.object({ orders: z.array(orderInputSchema).min(1).max(500) }),
        response: {
          200: z.object({
            results: z.array(
              z.object({
                external_id: z.string(),
                status: z.enum(['created', 'duplicate', 'error']),
                order_id: z.uuid().optional(),
                error: z.object({ code: z.string(), detail: z.string(), errors: z.array(z.object({ field: z.string(), code: z.string(), message: z.string() })).optional() }).optional(),
              }),
            ),
          }),
          400: problemSchema,
        },
      },
    },
    async (request) => ({ results: await createOrders(deps, requestContext(request), request.body.orders) }),
  );

  api.get(
    '/orders',
    {
      config: { permission: 'orders:read' },
      schema: {
        tags,
        summary: 'Orders, newest first',
        security: authenticated,
        querystring: paginationQuerySchema.extend({ member_id: z.uuid().optional(), store_id: z.uuid().optional(), external_id: z.string().max(100).optional() }),
        response: { 200: pageSchema(orderSchema) },
      },
    },
    async (request) => listOrders(deps, requestContext(request), request.query),
  );

  api.get(
    '/orders/:id',
    { config: { permission: 'orders:read' }, schema: { tags, summary: 'An order with its lines', security: authenticated, params: idParamsSchema, response: { 200: orderSchema, 404: problemSchema } } },
    async (request) => getOrder(deps, requestContext(request), request.params.id),
  );

  api.post(
    '/orders/:id/refunds',
    {
      config: { permission: 'orders:write' },
      schema: {
        tags,
        summary: 'Refund lines or an amount (never more than paid; idempotent by external_refund_id)',
        security: authenticated,
        params: idParamsSchema,
        body: refundInputSchema,
        response: { 200: refundView, 201: refundView, ...errors },
      },
    },
    async (request, reply) => {
      const result = await refundOrder(deps, requestContext(request), request.params.id, request.body);
      return reply.status(result.replayed ? 200 : 201).send(result);
    },
  );

  api.post(
    '/orders/:id/attach',
    {
      config: { permission: 'orders:write' },
      schema: {
        tags,
        summary: 'Give a guest order its member',
        security: authenticated,
        params: idParamsSchema,
        body: z.object({ member_id: z.uuid().optional(), identity: identitySchema.optional() }).refine((b) => Boolean(b.member_id) !== Boolean(b.identity), { message: 'send member_id or identity', path: ['member_id'] }),
        response: { 200: orderSchema, ...errors },
      },
    },
    async (request) => attachOrder(deps, requestContext(request), request.params.id, request.body),
  );

  csvImportRoutes(api, deps, orderImports, {
    base: '/orders',
    tags,
    read: 'orders:read',
    write: 'orders:write',
    schema: orderImportSchema,
    summary: 'Import orders from CSV (UTF-8 or GBK; one row per order line; idempotent by order id; runs as a job)',
    description: `Send \`Content-Type: text/csv\`. Columns: ${ORDER_IMPORT_COLUMNS}. Rows of one order are adjacent and repeat its order id; order-level columns are read from its first row.`,
    listSummary: 'Order imports, newest first',
    errorsFile: 'order-import',
  });
}
