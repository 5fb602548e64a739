import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestTenant, type TestApp, type TestTenant } from '../../test/app.ts';

describe('audit log', () => {
  let t: TestApp;
  let a: TestTenant;
  beforeAll(async () => {
    t = await createTestApp();
    a = await createTestTenant(t.deps);
  });
  afterAll(() => t.close());

  it('records every kind of write with who, what and the request id, and shows only the own tenant', async () => {
    let n = 0;
    const write = async (method: 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object, headers: Record<string, string> = a.auth) => {
      n += 1;
      const response = await t.app.inject({ method, url, payload, headers: { ...headers, 'x-request-id': `audit-${n}` } });
      expect(response.statusCode, `${method} ${url}: ${response.body}`).toBeLessThan(500);
      return response;
    };
    const store = (await write('POST', '/api/v1/stores', { code: 'A1', name: '审计店' })).json();
    await write('PATCH', `/api/v1/stores/${store.id}`, { name: '审计店二' });
    await write('DELETE', `/api/v1/stores/${store.id}`);
    const key = (await write('POST', '/api/v1/api-keys', { name: '审计', scopes: ['stores:read'] })).json();
    await write('DELETE', `/api/v1/api-keys/${key.id}`);
    const operator = (await write('POST', '/api/v1/operators', { email: 'audit@brand.test', name: '审计员', role: 'analyst', password: 'audit password 1' })).json();
    await write('PATCH', `/api/v1/operators/${operator.id}`, { name: '审计员二' });
    await write('PATCH', '/api/v1/tenant', { name: '审计品牌' });
    await write('POST', '/api/v1/auth/login', { tenant: a.slug, email: 'audit@brand.test', password: 'wrong password' }, {});
    const login = await write('POST', '/api/v1/auth/login', { tenant: a.slug, email: 'audit@brand.test', password: 'audit password 1' }, {});
    const cookie = `hearth_session=${login.cookies.find((c) => c.name === 'hearth_session')!.value}`;
    await write('POST', '/api/v1/auth/logout', undefined, { cookie });

    const rows = (await t.app.inject({ url: '/api/v1/audit-log?limit=100', headers: a.auth })).json().data;
    const byRequest = new Map(rows.map((row: { request_id: string }) => [row.request_id, row]));
    const expected = [
      'store.create',
      'store.update',
      'store.delete',
      'api_key.create',
      'api_key.revoke',
      'operator.create',
      'operator.update',
      'tenant.update',
      'operator.login_failed',
      'operator.login',
      'operator.logout',
    ];
    expected.forEach((action, i) => expect(byRequest.get(`audit-${i + 1}`), action).toMatchObject({ action }));
    expect(byRequest.get('audit-1')).toMatchObject({ actor_type: 'api_key', actor_id: expect.any(String), resource_id: store.id });
    expect(byRequest.get('audit-10')).toMatchObject({ actor_type: 'operator', actor_label: 'audit@brand.test' });

    const other = await createTestTenant(t.deps);
    const theirs = (await t.app.inject({ url: '/api/v1/audit-log?limit=100', headers: other.auth })).json().data;
    expect(theirs.filter((row: { request_id: string | null }) => row.request_id?.startsWith('audit-'))).toEqual([]);
  });
});
