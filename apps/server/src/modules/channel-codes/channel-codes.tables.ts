import type { Generated } from 'kysely';
import type { Json } from '../../db/schema.ts';

// Table types of the channel-codes module, merged into the database type.
declare module '../../db/schema.ts' {
  interface DB {
    channel_codes: {
      tenant_id: string;
      id: string;
      name: string;
      source_kind: 'store' | 'staff' | 'campaign' | 'partner';
      source_ref: string | null;
      campaign: string | null;
      target_kind: 'official_account' | 'wecom_contact' | 'group' | 'member_center';
      staff_user_ids: Json<string[]>;
      group_ref: string | null;
      landing_path: string | null;
      oa_qr_url: string | null;
      wecom_config_id: string | null;
      wecom_qr_url: string | null;
      peer_key: string;
      status: Generated<'active' | 'archived'>;
      created_at: Date;
    };
    channel_code_touches: {
      tenant_id: string;
      id: string;
      code_id: string;
      kind: 'scan' | 'follow' | 'register' | 'first_order';
      subject: string;
      member_id: string | null;
      order_id: string | null;
      occurred_at: Date;
    };
    channel_code_attributions: {
      tenant_id: string;
      member_id: string;
      code_id: string;
      attributed_at: Date;
      registered: Generated<boolean>;
      first_order_id: string | null;
    };
  }
}
