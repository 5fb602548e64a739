import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestTenant, type TestApp, type TestTenant } from '../../test/app.ts';
import { createTestClock } from '../../test/deps.ts';
import { recordGroupMemberChange } from './membership.service.ts';
import { handleIncomingGroupMessage } from './replies.service.ts';

describe('groups: keyword auto-replies and group stats', () => {
  const clock = createTestClock(new Date('2026-11-23T04:00:00Z'));
  let t: TestApp;
  let a: TestTenant;
  let b: TestTenant;
  let n = 0;
  const req = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object, tenant: TestTenant = a) => t.app.inject({ method, url, payload, headers: tenant.auth });
  const member = async () => (await req('POST', '/api/v1/members/resolve', { identities: [{ type: 'store_card', value: `GR-${++n}` }], profile: { channel: 'store' } })).json().member.id as string;
  const order = async (memberId: string, fen: number, occurredAt: string) => {
    const response = await req('POST', '/api/v1/orders', { external_id: `GR-O-${++n}`, channel: 'store', member_id: memberId, lines: [{ sku: 'TEA', qty: 1, unit_price_fen: fen }], total_paid_fen: fen, occurred_at: occurredAt });
    expect(response.statusCode, response.body).toBe(201);
    return response.json().id as string;
  };
  const change = (chatId: string, kind: 'join' | 'leave', memberId: string | null, at: string) => recordGroupMemberChange(t.deps, a.ctx, { chatId, kind, externalUserId: `wm-${memberId ?? ++n}`, memberId, at: new Date(at) });

  beforeAll(async () => {
    t = await createTestApp({ clock });
    a = await createTestTenant(t.deps);
    b = await createTestTenant(t.deps);
    await req('POST', '/api/v1/products/bulk', { products: [{ sku: 'TEA', name: '茶', list_price_fen: 1000 }] });
  });
  afterAll(() => t.close());

  it('answers a group message with the most specific rule, the group’s before its pool’s, once per message', async () => {
    const pool = (await req('POST', '/api/v1/group-pools', { name: '咖啡', kind: 'theme', theme: '咖啡' })).json().id as string;
    const group = (await req('POST', '/api/v1/groups', { name: '咖啡 1 群', pool_id: pool, chat_id: 'wrReply1', owner_userid: 'lisi' })).json().id as string;
    const other = (await req('POST', '/api/v1/groups', { name: '茶 1 群', chat_id: 'wrReply2', owner_userid: 'lisi' })).json().id as string;
    const rule = async (body: object) => {
      const res = await req('POST', '/api/v1/groups/auto-replies', body);
      expect(res.statusCode, res.body).toBe(201);
      return res.json().id as string;
    };
    const hours = await rule({ pool_id: pool, keyword: '营业时间', match: 'contains', reply_text: '门店 9:00–22:00 营业' });
    const coupon = await rule({ pool_id: pool, keyword: '优惠', match: 'contains', reply_text: '本周拿铁第二杯半价' });
    const couponHere = await rule({ group_id: group, keyword: '优惠券', match: 'contains', reply_text: '本群专享券：回复「领券」' });
    const exact = await rule({ group_id: group, keyword: 'WiFi', match: 'exact', reply_text: '密码 coffee2026' });
    await rule({ group_id: group, keyword: '停用的', match: 'contains', reply_text: 'x', enabled: false });

    const test = async (groupId: string, text: string) => (await req('POST', '/api/v1/groups/auto-replies/test', { group_id: groupId, text })).json().reply?.id ?? null;
    expect(await test(group, '请问营业时间是几点？')).toBe(hours);
    expect(await test(group, '有优惠券吗')).toBe(couponHere); // the group's own rule and the longer keyword win
    expect(await test(group, '有什么优惠')).toBe(coupon);
    expect(await test(group, ' ｗｉｆｉ ')).toBe(exact); // full-width, spaces and case do not matter
    expect(await test(group, 'wifi 密码多少')).toBe(null); // exact means the whole message
    expect(await test(group, '停用的规则')).toBe(null);
    expect(await test(other, '营业时间')).toBe(null); // not in the pool

    const bad = await req('POST', '/api/v1/groups/auto-replies', { group_id: group, pool_id: pool, keyword: 'x', match: 'exact', reply_text: 'y' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toContain('group_id');
    expect((await req('POST', '/api/v1/groups/auto-replies', { group_id: group, keyword: 'x', match: 'exact', reply_text: 'y' }, b)).json().errors[0]).toMatchObject({ field: 'group_id', code: 'unknown_group' });

    const incoming = { chat_id: 'wrReply1', msg_id: 'm-1', sender: 'wmXYZ', text: '营业时间？', sent_at: '2026-11-23T04:00:00Z' };
    const first = await req('POST', '/api/v1/groups/incoming-messages', incoming);
    expect(first.json()).toEqual({ group_id: group, reply: { auto_reply_id: hours, text: '门店 9:00–22:00 营业' }, duplicate: false });
    expect((await req('POST', '/api/v1/groups/incoming-messages', incoming)).json()).toMatchObject({ reply: null, duplicate: true });
    const jobs = await t.deps.db.selectFrom('jobs').select('payload').where('tenant_id', '=', a.tenantId).where('name', '=', 'groups.auto_reply').execute();
    expect(jobs).toHaveLength(1);
    expect((await req('POST', '/api/v1/groups/incoming-messages', { ...incoming, chat_id: 'wrUnknown' })).json()).toEqual({ group_id: null, reply: null, duplicate: false });

    expect((await req('DELETE', `/api/v1/groups/auto-replies/${hours}`, undefined, b)).statusCode).toBe(404);
    expect((await req('DELETE', `/api/v1/groups/auto-replies/${hours}`)).statusCode).toBe(204);
    expect(await test(group, '营业时间')).toBe(null);
  });

  it('counts members, joins, leaves, active members and the orders of members who were in the group in the period', async () => {
    const g1 = (await req('POST', '/api/v1/groups', { name: '统计 A 群', chat_id: 'wrStats1', owner_userid: 'lisi' })).json().id as string;
    const g2 = (await req('POST', '/api/v1/groups', { name: '统计 B 群', chat_id: 'wrStats2', owner_userid: 'lisi' })).json().id as string;
    const [m1, m2, m3, m4, m5] = [await member(), await member(), await member(), await member(), await member()];
    await change('wrStats1', 'join', m1, '2026-10-01T02:00:00Z'); // before the period, still in
    await change('wrStats1', 'join', m2, '2026-11-05T02:00:00Z');
    await change('wrStats1', 'leave', m2, '2026-11-10T02:00:00Z'); // left in the period: counted
    await change('wrStats1', 'join', m3, '2026-10-01T02:00:00Z');
    await change('wrStats1', 'leave', m3, '2026-10-20T02:00:00Z'); // left before: not counted
    await change('wrStats1', 'join', null, '2026-11-06T02:00:00Z'); // a contact who is not a member
    await change('wrStats2', 'join', m1, '2026-11-02T02:00:00Z'); // in both groups
    await change('wrStats2', 'join', m4, '2026-11-02T02:00:00Z');
    await change('wrStats2', 'join', m5, '2026-12-02T02:00:00Z'); // joins after the period

    await order(m1, 1000, '2026-11-03T02:00:00Z');
    const partly = await order(m1, 2000, '2026-11-04T02:00:00Z');
    expect((await req('POST', `/api/v1/orders/${partly}/refunds`, { external_refund_id: 'GR-R1', amount_fen: 500 })).statusCode).toBe(201);
    await order(m2, 700, '2026-11-20T02:00:00Z');
    await order(m3, 900, '2026-11-20T02:00:00Z');
    await order(m4, 300, '2026-10-20T02:00:00Z'); // before the period
    await order(m5, 300, '2026-11-20T02:00:00Z');
    // The sender is known by the WeCom id their join was reported with.
    expect((await req('POST', '/api/v1/groups/incoming-messages', { chat_id: 'wrStats2', msg_id: 'talk-1', sender: `wm-${m4}`, text: '大家好', sent_at: '2026-11-15T02:00:00Z' })).statusCode).toBe(200);

    const res = await req('GET', `/api/v1/groups/stats?from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z`);
    expect(res.statusCode, res.body).toBe(200);
    const stats = res.json();
    const row = (id: string) => stats.groups.find((g: { group_id: string }) => g.group_id === id);
    expect(row(g1)).toMatchObject({ members: 2, joins: 2, leaves: 1, active_members: 2, buyers: 2, orders: 3, revenue_fen: 1000 + 1500 + 700 });
    expect(row(g2)).toMatchObject({ members: 3, joins: 2, leaves: 0, active_members: 2, buyers: 1, orders: 2, revenue_fen: 2500 });
    // m1 is in both groups: the totals count them once.
    expect(stats.totals).toMatchObject({ buyers: 2, orders: 3, revenue_fen: 3200, active_members: 3, joins: 4, leaves: 1 });

    const backwards = await req('GET', `/api/v1/groups/stats?from=2026-12-01T00:00:00Z&to=2026-11-01T00:00:00Z`);
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json().errors[0].field).toBe('to');
    expect((await req('GET', `/api/v1/groups/stats?from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z`, undefined, b)).json().groups).toEqual([]);
  });

  it('a merge moves the member’s joins and messages to the survivor; erasure detaches them and blanks the WeCom ids', async () => {
    await req('POST', '/api/v1/groups', { name: '隐私群', chat_id: 'wrPrivacy', owner_userid: 'lisi' });
    const [keeper, merged] = [await member(), await member()];
    await recordGroupMemberChange(t.deps, a.ctx, { chatId: 'wrPrivacy', kind: 'join', externalUserId: 'wmSecret', memberId: merged, at: new Date('2026-11-20T02:00:00Z') });
    await handleIncomingGroupMessage(t.deps, a.ctx, { chatId: 'wrPrivacy', msgId: 'p-1', sender: 'wmSecret', text: '你好', sentAt: new Date('2026-11-20T03:00:00Z') });
    expect((await req('POST', `/api/v1/members/${keeper}/merge`, { from_member_id: merged, reason: '同一人' })).statusCode).toBe(200);
    const section = (await req('GET', `/api/v1/members/${keeper}/export`)).json();
    expect(JSON.stringify(section)).toContain('隐私群');
    const rows = () => Promise.all([
      t.deps.db.selectFrom('group_member_changes').select(['member_id', 'external_userid']).where('tenant_id', '=', a.tenantId).where('external_userid', '=', 'wmSecret').execute(),
      t.deps.db.selectFrom('group_messages').select(['member_id', 'sender']).where('tenant_id', '=', a.tenantId).where('msg_id', '=', 'p-1').execute(),
    ]);
    expect(await rows()).toEqual([[{ member_id: keeper, external_userid: 'wmSecret' }], [{ member_id: keeper, sender: 'wmSecret' }]]);
    expect((await req('POST', `/api/v1/members/${keeper}/erase`, { reason: '会员申请注销' })).statusCode).toBe(200);
    expect(await rows()).toEqual([[], [{ member_id: null, sender: 'erased' }]]);
  });
});
