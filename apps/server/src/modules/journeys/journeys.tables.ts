import type { Generated, Selectable } from 'kysely';
import type { JourneyGraph } from '@hearth/contracts/journeys';
import type { DB, Json } from '../../db/schema.ts';

// Table types of the journeys module, merged into the database type.
declare module '../../db/schema.ts' {
  interface DB {
    journeys: {
      tenant_id: string;
      id: string;
      name: string;
      description: string | null;
      status: Generated<'draft' | 'active' | 'paused' | 'stopped'>;
      draft: Json<JourneyGraph>;
      current_version_id: string | null;
      trigger_key: string | null;
      ritual: string | null;
      created_at: Generated<Date>;
      updated_at: Generated<Date>;
    };
    journey_versions: {
      tenant_id: string;
      id: string;
      journey_id: string;
      version: number;
      graph: Json<JourneyGraph>;
      published_at: Generated<Date>;
    };
    journey_entries: {
      tenant_id: string;
      member_id: string;
      id: string;
      journey_id: string;
      version_id: string;
      status: EntryStatus;
      current_step: string | null;
      visit: Generated<number>;
      due_at: Date | null;
      wait_event: string | null;
      wait_filters: Json<unknown> | null;
      resume_branch: string | null;
      context: Json<Record<string, unknown>>;
      holdout: Generated<boolean>;
      goal_event: string | null;
      goal_deadline: Date | null;
      converted_at: Date | null;
      converted_step: string | null;
      exit_reason: string | null;
      attempts: Generated<number>;
      last_error: string | null;
      entered_at: Date;
      finished_at: Date | null;
    };
    journey_step_runs: {
      tenant_id: string;
      member_id: string;
      entry_id: string;
      version_id: string;
      step_id: string;
      visit: number;
      seq: number;
      journey_id: string;
      step_type: string;
      outcome: string;
      branch: string;
      detail: Json<Record<string, unknown>>;
      ran_at: Date;
    };
  }
}

export type EntryStatus = 'ready' | 'waiting' | 'held' | 'completed' | 'exited' | 'failed';
export type JourneyRow = Selectable<DB['journeys']>;
export type VersionRow = Selectable<DB['journey_versions']>;
export type EntryRow = Selectable<DB['journey_entries']>;
