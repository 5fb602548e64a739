import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorker } from '../../jobs/runner.ts';
import { createTestApp, createTestTenant, type TestApp, type TestTenant } from '../../test/app.ts';
import { createTestClock } from '../../test/deps.ts';

describe('behaviour events and the member code', () => {
  let t: TestApp;
  let a: TestTenant;
  const clock = createTestClock(new Date());
  beforeAll(async () => {
    t = await createTestApp({ clock });
    a = await createTestTenant(t.deps);
  });
  afterAll(() => t.close());

  const track = (events: object[]) => t.app.inject({ method: 'POST', url: '/api/v1/events', headers: a.auth, payload: { events } });
  const resolve = (body: object) => t.app.inject({ method: 'POST', url: '/api/v1/members/resolve', headers: a.auth, payload: body });
  const eventsOf = (memberId: string) => t.deps.db.selectFrom('member_events').select(['client_event_id', 'type']).where('tenant_id', '=', a.tenantId).where('member_id', '=', memberId).orderBy('client_event_id').execute();

  it('stores a batch once: resending it adds nothing', async () => {
    const member = (await resolve({ identities: [{ type: 'app_user_id', value: 'u-1' }], profile: { channel: 'app' } })).json().member;
    const batch = Array.from({ length: 50 }, (_, i) => ({ client_event_id: `b1-${i}`, type: 'page_view', occurred_at: new Date(Date.now() - i * 1000).toISOString(), member_id: member.id, properties: { page: `/p/${i}` } }));
    expect((await track(batch)).json()).toEqual({ received: 50, accepted: 50, duplicates: 0, unattributed: 0 });
    expect((await track(batch)).json()).toEqual({ received: 50, accepted: 0, duplicates: 50, unattributed: 0 });
    expect(await eventsOf(member.id)).toHaveLength(50);
    const emitted = await t.deps.db.selectFrom('domain_events').select('payload').where('tenant_id', '=', a.tenantId).where('type', '=', 'event.tracked').execute();
    expect(emitted).toHaveLength(1);
  });

  it('attributes events by identity, and stitches an anonymous visitor to the member at sign-in', async () => {
    const now = Date.now();
    const anonymous = [1, 2, 3].map((i) => ({ client_event_id: `anon-${i}`, type: 'product_view', occurred_at: new Date(now - i * 60_000).toISOString(), anonymous_id: 'visitor-42' }));
    expect((await track(anonymous)).json()).toMatchObject({ accepted: 3, unattributed: 3 });
    const signedIn = (await resolve({ identities: [{ type: 'mini_program_openid', app_id: 'wxmini', value: 'mp-42' }], profile: { channel: 'mini_program' }, anonymous_id: 'visitor-42' })).json().member;
    expect((await eventsOf(signedIn.id)).map((e) => e.client_event_id)).toEqual(['anon-1', 'anon-2', 'anon-3']);
    // Later events of the same visitor, and events sent with one of the member's identities, are the member's at once.
    await track([
      { client_event_id: 'anon-4', type: 'add_to_cart', occurred_at: new Date().toISOString(), anonymous_id: 'visitor-42' },
      { client_event_id: 'ident-1', type: 'share', occurred_at: new Date().toISOString(), identity: { type: 'mini_program_openid', app_id: 'wxmini', value: 'mp-42' } },
    ]);
    expect((await eventsOf(signedIn.id)).map((e) => e.client_event_id)).toEqual(['anon-1', 'anon-2', 'anon-3', 'anon-4', 'ident-1']);
    const view = (await t.app.inject({ url: `/api/v1/members/${signedIn.id}`, headers: a.auth })).json();
    expect(view.sections.recent_events[0]).toMatchObject({ client_event_id: expect.stringMatching(/^(anon-4|ident-1)$/) });
  });

  it('refuses events without a subject or with an unknown member, naming the event', async () => {
    const response = await track([
      { client_event_id: 'x1', type: 'login', occurred_at: new Date().toISOString() },
      { client_event_id: 'x2', type: 'login', occurred_at: new Date().toISOString(), member_id: '01a20000-0000-7000-8000-00000000dead' },
    ]);
    expect(response.statusCode).toBe(400);
    expect(response.json().errors.map((e: { field: string }) => e.field)).toEqual(['events.0.member_id']);
    const unknown = await track([{ client_event_id: 'x2', type: 'login', occurred_at: new Date().toISOString(), member_id: '01a20000-0000-7000-8000-00000000dead' }]);
    expect(unknown.json().errors).toEqual([expect.objectContaining({ field: 'events.0.member_id', code: 'unknown_member' })]);
  });

  it('validates properties against the type\'s schema when one is declared', async () => {
    const member = (await resolve({ identities: [{ type: 'app_user_id', value: 'u-schema' }], profile: { channel: 'app' } })).json().member;
    const schema = { type: 'object', properties: { sku: { type: 'string' }, qty: { type: 'integer', minimum: 1 } }, required: ['sku'] };
    expect((await t.app.inject({ method: 'PUT', url: '/api/v1/event-types/add_to_cart', headers: a.auth, payload: { properties_schema: schema } })).statusCode).toBe(200);
    const at = new Date().toISOString();
    const bad = await track([
      { client_event_id: 's1', type: 'add_to_cart', occurred_at: at, member_id: member.id, properties: { sku: 'LATTE', qty: 1 } },
      { client_event_id: 's2', type: 'add_to_cart', occurred_at: at, member_id: member.id, properties: { qty: 0 } },
      { client_event_id: 's3', type: 'page_view', occurred_at: at, member_id: member.id, properties: { anything: true } },
    ]);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors.map((e: { field: string; code: string }) => `${e.field}:${e.code}`).sort()).toEqual(['events.1.properties.qty:minimum', 'events.1.properties:required']);
    const invalidSchema = await t.app.inject({ method: 'PUT', url: '/api/v1/event-types/share', headers: a.auth, payload: { properties_schema: { type: 'no-such-type' } } });
    expect(invalidSchema.json().errors[0].field).toBe('properties_schema');
  });

  it('creates monthly partitions, and events land in their month', async () => {
    // A starting worker runs the start-up jobs (this one would otherwise wait for 00:05).
    const worker = createWorker(t.deps);
    worker.start();
    for (let i = 0; i < 100; i++) {
      const job = await t.deps.db.selectFrom('jobs').select('status').where('name', '=', 'members.event_partitions').executeTakeFirst();
      if (job?.status === 'succeeded') break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await worker.stop({ graceMs: 5000 });
    const job = await t.deps.db.selectFrom('jobs').select(['status', 'dedupe_key']).where('name', '=', 'members.event_partitions').executeTakeFirstOrThrow();
    expect(job).toMatchObject({ status: 'succeeded', dedupe_key: expect.stringMatching(/^start:\d{4}-\d{2}-\d{2}$/) });
    const month = new Date().toISOString().slice(0, 7).replace('-', '');
    const member = (await resolve({ identities: [{ type: 'app_user_id', value: 'u-part' }], profile: { channel: 'app' } })).json().member;
    await track([{ client_event_id: 'part-1', type: 'login', occurred_at: new Date().toISOString(), member_id: member.id }]);
    const where = await sql<{ partition: string }>`select tableoid::regclass::text as partition from member_events where client_event_id = 'part-1'`.execute(t.deps.db);
    expect(where.rows[0]!.partition).toBe(`member_events_${month}`);
  });

  it('accepts a member code once, and refuses it expired, forged or from another brand', async () => {
    const member = (await resolve({ identities: [{ type: 'store_card', value: 'QR-1' }], profile: { channel: 'store', name: '扫码会员' } })).json().member;
    const verify = (code: string, tenant: TestTenant = a) => t.app.inject({ method: 'POST', url: '/api/v1/member-codes/verify', headers: tenant.auth, payload: { code } });
    const { code, refresh_after_seconds } = (await t.app.inject({ url: `/api/v1/members/${member.id}/code`, headers: a.auth })).json();
    expect(refresh_after_seconds).toBeGreaterThan(0);
    const other = await createTestTenant(t.deps);
    expect((await verify(code, other)).json().errors[0].code).toBe('invalid');
    const first = await verify(code);
    expect(first.statusCode).toBe(200);
    expect(first.json().member).toMatchObject({ id: member.id, name: '扫码会员' });
    const replay = await verify(code);
    expect(replay.statusCode).toBe(422);
    expect(replay.json()).toMatchObject({ code: 'MEMBER_CODE_REFUSED', errors: [{ field: 'code', code: 'replayed' }] });

    const later = (await t.app.inject({ url: `/api/v1/members/${member.id}/code`, headers: a.auth })).json().code;
    const forged = later.replace(/\.[^.]+$/, '.AAAAAAAAAAAAAAAA');
    expect((await verify(forged)).json().errors[0].code).toBe('invalid');
    clock.advance(3 * 60_000);
    expect((await verify(later)).json().errors[0].code).toBe('expired');
    expect((await verify('not a code')).json().errors[0].code).toBe('malformed');
  });
});
