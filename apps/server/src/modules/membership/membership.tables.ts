import type { Generated } from 'kysely';
import type { PlanPeriod } from './periods.ts';
import type { SubscriptionStatus } from './transitions.ts';

export type ProviderName = 'offline' | 'wechat';
export type PaymentStatus = 'pending' | 'paid' | 'closed' | 'late' | 'refunded';

// Table types of the membership module, merged into the database type.
declare module '../../db/schema.ts' {
  interface DB {
    membership_settings: {
      tenant_id: string;
      full_refund_days: Generated<number>;
      grace_days: Generated<number>;
      reminder_days: Generated<number>;
      query_after_minutes: Generated<number>;
      payment_timeout_minutes: Generated<number>;
      updated_at: Generated<Date>;
    };
    membership_plans: {
      tenant_id: string;
      id: string;
      name: string;
      description: string | null;
      price_fen: number;
      period: PlanPeriod;
      trial_days: Generated<number>;
      auto_renew_allowed: Generated<boolean>;
      benefit_ids: Generated<string[]>;
      upgrade_to: Generated<string[]>;
      status: Generated<'active' | 'inactive'>;
      created_at: Generated<Date>;
      updated_at: Generated<Date>;
    };
    membership_subscriptions: {
      tenant_id: string;
      member_id: string;
      id: string;
      plan_id: string;
      status: SubscriptionStatus;
      auto_renew: boolean;
      provider: ProviderName;
      trial_ends_at: Date | null;
      anchor_at: Date | null;
      periods_paid: number;
      current_period_start: Date;
      current_period_end: Date;
      period_value_fen: number;
      grace_ends_at: Date | null;
      canceled_at: Date | null;
      ended_at: Date | null;
      created_at: Generated<Date>;
      updated_at: Generated<Date>;
    };
    membership_transitions: {
      tenant_id: string;
      member_id: string;
      id: string;
      subscription_id: string;
      from_status: SubscriptionStatus | null;
      to_status: SubscriptionStatus;
      reason: string;
      payment_id: string | null;
      actor: string;
      at: Date;
    };
    membership_payments: {
      tenant_id: string;
      member_id: string;
      id: string;
      out_trade_no: string;
      subscription_id: string | null;
      plan_id: string;
      kind: 'purchase' | 'renewal' | 'upgrade';
      provider: ProviderName;
      amount_fen: number;
      credit_fen: Generated<number>;
      status: PaymentStatus;
      payer_openid: string | null;
      prepay_id: string | null;
      provider_txn_id: string | null;
      for_period_end: Date | null;
      refunded_fen: Generated<number>;
      paid_at: Date | null;
      closed_at: Date | null;
      last_queried_at: Date | null;
      notes: Generated<unknown>;
      created_at: Generated<Date>;
      updated_at: Generated<Date>;
    };
    membership_refunds: {
      tenant_id: string;
      member_id: string;
      id: string;
      out_refund_no: string;
      payment_id: string;
      subscription_id: string;
      amount_fen: number;
      policy: 'full' | 'pro_rata';
      status: 'pending' | 'processing' | 'succeeded' | 'failed';
      provider_refund_id: string | null;
      reason: string | null;
      last_error: string | null;
      created_at: Generated<Date>;
      updated_at: Generated<Date>;
    };
    membership_renewal_reminders: {
      tenant_id: string;
      member_id: string;
      subscription_id: string;
      period_end: Date;
      sent_at: Generated<Date>;
    };
    membership_provider_configs: {
      tenant_id: string;
      provider: 'wechat';
      mchid: string;
      appid: string;
      merchant_serial: string;
      private_key_sealed: string;
      api_v3_key_sealed: string;
      platform_serial: string;
      platform_public_key: string;
      base_url: Generated<string>;
      notify_base_url: string;
      updated_at: Generated<Date>;
    };
  }
}
