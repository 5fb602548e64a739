import crypto from 'node:crypto';
import https from 'node:https';
import webpush from 'web-push';
import { DeliveryError, requireConfig, secret, setting, type ChannelAdapter } from './adapter.ts';

/**
 * Web push with VAPID through the `web-push` library (payload encrypted per RFC 8291, aes128gcm), to every
 * browser the member subscribed. A push service has no idempotency key; the `Topic` header (from the
 * delivery id) makes a resend replace the first while it is still undelivered, which narrows but does not
 * close the at-least-once window. 404/410 means the subscription is gone: it is removed.
 */
export const webPushAdapter: ChannelAdapter = {
  providers: ['web_push'],
  async send(message, env) {
    const config = requireConfig(env, 'web_push');
    const subscriptions = await env.db.selectFrom('web_push_subscriptions').selectAll().where('tenant_id', '=', message.tenantId).where('member_id', '=', message.memberId).execute();
    if (!subscriptions.length) throw new DeliveryError('NO_ADDRESS', 'The member has no push subscription', true);
    const payload = JSON.stringify({ title: message.rendered.subject ?? '', body: message.rendered.body, url: message.rendered.link, id: message.deliveryId });
    const options = {
      vapidDetails: { subject: setting(config, 'subject'), publicKey: setting(config, 'public_key'), privateKey: secret(config, 'private_key') },
      TTL: Number(config.settings.ttl_seconds ?? 86_400),
      topic: crypto.createHash('sha256').update(message.deliveryId).digest('base64url').slice(0, 32),
      timeout: 15_000,
      // A private push service (or the tests' local one) may use its own CA; public ones need none.
      ...(config.settings.ca_pem ? { agent: agentFor(String(config.settings.ca_pem)) } : {}),
    };
    let delivered = 0;
    let location: string | null = null;
    let lastError: DeliveryError | undefined;
    for (const s of subscriptions) {
      try {
        const result = await webpush.sendNotification({ endpoint: s.endpoint, keys: { p256dh: s.p256dh, auth: s.auth } }, payload, options);
        delivered++;
        location ??= (result.headers as Record<string, string | undefined>).location ?? null;
      } catch (error) {
        const status = (error as { statusCode?: number }).statusCode;
        if (status === 404 || status === 410) {
          await env.db.deleteFrom('web_push_subscriptions').where('tenant_id', '=', message.tenantId).where('member_id', '=', message.memberId).where('id', '=', s.id).execute();
          lastError = new DeliveryError('PUSH_SUBSCRIPTION_GONE', 'The browser unsubscribed', true);
        } else {
          lastError = new DeliveryError('PUSH_FAILED', `Push service: ${status ?? ''} ${(error as Error).message}`, status !== undefined && status >= 400 && status < 500 && status !== 429);
        }
      }
    }
    if (delivered) return { providerMessageId: location, status: 'sent' };
    throw lastError!;
  },
};

const agents = new Map<string, https.Agent>();
function agentFor(ca: string): https.Agent {
  let agent = agents.get(ca);
  if (!agent) agents.set(ca, (agent = new https.Agent({ ca, keepAlive: true })));
  return agent;
}
