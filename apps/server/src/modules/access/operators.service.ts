import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { Operator, Role } from '@hearth/contracts/auth';
import { isUniqueViolation } from '../../db/errors.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { AppError, notFound } from '../../http/errors.ts';
import { decodeCursor, toPage } from '../../http/pagination.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { rolePermissions, type Permission } from './permissions.ts';
import { hashPassword } from './secrets.ts';

const columns = ['id', 'email', 'name', 'role', 'status', 'last_login_at', 'created_at'] as const;

export async function listOperators(deps: AppDeps, ctx: RequestContext, query: { limit: number; cursor?: string }) {
  const before = decodeCursor(query.cursor);
  let q = deps.db.selectFrom('operators').select(columns).where('tenant_id', '=', ctx.tenantId).orderBy('id', 'desc').limit(query.limit + 1);
  if (before) q = q.where('id', '<', before);
  const page = toPage(await q.execute(), query.limit);
  return { data: page.data.map(serializeOperator), next_cursor: page.next_cursor };
}

/**
 * Active operators whose role grants a permission, by name (id and name only): who a ticket or a task can be given
 * to, for pickers of users who may not list operators themselves.
 */
export async function activeOperatorsWith(deps: AppDeps, ctx: RequestContext, permission: Permission): Promise<{ id: string; name: string }[]> {
  const roles = (Object.keys(rolePermissions) as Role[]).filter((role) => rolePermissions[role].includes(permission));
  if (!roles.length) return [];
  return deps.db.selectFrom('operators').select(['id', 'name']).where('tenant_id', '=', ctx.tenantId).where('status', '=', 'active').where('role', 'in', roles).orderBy('name').orderBy('id').execute();
}

/** One operator of the tenant as other modules may see it (no secrets), or null: for assignment and attribution checks. */
export async function findOperatorAccount(deps: AppDeps, ctx: RequestContext, id: string): Promise<Operator | null> {
  const row = await deps.db.selectFrom('operators').select(columns).where('tenant_id', '=', ctx.tenantId).where('id', '=', id).executeTakeFirst();
  return row ? serializeOperator(row) : null;
}

export async function createOperatorAccount(
  deps: AppDeps,
  ctx: RequestContext,
  input: { email: string; name: string; role: Role; password: string },
): Promise<Operator> {
  assertMayGrant(ctx, input.role);
  const passwordHash = await hashPassword(input.password);
  return withTransaction(deps.db, async (trx) => {
    const row = await trx
      .insertInto('operators')
      .values({
        tenant_id: ctx.tenantId,
        id: uuidv7(),
        email: input.email,
        name: input.name,
        role: input.role,
        password_hash: passwordHash,
        locked_until: null,
        last_login_at: null,
      })
      .returning(columns)
      .executeTakeFirstOrThrow()
      .catch((error: unknown) => {
        if (isUniqueViolation(error, 'operators_email_key')) {
          throw new AppError('CONFLICT', `An operator with email ${input.email} exists`, {
            errors: [{ field: 'email', code: 'taken', message: 'already used by another operator' }],
          });
        }
        throw error;
      });
    await recordAudit(trx, ctx, { action: 'operator.create', resourceType: 'operator', resourceId: row.id, details: { email: row.email, role: row.role } });
    return serializeOperator(row);
  });
}

export async function updateOperatorAccount(
  deps: AppDeps,
  ctx: RequestContext,
  id: string,
  changes: { name?: string; role?: Role; status?: 'active' | 'disabled'; password?: string },
): Promise<Operator> {
  if (changes.role) assertMayGrant(ctx, changes.role);
  if (id === ctx.actor.id && (changes.role || changes.status === 'disabled')) {
    throw new AppError('FORBIDDEN', 'You cannot change your own role or disable yourself');
  }
  const passwordHash = changes.password ? await hashPassword(changes.password) : undefined;
  return withTransaction(deps.db, async (trx) => {
    const before = await trx.selectFrom('operators').select(['role']).where('tenant_id', '=', ctx.tenantId).where('id', '=', id).executeTakeFirst();
    if (!before) throw notFound('Operator');
    // Only an owner may change another owner, so an admin cannot take over the tenant.
    if (before.role === 'owner') assertMayGrant(ctx, 'owner');
    const row = await trx
      .updateTable('operators')
      .set({
        ...(changes.name !== undefined && { name: changes.name }),
        ...(changes.role !== undefined && { role: changes.role }),
        ...(changes.status !== undefined && { status: changes.status }),
        ...(passwordHash !== undefined && { password_hash: passwordHash, failed_logins: 0, locked_until: null }),
        updated_at: sql`now()`,
      })
      .where('tenant_id', '=', ctx.tenantId)
      .where('id', '=', id)
      .returning(columns)
      .executeTakeFirstOrThrow();
    if (passwordHash || changes.status === 'disabled' || changes.role) {
      await trx.deleteFrom('operator_sessions').where('tenant_id', '=', ctx.tenantId).where('operator_id', '=', id).execute();
    }
    const changed = Object.keys(changes).filter((k) => changes[k as keyof typeof changes] !== undefined);
    await recordAudit(trx, ctx, { action: 'operator.update', resourceType: 'operator', resourceId: id, details: { changed } });
    return serializeOperator(row);
  });
}

function assertMayGrant(ctx: RequestContext, role: Role) {
  if (role === 'owner' && ctx.actor.role !== 'owner') throw new AppError('FORBIDDEN', 'Only an owner may grant or change the owner role');
}

export async function getTenantSettings(deps: AppDeps, ctx: RequestContext) {
  const row = await deps.db.selectFrom('tenants').selectAll().where('id', '=', ctx.tenantId).executeTakeFirstOrThrow();
  return serializeTenant(row);
}

export async function updateTenantSettings(deps: AppDeps, ctx: RequestContext, changes: { name?: string; time_zone?: string; locale?: string }) {
  return withTransaction(deps.db, async (trx) => {
    const row = await trx
      .updateTable('tenants')
      .set({ ...changes, updated_at: sql`now()` })
      .where('id', '=', ctx.tenantId)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, ctx, { action: 'tenant.update', resourceType: 'tenant', resourceId: ctx.tenantId, details: changes });
    return serializeTenant(row);
  });
}

function serializeTenant(row: { id: string; slug: string; name: string; time_zone: string; locale: string; created_at: Date }) {
  return { id: row.id, slug: row.slug, name: row.name, time_zone: row.time_zone, locale: row.locale, created_at: row.created_at.toISOString() };
}

function serializeOperator(row: { id: string; email: string; name: string; role: string; status: 'active' | 'disabled'; last_login_at: Date | null; created_at: Date }): Operator {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role as Role,
    status: row.status,
    last_login_at: row.last_login_at?.toISOString() ?? null,
    created_at: row.created_at.toISOString(),
  };
}

/** Names of some operators (for lists other modules show). */
export async function operatorNames(db: AppDeps['db'], tenantId: string, ids: readonly string[]): Promise<Map<string, { name: string; email: string }>> {
  if (!ids.length) return new Map();
  const rows = await db.selectFrom('operators').select(['id', 'name', 'email']).where('tenant_id', '=', tenantId).where('id', 'in', [...ids]).execute();
  return new Map(rows.map((r) => [r.id, { name: r.name, email: r.email }]));
}
