import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestTenant, type TestApp, type TestTenant } from '../../test/app.ts';
import { createTestClock } from '../../test/deps.ts';

describe('events: seats under real concurrency', () => {
  const clock = createTestClock(new Date('2026-11-20T02:00:00Z'));
  let t: TestApp;
  let a: TestTenant;
  let n = 0;
  const req = (method: 'GET' | 'POST', url: string, payload?: object) => t.app.inject({ method, url, payload, headers: a.auth });
  const newMembers = async (count: number) => {
    const ids: string[] = [];
    for (let i = 0; i < count; i += 20) {
      const batch = await Promise.all(Array.from({ length: Math.min(20, count - i) }, () => req('POST', '/api/v1/members/resolve', { identities: [{ type: 'store_card', value: `RACE-${++n}` }], profile: { channel: 'store' } })));
      ids.push(...batch.map((r) => r.json().member.id as string));
    }
    return ids;
  };
  const newEvent = async (capacity: number) => {
    const created = await req('POST', '/api/v1/events/sessions', { title: '新品品鉴会', location: { kind: 'online', url: 'https://live.example.com/s/1' }, starts_at: '2026-12-01T11:00:00Z', ends_at: '2026-12-01T13:00:00Z', capacity, price: { kind: 'free' } });
    expect(created.statusCode, created.body).toBe(201);
    await req('POST', `/api/v1/events/sessions/${created.json().id}/publish`);
    return created.json().id as string;
  };
  const registrations = async (eventId: string) => {
    const rows = await t.deps.db.selectFrom('event_registrations').select(['id', 'member_id', 'status', 'waitlist_seq']).where('tenant_id', '=', a.tenantId).where('event_id', '=', eventId).execute();
    return rows;
  };

  beforeAll(async () => {
    t = await createTestApp({ clock });
    a = await createTestTenant(t.deps);
  });
  afterAll(() => t.close());

  it('200 simultaneous registrations for 50 seats: exactly 50 registered and 150 waitlisted in one strict order', async () => {
    const members = await newMembers(200);
    const eventId = await newEvent(50);
    const answers = await Promise.all(members.map((m) => req('POST', `/api/v1/events/sessions/${eventId}/registrations`, { member_id: m })));
    expect(answers.map((r) => r.statusCode).filter((s) => s !== 201)).toEqual([]);
    const rows = await registrations(eventId);
    expect(rows.filter((r) => r.status === 'registered').length).toBe(50);
    const waiting = rows.filter((r) => r.status === 'waitlisted');
    expect(waiting.length).toBe(150);
    expect(waiting.map((r) => Number(r.waitlist_seq)).sort((x, y) => x - y)).toEqual(Array.from({ length: 150 }, (_, i) => i + 1));
    expect((await req('GET', `/api/v1/events/sessions/${eventId}`)).json()).toMatchObject({ seats_taken: 50, seats_left: 0, waitlisted: 150 });
    const registeredEvents = await t.deps.db.selectFrom('domain_events').select('id').where('tenant_id', '=', a.tenantId).where('type', '=', 'event.registered').execute();
    expect(registeredEvents.length).toBe(50);

    // Five cancellations at once promote exactly the first five waitlisted, whatever order they commit in.
    const registered = rows.filter((r) => r.status === 'registered').slice(0, 5);
    const cancels = await Promise.all(registered.map((r) => req('POST', `/api/v1/events/registrations/${r.id}/cancel`, { reason: '' })));
    expect(cancels.map((c) => c.statusCode)).toEqual([200, 200, 200, 200, 200]);
    const after = await registrations(eventId);
    const firstFive = waiting.sort((x, y) => Number(x.waitlist_seq) - Number(y.waitlist_seq)).slice(0, 5).map((r) => r.id);
    expect(after.filter((r) => firstFive.includes(r.id)).map((r) => r.status)).toEqual(['registered', 'registered', 'registered', 'registered', 'registered']);
    expect(after.filter((r) => r.status === 'registered').length).toBe(50);
    expect(after.filter((r) => r.status === 'waitlisted').length).toBe(145);
  }, 120_000);

  it('one member registering ten times at once holds one seat', async () => {
    const [member] = await newMembers(1);
    const eventId = await newEvent(3);
    const answers = await Promise.all(Array.from({ length: 10 }, () => req('POST', `/api/v1/events/sessions/${eventId}/registrations`, { member_id: member })));
    expect(answers.filter((r) => r.statusCode === 201).length).toBe(1);
    expect(answers.filter((r) => r.statusCode === 200).length).toBe(9);
    expect(new Set(answers.map((r) => r.json().id)).size).toBe(1);
    expect((await registrations(eventId)).length).toBe(1);
    expect((await req('GET', `/api/v1/events/sessions/${eventId}`)).json().seats_taken).toBe(1);
  });
});
