import type { Generated } from 'kysely';

// Table types of the distribution module, merged into the database type.
declare module '../../db/schema.ts' {
  interface DB {
    distribution_settings: { tenant_id: string; settings: unknown; updated_at: Generated<Date> };
    promoters: {
      tenant_id: string;
      member_id: string;
      code: string;
      recruiter_id: string | null;
      status: 'applied' | 'approved' | 'rejected' | 'suspended';
      source: 'application' | 'tier';
      applied_at: Date;
      approved_at: Date | null;
    };
    distribution_attributions: { tenant_id: string; member_id: string; promoter_id: string; visited_at: Date };
    distribution_clicks: { tenant_id: string; promoter_id: string; day: string; visitor_hash: string };
    commission_entries: {
      tenant_id: string;
      promoter_id: string;
      id: string;
      order_id: string;
      buyer_id: string;
      level: number;
      kind: 'accrual' | 'reversal';
      amount_fen: number;
      lines: Generated<unknown>;
      status: 'pending' | 'settled';
      settles_at: Date;
      source_key: string;
      created_at: Date;
    };
    withdrawals: {
      tenant_id: string;
      promoter_id: string;
      id: string;
      amount_fen: number;
      status: 'requested' | 'approved' | 'paid' | 'rejected';
      payout_ref: string | null;
      requested_at: Date;
      decided_by: string | null;
      decided_at: Date | null;
      paid_at: Date | null;
    };
  }
}
