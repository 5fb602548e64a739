import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestTenant, type TestApp, type TestTenant } from '../../test/app.ts';
import { createTestClock } from '../../test/deps.ts';
import { recordGroupMemberChange } from './membership.service.ts';

describe('groups: catalogue and routing a pool’s QR to a group with room', () => {
  const clock = createTestClock(new Date('2026-11-23T04:00:00Z'));
  let t: TestApp;
  let a: TestTenant;
  let b: TestTenant;
  let chat = 0;
  const req = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object, tenant: TestTenant = a) => t.app.inject({ method, url, payload, headers: tenant.auth });
  const newPool = async (name: string) => {
    const res = await req('POST', '/api/v1/group-pools', { name, kind: 'theme', theme: name });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string; code: string; link: string };
  };
  const newGroup = async (poolId: string | null, extra: object = {}) => {
    const chatId = `wrOgQhDgAA${++chat}`;
    const res = await req('POST', '/api/v1/groups', { name: `群 ${chat}`, pool_id: poolId, chat_id: chatId, owner_userid: 'zhangsan', join_qr_url: `https://wework.qpic.cn/wwpic/${chatId}.png`, ...extra });
    expect(res.statusCode, res.body).toBe(201);
    return { id: res.json().id as string, chatId };
  };
  const members = (chatId: string, count: number) => recordGroupMemberChange(t.deps, a.ctx, { chatId, kind: 'join', externalUserId: null, memberId: null, at: clock.now(), memberCount: count });
  const scan = (code: string, scanner?: string, brand = a.slug) => t.app.inject({ method: 'POST', url: '/api/v1/public/groups/route', payload: { brand, pool: code, scanner }, remoteAddress: `10.1.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}` });
  const events = async (type: string) => (await t.deps.db.selectFrom('domain_events').select('payload').where('tenant_id', '=', a.tenantId).where('type', '=', type).execute()).map((e) => e.payload as Record<string, unknown>);

  beforeAll(async () => {
    t = await createTestApp({ clock });
    a = await createTestTenant(t.deps);
    b = await createTestTenant(t.deps);
    expect((await req('PUT', '/api/v1/groups/settings', { safety_margin: 2, hold_minutes: 10, welcome_window_minutes: 10 })).statusCode).toBe(200);
  });
  afterAll(() => t.close());

  it('keeps a catalogue by store, theme and tier, refuses what is not the brand’s, and hides other brands’ groups', async () => {
    const store = (await req('POST', '/api/v1/stores', { code: 'SH01', name: '上海静安店' })).json().id as string;
    const created = await req('POST', '/api/v1/groups', { name: '静安店宝妈群', store_id: store, theme: '母婴', capacity: 200 });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ name: '静安店宝妈群', store_id: store, theme: '母婴', capacity: 200, member_count: 0, held_seats: 0, seats_left: 198, status: 'active', chat_id: null });
    const listed = (await req('GET', `/api/v1/groups?store_id=${store}`)).json();
    expect(listed.data.map((g: { id: string }) => g.id)).toEqual([created.json().id]);

    const badStore = await req('POST', '/api/v1/groups', { name: 'x', store_id: '0195f7a0-0000-7000-8000-000000000000' });
    expect(badStore.statusCode).toBe(400);
    expect(badStore.json().errors).toEqual([expect.objectContaining({ field: 'store_id', code: 'unknown_store' })]);
    const badTier = await req('POST', '/api/v1/groups', { name: 'x', tier_id: '0195f7a0-0000-7000-8000-000000000000' });
    expect(badTier.json().errors).toEqual([expect.objectContaining({ field: 'tier_id', code: 'unknown_tier' })]);
    const tooBig = await req('POST', '/api/v1/groups', { name: 'x', capacity: 501 });
    expect(tooBig.statusCode).toBe(400);
    expect(tooBig.json().errors[0].field).toContain('capacity');
    const storePoolWithoutStore = await req('POST', '/api/v1/group-pools', { name: 'x', kind: 'store' });
    expect(storePoolWithoutStore.json().errors).toEqual([expect.objectContaining({ field: 'store_id' })]);

    const withChat = await req('POST', '/api/v1/groups', { name: '甲', chat_id: 'wrChatTaken' });
    expect(withChat.statusCode).toBe(201);
    const sameChat = await req('POST', '/api/v1/groups', { name: '乙', chat_id: 'wrChatTaken' });
    expect(sameChat.statusCode).toBe(409);
    expect(sameChat.json().errors[0].field).toBe('chat_id');

    expect((await req('GET', `/api/v1/groups/${created.json().id}`, undefined, b)).statusCode).toBe(404);
    expect((await req('PUT', `/api/v1/groups/${created.json().id}`, { name: 'mine now' }, b)).statusCode).toBe(404);
    expect((await req('GET', '/api/v1/groups', undefined, b)).json().data).toEqual([]);
  });

  it('never sends a scan to a full group, also under 40 concurrent scans, and signals once that the pool is full', async () => {
    const pool = await newPool('咖啡爱好者');
    expect(pool.link).toMatch(new RegExp(`/api/v1/public/groups/${a.slug}/${pool.code}$`));
    // Room is capacity − safety margin (2) − members: 3 seats in the first, 2 in the second, none in the third.
    const first = await newGroup(pool.id, { capacity: 25 });
    const second = await newGroup(pool.id, { capacity: 24 });
    const third = await newGroup(pool.id, { capacity: 30 });
    await members(first.chatId, 20);
    await members(second.chatId, 20);
    await members(third.chatId, 28);
    await newGroup(pool.id, { capacity: 200, status: 'closed' });
    await newGroup(pool.id, { capacity: 200, join_qr_url: null });
    expect((await req('GET', `/api/v1/group-pools/${pool.id}`)).json()).toMatchObject({ groups: 5, seats_left: 5, all_full_since: null });

    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => scan(pool.code, `openid-${i}`)));
    expect(results.every((r) => r.statusCode === 200)).toBe(true);
    const routed = results.map((r) => r.json()).filter((r) => r.status === 'routed');
    expect(routed).toHaveLength(5);
    const perGroup = (id: string) => routed.filter((r) => r.group.id === id).length;
    expect([perGroup(first.id), perGroup(second.id), perGroup(third.id)]).toEqual([3, 2, 0]);
    expect(results.map((r) => r.json()).filter((r) => r.status === 'full')).toHaveLength(35);
    for (const g of [first, second, third]) {
      const view = (await req('GET', `/api/v1/groups/${g.id}`)).json();
      expect(view.member_count + view.held_seats).toBeLessThanOrEqual(view.capacity - 2);
      expect(view.seats_left).toBe(0);
    }
    const full = await events('group.pool_full');
    expect(full).toEqual([{ pool_id: pool.id, name: '咖啡爱好者' }]);
    expect((await req('GET', `/api/v1/group-pools/${pool.id}`)).json()).toMatchObject({ seats_left: 0, all_full_since: clock.now().toISOString() });

    // The printed QR's link answers the same: no group to send anyone to.
    const viaLink = await t.app.inject({ method: 'GET', url: `/api/v1/public/groups/${a.slug}/${pool.code}` });
    expect(viaLink.statusCode).toBe(409);
    expect(viaLink.json()).toMatchObject({ code: 'GROUP_POOL_FULL' });
  });

  it('holds a seat for a repeat scan, frees it when the hold runs out, and uses it up when the scanner joins', async () => {
    const pool = await newPool('烘焙');
    const group = await newGroup(pool.id, { capacity: 5 });
    await members(group.chatId, 1);
    // 5 − 2 − 1 = 2 seats.
    const one = (await scan(pool.code, 'openid-a')).json();
    expect(one).toMatchObject({ status: 'routed', group: { id: group.id, join_qr_url: `https://wework.qpic.cn/wwpic/${group.chatId}.png` } });
    const again = (await scan(pool.code, 'openid-a')).json();
    expect(again.hold_id).toBe(one.hold_id);
    const two = (await scan(pool.code, 'openid-b')).json();
    expect(two.status).toBe('routed');
    expect((await scan(pool.code, 'openid-c')).json().status).toBe('full');

    // openid-a joins: the member count goes up and their hold is used, so the seat is not counted twice.
    await recordGroupMemberChange(t.deps, a.ctx, { chatId: group.chatId, kind: 'join', externalUserId: 'wmA', memberId: null, at: clock.now() });
    expect((await req('GET', `/api/v1/groups/${group.id}`)).json()).toMatchObject({ member_count: 2, held_seats: 1, seats_left: 0 });
    // openid-b never joins: after the hold the seat is free again, and the pool's full flag clears.
    clock.advance(11 * 60_000);
    expect((await req('GET', `/api/v1/groups/${group.id}`)).json()).toMatchObject({ held_seats: 0, seats_left: 1 });
    const later = await t.app.inject({ method: 'GET', url: `/api/v1/public/groups/${a.slug}/${pool.code}?scanner=openid-c` });
    expect(later.statusCode).toBe(302);
    expect(later.headers.location).toBe(`https://wework.qpic.cn/wwpic/${group.chatId}.png`);
    // A new group in the pool is routed to once the first is full.
    const next = await newGroup(pool.id, { capacity: 200 });
    expect((await scan(pool.code, 'openid-d')).json()).toMatchObject({ status: 'routed', group: { id: next.id } });
  });

  it('answers 404 for an unknown brand or pool, and refuses an archived pool', async () => {
    const pool = await newPool('露营');
    expect((await scan(pool.code, undefined, b.slug)).statusCode).toBe(404);
    expect((await scan('nope', undefined)).statusCode).toBe(404);
    expect((await req('PUT', `/api/v1/group-pools/${pool.id}`, { name: '露营', kind: 'theme', theme: '露营', status: 'archived' })).statusCode).toBe(200);
    const archived = await scan(pool.code);
    expect(archived.statusCode).toBe(409);
    expect(archived.json().code).toBe('GROUP_POOL_ARCHIVED');
  });

  it('routes a channel code whose target is a pool through the same routing, to the member center once all are full', async () => {
    const pool = await newPool('渠道');
    const group = await newGroup(pool.id, { capacity: 3 }); // 3 − 2 = one seat
    const code = await req('POST', '/api/v1/channel-codes', { name: '门店桌贴 · 入群', source_kind: 'campaign', campaign: '社群拉新', target_kind: 'group', group_ref: pool.id });
    expect(code.statusCode, code.body).toBe(201);
    const scan = () => t.app.inject({ method: 'GET', url: `/api/v1/public/channel-codes/${a.tenantId}/${code.json().id}` });
    const first = await scan();
    expect(first.statusCode).toBe(302);
    expect(first.headers.location).toBe(`https://wework.qpic.cn/wwpic/${group.chatId}.png`);
    const second = await scan();
    expect(second.statusCode).toBe(302);
    expect(second.headers.location).toContain('group_full=1');
    expect((await req('GET', `/api/v1/groups/${group.id}`)).json()).toMatchObject({ held_seats: 1, seats_left: 0 });
  });
});
