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
  geofence_radius_m: z.number().int().min(20).max(5000).nullish().describe('Radius of the store’s geofence in metres; empty: the tenant’s default'),
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
  geofence_radius_m: z.number().int().nullable(),
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

/** Where a member is now, from the brand's app or mini program (or the member center), with their location consent. */
export const locationInputSchema = z.object({
  latitude: z.number().min(-90).max(90),
  longitude: z.number().min(-180).max(180),
  accuracy_m: z.number().min(0).max(5000).optional().describe('How far off the position may be; a fix worse than a store’s radius does not enter it'),
});

const nearStoreSchema = z.object({ store_id: z.uuid(), name: z.string(), distance_m: z.number().int(), radius_m: z.number().int() });

export const locationResultSchema = z.object({
  inside: z.array(nearStoreSchema).describe('Stores whose geofence the member is in, nearest first'),
  entered: z.array(z.uuid()).describe('Of those, the ones that fired geofence.entered now (outside their cooldown)'),
});

export const geofenceSettingsSchema = z.object({
  enabled: z.boolean(),
  default_radius_m: z.number().int().min(20).max(5000).describe('For stores without their own radius'),
  cooldown_minutes: z.number().int().min(1).max(43_200).describe('A member entering the same store again within this fires nothing'),
});
export type GeofenceSettings = z.infer<typeof geofenceSettingsSchema>;
