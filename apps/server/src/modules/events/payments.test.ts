import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestTenant, type TestApp, type TestTenant } from '../../test/app.ts';
import { createTestClock } from '../../test/deps.ts';
import { startWechatPayPeer, type WechatPayPeer } from '../membership/test-peers/wechat-pay.ts';
import { expireHolds } from './cancellation.service.ts';

const MINUTE = 60_000;

describe('events: tickets paid with WeChat Pay, settled by its notification', () => {
  const start = new Date('2026-12-01T02:00:00Z');
  const clock = createTestClock(start);
  let t: TestApp;
  let a: TestTenant;
  let pay: WechatPayPeer;
  let oauth: http.Server;
  let storeId: string;
  let n = 0;
  const req = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) => t.app.inject({ method, url, payload, headers: a.auth });
  const notify = (body: string, headers: Record<string, string>, path = 'payments') => t.app.inject({ method: 'POST', url: `/api/v1/public/${path}/wechat/${a.tenantId}/notify`, payload: body, headers });
  const domainEvents = async (type: string) => (await t.deps.db.selectFrom('domain_events').select('payload').where('tenant_id', '=', a.tenantId).where('type', '=', type).execute()).map((e) => e.payload as Record<string, unknown>);
  const refundCalls = () => pay.seen.filter((s) => s === 'POST /v3/refund/domestic/refunds').length;

  /** A member signed in through WeChat (OAuth against the local fake), so the session carries the openid JSAPI needs. */
  const wechatMember = async () => {
    const code = `CODE-${++n}`;
    const authorize = await t.app.inject({ method: 'GET', url: `/api/v1/me/auth/wechat/authorize?brand=${a.slug}&scope=snsapi_base&redirect_uri=${encodeURIComponent('https://brand.example/m/auth/wechat')}` });
    const state = new URL(authorize.json().url).searchParams.get('state')!;
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/me/auth/wechat', payload: { brand: a.slug, code, state, session: 'bearer' }, cookies: { hearth_wx_state: state } });
    expect(res.statusCode, res.body).toBe(200);
    const token = res.json().token as string;
    return (method: 'GET' | 'POST', url: string, payload?: object) => t.app.inject({ method, url: `/api/v1/me${url}`, payload, headers: { authorization: `Bearer ${token}` } });
  };
  const paidEvent = async (capacity = 5) => {
    const created = await req('POST', '/api/v1/events/sessions', { title: '咖啡品鉴会', location: { kind: 'store', store_id: storeId }, starts_at: new Date(start.getTime() + 72 * 60 * MINUTE).toISOString(), ends_at: new Date(start.getTime() + 74 * 60 * MINUTE).toISOString(), capacity, price: { kind: 'fen', amount: 3900 }, hold_minutes: 15 });
    expect(created.statusCode, created.body).toBe(201);
    return (await req('POST', `/api/v1/events/sessions/${created.json().id}/publish`)).json().id as string;
  };
  type Reg = { id: string; status: string; paid_at: string | null; ticket_code: string | null; refund_fen: number; refund_status: string | null; pay_params?: Record<string, string> | null };
  const registerWithWechat = async (me: Awaited<ReturnType<typeof wechatMember>>, eventId: string) => {
    const res = await me('POST', `/events/${eventId}/registrations`, { provider: 'wechat' });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as Reg;
  };
  const tradeNo = (registrationId: string) => registrationId.replaceAll('-', '');

  beforeAll(async () => {
    pay = await startWechatPayPeer(() => clock.now());
    // api.weixin.qq.com's OAuth: every code is a distinct WeChat user.
    oauth = http.createServer((request, response) => {
      const url = new URL(request.url!, 'http://x');
      const ok = url.pathname === '/sns/oauth2/access_token' && url.searchParams.get('appid') === 'wx-test-app' && url.searchParams.get('secret') === 'app-secret-1';
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(ok ? { access_token: 'AT', expires_in: 7200, refresh_token: 'RT', openid: `o-${url.searchParams.get('code')}`, scope: 'snsapi_base' } : { errcode: 40029, errmsg: 'invalid code' }));
    });
    await new Promise<void>((resolve) => oauth.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(oauth.address() as AddressInfo).port}`;
    t = await createTestApp({ clock, env: { HEARTH_SECRETS_KEY: Buffer.alloc(32, 9).toString('base64'), HEARTH_WECHAT_API_BASE: base, HEARTH_WECHAT_OPEN_BASE: base } });
    a = await createTestTenant(t.deps);
    expect((await req('PUT', '/api/v1/membership/providers/wechat', pay.config())).statusCode).toBe(200);
    expect((await req('PUT', '/api/v1/member-portal/wechat', { appid: 'wx-test-app', secret: 'app-secret-1' })).statusCode).toBe(200);
    storeId = (await req('POST', '/api/v1/stores', { code: 'BJ01', name: '三里屯店' })).json().id;
  });
  afterAll(async () => {
    await t.close();
    await pay.close();
    await new Promise((resolve) => oauth.close(resolve));
  });

  it('holds the seat for a JSAPI payment; the verified notification makes it the member’s, and a duplicate changes nothing', async () => {
    const me = await wechatMember();
    const eventId = await paidEvent();
    expect((await me('GET', `/events/${eventId}`)).json()).toMatchObject({ my_price: { amount: 3900 }, wechat_pay: true });
    const held = await registerWithWechat(me, eventId);
    expect(held).toMatchObject({ status: 'pending_payment', paid_at: null, ticket_code: null });
    expect(held.pay_params).toMatchObject({ appId: pay.appid, signType: 'RSA', package: expect.stringMatching(/^prepay_id=wx/) });
    expect(pay.orders.get(tradeNo(held.id))).toMatchObject({ total: 3900, notifyUrl: `https://hearth.example.com/api/v1/public/payments/wechat/${a.tenantId}/notify` });

    // Forged, tampered or unknown: refused, nothing applied.
    const paid = pay.transaction(tradeNo(held.id), 3900);
    const forged = pay.notification(paid, clock.now(), crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey);
    expect((await notify(forged.body, forged.headers)).statusCode).toBe(401);
    const stranger = pay.notification(pay.transaction('0'.repeat(32), 3900), clock.now());
    expect((await notify(stranger.body, stranger.headers)).statusCode).toBe(404);
    expect((await me('GET', `/event-registrations/${held.id}`)).json().status).toBe('pending_payment');

    const first = pay.notification(paid, clock.now());
    expect((await notify(first.body, first.headers)).statusCode).toBe(204);
    const registered = (await me('GET', `/event-registrations/${held.id}`)).json();
    expect(registered).toMatchObject({ status: 'registered', paid_at: clock.now().toISOString(), hold_expires_at: null, ticket_code: expect.stringMatching(/^[0-9A-Z]{5}-/) });
    const row = await t.deps.db.selectFrom('event_registrations').select(['provider_txn_id', 'updated_at']).where('tenant_id', '=', a.tenantId).where('id', '=', held.id).executeTakeFirstOrThrow();
    expect(row.provider_txn_id).toBe(paid.transaction_id);

    // WeChat Pay repeats notifications until answered, and to the older URL too: each is a duplicate.
    clock.advance(MINUTE);
    for (const path of ['payments', 'membership']) {
      const again = pay.notification(paid, clock.now());
      expect((await notify(again.body, again.headers, path)).statusCode).toBe(204);
    }
    expect((await me('GET', `/event-registrations/${held.id}`)).json()).toEqual(registered);
    expect((await t.deps.db.selectFrom('event_registrations').select('updated_at').where('tenant_id', '=', a.tenantId).where('id', '=', held.id).executeTakeFirstOrThrow()).updated_at).toEqual(row.updated_at);
    expect((await domainEvents('event.registered')).filter((e) => e.registration_id === held.id)).toHaveLength(1);
    expect((await req('GET', `/api/v1/events/sessions/${eventId}/stats`)).json().revenue_fen).toBe(3900);
    // The job finds nothing left to ask about.
    clock.advance(30 * MINUTE);
    await expireHolds(t.deps);
    expect((await me('GET', `/event-registrations/${held.id}`)).json().status).toBe('registered');
  });

  it('refunds money that arrives after the hold expired, once, and never gives the seat back', async () => {
    const me = await wechatMember();
    const eventId = await paidEvent(1);
    const held = await registerWithWechat(me, eventId);
    const waiting = await registerWithWechat(await wechatMember(), eventId);
    expect(waiting.status).toBe('waitlisted');
    clock.advance(16 * MINUTE);
    expect(await expireHolds(t.deps)).toBe(1);
    expect((await me('GET', `/event-registrations/${held.id}`)).json().status).toBe('expired');

    const refundsBefore = refundCalls();
    const paid = pay.transaction(tradeNo(held.id), 3900);
    for (let i = 0; i < 2; i += 1) {
      const late = pay.notification(paid, clock.now());
      expect((await notify(late.body, late.headers)).statusCode).toBe(204);
    }
    expect((await me('GET', `/event-registrations/${held.id}`)).json()).toMatchObject({ status: 'expired', ticket_code: null, refund_fen: 3900, refund_status: 'succeeded' });
    expect(refundCalls()).toBe(refundsBefore + 1);
    expect(await domainEvents('event.payment_late')).toEqual([expect.objectContaining({ registration_id: held.id, refund_fen: 3900 })]);
    // The promoted member keeps the seat; the late money bought nothing.
    const seats = (await req('GET', `/api/v1/events/sessions/${eventId}`)).json();
    expect(seats).toMatchObject({ seats_taken: 1, waitlisted: 0 });
    expect((await req('GET', `/api/v1/events/sessions/${eventId}/stats`)).json().revenue_fen).toBe(0);
  });

  it('does not apply a notification for another amount; the status query still settles a lost notification', async () => {
    const me = await wechatMember();
    const eventId = await paidEvent();
    const held = await registerWithWechat(me, eventId);
    const wrong = pay.notification(pay.transaction(tradeNo(held.id), 1), clock.now());
    expect((await notify(wrong.body, wrong.headers)).statusCode).toBe(204);
    expect((await me('GET', `/event-registrations/${held.id}`)).json().status).toBe('pending_payment');
    const audit = await t.deps.db.selectFrom('audit_log').select('action').where('tenant_id', '=', a.tenantId).where('resource_id', '=', held.id).execute();
    expect(audit.map((r) => r.action)).toContain('event.payment_mismatch');

    const other = await registerWithWechat(await wechatMember(), eventId);
    pay.orders.get(tradeNo(other.id))!.state = 'SUCCESS';
    clock.advance(16 * MINUTE);
    await expireHolds(t.deps);
    const settled = await t.deps.db.selectFrom('event_registrations').select(['status', 'provider_txn_id']).where('tenant_id', '=', a.tenantId).where('id', '=', other.id).executeTakeFirstOrThrow();
    expect(settled).toEqual({ status: 'registered', provider_txn_id: pay.orders.get(tradeNo(other.id))!.transactionId });
    // Its notification, arriving after the query, is a duplicate.
    const afterwards = pay.notification(pay.transaction(tradeNo(other.id), 3900), clock.now());
    expect((await notify(afterwards.body, afterwards.headers)).statusCode).toBe(204);
    expect((await domainEvents('event.registered')).filter((e) => e.registration_id === other.id)).toHaveLength(1);
  });

  it('settles once when WeChat Pay delivers the same notification several times at once', async () => {
    const eventId = await paidEvent();
    const held = await registerWithWechat(await wechatMember(), eventId);
    const paid = pay.transaction(tradeNo(held.id), 3900);
    const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => {
      const n = pay.notification(paid, clock.now());
      return notify(n.body, n.headers, i % 2 ? 'membership' : 'payments');
    }));
    expect(answers.map((r) => r.statusCode)).toEqual(Array(6).fill(204));
    expect((await domainEvents('event.registered')).filter((e) => e.registration_id === held.id)).toHaveLength(1);
    expect((await req('GET', `/api/v1/events/sessions/${eventId}`)).json()).toMatchObject({ seats_taken: 1 });
    expect((await req('GET', `/api/v1/events/sessions/${eventId}/stats`)).json().revenue_fen).toBe(3900);
  });
});
