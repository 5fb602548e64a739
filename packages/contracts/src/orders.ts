import { z } from 'zod';
import { identitySchema } from './members.ts';
import { fenSchema, skuSchema } from './products.ts';

export const orderChannels = ['store', 'mini_program', 'app', 'web', 'partner'] as const;

export const orderLineInputSchema = z.object({
  sku: skuSchema,
  qty: z.number().int().min(1).max(100_000),
  unit_price_fen: fenSchema,
  discount_fen: fenSchema.default(0).describe('Discount on the whole line'),
  flags: z.array(z.enum(['gift_card', 'non_earning'])).max(5).default([]),
});

export const orderInputSchema = z.object({
  external_id: z.string().trim().min(1).max(100).describe('The order id in the POS or shop; the same order sent again changes nothing'),
  channel: z.enum(orderChannels),
  store_id: z.uuid().nullish(),
  member_id: z.uuid().nullish(),
  identity: identitySchema.optional().describe('Instead of member_id: any identity of the member'),
  lines: z.array(orderLineInputSchema).min(1).max(500),
  shipping_fen: fenSchema.default(0),
  total_paid_fen: fenSchema.describe('Must equal the lines (qty × unit price − discount) plus shipping'),
  payment_method: z.string().trim().max(50).nullish(),
  occurred_at: z.iso.datetime({ offset: true }),
});
export type OrderInput = z.infer<typeof orderInputSchema>;

export const orderSchema = z.object({
  id: z.uuid(),
  external_id: z.string(),
  member_id: z.uuid().nullable(),
  channel: z.enum(orderChannels),
  store_id: z.uuid().nullable(),
  subtotal_fen: z.number().int(),
  discount_fen: z.number().int(),
  shipping_fen: z.number().int(),
  total_paid_fen: z.number().int(),
  refunded_fen: z.number().int(),
  payment_method: z.string().nullable(),
  status: z.enum(['paid', 'partially_refunded', 'refunded']),
  occurred_at: z.string(),
  created_at: z.string(),
  lines: z.array(
    z.object({
      line_no: z.number().int(),
      sku: z.string(),
      qty: z.number().int(),
      unit_price_fen: z.number().int(),
      discount_fen: z.number().int(),
      paid_fen: z.number().int(),
      flags: z.array(z.string()),
      refunded_qty: z.number().int(),
      refunded_fen: z.number().int(),
    }),
  ),
});
export type Order = z.infer<typeof orderSchema>;

export const refundInputSchema = z
  .object({
    external_refund_id: z.string().trim().min(1).max(100),
    lines: z.array(z.object({ line_no: z.number().int().min(1), qty: z.number().int().min(1) })).max(500).optional().describe('Refund these quantities of these lines'),
    amount_fen: fenSchema.optional().describe('Or refund this amount, spread over the lines in proportion'),
    reason: z.string().trim().max(200).optional(),
    occurred_at: z.iso.datetime({ offset: true }).optional(),
  })
  .refine((r) => (r.lines?.length ? 1 : 0) + (r.amount_fen !== undefined ? 1 : 0) === 1, { message: 'send either lines or amount_fen', path: ['lines'] });
export type RefundInput = z.infer<typeof refundInputSchema>;

export const orderImportSchema = z.object({
  id: z.uuid(),
  status: z.enum(['queued', 'running', 'succeeded', 'failed']),
  file_name: z.string().nullable(),
  encoding: z.string().nullable(),
  total_rows: z.number().int().nullable().describe('Data lines in the file (one per order line)'),
  processed_rows: z.number().int(),
  created: z.number().int(),
  duplicates: z.number().int().describe('Orders already recorded (a rerun of the same file)'),
  failed: z.number().int().describe('Orders rejected; see errors.csv'),
  created_by: z.string().nullable(),
  created_at: z.string(),
  finished_at: z.string().nullable(),
});
export type OrderImport = z.infer<typeof orderImportSchema>;
