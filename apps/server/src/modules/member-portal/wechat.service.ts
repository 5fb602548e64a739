import crypto from 'node:crypto';
import { sql } from 'kysely';
import type { IdentityInput } from '@hearth/contracts/members';
import type { Db } from '../../db/database.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { AppError, validationError } from '../../http/errors.ts';
import { openSecret, sealSecret } from '../../secret-box.ts';
import { findActiveTenant } from '../access/access.service.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { signInByIdentity, type SignInRequest } from './sign-in.service.ts';
import { authorizeUrl, exchangeCode, type WechatScope } from './wechat-oauth.ts';
import './member-portal.tables.ts';

/** Saves the brand's official account (appid and app secret) for member sign-in through WeChat. */
export async function saveWechatOauth(deps: AppDeps, ctx: RequestContext, input: { appid: string; secret: string }) {
  const row = { appid: input.appid, secret_sealed: sealSecret(deps.config.secretsKey, input.secret) };
  await withTransaction(deps.db, async (trx) => {
    await trx
      .insertInto('member_portal_wechat')
      .values({ tenant_id: ctx.tenantId, ...row })
      .onConflict((oc) => oc.column('tenant_id').doUpdateSet({ ...row, updated_at: sql`now()` }))
      .execute();
    await recordAudit(trx, ctx, { action: 'member_portal.wechat_configured', resourceType: 'tenant', resourceId: ctx.tenantId, details: { appid: input.appid } });
  });
  return { appid: input.appid };
}

export async function wechatAppid(db: Db, tenantId: string): Promise<string | null> {
  const row = await db.selectFrom('member_portal_wechat').select('appid').where('tenant_id', '=', tenantId).executeTakeFirst();
  return row?.appid ?? null;
}

/**
 * The WeChat authorize URL for the member's browser, with a fresh state the caller keeps in a cookie: the
 * callback must bring the same state back, so a sign-in cannot be started by another site (login CSRF).
 */
export async function startWechatSignIn(deps: AppDeps, input: { brand: string; scope: WechatScope; redirectUri: string }) {
  const { appid } = await configFor(deps, input.brand);
  const state = crypto.randomBytes(16).toString('base64url');
  return { url: authorizeUrl(deps.config.memberPortal.wechatOpenBase, appid, input.redirectUri, input.scope, state), state };
}

/** Exchanges WeChat's code for the member's openid (and unionid), then signs that member in. */
export async function finishWechatSignIn(deps: AppDeps, input: SignInRequest & { code: string; state: string; expectedState: string | undefined; kind: 'cookie' | 'bearer' }) {
  if (!input.expectedState || !safeEqual(input.state, input.expectedState)) {
    throw validationError([{ field: 'state', code: 'state_mismatch', message: 'this sign-in was not started here; start it again' }]);
  }
  const { tenantId, appid, secret } = await configFor(deps, input.brand);
  const user = await exchangeCode(deps.config.memberPortal.wechatApiBase, appid, secret, input.code);
  const identities: IdentityInput[] = [{ type: 'wechat_openid', app_id: appid, value: user.openid }];
  if (user.unionid) identities.push({ type: 'wechat_unionid', value: user.unionid });
  const session = await signInByIdentity(deps, {
    tenantId,
    identities,
    channel: 'official_account',
    profile: user.nickname ? { nickname: user.nickname.slice(0, 100) } : {},
    kind: input.kind,
    method: 'wechat',
    openid: user.openid,
    ip: input.ip,
    requestId: input.requestId,
  });
  return { ...session, openid: user.openid, appid };
}

async function configFor(deps: AppDeps, brand: string) {
  const tenant = await findActiveTenant(deps.db, brand);
  if (!tenant) throw validationError([{ field: 'brand', code: 'unknown_brand', message: 'no such brand' }]);
  const row = await deps.db.selectFrom('member_portal_wechat').selectAll().where('tenant_id', '=', tenant.id).executeTakeFirst();
  if (!row) throw new AppError('WECHAT_NOT_CONFIGURED', 'This brand has not set up sign-in with WeChat');
  return { tenantId: tenant.id, appid: row.appid, secret: openSecret(deps.config.secretsKey, row.secret_sealed) };
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}
