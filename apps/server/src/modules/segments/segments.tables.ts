import type { Generated } from 'kysely';
import type { LifecycleStage, RfmGroup } from '@hearth/contracts/segments';

// Table types of the segments module, merged into the database type.
declare module '../../db/schema.ts' {
  interface DB {
    segments: {
      tenant_id: string;
      id: string;
      name: string;
      description: string | null;
      kind: 'dynamic' | 'static';
      status: Generated<'active' | 'archived'>;
      rule: unknown;
      depends_on: Generated<string[]>;
      time_based: Generated<boolean>;
      writes_tag_id: string | null;
      computed_at: Date | null;
      created_at: Generated<Date>;
      updated_at: Generated<Date>;
    };
    segment_members: {
      tenant_id: string;
      segment_id: string;
      member_id: string;
      entered_at: Generated<Date>;
    };
    segment_membership_history: {
      tenant_id: string;
      member_id: string;
      id: string;
      segment_id: string;
      action: 'entered' | 'exited';
      cause: string;
      occurred_at: Generated<Date>;
    };
    rfm_settings: {
      tenant_id: string;
      window_days: Generated<number>;
      scoring: Generated<'quintile' | 'fixed'>;
      thresholds: unknown;
      computed_at: Date | null;
      updated_at: Generated<Date>;
    };
    member_rfm: {
      tenant_id: string;
      member_id: string;
      recency_days: number;
      frequency: number;
      monetary_fen: number;
      r: number;
      f: number;
      m: number;
      value_group: RfmGroup;
    };
    lifecycle_settings: {
      tenant_id: string;
      settings: unknown;
      updated_at: Generated<Date>;
    };
    member_lifecycle: {
      tenant_id: string;
      member_id: string;
      stage: LifecycleStage;
      since: Date;
    };
    lifecycle_transitions: {
      tenant_id: string;
      member_id: string;
      from_stage: LifecycleStage | null;
      to_stage: LifecycleStage;
      occurred_at: Date;
    };
  }
}

export {};
