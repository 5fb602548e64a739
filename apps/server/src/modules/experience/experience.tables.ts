import type { Generated } from 'kysely';

// Table types of the experience-officer module, merged into the database type.
declare module '../../db/schema.ts' {
  interface DB {
    experience_settings: {
      tenant_id: string;
      weights: string | Record<string, number>;
      activity_full_orders: number;
      updated_at: Generated<Date>;
    };
    experience_programs: {
      tenant_id: string;
      id: string;
      name: string;
      description: string | null;
      sku: string;
      places: number;
      apply_from: Date;
      apply_until: Date;
      feedback_due_at: Date;
      eligibility: unknown;
      questionnaire: unknown;
      region_quotas: unknown;
      feedback_form: unknown;
      reward: unknown;
      late_policy: 'reward' | 'no_reward' | 'refuse';
      reminder_days: unknown;
      selected_message: unknown;
      status: Generated<'active' | 'archived'>;
      created_at: Generated<Date>;
      updated_at: Generated<Date>;
    };
    experience_applications: {
      tenant_id: string;
      member_id: string;
      id: string;
      program_id: string;
      province: string | null;
      answers: unknown;
      status: Generated<'applied' | 'selected' | 'not_selected'>;
      score: number;
      score_parts: unknown;
      scored_at: Date;
      selected_at: Date | null;
      address_recipient: string | null;
      address_phone: string | null;
      address_province: string | null;
      address_city: string | null;
      address_district: string | null;
      address_line: string | null;
      address_at: Date | null;
      carrier: string | null;
      tracking_no: string | null;
      shipped_at: Date | null;
      delivered_at: Date | null;
      created_at: Generated<Date>;
    };
    experience_feedback: {
      tenant_id: string;
      member_id: string;
      application_id: string;
      program_id: string;
      ratings: unknown;
      text: string;
      photo_urls: unknown;
      submitted_at: Date;
      late: boolean;
      quality: number;
      rewarded_at: Date | null;
      reward_ref: string | null;
      reward_error: Generated<string | null>;
    };
    experience_feedback_reminders: {
      tenant_id: string;
      member_id: string;
      application_id: string;
      days_before: number;
      sent_at: Date;
    };
    experience_member_quality: {
      tenant_id: string;
      member_id: string;
      feedback_count: number;
      quality_sum: number;
      quality_score: number;
      updated_at: Date;
    };
    experience_badges: {
      tenant_id: string;
      member_id: string;
      program_id: string;
      badge: string;
      awarded_at: Date;
    };
  }
}

export {};
