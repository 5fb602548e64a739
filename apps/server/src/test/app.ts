import type { FastifyInstance } from 'fastify';
import { buildApp, type BuildAppOptions } from '../app.ts';
import type { AppDeps, Clock, RequestContext } from '../deps.ts';
import type { JobRegistry } from '../jobs/registry.ts';
import type { MemberHooks } from '../modules/members/member-hooks.ts';
import { createApiKey, createTenant } from '../modules/access/access.service.ts';
import { allPermissions, rolePermissions, type Permission } from '../modules/access/permissions.ts';
import { buildRegistries } from '../modules.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';
import { createTestDeps, testConfig } from './deps.ts';

export interface TestApp {
  app: FastifyInstance;
  deps: AppDeps;
  database: TestDatabase;
  close(): Promise<void>;
}

/** The real app on a fresh database, for app.inject(). */
export interface TestAppOptions {
  env?: Record<string, string>;
  jobs?: (registry: JobRegistry) => void;
  memberHooks?: (hooks: MemberHooks) => void;
  clock?: Clock;
  extraRoutes?: BuildAppOptions['extraRoutes'];
}

export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  const registries = buildRegistries();
  options.jobs?.(registries.jobs);
  options.memberHooks?.(registries.memberHooks);
  const deps = createTestDeps(database.db, { ...registries, clock: options.clock, config: testConfig(options.env) });
  const app = await buildApp(deps, { serveWebApps: false, logger: false, extraRoutes: options.extraRoutes });
  await app.ready();
  return {
    app,
    deps,
    database,
    close: async () => {
      await app.close();
      await database.close();
    },
  };
}

let tenantCounter = 0;

export interface TestTenant {
  tenantId: string;
  slug: string;
  ownerEmail: string;
  ownerPassword: string;
  apiKey: string;
  /** Headers that authenticate with the tenant's all-permission API key. */
  auth: { authorization: string };
  ctx: RequestContext;
}

/** A tenant with an owner (password "correct horse battery") and an API key with the given scopes. */
export async function createTestTenant(deps: AppDeps, options: { scopes?: Permission[] } = {}): Promise<TestTenant> {
  tenantCounter += 1;
  const slug = `t${tenantCounter}-${Math.random().toString(36).slice(2, 8)}`;
  const ownerPassword = 'correct horse battery';
  const { tenant, owner } = await createTenant(deps.db, {
    slug,
    name: `测试品牌 ${tenantCounter}`,
    owner: { email: `owner@${slug}.test`, name: '测试店长', password: ownerPassword },
  });
  const ctx: RequestContext = {
    tenantId: tenant.id,
    actor: { type: 'operator', id: owner.id, label: owner.email, role: 'owner', permissions: new Set(rolePermissions.owner) },
    requestId: null,
    ip: null,
  };
  const key = await createApiKey(deps, ctx, { name: 'test key', scopes: options.scopes ?? allPermissions });
  return {
    tenantId: tenant.id,
    slug,
    ownerEmail: owner.email,
    ownerPassword,
    apiKey: key.secret,
    auth: { authorization: `Bearer ${key.secret}` },
    ctx,
  };
}
