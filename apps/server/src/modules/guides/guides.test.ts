import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSRF_HEADER } from '@hearth/contracts/auth';
import type { Order } from '@hearth/contracts/orders';
import { withTransaction } from '../../db/transaction.ts';
import { enqueueJob, PLATFORM_TENANT_ID } from '../../jobs/enqueue.ts';
import { createWorker } from '../../jobs/runner.ts';
import { createTestApp, createTestTenant, type TestApp, type TestTenant } from '../../test/app.ts';
import { createTestClock } from '../../test/deps.ts';
import { line } from '../journeys/fixtures.test-helpers.ts';

const DAY = 86_400_000;

describe('store guides', () => {
  const clock = createTestClock(new Date('2026-11-20T02:00:00Z'));
  let t: TestApp;
  let a: TestTenant;
  let b: TestTenant;
  let storeId: string;
  let otherStoreId: string;
  let zhang: { id: string; auth: Record<string, string> };
  let li: { id: string; auth: Record<string, string> };
  let phone = 13700000000;
  let orderNo = 0;
  type Headers = Record<string, string>;
  const req = (method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, payload?: object, headers: Headers = a.auth) => t.app.inject({ method, url: `/api/v1${url}`, payload, headers });
  const ok = async (method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, payload?: object, headers: Headers = a.auth) => {
    const res = await req(method, url, payload, headers);
    expect(res.statusCode, res.body).toBeLessThan(300);
    return res.json();
  };
  const drain = () => createWorker(t.deps).drain();
  const member = async (profile: Record<string, unknown> = {}) => (await ok('POST', '/members', { channel: 'store', phone: String(++phone), name: '王芳', ...profile })).id as string;
  // Conversions are credited by the job that follows each order.
  const order = async (memberId: string, fen: number) => {
    const placed = (await ok('POST', '/orders', { external_id: `G-${++orderNo}`, channel: 'store', member_id: memberId, lines: [{ sku: 'TEA', qty: 1, unit_price_fen: fen }], total_paid_fen: fen, occurred_at: clock.now().toISOString() })) as Order;
    await drain();
    return placed;
  };
  const staff = async (email: string, name: string) => {
    const created = await ok('POST', '/operators', { email, name, role: 'store_staff', password: 'staff password 1' });
    // Sessions expire against the database's clock, so sign in at the real time, then go back to the test's.
    const testNow = clock.now();
    clock.set(new Date());
    const login = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { tenant: a.slug, email, password: 'staff password 1' } });
    clock.set(testNow);
    expect(login.statusCode).toBe(200);
    return { id: created.id as string, auth: { cookie: `hearth_session=${login.cookies.find((c) => c.name === 'hearth_session')!.value}`, [CSRF_HEADER]: '1' } };
  };
  const tasks = async (query: string, headers: Headers = a.auth) => (await ok('GET', `/guide-tasks?limit=200&${query}`, undefined, headers)).data as { id: string; member_id: string; guide_id: string; status: string; title: string }[];

  beforeAll(async () => {
    t = await createTestApp({ clock, env: { HEARTH_AUTH_CACHE_SECONDS: '0' } });
    a = await createTestTenant(t.deps);
    b = await createTestTenant(t.deps);
    storeId = (await ok('POST', '/stores', { code: 'SH01', name: '上海静安店' })).id;
    otherStoreId = (await ok('POST', '/stores', { code: 'SH02', name: '上海徐汇店' })).id;
    await ok('POST', '/products/bulk', { products: [{ sku: 'TEA', name: '龙井', list_price_fen: 8800 }] });
    zhang = await staff('zhang@brand.test', '张导购');
    li = await staff('li@brand.test', '李导购');
    expect((await req('POST', '/guides', { operator_id: zhang.id, store_id: storeId, wecom_user_id: 'zhangsan' })).statusCode).toBe(201);
    expect((await req('POST', '/guides', { operator_id: li.id, store_id: storeId })).statusCode).toBe(201);
  });
  afterAll(() => t.close());

  it('refuses bad guides with the offending field, and hides another tenant’s', async () => {
    const again = await req('POST', '/guides', { operator_id: zhang.id, store_id: storeId });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'CONFLICT', errors: [{ field: 'operator_id' }] });
    const otherTenantStore = (await ok('POST', '/stores', { code: 'BJ01', name: '北京店' }, b.auth)).id;
    const badStore = await req('POST', '/guides', { operator_id: zhang.id, store_id: otherTenantStore });
    expect(badStore.json().errors[0]).toMatchObject({ field: 'store_id', code: 'unknown_store' });
    expect((await req('GET', `/guides/${zhang.id}`, undefined, b.auth)).statusCode).toBe(404);
    expect((await req('PATCH', `/guides/${li.id}`, { wecom_user_id: 'zhangsan' })).json().errors[0]).toMatchObject({ field: 'wecom_user_id', code: 'taken' });
  });

  it('gives a new member their home store’s least-loaded guide and one welcome task, however often the job runs', async () => {
    const first = await member({ home_store_id: storeId });
    const second = await member({ home_store_id: storeId });
    const nowhere = await member();
    await drain();
    await drain();
    const welcome = await tasks('kind=welcome');
    expect(welcome.filter((w) => w.member_id === first || w.member_id === second)).toHaveLength(2);
    expect(welcome.some((w) => w.member_id === nowhere)).toBe(false);
    const guides = new Set(welcome.filter((w) => w.member_id === first || w.member_id === second).map((w) => w.guide_id));
    expect(guides).toEqual(new Set([zhang.id, li.id]));
    const history = await ok('GET', `/members/${first}/guide`);
    expect(history.guide.source).toBe('store');
    expect(history.history[0]).toMatchObject({ from_guide_id: null, source: 'store' });
    // A guide sees their own tasks only; another guide's task is not found.
    const mine = await tasks('kind=welcome', zhang.auth);
    expect(mine.every((x) => x.guide_id === zhang.id)).toBe(true);
    const lis = welcome.find((w) => w.guide_id === li.id)!;
    expect((await req('POST', `/guide-tasks/${lis.id}/done`, undefined, zhang.auth)).statusCode).toBe(404);
    expect((await req('GET', `/guide-tasks/${lis.id}`, undefined, b.auth)).statusCode).toBe(404);
  });

  it('generates one task per segment member from a rule, never a second while one is open, also from two runs at once', async () => {
    const members = [await member({ home_store_id: storeId }), await member({ home_store_id: storeId }), await member({ home_store_id: storeId })];
    const orphan = await member({ home_store_id: otherStoreId });
    const explicit = await member();
    await ok('POST', '/guides/assignments', { member_ids: [explicit], guide_id: zhang.id, reason: '老客户' });
    const segment = await ok('POST', '/segments', { name: '积分 7 天内到期', kind: 'static' });
    await ok('POST', `/segments/${segment.id}/members`, { action: 'add', member_ids: [...members, orphan, explicit] });
    const badRule = await req('POST', '/guide-task-rules', { name: 'x', segment_id: segment.id, title_template: '{{ member_no ', due_in_days: 3 });
    expect(badRule.json().errors[0]).toMatchObject({ field: 'title_template', code: 'invalid_template' });
    const rule = await ok('POST', '/guide-task-rules', { name: '积分到期提醒', segment_id: segment.id, title_template: '致电 {{ member_no }}：积分 7 天内到期', due_in_days: 3 });
    const runs = await Promise.all([req('POST', `/guide-task-rules/${rule.id}/run`), req('POST', `/guide-task-rules/${rule.id}/run`)]);
    expect(runs.map((r) => r.statusCode), runs[1]!.body).toEqual([200, 200]);
    expect(runs.reduce((n, r) => n + r.json().created, 0)).toBe(4);
    expect(runs.map((r) => r.json().without_guide)).toEqual([1, 1]);
    const again = await ok('POST', `/guide-task-rules/${rule.id}/run`);
    expect(again).toEqual({ created: 0, already_open: 4, without_guide: 1 });
    const generated = await tasks(`rule_id=${rule.id}`);
    expect(generated).toHaveLength(4);
    expect(new Set(generated.map((g) => g.member_id))).toEqual(new Set([...members, explicit]));
    expect(generated.find((g) => g.member_id === explicit)!.guide_id).toBe(zhang.id);
    expect(generated[0]!.title).toMatch(/^致电 M\d+：积分 7 天内到期$/);
    // Done, a rerun gives that member a new task; undoing the old one then would make two open ones: refused.
    const target = generated.find((g) => g.member_id === members[0])!;
    await ok('POST', `/guide-tasks/${target.id}/done`);
    expect(await ok('POST', `/guide-task-rules/${rule.id}/run`)).toEqual({ created: 1, already_open: 3, without_guide: 1 });
    const undo = await req('POST', `/guide-tasks/${target.id}/undone`);
    expect(undo.statusCode).toBe(409);
    expect(undo.json()).toMatchObject({ code: 'GUIDE_TASK_DUPLICATE' });
    await ok('PUT', `/guide-task-rules/${rule.id}`, { name: '积分到期提醒', segment_id: segment.id, title_template: 'x', due_in_days: 3, status: 'paused' });
    expect((await req('POST', `/guide-task-rules/${rule.id}/run`)).json().code).toBe('GUIDE_TASK_RULE_PAUSED');
  });

  it('makes a follow-up task for the member’s guide from a journey step, once per visit, and skips members without a guide', async () => {
    const withGuide = await member({ home_store_id: storeId });
    const orphan = await member({ home_store_id: otherStoreId });
    const step = (title: string) => line([{ id: 'task', type: 'guide_task', config: { title, due_in_days: 2 } }]);
    const bad = await ok('POST', '/journeys', { name: '坏模板', graph: step('{{ member_no ') });
    const refused = await req('POST', `/journeys/${bad.id}/publish`);
    expect(refused.statusCode).toBe(400);
    expect(refused.json().errors).toContainEqual(expect.objectContaining({ field: 'graph.nodes.1.config.title', code: 'invalid_template' }));
    const journey = await ok('POST', '/journeys', { name: '沉睡唤醒', graph: step('回访 {{ member_no }}，{{ due_date }} 前') });
    await ok('POST', `/journeys/${journey.id}/publish`);
    await ok('POST', `/journeys/${journey.id}/enter`, { member_ids: [withGuide, orphan] });
    await drain();
    await drain();
    const made = (await tasks('kind=journey')).filter((x) => x.member_id === withGuide || x.member_id === orphan);
    expect(made).toHaveLength(1);
    expect(made[0]).toMatchObject({ member_id: withGuide, status: 'open' });
    expect(made[0]!.title).toMatch(/^回访 M\d+，\d{4}-\d{2}-\d{2} 前$/);
    const entryOf = async (memberId: string) => (await ok('GET', `/journeys/${journey.id}/entries?limit=10&member_id=${memberId}`)).data[0] as { status: string; steps: { step_id: string; outcome: string }[] };
    for (const [memberId, outcome] of [[withGuide, 'done'], [orphan, 'skipped']] as const) {
      const entry = await entryOf(memberId);
      expect(entry.status).toBe('exited');
      expect(entry.steps.find((x) => x.step_id === 'task')!.outcome).toBe(outcome);
    }
    // Entering again is a new visit of an every-time journey: a second task, which the guide can tell apart by its date.
    await ok('POST', `/journeys/${journey.id}/enter`, { member_ids: [withGuide] });
    await drain();
    expect((await tasks(`kind=journey&member_id=${withGuide}`))).toHaveLength(2);
  });

  it('credits an order after a completed task to the guide once, even when the order hook runs twice', async () => {
    await ok('PUT', '/guides/settings', { conversion_window_days: 7, welcome_enabled: true, welcome_title: '欢迎 {{ member_no }}', welcome_due_days: 1 });
    const m = await member();
    await ok('POST', '/guides/assignments', { member_ids: [m], guide_id: zhang.id, reason: '' });
    const task = await ok('POST', '/guide-tasks', { member_id: m, title: '邀请试饮新茶', due_in_days: 2 });
    const before = await order(m, 5000);
    const done = await ok('POST', `/guide-tasks/${task.id}/done`, undefined, zhang.auth);
    expect(done).toMatchObject({ status: 'done', done_by: 'zhang@brand.test' });
    expect(done.history.map((h: { action: string }) => h.action)).toEqual(['created', 'done']);
    clock.advance(2 * DAY);
    const converted = await order(m, 12800);
    // The hook again, as a redelivery would run it: the order stays credited once.
    await withTransaction(t.deps.db, (trx) => t.deps.orderHooks.runAfterMemberOrders(trx, t.deps, a.ctx, [converted]));
    await withTransaction(t.deps.db, (trx) => t.deps.orderHooks.runAfterMemberOrders(trx, t.deps, a.ctx, [converted]));
    const credited = await t.deps.db.selectFrom('guide_conversions').selectAll().where('tenant_id', '=', a.tenantId).where('member_id', '=', m).execute();
    expect(credited.map((c) => [c.order_id, c.guide_id, c.task_id, c.via, Number(c.revenue_fen)])).toEqual([[converted.id, zhang.id, task.id, 'task', 12800]]);
    expect(credited.some((c) => c.order_id === before.id)).toBe(false);
    clock.advance(8 * DAY);
    await order(m, 9900);
    expect((await t.deps.db.selectFrom('guide_conversions').select('order_id').where('tenant_id', '=', a.tenantId).where('member_id', '=', m).execute()).length).toBe(1);
    const board = await ok('GET', '/guides/leaderboard?from=2026-11-01&to=2026-11-30');
    expect(board.time_zone).toBe('Asia/Shanghai');
    const row = board.rows.find((r: { guide_id: string }) => r.guide_id === zhang.id);
    expect(row).toMatchObject({ conversions: 1, revenue_fen: 12800 });
    expect(row.tasks_done).toBeGreaterThanOrEqual(1);
    expect(board.rows[0].guide_id).toBe(zhang.id);
    expect((await req('GET', '/guides/leaderboard?from=2026-11-30&to=2026-11-01')).json().errors[0]).toMatchObject({ field: 'to' });
    // Refunds come off the credit: part of it lowers the revenue, all of it takes the conversion away.
    await ok('POST', `/orders/${converted.id}/refunds`, { external_refund_id: 'G-R1', amount_fen: 2800 });
    expect((await ok('GET', '/guides/leaderboard?from=2026-11-01&to=2026-11-30')).rows.find((r: { guide_id: string }) => r.guide_id === zhang.id)).toMatchObject({ conversions: 1, revenue_fen: 10000 });
    await ok('POST', `/orders/${converted.id}/refunds`, { external_refund_id: 'G-R2', amount_fen: 10000 });
    expect((await ok('GET', '/guides/leaderboard?from=2026-11-01&to=2026-11-30')).rows.find((r: { guide_id: string }) => r.guide_id === zhang.id)).toMatchObject({ conversions: 0, revenue_fen: 0 });
    // Undone, it keeps its who-and-when trail.
    const undone = await ok('POST', `/guide-tasks/${task.id}/undone`, undefined, zhang.auth);
    expect(undone).toMatchObject({ status: 'open', done_at: null });
    expect(undone.history.map((h: { action: string; by: string }) => `${h.action}:${h.by}`).slice(1)).toEqual(['done:zhang@brand.test', 'undone:zhang@brand.test']);
  });

  it('shows a guide their own member in the sidebar, masked and audited, and nobody else’s', async () => {
    const m = await member({ email: 'fang@example.com' });
    await ok('POST', '/guides/assignments', { member_ids: [m], guide_id: li.id, reason: '' });
    const sidebar = await ok('GET', `/guide-sidebar/${m}`, undefined, li.auth);
    expect(sidebar.member.phone).toMatch(/\*/);
    expect(sidebar.member.email).not.toBe('fang@example.com');
    expect(sidebar).toMatchObject({ guide_id: li.id, coupons: [], recent_orders: [] });
    expect(sidebar.points).toHaveProperty('balance');
    expect((await req('GET', `/guide-sidebar/${m}`, undefined, zhang.auth)).statusCode).toBe(404);
    const audit = await t.deps.db.selectFrom('audit_log').select(['actor_id', 'resource_id']).where('tenant_id', '=', a.tenantId).where('action', '=', 'guide.member_viewed').execute();
    expect(audit).toEqual([{ actor_id: li.id, resource_id: m }]);
    expect((await req('GET', '/guides/settings', undefined, li.auth)).statusCode).toBe(403);
  });

  it('credits each order at most once, to the guide of the latest touch within the window, whatever the sequence (property)', async () => {
    const step = fc.oneof(
      fc.record({ kind: fc.constant('task' as const), guide: fc.integer({ min: 0, max: 1 }), hours: fc.integer({ min: 1, max: 100 }) }),
      fc.record({ kind: fc.constant('order' as const), fen: fc.integer({ min: 1, max: 50_000 }), hours: fc.integer({ min: 0, max: 100 }), hookTwice: fc.boolean() }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 6 }), async (steps) => {
        const m = await member();
        const guides = [zhang.id, li.id];
        const touches: { at: number; guide: string }[] = [];
        const expected = new Map<string, { guide: string; fen: number }>();
        for (const s of steps) {
          clock.advance(s.hours * 3_600_000);
          if (s.kind === 'task') {
            await ok('POST', '/guides/assignments', { member_ids: [m], guide_id: guides[s.guide], reason: '' });
            const task = await ok('POST', '/guide-tasks', { member_id: m, title: '跟进', due_in_days: 1 });
            await ok('POST', `/guide-tasks/${task.id}/done`);
            touches.push({ at: clock.now().getTime(), guide: guides[s.guide]! });
            continue;
          }
          const placed = await order(m, s.fen);
          if (s.hookTwice) await withTransaction(t.deps.db, (trx) => t.deps.orderHooks.runAfterMemberOrders(trx, t.deps, a.ctx, [placed]));
          const at = clock.now().getTime();
          const latest = touches.filter((x) => x.at <= at && x.at > at - 7 * DAY).at(-1);
          if (latest) expected.set(placed.id, { guide: latest.guide, fen: s.fen });
        }
        const credited = await t.deps.db.selectFrom('guide_conversions').select(['order_id', 'guide_id', 'revenue_fen']).where('tenant_id', '=', a.tenantId).where('member_id', '=', m).execute();
        expect(new Map(credited.map((c) => [c.order_id, { guide: c.guide_id, fen: Number(c.revenue_fen) }]))).toEqual(expected);
        expect(credited.reduce((sum, c) => sum + Number(c.revenue_fen), 0)).toBe([...expected.values()].reduce((sum, e) => sum + e.fen, 0));
      }),
      { numRuns: 12 },
    );
  });

  it('moves tasks and conversions to the survivor of a merge, keeping one open task per rule and the survivor’s guide', async () => {
    const keep = await member();
    const gone = await member();
    await ok('POST', '/guides/assignments', { member_ids: [keep], guide_id: zhang.id, reason: '' });
    await ok('POST', '/guides/assignments', { member_ids: [gone], guide_id: li.id, reason: '' });
    const segment = await ok('POST', '/segments', { name: '合并测试', kind: 'static' });
    await ok('POST', `/segments/${segment.id}/members`, { action: 'add', member_ids: [keep, gone] });
    const rule = await ok('POST', '/guide-task-rules', { name: '回访', segment_id: segment.id, title_template: '回访 {{ member_no }}', due_in_days: 1 });
    expect((await ok('POST', `/guide-task-rules/${rule.id}/run`)).created).toBe(2);
    await ok('POST', `/members/${keep}/merge`, { from_member_id: gone, reason: '同一人' });
    const survivorTasks = await tasks(`member_id=${keep}`);
    expect(survivorTasks).toHaveLength(2);
    expect(survivorTasks.filter((x) => x.status === 'open')).toHaveLength(2);
    const guide = await ok('GET', `/members/${keep}/guide`);
    expect(guide.guide.guide_id).toBe(zhang.id);
    expect(guide.history.length).toBeGreaterThanOrEqual(2);
    expect(await ok('POST', `/guide-task-rules/${rule.id}/run`)).toMatchObject({ created: 0 });
    expect(await tasks(`member_id=${gone}`)).toHaveLength(0);
  });

  it('moves a leaving guide’s members and open tasks to another guide, with history', async () => {
    const m = await member();
    await ok('POST', '/guides/assignments', { member_ids: [m], guide_id: li.id, reason: '' });
    const task = await ok('POST', '/guide-tasks', { member_id: m, title: '回访', due_in_days: 1 });
    const before = (await ok('GET', `/guides/${li.id}`)).members as number;
    const left = await ok('POST', `/guides/${li.id}/leave`, { to_guide_id: zhang.id, reason: '离职' });
    expect(left).toEqual({ members: before, moved: before, unassigned: 0 });
    expect((await ok('GET', `/guides/${li.id}`)).members).toBe(0);
    expect((await ok('GET', `/guide-tasks/${task.id}`)).guide_id).toBe(zhang.id);
    const history = await ok('GET', `/members/${m}/guide`);
    expect(history.guide.guide_id).toBe(zhang.id);
    expect(history.history[0]).toMatchObject({ from_guide_id: li.id, to_guide_id: zhang.id, reason: '离职' });
    expect((await req('POST', '/guides/assignments', { member_ids: [m], guide_id: li.id })).json().errors[0]).toMatchObject({ field: 'guide_id' });
  });

  it('runs the daily task rules from 09:00 in each brand’s own zone, once a local day', async () => {
    expect((await req('PATCH', '/tenant', { time_zone: 'America/New_York' }, b.auth)).statusCode).toBe(200);
    const ruleIn = async (tenant: TestTenant) => {
      const segment = await ok('POST', '/segments', { name: '每日跟进', kind: 'static' }, tenant.auth);
      return (await ok('POST', '/guide-task-rules', { name: '每日跟进', segment_id: segment.id, title_template: '跟进 {{ member_no }}', due_in_days: 1 }, tenant.auth)).id as string;
    };
    const [shanghai, newYork] = [await ruleIn(a), await ruleIn(b)];
    const lastRun = async (tenant: TestTenant, id: string) => (await ok('GET', `/guide-task-rules/${id}`, undefined, tenant.auth)).last_run_at as string | null;
    let key = 0;
    const runDaily = async (iso: string) => {
      clock.set(new Date(iso));
      await enqueueJob(t.deps.db, t.deps.jobs, { tenantId: PLATFORM_TENANT_ID, name: 'guides.rules_daily', key: `daily-${++key}` });
      await drain();
    };
    // 20:00 in Shanghai, 07:00 in New York: only the Shanghai rule is due.
    await runDaily('2026-11-21T12:00:00Z');
    expect([await lastRun(a, shanghai), await lastRun(b, newYork)]).toEqual(['2026-11-21T12:00:00.000Z', null]);
    // 09:00 in New York: its rule runs; Shanghai's has run today already.
    await runDaily('2026-11-21T14:00:00Z');
    expect([await lastRun(a, shanghai), await lastRun(b, newYork)]).toEqual(['2026-11-21T12:00:00.000Z', '2026-11-21T14:00:00.000Z']);
    // 09:00 the next day in Shanghai.
    await runDaily('2026-11-22T01:00:00Z');
    expect([await lastRun(a, shanghai), await lastRun(b, newYork)]).toEqual(['2026-11-22T01:00:00.000Z', '2026-11-21T14:00:00.000Z']);
  });
});
