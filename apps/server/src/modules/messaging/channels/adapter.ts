import type { ChannelProvider, MessageChannel, RenderedMessage } from '@hearth/contracts/messaging';
import type { Db } from '../../../db/database.ts';

/** One message on its way out, as every adapter gets it. */
export interface OutgoingMessage {
  tenantId: string;
  memberId: string;
  /** The delivery id, sent as the peer's message id (Message-ID, OutId, client_msg_id, webhook-id); only some peers dedupe on it (ARCHITECTURE.md). */
  deliveryId: string;
  channel: MessageChannel;
  /** Phone, email, openid; empty for inbox and webhooks. */
  to: string;
  rendered: RenderedMessage;
  providerTemplate: string | null;
  smsSignName: string | null;
  category: 'marketing' | 'transactional';
}

export interface ProviderConfig {
  provider: ChannelProvider;
  settings: Record<string, unknown>;
  secrets: Record<string, string>;
}

export interface AdapterEnv {
  db: Db;
  config: ProviderConfig | undefined;
  now(): Date;
  /** Opens a sealed secret (web push subscriptions, cached WeChat tokens). */
  secretsKey: Buffer | undefined;
}

export interface SendOutcome {
  providerMessageId: string | null;
  /** 'delivered' when handing over is delivery (the inbox); otherwise the provider reports later. */
  status: 'sent' | 'delivered';
}

export interface ChannelAdapter {
  /** The provider whose credentials it needs, or null (inbox). */
  providers: readonly ChannelProvider[];
  send(message: OutgoingMessage, env: AdapterEnv): Promise<SendOutcome>;
}

/**
 * A send that failed. `permanent` (a bad address, a rejected template, missing credentials) fails the
 * delivery at once; otherwise the job retries with backoff.
 */
export class DeliveryError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
  }
}

export const setting = (config: ProviderConfig, name: string, fallback?: string): string => {
  const value = config.settings[name];
  if (value === undefined || value === null || value === '') {
    if (fallback !== undefined) return fallback;
    throw new DeliveryError('CHANNEL_MISCONFIGURED', `${config.provider}: setting ${name} is missing`, true);
  }
  return String(value);
};

export const secret = (config: ProviderConfig, name: string): string => {
  const value = config.secrets[name];
  if (!value) throw new DeliveryError('CHANNEL_MISCONFIGURED', `${config.provider}: secret ${name} is missing`, true);
  return value;
};

export function requireConfig(env: AdapterEnv, channel: string): ProviderConfig {
  if (!env.config) throw new DeliveryError('CHANNEL_NOT_CONFIGURED', `No provider is configured for ${channel}`, true);
  return env.config;
}
