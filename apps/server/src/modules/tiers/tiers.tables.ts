import type { Generated } from 'kysely';

// Table types of the tiers module, merged into the database type.
declare module '../../db/schema.ts' {
  interface DB {
    tier_programs: {
      tenant_id: string;
      id: string;
      name: string;
      status: Generated<'active' | 'paused'>;
      evaluation: 'yearly' | 'anniversary' | 'monthly';
      downgrade_policy: 'one_level' | 'to_qualifying';
      grace_days: Generated<number>;
      notice_days: Generated<number>;
      created_at: Generated<Date>;
      updated_at: Generated<Date>;
    };
    tiers: {
      tenant_id: string;
      program_id: string;
      id: string;
      code: string;
      rank: number;
      name: string;
      color: string;
      icon: string | null;
      earning_multiplier_x100: Generated<number>;
      benefit_ids: Generated<string[]>;
    };
    tier_rule_versions: {
      tenant_id: string;
      program_id: string;
      version: number;
      effective_from: Date;
      rules: unknown;
      note: string | null;
      created_by: string | null;
      created_at: Generated<Date>;
    };
    member_tiers: {
      tenant_id: string;
      member_id: string;
      program_id: string;
      tier_id: string;
      since: Date;
      rule_version: number | null;
      manual_until: Date | null;
      manual_reason: string | null;
      manual_earned_rank: number | null;
      grace_until: Date | null;
      grace_tier_id: string | null;
      updated_at: Generated<Date>;
    };
    tier_history: {
      tenant_id: string;
      member_id: string;
      program_id: string;
      id: string;
      kind: 'upgraded' | 'downgraded' | 'retained' | 'grace_started' | 'manual' | 'manual_ended' | 'merged';
      from_tier_id: string | null;
      to_tier_id: string;
      reason: string;
      rule_version: number | null;
      metrics: Generated<unknown>;
      run_id: string | null;
      actor: string | null;
      at: Date;
    };
    tier_evaluation_runs: {
      tenant_id: string;
      program_id: string;
      id: string;
      kind: 'scheduled' | 'publish' | 'manual' | 'notice';
      as_of: Date;
      rule_version: number | null;
      status: Generated<'running' | 'done'>;
      after_member_id: string | null;
      done: Generated<number>;
      total: Generated<number>;
      counts: Generated<unknown>;
      created_at: Generated<Date>;
      finished_at: Date | null;
    };
  }
}
