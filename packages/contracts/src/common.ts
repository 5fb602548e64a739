import { z } from 'zod';

/** RFC 9457 problem details, as every Hearth error is returned. */
export const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  code: z.string().describe('Stable machine-readable error code, e.g. VALIDATION_FAILED'),
  detail: z.string().optional(),
  instance: z.string().optional(),
  request_id: z.string().optional(),
  errors: z
    .array(z.object({ field: z.string(), code: z.string(), message: z.string() }))
    .optional()
    .describe('For validation errors: one entry per offending field (dotted path)'),
});
export type Problem = z.infer<typeof problemSchema>;

export const paginationQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
});

export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({ data: z.array(item), next_cursor: z.string().nullable() });
}

export const uuidSchema = z.uuid();
export const idParamsSchema = z.object({ id: z.uuid() });
