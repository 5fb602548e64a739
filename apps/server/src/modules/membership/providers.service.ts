import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { AppError, notFound } from '../../http/errors.ts';
import { openSecret, sealSecret } from '../../secret-box.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { offlineProvider, type PaymentProvider } from './providers/provider.ts';
import { wechatPayProvider } from './providers/wechat-pay.ts';
import type { ProviderName } from './membership.tables.ts';

export interface WechatConfigInput {
  mchid: string;
  appid: string;
  merchant_serial: string;
  private_key: string;
  api_v3_key: string;
  platform_serial: string;
  platform_public_key: string;
  base_url?: string;
  notify_base_url: string;
}

/** Saves a tenant's WeChat Pay credentials; the private key and APIv3 key are sealed (HEARTH_SECRETS_KEY). */
export async function saveWechatConfig(deps: AppDeps, ctx: RequestContext, input: WechatConfigInput) {
  const row = {
    mchid: input.mchid,
    appid: input.appid,
    merchant_serial: input.merchant_serial,
    private_key_sealed: sealSecret(deps.config.secretsKey, input.private_key),
    api_v3_key_sealed: sealSecret(deps.config.secretsKey, input.api_v3_key),
    platform_serial: input.platform_serial,
    platform_public_key: input.platform_public_key,
    base_url: input.base_url ?? 'https://api.mch.weixin.qq.com',
    notify_base_url: input.notify_base_url,
  };
  await withTransaction(deps.db, async (trx) => {
    await trx
      .insertInto('membership_provider_configs')
      .values({ tenant_id: ctx.tenantId, provider: 'wechat', ...row })
      .onConflict((oc) => oc.columns(['tenant_id', 'provider']).doUpdateSet({ ...row, updated_at: sql`now()` }))
      .execute();
    await recordAudit(trx, ctx, { action: 'membership.provider_configured', resourceType: 'payment_provider', details: { provider: 'wechat', mchid: input.mchid, appid: input.appid } });
  });
  return wechatConfigView(input);
}

export async function getWechatConfig(deps: AppDeps, ctx: RequestContext) {
  const c = await deps.db.selectFrom('membership_provider_configs').select(['mchid', 'appid', 'merchant_serial', 'platform_serial', 'notify_base_url']).where('tenant_id', '=', ctx.tenantId).where('provider', '=', 'wechat').executeTakeFirst();
  if (!c) throw notFound('WeChat Pay configuration');
  return wechatConfigView(c);
}

export function wechatConfigView(c: { mchid: string; appid: string; merchant_serial: string; platform_serial: string; notify_base_url: string }) {
  return { provider: 'wechat' as const, mchid: c.mchid, appid: c.appid, merchant_serial: c.merchant_serial, platform_serial: c.platform_serial, notify_base_url: c.notify_base_url };
}

/** Whether the brand takes WeChat Pay (its merchant is configured), for pages deciding what to offer. */
export async function wechatPayConfigured(db: Db, tenantId: string): Promise<boolean> {
  return (await db.selectFrom('membership_provider_configs').select('provider').where('tenant_id', '=', tenantId).where('provider', '=', 'wechat').executeTakeFirst()) !== undefined;
}

export async function getProvider(deps: Pick<AppDeps, 'db' | 'config' | 'clock'>, db: Db, tenantId: string, name: ProviderName): Promise<PaymentProvider> {
  if (name === 'offline') return offlineProvider;
  const c = await db.selectFrom('membership_provider_configs').selectAll().where('tenant_id', '=', tenantId).where('provider', '=', 'wechat').executeTakeFirst();
  if (!c) throw new AppError('PROVIDER_NOT_CONFIGURED', 'WeChat Pay is not configured for this brand');
  return wechatPayProvider(
    {
      mchid: c.mchid,
      appid: c.appid,
      merchantSerial: c.merchant_serial,
      privateKey: openSecret(deps.config.secretsKey, c.private_key_sealed),
      apiV3Key: openSecret(deps.config.secretsKey, c.api_v3_key_sealed),
      platformSerial: c.platform_serial,
      platformPublicKey: c.platform_public_key,
      baseUrl: c.base_url,
      notifyUrl: `${c.notify_base_url.replace(/\/$/, '')}/api/v1/public/payments/wechat/${tenantId}/notify`,
    },
    () => deps.clock.now(),
  );
}
