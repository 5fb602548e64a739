import type { Generated } from 'kysely';

// Table types of the referrals module, merged into the database type.
declare module '../../db/schema.ts' {
  interface DB {
    referral_settings: { tenant_id: string; settings: unknown; updated_at: Generated<Date> };
    referral_codes: { tenant_id: string; member_id: string; code: string; created_at: Generated<Date> };
    referral_visits: { tenant_id: string; member_id: string; kind: 'share' | 'click'; day: string; visitor_hash: string; created_at: Date };
    referrals: {
      tenant_id: string;
      member_id: string;
      referrer_id: string;
      status: 'joined' | 'ordered' | 'rewarded' | 'canceled' | 'pending_review' | 'rejected';
      flags: Generated<unknown>;
      device_hash: string | null;
      address_hash: string | null;
      joined_at: Date;
      order_id: string | null;
      qualifies_at: Date | null;
      rewarded_at: Date | null;
      reviewed_by: string | null;
      reviewed_at: Date | null;
      review_note: string | null;
    };
    referral_rewards: {
      tenant_id: string;
      referral_member_id: string;
      side: 'referrer' | 'referee';
      member_id: string;
      status: 'fulfilled' | 'failed' | 'limited';
      reward_month: string;
      points: Generated<number>;
      coupon_id: string | null;
      error: string | null;
      created_at: Date;
    };
  }
}
