import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSRF_HEADER } from '@hearth/contracts/auth';
import { createWorker } from '../../jobs/runner.ts';
import { createTestApp, createTestTenant, type TestApp, type TestTenant } from '../../test/app.ts';
import { createTestClock } from '../../test/deps.ts';
import { startWecomFake, type FakeCorp } from '../wecom/test-peers/wecom-fake.ts';

const DAY = 86_400_000;

describe('store guides through WeCom (against the local WeCom fake)', () => {
  const clock = createTestClock(new Date('2026-11-20T02:00:00Z'));
  const at = (iso: string) => Math.floor(Date.parse(iso) / 1000);
  const corp: FakeCorp = {
    corpId: 'ww00guides000000',
    secret: 'guides-secret-1',
    departments: [{ id: 1, name: '总部', parentid: 0 }],
    users: [
      { userid: 'zhangsan', name: '张三', department: [1], status: 1 },
      { userid: 'lisi', name: '李四', department: [1], status: 1 },
      { userid: 'wangwu', name: '王五', department: [1], status: 1 },
    ],
    contacts: new Map([
      ['wmA', { external_contact: { external_userid: 'wmA', name: '小红', type: 1, unionid: 'union-A' }, follow_user: [{ userid: 'zhangsan', createtime: at('2026-11-01T03:00:00Z') }] }],
      ['wmB', { external_contact: { external_userid: 'wmB', name: '小明', type: 1, unionid: 'union-B' }, follow_user: [{ userid: 'zhangsan', createtime: at('2026-11-02T03:00:00Z') }] }],
      ['wmC', { external_contact: { external_userid: 'wmC', name: '小刚', type: 1, unionid: 'union-C' }, follow_user: [{ userid: 'wangwu', createtime: at('2026-11-03T03:00:00Z') }] }],
    ]),
    groups: new Map(),
  };
  let fake: Awaited<ReturnType<typeof startWecomFake>>;
  let t: TestApp;
  let a: TestTenant;
  let storeId: string;
  const req = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object, headers: Record<string, string> = a.auth) => t.app.inject({ method, url: `/api/v1${url}`, payload, headers });
  const ok = async (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object, headers?: Record<string, string>) => {
    const res = await req(method, url, payload, headers);
    expect(res.statusCode, res.body).toBeLessThan(300);
    return res.json();
  };
  const member = async (unionid: string) => (await ok('POST', '/members/resolve', { identities: [{ type: 'wechat_unionid', value: unionid }], profile: { channel: 'official_account', name: '测试会员' } })).member.id as string;
  const signIn = async (email: string) => {
    // Sessions expire against the database's clock, so sign in at the real time, then go back to the test's.
    const testNow = clock.now();
    clock.set(new Date());
    const login = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { tenant: a.slug, email, password: 'staff password 1' } });
    clock.set(testNow);
    return { cookie: `hearth_session=${login.cookies.find((c) => c.name === 'hearth_session')!.value}`, [CSRF_HEADER]: '1' };
  };
  const staff = async (email: string) => {
    const created = await ok('POST', '/operators', { email, name: email.split('@')[0], role: 'store_staff', password: 'staff password 1' });
    return { id: created.id as string, auth: await signIn(email) };
  };

  beforeAll(async () => {
    fake = await startWecomFake(corp);
    t = await createTestApp({ clock, env: { HEARTH_AUTH_CACHE_SECONDS: '0', HEARTH_SECRETS_KEY: crypto.randomBytes(32).toString('base64'), HEARTH_WECOM_API_BASE: fake.url } });
    a = await createTestTenant(t.deps);
    storeId = (await ok('POST', '/stores', { code: 'HZ01', name: '杭州湖滨店' })).id;
    await ok('POST', '/products/bulk', { products: [{ sku: 'TEA', name: '龙井', list_price_fen: 8800 }] });
    await ok('PUT', '/wecom/settings', { corp_id: corp.corpId, secret: corp.secret });
  });
  afterAll(async () => {
    await t.close();
    await fake.close();
  });

  it('makes the staff a member added on WeCom their guide, unless an operator chose one, and credits an order after a 1-to-1 message', async () => {
    const zhang = await staff('zhang@brand.test');
    const li = await staff('li@brand.test');
    await ok('POST', '/guides', { operator_id: zhang.id, store_id: storeId, wecom_user_id: 'zhangsan' });
    await ok('POST', '/guides', { operator_id: li.id, store_id: storeId });
    const memberA = await member('union-A');
    const memberB = await member('union-B');
    await ok('POST', '/guides/assignments', { member_ids: [memberB], guide_id: li.id, reason: '老客户' });
    expect((await req('POST', '/wecom/sync')).statusCode).toBe(202);
    await createWorker(t.deps).drain();
    const guideA = await ok('GET', `/members/${memberA}/guide`);
    expect(guideA.guide).toMatchObject({ guide_id: zhang.id, source: 'wecom' });
    expect((await ok('GET', `/members/${memberB}/guide`)).guide).toMatchObject({ guide_id: li.id, source: 'explicit' });
    // A guide linked to a WeCom user after the sync takes the members who had already added that user.
    const memberC = await member('union-C');
    await ok('POST', '/wecom/sync');
    await createWorker(t.deps).drain();
    const wang = await staff('wang@brand.test');
    await ok('POST', '/guides', { operator_id: wang.id, store_id: storeId, wecom_user_id: 'wangwu' });
    expect((await ok('GET', `/members/${memberC}/guide`)).guide).toMatchObject({ guide_id: wang.id, source: 'wecom' });

    const task = await ok('POST', '/guide-tasks', { member_id: memberA, title: '提醒积分到期', due_in_days: 1 });
    const before = fake.msgTemplates.length;
    const sent = await req('POST', `/guide-tasks/${task.id}/messages`, { text: '您有 200 积分下周到期，到店可兑换龙井一份' }, zhang.auth);
    expect(sent.statusCode, sent.body).toBe(201);
    expect(fake.msgTemplates.length).toBe(before + 1);
    expect(fake.msgTemplates.at(-1)).toMatchObject({ chat_type: 'single', sender: 'zhangsan', external_userid: ['wmA'] });
    expect(sent.json().messages).toEqual([expect.objectContaining({ text: '您有 200 积分下周到期，到店可兑换龙井一份', wecom_ref: expect.any(String) })]);
    expect(sent.json().history.map((h: { action: string }) => h.action)).toEqual(['created', 'messaged']);
    expect(sent.json().status).toBe('open');

    // The guide without a WeCom id cannot message; the refusal names the field.
    const liTask = await ok('POST', '/guide-tasks', { member_id: memberB, title: '回访', due_in_days: 1 });
    const refused = await req('POST', `/guide-tasks/${liTask.id}/messages`, { text: '你好' }, li.auth);
    expect(refused.json()).toMatchObject({ status: 409, code: 'GUIDE_NOT_ON_WECOM', errors: [{ field: 'guide_id' }] });

    clock.advance(DAY);
    const order = await ok('POST', '/orders', { external_id: 'WX-1', channel: 'store', member_id: memberA, lines: [{ sku: 'TEA', qty: 2, unit_price_fen: 8800 }], total_paid_fen: 17600, occurred_at: clock.now().toISOString() });
    await createWorker(t.deps).drain();
    const credited = await t.deps.db.selectFrom('guide_conversions').selectAll().where('tenant_id', '=', a.tenantId).execute();
    expect(credited.map((c) => [c.order_id, c.guide_id, c.via, Number(c.revenue_fen)])).toEqual([[order.id, zhang.id, 'message', 17600]]);
  });

  it('opens the sidebar inside WeCom from the chat’s external contact, and signs the page for the JS-SDK', async () => {
    // The first test made 张三 (zhangsan) the guide of the member behind wmA, and 王五 the guide of wmC's.
    const zhang = { auth: await signIn('zhang@brand.test') };
    const memberA = (await ok('POST', '/members/resolve', { identities: [{ type: 'wechat_unionid', value: 'union-A' }] })).member.id as string;
    const sidebar = await ok('GET', '/guide-sidebar/contacts/wmA', undefined, zhang.auth);
    expect(sidebar.member.id).toBe(memberA);
    // Another guide's member reads as not found; a contact not linked to a member says so.
    expect((await req('GET', '/guide-sidebar/contacts/wmC', undefined, zhang.auth)).statusCode).toBe(404);
    const unknown = await req('GET', '/guide-sidebar/contacts/wmNobody', undefined, zhang.auth);
    expect(unknown.json()).toMatchObject({ status: 404, code: 'WECOM_CONTACT_NOT_MEMBER', errors: [{ field: 'externalUserId' }] });

    const page = 'https://crm.brand.test/admin/workbench?x=1';
    const sha1 = (ticket: string, s: { nonce_str: string; timestamp: number }) => crypto.createHash('sha1').update(`jsapi_ticket=${ticket}&noncestr=${s.nonce_str}&timestamp=${s.timestamp}&url=${page}`).digest('hex');
    const first = await ok('POST', '/guide-sidebar/jssdk-signatures', { url: `${page}#/tasks` }, zhang.auth);
    expect(first).toMatchObject({ corp_id: corp.corpId, agent_id: null, agent_config: null });
    expect(first.config.signature).toBe(sha1(fake.tickets.corp, first.config));
    expect(first.config.timestamp).toBe(Math.floor(clock.now().getTime() / 1000));
    await ok('PUT', '/wecom/settings', { corp_id: corp.corpId, agent_id: '1000002' });
    expect((await ok('GET', '/wecom/settings')).agent_id).toBe('1000002');
    const second = await ok('POST', '/guide-sidebar/jssdk-signatures', { url: page }, zhang.auth);
    expect(second.agent_id).toBe('1000002');
    expect(second.agent_config.signature).toBe(sha1(fake.tickets.agent, second.agent_config));
    const ticketsBefore = fake.calls.tickets;
    // The tickets are kept: a third page fetches none.
    await ok('POST', '/guide-sidebar/jssdk-signatures', { url: page }, zhang.auth);
    expect(fake.calls.tickets).toBe(ticketsBefore);
    expect((await req('POST', '/guide-sidebar/jssdk-signatures', { url: 'not a url' }, zhang.auth)).json().errors[0]).toMatchObject({ field: 'url' });
  });
});
