import { sql } from 'kysely';
import type { Db } from '../../../db/database.ts';
import { openSecret, sealSecret } from '../../../secret-box.ts';
import { DeliveryError, requireConfig, secret, setting, type AdapterEnv, type ChannelAdapter, type OutgoingMessage, type ProviderConfig } from './adapter.ts';
import { parseJson, post } from './http.ts';

/** WeChat's codes for a token that is invalid or expired: fetch a new one and try once more. */
const TOKEN_INVALID = new Set([40001, 40014, 42001]);
/** Errors that sending again will not fix: the member unsubscribed or blocked, a bad template or openid. */
const PERMANENT = new Set([40003, 40036, 40037, 43004, 43101, 47003]);

/**
 * WeChat official-account template messages and mini-program subscribe messages. Both need an access token:
 * fetched with the stable-token API (which, unlike /cgi-bin/token, does not invalidate the token other
 * processes hold), cached in the database for every process (sealed) and in memory, refreshed five minutes
 * before it expires or at once when WeChat answers 40001/42001. Template messages carry `client_msg_id`
 * (the delivery id), which WeChat dedupes on.
 */
export const wechatTemplateAdapter: ChannelAdapter = {
  providers: ['wechat_oa'],
  send: (message, env) =>
    withToken(env, requireConfig(env, 'wechat_template'), message, (token, config) => ({
      path: `/cgi-bin/message/template/send?access_token=${encodeURIComponent(token)}`,
      body: {
        touser: message.to,
        template_id: requireTemplate(message),
        url: message.rendered.link ?? undefined,
        ...(config.settings.miniprogram_appid && message.rendered.link?.startsWith('pages/') ? { miniprogram: { appid: config.settings.miniprogram_appid, pagepath: message.rendered.link } } : {}),
        client_msg_id: message.deliveryId,
        data: fieldData(message),
      },
    })),
};

export const wechatSubscribeAdapter: ChannelAdapter = {
  providers: ['wechat_mp'],
  send: (message, env) =>
    withToken(env, requireConfig(env, 'wechat_subscribe'), message, (token, config) => ({
      path: `/cgi-bin/message/subscribe/send?access_token=${encodeURIComponent(token)}`,
      body: {
        touser: message.to,
        template_id: requireTemplate(message),
        page: message.rendered.link ?? undefined,
        miniprogram_state: String(config.settings.miniprogram_state ?? 'formal'),
        lang: message.rendered.locale === 'en' ? 'en_US' : 'zh_CN',
        data: fieldData(message),
      },
    })),
};

async function withToken(env: AdapterEnv, config: ProviderConfig, message: OutgoingMessage, request: (token: string, config: ProviderConfig) => { path: string; body: object }) {
  if (!message.to) throw new DeliveryError('NO_ADDRESS', 'The member has no openid for this app', true);
  const baseUrl = setting(config, 'base_url', 'https://api.weixin.qq.com').replace(/\/$/, '');
  for (let attempt = 0; ; attempt++) {
    const token = await accessToken(env, config, message.tenantId, attempt > 0);
    const { path, body } = request(token, config);
    const response = await post(`${baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const answer = parseJson<{ errcode?: number; errmsg?: string; msgid?: number | string }>(response.text, 'WeChat');
    if (!answer.errcode) return { providerMessageId: answer.msgid === undefined ? null : String(answer.msgid), status: 'sent' as const };
    if (TOKEN_INVALID.has(answer.errcode) && attempt === 0) continue;
    throw new DeliveryError(`WECHAT_${answer.errcode}`, `WeChat: ${answer.errmsg ?? ''}`, PERMANENT.has(answer.errcode));
  }
}

/**
 * Any other call on the official account's API with the same cached token (channel codes create parametric QR codes
 * through it); refreshed once on 40001/42001 like a send. Errors come back as DeliveryError with WeChat's code.
 */
export async function officialAccountCall<T>(env: AdapterEnv, tenantId: string, path: string, body: object): Promise<T> {
  const config = requireConfig(env, 'wechat_template');
  const baseUrl = setting(config, 'base_url', 'https://api.weixin.qq.com').replace(/\/$/, '');
  for (let attempt = 0; ; attempt++) {
    const token = await accessToken(env, config, tenantId, attempt > 0);
    const response = await post(`${baseUrl}${path}?access_token=${encodeURIComponent(token)}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const answer = parseJson<T & { errcode?: number; errmsg?: string }>(response.text, 'WeChat');
    if (!answer.errcode) return answer;
    if (TOKEN_INVALID.has(answer.errcode) && attempt === 0) continue;
    throw new DeliveryError(`WECHAT_${answer.errcode}`, `WeChat: ${answer.errmsg ?? ''}`, PERMANENT.has(answer.errcode));
  }
}

const memoryTokens = new Map<string, { token: string; expiresAt: number }>();
const fetching = new Map<string, Promise<string>>();

/** The app's access token: memory, then the database, then WeChat (forced when the last one was refused). Concurrent sends of a process share one fetch. */
function accessToken(env: AdapterEnv, config: ProviderConfig, tenantId: string, forceRefresh: boolean): Promise<string> {
  const key = `${tenantId}:${setting(config, 'app_id')}:${forceRefresh}`;
  let pending = fetching.get(key);
  if (!pending) {
    pending = loadToken(env, config, tenantId, forceRefresh).finally(() => fetching.delete(key));
    fetching.set(key, pending);
  }
  return pending;
}

async function loadToken(env: AdapterEnv, config: ProviderConfig, tenantId: string, forceRefresh: boolean): Promise<string> {
  const appId = setting(config, 'app_id');
  const key = `${tenantId}:${appId}`;
  const margin = 5 * 60_000;
  const now = env.now().getTime();
  if (!forceRefresh) {
    const cached = memoryTokens.get(key);
    if (cached && cached.expiresAt - margin > now) return cached.token;
    const stored = await env.db.selectFrom('wechat_access_tokens').selectAll().where('tenant_id', '=', tenantId).where('app_id', '=', appId).executeTakeFirst();
    if (stored && stored.expires_at.getTime() - margin > now) {
      const token = openSecret(env.secretsKey, stored.token_sealed);
      memoryTokens.set(key, { token, expiresAt: stored.expires_at.getTime() });
      return token;
    }
  }
  const baseUrl = setting(config, 'base_url', 'https://api.weixin.qq.com').replace(/\/$/, '');
  const response = await post(`${baseUrl}/cgi-bin/stable_token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: 'client_credential', appid: appId, secret: secret(config, 'app_secret'), force_refresh: forceRefresh }),
  });
  const answer = parseJson<{ access_token?: string; expires_in?: number; errcode?: number; errmsg?: string }>(response.text, 'WeChat');
  if (!answer.access_token) throw new DeliveryError(`WECHAT_${answer.errcode ?? 'TOKEN'}`, `WeChat token: ${answer.errmsg ?? response.text.slice(0, 200)}`, answer.errcode === 40013 || answer.errcode === 40125);
  const expiresAt = now + (answer.expires_in ?? 7200) * 1000;
  memoryTokens.set(key, { token: answer.access_token, expiresAt });
  await storeToken(env.db, tenantId, appId, sealSecret(env.secretsKey, answer.access_token), new Date(expiresAt));
  return answer.access_token;
}

async function storeToken(db: Db, tenantId: string, appId: string, sealed: string, expiresAt: Date) {
  await db
    .insertInto('wechat_access_tokens')
    .values({ tenant_id: tenantId, app_id: appId, token_sealed: sealed, expires_at: expiresAt })
    .onConflict((oc) => oc.columns(['tenant_id', 'app_id']).doUpdateSet({ token_sealed: sealed, expires_at: sql`excluded.expires_at` }))
    .execute();
}

/** Forget cached tokens (tests). */
export const clearWechatTokens = () => memoryTokens.clear();

function fieldData(message: OutgoingMessage) {
  return Object.fromEntries(Object.entries(message.rendered.fields).map(([name, value]) => [name, { value }]));
}

function requireTemplate(message: OutgoingMessage): string {
  if (!message.providerTemplate) throw new DeliveryError('TEMPLATE_ID_MISSING', 'The WeChat template has no WeChat template id', true);
  return message.providerTemplate;
}
