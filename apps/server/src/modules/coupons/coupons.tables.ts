import type { Generated } from 'kysely';

// Table types of the coupons module, merged into the database type.
declare module '../../db/schema.ts' {
  interface DB {
    coupon_settings: {
      tenant_id: string;
      reservation_minutes: Generated<number>;
      refund_policy: Generated<'restore_if_valid' | 'never'>;
      expiring_days: Generated<number>;
      updated_at: Generated<Date>;
    };
    coupon_templates: {
      tenant_id: string;
      id: string;
      name: string;
      description: string | null;
      kind: 'cash' | 'percent' | 'free_item' | 'free_shipping';
      value_fen: number | null;
      percent_off_bp: number | null;
      cap_fen: number | null;
      min_spend_fen: Generated<number>;
      free_sku: string | null;
      free_qty: number | null;
      valid_from: string | null;
      valid_until: string | null;
      valid_days: number | null;
      stock_total: number | null;
      issued_count: Generated<number>;
      per_member_limit: number | null;
      channels: Generated<string[]>;
      store_ids: Generated<string[]>;
      categories: Generated<string[]>;
      skus: Generated<string[]>;
      stackable_with_coupons: Generated<boolean>;
      stackable_with_member_discounts: Generated<boolean>;
      status: Generated<'active' | 'paused'>;
      created_at: Generated<Date>;
      updated_at: Generated<Date>;
    };
    coupon_issuances: {
      tenant_id: string;
      id: string;
      issuance_key: string;
      template_id: string;
      source: 'single' | 'bulk' | 'points_reward';
      status: 'queued' | 'running' | 'succeeded' | 'failed';
      member_ids: string[] | null;
      file_path: string | null;
      file_name: string | null;
      total: number | null;
      processed: Generated<number>;
      issued: Generated<number>;
      skipped: Generated<number>;
      created_by: string | null;
      created_at: Generated<Date>;
      finished_at: Date | null;
    };
    coupon_issuance_errors: { tenant_id: string; issuance_id: string; line: number; field: string; code: string; message: string };
    coupons: {
      tenant_id: string;
      member_id: string;
      id: string;
      template_id: string;
      issuance_id: string;
      issue_seq: number;
      code: string;
      status: Generated<CouponStatus>;
      starts_at: Date;
      expires_at: Date;
      reservation_ref: string | null;
      reserved_until: Date | null;
      redemption_ref: string | null;
      redeemed_at: Date | null;
      store_id: string | null;
      order_external_id: string | null;
      discount_fen: number | null;
      restored_count: Generated<number>;
      expiring_notified_at: Date | null;
      created_at: Generated<Date>;
      updated_at: Generated<Date>;
    };
    coupon_reward_links: { tenant_id: string; reward_id: string; template_id: string };
  }
}

export type CouponStatus = 'available' | 'reserved' | 'redeemed' | 'expired';
