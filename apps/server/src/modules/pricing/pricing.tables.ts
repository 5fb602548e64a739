import type { Generated } from 'kysely';

// Table types of the pricing module (member prices, launches, ballots), merged into the database type.
declare module '../../db/schema.ts' {
  interface DB {
    member_prices: {
      tenant_id: string;
      id: string;
      sku: string;
      audience: 'tier' | 'plan';
      audience_id: string;
      price_fen: number;
      effective_from: Date;
      effective_until: Date | null;
      created_by: string | null;
      created_at: Generated<Date>;
    };
    launches: {
      tenant_id: string;
      id: string;
      name: string;
      sku: string;
      quantity: number;
      reserved: Generated<number>;
      opens_at: Date;
      closes_at: Date | null;
      early_hours: Generated<number>;
      early_eligibility: Generated<unknown>;
      per_member_limit: Generated<number>;
      benefit_ref: string | null;
      created_at: Generated<Date>;
    };
    launch_reservations: {
      tenant_id: string;
      member_id: string;
      id: string;
      launch_id: string;
      seq: number;
      early: boolean;
      created_at: Generated<Date>;
    };
    ballots: {
      tenant_id: string;
      id: string;
      name: string;
      sku: string;
      quantity: number;
      eligibility: Generated<unknown>;
      entry_opens_at: Date;
      entry_closes_at: Date;
      seed: string;
      seed_hash: string;
      status: Generated<'open' | 'drawn'>;
      drawn_at: Date | null;
      entries_count: number | null;
      benefit_ref: string | null;
      created_at: Generated<Date>;
    };
    ballot_entries: {
      tenant_id: string;
      member_id: string;
      ballot_id: string;
      entrant_id: string;
      entrant_no: string;
      merged_from: string | null;
      result: Generated<'pending' | 'won' | 'lost'>;
      rank: number | null;
      created_at: Generated<Date>;
    };
  }
}
