import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSRF_HEADER } from '@hearth/contracts/auth';
import { createTestApp, createTestTenant, type TestApp, type TestTenant } from '../../test/app.ts';

describe('operators and tenant settings', () => {
  let t: TestApp;
  let a: TestTenant;
  beforeAll(async () => {
    t = await createTestApp({ env: { HEARTH_AUTH_CACHE_SECONDS: '0' } });
    a = await createTestTenant(t.deps);
  });
  afterAll(() => t.close());

  const sessionOf = async (email: string, password: string, tenant = a.slug) => {
    const response = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { tenant, email, password } });
    expect(response.statusCode).toBe(200);
    return { cookie: `hearth_session=${response.cookies.find((c) => c.name === 'hearth_session')!.value}`, [CSRF_HEADER]: '1' };
  };

  it('lets an owner create an admin, and keeps the owner role to owners', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/operators',
      headers: await sessionOf(a.ownerEmail, a.ownerPassword),
      payload: { email: 'admin@brand.test', name: '运营主管', role: 'admin', password: 'admin password 1' },
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).not.toHaveProperty('password_hash');
    const admin = await sessionOf('admin@brand.test', 'admin password 1');
    const grantOwner = await t.app.inject({
      method: 'POST',
      url: '/api/v1/operators',
      headers: admin,
      payload: { email: 'sneaky@brand.test', name: '某人', role: 'owner', password: 'owner password 1' },
    });
    expect(grantOwner.statusCode).toBe(403);
    const duplicate = await t.app.inject({
      method: 'POST',
      url: '/api/v1/operators',
      headers: admin,
      payload: { email: 'ADMIN@brand.test', name: '重复', role: 'operator', password: 'another password' },
    });
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.json().errors[0].field).toBe('email');
  });

  it('signs an operator out everywhere when the password is reset, and refuses self-disable', async () => {
    const owner = await sessionOf(a.ownerEmail, a.ownerPassword);
    const staff = (
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/operators',
        headers: owner,
        payload: { email: 'staff@brand.test', name: '店员小王', role: 'store_staff', password: 'staff password 1' },
      })
    ).json();
    const staffSession = await sessionOf('staff@brand.test', 'staff password 1');
    expect((await t.app.inject({ url: '/api/v1/auth/me', headers: staffSession })).statusCode).toBe(200);
    const reset = await t.app.inject({ method: 'PATCH', url: `/api/v1/operators/${staff.id}`, headers: owner, payload: { password: 'new staff password' } });
    expect(reset.statusCode).toBe(200);
    expect((await t.app.inject({ url: '/api/v1/auth/me', headers: staffSession })).statusCode).toBe(401);

    const me = (await t.app.inject({ url: '/api/v1/auth/me', headers: owner })).json();
    const selfDisable = await t.app.inject({ method: 'PATCH', url: `/api/v1/operators/${me.operator.id}`, headers: owner, payload: { status: 'disabled' } });
    expect(selfDisable.statusCode).toBe(403);

    const other = await createTestTenant(t.deps);
    const crossTenant = await t.app.inject({ method: 'PATCH', url: `/api/v1/operators/${staff.id}`, headers: other.auth, payload: { name: 'x' } });
    expect(crossTenant.statusCode).toBe(404);
    const audit = (await t.app.inject({ url: '/api/v1/audit-log?action=operator.update', headers: a.auth })).json().data;
    expect(audit[0]).toMatchObject({ resource_id: staff.id, details: { changed: ['password'] } });
  });

  it('changes the tenant time zone, refusing zones that do not exist', async () => {
    const bad = await t.app.inject({ method: 'PATCH', url: '/api/v1/tenant', headers: a.auth, payload: { time_zone: 'Mars/Olympus' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toBe('time_zone');
    const good = await t.app.inject({ method: 'PATCH', url: '/api/v1/tenant', headers: a.auth, payload: { time_zone: 'Asia/Hong_Kong' } });
    expect(good.json().time_zone).toBe('Asia/Hong_Kong');
    const analyst = await createTestTenant(t.deps, { scopes: ['stores:read'] });
    expect((await t.app.inject({ method: 'PATCH', url: '/api/v1/tenant', headers: analyst.auth, payload: { name: 'x' } })).statusCode).toBe(403);
  });
});
