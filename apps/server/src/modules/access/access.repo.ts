import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';

export function findTenantBySlug(db: Db, slug: string) {
  return db.selectFrom('tenants').selectAll().where('slug', '=', slug).executeTakeFirst();
}

export function findTenant(db: Db, id: string) {
  return db.selectFrom('tenants').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findOperatorByEmail(db: Db, tenantId: string, email: string) {
  return db
    .selectFrom('operators')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where(sql`lower(email)`, '=', email.toLowerCase())
    .executeTakeFirst();
}

export function findOperator(db: Db, tenantId: string, id: string) {
  return db.selectFrom('operators').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
}

/** Counts a failed login; locks the operator once the count reaches maxFailures. */
export function recordLoginFailure(db: Db, tenantId: string, id: string, maxFailures: number, lockMinutes: number) {
  return db
    .updateTable('operators')
    .set({
      failed_logins: sql`failed_logins + 1`,
      locked_until: sql`case when failed_logins + 1 >= ${maxFailures}
        then now() + make_interval(mins => ${lockMinutes}) else locked_until end`,
    })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .returning(['failed_logins', 'locked_until'])
    .executeTakeFirstOrThrow();
}

export function recordLoginSuccess(db: Db, tenantId: string, id: string) {
  return db
    .updateTable('operators')
    .set({ failed_logins: 0, locked_until: null, last_login_at: sql`now()` })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .execute();
}

/** The session with its operator and tenant, if the token is live. */
export function findLiveSession(db: Db, tokenHash: string) {
  return db
    .selectFrom('operator_sessions as s')
    .innerJoin('operators as o', (join) => join.onRef('o.tenant_id', '=', 's.tenant_id').onRef('o.id', '=', 's.operator_id'))
    .innerJoin('tenants as t', 't.id', 's.tenant_id')
    .select(['s.tenant_id', 's.id as session_id', 'o.id as operator_id', 'o.email', 'o.role', 'o.status', 't.status as tenant_status'])
    .where('s.token_hash', '=', tokenHash)
    .where('s.expires_at', '>', sql<Date>`now()`)
    .executeTakeFirst();
}

export function findApiKeyByHash(db: Db, keyHash: string) {
  return db
    .selectFrom('api_keys as k')
    .innerJoin('tenants as t', 't.id', 'k.tenant_id')
    .select(['k.tenant_id', 'k.id', 'k.name', 'k.prefix', 'k.scopes', 'k.revoked_at', 't.status as tenant_status'])
    .where('k.key_hash', '=', keyHash)
    .executeTakeFirst();
}

export function touchApiKey(db: Db, tenantId: string, id: string) {
  return db
    .updateTable('api_keys')
    .set({ last_used_at: sql`now()` })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .execute();
}

const apiKeyColumns = ['id', 'name', 'prefix', 'scopes', 'created_by', 'created_at', 'last_used_at', 'revoked_at'] as const;

export function listApiKeys(db: Db, tenantId: string, limit: number, before?: string) {
  let q = db
    .selectFrom('api_keys')
    .select(apiKeyColumns)
    .where('tenant_id', '=', tenantId)
    .orderBy('id', 'desc')
    .limit(limit + 1);
  if (before) q = q.where('id', '<', before);
  return q.execute();
}

export function findApiKey(db: Db, tenantId: string, id: string) {
  return db.selectFrom('api_keys').select(apiKeyColumns).where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
}
