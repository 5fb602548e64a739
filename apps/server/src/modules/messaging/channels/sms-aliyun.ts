import crypto from 'node:crypto';
import { DeliveryError, requireConfig, secret, setting, type ChannelAdapter, type OutgoingMessage, type ProviderConfig } from './adapter.ts';
import { parseJson, post } from './http.ts';
import { sendTencentSms } from './sms-tencent.ts';

/**
 * Aliyun SMS (dysmsapi SendSms) with their RPC signature (HMAC-SHA1 over the sorted, percent-encoded
 * parameters). OutId carries the delivery id: Aliyun echoes it in status reports (it does not dedupe on it).
 */
export async function sendAliyunSms(config: ProviderConfig, message: OutgoingMessage, now: Date) {
  const params: Record<string, string> = {
    AccessKeyId: setting(config, 'access_key_id'),
    Action: 'SendSms',
    Format: 'JSON',
    PhoneNumbers: message.to.replace(/^\+86/, ''),
    SignName: message.smsSignName ?? setting(config, 'sign_name'),
    TemplateCode: requireTemplate(message),
    TemplateParam: JSON.stringify(message.rendered.fields),
    OutId: message.deliveryId,
    RegionId: setting(config, 'region', 'cn-hangzhou'),
    SignatureMethod: 'HMAC-SHA1',
    SignatureNonce: crypto.randomUUID(),
    SignatureVersion: '1.0',
    Timestamp: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    Version: '2017-05-25',
  };
  params.Signature = aliyunSignature('POST', params, secret(config, 'access_key_secret'));
  const response = await post(`${setting(config, 'base_url', 'https://dysmsapi.aliyuncs.com').replace(/\/$/, '')}/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(params).toString(),
  });
  const answer = parseJson<{ Code?: string; Message?: string; BizId?: string }>(response.text, 'Aliyun SMS');
  if (answer.Code === 'OK') return { providerMessageId: answer.BizId ?? null, status: 'sent' as const };
  // Throttling and server errors are worth retrying; a bad number, template or signature is not.
  const transient = response.status >= 500 || /Throttling|ServiceUnavailable|InternalError/.test(answer.Code ?? '');
  throw new DeliveryError(`ALIYUN_${answer.Code ?? response.status}`, `Aliyun SMS: ${answer.Message ?? response.text.slice(0, 200)}`, !transient);
}

/** Aliyun's POP percent-encoding: RFC 3986, so also ! ' ( ) * and never + for a space. */
export const popEncode = (value: string) => encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

export function aliyunSignature(method: string, params: Record<string, string>, accessKeySecret: string): string {
  const canonical = Object.keys(params)
    .filter((k) => k !== 'Signature')
    .sort()
    .map((k) => `${popEncode(k)}=${popEncode(params[k]!)}`)
    .join('&');
  const stringToSign = `${method}&${popEncode('/')}&${popEncode(canonical)}`;
  return crypto.createHmac('sha1', `${accessKeySecret}&`).update(stringToSign).digest('base64');
}

function requireTemplate(message: OutgoingMessage): string {
  if (!message.providerTemplate) throw new DeliveryError('TEMPLATE_CODE_MISSING', 'The SMS template has no provider template code', true);
  return message.providerTemplate;
}

export const smsAdapter: ChannelAdapter = {
  providers: ['aliyun_sms', 'tencent_sms'],
  async send(message, env) {
    const config = requireConfig(env, 'sms');
    if (!message.to) throw new DeliveryError('NO_ADDRESS', 'The member has no phone number', true);
    if (config.provider === 'aliyun_sms') return sendAliyunSms(config, message, env.now());
    return sendTencentSms(config, message, env.now());
  },
};
