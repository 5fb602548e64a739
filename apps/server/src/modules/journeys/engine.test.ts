import { sql } from 'kysely';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueJob } from '../../jobs/enqueue.ts';
import { createWorker } from '../../jobs/runner.ts';
import { createTestApp, createTestTenant, type TestApp, type TestTenant } from '../../test/app.ts';
import { createTestClock } from '../../test/deps.ts';
import { recordStatus } from '../messaging/deliveries.service.ts';
import { RUN_JOB } from './engine.ts';
import { journeyHelpers, line } from './fixtures.test-helpers.ts';
import { enterByDate } from './journeys.jobs.ts';

const MINUTE = 60_000;

describe('journey engine: versions, waits, entry rules, holdout and goals, exactly once', () => {
  const clock = createTestClock(new Date());
  let t: TestApp;
  let a: TestTenant;
  const h = journeyHelpers(() => t);
  const track = (memberId: string, type: string) =>
    h.post(a, '/events', { events: [{ client_event_id: `${memberId}:${type}:${Math.random()}`, type, occurred_at: new Date().toISOString(), member_id: memberId }] });

  beforeAll(async () => {
    t = await createTestApp({ clock });
    a = await createTestTenant(t.deps);
  });
  afterAll(() => t.close());

  it('keeps a member in flight on the version they entered after a new version is published', async () => {
    const [v1Tag, v2Tag] = [await h.tag(a, '第一版'), await h.tag(a, '第二版')];
    const graph = (tag: string) => line([{ id: 'w', type: 'wait', config: { mode: 'duration', minutes: 60 } }, { id: 'mark', type: 'tag', config: { tag_id: tag, action: 'add' } }]);
    const id = await h.journey(a, graph(v1Tag));
    const [early, late] = [await h.member(a), await h.member(a)];
    await h.enter(a, id, [early]);
    await h.run();
    expect((await h.patch(a, `/journeys/${id}`, { graph: graph(v2Tag) })).statusCode).toBe(200);
    expect((await h.post(a, `/journeys/${id}/publish`)).json().current_version.version).toBe(2);
    await h.enter(a, id, [late]);
    await h.run();
    clock.advance(61 * MINUTE);
    await h.run();
    expect((await h.entries(a, id, early))[0]).toMatchObject({ version: 1, status: 'exited' });
    expect((await h.entries(a, id, late))[0]).toMatchObject({ version: 2, status: 'exited' });
    expect(await h.tagsOf(a, early)).toEqual([v1Tag]);
    expect(await h.tagsOf(a, late)).toEqual([v2Tag]);
    const versions = (await h.get(a, `/journeys/${id}/versions`)).json().data;
    expect(versions.map((v: { version: number; entries: number }) => [v.version, v.entries])).toEqual([[2, 1], [1, 1]]);
  });

  it('waits until a time of day in the tenant’s zone, or in a given zone', async () => {
    // 14:00 UTC is 22:00 in Shanghai: the next 09:00 there is 01:00 UTC tomorrow.
    // The day is two days past the clock, never a fixed date: timers left by earlier tests run on the real clock.
    const day = DateTime.fromJSDate(clock.now(), { zone: 'utc' }).startOf('day').plus({ days: 2 });
    const at = (plusDays: number, hour: number, minute = 0) => day.plus({ days: plusDays }).set({ hour, minute }).toJSDate();
    const iso = (d: Date) => d.toISOString();
    clock.set(at(0, 14));
    const tag = await h.tag(a, '早九点');
    const shanghai = await h.journey(a, line([{ id: 'nine', type: 'wait', config: { mode: 'time_of_day', time: '09:00' } }, { id: 'mark', type: 'tag', config: { tag_id: tag, action: 'add' } }]));
    const newYork = await h.journey(a, line([{ id: 'nine', type: 'wait', config: { mode: 'time_of_day', time: '09:00', time_zone: 'America/New_York', days_later: 1 } }]));
    const member = await h.member(a);
    await h.enter(a, shanghai, [member]);
    await h.enter(a, newYork, [member]);
    await h.run();
    expect((await h.entries(a, shanghai, member))[0]).toMatchObject({ status: 'waiting', current_step: 'nine', due_at: iso(at(1, 1)) });
    // One day later in New York is tomorrow's 09:00 there (14:00 UTC in winter, 13:00 in summer).
    const newYorkNine = DateTime.fromJSDate(at(1, 12), { zone: 'America/New_York' }).set({ hour: 9, minute: 0 }).toJSDate();
    expect((await h.entries(a, newYork, member))[0]!.due_at).toBe(iso(newYorkNine));
    const timers = await t.deps.db.selectFrom('jobs').select('run_at').where('tenant_id', '=', a.tenantId).where('name', '=', RUN_JOB).where('status', '=', 'queued').execute();
    expect(timers.map((j) => j.run_at.toISOString()).sort()).toEqual([iso(at(1, 1)), iso(newYorkNine)].sort());
    clock.set(at(1, 0, 59));
    await h.run();
    expect(await h.tagsOf(a, member)).toEqual([]);
    clock.set(at(1, 1));
    await h.run();
    expect(await h.tagsOf(a, member)).toEqual([tag]);
  });

  it('enters by the entry rule: once ever, once per N days, every time', async () => {
    const member = await h.member(a);
    const once = await h.journey(a, line([], { entry: { mode: 'once' } }));
    const weekly = await h.journey(a, line([], { entry: { mode: 'once_per_days', days: 7 } }));
    const always = await h.journey(a, line([], { entry: { mode: 'every_time' } }));
    for (const id of [once, weekly, always]) expect(await h.enter(a, id, [member, member])).toEqual({ entered: 1, skipped: 0, job_id: null });
    clock.advance(3 * 24 * 60 * MINUTE);
    expect((await h.enter(a, once, [member])).entered).toBe(0);
    expect((await h.enter(a, weekly, [member])).entered).toBe(0);
    expect((await h.enter(a, always, [member])).entered).toBe(1);
    clock.advance(5 * 24 * 60 * MINUTE);
    expect((await h.enter(a, once, [member])).entered).toBe(0);
    expect((await h.enter(a, weekly, [member])).entered).toBe(1);
    // Ten simultaneous triggers of a once-ever journey enter the member once.
    const fresh = await h.member(a);
    const results = await Promise.all(Array.from({ length: 10 }, () => h.enter(a, once, [fresh])));
    expect(results.reduce((s, r) => s + r.entered, 0)).toBe(1);
  });

  it('gives holdout members nothing, still counts their conversions, and measures the uplift', async () => {
    // Events carry the database's time: the app's clock goes back to it.
    clock.set(new Date());
    // Marketing messages wait out quiet hours; the test should not depend on the hour it runs at.
    const settings = (await h.get(a, '/messaging/settings')).json();
    expect((await t.app.inject({ method: 'PUT', url: '/api/v1/messaging/settings', headers: a.auth, payload: { ...settings, quiet_hours: { ...settings.quiet_hours, enabled: false } } })).statusCode).toBe(200);
    const made = await h.post(a, '/messaging/templates', { name: '回流', channel: 'inbox', category: 'marketing', bodies: { 'zh-CN': { subject: '想你了', body: '{{ member.name }}，送您 50 积分' } } });
    expect(made.statusCode, made.body).toBe(201);
    const template = made.json().id as string;
    const id = await h.journey(a, {
      nodes: [
        { id: 's', type: 'trigger', config: { kind: 'api' } },
        { id: 'ab', type: 'split', config: { arms: [{ id: 'treat', weight: 1 }, { id: 'hold', weight: 1, holdout: true }] } },
        { id: 'gift', type: 'points', config: { points: 50, reason: '回流礼' } },
        { id: 'note', type: 'send', config: { channel: 'inbox', template_id: template, category: 'marketing' } },
        { id: 'w', type: 'wait', config: { mode: 'event', event_type: 'event.tracked', filters: [{ property: 'type', value: 'app_open' }], timeout_minutes: 60 } },
        { id: 'x', type: 'exit' },
      ],
      edges: [{ from: 's', to: 'ab' }, { from: 'ab', to: 'gift', branch: 'treat' }, { from: 'gift', to: 'note' }, { from: 'note', to: 'w' }, { from: 'w', to: 'x', branch: 'event' }, { from: 'w', to: 'x', branch: 'timeout' }],
      entry: { mode: 'once' },
      goal: { event_type: 'event.tracked', filters: [{ property: 'type', value: 'purchase' }], window_hours: 72 },
    });
    const members = [];
    for (let i = 0; i < 24; i++) members.push(await h.member(a));
    expect((await h.enter(a, id, members)).entered).toBe(24);
    await h.run();
    const entries = await h.entries(a, id);
    const held = entries.filter((e) => e.holdout);
    const treated = entries.filter((e) => !e.holdout);
    expect(held.length).toBeGreaterThan(0);
    expect(treated.length).toBeGreaterThan(0);
    const delivered = await t.deps.db.selectFrom('message_deliveries').select(['member_id', 'status', 'dedupe_key']).where('tenant_id', '=', a.tenantId).where('source_id', '=', id).execute();
    for (const e of held) {
      expect(e).toMatchObject({ status: 'completed', exit_reason: 'holdout' });
      expect(await h.pointsOf(a, e.member_id)).toBe(0);
      expect(delivered.filter((d) => d.member_id === e.member_id)).toEqual([]);
    }
    expect(delivered).toHaveLength(treated.length);
    expect(delivered.every((d) => d.status !== 'suppressed' && d.dedupe_key.endsWith(':note'))).toBe(true);
    for (const e of treated) {
      expect(e).toMatchObject({ status: 'waiting', current_step: 'w' });
      expect(await h.pointsOf(a, e.member_id)).toBe(50);
    }
    // One treated member opens the app (the wait ends on the event), then buys; two holdout members buy too.
    await track(treated[0]!.member_id, 'app_open');
    await h.run();
    expect((await h.entries(a, id, treated[0]!.member_id))[0]!.steps.map((s) => `${s.step_id}:${s.outcome}`)).toEqual(['ab:treat', 'gift:done', 'note:queued', 'w:event', 'x:done']);
    await track(treated[1]!.member_id, 'purchase');
    for (const e of held.slice(0, 2)) await track(e.member_id, 'purchase');
    await track(treated[2]!.member_id, 'browse');
    await h.run();
    expect((await h.entries(a, id, treated[1]!.member_id))[0]).toMatchObject({ status: 'exited', exit_reason: 'goal', converted_at: expect.any(String) });
    expect((await h.entries(a, id, held[0]!.member_id))[0]).toMatchObject({ status: 'completed', exit_reason: 'holdout', converted_at: expect.any(String) });
    expect((await h.entries(a, id, treated[2]!.member_id))[0]).toMatchObject({ status: 'waiting', converted_at: null });

    const stats = (await h.get(a, `/journeys/${id}/stats`)).json();
    expect(stats).toMatchObject({ entries: 24, converted: 3 });
    const arm = (name: string) => stats.arms.find((x: { arm: string }) => x.arm === name);
    expect(arm('hold')).toMatchObject({ holdout: true, entries: held.length, converted: 2 });
    expect(arm('treat')).toMatchObject({ entries: treated.length, converted: 1 });
    expect(stats.uplift_bp).toBe(Math.round((1 / treated.length - 2 / held.length) * 10_000));
    expect(stats.steps.find((s: { step_id: string }) => s.step_id === 'gift')).toMatchObject({ entered: treated.length, completed: treated.length });
    expect(stats.steps.find((s: { step_id: string }) => s.step_id === 'w')).toMatchObject({ entered: treated.length });
    // The treated member's purchase is the inbox message's conversion (the last message before it).
    expect(stats.steps.find((s: { step_id: string }) => s.step_id === 'note')).toMatchObject({ sent: treated.length, converted: 1 });
    // What became of those messages comes from the delivery log: the inbox delivered them all, and a click the
    // tracking recorded (reported twice, counted once) shows on the step.
    const noteDeliveries = await t.deps.db.selectFrom('message_deliveries').select('id').where('tenant_id', '=', a.tenantId).where('source_id', '=', id).execute();
    for (let i = 0; i < 2; i++) await recordStatus(t.deps, a.tenantId, { deliveryId: noteDeliveries[0]!.id }, { status: 'clicked' });
    const noteStats = (await h.get(a, `/journeys/${id}/stats`)).json().steps.find((s: { step_id: string }) => s.step_id === 'note');
    expect(noteStats).toMatchObject({ went_out: treated.length, delivered: treated.length, clicked: 1, undelivered: 0 });

    // The timeout branch for those who never opened the app.
    clock.advance(61 * MINUTE);
    await h.run();
    expect((await h.entries(a, id, treated[2]!.member_id))[0]!.steps.map((s) => `${s.step_id}:${s.outcome}`)).toEqual(['ab:treat', 'gift:done', 'note:queued', 'w:timeout', 'x:done']);
  });

  it('runs each step once per (version, member, entry, step) however often the run is retried or duplicated', async () => {
    const tag = await h.tag(a, '一次');
    const id = await h.journey(a, line([{ id: 'gift', type: 'points', config: { points: 7, reason: '只一次' } }, { id: 'mark', type: 'tag', config: { tag_id: tag, action: 'add' } }]));
    const members = [];
    for (let i = 0; i < 20; i++) members.push(await h.member(a));
    await h.enter(a, id, members);
    // The same run enqueued many times and drained by concurrent workers.
    const version = (await h.get(a, `/journeys/${id}`)).json().current_version.id as string;
    for (let i = 0; i < 8; i++) await enqueueJob(t.deps.db, t.deps.jobs, { tenantId: a.tenantId, name: RUN_JOB, payload: { version_id: version, due_at: clock.now().toISOString() } });
    await Promise.all([createWorker(t.deps, { concurrency: 3 }).drain(), createWorker(t.deps, { concurrency: 3 }).drain()]);
    await h.run();
    const runs = await sql<{ n: number; distinct_keys: number }>`
      select count(*)::int as n, count(distinct (member_id, entry_id, version_id, step_id, visit))::int as distinct_keys
      from journey_step_runs where tenant_id = ${a.tenantId} and journey_id = ${id}`.execute(t.deps.db);
    expect(runs.rows[0]).toEqual({ n: 60, distinct_keys: 60 });
    // Put back at the grant as if the move past it had been lost: the step-run key finds the grant and repeats nothing.
    await sql`update journey_entries set status = 'ready', current_step = 'gift', visit = 1, due_at = ${clock.now()} where tenant_id = ${a.tenantId} and journey_id = ${id}`.execute(t.deps.db);
    await enqueueJob(t.deps.db, t.deps.jobs, { tenantId: a.tenantId, name: RUN_JOB, payload: { version_id: version, due_at: clock.now().toISOString() } });
    await h.run();
    for (const m of members) expect(await h.pointsOf(a, m)).toBe(7);
    const gifts = await sql<{ n: number }>`select count(*)::int as n from journey_step_runs where tenant_id = ${a.tenantId} and journey_id = ${id} and step_id = 'gift'`.execute(t.deps.db);
    expect(gifts.rows[0]!.n).toBe(20);
    const grants = await sql<{ n: number }>`select count(*)::int as n from points_transactions where tenant_id = ${a.tenantId} and source_key like ${'adjust:journey:' + version + ':%'}`.execute(t.deps.db);
    expect(grants.rows[0]!.n).toBe(20);
    // Twenty members through HTTP, then two workers racing over nine copies of the run: slow on a shared machine.
  }, 90_000);

  it('drains a large entry in bounded runs that leave room for other jobs', async () => {
    const id = await h.journey(a, line([{ id: 'gift', type: 'points', config: { points: 1, reason: '批量' } }]));
    const ids = (await sql<{ id: string }>`select id from members where tenant_id = ${a.tenantId} and status = 'active' order by id limit 1000`.execute(t.deps.db)).rows.map((r) => r.id);
    // Members straight into the table: the HTTP path is not what is measured here.
    const extra = Array.from({ length: 450 - ids.length }, (_, i) => ({ tenant_id: a.tenantId, id: crypto.randomUUID(), member_no: `B${String(i).padStart(8, '0')}`, channel: 'import' }));
    if (extra.length) await t.deps.db.insertInto('members').values(extra as never).execute();
    const all = (await sql<{ id: string }>`select id from members where tenant_id = ${a.tenantId} and status = 'active' order by id limit 450`.execute(t.deps.db)).rows.map((r) => r.id);
    expect((await h.enter(a, id, all)).entered).toBe(450);
    // A job enqueued after the entry runs before the entry has drained.
    const other = await enqueueJob(t.deps.db, t.deps.jobs, { tenantId: a.tenantId, name: 'journeys.sweep' });
    await h.run();
    const version = (await h.get(a, `/journeys/${id}`)).json().current_version.id as string;
    const runs = await t.deps.db.selectFrom('jobs').select(['result', 'run_at']).where('tenant_id', '=', a.tenantId).where('name', '=', RUN_JOB).where(sql<boolean>`payload->>'version_id' = ${version}`).orderBy('created_at').execute();
    const sizes = runs.map((r) => (r.result as { entries: number }).entries);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(200);
    expect(sizes.reduce((s, n) => s + n, 0)).toBe(450);
    expect(runs.length).toBeGreaterThanOrEqual(3);
    const finished = await t.deps.db.selectFrom('jobs').select(['id', 'finished_at']).where('tenant_id', '=', a.tenantId).where((eb) => eb.or([eb('id', '=', other.id), eb('name', '=', RUN_JOB)])).orderBy('finished_at').execute();
    expect(finished.findIndex((j) => j.id === other.id)).toBeLessThan(finished.length - 1);
    const done = await sql<{ n: number }>`select count(*)::int as n from journey_entries where tenant_id = ${a.tenantId} and journey_id = ${id} and status = 'exited'`.execute(t.deps.db);
    expect(done.rows[0]!.n).toBe(450);
  }, 120_000);

  it('enters members whose birthday comes, in the tenant’s calendar, and members a segment gains', async () => {
    clock.set(new Date('2026-12-01T02:00:00Z'));
    const id = await h.journey(a, line([], { nodes: [{ id: 'start', type: 'trigger', config: { kind: 'date', field: 'birthday', days_before: 3 } }, { id: 'end', type: 'exit' }], edges: [{ from: 'start', to: 'end' }], entry: { mode: 'once_per_days', days: 300 } }));
    const due = await h.member(a, { birthday: { month: 12, day: 4 } });
    const notYet = await h.member(a, { birthday: { month: 12, day: 5 } });
    const result = await t.deps.db.transaction().execute((trx) => enterByDate(trx, { ...t.deps, db: trx }, a.tenantId, id, '2026-12-01', 'test'));
    expect(result).toMatchObject({ entered: 1, date: '2026-12-04' });
    expect((await h.entries(a, id)).map((e) => e.member_id)).toEqual([due]);
    expect(await h.entries(a, id, notYet)).toEqual([]);

    const segment = await h.post(a, '/segments', { name: '上海会员', rule: { type: 'profile', field: 'city', op: 'eq', value: '杭州' } });
    const bySegment = await h.journey(a, { nodes: [{ id: 's', type: 'trigger', config: { kind: 'segment_entered', segment_id: segment.json().id } }, { id: 'x', type: 'exit' }], edges: [{ from: 's', to: 'x' }] });
    const hangzhou = await h.member(a, { city: '杭州' });
    await h.run();
    expect((await h.entries(a, bySegment)).map((e) => [e.member_id, e.status])).toEqual([[hangzhou, 'exited']]);
  });
});
