import { z } from 'zod';
import { fenSchema } from './products.ts';

const bp = z.number().int().min(0).max(10_000);
export const commissionLevelSchema = z.object({
  default_bp: bp.describe('Rate on what the line paid, in basis points'),
  categories: z.record(z.string().min(1).max(100), bp).default({}).describe('Rate by category (any level of the path); a SKU rate wins'),
  skus: z.record(z.string().min(1).max(64), bp).default({}),
});

// `levels` is checked in the service rather than with .max(2): a third level is a legal refusal with its own
// code (DISTRIBUTION_THIRD_LEVEL), not a malformed request.
export const distributionSettingsSchema = z.object({
  enabled: z.boolean().default(true),
  attribution_days: z.number().int().min(1).max(90).default(7).describe('An order counts for the promoter whose link the buyer opened within this many days'),
  return_window_days: z.number().int().min(0).max(90).default(7),
  min_withdrawal_fen: fenSchema.default(1000),
  auto_tier_ids: z.array(z.uuid()).max(20).default([]).describe('Members of these tiers are promoters without applying'),
  levels: z.array(commissionLevelSchema).min(1).max(10).default([{ default_bp: 0, categories: {}, skus: {} }]).describe('Level 1: the promoter whose link sold; level 2: their recruiter. At most two'),
});
export type DistributionSettings = z.infer<typeof distributionSettingsSchema>;

export const promoterSchema = z.object({
  member_id: z.uuid(),
  member_no: z.string().nullable(),
  code: z.string(),
  link: z.string(),
  recruiter_id: z.uuid().nullable(),
  recruiter_no: z.string().nullable().describe('Member number of the recruiter (the level-2 promoter above this one)'),
  status: z.enum(['applied', 'approved', 'rejected', 'suspended']),
  source: z.enum(['application', 'tier']),
  applied_at: z.string(),
  approved_at: z.string().nullable(),
});
export type Promoter = z.infer<typeof promoterSchema>;

export const applyInputSchema = z.object({ recruiter_code: z.string().trim().min(1).max(40).optional().describe('The code of the promoter who recruited me') });
export const apiApplyInputSchema = applyInputSchema.extend({ member_id: z.uuid() });
export const visitInputSchema = z.object({ code: z.string().trim().min(1).max(40) });

export const commissionSchema = z.object({
  id: z.uuid(),
  promoter_id: z.uuid(),
  promoter_no: z.string().nullable(),
  order_id: z.uuid(),
  level: z.number().int(),
  kind: z.enum(['accrual', 'reversal']),
  amount_fen: z.number().int(),
  status: z.enum(['pending', 'settled']),
  settles_at: z.string(),
  created_at: z.string(),
});

export const dashboardSchema = z.object({
  clicks: z.number().int(),
  orders: z.number().int(),
  pending_fen: z.number().int(),
  settled_fen: z.number().int().describe('Settled commission less reversals after settlement'),
  withdrawn_fen: z.number().int().describe('Withdrawals requested, approved or paid'),
  available_fen: z.number().int(),
});

export const myDashboardSchema = dashboardSchema.extend({ min_withdrawal_fen: z.number().int().describe('The smallest withdrawal the brand accepts') });

export const withdrawalInputSchema = z.object({ amount_fen: fenSchema.refine((v) => v > 0, 'must be positive') });
export const apiWithdrawalInputSchema = withdrawalInputSchema.extend({ member_id: z.uuid() });
export const withdrawalSchema = z.object({
  id: z.uuid(),
  promoter_id: z.uuid(),
  amount_fen: z.number().int(),
  status: z.enum(['requested', 'approved', 'paid', 'rejected']),
  payout_ref: z.string().nullable(),
  requested_at: z.string(),
  decided_at: z.string().nullable(),
  paid_at: z.string().nullable(),
});
/** A withdrawal as operators list it: with the promoter's member number. */
export const listedWithdrawalSchema = withdrawalSchema.extend({ promoter_no: z.string().nullable() });
export type ListedWithdrawal = z.infer<typeof listedWithdrawalSchema>;
export type Commission = z.infer<typeof commissionSchema>;
export type Dashboard = z.infer<typeof dashboardSchema>;
export type Withdrawal = z.infer<typeof withdrawalSchema>;

export const payoutInputSchema = z.object({ payout_ref: z.string().trim().min(1).max(100).describe('The transfer’s reference in the payment system') });
