import type { Generated } from 'kysely';

// Table types of the store-guides module, merged into the database type.
declare module '../../db/schema.ts' {
  interface DB {
    guides: {
      tenant_id: string;
      operator_id: string;
      store_id: string;
      wecom_user_id: string | null;
      status: Generated<'active' | 'left'>;
      left_at: Date | null;
      created_at: Date;
      updated_at: Date;
    };
    guide_members: {
      tenant_id: string;
      member_id: string;
      guide_id: string;
      source: AssignmentSource;
      assigned_at: Date;
    };
    guide_member_history: {
      tenant_id: string;
      member_id: string;
      id: string;
      from_guide_id: string | null;
      to_guide_id: string | null;
      source: string;
      reason: Generated<string>;
      actor_label: string;
      at: Date;
    };
    guide_task_rules: {
      tenant_id: string;
      id: string;
      name: string;
      segment_id: string;
      title_template: string;
      due_in_days: number;
      status: Generated<'active' | 'paused'>;
      last_run_at: Date | null;
      created_at: Date;
      updated_at: Date;
    };
    guide_tasks: {
      tenant_id: string;
      member_id: string;
      id: string;
      guide_id: string;
      kind: TaskKind;
      rule_id: string | null;
      source_key: string | null;
      title: string;
      due_at: Date;
      status: Generated<'open' | 'done'>;
      done_at: Date | null;
      done_by: string | null;
      created_at: Date;
      updated_at: Date;
    };
    guide_task_history: {
      tenant_id: string;
      member_id: string;
      task_id: string;
      id: string;
      action: 'created' | 'done' | 'undone' | 'reassigned' | 'messaged';
      actor_label: string;
      at: Date;
    };
    guide_task_messages: {
      tenant_id: string;
      member_id: string;
      task_id: string;
      id: string;
      guide_id: string;
      text: string;
      wecom_ref: string | null;
      sent_at: Date;
    };
    guide_conversions: {
      tenant_id: string;
      member_id: string;
      order_id: string;
      guide_id: string;
      task_id: string;
      via: 'task' | 'message';
      revenue_fen: number;
      occurred_at: Date;
      credited_at: Date;
    };
    guide_settings: {
      tenant_id: string;
      conversion_window_days: Generated<number>;
      welcome_enabled: Generated<boolean>;
      welcome_title: Generated<string>;
      welcome_due_days: Generated<number>;
      updated_at: Generated<Date>;
    };
  }
}

export type AssignmentSource = 'explicit' | 'wecom' | 'store';
export type TaskKind = 'rule' | 'journey' | 'welcome' | 'manual';
