import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestTenant, type TestApp, type TestTenant } from '../../test/app.ts';
import { createTestClock } from '../../test/deps.ts';

const MINUTE = 60_000;

describe('store geofences', () => {
  const clock = createTestClock(new Date('2026-11-20T02:00:00Z'));
  let t: TestApp;
  let a: TestTenant;
  let b: TestTenant;
  // Two stores 160 m apart on 南京西路 and one across town.
  const stores: Record<string, string> = {};
  const req = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object, tenant: TestTenant = a) =>
    t.app.inject({ method, url, payload, headers: { ...tenant.auth, ...(method === 'POST' ? { 'idempotency-key': crypto.randomUUID() } : {}) } });
  const newMember = async (consent: boolean | null = true) => {
    const id = (await req('POST', '/api/v1/members/resolve', { identities: [{ type: 'app_user_id', value: `GEO-${crypto.randomUUID()}` }], profile: { channel: 'app' } })).json().member.id as string;
    if (consent !== null) {
      const res = await req('PUT', `/api/v1/members/${id}/consents`, { channel: 'location', granted: consent, source: 'app_settings', wording_version: 'loc-v1' });
      expect(res.statusCode, res.body).toBe(200);
    }
    return id;
  };
  const locate = (memberId: string, at: object, tenant: TestTenant = a) => req('POST', `/api/v1/members/${memberId}/location`, at, tenant);
  const entered = async (storeId?: string) =>
    (await t.deps.db.selectFrom('domain_events').select('payload').where('tenant_id', '=', a.tenantId).where('type', '=', 'geofence.entered').execute())
      .map((e) => e.payload as { member_id: string; store_id: string; distance_m: number })
      .filter((p) => !storeId || p.store_id === storeId);

  beforeAll(async () => {
    t = await createTestApp({ clock });
    a = await createTestTenant(t.deps);
    b = await createTestTenant(t.deps);
    for (const [code, name, latitude, longitude, radius] of [
      ['NJ1', '南京西路一店', 31.2290, 121.4590, 200],
      ['NJ2', '南京西路二店', 31.2290, 121.4607, null],
      ['PD1', '浦东店', 31.2200, 121.5400, 300],
    ] as const) {
      const res = await req('POST', '/api/v1/stores', { code, name, latitude, longitude, geofence_radius_m: radius });
      expect(res.statusCode, res.body).toBe(201);
      stores[code] = res.json().id;
    }
  });
  afterAll(() => t.close());

  it('fires geofence.entered for each store the member walks into, once within the cooldown', async () => {
    const member = await newMember();
    // 55 m east of NJ1, 106 m west of NJ2 (whose radius is the tenant default, 300 m); PD1 is 8 km away.
    const first = await locate(member, { latitude: 31.229, longitude: 121.45958, accuracy_m: 30 });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json().inside.map((s: { store_id: string; distance_m: number }) => [s.store_id, s.distance_m])).toEqual([
      [stores.NJ1, 55],
      [stores.NJ2, 106],
    ]);
    expect(first.json().entered.sort()).toEqual([stores.NJ1, stores.NJ2].sort());
    expect((await entered(stores.NJ1)).filter((e) => e.member_id === member)).toHaveLength(1);

    // Standing there, and back an hour later: inside, but nothing fires within the day's cooldown.
    expect((await locate(member, { latitude: 31.229, longitude: 121.45958 })).json().entered).toEqual([]);
    clock.advance(60 * MINUTE);
    expect((await locate(member, { latitude: 31.229, longitude: 121.4596 })).json().entered).toEqual([]);
    // After the cooldown the next visit fires again.
    clock.advance(24 * 60 * MINUTE);
    expect((await locate(member, { latitude: 31.229, longitude: 121.4596 })).json().entered.sort()).toEqual([stores.NJ1, stores.NJ2].sort());
    expect((await entered(stores.NJ1)).filter((e) => e.member_id === member)).toHaveLength(2);
  });

  it('fires once when the app sends the same position many times at once', async () => {
    const member = await newMember();
    const answers = await Promise.all(Array.from({ length: 12 }, () => locate(member, { latitude: 31.229, longitude: 121.4590 })));
    expect(answers.every((r) => r.statusCode === 200)).toBe(true);
    expect(answers.flatMap((r) => r.json().entered).filter((id: string) => id === stores.NJ1)).toHaveLength(1);
    expect((await entered(stores.NJ1)).filter((e) => e.member_id === member)).toHaveLength(1);
  });

  it('enters nothing outside every radius, with an imprecise fix, or without location consent', async () => {
    const member = await newMember();
    expect((await locate(member, { latitude: 31.24, longitude: 121.47 })).json()).toEqual({ inside: [], entered: [] });
    // 50 m from NJ1 (radius 200 m), but the fix is only good to 500 m: NJ1 is not entered, NJ2 (300 m) is not either.
    expect((await locate(member, { latitude: 31.229, longitude: 121.45952, accuracy_m: 500 })).json().entered).toEqual([]);

    for (const consent of [null, false]) {
      const res = await locate(await newMember(consent), { latitude: 31.229, longitude: 121.459 });
      expect(res.statusCode).toBe(409);
      expect(res.json()).toMatchObject({ code: 'LOCATION_CONSENT_REQUIRED', errors: [{ field: 'member_id', code: 'no_location_consent' }] });
    }
  });

  it('takes the tenant’s default radius and cooldown, and can be switched off', async () => {
    expect((await req('GET', '/api/v1/geofences/settings')).json()).toEqual({ enabled: true, default_radius_m: 300, cooldown_minutes: 1440 });
    expect((await req('PUT', '/api/v1/geofences/settings', { enabled: true, default_radius_m: 100, cooldown_minutes: 5 })).statusCode).toBe(200);
    const member = await newMember();
    // 106 m from NJ2, whose radius now is the 100 m default: only NJ1 holds the position.
    expect((await locate(member, { latitude: 31.229, longitude: 121.45958 })).json().entered).toEqual([stores.NJ1]);
    clock.advance(6 * MINUTE);
    expect((await locate(member, { latitude: 31.229, longitude: 121.45958 })).json().entered).toEqual([stores.NJ1]);
    expect((await req('PUT', '/api/v1/geofences/settings', { enabled: false, default_radius_m: 100, cooldown_minutes: 5 })).statusCode).toBe(200);
    clock.advance(6 * MINUTE);
    expect((await locate(member, { latitude: 31.229, longitude: 121.45958 })).json()).toEqual({ inside: [], entered: [] });
    const bad = await req('PUT', '/api/v1/geofences/settings', { enabled: true, default_radius_m: 5, cooldown_minutes: 0 });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors.map((e: { field: string }) => e.field).sort()).toEqual(['cooldown_minutes', 'default_radius_m']);
    await req('PUT', '/api/v1/geofences/settings', { enabled: true, default_radius_m: 300, cooldown_minutes: 1440 });
  });

  it('answers bad positions by field and another tenant’s member with 404', async () => {
    const member = await newMember();
    const bad = await locate(member, { latitude: 91, longitude: 'east' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors.map((e: { field: string }) => e.field).sort()).toEqual(['longitude', 'latitude'].sort());
    expect((await locate(member, { latitude: 31.229, longitude: 121.459 }, b)).statusCode).toBe(404);
  });
});
