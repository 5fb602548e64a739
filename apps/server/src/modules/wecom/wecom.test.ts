import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorker } from '../../jobs/runner.ts';
import { createTestApp, createTestTenant, type TestApp, type TestTenant } from '../../test/app.ts';
import { createTestClock } from '../../test/deps.ts';
import { newEncodingAesKey, startWecomFake, wecomCallback, wecomUrlCheck, type FakeCorp } from './test-peers/wecom-fake.ts';
import { forgetWecomTokens } from './wecom-api.ts';

describe('WeCom: adapter, sync, callbacks and message tasks against a local WeCom', () => {
  const clock = createTestClock(new Date('2026-11-20T02:00:00Z'));
  const at = (iso: string) => Math.floor(Date.parse(iso) / 1000);
  const corp: FakeCorp = {
    corpId: 'ww1234567890abcdef',
    secret: 'app-secret-1',
    departments: [
      { id: 1, name: '总部', parentid: 0 },
      { id: 2, name: '上海门店', parentid: 1 },
    ],
    users: [
      { userid: 'zhangsan', name: '张三', department: [1, 2], status: 1 },
      { userid: 'lisi', name: '李四', department: [2], status: 1 },
      { userid: 'wangwu', name: '王五', department: [2], status: 1 },
    ],
    contacts: new Map([
      ['wmA', { external_contact: { external_userid: 'wmA', name: '小红', type: 1, unionid: 'union-A' }, follow_user: [{ userid: 'zhangsan', createtime: at('2026-11-01T03:00:00Z'), state: 'code-1' }] }],
      ['wmB', { external_contact: { external_userid: 'wmB', name: '小明', type: 1, unionid: 'union-B' }, follow_user: [{ userid: 'zhangsan', createtime: at('2026-11-02T03:00:00Z') }, { userid: 'lisi', createtime: at('2026-11-03T03:00:00Z') }] }],
    ]),
    groups: new Map([
      ['wrG1', { chat_id: 'wrG1', name: '上海会员福利群', owner: 'zhangsan', create_time: at('2026-10-01T00:00:00Z'), member_list: [{ userid: 'zhangsan', type: 1, join_time: at('2026-10-01T00:00:00Z') }, { userid: 'wmA', type: 2, join_time: at('2026-11-05T00:00:00Z'), join_scene: 3, unionid: 'union-A', name: '小红' }] }],
    ]),
  };
  const keys = { token: 'CallbackToken1', encodingAesKey: newEncodingAesKey(), receiveId: corp.corpId };
  let fake: Awaited<ReturnType<typeof startWecomFake>>;
  let t: TestApp;
  let a: TestTenant;
  let b: TestTenant;
  let memberA: string;
  const req = (method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, payload?: object, tenant: TestTenant = a) => t.app.inject({ method, url, payload, headers: tenant.auth });
  const drain = () => createWorker(t.deps).drain();
  const callbackPath = () => `/api/v1/public/wecom/${a.tenantId}/callback`;
  const events = async (type: string) => (await t.deps.db.selectFrom('domain_events').select('payload').where('tenant_id', '=', a.tenantId).where('type', '=', type).orderBy('id').execute()).map((e) => e.payload as Record<string, unknown>);
  const member = async (unionid: string, tenant: TestTenant = a) => {
    const res = await req('POST', '/api/v1/members/resolve', { identities: [{ type: 'wechat_unionid', value: unionid }], profile: { channel: 'official_account', name: '测试会员' } }, tenant);
    expect(res.statusCode, res.body).toBe(201);
    return res.json().member.id as string;
  };

  beforeAll(async () => {
    fake = await startWecomFake(corp);
    t = await createTestApp({ clock, env: { HEARTH_SECRETS_KEY: crypto.randomBytes(32).toString('base64'), HEARTH_WECOM_API_BASE: fake.url } });
    a = await createTestTenant(t.deps);
    b = await createTestTenant(t.deps);
    memberA = await member('union-A');
  });
  afterAll(async () => {
    await t.close();
    await fake.close();
  });

  it('keeps the secrets write-only and refuses a sync before WeCom is set up', async () => {
    expect((await req('POST', '/api/v1/wecom/sync')).json()).toMatchObject({ status: 409, code: 'WECOM_NOT_CONFIGURED' });
    const first = await req('PUT', '/api/v1/wecom/settings', { corp_id: corp.corpId });
    expect(first.statusCode).toBe(400);
    expect(first.json().errors).toEqual([expect.objectContaining({ field: 'secret' })]);
    const badKey = await req('PUT', '/api/v1/wecom/settings', { corp_id: corp.corpId, secret: corp.secret, encoding_aes_key: 'short' });
    expect(badKey.json().errors[0].field).toBe('encoding_aes_key');
    const saved = await req('PUT', '/api/v1/wecom/settings', { corp_id: corp.corpId, secret: corp.secret, callback_token: keys.token, encoding_aes_key: keys.encodingAesKey });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json()).toEqual({ configured: true, corp_id: corp.corpId, agent_id: null, enabled: true, secret_set: true, callback_set: true, callback_path: `/api/v1/public/wecom/${a.tenantId}/callback` });
    expect(saved.body).not.toContain(corp.secret);
    expect(saved.body).not.toContain(keys.encodingAesKey);
    const row = await t.deps.db.selectFrom('wecom_settings').selectAll().where('tenant_id', '=', a.tenantId).executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(corp.secret);
    expect((await req('GET', '/api/v1/wecom/settings', undefined, b)).json()).toMatchObject({ configured: false, secret_set: false });
  });

  it('syncs staff, contacts with who added them (mapped to members by unionid) and groups, with one token', async () => {
    const started = await req('POST', '/api/v1/wecom/sync');
    expect(started.statusCode, started.body).toBe(202);
    await drain();
    expect(fake.calls.token).toBe(1);
    const status = (await req('GET', '/api/v1/wecom/status')).json();
    expect(status).toMatchObject({ last_sync_status: 'succeeded', staff: 3, contacts: 2, mapped_contacts: 1, follows: 3, groups: 1, group_members: 2 });

    const contacts = (await req('GET', '/api/v1/wecom/contacts')).json().data;
    const contactA = contacts.find((c: { external_user_id: string }) => c.external_user_id === 'wmA');
    expect(contactA).toMatchObject({ name: '小*', unionid: '****', member_id: memberA, member_no: expect.stringMatching(/^M\d+$/), follows: [{ staff_user_id: 'zhangsan', state: 'code-1', added_at: '2026-11-01T03:00:00.000Z', removed_at: null }] });
    expect(JSON.stringify(contacts)).not.toContain('union-B');
    expect((await req('GET', '/api/v1/wecom/contacts?staff_user_id=lisi')).json().data.map((c: { external_user_id: string }) => c.external_user_id)).toEqual(['wmB']);
    expect((await req('GET', '/api/v1/wecom/contacts?mapped=false')).json().data.map((c: { external_user_id: string }) => c.external_user_id)).toEqual(['wmB']);
    const staff = (await req('GET', '/api/v1/wecom/staff')).json().data;
    expect(staff.find((s: { user_id: string }) => s.user_id === 'zhangsan')).toMatchObject({ name: '张三', department_ids: [1, 2], contacts: 2, active: true });
    const members = (await req('GET', '/api/v1/wecom/groups/wrG1/members')).json().data;
    expect(members).toEqual(expect.arrayContaining([expect.objectContaining({ user_id: 'wmA', member_type: 'external', name: '小*', member_id: memberA, join_scene: 3 })]));

    const added = await events('wecom.contact_added');
    expect(added).toHaveLength(3);
    expect(added).toContainEqual({ external_user_id: 'wmA', staff_user_id: 'zhangsan', member_id: memberA, state: 'code-1', added_at: '2026-11-01T03:00:00.000Z' });
    expect(await events('wecom.group_member_joined')).toHaveLength(2);

    // A second sync finds nothing new: no new events, the same token.
    await req('POST', '/api/v1/wecom/sync').then((r) => expect(r.statusCode).toBe(202));
    clock.advance(60_000);
    await req('POST', '/api/v1/wecom/sync');
    await drain();
    expect(await events('wecom.contact_added')).toHaveLength(3);
    expect(fake.calls.token).toBe(1);
    // Another tenant sees none of it.
    expect((await req('GET', '/api/v1/wecom/contacts', undefined, b)).json().data).toEqual([]);
    expect((await req('GET', '/api/v1/wecom/groups/wrG1/members', undefined, b)).statusCode).toBe(404);
  });

  it('fetches a new token once when WeCom says the cached one expired, and before it runs out', async () => {
    fake.expireTokens();
    forgetWecomTokens();
    const refusedBefore = fake.calls.refusedExpired;
    const res = await req('POST', '/api/v1/wecom/messages/contact', { staff_user_id: 'zhangsan', member_id: memberA, text: '您的积分即将过期，到店可兑换好礼' });
    expect(res.statusCode, res.body).toBe(201);
    expect(fake.calls.refusedExpired).toBe(refusedBefore + 1);
    expect(fake.calls.token).toBe(2);
    // Two hours later (inside the five-minute margin) the cached token is not used any more.
    clock.advance(2 * 3600_000 - 4 * 60_000);
    await req('POST', '/api/v1/wecom/messages/contact', { staff_user_id: 'zhangsan', member_id: memberA, text: '周末会员日' });
    expect(fake.calls.token).toBe(3);
  });

  it('creates 1-to-1 tasks only through a staff member the member added, once per dedupe key', async () => {
    const before = fake.msgTemplates.length;
    const body = { staff_user_id: 'zhangsan', member_id: memberA, text: '欢迎加入会员', dedupe_key: 'guide-task-1' };
    const first = await req('POST', '/api/v1/wecom/messages/contact', body);
    const again = await req('POST', '/api/v1/wecom/messages/contact', body);
    expect(first.statusCode, first.body).toBe(201);
    expect(again.json()).toEqual(first.json());
    expect(fake.msgTemplates.length).toBe(before + 1);
    expect(fake.msgTemplates.at(-1)).toMatchObject({ chat_type: 'single', sender: 'zhangsan', external_userid: ['wmA'], text: { content: '欢迎加入会员' } });
    const notFollowed = await req('POST', '/api/v1/wecom/messages/contact', { staff_user_id: 'lisi', member_id: memberA, text: 'hi' });
    expect(notFollowed.json()).toMatchObject({ status: 409, code: 'WECOM_NOT_FOLLOWED' });

    const group = await req('POST', '/api/v1/wecom/messages/group', { staff_user_id: 'zhangsan', chat_ids: ['wrG1'], text: '今晚八点群内抽奖' });
    expect(group.statusCode, group.body).toBe(201);
    expect(fake.msgTemplates.at(-1)).toMatchObject({ chat_type: 'group', sender: 'zhangsan', chat_id_list: ['wrG1'] });
    const notOwner = await req('POST', '/api/v1/wecom/messages/group', { staff_user_id: 'lisi', chat_ids: ['wrG1', 'wrNope'], text: 'x' });
    expect(notOwner.json().errors.map((e: { code: string }) => e.code)).toEqual(['not_owner', 'unknown_group']);
    expect((await req('POST', '/api/v1/wecom/messages/group', { staff_user_id: 'zhangsan', chat_ids: ['wrG1'], text: 'x' }, b)).json().code).toBe('WECOM_NOT_CONFIGURED');
  });

  it('answers the URL check and refuses a wrong signature, a wrong receive id and an unknown tenant', async () => {
    const check = await t.app.inject(wecomUrlCheck(callbackPath(), keys, 'echo-12345'));
    expect(check.statusCode, check.body).toBe(200);
    expect(check.body).toBe('echo-12345');
    const event = { ToUserName: corp.corpId, FromUserName: 'sys', CreateTime: at('2026-11-20T02:00:00Z'), MsgType: 'event', Event: 'change_contact', ChangeType: 'create_user', UserID: 'zhaoliu', Name: '赵六', Department: '2' };
    const tampered = await t.app.inject(wecomCallback(callbackPath(), keys, event, { tamperSignature: true }));
    expect(tampered.statusCode).toBe(400);
    expect(tampered.json().code).toBe('INVALID_SIGNATURE');
    const otherCorp = await t.app.inject(wecomCallback(callbackPath(), { ...keys, receiveId: 'wwOtherCorp' }, event));
    expect(otherCorp.statusCode).toBe(400);
    expect(otherCorp.json().detail).toContain('another receiver');
    const otherKey = await t.app.inject(wecomCallback(callbackPath(), { ...keys, encodingAesKey: newEncodingAesKey() }, event));
    expect(otherKey.statusCode).toBe(400);
    expect((await t.app.inject(wecomCallback(`/api/v1/public/wecom/${b.tenantId}/callback`, keys, event))).statusCode).toBe(404);
    expect(await t.deps.db.selectFrom('wecom_callback_receipts').selectAll().where('tenant_id', '=', a.tenantId).execute()).toEqual([]);

    const ok = await t.app.inject(wecomCallback(callbackPath(), keys, event));
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.body).toBe('success');
    await drain();
    expect((await req('GET', '/api/v1/wecom/staff')).json().data.find((s: { user_id: string }) => s.user_id === 'zhaoliu')).toMatchObject({ name: '赵六', department_ids: [2] });
  });

  it('keeps contacts current from callbacks: an add with its state (once, however often WeCom resends it), removals both ways', async () => {
    const memberC = await member('union-C');
    corp.contacts.set('wmC', { external_contact: { external_userid: 'wmC', name: '小刚', type: 1, unionid: 'union-C' }, follow_user: [{ userid: 'wangwu', createtime: at('2026-11-20T02:05:00Z'), state: 'code-9' }] });
    const add = wecomCallback(callbackPath(), keys, { ToUserName: corp.corpId, FromUserName: 'sys', CreateTime: at('2026-11-20T02:05:00Z'), MsgType: 'event', Event: 'change_external_contact', ChangeType: 'add_external_contact', UserID: 'wangwu', ExternalUserID: 'wmC', State: 'code-9', WelcomeCode: 'wc1' });
    for (let i = 0; i < 3; i++) expect((await t.app.inject(add)).statusCode).toBe(200);
    await drain();
    const added = (await events('wecom.contact_added')).filter((e) => e.external_user_id === 'wmC');
    expect(added).toEqual([{ external_user_id: 'wmC', staff_user_id: 'wangwu', member_id: memberC, state: 'code-9', added_at: '2026-11-20T02:05:00.000Z' }]);

    const removedByContact = wecomCallback(callbackPath(), keys, { ToUserName: corp.corpId, FromUserName: 'sys', CreateTime: at('2026-11-20T03:00:00Z'), MsgType: 'event', Event: 'change_external_contact', ChangeType: 'del_follow_user', UserID: 'wangwu', ExternalUserID: 'wmC' });
    expect((await t.app.inject(removedByContact)).statusCode).toBe(200);
    const removedByStaff = wecomCallback(callbackPath(), keys, { ToUserName: corp.corpId, FromUserName: 'sys', CreateTime: at('2026-11-20T03:01:00Z'), MsgType: 'event', Event: 'change_external_contact', ChangeType: 'del_external_contact', UserID: 'lisi', ExternalUserID: 'wmB' });
    expect((await t.app.inject(removedByStaff)).statusCode).toBe(200);
    await drain();
    const removed = await events('wecom.contact_removed');
    // The two callbacks' jobs may run at once: compare without order.
    expect(removed).toHaveLength(2);
    expect(removed).toEqual(
      expect.arrayContaining([
        { external_user_id: 'wmC', staff_user_id: 'wangwu', member_id: memberC, removed_by: 'contact' },
        { external_user_id: 'wmB', staff_user_id: 'lisi', member_id: null, removed_by: 'staff' },
      ]),
    );
    const follows = await t.deps.db.selectFrom('wecom_follows').selectAll().where('tenant_id', '=', a.tenantId).where('external_user_id', '=', 'wmC').execute();
    expect(follows).toEqual([expect.objectContaining({ staff_user_id: 'wangwu', state: 'code-9', removed_by: 'contact' })]);
    corp.contacts.delete('wmC');
    corp.contacts.get('wmB')!.follow_user = corp.contacts.get('wmB')!.follow_user.filter((f) => f.userid !== 'lisi');
  });

  it('keeps groups current from callbacks: members join and leave, a dismissed group closes', async () => {
    const group = corp.groups.get('wrG1')!;
    group.member_list.push({ userid: 'wmB', type: 2, join_time: at('2026-11-20T04:00:00Z'), join_scene: 3, unionid: 'union-B', name: '小明' });
    group.member_list = group.member_list.filter((m) => m.userid !== 'wmA');
    const update = wecomCallback(callbackPath(), keys, { ToUserName: corp.corpId, FromUserName: 'sys', CreateTime: at('2026-11-20T04:00:00Z'), MsgType: 'event', Event: 'change_external_chat', ChatId: 'wrG1', ChangeType: 'update', UpdateDetail: 'add_member', JoinScene: 3, MemChangeCnt: 1 });
    expect((await t.app.inject(update)).statusCode).toBe(200);
    await drain();
    expect((await events('wecom.group_member_joined')).at(-1)).toMatchObject({ chat_id: 'wrG1', user_id: 'wmB', member_type: 'external', join_scene: 3 });
    expect(await events('wecom.group_member_left')).toEqual([{ chat_id: 'wrG1', user_id: 'wmA', member_type: 'external', member_id: memberA }]);

    corp.groups.set('wrG2', { chat_id: 'wrG2', name: '新品体验群', owner: 'lisi', create_time: at('2026-11-20T05:00:00Z'), member_list: [{ userid: 'lisi', type: 1, join_time: at('2026-11-20T05:00:00Z') }] });
    const create = wecomCallback(callbackPath(), keys, { ToUserName: corp.corpId, FromUserName: 'sys', CreateTime: at('2026-11-20T05:00:00Z'), MsgType: 'event', Event: 'change_external_chat', ChatId: 'wrG2', ChangeType: 'create' });
    const dismiss = wecomCallback(callbackPath(), keys, { ToUserName: corp.corpId, FromUserName: 'sys', CreateTime: at('2026-11-20T06:00:00Z'), MsgType: 'event', Event: 'change_external_chat', ChatId: 'wrG2', ChangeType: 'dismiss' });
    expect((await t.app.inject(create)).statusCode).toBe(200);
    await drain();
    expect((await t.app.inject(dismiss)).statusCode).toBe(200);
    await drain();
    expect((await req('GET', '/api/v1/wecom/groups?status=dismissed')).json().data).toEqual([expect.objectContaining({ chat_id: 'wrG2', name: '新品体验群', status: 'dismissed', member_count: 0 })]);
    expect(await events('wecom.group_dismissed')).toEqual([{ chat_id: 'wrG2' }]);
    corp.groups.delete('wrG2');
  });

  it('links a contact when its member registers later, and exports and erases the member’s WeCom data', async () => {
    const memberB = await member('union-B');
    await drain();
    const contact = await t.deps.db.selectFrom('wecom_contacts').select('member_id').where('tenant_id', '=', a.tenantId).where('external_user_id', '=', 'wmB').executeTakeFirstOrThrow();
    expect(contact.member_id).toBe(memberB);
    const groupRow = await t.deps.db.selectFrom('wecom_group_members').select('member_id').where('tenant_id', '=', a.tenantId).where('user_id', '=', 'wmB').executeTakeFirstOrThrow();
    expect(groupRow.member_id).toBe(memberB);

    const exported = (await req('GET', `/api/v1/members/${memberB}/export`)).json();
    expect(exported.sections.wecom.contacts).toEqual([expect.objectContaining({ external_user_id: 'wmB', name: '小明', unionid: 'union-B', follows: [expect.objectContaining({ staff_user_id: 'zhangsan', removed_at: null }), expect.objectContaining({ staff_user_id: 'lisi', removed_at: '2026-11-20T03:57:00.000Z' })] })]);
    expect(exported.sections.wecom.groups).toEqual([expect.objectContaining({ chat_id: 'wrG1', group_name: '上海会员福利群' })]);

    const erased = await req('POST', `/api/v1/members/${memberB}/erase`, { reason: '会员申请注销' });
    expect(erased.statusCode, erased.body).toBe(200);
    for (const table of ['wecom_contacts', 'wecom_group_members'] as const) {
      const rows = await t.deps.db.selectFrom(table).selectAll().where('tenant_id', '=', a.tenantId).execute();
      expect(JSON.stringify(rows)).not.toContain('union-B');
      expect(JSON.stringify(rows)).not.toContain('小明');
    }
  });
});
