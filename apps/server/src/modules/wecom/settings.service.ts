import { sql } from 'kysely';
import type { WecomSettings, WecomSettingsInput } from '@hearth/contracts/wecom';
import type { Db } from '../../db/database.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { AppError, validationError } from '../../http/errors.ts';
import { openSecret, sealSecret } from '../../secret-box.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { forgetWecomTokens, wecomApi, type WecomApi } from './wecom-api.ts';
import { aesKeyOf, type CallbackSecrets } from './wecom-crypto.ts';
import './wecom.tables.ts';

/** Saves the corp id and its secrets (sealed, write-only: an omitted secret keeps the saved one). */
export async function saveWecomSettings(deps: AppDeps, ctx: RequestContext, input: WecomSettingsInput): Promise<WecomSettings> {
  const key = deps.config.secretsKey;
  if (input.encoding_aes_key) aesKeyOf(input.encoding_aes_key);
  await withTransaction(deps.db, async (trx) => {
    const current = await trx.selectFrom('wecom_settings').selectAll().where('tenant_id', '=', ctx.tenantId).forUpdate().executeTakeFirst();
    const secretSealed = input.secret ? sealSecret(key, input.secret) : current?.secret_sealed;
    if (!secretSealed) throw validationError([{ field: 'secret', code: 'required', message: 'the app secret is needed the first time' }]);
    const row = {
      corp_id: input.corp_id,
      secret_sealed: secretSealed,
      callback_token_sealed: input.callback_token ? sealSecret(key, input.callback_token) : (current?.callback_token_sealed ?? null),
      encoding_aes_key_sealed: input.encoding_aes_key ? sealSecret(key, input.encoding_aes_key) : (current?.encoding_aes_key_sealed ?? null),
      agent_id: input.agent_id === undefined ? (current?.agent_id ?? null) : input.agent_id,
      enabled: input.enabled,
    };
    await trx
      .insertInto('wecom_settings')
      .values({ tenant_id: ctx.tenantId, ...row })
      .onConflict((oc) => oc.column('tenant_id').doUpdateSet({ ...row, updated_at: sql`now()` }))
      .execute();
    // A new corp or secret makes the cached token useless (WeCom ties it to both).
    if (input.secret || current?.corp_id !== input.corp_id) await trx.deleteFrom('wecom_access_tokens').where('tenant_id', '=', ctx.tenantId).execute();
    const changed = ['corp_id', ...(['secret', 'callback_token', 'encoding_aes_key', 'agent_id'] as const).filter((f) => input[f] !== undefined)];
    await recordAudit(trx, ctx, { action: 'wecom.configured', resourceType: 'tenant', resourceId: ctx.tenantId, details: { fields: changed, enabled: input.enabled } });
  });
  forgetWecomTokens(ctx.tenantId);
  return getWecomSettings(deps.db, ctx.tenantId);
}

export async function getWecomSettings(db: Db, tenantId: string): Promise<WecomSettings> {
  const row = await db.selectFrom('wecom_settings').selectAll().where('tenant_id', '=', tenantId).executeTakeFirst();
  return {
    configured: Boolean(row),
    corp_id: row?.corp_id ?? null,
    agent_id: row?.agent_id ?? null,
    enabled: row?.enabled ?? false,
    secret_set: Boolean(row?.secret_sealed),
    callback_set: Boolean(row?.callback_token_sealed && row.encoding_aes_key_sealed),
    callback_path: `/api/v1/public/wecom/${tenantId}/callback`,
  };
}

/** The tenant's WeCom API client; 409 WECOM_NOT_CONFIGURED when the corp is not set up or switched off. */
export async function wecomFor(deps: AppDeps, tenantId: string): Promise<{ api: WecomApi; corpId: string; agentId: string | null }> {
  const row = await deps.db.selectFrom('wecom_settings').selectAll().where('tenant_id', '=', tenantId).executeTakeFirst();
  if (!row || !row.enabled) throw new AppError('WECOM_NOT_CONFIGURED', 'WeCom is not set up for this brand (or switched off)');
  const api = wecomApi({ db: deps.db, secretsKey: deps.config.secretsKey, now: () => deps.clock.now(), baseUrl: deps.config.wecomApiBase, tenantId, corpId: row.corp_id, secret: openSecret(deps.config.secretsKey, row.secret_sealed) });
  return { api, corpId: row.corp_id, agentId: row.agent_id };
}

/** Whether WeCom is set up and on for the tenant (other modules ask before offering WeCom targets). */
export async function wecomEnabled(db: Db, tenantId: string): Promise<boolean> {
  const row = await db.selectFrom('wecom_settings').select('enabled').where('tenant_id', '=', tenantId).executeTakeFirst();
  return row?.enabled ?? false;
}

/** The callback Token, EncodingAESKey and corp id, or undefined when callbacks are not set up. */
export async function callbackSecrets(deps: AppDeps, tenantId: string): Promise<CallbackSecrets | undefined> {
  const row = await deps.db.selectFrom('wecom_settings').selectAll().where('tenant_id', '=', tenantId).executeTakeFirst();
  if (!row?.callback_token_sealed || !row.encoding_aes_key_sealed) return undefined;
  return { token: openSecret(deps.config.secretsKey, row.callback_token_sealed), encodingAesKey: openSecret(deps.config.secretsKey, row.encoding_aes_key_sealed), receiveId: row.corp_id };
}
