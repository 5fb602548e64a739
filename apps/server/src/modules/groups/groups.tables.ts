import type { Generated } from 'kysely';

// Table types of the community-groups module, merged into the database type.
declare module '../../db/schema.ts' {
  interface DB {
    group_settings: {
      tenant_id: string;
      safety_margin: Generated<number>;
      hold_minutes: Generated<number>;
      welcome_window_minutes: Generated<number>;
      updated_at: Generated<Date>;
    };
    group_pools: {
      tenant_id: string;
      id: string;
      name: string;
      kind: 'store' | 'theme';
      store_id: string | null;
      theme: string | null;
      code: string;
      welcome_text: string | null;
      status: Generated<'active' | 'archived'>;
      all_full_since: Date | null;
      created_at: Generated<Date>;
      updated_at: Generated<Date>;
    };
    community_groups: {
      tenant_id: string;
      id: string;
      name: string;
      store_id: string | null;
      theme: string | null;
      tier_id: string | null;
      pool_id: string | null;
      chat_id: string | null;
      owner_userid: string | null;
      join_qr_url: string | null;
      join_config_id: string | null;
      capacity: Generated<number>;
      member_count: Generated<number>;
      welcome_text: string | null;
      status: Generated<'active' | 'closed' | 'archived'>;
      created_at: Generated<Date>;
      updated_at: Generated<Date>;
    };
    group_route_holds: {
      tenant_id: string;
      id: string;
      pool_id: string;
      group_id: string;
      scanner: string | null;
      created_at: Date;
      expires_at: Date;
      joined_at: Date | null;
    };
    group_member_changes: {
      tenant_id: string;
      id: string;
      group_id: string;
      kind: 'join' | 'leave';
      external_userid: string | null;
      member_id: string | null;
      occurred_at: Date;
    };
    group_messages: {
      tenant_id: string;
      group_id: string;
      msg_id: string;
      sender: string;
      member_id: string | null;
      auto_reply_id: string | null;
      sent_at: Date;
    };
    group_auto_replies: {
      tenant_id: string;
      id: string;
      group_id: string | null;
      pool_id: string | null;
      keyword: string;
      match: 'exact' | 'contains';
      reply_text: string;
      enabled: Generated<boolean>;
      created_at: Generated<Date>;
    };
    group_broadcasts: {
      tenant_id: string;
      id: string;
      name: string;
      text: string;
      status: Generated<'scheduled' | 'running' | 'done' | 'cancelled'>;
      send_at: Date;
      created_by: string;
      created_at: Generated<Date>;
      finished_at: Date | null;
    };
    group_broadcast_targets: {
      tenant_id: string;
      broadcast_id: string;
      group_id: string;
      status: Generated<'pending' | 'deferred' | 'sending' | 'sent' | 'skipped' | 'failed'>;
      reason: string | null;
      send_at: Date;
      attempt_id: string | null;
      wecom_msgid: string | null;
      sent_at: Date | null;
    };
    group_message_counters: {
      tenant_id: string;
      group_id: string;
      period: string;
      count: Generated<number>;
    };
  }
}

export {};
