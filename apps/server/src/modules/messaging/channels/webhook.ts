import { Webhook } from 'standardwebhooks';
import { DeliveryError, requireConfig, secret, setting, type ChannelAdapter } from './adapter.ts';
import { post } from './http.ts';

/**
 * Outgoing webhooks signed per the Standard Webhooks spec (webhook-id, webhook-timestamp,
 * webhook-signature `v1,<base64 HMAC-SHA256>`), with the reference library. webhook-id is the delivery id,
 * which the spec asks receivers to dedupe on, so a resend after a crash is recognised. Retries with backoff
 * are the delivery job's (8 attempts, 5 s doubling to 15 min); each attempt is counted in the delivery log.
 */
export const webhookAdapter: ChannelAdapter = {
  providers: ['webhook'],
  async send(message, env) {
    const config = requireConfig(env, 'webhook');
    let body: string;
    try {
      body = JSON.stringify({ type: 'message', timestamp: env.now().toISOString(), data: JSON.parse(message.rendered.body) as unknown, member_id: message.memberId, delivery_id: message.deliveryId });
    } catch {
      throw new DeliveryError('WEBHOOK_BODY_NOT_JSON', 'The webhook template does not render to JSON', true);
    }
    const timestamp = env.now();
    const signature = new Webhook(secret(config, 'signing_secret')).sign(message.deliveryId, timestamp, body);
    const response = await post(message.rendered.link || setting(config, 'url'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'webhook-id': message.deliveryId, 'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)), 'webhook-signature': signature },
      body,
    });
    if (response.status >= 200 && response.status < 300) return { providerMessageId: message.deliveryId, status: 'delivered' };
    // 410 Gone: the receiver asks us to stop (the spec's advice); anything else is retried.
    throw new DeliveryError(`WEBHOOK_HTTP_${response.status}`, `Webhook answered ${response.status}: ${response.text.slice(0, 200)}`, response.status === 410);
  },
};
