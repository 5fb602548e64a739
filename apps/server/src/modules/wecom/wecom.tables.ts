import type { Generated } from 'kysely';
import type { Json } from '../../db/schema.ts';

// Table types of the WeCom module, merged into the database type.
declare module '../../db/schema.ts' {
  interface DB {
    wecom_settings: {
      tenant_id: string;
      corp_id: string;
      secret_sealed: string;
      callback_token_sealed: string | null;
      encoding_aes_key_sealed: string | null;
      agent_id: string | null;
      enabled: Generated<boolean>;
      last_sync_at: Date | null;
      last_sync_status: 'running' | 'succeeded' | 'failed' | null;
      last_sync_error: string | null;
      last_sync_counts: Json<Record<string, number> | null>;
      created_at: Generated<Date>;
      updated_at: Generated<Date>;
    };
    wecom_access_tokens: {
      tenant_id: string;
      corp_id: string;
      token_sealed: string;
      expires_at: Date;
    };
    wecom_staff: {
      tenant_id: string;
      user_id: string;
      name: string;
      department_ids: Json<number[]>;
      status: Generated<number>;
      active: Generated<boolean>;
      operator_id: string | null;
      store_id: string | null;
      synced_at: Date;
    };
    wecom_contacts: {
      tenant_id: string;
      external_user_id: string;
      name: string | null;
      contact_type: Generated<number>;
      unionid: string | null;
      member_id: string | null;
      synced_at: Date;
    };
    wecom_follows: {
      tenant_id: string;
      external_user_id: string;
      staff_user_id: string;
      added_at: Date;
      state: string | null;
      removed_at: Date | null;
      removed_by: 'staff' | 'contact' | null;
    };
    wecom_groups: {
      tenant_id: string;
      chat_id: string;
      name: Generated<string>;
      owner_user_id: string;
      notice: string | null;
      status: Generated<'active' | 'dismissed'>;
      member_count: Generated<number>;
      wecom_created_at: Date | null;
      synced_at: Date;
    };
    wecom_group_members: {
      tenant_id: string;
      chat_id: string;
      user_id: string;
      member_type: number;
      name: string | null;
      unionid: string | null;
      member_id: string | null;
      joined_at: Date;
      join_scene: number | null;
      left_at: Date | null;
    };
    wecom_callback_receipts: {
      tenant_id: string;
      digest: string;
      received_at: Date;
    };
    wecom_message_tasks: {
      tenant_id: string;
      id: string;
      chat_type: 'single' | 'group';
      sender: string;
      member_id: string | null;
      external_user_ids: Json<string[]>;
      chat_ids: Json<string[]>;
      content: string;
      wecom_msgid: string | null;
      fail_list: Json<string[]>;
      dedupe_key: string | null;
      created_at: Date;
    };
  }
}
