import type { Generated } from 'kysely';

// Table types of the games module (lotteries, check-in), merged into the database type.
declare module '../../db/schema.ts' {
  interface DB {
    lotteries: {
      tenant_id: string;
      id: string;
      name: string;
      description: string | null;
      mode: 'instant' | 'scheduled';
      status: Generated<'open' | 'closed' | 'drawn'>;
      starts_at: Date;
      ends_at: Date;
      draw_at: Date | null;
      entry_cost_points: Generated<number>;
      daily_limit: number | null;
      total_limit: number | null;
      device_daily_limit: number | null;
      eligibility: Generated<unknown>;
      seed: string;
      seed_hash: string;
      entries_count: Generated<number>;
      drawn_at: Date | null;
      created_at: Generated<Date>;
    };
    lottery_prizes: {
      tenant_id: string;
      lottery_id: string;
      id: string;
      position: number;
      name: string;
      kind: PrizeKind;
      points: number | null;
      coupon_template_id: string | null;
      partner_benefit_id: string | null;
      probability_bp: number | null;
      stock: number | null;
      remaining: number | null;
      image_url: string | null;
    };
    lottery_entries: {
      tenant_id: string;
      member_id: string;
      id: string;
      lottery_id: string;
      seq: number;
      business_day: string;
      device_id: string | null;
      cost_points: Generated<number>;
      result: 'pending' | 'won' | 'lost';
      prize_id: string | null;
      created_at: Date;
    };
    lottery_wins: {
      tenant_id: string;
      member_id: string;
      id: string;
      lottery_id: string;
      entry_id: string;
      prize_id: string;
      kind: PrizeKind;
      status: WinStatus;
      fulfilment_ref: string | null;
      error: string | null;
      recipient_name: string | null;
      recipient_phone: string | null;
      address: string | null;
      carrier: string | null;
      tracking_no: string | null;
      shipped_at: Date | null;
      delivered_at: Date | null;
      created_at: Generated<Date>;
      updated_at: Generated<Date>;
    };
    checkin_settings: {
      tenant_id: string;
      enabled: Generated<boolean>;
      daily_points: Generated<number>;
      streak_rewards: Generated<unknown>;
      updated_at: Generated<Date>;
    };
    quizzes: {
      tenant_id: string;
      id: string;
      title: string;
      description: string | null;
      starts_at: Date;
      ends_at: Date;
      attempt_rule: 'daily' | 'once';
      pass_score: number;
      reward_kind: 'points' | 'coupon' | null;
      reward_points: number | null;
      reward_coupon_template_id: string | null;
      questions: unknown;
      status: Generated<'open' | 'closed'>;
      created_at: Date;
      updated_at: Date;
    };
    quiz_attempts: {
      tenant_id: string;
      member_id: string;
      id: string;
      quiz_id: string;
      period: string;
      answers: unknown;
      score: number;
      max_score: number;
      passed: boolean;
      created_at: Date;
    };
    quiz_rewards: {
      tenant_id: string;
      member_id: string;
      quiz_id: string;
      attempt_id: string;
      kind: 'points' | 'coupon';
      points: number | null;
      coupon_template_id: string | null;
      status: 'fulfilled' | 'failed';
      ref: string | null;
      error: string | null;
      created_at: Date;
    };
    checkins: {
      tenant_id: string;
      member_id: string;
      day: string;
      streak: number;
      rewards: Generated<unknown>;
      created_at: Date;
    };
  }
}

export type PrizeKind = 'points' | 'coupon' | 'partner_code' | 'physical';
export type WinStatus = 'pending' | 'fulfilled' | 'failed' | 'pending_address' | 'ready' | 'shipped' | 'delivered';
