import type { Generated } from 'kysely';
import type { Json } from '../../db/schema.ts';

// Table types of the messaging module, merged into the database type.
declare module '../../db/schema.ts' {
  interface DB {
    messaging_settings: {
      tenant_id: string;
      caps: Json<Record<string, { per_day: number | null; per_week: number | null }>>;
      quiet_enabled: Generated<boolean>;
      quiet_start: Generated<string>;
      quiet_end: Generated<string>;
      transactional_consent: Generated<'not_required' | 'unless_withdrawn' | 'required'>;
      click_tracking: Generated<boolean>;
      public_base_url: string | null;
      link_secret: string | null;
      updated_at: Generated<Date>;
    };
    message_channel_configs: {
      tenant_id: string;
      provider: string;
      settings: Json<Record<string, unknown>>;
      secrets_sealed: string | null;
      enabled: Generated<boolean>;
      updated_at: Generated<Date>;
    };
    message_templates: {
      tenant_id: string;
      id: string;
      name: string;
      channel: string;
      category: 'marketing' | 'transactional';
      bodies: Json<Record<string, unknown>>;
      variants: Json<unknown[]>;
      provider_template: string | null;
      sms_sign_name: string | null;
      status: Generated<'active' | 'archived'>;
      created_at: Generated<Date>;
      updated_at: Generated<Date>;
    };
    message_deliveries: {
      tenant_id: string;
      member_id: string;
      id: string;
      channel: string;
      template_id: string;
      variant: string | null;
      category: 'marketing' | 'transactional';
      source_kind: 'journey' | 'broadcast' | 'api' | 'system';
      source_id: string;
      dedupe_key: string;
      status: DeliveryStatus;
      reason: string | null;
      variables: Json<Record<string, unknown>>;
      rendered: Json<Record<string, unknown>> | null;
      send_at: Date;
      attempt_id: string | null;
      attempts: Generated<number>;
      provider_message_id: string | null;
      error: string | null;
      sending_at: Date | null;
      sent_at: Date | null;
      delivered_at: Date | null;
      failed_at: Date | null;
      clicked_at: Date | null;
      created_at: Generated<Date>;
      updated_at: Generated<Date>;
    };
    message_frequency_counters: { tenant_id: string; member_id: string; channel: string; period: string; count: number };
    message_inbox: { tenant_id: string; member_id: string; id: string; title: string; body: string; link: string | null; read_at: Date | null; created_at: Generated<Date> };
    web_push_subscriptions: { tenant_id: string; member_id: string; id: string; endpoint: string; p256dh: string; auth: string; created_at: Generated<Date> };
    wechat_access_tokens: { tenant_id: string; app_id: string; token_sealed: string; expires_at: Date };
    message_broadcasts: {
      tenant_id: string;
      id: string;
      name: string;
      segment_id: string;
      channel: string;
      category: 'marketing' | 'transactional';
      variants: Json<{ key: string; template_id: string; weight_bp: number }[]>;
      holdout_bp: number;
      send_at: Date;
      status: Generated<'scheduled' | 'running' | 'done' | 'canceled'>;
      cursor: string | null;
      processed: Generated<number>;
      queued: Generated<number>;
      delayed: Generated<number>;
      suppressed: Generated<number>;
      holdout: Generated<number>;
      created_by: string | null;
      created_at: Generated<Date>;
      finished_at: Date | null;
    };
    message_broadcast_holdouts: { tenant_id: string; member_id: string; broadcast_id: string; created_at: Generated<Date> };
  }
}

export type DeliveryStatus = 'queued' | 'delayed' | 'sending' | 'sent' | 'delivered' | 'failed' | 'bounced' | 'clicked' | 'suppressed';
