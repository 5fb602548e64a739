import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestTenant, type TestApp, type TestTenant } from '../../test/app.ts';
import { createTestClock } from '../../test/deps.ts';
import { requestCode, signInBySms } from './sign-in.test-helpers.ts';

const MINUTE = 60_000;

describe('member sign-in: SMS codes, limits and lockout, WeChat OAuth', () => {
  const clock = createTestClock(new Date('2026-11-20T02:00:00Z'));
  let t: TestApp;
  let a: TestTenant;
  let fake: http.Server;
  const wechatCalls: string[] = [];
  let phoneNo = 0;
  const phone = () => `1390000${String(++phoneNo).padStart(4, '0')}`;
  const post = (url: string, payload: object, extra: { ip?: string; cookies?: Record<string, string> } = {}) =>
    t.app.inject({ method: 'POST', url, payload, remoteAddress: extra.ip, cookies: extra.cookies });

  beforeAll(async () => {
    // A local stand-in for api.weixin.qq.com: checks the app's credentials and knows three codes.
    fake = http.createServer((req, res) => {
      const url = new URL(req.url!, 'http://x');
      wechatCalls.push(url.pathname);
      const send = (body: object) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      if (url.pathname === '/sns/oauth2/access_token') {
        if (url.searchParams.get('appid') !== 'wx-test-app' || url.searchParams.get('secret') !== 'app-secret-1' || url.searchParams.get('grant_type') !== 'authorization_code') return send({ errcode: 40125, errmsg: 'invalid appsecret' });
        const code = url.searchParams.get('code');
        if (code === 'CODE-BASE') return send({ access_token: 'AT-1', expires_in: 7200, refresh_token: 'RT', openid: 'o-base-1', scope: 'snsapi_base' });
        if (code === 'CODE-INFO') return send({ access_token: 'AT-2', expires_in: 7200, refresh_token: 'RT', openid: 'o-info-1', scope: 'snsapi_userinfo', unionid: 'u-union-1' });
        if (code === 'CODE-DOWN') return res.writeHead(503).end();
        return send({ errcode: 40029, errmsg: 'invalid code' });
      }
      if (url.pathname === '/sns/userinfo') {
        if (url.searchParams.get('access_token') !== 'AT-2' || url.searchParams.get('openid') !== 'o-info-1') return send({ errcode: 40001, errmsg: 'invalid credential' });
        return send({ openid: 'o-info-1', nickname: '小炉子', sex: 0, province: '', city: '', country: '', headimgurl: '', privilege: [], unionid: 'u-union-1' });
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;
    t = await createTestApp({ clock, env: { HEARTH_WECHAT_API_BASE: base, HEARTH_WECHAT_OPEN_BASE: base, HEARTH_SECRETS_KEY: Buffer.alloc(32, 7).toString('base64') } });
    a = await createTestTenant(t.deps);
  });
  afterAll(async () => {
    await t.close();
    await new Promise((resolve) => fake.close(resolve));
  });

  it('signs in with a 6-digit code that is stored hashed, registers a new phone once and opens a session', async () => {
    const p = phone();
    const code = await requestCode(t, a.slug, p);
    expect(code).toMatch(/^\d{6}$/);
    const stored = await t.deps.db.selectFrom('member_sign_in_codes').selectAll().where('tenant_id', '=', a.tenantId).execute();
    expect(JSON.stringify(stored)).not.toContain(code);
    expect(JSON.stringify(stored)).not.toContain(p.slice(3));
    const ok = await post('/api/v1/me/auth/sms/verify', { brand: a.slug, phone: p, code, session: 'cookie' });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ created: true, token: null });
    const cookie = ok.cookies.find((c) => c.name === 'hearth_member')!;
    expect(cookie.httpOnly).toBe(true);
    const profile = await t.app.inject({ method: 'GET', url: '/api/v1/me/profile', cookies: { hearth_member: cookie.value } });
    expect(profile.statusCode).toBe(200);
    expect(profile.json().phone).toBe('139****' + p.slice(7));
    // The code works once; the same phone again is the same member.
    expect((await post('/api/v1/me/auth/sms/verify', { brand: a.slug, phone: p, code, session: 'cookie' })).json().code).toBe('SIGN_IN_CODE_INVALID');
    clock.advance(MINUTE);
    const again = await signInBySms(t, a.slug, p);
    expect(again).toMatchObject({ member_id: ok.json().member_id, created: false });
    // Sessions are hashed at rest; logout ends one.
    const rows = await t.deps.db.selectFrom('member_sessions').select('token_hash').where('member_id', '=', again.member_id).execute();
    expect(JSON.stringify(rows)).not.toContain(again.token!);
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/me/auth/logout', headers: again.auth })).statusCode).toBe(204);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me/card', headers: again.auth })).statusCode).toBe(401);
  });

  it('refuses a code after 5 minutes', async () => {
    const p = phone();
    const code = await requestCode(t, a.slug, p);
    clock.advance(5 * MINUTE + 1000);
    const late = await post('/api/v1/me/auth/sms/verify', { brand: a.slug, phone: p, code });
    expect(late.statusCode).toBe(401);
    expect(late.json().errors[0]).toMatchObject({ field: 'code', code: 'no_live_code' });
  });

  it('limits codes per phone: one a minute, five an hour', async () => {
    const p = phone();
    await requestCode(t, a.slug, p);
    const soon = await post('/api/v1/me/auth/sms/code', { brand: a.slug, phone: p });
    expect(soon.statusCode).toBe(429);
    expect(soon.json().errors[0].code).toBe('resend_too_soon');
    expect(Number(soon.headers['retry-after'])).toBeGreaterThan(0);
    for (let i = 0; i < 4; i++) {
      clock.advance(MINUTE);
      await requestCode(t, a.slug, p);
    }
    clock.advance(MINUTE);
    const sixth = await post('/api/v1/me/auth/sms/code', { brand: a.slug, phone: p });
    expect(sixth.statusCode).toBe(429);
    expect(sixth.json().errors[0].code).toBe('too_many_codes');
    clock.advance(56 * MINUTE);
    await requestCode(t, a.slug, p);
  });

  it('locks the phone after repeated wrong codes, even for the right code, until the lock ends', async () => {
    const p = phone();
    const code = await requestCode(t, a.slug, p);
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 4; i++) expect((await post('/api/v1/me/auth/sms/verify', { brand: a.slug, phone: p, code: wrong })).json().code).toBe('SIGN_IN_CODE_INVALID');
    const fifth = await post('/api/v1/me/auth/sms/verify', { brand: a.slug, phone: p, code: wrong });
    expect(fifth.statusCode).toBe(429);
    expect(fifth.json().errors[0].code).toBe('locked');
    expect((await post('/api/v1/me/auth/sms/verify', { brand: a.slug, phone: p, code })).statusCode).toBe(429);
    expect((await post('/api/v1/me/auth/sms/code', { brand: a.slug, phone: p })).statusCode).toBe(429);
    clock.advance(16 * MINUTE);
    await signInBySms(t, a.slug, p);
  });

  it('limits codes per IP across phones', async () => {
    const ip = '10.9.8.7';
    for (let i = 0; i < 20; i++) await requestCode(t, a.slug, phone(), ip);
    const over = await post('/api/v1/me/auth/sms/code', { brand: a.slug, phone: phone() }, { ip });
    expect(over.statusCode).toBe(429);
    expect((await post('/api/v1/me/auth/sms/code', { brand: a.slug, phone: phone() }, { ip: '10.9.8.8' })).statusCode).toBe(200);
  });

  it('limits code checks per IP across phones, so one address cannot guess at many phones', async () => {
    const ip = '10.9.8.9';
    // One wrong guess per phone stays far below each phone's lockout: only the address limit can stop this.
    for (let i = 0; i < 30; i++) {
      const p = phone();
      await requestCode(t, a.slug, p, `10.1.${i}.1`);
      expect((await post('/api/v1/me/auth/sms/verify', { brand: a.slug, phone: p, code: '000000' }, { ip })).statusCode).not.toBe(429);
    }
    const p = phone();
    const code = await requestCode(t, a.slug, p, '10.1.1.2');
    const over = await post('/api/v1/me/auth/sms/verify', { brand: a.slug, phone: p, code }, { ip });
    expect(over.statusCode).toBe(429);
    expect(over.headers['content-type']).toContain('application/problem+json');
    expect((await post('/api/v1/me/auth/sms/verify', { brand: a.slug, phone: p, code }, { ip: '10.9.8.10' })).statusCode).toBe(200);
  });

  it('refuses unknown brands and malformed phones by field', async () => {
    expect((await post('/api/v1/me/auth/sms/code', { brand: 'no-such-brand', phone: phone() })).json().errors[0].field).toBe('brand');
    expect((await post('/api/v1/me/auth/sms/code', { brand: a.slug, phone: '12345' })).json().errors[0]).toMatchObject({ field: 'phone', code: 'invalid_phone' });
  });

  it('signs in through WeChat OAuth against the local fake: base gives the openid, userinfo the unionid and nickname', async () => {
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/me/auth/brand?brand=${a.slug}` })).json().wechat_sign_in).toBe(false);
    const notYet = await t.app.inject({ method: 'GET', url: `/api/v1/me/auth/wechat/authorize?brand=${a.slug}&redirect_uri=${encodeURIComponent('https://brand.example/m/auth/wechat')}` });
    expect(notYet.json().code).toBe('WECHAT_NOT_CONFIGURED');
    const saved = await t.app.inject({ method: 'PUT', url: '/api/v1/member-portal/wechat', payload: { appid: 'wx-test-app', secret: 'app-secret-1' }, headers: a.auth });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(JSON.stringify(await t.deps.db.selectFrom('member_portal_wechat').selectAll().execute())).not.toContain('app-secret-1');

    const start = async (scope: string) => {
      const res = await t.app.inject({ method: 'GET', url: `/api/v1/me/auth/wechat/authorize?brand=${a.slug}&scope=${scope}&redirect_uri=${encodeURIComponent('https://brand.example/m/auth/wechat')}` });
      expect(res.statusCode, res.body).toBe(200);
      const url = new URL(res.json().url);
      expect(url.pathname).toBe('/connect/oauth2/authorize');
      expect(url.hash).toBe('#wechat_redirect');
      expect(Object.fromEntries(url.searchParams)).toMatchObject({ appid: 'wx-test-app', scope, response_type: 'code', redirect_uri: 'https://brand.example/m/auth/wechat' });
      const state = url.searchParams.get('state')!;
      expect(res.cookies.find((c) => c.name === 'hearth_wx_state')!.value).toBe(state);
      return state;
    };
    const finish = (code: string, state: string, cookieState = state) =>
      post('/api/v1/me/auth/wechat', { brand: a.slug, code, state, session: 'bearer' }, { cookies: { hearth_wx_state: cookieState } });

    const base = await finish('CODE-BASE', await start('snsapi_base'));
    expect(base.statusCode, base.body).toBe(200);
    expect(base.json().created).toBe(true);
    const info = await finish('CODE-INFO', await start('snsapi_userinfo'));
    expect(info.statusCode, info.body).toBe(200);
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/me/profile', headers: { authorization: `Bearer ${info.json().token}` } });
    expect(me.json().nickname).toBe('小炉子');
    expect(wechatCalls).toContain('/sns/userinfo');
    // The same WeChat user again is the same member.
    const again = await finish('CODE-INFO', await start('snsapi_userinfo'));
    expect(again.json()).toMatchObject({ member_id: info.json().member_id, created: false });
    const identities = await t.deps.db.selectFrom('member_identities').select(['type', 'app_id', 'value']).where('member_id', '=', info.json().member_id).orderBy('type').execute();
    expect(identities).toEqual([
      { type: 'wechat_openid', app_id: 'wx-test-app', value: 'o-info-1' },
      { type: 'wechat_unionid', app_id: '', value: 'u-union-1' },
    ]);

    const state = await start('snsapi_base');
    expect((await finish('CODE-BASE', state, 'another-state')).json().errors[0].code).toBe('state_mismatch');
    const badCode = await finish('CODE-WRONG', state);
    expect(badCode.statusCode).toBe(401);
    expect(badCode.json()).toMatchObject({ code: 'WECHAT_SIGN_IN_FAILED', errors: [{ field: 'code', code: 'wechat_40029' }] });
    expect((await finish('CODE-DOWN', state)).statusCode).toBe(502);
  });
});
