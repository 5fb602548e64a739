import { z } from 'zod';

/** Money is integer fen (分) everywhere: ¥12.80 is 1280. */
export const fenSchema = z.number().int('amounts are integer fen (分), e.g. ¥12.80 is 1280').min(0).max(100_000_000_000);

export const skuSchema = z.string().trim().min(1).max(64).regex(/^[A-Za-z0-9._\-/]+$/, 'letters, digits and . _ - / only');

export const productInputSchema = z.object({
  name: z.string().trim().min(1).max(200),
  category_path: z.array(z.string().trim().min(1).max(50)).max(6).default([]).describe('From the top: ["饮品", "咖啡", "拿铁"]'),
  brand: z.string().trim().max(100).nullish(),
  list_price_fen: fenSchema,
  member_only: z.boolean().default(false),
  tags: z.array(z.string().trim().min(1).max(30)).max(30).default([]),
  status: z.enum(['active', 'inactive']).default('active'),
});

export const productBulkItemSchema = productInputSchema.extend({ sku: skuSchema });

export const productSchema = z.object({
  sku: z.string(),
  name: z.string(),
  category_path: z.array(z.string()),
  brand: z.string().nullable(),
  list_price_fen: z.number().int(),
  member_only: z.boolean(),
  tags: z.array(z.string()),
  status: z.enum(['active', 'inactive']),
  created_at: z.string(),
  updated_at: z.string(),
});
export type Product = z.infer<typeof productSchema>;
