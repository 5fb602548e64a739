import { sql } from 'kysely';
import type { ChannelProvider, MessageChannel } from '@hearth/contracts/messaging';
import type { Db } from '../../db/database.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { openSecret, sealSecret } from '../../secret-box.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { AppError } from '../../http/errors.ts';
import { DeliveryError, type ChannelAdapter, type ProviderConfig } from './channels/adapter.ts';
import { emailAdapter } from './channels/email.ts';
import { inboxAdapter } from './channels/inbox.ts';
import { smsAdapter } from './channels/sms-aliyun.ts';
import { officialAccountCall, wechatSubscribeAdapter, wechatTemplateAdapter } from './channels/wechat.ts';
import { webPushAdapter } from './channels/web-push.ts';
import { webhookAdapter } from './channels/webhook.ts';
import './messaging.tables.ts';

/** Every channel's adapter; SMS goes through whichever of its providers the brand enabled (Aliyun first). */
export const adapters: Record<MessageChannel, ChannelAdapter> = {
  email: emailAdapter,
  inbox: inboxAdapter,
  sms: smsAdapter,
  wechat_template: wechatTemplateAdapter,
  wechat_subscribe: wechatSubscribeAdapter,
  web_push: webPushAdapter,
  webhook: webhookAdapter,
};

export interface ChannelConfigInput {
  enabled: boolean;
  settings: Record<string, string | number | boolean>;
  secrets?: Record<string, string>;
}

/**
 * Saves a provider's settings; secrets are sealed with HEARTH_SECRETS_KEY (secret-box.ts) and write-only:
 * a secret left out keeps its stored value, so the console can save settings without re-typing keys.
 */
export async function saveChannelConfig(deps: AppDeps, ctx: RequestContext, provider: ChannelProvider, input: ChannelConfigInput) {
  return withTransaction(deps.db, async (trx) => {
    const current = await trx.selectFrom('message_channel_configs').selectAll().where('tenant_id', '=', ctx.tenantId).where('provider', '=', provider).forUpdate().executeTakeFirst();
    const secrets = { ...(current?.secrets_sealed ? (JSON.parse(openSecret(deps.config.secretsKey, current.secrets_sealed)) as Record<string, string>) : {}), ...(input.secrets ?? {}) };
    const values = {
      settings: JSON.stringify(input.settings),
      secrets_sealed: Object.keys(secrets).length ? sealSecret(deps.config.secretsKey, JSON.stringify(secrets)) : null,
      enabled: input.enabled,
    };
    const row = await trx
      .insertInto('message_channel_configs')
      .values({ tenant_id: ctx.tenantId, provider, ...values })
      .onConflict((oc) => oc.columns(['tenant_id', 'provider']).doUpdateSet({ ...values, updated_at: sql`now()` }))
      .returningAll()
      .executeTakeFirstOrThrow();
    // Which secrets changed, never their values.
    await recordAudit(trx, ctx, { action: 'messaging.channel_configured', resourceType: 'message_channel', resourceId: provider, details: { provider, enabled: input.enabled, secrets_changed: Object.keys(input.secrets ?? {}) } });
    return view(row, Object.keys(secrets));
  });
}

export async function listChannelConfigs(deps: AppDeps, ctx: RequestContext) {
  const rows = await deps.db.selectFrom('message_channel_configs').selectAll().where('tenant_id', '=', ctx.tenantId).orderBy('provider').execute();
  return rows.map((row) => view(row, row.secrets_sealed ? Object.keys(JSON.parse(openSecret(deps.config.secretsKey, row.secrets_sealed)) as object) : []));
}

/** The provider a channel sends through for this tenant, with its secrets opened; undefined when none is enabled. */
export async function providerConfigFor(deps: Pick<AppDeps, 'config'>, db: Db, tenantId: string, channel: MessageChannel): Promise<ProviderConfig | undefined> {
  const providers = adapters[channel]?.providers ?? [];
  if (!providers.length) return undefined;
  const rows = await db.selectFrom('message_channel_configs').selectAll().where('tenant_id', '=', tenantId).where('provider', 'in', providers).where('enabled', '=', true).execute();
  const row = providers.map((p) => rows.find((r) => r.provider === p)).find((r) => r !== undefined);
  if (!row) return undefined;
  return {
    provider: row.provider as ChannelProvider,
    settings: row.settings,
    secrets: row.secrets_sealed ? (JSON.parse(openSecret(deps.config.secretsKey, row.secrets_sealed)) as Record<string, string>) : {},
  };
}

function view(row: { provider: string; enabled: boolean; settings: Record<string, unknown>; updated_at: Date }, secretNames: string[]) {
  return { provider: row.provider as ChannelProvider, enabled: row.enabled, settings: row.settings, secrets_set: secretNames.sort(), updated_at: row.updated_at.toISOString() };
}

/**
 * A call on the brand's official account API (the wechat_oa provider's credentials and cached token), for modules
 * other than messaging: channel codes make parametric QR codes. 409 WECHAT_NOT_CONFIGURED when it is not set up.
 */
export async function callOfficialAccount<T>(deps: AppDeps, tenantId: string, path: string, body: object): Promise<T> {
  const config = await providerConfigFor(deps, deps.db, tenantId, 'wechat_template');
  if (!config) throw new AppError('WECHAT_NOT_CONFIGURED', 'The official account (wechat_oa) is not set up or not enabled');
  try {
    return await officialAccountCall<T>({ db: deps.db, config, now: () => deps.clock.now(), secretsKey: deps.config.secretsKey }, tenantId, path, body);
  } catch (error) {
    if (error instanceof DeliveryError) throw new AppError('WECHAT_UNAVAILABLE', `${error.code}: ${error.message}`);
    throw error;
  }
}

/**
 * The official account's appid and message-server Token (secret `server_token`), and its EncodingAESKey (secret
 * `server_aes_key`) when the server runs in safe mode, for its event receiver.
 */
export async function officialAccountServer(deps: AppDeps, tenantId: string): Promise<{ appId: string; token: string; encodingAesKey: string | null } | undefined> {
  const config = await providerConfigFor(deps, deps.db, tenantId, 'wechat_template');
  const appId = config?.settings.app_id;
  const token = config?.secrets.server_token;
  return typeof appId === 'string' && token ? { appId, token, encodingAesKey: config.secrets.server_aes_key ?? null } : undefined;
}
