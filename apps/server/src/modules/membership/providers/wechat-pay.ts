import crypto from 'node:crypto';
import { AppError } from '../../../http/errors.ts';
import type { CreatePaymentInput, PaymentNotice, PaymentProvider, RefundInput } from './provider.ts';

export interface WechatPayCredentials {
  mchid: string;
  appid: string;
  merchantSerial: string;
  /** The merchant API certificate's private key (PEM). */
  privateKey: string;
  /** The 32-character APIv3 key that decrypts notification resources. */
  apiV3Key: string;
  platformSerial: string;
  /** WeChat Pay's platform public key (PEM): verifies notifications and answers. */
  platformPublicKey: string;
  baseUrl: string;
  notifyUrl: string;
}

/** Notifications older or newer than this are refused (replays). */
const maxSkewSeconds = 300;

/**
 * WeChat Pay API v3 with node:crypto and fetch: request signing (WECHATPAY2-SHA256-RSA2048), JSAPI orders,
 * notification verification and AES-256-GCM decryption, status query, refunds. Written here rather than
 * taken from npm because the protocol is four small primitives and the community SDKs add HTTP clients
 * and certificate download logic we do not need (the platform public key is configured per tenant).
 */
export function wechatPayProvider(creds: WechatPayCredentials, now: () => Date): PaymentProvider {
  const call = async (method: 'GET' | 'POST', pathAndQuery: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> => {
    const text = body === undefined ? '' : JSON.stringify(body);
    const timestamp = Math.floor(now().getTime() / 1000).toString();
    const nonce = crypto.randomBytes(16).toString('hex');
    const signature = crypto.sign('RSA-SHA256', Buffer.from(`${method}\n${pathAndQuery}\n${timestamp}\n${nonce}\n${text}\n`), creds.privateKey).toString('base64');
    const authorization = `WECHATPAY2-SHA256-RSA2048 mchid="${creds.mchid}",nonce_str="${nonce}",signature="${signature}",timestamp="${timestamp}",serial_no="${creds.merchantSerial}"`;
    let response: Response;
    try {
      response = await fetch(new URL(pathAndQuery, creds.baseUrl), {
        method,
        headers: { authorization, accept: 'application/json', 'user-agent': 'hearth', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : text,
        signal: AbortSignal.timeout(10_000),
      });
    } catch (err) {
      throw new AppError('PAYMENT_PROVIDER_ERROR', `WeChat Pay unreachable: ${(err as Error).message}`);
    }
    const answer = await response.text();
    // Answers are signed like notifications; an unsigned or wrongly signed answer is not WeChat Pay's.
    if (answer) verifySignature(headersOf(response), answer);
    const json = answer ? (JSON.parse(answer) as Record<string, unknown>) : {};
    if (response.status >= 500) throw new AppError('PAYMENT_PROVIDER_ERROR', `WeChat Pay ${response.status}: ${String(json.message ?? '')}`);
    return { status: response.status, json };
  };

  const verifySignature = (headers: Record<string, string | string[] | undefined>, body: string) => {
    const h = (name: string) => {
      const v = headers[name] ?? headers[name.toLowerCase()];
      return Array.isArray(v) ? v[0] : v;
    };
    const timestamp = h('wechatpay-timestamp');
    const nonce = h('wechatpay-nonce');
    const signature = h('wechatpay-signature');
    const serial = h('wechatpay-serial');
    if (!timestamp || !nonce || !signature || !serial) throw new AppError('INVALID_SIGNATURE', 'Wechatpay-* signature headers missing');
    if (serial !== creds.platformSerial) throw new AppError('INVALID_SIGNATURE', `Unknown platform key ${serial}`);
    if (Math.abs(now().getTime() / 1000 - Number(timestamp)) > maxSkewSeconds) throw new AppError('INVALID_SIGNATURE', 'Stale or future Wechatpay-Timestamp');
    const ok = crypto.verify('RSA-SHA256', Buffer.from(`${timestamp}\n${nonce}\n${body}\n`), creds.platformPublicKey, Buffer.from(signature, 'base64'));
    if (!ok) throw new AppError('INVALID_SIGNATURE', 'Wechatpay-Signature does not verify');
  };

  const noticeOf = (t: Record<string, unknown>, fallbackNo: string): PaymentNotice => {
    const raw = String(t.trade_state ?? 'UNKNOWN');
    const amount = t.amount as { total?: number } | undefined;
    return {
      outTradeNo: String(t.out_trade_no ?? fallbackNo),
      state: tradeStates[raw] ?? 'pending',
      transactionId: typeof t.transaction_id === 'string' ? t.transaction_id : null,
      amountFen: typeof amount?.total === 'number' ? amount.total : null,
      paidAt: typeof t.success_time === 'string' ? new Date(t.success_time) : null,
      raw,
    };
  };

  return {
    name: 'wechat',
    async createPayment(input: CreatePaymentInput) {
      if (!input.payerOpenid) throw new AppError('VALIDATION_FAILED', 'WeChat JSAPI payments need the payer’s openid', { errors: [{ field: 'openid', code: 'required', message: 'required for wechat' }] });
      const { status, json } = await call('POST', '/v3/pay/transactions/jsapi', {
        appid: creds.appid,
        mchid: creds.mchid,
        description: input.description.slice(0, 127),
        out_trade_no: input.outTradeNo,
        time_expire: rfc3339(input.expiresAt),
        notify_url: creds.notifyUrl,
        amount: { total: input.amountFen, currency: 'CNY' },
        payer: { openid: input.payerOpenid },
      });
      if (status !== 200 || typeof json.prepay_id !== 'string') throw new AppError('PAYMENT_PROVIDER_ERROR', `WeChat Pay refused the order: ${String(json.code ?? status)} ${String(json.message ?? '')}`);
      const timeStamp = Math.floor(now().getTime() / 1000).toString();
      const nonceStr = crypto.randomBytes(16).toString('hex');
      const pkg = `prepay_id=${json.prepay_id}`;
      const paySign = crypto.sign('RSA-SHA256', Buffer.from(`${creds.appid}\n${timeStamp}\n${nonceStr}\n${pkg}\n`), creds.privateKey).toString('base64');
      return { prepayId: json.prepay_id, payParams: { appId: creds.appid, timeStamp, nonceStr, package: pkg, signType: 'RSA', paySign } };
    },
    verifyNotification(headers, rawBody) {
      verifySignature(headers, rawBody);
      const body = JSON.parse(rawBody) as { event_type?: string; resource?: { algorithm: string; ciphertext: string; nonce: string; associated_data?: string } };
      const resource = body.resource;
      if (!resource || resource.algorithm !== 'AEAD_AES_256_GCM') throw new AppError('INVALID_SIGNATURE', 'Notification without an AEAD_AES_256_GCM resource');
      const data = Buffer.from(resource.ciphertext, 'base64');
      const decipher = crypto.createDecipheriv('aes-256-gcm', Buffer.from(creds.apiV3Key, 'utf8'), Buffer.from(resource.nonce, 'utf8'));
      decipher.setAAD(Buffer.from(resource.associated_data ?? '', 'utf8'));
      decipher.setAuthTag(data.subarray(data.length - 16));
      let plain: string;
      try {
        plain = Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]).toString('utf8');
      } catch {
        throw new AppError('INVALID_SIGNATURE', 'Notification resource does not decrypt with the APIv3 key');
      }
      const transaction = JSON.parse(plain) as Record<string, unknown>;
      if (transaction.mchid !== creds.mchid) throw new AppError('INVALID_SIGNATURE', 'Notification for another merchant');
      return noticeOf(transaction, '');
    },
    async queryStatus(outTradeNo) {
      const { status, json } = await call('GET', `/v3/pay/transactions/out-trade-no/${encodeURIComponent(outTradeNo)}?mchid=${encodeURIComponent(creds.mchid)}`);
      if (status === 404) return { outTradeNo, state: 'pending', transactionId: null, amountFen: null, paidAt: null, raw: 'ORDER_NOT_EXIST' };
      if (status !== 200) throw new AppError('PAYMENT_PROVIDER_ERROR', `WeChat Pay query failed: ${String(json.code ?? status)}`);
      return noticeOf(json, outTradeNo);
    },
    async refund(input: RefundInput) {
      const { status, json } = await call('POST', '/v3/refund/domestic/refunds', {
        out_trade_no: input.outTradeNo,
        out_refund_no: input.outRefundNo,
        reason: input.reason.slice(0, 80),
        amount: { refund: input.refundFen, total: input.totalFen, currency: 'CNY' },
      });
      if (status !== 200) return { status: 'failed', refundId: null };
      const state = String(json.status);
      return { status: state === 'SUCCESS' ? 'succeeded' : state === 'PROCESSING' ? 'processing' : 'failed', refundId: typeof json.refund_id === 'string' ? json.refund_id : null };
    },
  };
}

const tradeStates: Record<string, PaymentNotice['state']> = {
  SUCCESS: 'paid',
  NOTPAY: 'pending',
  USERPAYING: 'pending',
  CLOSED: 'closed',
  REVOKED: 'closed',
  PAYERROR: 'failed',
  REFUND: 'refunded',
};

function headersOf(response: Response): Record<string, string> {
  const out: Record<string, string> = {};
  response.headers.forEach((value, key) => (out[key] = value));
  return out;
}

/** WeChat wants time_expire as RFC 3339 with an offset; Beijing time is what its documents show. */
function rfc3339(at: Date): string {
  const shifted = new Date(at.getTime() + 8 * 3600_000);
  return `${shifted.toISOString().slice(0, 19)}+08:00`;
}
