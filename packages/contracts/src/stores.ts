import { z } from 'zod';

export const storeStatuses = ['active', 'inactive', 'closed'] as const;
export const storeStatusSchema = z.enum(storeStatuses);

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM');

export const openingHoursSchema = z
  .array(
    z.object({
      weekdays: z.array(z.number().int().min(1).max(7)).min(1).describe('ISO weekdays, 1 = Monday'),
      open: hhmm,
      close: hhmm.describe('May be earlier than open for hours past midnight'),
    }),
  )
  .max(14);

export const storeCodeSchema = z
  .string()
  .trim()
  .min(1)
  .max(32)
  .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, - and _ only');

export const storeInputSchema = z.object({
  code: storeCodeSchema,
  name: z.string().trim().min(1).max(100),
  province: z.string().trim().max(50).nullish(),
  city: z.string().trim().max(50).nullish(),
  district: z.string().trim().max(50).nullish(),
  address: z.string().trim().max(200).nullish(),
  latitude: z.number().min(-90).max(90).nullish(),
  longitude: z.number().min(-180).max(180).nullish(),
  phone: z
    .string()
    .trim()
    .regex(/^\+?[0-9][0-9 -]{4,19}$/, 'expected a phone number')
    .nullish(),
  opening_hours: openingHoursSchema.nullish(),
  status: storeStatusSchema.default('active'),
});
export type StoreInput = z.input<typeof storeInputSchema>;

export const storeCreateSchema = storeInputSchema;
export const storeUpdateSchema = storeInputSchema.partial().omit({ status: true }).extend({
  status: storeStatusSchema.optional(),
});
export type StoreUpdate = z.infer<typeof storeUpdateSchema>;

export const storeSchema = z.object({
  id: z.uuid(),
  code: z.string(),
  name: z.string(),
  province: z.string().nullable(),
  city: z.string().nullable(),
  district: z.string().nullable(),
  address: z.string().nullable(),
  latitude: z.number().nullable(),
  longitude: z.number().nullable(),
  phone: z.string().nullable(),
  opening_hours: openingHoursSchema.nullable(),
  status: storeStatusSchema,
  created_at: z.string(),
  updated_at: z.string(),
});
export type Store = z.infer<typeof storeSchema>;

export const storeListQuerySchema = z.object({
  q: z.string().trim().max(100).optional().describe('Matches code or name (substring)'),
  status: storeStatusSchema.optional(),
  province: z.string().max(50).optional(),
  city: z.string().max(50).optional(),
});

export const storeImportResultSchema = z.object({
  total_rows: z.number().int(),
  created: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  failed: z.number().int(),
  errors: z.array(
    z.object({ line: z.number().int(), field: z.string().nullable(), code: z.string(), message: z.string() }),
  ),
});
export type StoreImportResult = z.infer<typeof storeImportResultSchema>;
