import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestTenant, type TestApp, type TestTenant } from '../../../test/app.ts';
import { createTestClock } from '../../../test/deps.ts';
import { checkPendingPayments } from '../membership.jobs.ts';
import { isPaidMember } from '../membership.service.ts';
import { startWechatPayPeer, type WechatPayPeer } from '../test-peers/wechat-pay.ts';

describe('membership: WeChat Pay API v3 adapter against a local fake', () => {
  const clock = createTestClock(new Date('2027-05-01T02:00:00Z'));
  let fake: WechatPayPeer;
  let t: TestApp;
  let a: TestTenant;
  let planId: string;
  let n = 0;
  const req = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) => t.app.inject({ method, url, payload, headers: a.auth });
  const notify = (body: string, headers: Record<string, string>, tenantId = a.tenantId) => t.app.inject({ method: 'POST', url: `/api/v1/public/membership/wechat/${tenantId}/notify`, payload: body, headers });
  const newMember = async () => (await req('POST', '/api/v1/members/resolve', { identities: [{ type: 'store_card', value: `WX-${++n}` }], profile: { channel: 'mini_program' } })).json().member.id as string;
  const buy = async (memberId: string) => {
    const res = await req('POST', `/api/v1/members/${memberId}/membership/purchase`, { plan_id: planId, provider: 'wechat', openid: `oUpF8u${n}` });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { payment: { id: string; out_trade_no: string; amount_fen: number }; pay_params: Record<string, string> };
  };
  const transaction = (outTradeNo: string, total: number) => fake.transaction(outTradeNo, total);
  const notification = (tx: object, at: Date, key?: crypto.KeyObject) => fake.notification(tx, at, key);

  beforeAll(async () => {
    fake = await startWechatPayPeer(() => clock.now());
    t = await createTestApp({ clock, env: { HEARTH_SECRETS_KEY: crypto.randomBytes(32).toString('base64') } });
    a = await createTestTenant(t.deps);
    planId = (await req('POST', '/api/v1/membership/plans', { name: '付费会员年卡', price_fen: 9900, period: 'year' })).json().id;
    const config = await req('PUT', '/api/v1/membership/providers/wechat', fake.config());
    expect(config.statusCode, config.body).toBe(200);
    expect(config.body).not.toContain('PRIVATE KEY');
  });
  afterAll(async () => {
    await t.close();
    await fake.close();
  });

  it('keeps the keys sealed at rest', async () => {
    const row = await t.deps.db.selectFrom('membership_provider_configs').selectAll().where('tenant_id', '=', a.tenantId).executeTakeFirstOrThrow();
    expect(row.private_key_sealed).not.toContain('PRIVATE KEY');
    expect(row.api_v3_key_sealed).not.toContain(fake.apiV3Key);
  });

  it('creates a signed JSAPI order; a verified notification starts the membership and a duplicate changes nothing', async () => {
    const member = await newMember();
    const { payment, pay_params } = await buy(member);
    expect(fake.seen).toContain('POST /v3/pay/transactions/jsapi');
    // Orders name the shared notify URL; the older /public/membership/… URL (used below) still answers.
    expect(fake.orders.get(payment.out_trade_no)!.notifyUrl).toBe(`https://hearth.example.com/api/v1/public/payments/wechat/${a.tenantId}/notify`);
    expect(pay_params).toMatchObject({ appId: 'wxd678efh567hg6787', signType: 'RSA', package: expect.stringMatching(/^prepay_id=wx/) });
    expect(crypto.verify('RSA-SHA256', Buffer.from(`${pay_params.appId}\n${pay_params.timeStamp}\n${pay_params.nonceStr}\n${pay_params.package}\n`), fake.merchant.publicKey, Buffer.from(pay_params.paySign!, 'base64'))).toBe(true);

    const good = notification(transaction(payment.out_trade_no, 9900), clock.now());
    // Tampered body, a stranger's key, a stale timestamp, another tenant's path: all refused, nothing applied.
    expect((await notify(good.body.replace('AEAD', 'aead'), good.headers)).statusCode).toBe(401);
    const forged = notification(transaction(payment.out_trade_no, 9900), clock.now(), crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey);
    expect((await notify(forged.body, forged.headers)).statusCode).toBe(401);
    const stale = notification(transaction(payment.out_trade_no, 9900), new Date(clock.now().getTime() - 10 * 60_000));
    expect((await notify(stale.body, stale.headers)).statusCode).toBe(401);
    const other = await createTestTenant(t.deps);
    expect((await notify(good.body, good.headers, other.tenantId)).statusCode).toBe(404);
    expect(await isPaidMember(t.deps.db, a.tenantId, member, clock.now())).toBe(false);

    expect((await notify(good.body, good.headers)).statusCode).toBe(204);
    expect(await isPaidMember(t.deps.db, a.tenantId, member, clock.now())).toBe(true);
    const again = notification(transaction(payment.out_trade_no, 9900), clock.now());
    expect((await notify(again.body, again.headers)).statusCode).toBe(204);
    const m = (await req('GET', `/api/v1/members/${member}/membership`)).json();
    expect(m.history).toHaveLength(1);
    expect(m.payments[0]).toMatchObject({ status: 'paid', provider_txn_id: `4200${payment.out_trade_no.slice(-8)}` });
  });

  it('asks for the status when the notification never comes', async () => {
    const member = await newMember();
    const { payment } = await buy(member);
    fake.orders.get(payment.out_trade_no)!.state = 'SUCCESS';
    expect((await checkPendingPayments(t.deps)).queried).toBe(0);
    clock.advance(6 * 60_000);
    expect(await checkPendingPayments(t.deps)).toMatchObject({ queried: 1, applied: 1 });
    expect(fake.seen).toContain('GET /v3/pay/transactions/out-trade-no/' + payment.out_trade_no);
    expect(await isPaidMember(t.deps.db, a.tenantId, member, clock.now())).toBe(true);
    // The notification arriving afterwards is a duplicate.
    const late = notification(transaction(payment.out_trade_no, 9900), clock.now());
    expect((await notify(late.body, late.headers)).statusCode).toBe(204);
    expect((await req('GET', `/api/v1/members/${member}/membership`)).json().history).toHaveLength(1);
  });

  it('refunds through WeChat Pay, ends the membership at once, and a notification after the refund revives nothing', async () => {
    const member = await newMember();
    const { payment } = await buy(member);
    const first = notification(transaction(payment.out_trade_no, 9900), clock.now());
    expect((await notify(first.body, first.headers)).statusCode).toBe(204);
    const refund = await req('POST', `/api/v1/members/${member}/membership/refund`, { reason: '七天无理由' });
    expect(refund.statusCode, refund.body).toBe(200);
    expect(refund.json()).toMatchObject({ policy: 'full', amount_fen: 9900, refunds: [{ status: 'succeeded', amount_fen: 9900 }] });
    expect(fake.seen).toContain('POST /v3/refund/domestic/refunds');
    expect(await isPaidMember(t.deps.db, a.tenantId, member, clock.now())).toBe(false);
    const replay = notification(transaction(payment.out_trade_no, 9900), clock.now());
    expect((await notify(replay.body, replay.headers)).statusCode).toBe(204);
    const m = (await req('GET', `/api/v1/members/${member}/membership`)).json();
    expect(m.is_paid_member).toBe(false);
    expect(m.subscriptions[0].status).toBe('refunded');
    expect(m.history.map((h: { to: string }) => h.to)).toEqual(['refunded', 'active']);
  });

  it('records money for a closed order as late and never starts a membership from it', async () => {
    const member = await newMember();
    const { payment } = await buy(member);
    clock.advance(121 * 60_000);
    fake.orders.get(payment.out_trade_no)!.state = 'CLOSED';
    await checkPendingPayments(t.deps);
    const late = notification(transaction(payment.out_trade_no, 9900), clock.now());
    expect((await notify(late.body, late.headers)).statusCode).toBe(204);
    const m = (await req('GET', `/api/v1/members/${member}/membership`)).json();
    expect(m.is_paid_member).toBe(false);
    expect(m.subscriptions).toHaveLength(0);
    expect(m.payments[0].status).toBe('late');
  });
});
