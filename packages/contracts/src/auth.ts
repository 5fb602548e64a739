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
