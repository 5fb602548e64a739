import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestTenant, type TestApp, type TestTenant } from '../test/app.ts';

describe('Idempotency-Key', () => {
  let t: TestApp;
  let a: TestTenant;
  let b: TestTenant;
  // A handler that holds no database connection and finishes when the test says so.
  let slowRuns = 0;
  let releaseHandler = () => {};
  let markStarted = () => {};
  const handlerStarted = new Promise<void>((resolve) => (markStarted = resolve));
  const released = new Promise<void>((resolve) => (releaseHandler = resolve));
  const slowRequest = (tenant: TestTenant, key: string) =>
    t.app.inject({ method: 'POST', url: '/api/v1/test/slow', headers: { ...tenant.auth, 'idempotency-key': key }, payload: { n: 1 } });

  beforeAll(async () => {
    t = await createTestApp({
      extraRoutes: (api) =>
        api.post('/test/slow', async (_request, reply) => {
          slowRuns += 1;
          markStarted();
          await released;
          return reply.status(201).send({ done: true });
        }),
    });
    a = await createTestTenant(t.deps);
    b = await createTestTenant(t.deps);
  });
  afterAll(() => t.close());

  const createStore = (tenant: TestTenant, key: string, body: object) =>
    t.app.inject({ method: 'POST', url: '/api/v1/stores', headers: { ...tenant.auth, 'idempotency-key': key }, payload: body });
  const countStores = async (tenant: TestTenant) =>
    (await t.deps.db.selectFrom('stores').select(({ fn }) => fn.countAll<number>().as('n')).where('tenant_id', '=', tenant.tenantId).executeTakeFirstOrThrow()).n;

  it('replays the first response for the same key and body, and runs the handler once', async () => {
    const first = await createStore(a, 'key-1', { code: 'IDEM1', name: '幂等店' });
    expect(first.statusCode).toBe(201);
    // Same JSON with keys in another order is the same request.
    const second = await createStore(a, 'key-1', { name: '幂等店', code: 'IDEM1' });
    expect(second.statusCode).toBe(201);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.body).toBe(first.body);
    expect(await countStores(a)).toBe(1);
  });

  it('answers 422 when the key is reused with another body', async () => {
    await createStore(a, 'key-2', { code: 'IDEM2', name: '二店' });
    const reused = await createStore(a, 'key-2', { code: 'IDEM3', name: '三店' });
    expect(reused.statusCode).toBe(422);
    expect(reused.json()).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', errors: [{ field: 'header.idempotency-key' }] });
  });

  it('replays errors too, so a retried conflicting request gets the same answer', async () => {
    await createStore(a, 'key-3a', { code: 'IDEM4', name: '四店' });
    const conflict = await createStore(a, 'key-3b', { code: 'IDEM4', name: '四店' });
    expect(conflict.statusCode).toBe(409);
    const again = await createStore(a, 'key-3b', { code: 'IDEM4', name: '四店' });
    expect(again.statusCode).toBe(409);
    expect(again.headers['idempotent-replayed']).toBe('true');
  });

  it('answers 409 to the same key while the first request is still running', async () => {
    const first = slowRequest(b, 'slow-key');
    await handlerStarted;
    const second = await slowRequest(b, 'slow-key');
    expect(second.statusCode).toBe(409);
    expect(second.json().code).toBe('IDEMPOTENCY_IN_PROGRESS');
    expect(second.headers['retry-after']).toBe('1');
    releaseHandler();
    expect((await first).statusCode).toBe(201);
    const replay = await slowRequest(b, 'slow-key');
    expect(replay.statusCode).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(slowRuns).toBe(1);
  });

  it('keeps keys per tenant', async () => {
    const forA = await createStore(a, 'shared-key', { code: 'PT1', name: 'A 店' });
    const forB = await createStore(b, 'shared-key', { code: 'PT1', name: 'B 店' });
    expect(forA.statusCode).toBe(201);
    expect(forB.statusCode).toBe(201);
    expect(forB.headers['idempotent-replayed']).toBeUndefined();
    expect(forB.json().id).not.toBe(forA.json().id);
  });

  it('rejects a malformed key', async () => {
    const response = await createStore(a, 'x'.repeat(300), { code: 'K1', name: '店' });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors[0].field).toBe('header.idempotency-key');
  });
});
