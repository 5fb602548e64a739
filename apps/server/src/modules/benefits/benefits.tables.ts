import type { Generated } from 'kysely';
import type { BenefitSourceKind, BenefitType, SavingsKind, UsagePeriod } from '@hearth/contracts/benefits';

// Table types of the benefits module, merged into the database type.
declare module '../../db/schema.ts' {
  interface DB {
    benefits: {
      tenant_id: string;
      id: string;
      code: string;
      name: string;
      name_en: string | null;
      description: string | null;
      type: BenefitType;
      status: Generated<'active' | 'paused'>;
      limit_period: UsagePeriod | null;
      limit_uses: number | null;
      value_fen: number | null;
      config: unknown;
      created_at: Generated<Date>;
      updated_at: Generated<Date>;
    };
    benefit_grants: {
      tenant_id: string;
      member_id: string;
      id: string;
      benefit_id: string;
      grant_key: string;
      valid_from: Date;
      valid_until: Date;
      uses: number | null;
      campaign: string | null;
      reason: string;
      created_by: string | null;
      revoked_at: Date | null;
      revoke_reason: string | null;
      created_at: Generated<Date>;
    };
    benefit_uses: {
      tenant_id: string;
      member_id: string;
      id: string;
      benefit_id: string;
      use_key: string;
      part: number;
      source_kind: BenefitSourceKind;
      source_id: string;
      grant_id: string | null;
      quantity: number;
      value_fen: number;
      order_external_id: string | null;
      store_id: string | null;
      note: string | null;
      used_at: Date;
      undone_at: Date | null;
      undo_reason: string | null;
      created_by: string | null;
    };
    benefit_daily_runs: { tenant_id: string; job: string; day: string; finished_at: Date | null };
    benefit_birthday_gifts: { tenant_id: string; member_id: string; benefit_id: string; year: number; use_id: string; given_at: Date };
    member_savings: {
      tenant_id: string;
      member_id: string;
      id: string;
      kind: SavingsKind;
      amount_fen: number;
      source_id: string;
      occurred_at: Date;
      created_at: Generated<Date>;
    };
  }
}
