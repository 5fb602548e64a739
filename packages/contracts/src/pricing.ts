import { z } from 'zod';
import { eligibilitySchema } from './eligibility.ts';
import { fenSchema, skuSchema } from './products.ts';

const instant = z.iso.datetime({ offset: true });

export const memberPriceInputSchema = z
  .object({
    sku: skuSchema,
    audience: z.enum(['tier', 'plan']).describe('tier: a tier of any ladder; plan: a paid plan'),
    audience_id: z.uuid().describe('The tier id or plan id'),
    price_fen: fenSchema,
    effective_from: instant.optional().describe('Default: now'),
    effective_until: instant.nullish(),
  })
  .refine((p) => !p.effective_until || !p.effective_from || Date.parse(p.effective_until) > Date.parse(p.effective_from), { message: 'ends before it starts', path: ['effective_until'] });

export const memberPriceSchema = z.object({
  id: z.uuid(),
  sku: z.string(),
  audience: z.enum(['tier', 'plan']),
  audience_id: z.uuid(),
  audience_name: z.string().nullable(),
  price_fen: z.number().int(),
  effective_from: z.string(),
  effective_until: z.string().nullable(),
  created_at: z.string(),
});
export type MemberPrice = z.infer<typeof memberPriceSchema>;

export const quoteInputSchema = z.object({
  member_id: z.uuid(),
  lines: z.array(z.object({ sku: skuSchema, qty: z.number().int().min(1).max(10_000) })).min(1).max(200),
  at: instant.optional().describe('Price as of this instant (default now)'),
});

export const priceSourceSchema = z.object({
  kind: z.enum(['list', 'tier', 'plan']),
  id: z.uuid().nullable().describe('The tier or plan'),
  name: z.string().nullable(),
  price_id: z.uuid().nullable(),
});

export const quoteSchema = z.object({
  member_id: z.uuid(),
  at: z.string(),
  lines: z.array(
    z.object({
      sku: z.string(),
      qty: z.number().int(),
      list_price_fen: z.number().int(),
      member_price_fen: z.number().int().describe('The lowest unit price the member is entitled to (the list price when none is lower)'),
      source: priceSourceSchema,
      saving_fen: z.number().int().describe('(list − member price) × qty'),
    }),
  ),
  list_total_fen: z.number().int(),
  member_total_fen: z.number().int(),
  saving_fen: z.number().int(),
});
export type Quote = z.infer<typeof quoteSchema>;

export const launchInputSchema = z.object({
  name: z.string().trim().min(1).max(100),
  sku: skuSchema,
  quantity: z.number().int().min(1).max(10_000_000),
  opens_at: instant.describe('When everyone may buy'),
  closes_at: instant.nullish(),
  early_hours: z.number().int().min(0).max(720).default(0).describe('The early audience may buy this many hours before opens_at'),
  early_eligibility: eligibilitySchema.default({ paid_members: true }).describe('Who buys early (default: paid members)'),
  per_member_limit: z.number().int().min(1).max(100).default(1),
  benefit_ref: z.string().trim().max(100).nullish().describe('Opaque reference, e.g. a priority-purchase benefit'),
});

export const launchSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  sku: z.string(),
  quantity: z.number().int(),
  reserved: z.number().int(),
  remaining: z.number().int(),
  opens_at: z.string(),
  early_opens_at: z.string(),
  closes_at: z.string().nullable(),
  early_hours: z.number().int(),
  early_eligibility: eligibilitySchema,
  per_member_limit: z.number().int(),
  benefit_ref: z.string().nullable(),
  created_at: z.string(),
});

export const availabilitySchema = z.object({
  launch_id: z.uuid(),
  member_id: z.uuid(),
  may_buy_now: z.boolean(),
  opens_for_member_at: z.string().describe('When this member may start buying'),
  early_access: z.boolean(),
  reason: z.enum(['ok', 'not_open_yet', 'closed', 'sold_out', 'limit_reached']),
  remaining: z.number().int(),
  purchased: z.number().int(),
  per_member_limit: z.number().int(),
});

export const reservationSchema = z.object({ id: z.uuid(), launch_id: z.uuid(), member_id: z.uuid(), sku: z.string(), seq: z.number().int(), early: z.boolean(), created_at: z.string() });

export const ballotInputSchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    sku: skuSchema,
    quantity: z.number().int().min(1).max(1_000_000),
    eligibility: eligibilitySchema.default({}),
    entry_opens_at: instant,
    entry_closes_at: instant,
    benefit_ref: z.string().trim().max(100).nullish(),
  })
  .refine((b) => Date.parse(b.entry_closes_at) > Date.parse(b.entry_opens_at), { message: 'closes before it opens', path: ['entry_closes_at'] });

export const ballotSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  sku: z.string(),
  quantity: z.number().int(),
  eligibility: eligibilitySchema,
  entry_opens_at: z.string(),
  entry_closes_at: z.string(),
  seed_hash: z.string().describe('SHA-256 of the seed, published before the draw'),
  seed: z.string().nullable().describe('Revealed after the draw'),
  status: z.enum(['open', 'drawn']),
  entries: z.number().int(),
  winners: z.number().int(),
  drawn_at: z.string().nullable(),
  benefit_ref: z.string().nullable(),
  created_at: z.string(),
});

export const ballotEntrySchema = z.object({ ballot_id: z.uuid(), member_id: z.uuid(), member_no: z.string(), result: z.enum(['pending', 'won', 'lost']), rank: z.number().int().nullable(), created_at: z.string() });

export const verificationSchema = z.object({
  ballot_id: z.uuid(),
  quantity: z.number().int(),
  seed: z.string(),
  seed_hash: z.string(),
  algorithm: z.string(),
  entries: z.array(z.object({ entrant_id: z.uuid(), member_no: z.string() })).describe('Every entry, sorted by entrant_id'),
  winners: z.array(z.uuid()).describe('entrant_ids in rank order'),
});

export type Launch = z.infer<typeof launchSchema>;
export type Ballot = z.infer<typeof ballotSchema>;
export type BallotVerification = z.infer<typeof verificationSchema>;
