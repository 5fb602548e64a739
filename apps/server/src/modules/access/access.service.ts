import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { Role, SessionInfo } from '@hearth/contracts/auth';
import type { Db } from '../../db/database.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { Actor, AppDeps, RequestContext } from '../../deps.ts';
import { AppError, notFound } from '../../http/errors.ts';
import { decodeCursor, toPage } from '../../http/pagination.ts';
import { recordAudit } from '../audit/audit.service.ts';
import * as repo from './access.repo.ts';
import { isPermission, rolePermissions } from './permissions.ts';
import { dummyPasswordHash, hashPassword, hashToken, randomToken, verifyPassword } from './secrets.ts';

export interface NewTenant {
  slug: string;
  name: string;
  timeZone?: string;
  owner: { email: string; name: string; password: string };
}

/** Creates a tenant with its owner operator (first start, tests, and later a signup flow). */
export async function createTenant(db: Db, input: NewTenant) {
  const passwordHash = await hashPassword(input.owner.password);
  return withTransaction(db, async (trx) => {
    const tenant = await trx
      .insertInto('tenants')
      .values({ id: uuidv7(), slug: input.slug, name: input.name, time_zone: input.timeZone ?? 'Asia/Shanghai' })
      .returningAll()
      .executeTakeFirstOrThrow();
    const owner = await trx
      .insertInto('operators')
      .values({
        tenant_id: tenant.id,
        id: uuidv7(),
        email: input.owner.email,
        name: input.owner.name,
        role: 'owner',
        password_hash: passwordHash,
        locked_until: null,
        last_login_at: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return { tenant, owner };
  });
}

/** An active tenant by its slug, for sign-ins that name their brand (the member center); undefined otherwise. */
export async function findActiveTenant(db: Db, slug: string) {
  const tenant = await repo.findTenantBySlug(db, slug);
  return tenant && tenant.status === 'active' ? { id: tenant.id, slug: tenant.slug, name: tenant.name, time_zone: tenant.time_zone, locale: tenant.locale } : undefined;
}

export async function findActiveTenantById(db: Db, id: string) {
  const tenant = await repo.findTenant(db, id);
  return tenant && tenant.status === 'active' ? { id: tenant.id, slug: tenant.slug, name: tenant.name, time_zone: tenant.time_zone, locale: tenant.locale } : undefined;
}

export interface LoginInput {
  tenant: string;
  email: string;
  password: string;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
}

/** Checks the password, throttling repeated failures per operator; returns a new session token. */
export async function login(deps: AppDeps, input: LoginInput): Promise<{ token: string; expiresAt: Date; info: SessionInfo }> {
  const invalid = () => new AppError('INVALID_CREDENTIALS', 'The brand, email or password is not correct');
  const tenant = await repo.findTenantBySlug(deps.db, input.tenant);
  const operator = tenant ? await repo.findOperatorByEmail(deps.db, tenant.id, input.email) : undefined;
  if (!tenant || !operator || tenant.status !== 'active' || operator.status !== 'active') {
    await verifyPassword(input.password, dummyPasswordHash);
    throw invalid();
  }
  if (operator.locked_until && operator.locked_until > deps.clock.now()) throw throttled(operator.locked_until, deps);
  if (!(await verifyPassword(input.password, operator.password_hash))) {
    const { locked_until } = await withTransaction(deps.db, async (trx) => {
      const counted = await repo.recordLoginFailure(trx, tenant.id, operator.id, deps.config.login.maxFailures, deps.config.login.lockMinutes);
      await recordAudit(trx, { tenantId: tenant.id, actor: operatorActor(operator), requestId: input.requestId, ip: input.ip }, {
        action: 'operator.login_failed',
        resourceType: 'operator',
        resourceId: operator.id,
        details: { failed_logins: counted.failed_logins },
      });
      return counted;
    });
    if (locked_until && locked_until > deps.clock.now()) throw throttled(locked_until, deps);
    throw invalid();
  }
  const token = `hs_${randomToken(40)}`;
  const expiresAt = new Date(deps.clock.now().getTime() + deps.config.login.sessionHours * 3_600_000);
  await withTransaction(deps.db, async (trx) => {
    await repo.recordLoginSuccess(trx, tenant.id, operator.id);
    await trx
      .insertInto('operator_sessions')
      .values({
        tenant_id: tenant.id,
        id: uuidv7(),
        token_hash: hashToken(token),
        operator_id: operator.id,
        expires_at: expiresAt,
        ip: input.ip,
        user_agent: input.userAgent?.slice(0, 300) ?? null,
      })
      .execute();
    const actor = operatorActor(operator);
    await recordAudit(trx, { tenantId: tenant.id, actor, requestId: input.requestId, ip: input.ip }, {
      action: 'operator.login',
      resourceType: 'operator',
      resourceId: operator.id,
    });
  });
  return { token, expiresAt, info: await sessionInfo(deps, tenant.id, operator.id) };
}

function throttled(until: Date, deps: AppDeps) {
  const seconds = Math.max(1, Math.ceil((until.getTime() - deps.clock.now().getTime()) / 1000));
  return new AppError('LOGIN_THROTTLED', `Too many failed attempts; try again in ${Math.ceil(seconds / 60)} minutes`, {
    headers: { 'retry-after': String(seconds) },
  });
}

export async function logout(deps: AppDeps, token: string, request: { requestId: string | null; ip: string | null }): Promise<void> {
  await withTransaction(deps.db, async (trx) => {
    const session = await trx
      .deleteFrom('operator_sessions')
      .where('token_hash', '=', hashToken(token))
      .returning(['tenant_id', 'operator_id'])
      .executeTakeFirst();
    if (!session) return;
    const operator = await repo.findOperator(trx, session.tenant_id, session.operator_id);
    if (!operator) return;
    await recordAudit(trx, { tenantId: session.tenant_id, actor: operatorActor(operator), ...request }, {
      action: 'operator.logout',
      resourceType: 'operator',
      resourceId: operator.id,
    });
  });
}

export async function sessionInfo(deps: AppDeps, tenantId: string, operatorId: string): Promise<SessionInfo> {
  const tenant = await repo.findTenant(deps.db, tenantId);
  const operator = await repo.findOperator(deps.db, tenantId, operatorId);
  if (!tenant || !operator) throw notFound('Operator');
  return {
    operator: { id: operator.id, email: operator.email, name: operator.name, role: operator.role as Role },
    tenant: { id: tenant.id, slug: tenant.slug, name: tenant.name, time_zone: tenant.time_zone, locale: tenant.locale },
    permissions: [...rolePermissions[operator.role as Role]],
  };
}

export interface Principal {
  tenantId: string;
  actor: Actor;
}

function operatorActor(operator: { id: string; email: string; role: string }): Actor {
  const role = operator.role as Role;
  return { type: 'operator', id: operator.id, label: operator.email, role, permissions: new Set(rolePermissions[role]) };
}

/** Resolves a session cookie token; undefined when unknown or expired. */
export async function authenticateSession(db: Db, token: string): Promise<Principal | undefined> {
  const row = await repo.findLiveSession(db, hashToken(token));
  if (!row || row.status !== 'active' || row.tenant_status !== 'active') return undefined;
  return { tenantId: row.tenant_id, actor: operatorActor({ id: row.operator_id, email: row.email, role: row.role }) };
}

/** Resolves a bearer API key. Throws for a revoked key so the client learns why. */
export async function authenticateApiKey(db: Db, token: string): Promise<Principal | undefined> {
  const row = await repo.findApiKeyByHash(db, hashToken(token));
  if (!row || row.tenant_status !== 'active') return undefined;
  if (row.revoked_at) throw new AppError('API_KEY_REVOKED', 'This API key has been revoked');
  return {
    tenantId: row.tenant_id,
    actor: {
      type: 'api_key',
      id: row.id,
      label: `${row.name} (${row.prefix}…)`,
      role: null,
      permissions: new Set(row.scopes.filter(isPermission)),
    },
  };
}

export function markApiKeyUsed(db: Db, tenantId: string, id: string) {
  return repo.touchApiKey(db, tenantId, id);
}

export interface NewApiKey {
  name: string;
  scopes: string[];
  /** Only for the demo key configured through HEARTH_DEMO_API_KEY. */
  secret?: string;
}

/** Creates an API key; the secret is returned once and only its hash is stored. */
export async function createApiKey(deps: AppDeps, ctx: RequestContext, input: NewApiKey) {
  const unknown = input.scopes.filter((s) => !isPermission(s));
  const beyond = input.scopes.filter((s) => isPermission(s) && !ctx.actor.permissions.has(s));
  if (unknown.length || beyond.length) {
    throw new AppError('VALIDATION_FAILED', 'Some scopes are not allowed', {
      errors: [
        ...unknown.map((s) => ({ field: 'scopes', code: 'unknown_scope', message: `unknown scope ${s}` })),
        ...beyond.map((s) => ({ field: 'scopes', code: 'scope_not_held', message: `you do not hold ${s}` })),
      ],
    });
  }
  const secret = input.secret ?? `hk_${randomToken(40)}`;
  const id = uuidv7();
  return withTransaction(deps.db, async (trx) => {
    const row = await trx
      .insertInto('api_keys')
      .values({
        tenant_id: ctx.tenantId,
        id,
        name: input.name,
        prefix: secret.slice(0, 10),
        key_hash: hashToken(secret),
        scopes: input.scopes,
        created_by: ctx.actor.label,
        last_used_at: null,
        revoked_at: null,
      })
      .returning(['id', 'name', 'prefix', 'scopes', 'created_by', 'created_at', 'last_used_at', 'revoked_at'])
      .executeTakeFirstOrThrow();
    await recordAudit(trx, ctx, { action: 'api_key.create', resourceType: 'api_key', resourceId: id, details: { name: input.name, scopes: input.scopes } });
    return { ...serializeApiKey(row), secret };
  });
}

export async function listApiKeys(deps: AppDeps, ctx: RequestContext, query: { limit: number; cursor?: string }) {
  const rows = await repo.listApiKeys(deps.db, ctx.tenantId, query.limit, decodeCursor(query.cursor));
  const page = toPage(rows, query.limit);
  return { data: page.data.map(serializeApiKey), next_cursor: page.next_cursor };
}

export async function revokeApiKey(deps: AppDeps, ctx: RequestContext, id: string): Promise<void> {
  await withTransaction(deps.db, async (trx) => {
    const revoked = await trx
      .updateTable('api_keys')
      .set({ revoked_at: sql`coalesce(revoked_at, now())` })
      .where('tenant_id', '=', ctx.tenantId)
      .where('id', '=', id)
      .returning('id')
      .executeTakeFirst();
    if (!revoked) throw notFound('API key');
    await recordAudit(trx, ctx, { action: 'api_key.revoke', resourceType: 'api_key', resourceId: id });
  });
}

type ApiKeyRow = NonNullable<Awaited<ReturnType<typeof repo.findApiKey>>>;

function serializeApiKey(row: ApiKeyRow) {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes,
    created_by: row.created_by,
    created_at: row.created_at.toISOString(),
    last_used_at: row.last_used_at?.toISOString() ?? null,
    revoked_at: row.revoked_at?.toISOString() ?? null,
  };
}

