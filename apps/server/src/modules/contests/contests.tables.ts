import type { Generated } from 'kysely';

// Table types of the contests module, merged into the database type.
declare module '../../db/schema.ts' {
  interface DB {
    contests: {
      tenant_id: string;
      id: string;
      title: string;
      description: string | null;
      submit_from: Date;
      submit_until: Date;
      vote_from: Date;
      vote_until: Date;
      votes_per_day: number;
      votes_total: number;
      vote_weight_bp: number;
      rewards: unknown;
      finalized_at: Date | null;
      created_at: Generated<Date>;
    };
    contest_entries: {
      tenant_id: string;
      member_id: string;
      id: string;
      contest_id: string;
      title: string;
      text: string;
      image_urls: unknown;
      status: Generated<'pending' | 'approved' | 'rejected'>;
      reject_reason: string | null;
      moderated_at: Date | null;
      votes: Generated<number>;
      shares: Generated<number>;
      jury_score: number | null;
      created_at: Generated<Date>;
    };
    contest_votes: {
      tenant_id: string;
      member_id: string;
      id: string;
      contest_id: string;
      entry_id: string;
      local_day: string;
      created_at: Date;
    };
    contest_winners: {
      tenant_id: string;
      contest_id: string;
      rank: number;
      entry_id: string;
      member_id: string;
      score: number;
      reward_ref: string | null;
    };
  }
}

export {};
