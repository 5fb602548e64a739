// Table types of the recommendations module, merged into the database type.
declare module '../../db/schema.ts' {
  interface DB {
    recommendation_settings: { tenant_id: string; settings: unknown; updated_at: Date };
    recommendation_runs: { tenant_id: string; window_from: Date; window_to: Date; baskets: number; items: number; pairs: number; computed_at: Date };
    recommendation_items: { tenant_id: string; sku: string; category: string; price_tier: number; buyers: number };
    recommendation_pairs: { tenant_id: string; sku: string; other_sku: string; members: number; support_bp: number; confidence_bp: number; lift_bp: number };
  }
}
export {};
