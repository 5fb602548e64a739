import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSRF_HEADER } from '@hearth/contracts/auth';
import { createOperatorAccount } from '../modules/access/operators.service.ts';
import { createTestApp, createTestTenant, type TestApp, type TestTenant } from '../test/app.ts';

describe('authentication and permissions', () => {
  let t: TestApp;
  let a: TestTenant;
  beforeAll(async () => {
    t = await createTestApp({ env: { HEARTH_AUTH_CACHE_SECONDS: '0' } });
    a = await createTestTenant(t.deps);
  });
  afterAll(() => t.close());

  const login = (email: string, password: string, tenant = a.slug) =>
    t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { tenant, email, password } });
  const cookieOf = (response: { cookies: { name: string; value: string }[] }) =>
    `hearth_session=${response.cookies.find((c) => c.name === 'hearth_session')!.value}`;

  it('refuses requests without credentials', async () => {
    const response = await t.app.inject({ url: '/api/v1/stores' });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ code: 'UNAUTHENTICATED', status: 401 });
    expect((await t.app.inject({ url: '/api/v1/stores', headers: { authorization: 'Bearer hk_nope' } })).statusCode).toBe(401);
  });

  it('signs an operator in with a session cookie and answers /auth/me', async () => {
    const response = await login(a.ownerEmail.toUpperCase(), a.ownerPassword);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ operator: { email: a.ownerEmail, role: 'owner' }, tenant: { slug: a.slug, time_zone: 'Asia/Shanghai' } });
    const cookie = response.cookies.find((c) => c.name === 'hearth_session')!;
    expect(cookie.httpOnly).toBe(true);
    const me = await t.app.inject({ url: '/api/v1/auth/me', headers: { cookie: cookieOf(response) } });
    expect(me.json().permissions).toContain('stores:write');
    const logout = await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { cookie: cookieOf(response) } });
    expect(logout.statusCode).toBe(204);
    expect((await t.app.inject({ url: '/api/v1/auth/me', headers: { cookie: cookieOf(response) } })).statusCode).toBe(401);
  });

  it('requires the CSRF header on cookie-authenticated writes', async () => {
    const cookie = cookieOf(await login(a.ownerEmail, a.ownerPassword));
    const without = await t.app.inject({ method: 'POST', url: '/api/v1/stores', headers: { cookie }, payload: { code: 'C1', name: '店' } });
    expect(without.statusCode).toBe(403);
    expect(without.json().code).toBe('CSRF_HEADER_MISSING');
    const withHeader = await t.app.inject({ method: 'POST', url: '/api/v1/stores', headers: { cookie, [CSRF_HEADER]: '1' }, payload: { code: 'C1', name: '店' } });
    expect(withHeader.statusCode).toBe(201);
  });

  it('gives the same answer for an unknown email and a wrong password, and throttles repeated failures', async () => {
    await createOperatorAccount(t.deps, a.ctx, { email: 'victim@brand.test', name: '店员', password: 'right password', role: 'operator' });
    const unknown = await login('nobody@brand.test', 'whatever');
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json().code).toBe('INVALID_CREDENTIALS');
    for (let i = 0; i < 4; i++) expect((await login('victim@brand.test', 'wrong')).json().code).toBe('INVALID_CREDENTIALS');
    const locked = await login('victim@brand.test', 'wrong');
    expect(locked.statusCode).toBe(429);
    expect(locked.json().code).toBe('LOGIN_THROTTLED');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    // Even the right password is refused while locked.
    expect((await login('victim@brand.test', 'right password')).statusCode).toBe(429);
  });

  it('answers 403 when the role lacks the permission', async () => {
    await createOperatorAccount(t.deps, a.ctx, { email: 'analyst@brand.test', name: '分析师', password: 'analyst password', role: 'analyst' });
    const cookie = cookieOf(await login('analyst@brand.test', 'analyst password'));
    expect((await t.app.inject({ url: '/api/v1/stores', headers: { cookie } })).statusCode).toBe(200);
    const write = await t.app.inject({ method: 'POST', url: '/api/v1/stores', headers: { cookie, [CSRF_HEADER]: '1' }, payload: { code: 'A1', name: '店' } });
    expect(write.statusCode).toBe(403);
    expect(write.json()).toMatchObject({ code: 'FORBIDDEN', detail: expect.stringContaining('stores:write') });
  });

  it('limits an API key to its scopes, and a revoked key gets 401', async () => {
    const created = await t.app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: a.auth, payload: { name: 'POS 只读', scopes: ['stores:read'] } });
    expect(created.statusCode).toBe(201);
    const key = created.json();
    expect(key.secret).toMatch(/^hk_/);
    expect(key.prefix).toBe(key.secret.slice(0, 10));
    const readOnly = { authorization: `Bearer ${key.secret}` };
    expect((await t.app.inject({ url: '/api/v1/stores', headers: readOnly })).statusCode).toBe(200);
    const write = await t.app.inject({ method: 'POST', url: '/api/v1/stores', headers: readOnly, payload: { code: 'K1', name: '店' } });
    expect(write.statusCode).toBe(403);

    const listed = (await t.app.inject({ url: '/api/v1/api-keys', headers: a.auth })).json().data;
    expect(listed.find((k: { id: string }) => k.id === key.id)).not.toHaveProperty('secret');
    const stored = await t.deps.db.selectFrom('api_keys').select('key_hash').where('id', '=', key.id).executeTakeFirstOrThrow();
    expect(stored.key_hash).not.toContain(key.secret);

    expect((await t.app.inject({ method: 'DELETE', url: `/api/v1/api-keys/${key.id}`, headers: a.auth })).statusCode).toBe(204);
    const revoked = await t.app.inject({ url: '/api/v1/stores', headers: readOnly });
    expect(revoked.statusCode).toBe(401);
    expect(revoked.json().code).toBe('API_KEY_REVOKED');
  });

  it('refuses to mint a key with scopes the caller does not hold or that do not exist', async () => {
    const narrow = (await t.app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: a.auth, payload: { name: 'narrow', scopes: ['api_keys:manage'] } })).json();
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/api-keys',
      headers: { authorization: `Bearer ${narrow.secret}` },
      payload: { name: 'wider', scopes: ['stores:write', 'bogus:scope'] },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors.map((e: { code: string }) => e.code).sort()).toEqual(['scope_not_held', 'unknown_scope']);
  });

  it("cannot revoke another tenant's key", async () => {
    const b = await createTestTenant(t.deps);
    const keyOfB = (await t.app.inject({ url: '/api/v1/api-keys', headers: b.auth })).json().data[0];
    expect((await t.app.inject({ method: 'DELETE', url: `/api/v1/api-keys/${keyOfB.id}`, headers: a.auth })).statusCode).toBe(404);
    expect((await t.app.inject({ url: '/api/v1/stores', headers: b.auth })).statusCode).toBe(200);
  });
});
