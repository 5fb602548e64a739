import { AppError } from '../../http/errors.ts';

export type WechatScope = 'snsapi_base' | 'snsapi_userinfo';

export interface WechatOauthUser {
  openid: string;
  unionid: string | null;
  scope: string;
  nickname: string | null;
}

/**
 * WeChat web OAuth for official-account pages (网页授权). snsapi_base gives the openid silently;
 * snsapi_userinfo asks the member and also gives the nickname (and the unionid when the account is bound
 * to an Open Platform). The authorize step runs in the member's browser; the code exchange runs here,
 * because it needs the app secret.
 */
export function authorizeUrl(openBase: string, appid: string, redirectUri: string, scope: WechatScope, state: string): string {
  const query = new URLSearchParams({ appid, redirect_uri: redirectUri, response_type: 'code', scope, state });
  // WeChat requires the fragment; parameters must be in this order.
  return `${openBase}/connect/oauth2/authorize?${query}#wechat_redirect`;
}

/** Turns the code WeChat gave the browser into the member's openid, unionid and (userinfo) nickname. */
export async function exchangeCode(apiBase: string, appid: string, secret: string, code: string): Promise<WechatOauthUser> {
  const token = await call<{ access_token: string; openid: string; scope: string; unionid?: string }>(
    `${apiBase}/sns/oauth2/access_token?${new URLSearchParams({ appid, secret, code, grant_type: 'authorization_code' })}`,
  );
  const user: WechatOauthUser = { openid: token.openid, unionid: token.unionid ?? null, scope: token.scope, nickname: null };
  if (token.scope.split(',').includes('snsapi_userinfo')) {
    const info = await call<{ openid: string; nickname?: string; unionid?: string }>(`${apiBase}/sns/userinfo?${new URLSearchParams({ access_token: token.access_token, openid: token.openid, lang: 'zh_CN' })}`);
    if (info.openid !== token.openid) throw new AppError('WECHAT_UNAVAILABLE', 'WeChat answered for another user');
    user.nickname = info.nickname?.trim() || null;
    user.unionid = info.unionid ?? user.unionid;
  }
  return user;
}

// Codes WeChat gives for a code that is wrong, used or expired: the member's sign-in failed, not WeChat.
const CODE_ERRORS = new Set([40029, 40163, 41008, 42003]);

async function call<T>(url: string): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(8000) });
  } catch {
    throw new AppError('WECHAT_UNAVAILABLE', 'WeChat could not be reached; try again');
  }
  if (!response.ok) throw new AppError('WECHAT_UNAVAILABLE', `WeChat answered HTTP ${response.status}`);
  const body = (await response.json().catch(() => ({}))) as T & { errcode?: number; errmsg?: string };
  if (body.errcode) {
    if (CODE_ERRORS.has(body.errcode)) throw new AppError('WECHAT_SIGN_IN_FAILED', 'The WeChat authorization expired or was already used; try again', { errors: [{ field: 'code', code: `wechat_${body.errcode}`, message: body.errmsg ?? '' }] });
    throw new AppError('WECHAT_UNAVAILABLE', `WeChat refused the request (${body.errcode})`);
  }
  return body;
}
