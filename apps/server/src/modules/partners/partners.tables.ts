import type { Generated } from 'kysely';

// Table types of the partners module, merged into the database type.
declare module '../../db/schema.ts' {
  interface DB {
    partners: {
      tenant_id: string;
      id: string;
      name: string;
      industry: string | null;
      contact_name: string | null;
      contact_phone: string | null;
      contact_email: string | null;
      settlement_terms: string | null;
      callback_url: string | null;
      secret_sealed: string | null;
      status: Generated<'active' | 'archived'>;
      created_at: Generated<Date>;
      updated_at: Generated<Date>;
    };
    partner_benefits: {
      tenant_id: string;
      id: string;
      partner_id: string;
      name: string;
      description: string | null;
      kind: 'code_pool' | 'callback';
      period: 'once' | 'day' | 'week' | 'month' | 'year';
      eligibility: Generated<unknown>;
      low_stock_threshold: Generated<number>;
      low_stock_since: Date | null;
      benefit_ref: string | null;
      status: Generated<'active' | 'paused'>;
      created_at: Generated<Date>;
      updated_at: Generated<Date>;
    };
    partner_code_imports: {
      tenant_id: string;
      id: string;
      benefit_id: string;
      file_name: string | null;
      rows: Generated<number>;
      imported: Generated<number>;
      rejected: Generated<number>;
      errors: Generated<unknown>;
      created_by: string | null;
      created_at: Generated<Date>;
    };
    partner_codes: {
      tenant_id: string;
      benefit_id: string;
      id: string;
      code: string;
      import_id: string;
      status: Generated<'available' | 'allocated'>;
      allocation_id: string | null;
      allocated_at: Date | null;
    };
    partner_allocations: {
      tenant_id: string;
      member_id: string;
      id: string;
      benefit_id: string;
      partner_id: string;
      period_key: string;
      code_id: string | null;
      code: string | null;
      status: 'allocated' | 'pending' | 'delivered' | 'failed';
      external_ref: string | null;
      callback_attempts: Generated<number>;
      callback_error: string | null;
      delivered_at: Date | null;
      redeemed_at: Date | null;
      redemption_source: 'callback' | 'csv' | 'api' | null;
      benefit_ref: string | null;
      created_at: Generated<Date>;
    };
  }
}
