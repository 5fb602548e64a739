import type { Generated } from 'kysely';

// Table types of the member-days module, merged into the database type.
declare module '../../db/schema.ts' {
  interface DB {
    member_days: {
      tenant_id: string;
      id: string;
      name: string;
      description: string | null;
      schedule: unknown;
      start_date: string;
      end_date: string | null;
      active: Generated<boolean>;
      points_multiplier_bp: Generated<number>;
      coupon_pack: Generated<unknown>;
      member_price_ids: Generated<unknown>;
      skus: Generated<unknown>;
      eligibility: Generated<unknown>;
      reminder_lead_hours: number | null;
      reminder_template_id: string | null;
      created_at: Generated<Date>;
      updated_at: Generated<Date>;
    };
    member_day_occurrences: {
      tenant_id: string;
      member_day_id: string;
      day: string;
      starts_at: Date;
      ends_at: Date;
      started_at: Date | null;
      reminded_at: Date | null;
    };
    member_day_reminders: {
      tenant_id: string;
      member_id: string;
      member_day_id: string;
      day: string;
      delivery_id: string | null;
      reminded_at: Generated<Date>;
    };
  }
}

export {};
