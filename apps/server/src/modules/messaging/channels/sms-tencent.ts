import crypto from 'node:crypto';
import { DeliveryError, secret, setting, type OutgoingMessage, type ProviderConfig } from './adapter.ts';
import { parseJson, post } from './http.ts';

/**
 * Tencent Cloud SMS (SendSms, API 2021-01-11) signed with TC3-HMAC-SHA256. SessionContext carries the
 * delivery id: Tencent echoes it, and our fake dedupes on it.
 */
export async function sendTencentSms(config: ProviderConfig, message: OutgoingMessage, now: Date) {
  const baseUrl = setting(config, 'base_url', 'https://sms.tencentcloudapi.com').replace(/\/$/, '');
  const phone = message.to.startsWith('+') ? message.to : `+86${message.to}`;
  const body = JSON.stringify({
    PhoneNumberSet: [phone],
    SmsSdkAppId: setting(config, 'sdk_app_id'),
    SignName: message.smsSignName ?? setting(config, 'sign_name'),
    TemplateId: message.providerTemplate ?? '',
    TemplateParamSet: Object.values(message.rendered.fields),
    SessionContext: message.deliveryId,
  });
  const timestamp = Math.floor(now.getTime() / 1000);
  const host = new URL(baseUrl).host;
  const authorization = tc3Authorization({ secretId: setting(config, 'secret_id'), secretKey: secret(config, 'secret_key'), host, service: 'sms', timestamp, payload: body });
  const response = await post(`${baseUrl}/`, {
    method: 'POST',
    headers: {
      authorization,
      'content-type': 'application/json; charset=utf-8',
      'x-tc-action': 'SendSms',
      'x-tc-timestamp': String(timestamp),
      'x-tc-version': '2021-01-11',
      'x-tc-region': setting(config, 'region', 'ap-guangzhou'),
    },
    body,
  });
  const answer = parseJson<{ Response?: { Error?: { Code: string; Message: string }; SendStatusSet?: { SerialNo: string; Code: string; Message: string }[] } }>(response.text, 'Tencent SMS');
  const error = answer.Response?.Error;
  if (error) throw new DeliveryError(`TENCENT_${error.Code}`, `Tencent SMS: ${error.Message}`, !/InternalError|RequestLimitExceeded|LimitExceeded/.test(error.Code));
  const status = answer.Response?.SendStatusSet?.[0];
  if (status?.Code === 'Ok') return { providerMessageId: status.SerialNo, status: 'sent' as const };
  throw new DeliveryError(`TENCENT_${status?.Code ?? response.status}`, `Tencent SMS: ${status?.Message ?? response.text.slice(0, 200)}`, response.status < 500);
}

const sha256hex = (s: string) => crypto.createHash('sha256').update(s).digest('hex');
const hmac = (key: Buffer | string, s: string) => crypto.createHmac('sha256', key).update(s).digest();

/** The TC3-HMAC-SHA256 Authorization header for a POST of a JSON body to `/`. */
export function tc3Authorization(input: { secretId: string; secretKey: string; host: string; service: string; timestamp: number; payload: string }): string {
  const date = new Date(input.timestamp * 1000).toISOString().slice(0, 10);
  const canonicalRequest = ['POST', '/', '', `content-type:application/json; charset=utf-8\nhost:${input.host}\n`, 'content-type;host', sha256hex(input.payload)].join('\n');
  const scope = `${date}/${input.service}/tc3_request`;
  const stringToSign = ['TC3-HMAC-SHA256', String(input.timestamp), scope, sha256hex(canonicalRequest)].join('\n');
  const signing = hmac(hmac(hmac(`TC3${input.secretKey}`, date), input.service), 'tc3_request');
  const signature = crypto.createHmac('sha256', signing).update(stringToSign).digest('hex');
  return `TC3-HMAC-SHA256 Credential=${input.secretId}/${scope}, SignedHeaders=content-type;host, Signature=${signature}`;
}
