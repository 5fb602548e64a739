// A local WeCom (企业微信) server for tests, on 127.0.0.1. It checks what WeCom checks (corp id and secret, the access
// token and its expiry) with its own code, serves the corp's staff, external contacts and groups from `corp`, keeps
// every contact way, join way and message task it accepted, and builds callbacks encrypted and signed with WeCom's
// own library (@wecom/crypto), not the server's code, so a shared mistake would not pass unnoticed.
import crypto from 'node:crypto';
import http from 'node:http';
import { encrypt, getSignature } from '@wecom/crypto';

export interface FakeContact {
  external_contact: { external_userid: string; name: string; type: number; unionid?: string };
  follow_user: { userid: string; remark?: string; createtime: number; state?: string }[];
}

export interface FakeGroup {
  chat_id: string;
  name: string;
  owner: string;
  create_time: number;
  notice?: string;
  status?: number;
  member_list: { userid: string; type: number; join_time: number; join_scene?: number; unionid?: string; name?: string }[];
}

export interface FakeCorp {
  corpId: string;
  secret: string;
  departments: { id: number; name: string; parentid: number }[];
  users: { userid: string; name: string; department: number[]; status: number }[];
  contacts: Map<string, FakeContact>;
  groups: Map<string, FakeGroup>;
}

export async function startWecomFake(corp: FakeCorp) {
  const tokens = new Map<string, { expired: boolean }>();
  let current: string | undefined;
  let serial = 0;
  const calls = { token: 0, api: 0, refusedExpired: 0, tickets: 0 };
  const tickets = { corp: `corp-ticket-${crypto.randomBytes(6).toString('hex')}`, agent: `agent-ticket-${crypto.randomBytes(6).toString('hex')}` };
  const msgTemplates: Record<string, unknown>[] = [];
  const contactWays: { config_id: string; user: string[]; state: string; type: number }[] = [];
  const joinWays: { config_id: string; chat_id_list: string[]; state: string }[] = [];
  const failures: number[] = [];

  const answer = (req: http.IncomingMessage, body: string): unknown => {
    const url = new URL(req.url!, 'http://x');
    if (url.pathname === '/cgi-bin/gettoken') {
      if (url.searchParams.get('corpid') !== corp.corpId) return { errcode: 40013, errmsg: 'invalid corpid' };
      if (url.searchParams.get('corpsecret') !== corp.secret) return { errcode: 40001, errmsg: 'invalid credential' };
      calls.token++;
      // Like WeCom: the same token again while it is valid.
      if (current && !tokens.get(current)?.expired) return { errcode: 0, errmsg: 'ok', access_token: current, expires_in: 7200 };
      current = `wt-${++serial}-${crypto.randomBytes(4).toString('hex')}`;
      tokens.set(current, { expired: false });
      return { errcode: 0, errmsg: 'ok', access_token: current, expires_in: 7200 };
    }
    const token = tokens.get(url.searchParams.get('access_token') ?? '');
    if (!token) return { errcode: 40014, errmsg: 'invalid access_token' };
    if (token.expired) {
      calls.refusedExpired++;
      return { errcode: 42001, errmsg: 'access_token expired' };
    }
    calls.api++;
    const failure = failures.shift();
    if (failure !== undefined) return { errcode: failure, errmsg: failure === -1 ? 'system busy' : `error ${failure}` };
    const input = body ? (JSON.parse(body) as Record<string, unknown>) : {};
    const ok = { errcode: 0, errmsg: 'ok' };
    switch (url.pathname) {
      case '/cgi-bin/department/list':
        return { ...ok, department: corp.departments };
      case '/cgi-bin/user/list': {
        const id = Number(url.searchParams.get('department_id'));
        return { ...ok, userlist: corp.users.filter((u) => u.department.includes(id)) };
      }
      case '/cgi-bin/externalcontact/get_follow_user_list':
        return { ...ok, follow_user: [...new Set([...corp.contacts.values()].flatMap((c) => c.follow_user.map((f) => f.userid)))] };
      case '/cgi-bin/externalcontact/list': {
        const userid = url.searchParams.get('userid');
        return { ...ok, external_userid: [...corp.contacts.values()].filter((c) => c.follow_user.some((f) => f.userid === userid)).map((c) => c.external_contact.external_userid) };
      }
      case '/cgi-bin/externalcontact/get': {
        const contact = corp.contacts.get(url.searchParams.get('external_userid') ?? '');
        return contact ? { ...ok, ...contact } : { errcode: 84061, errmsg: 'not external contact' };
      }
      case '/cgi-bin/externalcontact/groupchat/list': {
        const all = [...corp.groups.values()].filter((g) => g.status !== 3).map((g) => ({ chat_id: g.chat_id, status: 0 }));
        const start = Number(input.cursor ?? 0);
        const limit = Number(input.limit ?? 100);
        const page = all.slice(start, start + limit);
        return { ...ok, group_chat_list: page, ...(start + limit < all.length ? { next_cursor: String(start + limit) } : {}) };
      }
      case '/cgi-bin/externalcontact/groupchat/get': {
        const group = corp.groups.get(String(input.chat_id));
        return group ? { ...ok, group_chat: group } : { errcode: 40050, errmsg: 'chatid not found' };
      }
      case '/cgi-bin/externalcontact/add_contact_way': {
        const users = input.user as string[] | undefined;
        if (!users?.length || users.some((u) => !corp.users.some((c) => c.userid === u))) return { errcode: 40098, errmsg: 'user not found' };
        if (typeof input.state === 'string' && input.state.length > 30) return { errcode: 40058, errmsg: 'state exceeds 30 characters' };
        const way = { config_id: `cw-${++serial}`, user: users, state: String(input.state ?? ''), type: Number(input.type) };
        contactWays.push(way);
        return { ...ok, config_id: way.config_id, qr_code: `https://wework.qpic.cn/wwpic/${way.config_id}.png` };
      }
      case '/cgi-bin/externalcontact/groupchat/add_join_way': {
        const chats = input.chat_id_list as string[] | undefined;
        if (!chats?.length || chats.length > 5 || chats.some((c) => !corp.groups.has(c))) return { errcode: 40058, errmsg: 'invalid chat_id_list' };
        const way = { config_id: `jw-${++serial}`, chat_id_list: chats, state: String(input.state ?? '') };
        joinWays.push(way);
        return { ...ok, config_id: way.config_id };
      }
      case '/cgi-bin/externalcontact/groupchat/get_join_way': {
        const way = joinWays.find((w) => w.config_id === input.config_id);
        return way ? { ...ok, join_way: { ...way, scene: 2, qr_code: `https://wework.qpic.cn/wwpic/${way.config_id}.png` } } : { errcode: 40058, errmsg: 'config_id not found' };
      }
      case '/cgi-bin/externalcontact/add_msg_template': {
        if (!corp.users.some((u) => u.userid === input.sender)) return { errcode: 40098, errmsg: 'sender not found' };
        const text = (input.text as { content?: string } | undefined)?.content;
        if (!text) return { errcode: 41048, errmsg: 'empty content' };
        // WeCom fails the recipients the sender has not added (external_userid) instead of refusing the task.
        const failList = input.chat_type === 'single' ? (input.external_userid as string[]).filter((id) => !corp.contacts.get(id)?.follow_user.some((f) => f.userid === input.sender)) : [];
        const msgid = `msg-${++serial}`;
        msgTemplates.push({ ...input, msgid });
        return { ...ok, msgid, fail_list: failList };
      }
      case '/cgi-bin/get_jsapi_ticket':
        calls.tickets++;
        return { ...ok, ticket: tickets.corp, expires_in: 7200 };
      case '/cgi-bin/ticket/get':
        if (url.searchParams.get('type') !== 'agent_config') return { errcode: 40004, errmsg: 'invalid type' };
        calls.tickets++;
        return { ...ok, ticket: tickets.agent, expires_in: 7200 };
      default:
        return { errcode: 60011, errmsg: `no such api ${url.pathname}` };
    }
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer(req, Buffer.concat(chunks).toString('utf8'))));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    calls,
    /** The JS-SDK tickets it hands out (the corp's jsapi_ticket and the app's agent_config ticket). */
    tickets,
    msgTemplates,
    contactWays,
    joinWays,
    /** The next calls (after the token check) answer these errcodes, one each (-1 busy, 45009 over the rate limit, …). */
    failNext: (...errcodes: number[]) => failures.push(...errcodes),
    /** Makes every issued token expired: the next call gets 42001, as after two hours. */
    expireTokens: () => tokens.forEach((t) => (t.expired = true)),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface CallbackKeys {
  token: string;
  encodingAesKey: string;
  receiveId: string;
}

/** A fresh 43-character EncodingAESKey, as the WeCom console generates. */
export const newEncodingAesKey = () => crypto.randomBytes(32).toString('base64').slice(0, 43);

/** A callback as WeCom sends it, ready for app.inject: the event's XML encrypted inside an <Encrypt> envelope, msg_signature in the query. */
export function wecomCallback(path: string, keys: CallbackKeys, fields: Record<string, string | number>, options: { tamperSignature?: boolean; timestamp?: string; nonce?: string } = {}) {
  const inner = `<xml>${Object.entries(fields).map(([k, v]) => (typeof v === 'number' ? `<${k}>${v}</${k}>` : `<${k}><![CDATA[${v}]]></${k}>`)).join('')}</xml>`;
  const encrypted = encrypt(keys.encodingAesKey, inner, keys.receiveId);
  const timestamp = options.timestamp ?? String(Math.floor(Date.now() / 1000));
  const nonce = options.nonce ?? crypto.randomBytes(6).toString('hex');
  let signature = getSignature(keys.token, timestamp, nonce, encrypted);
  if (options.tamperSignature) signature = signature.replace(/^./, (c) => (c === '0' ? '1' : '0'));
  const query = new URLSearchParams({ msg_signature: signature, timestamp, nonce });
  return {
    method: 'POST' as const,
    url: `${path}?${query}`,
    headers: { 'content-type': 'text/xml' },
    payload: `<xml><ToUserName><![CDATA[${keys.receiveId}]]></ToUserName><AgentID><![CDATA[1000002]]></AgentID><Encrypt><![CDATA[${encrypted}]]></Encrypt></xml>`,
  };
}

/** The URL check WeCom makes when the callback URL is saved: echostr is encrypted; the answer must be its plain text. */
export function wecomUrlCheck(path: string, keys: CallbackKeys, echo: string) {
  const echostr = encrypt(keys.encodingAesKey, echo, keys.receiveId);
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = crypto.randomBytes(6).toString('hex');
  return { method: 'GET' as const, url: `${path}?${new URLSearchParams({ msg_signature: getSignature(keys.token, timestamp, nonce, echostr), timestamp, nonce, echostr })}` };
}
