// Member center inside WeChat (CI; run with `node --import tsx`, for the TypeScript WeChat Pay peer): starts the real
// server in development mode on a fresh embedded database, pointed at two local stand-ins on 127.0.0.1 — WeChat's
// web OAuth (authorize page, code → openid/unionid, user info) and WeChat Pay API v3 (the peer the server's tests
// use, which checks the merchant's signatures and signs like WeChat Pay). Debian's Chromium plays the phone with
// WeChat's user agent and a WeixinJSBridge whose payment sheet is answered here, as the member's taps would be:
// the member signs in with WeChat, buys the paid plan with WeChat Pay and claims its partner perk, registers for a paid event, closes the
// payment sheet once (the seat stays held), pays, gets the ticket's QR, and cancels it for a refund through
// WeChat Pay. Screenshots of each step go to artifacts/.
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, launchChromium, operatorApi, waitForReady } from './e2e-lib.mjs';
import { startWechatPayPeer } from '../apps/server/src/modules/membership/test-peers/wechat-pay.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const artifacts = path.join(root, 'artifacts');
const apiKey = `e2e_wechat_${Date.now().toString(36)}_key_0123456789`;
const wechatUserAgent = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.50(0x1800323c) NetType/WIFI Language/zh_CN';
const oauth = { appid: 'wx-e2e-oa', secret: 'e2e-oa-secret', code: `CODE-${crypto.randomBytes(4).toString('hex')}`, openid: 'o-e2e-wechat-1', unionid: 'u-e2e-wechat-1', nickname: '微信小满' };

if (spawnSync(process.execPath, [path.join(root, 'scripts/build-web.mjs'), '--if-stale'], { stdio: 'inherit' }).status !== 0) process.exit(1);
fs.mkdirSync(artifacts, { recursive: true });

// WeChat's OAuth, as open.weixin.qq.com and api.weixin.qq.com answer it: the authorize page sends the browser back
// with a one-time code at once (the member already follows the account), and the code is good for one exchange.
const oauthCalls = [];
const usedCodes = new Set();
const wechat = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  oauthCalls.push(url.pathname);
  const send = (body) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  if (url.pathname === '/connect/oauth2/authorize') {
    if (url.searchParams.get('appid') !== oauth.appid || url.searchParams.get('response_type') !== 'code') return res.writeHead(400).end('bad authorize request');
    const back = new URL(url.searchParams.get('redirect_uri'));
    back.searchParams.set('code', oauth.code);
    back.searchParams.set('state', url.searchParams.get('state') ?? '');
    return res.writeHead(302, { location: back.toString() }).end();
  }
  if (url.pathname === '/sns/oauth2/access_token') {
    if (url.searchParams.get('appid') !== oauth.appid || url.searchParams.get('secret') !== oauth.secret) return send({ errcode: 40125, errmsg: 'invalid appsecret' });
    const code = url.searchParams.get('code');
    if (code !== oauth.code || usedCodes.has(code)) return send({ errcode: 40163, errmsg: 'code been used' });
    usedCodes.add(code);
    return send({ access_token: 'AT-E2E', expires_in: 7200, refresh_token: 'RT-E2E', openid: oauth.openid, scope: 'snsapi_userinfo', unionid: oauth.unionid });
  }
  if (url.pathname === '/sns/userinfo') {
    if (url.searchParams.get('access_token') !== 'AT-E2E' || url.searchParams.get('openid') !== oauth.openid) return send({ errcode: 40001, errmsg: 'invalid credential' });
    return send({ openid: oauth.openid, nickname: oauth.nickname, sex: 0, province: '', city: '', country: '', headimgurl: '', privilege: [], unionid: oauth.unionid });
  }
  res.writeHead(404).end();
});
await new Promise((resolve) => wechat.listen(0, '127.0.0.1', resolve));
const wechatBase = `http://127.0.0.1:${wechat.address().port}`;
const pay = await startWechatPayPeer(() => new Date());

const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-e2e-wechat-'));
let serverOutput = '';
const server = spawn(process.execPath, ['--import', 'tsx', 'apps/server/src/main.ts'], {
  cwd: root,
  env: {
    PATH: process.env.PATH,
    NODE_ENV: 'development',
    PORT: String(port),
    HOST: '127.0.0.1',
    HEARTH_DATA_DIR: dataDir,
    HEARTH_DEMO_API_KEY: apiKey,
    HEARTH_WECHAT_API_BASE: wechatBase,
    HEARTH_WECHAT_OPEN_BASE: wechatBase,
    HEARTH_SECRETS_KEY: crypto.randomBytes(32).toString('base64'),
    LOG_LEVEL: 'info',
    ...(process.env.DATABASE_URL && { DATABASE_URL: process.env.DATABASE_URL }),
  },
});
server.stdout.on('data', (chunk) => (serverOutput += chunk));
server.stderr.on('data', (chunk) => (serverOutput += chunk));

const operator = operatorApi(base, apiKey);

/**
 * The member's answer to WeChat's payment sheet, taken in order: "cancel" closes it; "ok" pays, and WeChat Pay
 * then marks its order paid and sends the server its signed, encrypted notification before the sheet closes.
 */
const sheetAnswers = [];
const notified = [];
async function answerPaymentSheet(params) {
  const answer = sheetAnswers.shift() ?? 'ok';
  if (params.appId !== pay.appid || params.signType !== 'RSA' || !params.package?.startsWith('prepay_id=') || !params.paySign) throw new Error(`the sheet got no signed JSAPI parameters: ${JSON.stringify(params)}`);
  if (answer !== 'ok') return answer;
  const prepayId = params.package.slice('prepay_id='.length);
  const [outTradeNo, order] = [...pay.orders].find(([number]) => `wx${number.slice(-10)}` === prepayId) ?? [];
  if (!order) throw new Error(`WeChat Pay has no order for ${prepayId}`);
  order.state = 'SUCCESS';
  const { body, headers } = pay.notification(pay.transaction(outTradeNo, order.total), new Date());
  const response = await fetch(order.notifyUrl, { method: 'POST', headers, body });
  if (!response.ok) throw new Error(`the server refused WeChat Pay's notification: ${response.status} ${await response.text()}`);
  notified.push(outTradeNo);
  return 'ok';
}

let browser;
let failure;
const shots = [];
try {
  await waitForReady(server, `${base}/readyz`, 300_000);
  // What the brand set up: its official account for sign-in, and its WeChat Pay merchant.
  await operator('PUT', '/member-portal/wechat', { appid: oauth.appid, secret: oauth.secret });
  await operator('PUT', '/membership/providers/wechat', { ...pay.config(), notify_base_url: base });
  const plan = (await operator('GET', '/membership/plans?limit=50')).data.find((p) => p.status === 'active' && p.price_fen > 0);
  if (!plan?.benefit_ids.length) throw new Error('the demo brand has no active paid plan with benefits');
  const store = (await operator('GET', '/stores?limit=1')).data[0];
  const startsAt = new Date(Date.now() + 3 * 86_400_000);
  const event = await operator('POST', '/events/sessions', {
    title: 'E2E 手冲咖啡品鉴会', description: '三支单品豆，咖啡师讲解风味。', location: { kind: 'store', store_id: store.id, address_note: '二楼' },
    starts_at: startsAt.toISOString(), ends_at: new Date(startsAt.getTime() + 2 * 3_600_000).toISOString(), capacity: 6, price: { kind: 'fen', amount: 3900 }, questions: [],
  });
  await operator('POST', `/events/sessions/${event.id}/publish`);

  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN', userAgent: wechatUserAgent });
  await context.exposeFunction('hearthE2eAnswerPaymentSheet', answerPaymentSheet);
  // WeChat's in-page bridge: its payment sheet reports back as `get_brand_wcpay_request:<ok|cancel|fail>`.
  await context.addInitScript(() => {
    window.WeixinJSBridge = {
      invoke(name, params, callback) {
        if (name !== 'getBrandWCPayRequest') return callback({ err_msg: `${name}:fail` });
        window.hearthE2eAnswerPaymentSheet(params).then(
          (answer) => callback({ err_msg: `get_brand_wcpay_request:${answer}` }),
          () => callback({ err_msg: 'get_brand_wcpay_request:fail' }),
        );
      },
    };
  });
  const page = await context.newPage();
  const shot = async (name) => {
    await page.waitForTimeout(400);
    const file = path.join(artifacts, `${process.env.DATABASE_URL ? 'wechat-pg' : 'wechat'}-${name}.png`);
    await page.screenshot({ path: file });
    shots.push(file);
  };

  // 1. Inside WeChat the sign-in page offers WeChat; the authorize round trip ends on the member card.
  await page.goto(`${base}/m/?brand=demo`);
  await page.getByTestId('signin-wechat').waitFor();
  await shot('01-sign-in');
  await page.getByTestId('signin-wechat').click();
  await page.getByTestId('member-qr').waitFor();
  await shot('02-card');
  if (!oauthCalls.includes('/connect/oauth2/authorize') || !oauthCalls.includes('/sns/userinfo')) throw new Error(`WeChat saw ${oauthCalls.join(', ')}`);
  const members = await operator('GET', `/members?identity_type=wechat_unionid&identity_value=${oauth.unionid}`);
  if (members.data.length !== 1) throw new Error(`the unionid resolves to ${members.data.length} members`);
  const memberId = members.data[0].id;

  // 2. The paid plan, bought with WeChat Pay: active once WeChat Pay's notification is in.
  await page.goto(`${base}/m/plan`);
  await page.getByTestId('plan-buy').filter({ hasText: '微信支付' }).first().waitFor();
  await shot('03-plan');
  await page.getByTestId('plan-buy').filter({ hasText: '微信支付' }).first().click();
  await page.getByTestId('my-plan').getByText(plan.name, { exact: true }).waitFor();
  await page.getByTestId('my-plan').getByText(/权益有效期至/).waitFor();
  // The plan's benefits are the member's at once, without leaving the page.
  const planBenefit = await operator('GET', `/benefits/${plan.benefit_ids[0]}`);
  await page.getByTestId('my-benefits').getByText(planBenefit.name, { exact: true }).waitFor();
  // The plan brings an alliance perk (the demo's video app): claimed here, its code shown in full to copy.
  const perk = page.getByTestId('partner-benefit').filter({ hasText: '光影视频 VIP 月卡' });
  await perk.getByTestId('partner-claim').click();
  const perkCode = (await perk.getByTestId('partner-code').textContent())?.trim();
  if (!/^GY[0-9A-F]{10}$/.test(perkCode ?? '')) throw new Error(`the perk shows no code: ${perkCode}`);
  await shot('04-plan-paid');
  const membership = await operator('GET', `/members/${memberId}/membership`);
  if (!membership.is_paid_member || membership.payments[0]?.provider !== 'wechat' || membership.payments[0]?.status !== 'paid') throw new Error(`membership after WeChat Pay: ${JSON.stringify(membership)}`);

  // 3. A paid event: the member closes WeChat's sheet once (the seat stays held), then pays and gets the ticket.
  sheetAnswers.push('cancel');
  await page.goto(`${base}/m/events/${event.id}`);
  await page.getByTestId('event-register').click();
  await page.getByRole('dialog').getByText('¥39.00').waitFor();
  await page.getByRole('dialog').getByText('确定', { exact: true }).click();
  await page.locator('[data-testid="ticket-payment"][data-phase="canceled"]').waitFor();
  await page.getByText(/您取消了支付，名额仍保留至/).waitFor();
  await shot('05-ticket-pay-canceled');
  await page.getByTestId('ticket-pay-wechat').click();
  await page.getByTestId('ticket-qr').waitFor({ timeout: 15_000 });
  await page.getByTestId('ticket-paid').waitFor();
  await shot('06-ticket-paid');

  // 4. Canceled before the deadline: refunded in full through WeChat Pay.
  await page.getByTestId('ticket-cancel').click();
  await page.getByRole('dialog').getByText('确定', { exact: true }).click();
  await page.getByText('已退还 ¥39.00').waitFor();
  await shot('07-ticket-refunded');
  const registrations = await operator('GET', `/events/sessions/${event.id}/registrations?limit=10`);
  const mine = registrations.data.find((r) => r.member_id === memberId);
  if (mine?.status !== 'canceled' || mine.refund_fen !== 3900) throw new Error(`registration after the refund: ${JSON.stringify(mine)}`);
  if (!pay.seen.some((call) => call === 'POST /v3/refund/domestic/refunds')) throw new Error(`WeChat Pay saw no refund: ${pay.seen.join(', ')}`);
  if (notified.length !== 2) throw new Error(`expected two payments, WeChat Pay notified ${notified.length}`);
} catch (err) {
  failure = err;
} finally {
  await browser?.close();
  server.kill('SIGTERM');
  await new Promise((resolve) => server.once('exit', resolve));
  await pay.close();
  await new Promise((resolve) => wechat.close(resolve));
  fs.rmSync(dataDir, { recursive: true, force: true });
}

if (failure) {
  console.error(`WeChat member center browser test failed: ${failure.stack ?? failure}\n--- server output (last 8000 characters) ---\n${serverOutput.slice(-8000)}`);
  console.log('e2e: 0 passed, 1 failed');
  process.exit(1);
}
console.log(`WeChat member center browser test: signed in through WeChat OAuth, bought the paid plan with WeChat Pay and claimed its partner perk's code, closed the sheet for a paid event (seat held), paid it, got the ticket's QR and canceled it for a WeChat Pay refund. Screenshots: ${shots.map((s) => path.basename(s)).join(', ')}`);
console.log('e2e: 1 passed, 0 failed');

