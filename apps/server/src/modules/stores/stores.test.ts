import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestTenant, type TestApp, type TestTenant } from '../../test/app.ts';

const validStore = { code: 'SH001', name: '上海静安寺店', city: '上海市', latitude: 31.22, longitude: 121.44 };

describe('stores API', () => {
  let t: TestApp;
  let a: TestTenant;
  let b: TestTenant;
  const received: string[] = [];

  beforeAll(async () => {
    t = await createTestApp({
      jobs: (registry) => {
        registry.define({ name: 'test.store-listener', handler: async ({ payload }) => void received.push(JSON.stringify(payload)) });
        registry.subscribe('store.created', 'test.store-listener');
      },
    });
    a = await createTestTenant(t.deps);
    b = await createTestTenant(t.deps);
  });
  afterAll(() => t.close());

  const post = (tenant: TestTenant, url: string, payload: unknown, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'POST', url, payload: payload as object, headers: { ...tenant.auth, ...headers } });

  it('creates, reads, updates, lists and deletes a store', async () => {
    const created = await post(a, '/api/v1/stores', { ...validStore, opening_hours: [{ weekdays: [1, 2, 3], open: '08:00', close: '22:00' }] });
    expect(created.statusCode).toBe(201);
    const store = created.json();
    expect(store).toMatchObject({ code: 'SH001', name: '上海静安寺店', status: 'active', province: null });

    const fetched = await t.app.inject({ url: `/api/v1/stores/${store.id}`, headers: a.auth });
    expect(fetched.json()).toEqual(store);

    const patched = await t.app.inject({ method: 'PATCH', url: `/api/v1/stores/${store.id}`, headers: a.auth, payload: { phone: '021-62881234', latitude: null } });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ phone: '021-62881234', latitude: null, longitude: 121.44 });

    const listed = await t.app.inject({ url: '/api/v1/stores?q=静安', headers: a.auth });
    expect(listed.json().data.map((s: { id: string }) => s.id)).toEqual([store.id]);

    const deleted = await t.app.inject({ method: 'DELETE', url: `/api/v1/stores/${store.id}`, headers: a.auth });
    expect(deleted.statusCode).toBe(204);
    expect((await t.app.inject({ url: `/api/v1/stores/${store.id}`, headers: a.auth })).statusCode).toBe(404);
    // The code is free again once the store is deleted.
    expect((await post(a, '/api/v1/stores', validStore)).statusCode).toBe(201);
  });

  it('rejects bad input with problem+json naming each field', async () => {
    const response = await post(a, '/api/v1/stores', { code: 'bad code!', latitude: 200 });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    const body = response.json();
    expect(body).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', instance: '/api/v1/stores' });
    expect(body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['code', 'latitude', 'name']);
    expect(body.request_id).toBe(response.headers['x-request-id']);
  });

  it('answers 409 with the field when the code is taken, and enqueues nothing for the rolled-back write', async () => {
    await post(a, '/api/v1/stores', { code: 'DUP1', name: '一号店' });
    const jobsBefore = await t.deps.db.selectFrom('jobs').select(({ fn }) => fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const eventsBefore = await t.deps.db.selectFrom('domain_events').select(({ fn }) => fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const conflict = await post(a, '/api/v1/stores', { code: 'DUP1', name: '另一家' });
    expect(conflict.statusCode).toBe(409);
    expect(conflict.json()).toMatchObject({ code: 'STORE_CODE_TAKEN', errors: [{ field: 'code' }] });
    const jobsAfter = await t.deps.db.selectFrom('jobs').select(({ fn }) => fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const eventsAfter = await t.deps.db.selectFrom('domain_events').select(({ fn }) => fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(jobsAfter.n).toBe(jobsBefore.n);
    expect(eventsAfter.n).toBe(eventsBefore.n);
  });

  it('emits store.created through the outbox to subscribed jobs', async () => {
    const created = (await post(a, '/api/v1/stores', { code: 'EVT1', name: '事件店' })).json();
    const job = await t.deps.db
      .selectFrom('jobs')
      .selectAll()
      .where('tenant_id', '=', a.tenantId)
      .where('name', '=', 'test.store-listener')
      .where(sql<boolean>`payload @> ${JSON.stringify({ event: { payload: { store: { id: created.id } } } })}::jsonb`)
      .executeTakeFirstOrThrow();
    expect(job.status).toBe('queued');
    expect(job.dedupe_key).toMatch(/^event:/);
  });

  it("keeps tenants apart: another tenant's store is 404 and never listed", async () => {
    const store = (await post(a, '/api/v1/stores', { code: 'ISO1', name: '隔离店' })).json();
    for (const request of [
      { method: 'GET' as const, url: `/api/v1/stores/${store.id}` },
      { method: 'PATCH' as const, url: `/api/v1/stores/${store.id}`, payload: { name: '改名' } },
      { method: 'DELETE' as const, url: `/api/v1/stores/${store.id}` },
    ]) {
      const response = await t.app.inject({ ...request, headers: b.auth });
      expect(response.statusCode, `${request.method} ${request.url}`).toBe(404);
      expect(response.json().code).toBe('NOT_FOUND');
    }
    const listed = await t.app.inject({ url: '/api/v1/stores?limit=200', headers: b.auth });
    expect(listed.json().data.map((s: { id: string }) => s.id)).not.toContain(store.id);
    expect((await t.app.inject({ url: `/api/v1/stores/${store.id}`, headers: a.auth })).json().name).toBe('隔离店');
    // The same code may exist in two tenants.
    expect((await post(b, '/api/v1/stores', { code: 'ISO1', name: 'B 的店' })).statusCode).toBe(201);
  });

  it('pages through a list with cursors', async () => {
    const c = await createTestTenant(t.deps);
    for (let i = 0; i < 5; i++) await post(c, '/api/v1/stores', { code: `PG${i}`, name: `分页店${i}` });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `&cursor=${cursor}` : '';
      const page = (await t.app.inject({ url: `/api/v1/stores?limit=2${query}`, headers: c.auth })).json();
      expect(page.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.data.map((s: { code: string }) => s.code));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toEqual(['PG4', 'PG3', 'PG2', 'PG1', 'PG0']);
    const bad = await t.app.inject({ url: '/api/v1/stores?cursor=nonsense', headers: c.auth });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toBe('query.cursor');
  });

  it('imports CSV: bad rows reported by line, good rows kept, rerun changes nothing', async () => {
    const c = await createTestTenant(t.deps);
    const csv = [
      '\uFEFFcode,name,province,city,district,address,latitude,longitude,phone,status',
      'IM1,导入一店,上海市,上海市,静安区,南京西路1号,31.2,121.4,021-1234567,active',
      'IM2,导入二店,北京市,北京市,朝阳区,,39.9,116.4,,',
      'IM3,,北京市,北京市,,,,,,',
      'IM4,坐标错误店,,,,,abc,116.4,,',
      'IM1,重复店,,,,,,,,',
      'IM5,状态错误店,,,,,,,,open',
    ].join('\n');
    const importCsv = () =>
      t.app.inject({ method: 'POST', url: '/api/v1/stores/import', headers: { ...c.auth, 'content-type': 'text/csv' }, payload: csv });
    const first = await importCsv();
    expect(first.statusCode).toBe(200);
    const result = first.json();
    expect(result).toMatchObject({ total_rows: 6, created: 2, updated: 0, unchanged: 0, failed: 4 });
    expect(result.errors.map((e: { line: number; field: string }) => [e.line, e.field])).toEqual([
      [4, 'name'],
      [5, 'latitude'],
      [6, 'code'],
      [7, 'status'],
    ]);
    const rerun = (await importCsv()).json();
    expect(rerun).toMatchObject({ created: 0, updated: 0, unchanged: 2, failed: 4 });
    const stores = (await t.app.inject({ url: '/api/v1/stores', headers: c.auth })).json().data;
    expect(stores.map((s: { code: string }) => s.code).sort()).toEqual(['IM1', 'IM2']);

    const changed = await t.app.inject({
      method: 'POST',
      url: '/api/v1/stores/import',
      headers: { ...c.auth, 'content-type': 'text/csv' },
      payload: 'code,name\nIM1,导入一店（新名）\n',
    });
    expect(changed.json()).toMatchObject({ created: 0, updated: 1 });
  });

  it('refuses an import that is not CSV or lacks the required columns', async () => {
    const noName = await t.app.inject({
      method: 'POST',
      url: '/api/v1/stores/import',
      headers: { ...a.auth, 'content-type': 'text/csv' },
      payload: 'code,city\nX1,上海\n',
    });
    expect(noName.statusCode).toBe(400);
    expect(noName.json().errors[0].field).toBe('header.name');
  });

  it('writes an audit row for every write, with the actor and request id', async () => {
    const c = await createTestTenant(t.deps);
    const created = await post(c, '/api/v1/stores', { code: 'AU1', name: '审计店' }, { 'x-request-id': 'req-audit-1' });
    const id = created.json().id;
    await t.app.inject({ method: 'PATCH', url: `/api/v1/stores/${id}`, headers: c.auth, payload: { name: '审计店二' } });
    await t.app.inject({ method: 'DELETE', url: `/api/v1/stores/${id}`, headers: c.auth });
    await t.app.inject({ method: 'POST', url: '/api/v1/stores/import', headers: { ...c.auth, 'content-type': 'text/csv' }, payload: 'code,name\nAU2,二店\n' });
    const log = (await t.app.inject({ url: '/api/v1/audit-log', headers: c.auth })).json().data;
    const actions = log.map((row: { action: string }) => row.action);
    expect(actions.slice(0, 4)).toEqual(['store.import', 'store.delete', 'store.update', 'store.create']);
    const create = log.find((row: { action: string }) => row.action === 'store.create');
    expect(create).toMatchObject({ actor_type: 'api_key', resource_id: id, request_id: 'req-audit-1' });
    expect(create.actor_label).toMatch(/^test key \(hk_/);
    const update = log.find((row: { action: string }) => row.action === 'store.update');
    expect(update.details).toEqual({ changed: ['name'] });
  });
});
