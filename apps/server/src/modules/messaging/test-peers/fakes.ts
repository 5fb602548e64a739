// Local peers of the messaging providers for tests, on 127.0.0.1. Each checks what the real service checks
// (signatures, tokens) with its own code, not the adapter's, and keeps what it accepted. Only where the real
// service drops a repeated client message id does the fake drop it too (WeChat template `client_msg_id`);
// Aliyun and Tencent SMS keep every copy (their OutId / SessionContext are only echoed), so `accepted` is every
// request taken and `unique` the distinct delivery ids among them.
import crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { Webhook } from 'standardwebhooks';

interface Peer {
  url: string;
  close(): Promise<void>;
}

type Handler = (req: http.IncomingMessage, body: string) => { status?: number; json?: unknown; headers?: Record<string, string> } | Promise<{ status?: number; json?: unknown; headers?: Record<string, string> }>;

async function listen(handler: Handler, tls?: { key: string; cert: string }): Promise<Peer> {
  const listener: http.RequestListener = (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const out = await handler(req, Buffer.concat(chunks).toString('utf8'));
      res.writeHead(out.status ?? 200, { 'content-type': 'application/json', ...(out.headers ?? {}) });
      res.end(out.json === undefined ? '' : JSON.stringify(out.json));
    });
  };
  const server = tls ? https.createServer(tls, listener) : http.createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A self-signed certificate for 127.0.0.1 (push services are HTTPS only; web-push speaks nothing else). */
function selfSignedCertificate(): { key: string; cert: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-tls-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  const pair = { key: fs.readFileSync(path.join(dir, 'key.pem'), 'utf8'), cert: fs.readFileSync(path.join(dir, 'cert.pem'), 'utf8') };
  fs.rmSync(dir, { recursive: true, force: true });
  return pair;
}

/** Aliyun (RPC, HMAC-SHA1) and Tencent Cloud (TC3-HMAC-SHA256) SMS on one port; Tencent requests carry X-TC-Action. */
export async function startSmsFake(credentials: { aliyun: { id: string; secret: string }; tencent: { id: string; secret: string } }) {
  const accepted: { provider: 'aliyun' | 'tencent'; clientId: string; phone: string; params: unknown }[] = [];
  let serial = 0;
  const peer = await listen((req, body) => {
    if (req.headers['x-tc-action']) {
      const timestamp = Number(req.headers['x-tc-timestamp']);
      const date = new Date(timestamp * 1000).toISOString().slice(0, 10);
      const hash = (s: string) => crypto.createHash('sha256').update(s).digest('hex');
      const canonical = `POST\n/\n\ncontent-type:${req.headers['content-type']}\nhost:${req.headers.host}\n\ncontent-type;host\n${hash(body)}`;
      const toSign = `TC3-HMAC-SHA256\n${timestamp}\n${date}/sms/tc3_request\n${hash(canonical)}`;
      let key: Buffer = crypto.createHmac('sha256', `TC3${credentials.tencent.secret}`).update(date).digest();
      for (const part of ['sms', 'tc3_request']) key = crypto.createHmac('sha256', key).update(part).digest();
      const expected = `TC3-HMAC-SHA256 Credential=${credentials.tencent.id}/${date}/sms/tc3_request, SignedHeaders=content-type;host, Signature=${crypto.createHmac('sha256', key).update(toSign).digest('hex')}`;
      if (req.headers.authorization !== expected) return { json: { Response: { Error: { Code: 'AuthFailure.SignatureFailure', Message: 'signature mismatch' }, RequestId: 'r' } } };
      const input = JSON.parse(body) as { PhoneNumberSet: string[]; SessionContext: string; TemplateParamSet: string[] };
      const sid = `tc-${++serial}`;
      accepted.push({ provider: 'tencent', clientId: input.SessionContext, phone: input.PhoneNumberSet[0]!, params: input.TemplateParamSet });
      return { json: { Response: { SendStatusSet: [{ SerialNo: sid, PhoneNumber: input.PhoneNumberSet[0], Code: 'Ok', Message: 'send success', SessionContext: input.SessionContext }], RequestId: 'r' } } };
    }
    const params = Object.fromEntries(new URLSearchParams(body));
    const enc = (v: string) => encodeURIComponent(v).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
    const canonical = Object.keys(params).filter((k) => k !== 'Signature').sort().map((k) => `${enc(k)}=${enc(params[k]!)}`).join('&');
    const signature = crypto.createHmac('sha1', `${credentials.aliyun.secret}&`).update(`POST&%2F&${enc(canonical)}`).digest('base64');
    if (params.Signature !== signature || params.AccessKeyId !== credentials.aliyun.id) return { status: 400, json: { Code: 'SignatureDoesNotMatch', Message: 'signature mismatch' } };
    accepted.push({ provider: 'aliyun', clientId: params.OutId!, phone: params.PhoneNumbers!, params: JSON.parse(params.TemplateParam ?? '{}') });
    return { json: { Code: 'OK', Message: 'OK', BizId: `ali-${++serial}`, RequestId: 'r' } };
  });
  return { ...peer, accepted, unique: () => new Set(accepted.map((a) => a.clientId)) };
}

/** The WeChat API: stable tokens, template and subscribe sends, parametric QR codes; `revokeTokens()` makes the next call answer 40001. */
export async function startWechatFake(app: { appId: string; secret: string }) {
  const valid = new Set<string>();
  const accepted: { kind: 'template' | 'subscribe'; clientId: string | null; touser: string; body: Record<string, unknown> }[] = [];
  const calls = { token: 0, forced: 0 };
  const qrcodes: string[] = [];
  let n = 0;
  let current: string | undefined;
  const peer = await listen((req, body) => {
    const url = new URL(req.url!, 'http://x');
    if (url.pathname === '/cgi-bin/stable_token') {
      const input = JSON.parse(body) as { appid: string; secret: string; force_refresh?: boolean };
      if (input.appid !== app.appId || input.secret !== app.secret) return { json: { errcode: 40013, errmsg: 'invalid appid' } };
      calls.token++;
      if (input.force_refresh) calls.forced++;
      // Like the stable-token API: the same token until it is forced (or revoked).
      if (!input.force_refresh && current && valid.has(current)) return { json: { access_token: current, expires_in: 7200 } };
      current = `tok-${++n}`;
      valid.add(current);
      return { json: { access_token: current, expires_in: 7200 } };
    }
    if (!valid.has(url.searchParams.get('access_token') ?? '')) return { json: { errcode: 40001, errmsg: 'invalid credential, access_token is invalid or not latest' } };
    if (url.pathname === '/cgi-bin/qrcode/create') {
      // Parametric QR codes: a permanent string scene (1–64 characters), as channel codes make them.
      const input = JSON.parse(body) as { action_name?: string; action_info?: { scene?: { scene_str?: string } } };
      const scene = input.action_info?.scene?.scene_str;
      if (input.action_name !== 'QR_LIMIT_STR_SCENE' || !scene || scene.length > 64) return { json: { errcode: 40053, errmsg: 'invalid action info' } };
      qrcodes.push(scene);
      return { json: { ticket: `tk-${qrcodes.length}`, url: `http://weixin.qq.com/q/${Buffer.from(scene).toString('base64url')}` } };
    }
    const input = JSON.parse(body) as Record<string, unknown> & { touser: string; client_msg_id?: string };
    const kind = url.pathname.endsWith('/template/send') ? 'template' : 'subscribe';
    if (kind === 'template' && input.client_msg_id && accepted.some((a) => a.clientId === input.client_msg_id)) return { json: { errcode: 0, errmsg: 'ok', msgid: 1 } };
    accepted.push({ kind, clientId: input.client_msg_id ?? null, touser: input.touser, body: input });
    return { json: { errcode: 0, errmsg: 'ok', msgid: 1000 + accepted.length } };
  });
  return { ...peer, accepted, calls, qrcodes, revokeTokens: () => valid.clear() };
}

/** A push service endpoint: checks the VAPID JWT (ES256, against the key in `k=`) and the aes128gcm body. */
export async function startPushFake(vapidPublicKey: string) {
  const accepted: { path: string; topic: string | undefined; ttl: string | undefined; bytes: number }[] = [];
  const gone = new Set<string>();
  const tls = selfSignedCertificate();
  const peer = await listen((req, body) => {
    const auth = /^vapid t=([^,]+),\s*k=(.+)$/.exec(req.headers.authorization ?? '');
    if (!auth || auth[2] !== vapidPublicKey) return { status: 401 };
    const [header, claims, signature] = auth[1]!.split('.');
    const point = Buffer.from(vapidPublicKey, 'base64url');
    const key = crypto.createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33).toString('base64url') }, format: 'jwk' });
    const ok = crypto.verify('sha256', Buffer.from(`${header}.${claims}`), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature!, 'base64url'));
    const aud = (JSON.parse(Buffer.from(claims!, 'base64url').toString()) as { aud: string }).aud;
    if (!ok || aud !== `https://${req.headers.host}`) return { status: 403 };
    if (req.headers['content-encoding'] !== 'aes128gcm') return { status: 415 };
    if (gone.has(req.url!)) return { status: 410 };
    accepted.push({ path: req.url!, topic: req.headers.topic as string | undefined, ttl: req.headers.ttl as string | undefined, bytes: Buffer.byteLength(body, 'binary') });
    return { status: 201, headers: { location: `${req.url}/msg/${accepted.length}` } };
  }, tls);
  return { ...peer, accepted, gone, ca: tls.cert };
}

/** A webhook receiver that verifies Standard Webhooks signatures with the reference library; `failFirst` answers 500 that many times. */
export async function startWebhookFake(secret: string, options: { failFirst?: number; beforeAnswer?: (deliveryId: string) => Promise<void> } = {}) {
  const accepted: { id: string; body: Record<string, unknown> }[] = [];
  const attempts: number[] = [];
  let failures = options.failFirst ?? 0;
  const peer = await listen(async (req, body) => {
    attempts.push(Date.now());
    try {
      new Webhook(secret).verify(body, req.headers as Record<string, string>);
    } catch {
      return { status: 401, json: { error: 'bad signature' } };
    }
    if (failures > 0) {
      failures--;
      return { status: 500, json: { error: 'try later' } };
    }
    const id = req.headers['webhook-id'] as string;
    if (!accepted.some((a) => a.id === id)) accepted.push({ id, body: JSON.parse(body) as Record<string, unknown> });
    // What the receiver does before it answers (reports back at once, say) happens while Hearth waits for the answer.
    await options.beforeAnswer?.(id);
    return { status: 204 };
  });
  return { ...peer, accepted, attempts };
}
