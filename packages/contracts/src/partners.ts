import { z } from 'zod';
import { eligibilitySchema } from './eligibility.ts';

export const partnerInputSchema = z.object({
  name: z.string().trim().min(1).max(100),
  industry: z.string().trim().max(50).nullish().describe('e.g. 影院, 洗车, 视频会员'),
  contact_name: z.string().trim().max(50).nullish(),
  contact_phone: z.string().trim().max(30).nullish(),
  contact_email: z.email().nullish(),
  settlement_terms: z.string().trim().max(2000).nullish().describe('The agreement in words: price per code, invoicing cycle'),
  callback_url: z.url({ protocol: /^https?$/ }).max(500).nullish().describe('Where callback benefits are POSTed, signed with the partner’s secret'),
});
export const partnerUpdateSchema = partnerInputSchema.partial().extend({ status: z.enum(['active', 'archived']).optional() });

export const partnerSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  industry: z.string().nullable(),
  contact_name: z.string().nullable(),
  contact_phone: z.string().nullable(),
  contact_email: z.string().nullable(),
  settlement_terms: z.string().nullable(),
  callback_url: z.string().nullable(),
  has_secret: z.boolean(),
  status: z.enum(['active', 'archived']),
  created_at: z.string(),
});
export type Partner = z.infer<typeof partnerSchema>;

export const partnerSecretSchema = z.object({ secret: z.string().describe('Shown once: the partner verifies our callbacks and signs its redemption reports with it') });

export const partnerBenefitKinds = ['code_pool', 'callback'] as const;
export const allocationPeriods = ['once', 'day', 'week', 'month', 'year'] as const;

export const partnerBenefitInputSchema = z.object({
  partner_id: z.uuid(),
  name: z.string().trim().min(1).max(100),
  description: z.string().trim().max(1000).nullish(),
  kind: z.enum(partnerBenefitKinds).describe('code_pool: one imported code per allocation; callback: the partner is called and answers'),
  period: z.enum(allocationPeriods).default('month').describe('One allocation per member per period (tenant’s calendar; ISO weeks)'),
  eligibility: eligibilitySchema.default({}),
  low_stock_threshold: z.number().int().min(0).max(1_000_000).default(0).describe('partner.pool_low once stock falls to this'),
  benefit_ref: z.string().trim().max(100).nullish().describe('Opaque reference, e.g. the benefit of the catalogue that offers it'),
});
export const partnerBenefitUpdateSchema = partnerBenefitInputSchema.omit({ partner_id: true, kind: true }).partial().extend({ status: z.enum(['active', 'paused']).optional() });

export const partnerBenefitSchema = z.object({
  id: z.uuid(),
  partner_id: z.uuid(),
  name: z.string(),
  description: z.string().nullable(),
  kind: z.enum(partnerBenefitKinds),
  period: z.enum(allocationPeriods),
  eligibility: eligibilitySchema,
  low_stock_threshold: z.number().int(),
  low_stock: z.boolean().describe('Stock is at or below the threshold'),
  stock: z.object({ total: z.number().int(), available: z.number().int(), allocated: z.number().int() }).nullable().describe('Code pools only'),
  benefit_ref: z.string().nullable(),
  status: z.enum(['active', 'paused']),
  created_at: z.string(),
});
export type PartnerBenefit = z.infer<typeof partnerBenefitSchema>;

export const codeImportSchema = z.object({
  id: z.uuid(),
  benefit_id: z.uuid(),
  file_name: z.string().nullable(),
  rows: z.number().int(),
  imported: z.number().int(),
  rejected: z.number().int(),
  errors: z.array(z.object({ line: z.number().int(), field: z.string(), code: z.string(), message: z.string() })).describe('duplicate_in_file, duplicate_in_pool, empty, too_long (first 1,000)'),
  created_at: z.string(),
});

export const poolCodeSchema = z.object({ id: z.uuid(), code: z.string().describe('Masked'), status: z.enum(['available', 'allocated']), allocated_at: z.string().nullable() });

export const allocationStatuses = ['allocated', 'pending', 'delivered', 'failed'] as const;
export const allocationSchema = z.object({
  id: z.uuid(),
  member_id: z.uuid(),
  benefit_id: z.uuid(),
  partner_id: z.uuid(),
  period_key: z.string(),
  code: z.string().nullable().describe('Full in the allocation answer and GET by id, masked in lists'),
  status: z.enum(allocationStatuses).describe('allocated (a code), pending (callback not yet answered), delivered, failed'),
  external_ref: z.string().nullable().describe('What the partner answered the callback with'),
  redeemed_at: z.string().nullable(),
  benefit_ref: z.string().nullable(),
  created_at: z.string(),
});
export type Allocation = z.infer<typeof allocationSchema>;

/** A partner benefit as the member center shows it: one the member may claim now, and what they claimed this period. */
export const myPartnerBenefitSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  description: z.string().nullable(),
  partner_name: z.string(),
  kind: z.enum(partnerBenefitKinds),
  period: z.enum(allocationPeriods),
  in_stock: z.boolean().describe('A code pool with a code left, or a callback benefit'),
  allocation: allocationSchema.nullable().describe('This period’s claim, with the full code'),
});
export type MyPartnerBenefit = z.infer<typeof myPartnerBenefitSchema>;

export const allocateInputSchema = z.object({
  member_id: z.uuid(),
  benefit_ref: z.string().trim().max(100).nullish().describe('Opaque reference kept with the allocation'),
});

export const redemptionReportSchema = z.object({
  redemptions: z
    .array(
      z
        .object({ allocation_id: z.uuid().optional(), code: z.string().trim().min(1).max(200).optional(), redeemed_at: z.iso.datetime({ offset: true }).optional() })
        .refine((r) => r.allocation_id || r.code, { message: 'give allocation_id or code', path: ['code'] }),
    )
    .min(1)
    .max(1000),
});
export const redemptionResultSchema = z.object({
  redeemed: z.number().int(),
  already: z.number().int(),
  unknown: z.array(z.object({ line: z.number().int(), field: z.string(), code: z.string(), message: z.string() })),
});

export const usageRowSchema = z.object({
  partner_id: z.uuid(),
  partner_name: z.string(),
  month: z.string().describe('YYYY-MM in the tenant’s zone'),
  allocations: z.number().int(),
  redemptions: z.number().int(),
});
