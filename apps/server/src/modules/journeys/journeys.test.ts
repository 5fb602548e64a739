import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestTenant, type TestApp, type TestTenant } from '../../test/app.ts';
import { createTestClock } from '../../test/deps.ts';
import { journeyHelpers, line } from './fixtures.test-helpers.ts';

describe('journeys: drafts, validation, versions, tenancy, dry run, rituals', () => {
  const clock = createTestClock(new Date());
  let t: TestApp;
  let a: TestTenant;
  let b: TestTenant;
  const h = journeyHelpers(() => t);

  beforeAll(async () => {
    t = await createTestApp({ clock });
    a = await createTestTenant(t.deps);
    b = await createTestTenant(t.deps);
  });
  afterAll(() => t.close());

  it('refuses to publish a graph without one trigger, with a branch leading nowhere, a loop without a wait or a dangling edge, naming each field', async () => {
    const twoTriggers = await h.journey(a, { nodes: [{ id: 't1', type: 'trigger', config: { kind: 'api' } }, { id: 't2', type: 'trigger', config: { kind: 'api' } }, { id: 'x', type: 'exit' }], edges: [{ from: 't1', to: 'x' }, { from: 't2', to: 'x' }] }, false);
    const res = await h.post(a, `/journeys/${twoTriggers}/publish`);
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toContainEqual(expect.objectContaining({ field: 'graph.nodes', code: 'one_trigger' }));

    const rule = { type: 'profile', field: 'city', op: 'eq', value: '上海' };
    const loop = await h.journey(a, {
      nodes: [
        { id: 's', type: 'trigger', config: { kind: 'api' } },
        { id: 'check', type: 'condition', config: { rule } },
        { id: 'grant', type: 'points', config: { points: 10, reason: '循环' } },
        { id: 'half', type: 'condition', config: { rule } },
        { id: 'x', type: 'exit' },
      ],
      edges: [{ from: 's', to: 'check' }, { from: 'check', to: 'x', branch: 'yes' }, { from: 'check', to: 'grant', branch: 'no' }, { from: 'grant', to: 'check' }, { from: 'half', to: 'nowhere', branch: 'yes' }],
    }, false);
    const problems = (await h.post(a, `/journeys/${loop}/publish`)).json().errors as { field: string; code: string }[];
    expect(problems).toContainEqual(expect.objectContaining({ field: 'graph.edges.4.to', code: 'unknown_node' }));
    expect(problems).toContainEqual(expect.objectContaining({ field: 'graph.nodes.3', code: 'branch_missing' }));

    const fixed = await h.patch(a, `/journeys/${loop}`, {
      graph: {
        nodes: [{ id: 's', type: 'trigger', config: { kind: 'api' } }, { id: 'check', type: 'condition', config: { rule } }, { id: 'grant', type: 'points', config: { points: 10, reason: '循环' } }, { id: 'x', type: 'exit' }],
        edges: [{ from: 's', to: 'check' }, { from: 'check', to: 'x', branch: 'yes' }, { from: 'check', to: 'grant', branch: 'no' }, { from: 'grant', to: 'check' }],
      },
    });
    expect(fixed.json().problems).toEqual([expect.objectContaining({ field: 'graph.nodes.1', code: 'cycle_without_wait' })]);
    expect((await h.post(a, `/journeys/${loop}/publish`)).json().errors[0]).toMatchObject({ field: 'graph.nodes.1', code: 'cycle_without_wait' });

    // With a wait in the loop it is a legitimate "check again tomorrow".
    const waited = await h.patch(a, `/journeys/${loop}`, {
      graph: {
        nodes: [{ id: 's', type: 'trigger', config: { kind: 'api' } }, { id: 'check', type: 'condition', config: { rule } }, { id: 'day', type: 'wait', config: { mode: 'duration', minutes: 1440 } }, { id: 'x', type: 'exit' }],
        edges: [{ from: 's', to: 'check' }, { from: 'check', to: 'x', branch: 'yes' }, { from: 'check', to: 'day', branch: 'no' }, { from: 'day', to: 'check' }],
      },
    });
    expect(waited.json().problems).toEqual([]);
    expect((await h.post(a, `/journeys/${loop}/publish`)).statusCode).toBe(200);

    const bad = await h.post(a, '/journeys', { name: '坏', graph: { nodes: [{ id: 'w', type: 'wait', config: { mode: 'duration', minutes: 0 } }], edges: [] } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toBe('graph.nodes.0.config.minutes');
  });

  it('answers 404 for another tenant’s journey on every route', async () => {
    const id = await h.journey(a, line([]));
    const member = await h.member(b);
    for (const [method, url, payload] of [
      ['GET', `/journeys/${id}`],
      ['PATCH', `/journeys/${id}`, { name: 'x' }],
      ['POST', `/journeys/${id}/publish`, {}],
      ['POST', `/journeys/${id}/pause`, {}],
      ['POST', `/journeys/${id}/enter`, { member_ids: [member] }],
      ['POST', `/journeys/${id}/dry-run`, { member_id: member }],
      ['GET', `/journeys/${id}/stats`],
      ['GET', `/journeys/${id}/entries`],
      ['GET', `/journeys/${id}/versions`],
    ] as const) {
      const res = await t.app.inject({ method, url: `/api/v1${url}`, headers: b.auth, ...(payload ? { payload } : {}) });
      expect(res.statusCode, `${method} ${url}`).toBe(404);
    }
    expect((await h.get(b, '/journeys')).json().data).toEqual([]);
  });

  it('pauses, resumes and stops: held members go on after resume; stop ends everyone in flight', async () => {
    const tag = await h.tag(a, '暂停后');
    const id = await h.journey(a, line([{ id: 'w', type: 'wait', config: { mode: 'duration', minutes: 30 } }, { id: 'tag', type: 'tag', config: { tag_id: tag, action: 'add' } }]));
    const [m1, m2] = [await h.member(a), await h.member(a)];
    await h.enter(a, id, [m1]);
    await h.run();
    expect((await h.post(a, `/journeys/${id}/pause`)).json().status).toBe('paused');
    expect((await h.post(a, `/journeys/${id}/enter`, { member_ids: [m2] })).statusCode).toBe(409);
    clock.advance(31 * 60_000);
    await h.run();
    expect((await h.entries(a, id, m1))[0]).toMatchObject({ status: 'held', current_step: 'w' });
    expect(await h.tagsOf(a, m1)).toEqual([]);
    expect((await h.post(a, `/journeys/${id}/resume`)).json().status).toBe('active');
    await h.run();
    expect((await h.entries(a, id, m1))[0]).toMatchObject({ status: 'exited', exit_reason: 'exit' });
    expect(await h.tagsOf(a, m1)).toEqual([tag]);

    await h.enter(a, id, [m2]);
    await h.run();
    expect((await h.post(a, `/journeys/${id}/stop`)).json().status).toBe('stopped');
    expect((await h.entries(a, id, m2))[0]).toMatchObject({ status: 'exited', exit_reason: 'stopped' });
    expect((await h.post(a, `/journeys/${id}/resume`)).statusCode).toBe(409);
  });

  it('moves a merged member’s entries to the survivor, ending the ones in flight', async () => {
    const id = await h.journey(a, line([{ id: 'w', type: 'wait', config: { mode: 'duration', minutes: 60 } }]));
    const [keeper, duplicate] = [await h.member(a), await h.member(a)];
    await h.enter(a, id, [keeper, duplicate]);
    await h.run();
    const merged = await h.post(a, `/members/${keeper}/merge`, { from_member_id: duplicate, reason: '同一人' });
    expect(merged.statusCode, merged.body).toBe(200);
    expect(merged.json().moved.journeys).toBe(1);
    const entries = await h.entries(a, id, keeper);
    expect(entries.map((e) => e.status).sort()).toEqual(['exited', 'waiting']);
    expect(entries.find((e) => e.status === 'exited')).toMatchObject({ exit_reason: 'merged' });
    expect(await h.entries(a, id, duplicate)).toEqual([]);
  });

  it('dry-runs one member: the path now, the arm they will get, and no side effects', async () => {
    const tag = await h.tag(a, '试运行');
    const shanghai = await h.member(a, { city: '上海' });
    const beijing = await h.member(a, { city: '北京' });
    const id = await h.journey(a, {
      nodes: [
        { id: 's', type: 'trigger', config: { kind: 'api' } },
        { id: 'city', type: 'condition', config: { rule: { type: 'profile', field: 'city', op: 'eq', value: '上海' } } },
        { id: 'nine', type: 'wait', config: { mode: 'time_of_day', time: '09:00' } },
        { id: 'mark', type: 'tag', config: { tag_id: tag, action: 'add' } },
        { id: 'x', type: 'exit' },
      ],
      edges: [{ from: 's', to: 'city' }, { from: 'city', to: 'nine', branch: 'yes' }, { from: 'city', to: 'x', branch: 'no' }, { from: 'nine', to: 'mark' }, { from: 'mark', to: 'x' }],
      entry: { mode: 'once' },
    });
    const yes = (await h.post(a, `/journeys/${id}/dry-run`, { member_id: shanghai })).json();
    expect(yes).toMatchObject({ would_enter: true, ends: 'exit' });
    expect(yes.path.map((p: { step_id: string; outcome: string }) => `${p.step_id}:${p.outcome}`)).toEqual(['city:yes', 'nine:next', 'mark:would_add', 'x:done']);
    const no = (await h.post(a, `/journeys/${id}/dry-run`, { member_id: beijing })).json();
    expect(no.path.map((p: { step_id: string }) => p.step_id)).toEqual(['city', 'x']);
    expect(await h.tagsOf(a, shanghai)).toEqual([]);
    expect(await h.entries(a, id)).toEqual([]);

    await h.enter(a, id, [beijing]);
    expect((await h.post(a, `/journeys/${id}/dry-run`, { member_id: beijing })).json()).toMatchObject({ would_enter: false, entry_refusal: expect.stringContaining('once ever') });
  });

  it('ships the ritual notices as journeys a tenant switches on, edits, and pauses', async () => {
    const list = (await h.get(a, '/journeys/rituals')).json().data as { key: string; journey_id: string | null }[];
    expect(list.map((r) => r.key)).toEqual(['welcome', 'tier_upgrade', 'balance_change', 'points_expiring', 'birthday', 'renewal_due', 'coupon_expiring']);
    const on = await h.post(a, '/journeys/rituals/welcome');
    expect(on.statusCode, on.body).toBe(200);
    expect(on.json()).toMatchObject({ status: 'active', ritual: 'welcome', current_version: { version: 1 } });
    expect((await h.post(a, '/journeys/rituals/welcome')).json().id).toBe(on.json().id);

    // A registration now enters the welcome journey through its event.
    const member = await h.member(a);
    await h.run();
    const entries = await h.entries(a, on.json().id, member);
    expect(entries).toHaveLength(1);
    expect(entries[0]!.steps.map((s) => `${s.step_id}:${s.outcome}`)).toEqual(['notify:queued', 'end:done']);
    const inbox = await t.deps.db.selectFrom('message_deliveries').select(['channel', 'category', 'source_kind']).where('tenant_id', '=', a.tenantId).where('member_id', '=', member).execute();
    expect(inbox).toEqual([{ channel: 'inbox', category: 'transactional', source_kind: 'journey' }]);

    const birthday = (await h.post(a, '/journeys/rituals/birthday')).json();
    expect(birthday.graph.nodes[0].config).toMatchObject({ kind: 'date', field: 'birthday' });
    expect((await h.get(a, `/messaging/templates/${birthday.graph.nodes[1].config.template_id}`)).json()).toMatchObject({ channel: 'inbox', category: 'transactional' });
    expect((await h.post(a, `/journeys/${birthday.id}/pause`)).json().status).toBe('paused');
    expect((await h.post(a, '/journeys/rituals/birthday')).json().status).toBe('active');
    expect((await h.post(a, '/journeys/rituals/nonsense')).statusCode).toBe(404);
  });
});
