import crypto from 'node:crypto';
import { encrypt, getSignature } from '@wecom/crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorker } from '../../jobs/runner.ts';
import { createTestApp, createTestTenant, type TestApp, type TestTenant } from '../../test/app.ts';
import { createTestClock } from '../../test/deps.ts';
import { requestCode } from '../member-portal/sign-in.test-helpers.ts';
import { startWechatFake } from '../messaging/test-peers/fakes.ts';
import { newEncodingAesKey, startWecomFake, wecomCallback, type FakeCorp } from '../wecom/test-peers/wecom-fake.ts';

describe('channel codes: scan → follow/add → register → first order, per code', () => {
  const clock = createTestClock(new Date('2026-11-20T02:00:00Z'));
  const at = (iso: string) => Math.floor(Date.parse(iso) / 1000);
  const oa = { appId: 'wx-oa-1', secret: 'oa-secret', serverToken: 'oaServerToken' };
  const corp: FakeCorp = {
    corpId: 'wwCorpCodes',
    secret: 'wecom-secret',
    departments: [{ id: 1, name: '总部', parentid: 0 }],
    users: [
      { userid: 'guide1', name: '导购一', department: [1], status: 1 },
      { userid: 'guide2', name: '导购二', department: [1], status: 1 },
    ],
    contacts: new Map(),
    groups: new Map(),
  };
  const keys = { token: 'CbToken', encodingAesKey: newEncodingAesKey(), receiveId: corp.corpId };
  let wechat: Awaited<ReturnType<typeof startWechatFake>>;
  let wecom: Awaited<ReturnType<typeof startWecomFake>>;
  let t: TestApp;
  let a: TestTenant;
  let b: TestTenant;
  let phone = 13900000000;
  let order = 0;
  const req = (method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, payload?: object, tenant: TestTenant = a) => t.app.inject({ method, url, payload, headers: tenant.auth });
  const drain = () => createWorker(t.deps).drain();
  const funnel = async (id: string) => (await req('GET', `/api/v1/channel-codes/${id}/funnel?from=2026-11-01&to=2026-11-30`)).json();
  const buy = async (memberId: string, occurredAt: string) => {
    const res = await req('POST', '/api/v1/orders', { external_id: `o-${++order}`, channel: 'store', member_id: memberId, lines: [{ sku: 'TEA-1', qty: 1, unit_price_fen: 3900 }], total_paid_fen: 3900, occurred_at: occurredAt });
    expect(res.statusCode, res.body).toBe(201);
    await drain();
  };
  const createCode = async (body: object) => {
    const res = await req('POST', '/api/v1/channel-codes', body);
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  };
  const oaEvent = (fields: Record<string, string | number>, token = oa.serverToken) => {
    const timestamp = String(at('2026-11-20T03:00:00Z'));
    const nonce = crypto.randomBytes(4).toString('hex');
    const signature = crypto.createHash('sha1').update([token, timestamp, nonce].sort().join('')).digest('hex');
    const body = `<xml>${Object.entries(fields).map(([k, v]) => (typeof v === 'number' ? `<${k}>${v}</${k}>` : `<${k}><![CDATA[${v}]]></${k}>`)).join('')}</xml>`;
    return t.app.inject({ method: 'POST', url: `/api/v1/public/wechat/${a.tenantId}/events?${new URLSearchParams({ signature, timestamp, nonce })}`, headers: { 'content-type': 'text/xml' }, payload: body });
  };

  beforeAll(async () => {
    wechat = await startWechatFake({ appId: oa.appId, secret: oa.secret });
    wecom = await startWecomFake(corp);
    t = await createTestApp({ clock, env: { HEARTH_SECRETS_KEY: crypto.randomBytes(32).toString('base64'), HEARTH_WECOM_API_BASE: wecom.url } });
    a = await createTestTenant(t.deps);
    b = await createTestTenant(t.deps);
    expect((await req('POST', '/api/v1/products/bulk', { products: [{ sku: 'TEA-1', name: '乌龙茶', list_price_fen: 3900 }] })).statusCode).toBe(200);
    expect((await req('PUT', '/api/v1/messaging/channels/wechat_oa', { enabled: true, settings: { app_id: oa.appId, base_url: wechat.url }, secrets: { app_secret: oa.secret, server_token: oa.serverToken } })).statusCode).toBe(200);
    expect((await req('PUT', '/api/v1/wecom/settings', { corp_id: corp.corpId, secret: corp.secret, callback_token: keys.token, encoding_aes_key: keys.encodingAesKey })).statusCode).toBe(200);
    await req('POST', '/api/v1/wecom/sync');
    await drain();
  });
  afterAll(async () => {
    await t.close();
    await wechat.close();
    await wecom.close();
  });

  it('counts a member-center code: two scanners, one signs up with the code and buys twice', async () => {
    const code = await createCode({ name: '南京路店桌贴', source_kind: 'store', campaign: '双十一到店', target_kind: 'member_center' });
    expect(code).toMatchObject({ target_kind: 'member_center', scan_path: `/api/v1/public/channel-codes/${a.tenantId}/${code.id}` });
    const scan = (cookies: Record<string, string> = {}) => t.app.inject({ method: 'GET', url: code.scan_path, cookies });
    const first = await scan();
    expect(first.statusCode).toBe(302);
    expect(first.headers.location).toBe(`/m/?brand=${a.slug}&ch=${code.id}`);
    const visitor = first.cookies.find((c) => c.name === 'hearth_cv')!.value;
    const carried = first.cookies.find((c) => c.name === 'hearth_ch')!.value;
    expect(carried).toBe(`${a.tenantId}.${code.id}`);
    await scan({ hearth_cv: visitor });
    await scan();

    const phoneNo = String(++phone);
    const otp = await requestCode(t, a.slug, phoneNo);
    const signedIn = await t.app.inject({ method: 'POST', url: '/api/v1/me/auth/sms/verify', payload: { brand: a.slug, phone: phoneNo, code: otp, session: 'bearer' }, cookies: { hearth_ch: carried } });
    expect(signedIn.statusCode, signedIn.body).toBe(200);
    const memberId = signedIn.json().member_id as string;
    await drain();
    await buy(memberId, '2026-11-21T04:00:00Z');
    await buy(memberId, '2026-11-22T04:00:00Z');

    const numbers = await funnel(code.id);
    expect(numbers.totals).toEqual({ scans: 3, scanners: 2, follows: 0, registrations: 1, first_orders: 1 });
    expect(numbers.days).toEqual([
      { day: '2026-11-20', scans: 3, scanners: 2, follows: 0, registrations: 1, first_orders: 0 },
      { day: '2026-11-21', scans: 0, scanners: 0, follows: 0, registrations: 0, first_orders: 1 },
    ]);
    const member = (await req('GET', `/api/v1/members/${memberId}`)).json();
    expect(member.member.campaign).toBe('双十一到店');
    expect(member.sections.acquisition).toMatchObject({ code_id: code.id, source_kind: 'store', registered: true, first_order_id: expect.any(String) });
    // Another tenant neither sees the code nor its funnel.
    expect((await req('GET', `/api/v1/channel-codes/${code.id}/funnel`, undefined, b)).statusCode).toBe(404);
    const svg = await req('GET', `/api/v1/channel-codes/${code.id}/qr?format=svg`);
    expect(svg.headers['content-type']).toContain('image/svg+xml');
    expect(svg.body).toContain('<svg');
  });

  it('counts an official-account code: a signed follow with its scene, then the openid registers and buys', async () => {
    const code = await createCode({ name: '地铁广告', source_kind: 'campaign', campaign: '地铁春季', target_kind: 'official_account' });
    expect(wechat.qrcodes).toHaveLength(1);
    const scene = wechat.qrcodes[0]!;
    expect(code.qr_content).toContain('weixin.qq.com/q/');
    const follow = { ToUserName: 'gh_brand', FromUserName: 'openid-F1', CreateTime: at('2026-11-20T03:00:00Z'), MsgType: 'event', Event: 'subscribe', EventKey: `qrscene_${scene}` };
    expect((await oaEvent(follow, 'wrong-token')).statusCode).toBe(400);
    for (let i = 0; i < 2; i++) expect((await oaEvent(follow)).statusCode).toBe(200);
    expect((await oaEvent({ ...follow, FromUserName: 'openid-F2', Event: 'SCAN', EventKey: scene })).statusCode).toBe(200);
    const registered = await req('POST', '/api/v1/members/resolve', { identities: [{ type: 'wechat_openid', app_id: oa.appId, value: 'openid-F1' }], profile: { channel: 'official_account' } });
    expect(registered.statusCode).toBe(201);
    const memberId = registered.json().member.id as string;
    await drain();
    await buy(memberId, '2026-11-23T04:00:00Z');
    expect((await funnel(code.id)).totals).toEqual({ scans: 1, scanners: 1, follows: 1, registrations: 1, first_orders: 1 });
  });

  it('takes WeChat’s template-message reports from the same server URL into the delivery log, once', async () => {
    const template = await req('POST', '/api/v1/messaging/templates', { name: '到店提醒', channel: 'wechat_template', category: 'transactional', provider_template: 'TPL-VISIT', bodies: { 'zh-CN': { body: '到店提醒', fields: { first: '您好' } } } });
    expect(template.statusCode, template.body).toBe(201);
    const send = async (openid: string) => {
      const member = (await req('POST', '/api/v1/members/resolve', { identities: [{ type: 'wechat_openid', app_id: oa.appId, value: openid }], profile: { channel: 'official_account' } })).json().member.id as string;
      const sent = await req('POST', '/api/v1/messaging/send', { member_id: member, channel: 'wechat_template', template_id: template.json().id, category: 'transactional', dedupe_key: `visit-${openid}` });
      expect(sent.statusCode, sent.body).toBe(202);
      return sent.json().delivery_id as string;
    };
    const [ok, blocked] = [await send('openid-R1'), await send('openid-R2')];
    await drain();
    const delivery = async (id: string) => (await req('GET', `/api/v1/messaging/deliveries/${id}`)).json();
    const msgId = async (id: string) => String((await t.deps.db.selectFrom('message_deliveries').select('provider_message_id').where('tenant_id', '=', a.tenantId).where('id', '=', id).executeTakeFirstOrThrow()).provider_message_id);
    const report = async (id: string, openid: string, status: string) =>
      oaEvent({ ToUserName: 'gh_brand', FromUserName: openid, CreateTime: at('2026-11-20T03:01:00Z'), MsgType: 'event', Event: 'TEMPLATESENDJOBFINISH', MsgID: await msgId(id), Status: status });
    for (let i = 0; i < 2; i++) expect((await report(ok, 'openid-R1', 'success')).statusCode).toBe(200);
    expect((await report(blocked, 'openid-R2', 'failed:user block')).statusCode).toBe(200);
    expect(await delivery(ok)).toMatchObject({ status: 'delivered', delivered_at: expect.any(String) });
    expect(await delivery(blocked)).toMatchObject({ status: 'failed', error: 'WeChat: failed:user block' });
    const delivered = await t.deps.db.selectFrom('domain_events').select('payload').where('tenant_id', '=', a.tenantId).where('type', '=', 'message.delivered').execute();
    expect(delivered.filter((e) => (e.payload as { delivery_id?: string }).delivery_id === ok)).toHaveLength(1);
  });

  it('counts a WeCom contact-me code spread over two guides: the add carries the code as state', async () => {
    const code = await createCode({ name: '导购活码', source_kind: 'staff', source_ref: 'guide1', target_kind: 'wecom_contact', staff_user_ids: ['guide1', 'guide2'] });
    const way = wecom.contactWays.at(-1)!;
    expect(way).toMatchObject({ user: ['guide1', 'guide2'], type: 2 });
    expect(code.wecom_qr_url).toContain(way.config_id);
    expect((await req('POST', '/api/v1/channel-codes', { name: 'x', source_kind: 'staff', target_kind: 'wecom_contact', staff_user_ids: ['nobody'] })).json().errors[0]).toMatchObject({ field: 'staff_user_ids.0', code: 'unknown_staff' });

    corp.contacts.set('wmX', { external_contact: { external_userid: 'wmX', name: '客户X', type: 1, unionid: 'union-X' }, follow_user: [{ userid: 'guide2', createtime: at('2026-11-20T05:00:00Z'), state: way.state }] });
    const add = wecomCallback(`/api/v1/public/wecom/${a.tenantId}/callback`, keys, { ToUserName: corp.corpId, FromUserName: 'sys', CreateTime: at('2026-11-20T05:00:00Z'), MsgType: 'event', Event: 'change_external_contact', ChangeType: 'add_external_contact', UserID: 'guide2', ExternalUserID: 'wmX', State: way.state });
    expect((await t.app.inject(add)).statusCode).toBe(200);
    await drain();
    expect((await funnel(code.id)).totals).toMatchObject({ follows: 1, registrations: 0 });

    const registered = await req('POST', '/api/v1/members/resolve', { identities: [{ type: 'wechat_unionid', value: 'union-X' }], profile: { channel: 'mini_program' } });
    const memberId = registered.json().member.id as string;
    await drain();
    // An order from before the member came through the code is not a first order through it; this one is.
    await buy(memberId, '2026-11-24T04:00:00Z');
    expect((await funnel(code.id)).totals).toEqual({ scans: 0, scanners: 0, follows: 1, registrations: 1, first_orders: 1 });
    const section = (await req('GET', `/api/v1/members/${memberId}/export`)).json().sections.acquisition;
    expect(section).toMatchObject({ code_id: code.id, source_kind: 'staff', registered: true });
  });

  it('credits an existing member’s later follow without a registration, and archives a code', async () => {
    const existing = (await req('POST', '/api/v1/members/resolve', { identities: [{ type: 'wechat_openid', app_id: oa.appId, value: 'openid-old' }], profile: { channel: 'store' } })).json().member.id as string;
    await drain();
    const code = (await req('GET', '/api/v1/channel-codes?target_kind=official_account')).json().data[0];
    await oaEvent({ ToUserName: 'gh_brand', FromUserName: 'openid-old', CreateTime: at('2026-11-25T03:00:00Z'), MsgType: 'event', Event: 'subscribe', EventKey: `qrscene_${wechat.qrcodes[0]}` });
    expect((await funnel(code.id)).totals).toMatchObject({ follows: 2, registrations: 1 });
    expect((await req('GET', `/api/v1/members/${existing}/export`)).json().sections.acquisition).toMatchObject({ code_id: code.id, registered: false });
    const archived = await req('PATCH', `/api/v1/channel-codes/${code.id}`, { status: 'archived' });
    expect(archived.json().status).toBe('archived');
  });

  it('reads follows from an official account in safe mode (encrypted pushes), refusing a forged or misaddressed one', async () => {
    const aesKey = newEncodingAesKey();
    expect((await req('PUT', '/api/v1/messaging/channels/wechat_oa', { enabled: true, settings: { app_id: oa.appId, base_url: wechat.url }, secrets: { app_secret: oa.secret, server_token: oa.serverToken, server_aes_key: aesKey } })).statusCode).toBe(200);
    const code = await createCode({ name: '安全模式海报', source_kind: 'campaign', target_kind: 'official_account' });
    const scene = wechat.qrcodes.at(-1)!;
    const safePush = (fields: Record<string, string | number>, options: { receiveId?: string; tamper?: boolean } = {}) => {
      const timestamp = String(at('2026-11-20T03:00:00Z'));
      const nonce = crypto.randomBytes(4).toString('hex');
      const inner = `<xml>${Object.entries(fields).map(([k, v]) => (typeof v === 'number' ? `<${k}>${v}</${k}>` : `<${k}><![CDATA[${v}]]></${k}>`)).join('')}</xml>`;
      // Encrypted and signed with WeChat's own scheme through WeCom's npm library, not the server's code.
      const encrypted = encrypt(aesKey, inner, options.receiveId ?? oa.appId);
      const msgSignature = getSignature(oa.serverToken, timestamp, nonce, encrypted).replace(/^./, (c) => (options.tamper ? (c === '0' ? '1' : '0') : c));
      const signature = crypto.createHash('sha1').update([oa.serverToken, timestamp, nonce].sort().join('')).digest('hex');
      const query = new URLSearchParams({ signature, timestamp, nonce, encrypt_type: 'aes', msg_signature: msgSignature });
      return t.app.inject({ method: 'POST', url: `/api/v1/public/wechat/${a.tenantId}/events?${query}`, headers: { 'content-type': 'text/xml' }, payload: `<xml><ToUserName><![CDATA[gh_brand]]></ToUserName><Encrypt><![CDATA[${encrypted}]]></Encrypt></xml>` });
    };
    const follow = { ToUserName: 'gh_brand', FromUserName: 'openid-S1', CreateTime: at('2026-11-20T03:00:00Z'), MsgType: 'event', Event: 'subscribe', EventKey: `qrscene_${scene}` };
    expect((await safePush(follow, { tamper: true })).statusCode).toBe(400);
    expect((await safePush(follow, { receiveId: 'wx-another-app' })).statusCode).toBe(400);
    expect((await funnel(code.id)).totals.follows).toBe(0);
    const accepted = await safePush(follow);
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect((await funnel(code.id)).totals.follows).toBe(1);
  });
});
