import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import { AppError } from '../../http/errors.ts';
import { openSecret, sealSecret } from '../../secret-box.ts';
import './wecom.tables.ts';

/** WeCom's codes for an access token that is invalid or expired: fetch a new one and try once more. */
const TOKEN_INVALID = new Set([40014, 42001]);
/**
 * WeCom's answers that mean "not now" rather than "no": system busy (-1) and its rate and concurrency limits
 * (45009, 45011, 45033). They surface as WECOM_UNAVAILABLE, like a network failure, so jobs retry with backoff
 * instead of recording a final refusal.
 */
const WECOM_BUSY = new Set([-1, 45009, 45011, 45033]);
/** Refresh this long before WeCom's expiry, so a call never leaves with a token about to die. */
const TOKEN_MARGIN_MS = 5 * 60_000;

export interface WecomEnv {
  db: Db;
  secretsKey: Buffer | undefined;
  now(): Date;
  baseUrl: string;
  tenantId: string;
  corpId: string;
  /** The self-built app's secret with 通讯录 read and 客户联系 rights. */
  secret: string;
}

export interface WecomUser {
  userid: string;
  name: string;
  department?: number[];
  status?: number;
}

export interface WecomFollowUser {
  userid: string;
  remark?: string;
  createtime: number;
  state?: string;
}

export interface WecomExternalContact {
  external_contact: { external_userid: string; name: string; type: number; unionid?: string };
  follow_user: WecomFollowUser[];
}

export interface WecomGroupChat {
  chat_id: string;
  name: string;
  owner: string;
  create_time: number;
  notice?: string;
  member_list: { userid: string; type: number; join_time: number; join_scene?: number; unionid?: string; name?: string; group_nickname?: string }[];
}

export interface MsgTemplateInput {
  chatType: 'single' | 'group';
  sender: string;
  externalUserIds?: string[];
  chatIds?: string[];
  text: string;
}

/**
 * The WeCom server API for one tenant's corp. Every call carries the corp's access token: from memory, then the
 * database (sealed, so every process shares one), then /cgi-bin/gettoken; refreshed five minutes before it expires
 * and once more when WeCom answers 40014/42001 (another process or a secret change can invalidate it early).
 */
export function wecomApi(env: WecomEnv) {
  const get = <T>(path: string, query: Record<string, string | number> = {}) => call<T>(env, 'GET', path, query);
  const post = <T>(path: string, body: object) => call<T>(env, 'POST', path, {}, body);
  return {
    departments: async () => (await get<{ department: { id: number; name: string; parentid: number }[] }>('/cgi-bin/department/list')).department,
    usersOf: async (departmentId: number) => (await get<{ userlist: WecomUser[] }>('/cgi-bin/user/list', { department_id: departmentId })).userlist,
    followUsers: async () => (await get<{ follow_user: string[] }>('/cgi-bin/externalcontact/get_follow_user_list')).follow_user,
    externalContactsOf: async (userid: string) => (await get<{ external_userid?: string[] }>('/cgi-bin/externalcontact/list', { userid })).external_userid ?? [],
    /** One contact with every staff member who added them (follow_user comes in pages past 500). */
    externalContact: async (externalUserId: string): Promise<WecomExternalContact> => {
      const follows: WecomFollowUser[] = [];
      let cursor = '';
      for (;;) {
        const page = await get<WecomExternalContact & { next_cursor?: string }>('/cgi-bin/externalcontact/get', { external_userid: externalUserId, ...(cursor ? { cursor } : {}) });
        follows.push(...page.follow_user);
        if (!page.next_cursor) return { external_contact: page.external_contact, follow_user: follows };
        cursor = page.next_cursor;
      }
    },
    groupChats: async () => {
      const ids: string[] = [];
      let cursor = '';
      for (;;) {
        const page = await post<{ group_chat_list: { chat_id: string }[]; next_cursor?: string }>('/cgi-bin/externalcontact/groupchat/list', { status_filter: 0, limit: 1000, ...(cursor ? { cursor } : {}) });
        ids.push(...page.group_chat_list.map((g) => g.chat_id));
        if (!page.next_cursor) return ids;
        cursor = page.next_cursor;
      }
    },
    groupChat: async (chatId: string) => (await post<{ group_chat: WecomGroupChat }>('/cgi-bin/externalcontact/groupchat/get', { chat_id: chatId, need_name: 1 })).group_chat,
    /** A contact-me QR code that hands each scanner to one of several staff; `state` comes back in the add event. */
    addContactWay: (input: { users: string[]; state: string; remark?: string }) =>
      post<{ config_id: string; qr_code: string }>('/cgi-bin/externalcontact/add_contact_way', { type: input.users.length > 1 ? 2 : 1, scene: 2, user: input.users, state: input.state, remark: input.remark, skip_verify: true }),
    /** A 1-to-1 or group broadcast task: WeCom shows it to the sender, who confirms it in the app. */
    addMsgTemplate: (input: MsgTemplateInput) =>
      post<{ msgid: string; fail_list?: string[] }>('/cgi-bin/externalcontact/add_msg_template', {
        chat_type: input.chatType,
        sender: input.sender,
        ...(input.chatType === 'single' ? { external_userid: input.externalUserIds } : { chat_id_list: input.chatIds }),
        text: { content: input.text },
      }),
    /** A join-group QR over up to five groups (WeCom moves on to the next when one fills); the QR comes from get_join_way. */
    jsapiTicket: (kind: 'corp' | 'agent') => jsapiTicket(env, kind),
    addJoinWay: async (input: { chatIds: string[]; state: string; remark?: string }) => {
      const { config_id } = await post<{ config_id: string }>('/cgi-bin/externalcontact/groupchat/add_join_way', { scene: 2, chat_id_list: input.chatIds, state: input.state, remark: input.remark, auto_create_room: 0 });
      const { join_way } = await post<{ join_way: { qr_code: string } }>('/cgi-bin/externalcontact/groupchat/get_join_way', { config_id });
      return { config_id, qr_code: join_way.qr_code };
    },
  };
}

export type WecomApi = ReturnType<typeof wecomApi>;

const memoryTickets = new Map<string, { ticket: string; expiresAt: number }>();

/**
 * A JS-SDK ticket: the corp's jsapi_ticket (wx.config) or the app's agent_config ticket. WeCom limits how often
 * either may be fetched, so each process keeps it until five minutes before it expires.
 */
async function jsapiTicket(env: WecomEnv, kind: 'corp' | 'agent'): Promise<string> {
  const key = `${env.tenantId}:${env.corpId}:${kind}`;
  const now = env.now().getTime();
  const cached = memoryTickets.get(key);
  if (cached && cached.expiresAt - TOKEN_MARGIN_MS > now) return cached.ticket;
  const answer = kind === 'corp' ? await call<{ ticket: string; expires_in: number }>(env, 'GET', '/cgi-bin/get_jsapi_ticket', {}) : await call<{ ticket: string; expires_in: number }>(env, 'GET', '/cgi-bin/ticket/get', { type: 'agent_config' });
  memoryTickets.set(key, { ticket: answer.ticket, expiresAt: now + (answer.expires_in ?? 7200) * 1000 });
  return answer.ticket;
}

async function call<T>(env: WecomEnv, method: 'GET' | 'POST', path: string, query: Record<string, string | number>, body?: object): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const token = await accessToken(env, attempt > 0);
    const params = new URLSearchParams({ access_token: token, ...Object.fromEntries(Object.entries(query).map(([k, v]) => [k, String(v)])) });
    const answer = await fetchJson<T & { errcode?: number; errmsg?: string }>(`${env.baseUrl}${path}?${params}`, method, body);
    if (!answer.errcode) return answer;
    if (TOKEN_INVALID.has(answer.errcode) && attempt === 0) continue;
    if (WECOM_BUSY.has(answer.errcode)) throw new AppError('WECOM_UNAVAILABLE', `WeCom ${path} is busy (${answer.errcode}: ${answer.errmsg ?? ''}); try again later`);
    throw new AppError('WECOM_API_ERROR', `WeCom ${path} answered ${answer.errcode}: ${answer.errmsg ?? ''}`);
  }
}

const memoryTokens = new Map<string, { token: string; expiresAt: number }>();
const fetching = new Map<string, Promise<string>>();

/** Concurrent calls of a process share one token fetch. */
function accessToken(env: WecomEnv, forceRefresh: boolean): Promise<string> {
  const key = `${env.tenantId}:${env.corpId}:${forceRefresh}`;
  let pending = fetching.get(key);
  if (!pending) {
    pending = loadToken(env, forceRefresh).finally(() => fetching.delete(key));
    fetching.set(key, pending);
  }
  return pending;
}

async function loadToken(env: WecomEnv, forceRefresh: boolean): Promise<string> {
  const key = `${env.tenantId}:${env.corpId}`;
  const now = env.now().getTime();
  if (!forceRefresh) {
    const cached = memoryTokens.get(key);
    if (cached && cached.expiresAt - TOKEN_MARGIN_MS > now) return cached.token;
    const stored = await env.db.selectFrom('wecom_access_tokens').selectAll().where('tenant_id', '=', env.tenantId).where('corp_id', '=', env.corpId).executeTakeFirst();
    if (stored && stored.expires_at.getTime() - TOKEN_MARGIN_MS > now) {
      const token = openSecret(env.secretsKey, stored.token_sealed);
      memoryTokens.set(key, { token, expiresAt: stored.expires_at.getTime() });
      return token;
    }
  }
  const params = new URLSearchParams({ corpid: env.corpId, corpsecret: env.secret });
  const answer = await fetchJson<{ errcode?: number; errmsg?: string; access_token?: string; expires_in?: number }>(`${env.baseUrl}/cgi-bin/gettoken?${params}`, 'GET');
  if (!answer.access_token) throw new AppError('WECOM_API_ERROR', `WeCom refused the corp id or secret (${answer.errcode ?? '?'}: ${answer.errmsg ?? ''})`);
  const expiresAt = now + (answer.expires_in ?? 7200) * 1000;
  memoryTokens.set(key, { token: answer.access_token, expiresAt });
  const sealed = sealSecret(env.secretsKey, answer.access_token);
  await env.db
    .insertInto('wecom_access_tokens')
    .values({ tenant_id: env.tenantId, corp_id: env.corpId, token_sealed: sealed, expires_at: new Date(expiresAt) })
    .onConflict((oc) => oc.columns(['tenant_id', 'corp_id']).doUpdateSet({ token_sealed: sealed, expires_at: sql`excluded.expires_at` }))
    .execute();
  return answer.access_token;
}

/** Forgets the tokens a tenant's processes hold (new credentials; tests). */
export function forgetWecomTokens(tenantId?: string) {
  for (const cache of [memoryTokens, memoryTickets]) for (const key of cache.keys()) if (!tenantId || key.startsWith(`${tenantId}:`)) cache.delete(key);
}

async function fetchJson<T>(url: string, method: 'GET' | 'POST', body?: object): Promise<T> {
  let text: string;
  try {
    const response = await fetch(url, { method, headers: body ? { 'content-type': 'application/json' } : undefined, body: body ? JSON.stringify(body) : undefined, signal: AbortSignal.timeout(15_000) });
    text = await response.text();
  } catch (error) {
    throw new AppError('WECOM_UNAVAILABLE', `WeCom could not be reached: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new AppError('WECOM_UNAVAILABLE', `WeCom answered something that is not JSON: ${text.slice(0, 200)}`);
  }
}
