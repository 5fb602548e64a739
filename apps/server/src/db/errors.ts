/** True when a query failed on the named unique index (PostgreSQL error 23505). */
export function isUniqueViolation(error: unknown, constraint: string): boolean {
  if (!error || typeof error !== 'object') return false;
  const { code, constraint: failed } = error as { code?: string; constraint?: string };
  return code === '23505' && failed === constraint;
}
