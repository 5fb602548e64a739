import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const pem = (k: crypto.KeyObject) => k.export({ type: k.type === 'private' ? 'pkcs8' : 'spki', format: 'pem' }).toString();

/**
 * A stand-in for api.mch.weixin.qq.com (WeChat Pay API v3) on 127.0.0.1: it checks the merchant's
 * WECHATPAY2-SHA256-RSA2048 signature on every call, signs its answers with the platform key, keeps the JSAPI
 * orders it was given, and builds payment notifications as WeChat Pay sends them (the transaction encrypted with
 * the APIv3 key, the body signed with the platform key). Tests of every module that takes WeChat Pay use it.
 */
export async function startWechatPayPeer(now: () => Date) {
  const merchant = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const platform = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const apiV3Key = 'a'.repeat(16) + 'B'.repeat(16);
  const mchid = '1900000109';
  const appid = 'wxd678efh567hg6787';
  const orders = new Map<string, { state: string; total: number; transactionId: string; notifyUrl: string }>();
  const seen: string[] = [];

  const platformHeaders = (body: string, at: Date, key: crypto.KeyObject = platform.privateKey) => {
    const timestamp = Math.floor(at.getTime() / 1000).toString();
    const nonce = crypto.randomBytes(8).toString('hex');
    const signature = crypto.sign('RSA-SHA256', Buffer.from(`${timestamp}\n${nonce}\n${body}\n`), key).toString('base64');
    return { 'wechatpay-timestamp': timestamp, 'wechatpay-nonce': nonce, 'wechatpay-signature': signature, 'wechatpay-serial': 'PLATFORM-1' };
  };

  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const auth = String(req.headers.authorization ?? '');
      const fields = Object.fromEntries([...auth.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
      const signed = `${req.method}\n${req.url}\n${fields.timestamp}\n${fields.nonce_str}\n${body}\n`;
      const answer = (status: number, json: object) => {
        const text = JSON.stringify(json);
        res.writeHead(status, { 'content-type': 'application/json', ...platformHeaders(text, now()) }).end(text);
      };
      if (!auth.startsWith('WECHATPAY2-SHA256-RSA2048 ') || fields.mchid !== mchid || !crypto.verify('RSA-SHA256', Buffer.from(signed), merchant.publicKey, Buffer.from(fields.signature ?? '', 'base64'))) {
        return answer(401, { code: 'SIGN_ERROR', message: 'bad merchant signature' });
      }
      seen.push(`${req.method} ${req.url!.split('?')[0]}`);
      const url = new URL(req.url!, 'http://x');
      if (req.method === 'POST' && url.pathname === '/v3/pay/transactions/jsapi') {
        const o = JSON.parse(body);
        const before = orders.get(o.out_trade_no);
        // WeChat Pay answers a repeated order with the same number and amount with its prepay id again.
        if (before && before.total !== o.amount.total) return answer(400, { code: 'INVALID_REQUEST', message: 'out_trade_no reused with another amount' });
        if (!before) orders.set(o.out_trade_no, { state: 'NOTPAY', total: o.amount.total, transactionId: `42000${orders.size}${o.out_trade_no.slice(-6)}`, notifyUrl: o.notify_url });
        return answer(200, { prepay_id: `wx${o.out_trade_no.slice(-10)}` });
      }
      const query = url.pathname.match(/^\/v3\/pay\/transactions\/out-trade-no\/(\w+)$/);
      if (req.method === 'GET' && query && url.searchParams.get('mchid') === mchid) {
        const o = orders.get(query[1]!);
        if (!o) return answer(404, { code: 'ORDER_NOT_EXIST', message: 'no order' });
        return answer(200, { mchid, out_trade_no: query[1], transaction_id: o.transactionId, trade_state: o.state, amount: { total: o.total, currency: 'CNY' }, success_time: o.state === 'SUCCESS' ? now().toISOString() : undefined });
      }
      if (req.method === 'POST' && url.pathname === '/v3/refund/domestic/refunds') {
        const r = JSON.parse(body);
        return answer(200, { refund_id: `5030${r.out_refund_no.slice(-6)}`, out_refund_no: r.out_refund_no, status: 'SUCCESS', amount: r.amount });
      }
      return answer(404, { code: 'NOT_FOUND' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  return {
    mchid,
    appid,
    apiV3Key,
    merchant,
    orders,
    seen,
    /** The body of PUT /membership/providers/wechat pointing the tenant at this peer. */
    config: () => ({
      mchid, appid, merchant_serial: 'MERCHANT-1', private_key: pem(merchant.privateKey), api_v3_key: apiV3Key,
      platform_serial: 'PLATFORM-1', platform_public_key: pem(platform.publicKey), base_url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, notify_base_url: 'https://hearth.example.com',
    }),
    /** The transaction a paid notification carries (as WeChat Pay decrypts it). */
    transaction: (outTradeNo: string, total: number, extra: object = {}) => ({ mchid, appid, out_trade_no: outTradeNo, transaction_id: `4200${outTradeNo.slice(-8)}`, trade_state: 'SUCCESS', success_time: now().toISOString(), amount: { total, payer_total: total, currency: 'CNY' }, ...extra }),
    /** A payment notification as WeChat Pay sends it; `key` signs with another key (a forgery). */
    notification: (transaction: object, at: Date, key?: crypto.KeyObject) => {
      const nonce = crypto.randomBytes(6).toString('hex');
      const cipher = crypto.createCipheriv('aes-256-gcm', Buffer.from(apiV3Key), Buffer.from(nonce));
      cipher.setAAD(Buffer.from('transaction'));
      const ciphertext = Buffer.concat([cipher.update(JSON.stringify(transaction)), cipher.final(), cipher.getAuthTag()]).toString('base64');
      const body = JSON.stringify({ id: crypto.randomUUID(), create_time: at.toISOString(), event_type: 'TRANSACTION.SUCCESS', resource_type: 'encrypt-resource', resource: { algorithm: 'AEAD_AES_256_GCM', ciphertext, nonce, associated_data: 'transaction', original_type: 'transaction' } });
      return { body, headers: { 'content-type': 'application/json', ...platformHeaders(body, at, key) } };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type WechatPayPeer = Awaited<ReturnType<typeof startWechatPayPeer>>;
