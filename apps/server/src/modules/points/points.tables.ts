import type { Generated } from 'kysely';

// Table types of the points module, merged into the database type.
declare module '../../db/schema.ts' {
  interface DB {
    points_settings: {
      tenant_id: string;
      fen_per_100_points: Generated<number>;
      pending_days: Generated<number>;
      expiry: Generated<unknown>;
      clawback_policy: Generated<'negative_balance' | 'other_lots' | 'loss'>;
      max_cash_share_pct: Generated<number>;
      hold_minutes: Generated<number>;
      reminder_days: Generated<number[]>;
      updated_at: Generated<Date>;
    };
    earning_rule_versions: {
      tenant_id: string;
      version: number;
      effective_from: Date;
      rules: unknown;
      note: string | null;
      created_by: string | null;
      created_at: Generated<Date>;
    };
    points_accounts: {
      tenant_id: string;
      member_id: string;
      balance: Generated<number>;
      debt: Generated<number>;
      held: Generated<number>;
      lifetime_earned: Generated<number>;
      lifetime_spent: Generated<number>;
      updated_at: Generated<Date>;
    };
    points_transactions: {
      tenant_id: string;
      member_id: string;
      id: string;
      kind: PointsTransactionKind;
      points: number;
      source_key: string | null;
      order_id: string | null;
      refund_id: string | null;
      redemption_id: string | null;
      business_day: string | null;
      details: unknown;
      actor: string | null;
      created_at: Generated<Date>;
    };
    points_postings: {
      tenant_id: string;
      member_id: string;
      txn_id: string;
      account: LedgerAccount;
      partner: Generated<string>;
      amount: number;
    };
    points_lots: {
      tenant_id: string;
      member_id: string;
      id: string;
      txn_id: string;
      order_id: string | null;
      amount: number;
      remaining: number;
      earned_at: Date;
      available_at: Date;
      expires_at: Date | null;
      expired_points: Generated<number>;
      expired_txn_id: string | null;
    };
    points_lot_moves: {
      tenant_id: string;
      member_id: string;
      txn_id: string;
      lot_id: string;
      amount: number;
    };
    rewards: {
      tenant_id: string;
      id: string;
      name: string;
      description: string | null;
      points_price: number;
      stock: number | null;
      status: Generated<'active' | 'inactive'>;
      created_at: Generated<Date>;
      updated_at: Generated<Date>;
    };
    points_redemptions: {
      tenant_id: string;
      member_id: string;
      id: string;
      external_id: string;
      content_hash: string;
      kind: 'cash' | 'reward';
      status: 'held' | 'captured' | 'canceled' | 'expired';
      points: number;
      value_fen: number;
      order_total_fen: number | null;
      reward_id: string | null;
      quantity: number;
      store_id: string | null;
      hold_txn_id: string | null;
      hold_expires_at: Date | null;
      created_at: Generated<Date>;
      updated_at: Generated<Date>;
    };
    points_expiry_reminders: {
      tenant_id: string;
      member_id: string;
      expires_on: string;
      days_before: number;
      points: number;
      sent_at: Generated<Date>;
    };
  }
}

export type PointsTransactionKind = 'earn' | 'clawback' | 'hold' | 'capture' | 'release' | 'spend' | 'expire' | 'adjust';
export type LedgerAccount = 'member' | 'held' | 'issued' | 'redeemed' | 'expired' | 'adjusted' | 'loss' | 'partner';
