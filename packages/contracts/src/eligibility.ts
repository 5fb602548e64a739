import { z } from 'zod';

/**
 * Who may receive a partner benefit, buy early or enter a ballot. Every list is optional; a member qualifies
 * when any given criterion matches (paid membership, one of the plans, tiers, segments or tags). An empty
 * object admits every active member.
 */
export const eligibilitySchema = z
  .object({
    paid_members: z.boolean().optional().describe('Any member holding a paid membership now'),
    plan_ids: z.array(z.uuid()).max(50).optional().describe('Members holding one of these paid plans'),
    tier_ids: z.array(z.uuid()).max(50).optional().describe('Members at one of these tiers (any ladder)'),
    segment_ids: z.array(z.uuid()).max(50).optional(),
    tag_ids: z.array(z.uuid()).max(50).optional(),
  })
  .strict();
export type Eligibility = z.infer<typeof eligibilitySchema>;
