import { z } from 'zod';

export const recommendationSettingsSchema = z.object({
  lookback_days: z.number().int().min(7).max(1095).default(365).describe("Members' baskets are their purchases over this many days before the run"),
  min_support: z.number().int().min(1).max(100_000).default(2).describe('A pair counts only when at least this many members bought both'),
  exclusion_days: z.number().int().min(0).max(3650).default(90).describe('Products the member bought (and did not return) within this many days are not recommended'),
});
export type RecommendationSettings = z.infer<typeof recommendationSettingsSchema>;

export const recommendationRunSchema = z.object({
  window_from: z.string(),
  window_to: z.string(),
  baskets: z.number().int().describe('Members with at least one purchase in the window'),
  items: z.number().int(),
  pairs: z.number().int(),
  computed_at: z.string(),
});
export type RecommendationRun = z.infer<typeof recommendationRunSchema>;

export const recommendedItemSchema = z.object({
  sku: z.string(),
  name: z.string(),
  category: z.string(),
  list_price_fen: z.number().int(),
  reason: z.enum(['co_purchase', 'popular']),
  because_of: z.string().nullable().describe('The purchased SKU that suggests it most strongly'),
  confidence_bp: z.number().int().describe('Summed confidence of the rules that suggest it (0 for popular items)'),
  lift_bp: z.number().int(),
});
export type RecommendedItem = z.infer<typeof recommendedItemSchema>;

export const recommendationsSchema = z.object({
  member_id: z.uuid(),
  basis: z.enum(['history', 'popular']).describe('popular: the member has no purchases in the window, so the best sellers are shown'),
  complementary: z.array(recommendedItemSchema).describe('Other categories than the member bought'),
  upgrade: z.array(recommendedItemSchema).describe('A category the member bought, at a higher list-price tier'),
  computed_at: z.string().nullable(),
});
export type Recommendations = z.infer<typeof recommendationsSchema>;

export const recommendationsQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(50).default(10) });
