import { compileErrors, validate as validateOpenApi } from '@readme/openapi-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestTenant, type TestApp, type TestTenant } from '../test/app.ts';

describe('platform HTTP conventions', () => {
  let t: TestApp;
  let a: TestTenant;
  beforeAll(async () => {
    t = await createTestApp({ env: { HEARTH_RATE_LIMIT_PER_MINUTE: '5' } });
    a = await createTestTenant(t.deps);
  });
  afterAll(() => t.close());

  it('reports liveness and readiness', async () => {
    expect((await t.app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    const ready = await t.app.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready' });
  });

  it('echoes X-Request-Id, or makes one', async () => {
    expect((await t.app.inject({ url: '/healthz', headers: { 'x-request-id': 'abc-123' } })).headers['x-request-id']).toBe('abc-123');
    expect((await t.app.inject({ url: '/healthz' })).headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('publishes an OpenAPI 3.1 document that passes a validator', async () => {
    const response = await t.app.inject({ url: '/api/v1/openapi.json' });
    expect(response.statusCode).toBe(200);
    const document = response.json();
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/api/v1/stores', '/api/v1/stores/{id}', '/api/v1/jobs', '/api/v1/audit-log']));
    const result = await validateOpenApi(structuredClone(document));
    expect(result.valid, result.valid ? '' : compileErrors(result)).toBe(true);
    expect((await t.app.inject({ url: '/api/docs/' })).statusCode).toBe(200);
  });

  it('answers unknown routes and malformed JSON with problem+json', async () => {
    const missing = await t.app.inject({ url: '/api/v1/nothing-here', headers: a.auth });
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['content-type']).toMatch(/problem\+json/);
    const malformed = await t.app.inject({
      method: 'POST',
      url: '/api/v1/stores',
      headers: { ...a.auth, 'content-type': 'application/json' },
      payload: '{"code": ',
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().code).toBe('BAD_REQUEST');
    const wrongId = await t.app.inject({ url: '/api/v1/stores/not-a-uuid', headers: a.auth });
    expect(wrongId.statusCode).toBe(400);
    expect(wrongId.json().errors[0].field).toBe('params.id');
  });

  it('rate-limits per API key with a problem+json 429', async () => {
    const other = await createTestTenant(t.deps);
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await t.app.inject({ url: '/api/v1/stores', headers: other.auth })).statusCode);
    expect(statuses.filter((s) => s === 200)).toHaveLength(5);
    const limited = await t.app.inject({ url: '/api/v1/stores', headers: other.auth });
    expect(limited.statusCode).toBe(429);
    expect(limited.json().code).toBe('RATE_LIMITED');
    // Another key has its own budget.
    const fresh = await createTestTenant(t.deps);
    expect((await t.app.inject({ url: '/api/v1/stores', headers: fresh.auth })).statusCode).toBe(200);
  });
});
