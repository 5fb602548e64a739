import { z } from 'zod';

const instant = z.iso.datetime({ offset: true });
const place = z.string().trim().min(1).max(40);

export const codeBatchInputSchema = z.object({
  sku: z.string().trim().min(1).max(64),
  name: z.string().trim().max(100).default(''),
  quantity: z.number().int().min(1).max(1_000_000).describe('Codes to generate; large batches are written by a job in chunks'),
  points_per_claim: z.number().int().min(0).max(100_000).default(0).describe('Points for the first member who scans a code'),
  warranty_months: z.number().int().min(1).max(120).nullish().describe('Warranty a scan can register; none: no warranty'),
});

export const codeBatchSchema = z.object({
  id: z.uuid(),
  sku: z.string(),
  product_name: z.string().nullable(),
  name: z.string(),
  quantity: z.number().int(),
  generated: z.number().int().describe('Codes written so far; the CSV is complete when this equals quantity'),
  status: z.enum(['created', 'activated', 'deactivated']),
  activated_codes: z.number().int(),
  points_per_claim: z.number().int(),
  warranty_months: z.number().int().nullable(),
  activated_at: instant.nullable(),
  deactivated_at: instant.nullable(),
  created_at: instant,
});
export type CodeBatch = z.infer<typeof codeBatchSchema>;

export const batchActivationSchema = z
  .object({
    from_seq: z.number().int().min(1).optional().describe('Activate only codes from this position in the CSV …'),
    to_seq: z.number().int().min(1).optional().describe('… to this one (inclusive); neither: the whole batch'),
  })
  .refine((r) => (r.from_seq === undefined) === (r.to_seq === undefined), { message: 'give both from_seq and to_seq, or neither', path: ['to_seq'] })
  .refine((r) => r.from_seq === undefined || r.to_seq! >= r.from_seq, { message: 'to_seq is before from_seq', path: ['to_seq'] });

export const scanInputSchema = z.object({
  code: z.string().trim().min(1).max(40),
  province: place.optional().describe('Where the scanner is, as the client knows it; never finer than a city'),
  city: place.optional(),
});
export const publicScanInputSchema = scanInputSchema.extend({ brand: z.string().trim().min(1).max(64).describe('The brand’s public slug') });

export const scanResultSchema = z.object({
  result: z.enum(['unknown', 'inactive', 'genuine']).describe('unknown: no such code; inactive: not shipped or withdrawn; genuine'),
  code: z.string(),
  product: z.object({ sku: z.string(), name: z.string() }).nullable(),
  scan_count: z.number().int(),
  first_scanned_at: instant.nullable(),
  first_province: z.string().nullable(),
  first_city: z.string().nullable(),
  warranty_months: z.number().int().nullable(),
});

export const memberScanResultSchema = scanResultSchema.extend({
  claim: z.enum(['claimed', 'already_yours', 'claimed_by_other', 'not_eligible']).describe('claimed: this scan earned the points'),
  points_awarded: z.number().int(),
  warranty: z.object({ id: z.uuid(), expires_on: z.string() }).nullable(),
});

export const codeFlagSchema = z.object({
  id: z.uuid(),
  kind: z.enum(['member_burst', 'distant_scans', 'inactive_batch', 'second_claimer']),
  code: z.string().nullable(),
  member_id: z.uuid().nullable(),
  member_no: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  created_at: instant,
});
export const codeFlagQuerySchema = z.object({
  kind: codeFlagSchema.shape.kind.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.uuid().optional(),
});

export const warrantyInputSchema = z.object({
  purchase_date: z.iso.date(),
  store_id: z.uuid().optional(),
  store_name: z.string().trim().min(1).max(100).optional().describe('Where it was bought, when not one of the brand’s stores'),
});
export const warrantySchema = z.object({
  id: z.uuid(),
  code: z.string(),
  sku: z.string(),
  purchase_date: z.string(),
  store_id: z.uuid().nullable(),
  store_name: z.string().nullable(),
  expires_on: z.string(),
  created_at: instant,
});

/** The console's look at one code (no scan is recorded): its batch, scans, claim, flag and warranty. */
export const codeLookupSchema = z.object({
  code: z.string(),
  result: z.enum(['inactive', 'genuine']).describe('What a scan would answer now'),
  batch: codeBatchSchema.pick({ id: true, sku: true, product_name: true, name: true, status: true }),
  seq: z.number().int().describe('Position in the printer’s CSV'),
  activated_at: instant.nullable(),
  scan_count: z.number().int(),
  first_scanned_at: instant.nullable(),
  first_province: z.string().nullable(),
  first_city: z.string().nullable(),
  last_scanned_at: instant.nullable(),
  last_province: z.string().nullable(),
  claimed_by: z.uuid().nullable().describe('The member who scanned it first while signed in'),
  claimed_by_no: z.string().nullable().describe('Their member number'),
  claimed_at: instant.nullable(),
  flagged: z.boolean(),
  warranty: warrantySchema.extend({ member_id: z.uuid() }).nullable(),
  scans: z.array(z.object({ id: z.uuid(), result: scanResultSchema.shape.result, member_id: z.uuid().nullable(), member_no: z.string().nullable(), province: z.string().nullable(), city: z.string().nullable(), scanned_at: instant })).describe('The latest 20 scans, newest first'),
});
export type CodeLookup = z.infer<typeof codeLookupSchema>;

export const deskWarrantySchema = warrantySchema.extend({ member_id: z.uuid(), member_no: z.string().nullable() });
export type DeskWarranty = z.infer<typeof deskWarrantySchema>;
export const warrantyQuerySchema = z.object({
  member_id: z.uuid().optional(),
  sku: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.uuid().optional(),
});

export const itemCodeSettingsSchema = z.object({
  member_daily_scans: z.number().int().min(1).max(10_000).default(20),
  distant_minutes: z.number().int().min(1).max(10_080).default(180),
  qr_base_url: z.url({ protocol: /^https?$/ }).max(300).nullable().default(null),
});
