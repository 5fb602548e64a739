import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestTenant, type TestApp, type TestTenant } from '../../test/app.ts';
import { createTestClock } from '../../test/deps.ts';
import { signInBySms } from '../member-portal/sign-in.test-helpers.ts';

describe('games: daily check-in (签到)', () => {
  const clock = createTestClock(new Date('2026-12-01T02:00:00Z'));
  let t: TestApp;
  let a: TestTenant;
  let b: TestTenant;
  let couponTemplate: string;
  const req = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object, headers: Record<string, string> = a.auth) => t.app.inject({ method, url, payload, headers });
  const points = async (member: string) => (await req('GET', `/api/v1/members/${member}/points`)).json().available as number;

  beforeAll(async () => {
    t = await createTestApp({ clock });
    a = await createTestTenant(t.deps);
    b = await createTestTenant(t.deps);
    couponTemplate = (await req('POST', '/api/v1/coupon-templates', { name: '连签30天礼券', terms: { kind: 'cash', value_fen: 1000, min_spend_fen: 5000, valid_days: 30 } })).json().id;
    const settings = await req('PUT', '/api/v1/checkin/settings', { enabled: true, daily_points: 5, streak_rewards: [{ day: 7, points: 50 }, { day: 3, coupon_template_id: couponTemplate }] });
    expect(settings.statusCode, settings.body).toBe(200);
    expect(settings.json().streak_rewards.map((r: { day: number }) => r.day)).toEqual([3, 7]);
  });
  afterAll(() => t.close());

  it('checks a member in once a day however many taps arrive at once', async () => {
    const member = await signInBySms(t, a.slug, '13900139001');
    const taps = await Promise.all(Array.from({ length: 12 }, () => req('POST', '/api/v1/me/checkin', undefined, member.auth)));
    expect(taps.filter((r) => r.statusCode === 201)).toHaveLength(1);
    expect(taps.filter((r) => r.statusCode === 200)).toHaveLength(11);
    expect(new Set(taps.map((r) => r.json().streak))).toEqual(new Set([1]));
    expect(await points(member.member_id)).toBe(5);
    const rows = await t.deps.db.selectFrom('checkins').selectAll().where('tenant_id', '=', a.tenantId).where('member_id', '=', member.member_id).execute();
    expect(rows).toHaveLength(1);
    const events = await t.deps.db.selectFrom('domain_events').select('type').where('tenant_id', '=', a.tenantId).where('type', '=', 'checkin.completed').execute();
    expect(events).toHaveLength(1);
    expect((await req('GET', '/api/v1/me/checkin', undefined, member.auth)).json()).toMatchObject({ checked_in_today: true, streak: 1, today: '2026-12-01', next_reward: { day: 3 } });
  });

  it('counts streaks by the local day (23:59 then 00:01 in Shanghai), rewards them, and a missed day resets the streak', async () => {
    const member = (await req('POST', '/api/v1/members/resolve', { identities: [{ type: 'store_card', value: 'CK-1' }], profile: { channel: 'store' } })).json().member.id as string;
    const checkIn = () => req('POST', `/api/v1/members/${member}/checkins`);
    clock.set(new Date('2026-12-01T15:59:00Z')); // 23:59 on 1 December in Shanghai
    expect((await checkIn()).json()).toMatchObject({ day: '2026-12-01', streak: 1, created: true });
    clock.set(new Date('2026-12-01T16:01:00Z')); // 00:01 on 2 December
    expect((await checkIn()).json()).toMatchObject({ day: '2026-12-02', streak: 2, created: true });
    expect((await checkIn()).json()).toMatchObject({ day: '2026-12-02', streak: 2, created: false });
    clock.set(new Date('2026-12-03T01:00:00Z'));
    const third = (await checkIn()).json();
    expect(third).toMatchObject({ streak: 3, rewards: [{ kind: 'points', points: 5, status: 'fulfilled' }, { kind: 'coupon', streak_day: 3, status: 'fulfilled' }] });
    expect((await req('GET', `/api/v1/members/${member}/coupons`)).json().data).toHaveLength(1);
    const reached = await t.deps.db.selectFrom('domain_events').select('payload').where('tenant_id', '=', a.tenantId).where('type', '=', 'checkin.streak_reached').execute();
    expect(reached.map((e) => e.payload)).toContainEqual(expect.objectContaining({ member_id: member, streak: 3 }));
    for (let day = 4; day <= 7; day++) {
      clock.set(new Date(`2026-12-0${day}T01:00:00Z`));
      expect((await checkIn()).json().streak).toBe(day);
    }
    expect(await points(member)).toBe(7 * 5 + 50);
    // 8 December skipped: the streak on the 9th starts again.
    clock.set(new Date('2026-12-09T01:00:00Z'));
    const afterGap = await t.app.inject({ method: 'GET', url: `/api/v1/members/${member}`, headers: a.auth });
    expect(afterGap.json().sections.games.checkin).toMatchObject({ streak: 0, checked_in_today: false });
    expect((await checkIn()).json()).toMatchObject({ day: '2026-12-09', streak: 1 });
    const stats = (await req('GET', '/api/v1/checkin/stats?days=10')).json();
    expect(stats.days.find((d: { day: string }) => d.day === '2026-12-02').members).toBe(1);
    expect(stats.streaks).toEqual([{ streak: '1', members: 1 }]);
    expect((await req('GET', '/api/v1/points/reconciliation')).json().problems).toEqual([]);
  });

  it('refuses when switched off, and another tenant’s member answers 404', async () => {
    const member = (await req('POST', '/api/v1/members/resolve', { identities: [{ type: 'store_card', value: 'CK-2' }], profile: { channel: 'store' } })).json().member.id as string;
    expect((await req('POST', `/api/v1/members/${member}/checkins`, undefined, b.auth)).statusCode).toBe(404);
    await req('PUT', '/api/v1/checkin/settings', { enabled: false, daily_points: 5, streak_rewards: [] });
    const refused = await req('POST', `/api/v1/members/${member}/checkins`);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe('CHECKIN_DISABLED');
    expect((await req('GET', '/api/v1/checkin/settings', undefined, b.auth)).json()).toMatchObject({ enabled: true, daily_points: 0 });
    const foreign = await req('PUT', '/api/v1/checkin/settings', { enabled: true, daily_points: 1, streak_rewards: [{ day: 5, coupon_template_id: couponTemplate }] }, b.auth);
    expect(foreign.statusCode).toBe(400);
    expect(foreign.json()).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'streak_rewards.0.coupon_template_id' }] });
  });
});
