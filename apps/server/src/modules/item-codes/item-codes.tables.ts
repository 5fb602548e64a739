import type { Generated } from 'kysely';

// Table types of the one-code-per-item module, merged into the database type.
declare module '../../db/schema.ts' {
  interface DB {
    code_batches: {
      tenant_id: string;
      id: string;
      sku: string;
      name: Generated<string>;
      quantity: number;
      generated: Generated<number>;
      status: Generated<'created' | 'activated' | 'deactivated'>;
      points_per_claim: Generated<number>;
      warranty_months: number | null;
      activated_at: Date | null;
      deactivated_at: Date | null;
      created_at: Generated<Date>;
    };
    item_codes: {
      tenant_id: string;
      code: string;
      batch_id: string;
      seq: number;
      activated_at: Date | null;
      scan_count: Generated<number>;
      first_scanned_at: Date | null;
      first_province: string | null;
      first_city: string | null;
      last_scanned_at: Date | null;
      last_province: string | null;
      claimed_by: string | null;
      claimed_at: Date | null;
      claim_scan_id: string | null;
      flagged: Generated<boolean>;
    };
    code_scans: {
      tenant_id: string;
      id: string;
      code: string;
      batch_id: string | null;
      member_id: string | null;
      result: 'unknown' | 'inactive' | 'genuine';
      province: string | null;
      city: string | null;
      scanned_at: Date;
    };
    code_flags: {
      tenant_id: string;
      id: string;
      kind: 'member_burst' | 'distant_scans' | 'inactive_batch' | 'second_claimer';
      dedupe_key: string;
      code: string | null;
      member_id: string | null;
      details: Generated<unknown>;
      created_at: Date;
    };
    code_warranties: {
      tenant_id: string;
      member_id: string;
      id: string;
      code: string;
      sku: string;
      purchase_date: string;
      store_id: string | null;
      store_name: string | null;
      expires_on: string;
      created_at: Generated<Date>;
    };
    item_code_settings: {
      tenant_id: string;
      member_daily_scans: Generated<number>;
      distant_minutes: Generated<number>;
      qr_base_url: string | null;
      updated_at: Generated<Date>;
    };
  }
}

export {};
