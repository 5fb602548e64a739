import type { Generated } from 'kysely';

// Table types of the events module, merged into the database type.
declare module '../../db/schema.ts' {
  interface DB {
    events: {
      tenant_id: string;
      id: string;
      title: string;
      description: Generated<string>;
      location_kind: 'store' | 'online';
      store_id: string | null;
      address_note: string | null;
      online_url: string | null;
      starts_at: Date;
      ends_at: Date;
      cancel_deadline: Date;
      capacity: number;
      seats_taken: Generated<number>;
      waitlist_enabled: Generated<boolean>;
      waitlist_counter: Generated<number>;
      eligibility: Generated<unknown>;
      price_kind: 'free' | 'fen' | 'points';
      price_amount: Generated<number>;
      member_prices: Generated<unknown>;
      questions: Generated<unknown>;
      hold_minutes: Generated<number>;
      status: Generated<'draft' | 'published' | 'canceled'>;
      no_shows_marked_at: Date | null;
      created_at: Generated<Date>;
      updated_at: Generated<Date>;
    };
    event_registrations: {
      tenant_id: string;
      member_id: string;
      id: string;
      event_id: string;
      status: 'pending_payment' | 'registered' | 'waitlisted' | 'canceled' | 'expired';
      waitlist_seq: number | null;
      price_kind: 'free' | 'fen' | 'points';
      amount_fen: Generated<number>;
      points: Generated<number>;
      price_source: string | null;
      answers: Generated<unknown>;
      ticket_code: string;
      hold_expires_at: Date | null;
      provider: 'offline' | 'wechat' | null;
      out_trade_no: string | null;
      paid_at: Date | null;
      provider_txn_id: Generated<string | null>;
      points_txn_id: string | null;
      points_refunded: Generated<number>;
      refund_fen: Generated<number>;
      refund_status: 'processing' | 'succeeded' | 'failed' | null;
      checked_in_at: Date | null;
      checked_in_by: string | null;
      no_show: Generated<boolean>;
      reminded_at: Date | null;
      promoted_at: Date | null;
      canceled_at: Date | null;
      cancel_reason: string | null;
      created_at: Generated<Date>;
      updated_at: Generated<Date>;
    };
    event_feedback: {
      tenant_id: string;
      member_id: string;
      registration_id: string;
      event_id: string;
      nps: number;
      rating: number;
      comment: Generated<string>;
      created_at: Generated<Date>;
    };
    event_settings: {
      tenant_id: string;
      reminder_hours: Generated<number>;
      reminder_template_id: string | null;
      promoted_template_id: string | null;
      updated_at: Generated<Date>;
    };
  }
}
