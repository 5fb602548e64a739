import { z } from 'zod';

export const roles = ['owner', 'admin', 'operator', 'analyst', 'store_staff'] as const;
export const roleSchema = z.enum(roles);
export type Role = z.infer<typeof roleSchema>;

export const loginRequestSchema = z.object({
  tenant: z.string().min(1).max(64).describe('Tenant slug, e.g. "demo"'),
  email: z.email().max(254),
  password: z.string().min(1).max(200),
});
export type LoginRequest = z.infer<typeof loginRequestSchema>;

export const sessionInfoSchema = z.object({
  operator: z.object({ id: z.uuid(), email: z.string(), name: z.string(), role: roleSchema }),
  tenant: z.object({
    id: z.uuid(),
    slug: z.string(),
    name: z.string(),
    time_zone: z.string(),
    locale: z.string(),
  }),
  permissions: z.array(z.string()),
});
export type SessionInfo = z.infer<typeof sessionInfoSchema>;

/** Cookie-authenticated writes must carry this header (CSRF defence: forces a CORS preflight). */
export const CSRF_HEADER = 'x-hearth-csrf';

export const operatorSchema = z.object({
  id: z.uuid(),
  email: z.string(),
  name: z.string(),
  role: roleSchema,
  status: z.enum(['active', 'disabled']),
  last_login_at: z.string().nullable(),
  created_at: z.string(),
});
export type Operator = z.infer<typeof operatorSchema>;

const passwordSchema = z.string().min(10, 'at least 10 characters').max(200);

export const operatorCreateSchema = z.object({
  email: z.email().max(254),
  name: z.string().trim().min(1).max(100),
  role: roleSchema,
  password: passwordSchema,
});

export const operatorUpdateSchema = z.object({
  name: z.string().trim().min(1).max(100).optional(),
  role: roleSchema.optional(),
  status: z.enum(['active', 'disabled']).optional(),
  password: passwordSchema.optional().describe('Sets a new password and signs the operator out everywhere'),
});

export const tenantSchema = z.object({
  id: z.uuid(),
  slug: z.string(),
  name: z.string(),
  time_zone: z.string(),
  locale: z.string(),
  created_at: z.string(),
});

export const tenantUpdateSchema = z.object({
  name: z.string().trim().min(1).max(100).optional(),
  time_zone: z
    .string()
    .refine((zone) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: zone });
        return true;
      } catch {
        return false;
      }
    }, 'not an IANA time zone')
    .optional(),
  locale: z.enum(['zh-CN', 'en']).optional(),
});
