import crypto from 'node:crypto';
import nodemailer, { type Transporter } from 'nodemailer';
import { DeliveryError, requireConfig, secret, setting, type ChannelAdapter, type ProviderConfig } from './adapter.ts';

/**
 * Email over SMTP with nodemailer. The Message-ID is the delivery id, so a resend after a crash carries the
 * same id and a receiving server (or our test peer) can drop the duplicate. Transports are pooled per
 * configuration, so a broadcast reuses connections.
 */
export const emailAdapter: ChannelAdapter = {
  providers: ['smtp'],
  async send(message, env) {
    const config = requireConfig(env, 'email');
    const from = setting(config, 'from');
    const domain = setting(config, 'message_id_domain', from.replace(/^.*@/, '').replace(/>.*$/, '') || 'hearth.local');
    const messageId = `<${message.deliveryId}@${domain}>`;
    try {
      const info = await transport(config).sendMail({
        from,
        to: message.to,
        subject: message.rendered.subject ?? '',
        html: message.rendered.body,
        text: message.rendered.text ?? undefined,
        messageId,
        headers: { 'X-Hearth-Delivery': message.deliveryId },
      });
      return { providerMessageId: info.messageId ?? messageId, status: 'sent' };
    } catch (error) {
      const err = error as { responseCode?: number; message: string; code?: string };
      // 5xx from the server is a refusal (bad mailbox, policy); anything else (connection, 4xx) is worth a retry.
      const permanent = typeof err.responseCode === 'number' && err.responseCode >= 500;
      throw new DeliveryError(permanent ? 'SMTP_REJECTED' : 'SMTP_UNAVAILABLE', `SMTP: ${err.message}`, permanent);
    }
  },
};

const transports = new Map<string, Transporter>();

function transport(config: ProviderConfig): Transporter {
  const key = crypto.createHash('sha256').update(JSON.stringify([config.settings, config.secrets])).digest('hex');
  let existing = transports.get(key);
  if (!existing) {
    const user = config.settings.user ? String(config.settings.user) : undefined;
    const starttls = String(config.settings.starttls ?? 'opportunistic');
    existing = nodemailer.createTransport({
      pool: true,
      maxConnections: Number(config.settings.max_connections ?? 5),
      host: setting(config, 'host'),
      port: Number(setting(config, 'port', '587')),
      secure: config.settings.secure === true || config.settings.secure === 'true',
      ignoreTLS: starttls === 'off',
      requireTLS: starttls === 'required',
      auth: user ? { user, pass: secret(config, 'password') } : undefined,
      connectionTimeout: 10_000,
      socketTimeout: 20_000,
    });
    if (transports.size > 100) {
      for (const t of transports.values()) t.close();
      transports.clear();
    }
    transports.set(key, existing);
  }
  return existing;
}

/** Closes pooled connections (tests, shutdown). */
export function closeEmailTransports() {
  for (const t of transports.values()) t.close();
  transports.clear();
}
