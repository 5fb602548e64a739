import crypto from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorker } from '../../jobs/runner.ts';
import { createTestApp, createTestTenant, type TestApp, type TestTenant } from '../../test/app.ts';
import { createTestClock } from '../../test/deps.ts';
import { startWecomFake, type FakeCorp } from '../wecom/test-peers/wecom-fake.ts';

describe('groups: broadcasts through WeCom under the caps and quiet hours, welcome on join', () => {
  // December 2026: later than the database's real time, so a job waits until the test makes it due (runDue).
  const clock = createTestClock(new Date('2026-12-01T03:00:00Z')); // Tuesday 11:00 in Shanghai
  const at = (iso: string) => Math.floor(Date.parse(iso) / 1000);
  const member = (userid: string, joined: string) => ({ userid, type: 2, join_time: at(joined), join_scene: 3, unionid: `union-${userid}` });
  const corp: FakeCorp = {
    corpId: 'wwgroups000000001',
    secret: 'groups-secret',
    departments: [{ id: 1, name: '总部', parentid: 0 }],
    users: [
      { userid: 'lisi', name: '李四', department: [1], status: 1 },
      { userid: 'wangwu', name: '王五', department: [1], status: 1 },
    ],
    contacts: new Map(),
    groups: new Map([
      ['wrA', { chat_id: 'wrA', name: '咖啡 1 群', owner: 'lisi', create_time: at('2026-10-01T00:00:00Z'), member_list: [{ userid: 'lisi', type: 1, join_time: at('2026-10-01T00:00:00Z') }, member('wmA1', '2026-10-02T00:00:00Z')] }],
      ['wrB', { chat_id: 'wrB', name: '咖啡 2 群', owner: 'lisi', create_time: at('2026-10-01T00:00:00Z'), member_list: [member('wmB1', '2026-10-02T00:00:00Z')] }],
      ['wrC', { chat_id: 'wrC', name: '茶 1 群', owner: 'wangwu', create_time: at('2026-10-01T00:00:00Z'), member_list: [member('wmC1', '2026-10-02T00:00:00Z')] }],
    ]),
  };
  let fake: Awaited<ReturnType<typeof startWecomFake>>;
  let t: TestApp;
  let a: TestTenant;
  let b: TestTenant;
  const groupId: Record<string, string> = {};
  const req = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object, tenant: TestTenant = a) => t.app.inject({ method, url, payload, headers: tenant.auth });
  /** Makes the jobs due by the test clock due now, and runs everything due (two workers, as two processes would). */
  const runDue = async () => {
    await sql`update jobs set run_at = now() where status = 'queued' and run_at <= ${clock.now()} and run_at > now()`.execute(t.deps.db);
    await Promise.all([createWorker(t.deps, { concurrency: 3 }).drain(), createWorker(t.deps, { concurrency: 3 }).drain()]);
  };
  const groupMessages = () => fake.msgTemplates.filter((m) => m.chat_type === 'group') as { sender: string; chat_id_list: string[]; text: { content: string } }[];
  const broadcast = async (name: string, chats: string[], extra: object = {}) => {
    const res = await req('POST', '/api/v1/group-broadcasts', { name, text: `${name}：本周新品第二杯半价`, group_ids: chats.map((c) => groupId[c]), ...extra });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  };
  const targets = async (id: string) => Object.fromEntries(((await req('GET', `/api/v1/group-broadcasts/${id}`)).json().targets as { group_id: string; status: string; reason: string | null }[]).map((x) => [Object.keys(groupId).find((c) => groupId[c] === x.group_id) ?? x.group_id, `${x.status}${x.reason ? `:${x.reason}` : ''}`]));

  beforeAll(async () => {
    fake = await startWecomFake(corp);
    t = await createTestApp({ clock, env: { HEARTH_SECRETS_KEY: crypto.randomBytes(32).toString('base64'), HEARTH_WECOM_API_BASE: fake.url } });
    a = await createTestTenant(t.deps);
    b = await createTestTenant(t.deps);
    expect((await req('PUT', '/api/v1/wecom/settings', { corp_id: corp.corpId, secret: corp.secret })).statusCode).toBe(200);
    expect((await req('POST', '/api/v1/wecom/sync')).statusCode).toBe(202);
    await runDue();
    const groups = (await req('GET', '/api/v1/groups')).json().data as { id: string; chat_id: string; owner_userid: string; member_count: number }[];
    for (const g of groups) groupId[g.chat_id] = g.id;
    const settings = (await req('GET', '/api/v1/messaging/settings')).json();
    expect((await req('PUT', '/api/v1/messaging/settings', { ...settings, caps: { wecom_group: { per_day: 1, per_week: 2 } } })).statusCode).toBe(200);
  });
  afterAll(async () => {
    await t.close();
    await fake.close();
  });

  it('links every synced WeCom group into the catalogue with its owner and size', async () => {
    const groups = (await req('GET', '/api/v1/groups')).json().data as { chat_id: string; owner_userid: string; member_count: number; name: string; pool_id: string | null }[];
    expect(groups.map((g) => [g.chat_id, g.owner_userid, g.member_count, g.pool_id]).sort()).toEqual([
      ['wrA', 'lisi', 2, null],
      ['wrB', 'lisi', 1, null],
      ['wrC', 'wangwu', 1, null],
    ]);
    // The first sync's members are logged as joins for the stats, but nobody is welcomed for joining weeks ago.
    expect(await t.deps.db.selectFrom('group_member_changes').select('id').where('tenant_id', '=', a.tenantId).execute()).toHaveLength(3);
    expect(await t.deps.db.selectFrom('jobs').select('id').where('tenant_id', '=', a.tenantId).where('name', '=', 'groups.welcome').execute()).toEqual([]);
  });

  it('sends one WeCom task per owner, skips unlinked groups, and never passes the per-group day and week caps', async () => {
    const unlinked = (await req('POST', '/api/v1/groups', { name: '还没建的群' })).json().id as string;
    groupId.unlinked = unlinked;
    const first = await broadcast('周二', ['wrA', 'wrB', 'wrC', 'unlinked']);
    await runDue();
    expect(await targets(first)).toEqual({ wrA: 'sent', wrB: 'sent', wrC: 'sent', unlinked: 'skipped:not_linked' });
    expect((await req('GET', `/api/v1/group-broadcasts/${first}`)).json()).toMatchObject({ status: 'done', counts: { sent: 3, skipped: 1 } });
    expect(groupMessages().map((m) => [m.sender, [...m.chat_id_list].sort(), m.text.content]).sort()).toEqual([
      ['lisi', ['wrA', 'wrB'], '周二：本周新品第二杯半价'],
      ['wangwu', ['wrC'], '周二：本周新品第二杯半价'],
    ]);

    // Same local day: over the daily cap of one, with the reason; WeCom gets nothing.
    const again = await broadcast('周二再发', ['wrA']);
    await runDue();
    expect(await targets(again)).toEqual({ wrA: 'skipped:cap_day' });
    expect(groupMessages()).toHaveLength(2);

    // Wednesday: two broadcasts to wrA at once (two workers): the day's cap lets exactly one through.
    clock.set(new Date('2026-12-02T03:00:00Z'));
    const [w1, w2] = [await broadcast('周三 1', ['wrA', 'wrC']), await broadcast('周三 2', ['wrA'])];
    await runDue();
    const wednesday = [await targets(w1), await targets(w2)];
    expect([wednesday[0]!.wrA, wednesday[1]!.wrA].sort()).toEqual(['sent', 'skipped:cap_day']);
    expect(wednesday[0]!.wrC).toBe('sent');
    // Thursday, same ISO week: wrA has had two this week.
    clock.set(new Date('2026-12-03T03:00:00Z'));
    const thursday = await broadcast('周四', ['wrA', 'wrB']);
    await runDue();
    expect(await targets(thursday)).toEqual({ wrA: 'skipped:cap_week', wrB: 'sent' });
    // Next Monday a new week starts.
    clock.set(new Date('2026-12-07T03:00:00Z'));
    const monday = await broadcast('下周一', ['wrA']);
    await runDue();
    expect(await targets(monday)).toEqual({ wrA: 'sent' });

    const sentToA = groupMessages().filter((m) => m.chat_id_list.includes('wrA'));
    expect(sentToA).toHaveLength(3); // Tuesday, one of Wednesday's two, Monday
  });

  it('retries a broadcast WeCom answered busy, and records a real refusal as failed', async () => {
    clock.set(new Date('2026-12-14T03:00:00Z'));
    const busy = await broadcast('繁忙', ['wrC']);
    fake.failNext(-1);
    await runDue();
    expect(await targets(busy)).toEqual({ wrC: 'sending' });
    expect(groupMessages().filter((m) => m.text.content.startsWith('繁忙'))).toHaveLength(0);
    clock.advance(10 * 60_000);
    await runDue();
    expect(await targets(busy)).toEqual({ wrC: 'sent' });
    expect(groupMessages().filter((m) => m.text.content.startsWith('繁忙'))).toHaveLength(1);
    clock.set(new Date('2026-12-15T03:00:00Z'));
    const refused = await broadcast('拒绝', ['wrC']);
    fake.failNext(41048);
    await runDue();
    expect((await targets(refused)).wrC).toMatch(/^failed:WECOM_API_ERROR/);
  });

  it('defers a broadcast in quiet hours to their end in the tenant’s zone, and sends it then', async () => {
    clock.set(new Date('2026-12-08T14:30:00Z')); // 22:30 in Shanghai; quiet 21:00–09:00
    const before = groupMessages().length;
    const late = await broadcast('夜里', ['wrB']);
    await runDue();
    const detail = (await req('GET', `/api/v1/group-broadcasts/${late}`)).json();
    expect(detail).toMatchObject({ status: 'scheduled', send_at: '2026-12-09T01:00:00.000Z' });
    expect(detail.targets).toEqual([expect.objectContaining({ status: 'deferred', reason: 'quiet_hours', send_at: '2026-12-09T01:00:00.000Z' })]);
    expect(groupMessages()).toHaveLength(before);

    clock.set(new Date('2026-12-09T00:59:00Z'));
    await runDue();
    expect(groupMessages()).toHaveLength(before);
    clock.set(new Date('2026-12-09T01:00:00Z'));
    await runDue();
    expect(await targets(late)).toEqual({ wrB: 'sent' });
    expect(groupMessages()).toHaveLength(before + 1);

    // Scheduled for later and cancelled before: nothing goes out.
    const planned = await broadcast('计划', ['wrC'], { send_at: '2026-12-09T06:00:00Z' });
    expect((await req('POST', `/api/v1/group-broadcasts/${planned}/cancel`)).json()).toMatchObject({ status: 'cancelled', counts: { skipped: 1 } });
    clock.set(new Date('2026-12-09T06:00:00Z'));
    await runDue();
    expect(groupMessages()).toHaveLength(before + 1);
    expect((await req('POST', `/api/v1/group-broadcasts/${planned}/cancel`)).json()).toMatchObject({ status: 409, code: 'GROUP_BROADCAST_NOT_CANCELLABLE' });
  });

  it('refuses groups of another brand and hides broadcasts from it', async () => {
    const theirs = await req('POST', '/api/v1/group-broadcasts', { name: 'x', text: 'y', group_ids: [groupId.wrA] }, b);
    expect(theirs.statusCode).toBe(400);
    expect(theirs.json().errors).toEqual([expect.objectContaining({ field: 'group_ids.0', code: 'unknown_group' })]);
    expect((await req('GET', '/api/v1/group-broadcasts', undefined, b)).json().data).toEqual([]);
  });

  it('welcomes a burst of joins with one message from the owner, and routes scans to the group’s own join QR', async () => {
    clock.set(new Date('2026-12-10T03:00:00Z'));
    const pool = (await req('POST', '/api/v1/group-pools', { name: '咖啡', kind: 'theme', theme: '咖啡', welcome_text: '欢迎来到咖啡群！' })).json();
    const current = (await req('GET', `/api/v1/groups/${groupId.wrB}`)).json();
    const placed = await req('PUT', `/api/v1/groups/${groupId.wrB}`, { ...current, pool_id: pool.id });
    expect(placed.statusCode, placed.body).toBe(200);
    expect(placed.json().join_qr_url).toMatch(/^https:\/\/wework\.qpic\.cn\/wwpic\/jw-/);
    expect(fake.joinWays.at(-1)).toMatchObject({ chat_id_list: ['wrB'] });
    const routed = await t.app.inject({ method: 'POST', url: '/api/v1/public/groups/route', payload: { brand: a.slug, pool: pool.code, scanner: 'openid-1' } });
    expect(routed.json()).toMatchObject({ status: 'routed', group: { id: groupId.wrB, join_qr_url: placed.json().join_qr_url } });

    // Three people join within a minute; the wecom module learns it (here by a sync) and tells this module.
    clock.set(new Date('2026-12-10T03:01:00Z'));
    const wrB = corp.groups.get('wrB')!;
    for (const id of ['wmB2', 'wmB3', 'wmB4']) wrB.member_list.push(member(id, '2026-12-10T03:00:30Z'));
    expect((await req('POST', '/api/v1/wecom/sync')).statusCode).toBe(202);
    const before = groupMessages().length;
    await runDue();
    expect((await req('GET', `/api/v1/groups/${groupId.wrB}`)).json()).toMatchObject({ member_count: 4, held_seats: 0 });
    clock.set(new Date('2026-12-10T03:10:00Z')); // the welcome window (10 minutes) has ended
    await runDue();
    const welcomes = groupMessages().slice(before);
    expect(welcomes).toEqual([expect.objectContaining({ sender: 'lisi', chat_id_list: ['wrB'], text: { content: '欢迎来到咖啡群！' } })]);
  });
});
