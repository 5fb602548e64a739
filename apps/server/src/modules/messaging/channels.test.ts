import crypto from 'node:crypto';
import webpush from 'web-push';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorker } from '../../jobs/runner.ts';
import { createTestApp, createTestTenant, type TestApp, type TestTenant } from '../../test/app.ts';
import { createTestClock } from '../../test/deps.ts';
import { clearWechatTokens } from './channels/wechat.ts';
import { recordStatus } from './deliveries.service.ts';
import { startPushFake, startSmsFake, startWechatFake, startWebhookFake } from './test-peers/fakes.ts';

describe('messaging: channel adapters against local peers', () => {
  // Real time: webhook receivers check the signature's timestamp against their own clock. Transactional
  // messages only, so quiet hours do not apply whatever the hour.
  const clock = createTestClock(new Date());
  let t: TestApp;
  let a: TestTenant;
  let b: TestTenant;
  let n = 0;
  const req = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object, tenant: TestTenant = a) => t.app.inject({ method, url, payload, headers: tenant.auth });
  const drain = () => createWorker(t.deps).drain();
  const configure = async (provider: string, settings: object, secrets: object, tenant: TestTenant = a) => {
    const res = await req('PUT', `/api/v1/messaging/channels/${provider}`, { enabled: true, settings, secrets }, tenant);
    expect(res.statusCode, res.body).toBe(200);
  };
  const template = async (body: object) => {
    const res = await req('POST', '/api/v1/messaging/templates', { category: 'transactional', ...body });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  };
  const member = async (identities: object[] = [], profile: object = {}) =>
    (await req('POST', '/api/v1/members/resolve', { identities: [{ type: 'store_card', value: `CH-${++n}` }, ...identities], profile: { channel: 'store', name: '王芳', ...profile } })).json().member.id as string;
  const send = async (body: object) => {
    const res = await req('POST', '/api/v1/messaging/send', { category: 'transactional', dedupe_key: `k-${++n}`, ...body });
    expect(res.statusCode, res.body).toBe(202);
    return res.json().delivery_id as string;
  };
  const delivery = async (id: string) => (await req('GET', `/api/v1/messaging/deliveries/${id}`)).json();

  beforeAll(async () => {
    t = await createTestApp({ clock, env: { HEARTH_SECRETS_KEY: crypto.randomBytes(32).toString('base64') } });
    a = await createTestTenant(t.deps);
    b = await createTestTenant(t.deps);
  });
  afterAll(() => t.close());

  it('SMS through Aliyun (RPC signature) and Tencent Cloud (TC3-HMAC-SHA256), with status reports', async () => {
    const creds = { aliyun: { id: 'LTAI-test', secret: 'ali-secret' }, tencent: { id: 'AKID-test', secret: 'tc-secret' } };
    const fake = await startSmsFake(creds);
    try {
      const tpl = await template({ name: '验证码', channel: 'sms', bodies: { 'zh-CN': { body: '验证码 {{ code }}', fields: { code: '{{ code }}' } } }, provider_template: 'SMS_123', sms_sign_name: '炉火' });
      const m = await member([], { phone: '13800138000' });
      await configure('aliyun_sms', { access_key_id: creds.aliyun.id, base_url: fake.url }, { access_key_secret: creds.aliyun.secret, callback_token: 'aliyun-callback-token-1' });
      const first = await send({ member_id: m, channel: 'sms', template_id: tpl, variables: { code: '246810' } });
      await drain();
      expect(await delivery(first)).toMatchObject({ status: 'sent', provider_message_id: expect.stringMatching(/^ali-/) });
      expect(fake.accepted).toEqual([{ provider: 'aliyun', clientId: first, phone: '13800138000', params: { code: '246810' } }]);
      // A wrong secret is refused by the peer and fails the delivery at once (not retried forever).
      await configure('aliyun_sms', { access_key_id: creds.aliyun.id, base_url: fake.url }, { access_key_secret: 'wrong' });
      const refused = await send({ member_id: m, channel: 'sms', template_id: tpl, variables: { code: '1' } });
      await drain();
      expect(await delivery(refused)).toMatchObject({ status: 'failed', error: expect.stringContaining('ALIYUN_SignatureDoesNotMatch') });
      await configure('aliyun_sms', { access_key_id: creds.aliyun.id, base_url: fake.url }, { access_key_secret: creds.aliyun.secret });

      // Aliyun's report names the delivery by OutId; a wrong token is 404 and changes nothing.
      const report = [{ phone_number: '13800138000', success: true, biz_id: 'x', out_id: first, err_code: 'DELIVERED', err_msg: '用户接收成功', report_time: '2026-01-01 10:00:00' }];
      expect((await t.app.inject({ method: 'POST', url: `/api/v1/public/messaging/${a.tenantId}/reports/aliyun_sms/not-the-token-at-all`, payload: report })).statusCode).toBe(404);
      expect((await t.app.inject({ method: 'POST', url: `/api/v1/public/messaging/${b.tenantId}/reports/aliyun_sms/aliyun-callback-token-1`, payload: report })).statusCode).toBe(404);
      const ok = await t.app.inject({ method: 'POST', url: `/api/v1/public/messaging/${a.tenantId}/reports/aliyun_sms/aliyun-callback-token-1`, payload: report });
      expect(ok.json()).toEqual({ code: 0, msg: '成功' });
      expect(await delivery(first)).toMatchObject({ status: 'delivered' });

      // Tencent: disable Aliyun, the same channel goes through Tencent.
      await req('PUT', '/api/v1/messaging/channels/aliyun_sms', { enabled: false, settings: { access_key_id: creds.aliyun.id, base_url: fake.url } });
      await configure('tencent_sms', { secret_id: creds.tencent.id, sdk_app_id: '1400000000', sign_name: '炉火', base_url: fake.url }, { secret_key: creds.tencent.secret, callback_token: 'tencent-callback-token-1' });
      const second = await send({ member_id: m, channel: 'sms', template_id: tpl, variables: { code: '135790' } });
      await drain();
      const sent = await delivery(second);
      expect(sent).toMatchObject({ status: 'sent', provider_message_id: expect.stringMatching(/^tc-/) });
      expect(fake.accepted.at(-1)).toEqual({ provider: 'tencent', clientId: second, phone: '+8613800138000', params: ['135790'] });
      const tencentReport = [{ mobile: '13800138000', report_status: 'FAIL', errmsg: 'MK:0001', description: '用户关机', sid: sent.provider_message_id }];
      expect((await t.app.inject({ method: 'POST', url: `/api/v1/public/messaging/${a.tenantId}/reports/tencent_sms/tencent-callback-token-1`, payload: tencentReport })).json()).toEqual({ result: 0, errmsg: 'OK' });
      expect(await delivery(second)).toMatchObject({ status: 'failed', error: 'MK:0001 用户关机' });
      const events = await t.deps.db.selectFrom('domain_events').select(['type', 'payload']).where('tenant_id', '=', a.tenantId).where('type', 'in', ['message.delivered', 'message.failed']).execute();
      expect(events.map((e) => [e.type, (e.payload as { delivery_id: string }).delivery_id])).toEqual(expect.arrayContaining([['message.delivered', first], ['message.failed', second], ['message.failed', refused]]));
    } finally {
      await fake.close();
    }
  });

  it('WeChat template and subscribe messages: token fetched once, cached, refreshed after 40001', async () => {
    const fake = await startWechatFake({ appId: 'wx-oa', secret: 'oa-secret' });
    clearWechatTokens();
    try {
      await configure('wechat_oa', { app_id: 'wx-oa', base_url: fake.url }, { app_secret: 'oa-secret' });
      await configure('wechat_mp', { app_id: 'wx-oa', base_url: fake.url, miniprogram_state: 'developer' }, { app_secret: 'oa-secret' });
      const oa = await template({ name: '积分变动', channel: 'wechat_template', provider_template: 'TPL-POINTS', bodies: { 'zh-CN': { body: '积分变动', link: 'https://m.brand.test/points', fields: { first: '{{ member.name }}，您的积分有变动', keyword1: '{{ delta }}' } } } });
      const mp = await template({ name: '订阅', channel: 'wechat_subscribe', provider_template: 'SUB-1', bodies: { 'zh-CN': { body: '到店提醒', link: 'pages/store/index', fields: { thing1: '{{ member.name }}' } } } });
      const m = await member([{ type: 'wechat_openid', app_id: 'wx-oa', value: 'o-openid-1' }, { type: 'mini_program_openid', app_id: 'wx-mp', value: 'o-mp-1' }]);
      const d1 = await send({ member_id: m, channel: 'wechat_template', template_id: oa, variables: { delta: '+100' } });
      const d2 = await send({ member_id: m, channel: 'wechat_template', template_id: oa, variables: { delta: '+5' } });
      await drain();
      expect(fake.calls).toEqual({ token: 1, forced: 0 });
      // Two jobs ran side by side: either may reach WeChat first.
      expect(fake.accepted.map((x) => [x.kind, x.clientId, x.touser]).sort()).toEqual([['template', d1, 'o-openid-1'], ['template', d2, 'o-openid-1']].sort());
      expect(fake.accepted.find((x) => x.clientId === d1)!.body).toMatchObject({ template_id: 'TPL-POINTS', url: 'https://m.brand.test/points', data: { first: { value: '王芳，您的积分有变动' }, keyword1: { value: '+100' } } });

      fake.revokeTokens(); // WeChat invalidated the token (or it expired early): the next send sees 40001.
      const d3 = await send({ member_id: m, channel: 'wechat_subscribe', template_id: mp });
      await drain();
      expect(fake.calls).toEqual({ token: 2, forced: 1 });
      expect(await delivery(d3)).toMatchObject({ status: 'sent' });
      expect(fake.accepted.at(-1)).toMatchObject({ kind: 'subscribe', touser: 'o-mp-1', body: { template_id: 'SUB-1', page: 'pages/store/index', miniprogram_state: 'developer', data: { thing1: { value: '王芳' } } } });

      // The token is shared through the database: another process (empty memory) does not fetch a new one.
      clearWechatTokens();
      await send({ member_id: m, channel: 'wechat_template', template_id: oa, variables: { delta: '0' } });
      await drain();
      expect(fake.calls.token).toBe(2);
      const stored = await t.deps.db.selectFrom('wechat_access_tokens').select('token_sealed').where('tenant_id', '=', a.tenantId).executeTakeFirstOrThrow();
      expect(stored.token_sealed).not.toContain('tok-');

      // A member without an openid for the channel is suppressed when sent, not failed at the provider.
      const none = await member();
      expect((await req('POST', '/api/v1/messaging/send', { member_id: none, channel: 'wechat_template', template_id: oa, category: 'transactional', dedupe_key: 'no-openid' })).json()).toMatchObject({ status: 'suppressed', reason: 'no_address' });
    } finally {
      await fake.close();
    }
  });

  it('web push with VAPID to every subscribed browser; a gone subscription is removed', async () => {
    const vapid = webpush.generateVAPIDKeys();
    const fake = await startPushFake(vapid.publicKey);
    try {
      await configure('web_push', { subject: 'mailto:ops@brand.test', public_key: vapid.publicKey, ca_pem: fake.ca }, { private_key: vapid.privateKey });
      const tpl = await template({ name: '推送', channel: 'web_push', bodies: { 'zh-CN': { subject: '新品上架', body: '{{ member.name }}，春季新品到店', link: '/m/new' } } });
      const m = await member();
      const browser = () => {
        const ecdh = crypto.createECDH('prime256v1');
        ecdh.generateKeys();
        return { p256dh: ecdh.getPublicKey().toString('base64url'), auth: crypto.randomBytes(16).toString('base64url') };
      };
      for (const path of ['/push/a', '/push/b']) expect((await req('POST', `/api/v1/members/${m}/push-subscriptions`, { endpoint: `${fake.url}${path}`, keys: browser() })).statusCode).toBe(201);
      const d = await send({ member_id: m, channel: 'web_push', template_id: tpl });
      await drain();
      const pushed = await delivery(d);
      expect(pushed, pushed.error).toMatchObject({ status: 'sent', provider_message_id: expect.stringContaining('/msg/') });
      expect(fake.accepted.map((x) => x.path).sort()).toEqual(['/push/a', '/push/b']);
      expect(fake.accepted[0]!.topic).toHaveLength(32);

      fake.gone.add('/push/a');
      await send({ member_id: m, channel: 'web_push', template_id: tpl });
      await drain();
      expect(await t.deps.db.selectFrom('web_push_subscriptions').select('endpoint').where('tenant_id', '=', a.tenantId).where('member_id', '=', m).execute()).toEqual([{ endpoint: `${fake.url}/push/b` }]);
      const unsubscribed = await member();
      expect((await req('POST', '/api/v1/messaging/send', { member_id: unsubscribed, channel: 'web_push', template_id: tpl, category: 'transactional', dedupe_key: 'no-browser' })).json()).toMatchObject({ status: 'suppressed', reason: 'no_address' });
    } finally {
      await fake.close();
    }
  });

  it('webhooks signed per Standard Webhooks, retried with backoff until the receiver takes them', async () => {
    const secret = `whsec_${crypto.randomBytes(24).toString('base64')}`;
    const fake = await startWebhookFake(secret, { failFirst: 2 });
    try {
      await configure('webhook', { url: `${fake.url}/hooks/hearth` }, { signing_secret: secret });
      const tpl = await template({ name: '回调', channel: 'webhook', bodies: { 'zh-CN': { body: '{"event":"points_changed","name":"{{ member.name }}","note":"{{ note }}"}' } } });
      const m = await member([], { name: '王"芳' });
      const d = await send({ member_id: m, channel: 'webhook', template_id: tpl, variables: { note: 'a "quoted"\nline' } });
      for (let i = 0; i < 3; i++) {
        await drain();
        // The job backs off on each 500 (run_at moves into the future); bring it due again.
        await t.deps.db.updateTable('jobs').set({ run_at: new Date(0) }).where('tenant_id', '=', a.tenantId).where('status', '=', 'queued').execute();
      }
      expect(fake.attempts).toHaveLength(3);
      expect(fake.accepted).toEqual([{ id: d, body: expect.objectContaining({ type: 'message', delivery_id: d, member_id: m, data: { event: 'points_changed', name: '王"芳', note: 'a "quoted"\nline' } }) }]);
      expect(await delivery(d)).toMatchObject({ status: 'delivered', attempts: 3, error: null });
      const job = await t.deps.db.selectFrom('jobs').select(['attempts', 'status']).where('tenant_id', '=', a.tenantId).where('dedupe_key', 'like', `delivery:${d}:%`).executeTakeFirstOrThrow();
      expect(job).toEqual({ attempts: 3, status: 'succeeded' });
    } finally {
      await fake.close();
    }
  });

  it('keeps the send of a message whose click (or report) came back before the send was recorded', async () => {
    const secret = `whsec_${crypto.randomBytes(24).toString('base64')}`;
    // The receiver opens the message's link before it answers: the click lands while the delivery is still 'sending'.
    const fake = await startWebhookFake(secret, { beforeAnswer: async (id) => void (await recordStatus(t.deps, a.tenantId, { deliveryId: id }, { status: 'clicked' })) });
    try {
      await configure('webhook', { url: `${fake.url}/hooks/fast` }, { signing_secret: secret });
      const tpl = await template({ name: '快速回调', channel: 'webhook', bodies: { 'zh-CN': { body: '{"event":"hello"}' } } });
      const d = await send({ member_id: await member(), channel: 'webhook', template_id: tpl });
      await drain();
      expect(fake.accepted.map((x) => x.id)).toEqual([d]);
      expect(await delivery(d)).toMatchObject({ status: 'clicked', sent_at: expect.any(String), clicked_at: expect.any(String) });
      const sent = await t.deps.db.selectFrom('domain_events').select('payload').where('tenant_id', '=', a.tenantId).where('type', '=', 'message.sent').execute();
      expect(sent.filter((e) => (e.payload as { delivery_id: string }).delivery_id === d)).toHaveLength(1);
      const job = await t.deps.db.selectFrom('jobs').select(['attempts', 'status']).where('tenant_id', '=', a.tenantId).where('dedupe_key', 'like', `delivery:${d}:%`).executeTakeFirstOrThrow();
      expect(job).toEqual({ attempts: 1, status: 'succeeded' });
    } finally {
      await fake.close();
    }
  });

  it('never returns channel secrets, and another tenant sees none of them', async () => {
    const list = await req('GET', '/api/v1/messaging/channels');
    expect(list.body).not.toMatch(/ali-secret|tc-secret|oa-secret|whsec_|callback-token/);
    expect(list.json().data.find((c: { provider: string }) => c.provider === 'aliyun_sms')).toMatchObject({ secrets_set: ['access_key_secret', 'callback_token'] });
    const sealed = await t.deps.db.selectFrom('message_channel_configs').select('secrets_sealed').where('tenant_id', '=', a.tenantId).execute();
    for (const row of sealed) expect(row.secrets_sealed).toMatch(/^v1\./);
    expect((await req('GET', '/api/v1/messaging/channels', undefined, b)).json().data).toEqual([]);
  });
});
