import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { SMTPServer } from 'smtp-server';
import { sendPaced } from './load.ts';
import type { ReportSection } from './report.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * The bench's mail server: a real SMTP server on 127.0.0.1 that keeps, for each message Hearth sent, the time it
 * was accepted (by the delivery id in its X-Hearth-Delivery header), and counts the baseline's messages.
 */
export async function startMailSink() {
  const arrivals = new Map<string, number>();
  let others = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      let head = '';
      stream.on('data', (chunk: Buffer) => {
        if (head.length < 4096) head += chunk.toString('utf8');
      });
      stream.on('end', () => {
        const delivery = /^x-hearth-delivery:\s*(\S+)/im.exec(head)?.[1];
        if (delivery) arrivals.set(delivery, performance.timeOrigin + performance.now());
        else others++;
        callback();
      });
    },
  });
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as { port: number }).port;
  return {
    port,
    arrivals,
    others: () => others,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
type MailSink = Awaited<ReturnType<typeof startMailSink>>;

interface Api {
  post(url: string, body: unknown): Promise<Record<string, unknown>>;
  put(url: string, body: unknown): Promise<Record<string, unknown>>;
  get(url: string): Promise<Record<string, unknown>>;
}

function api(hearthUrl: string, apiKey: string): Api {
  const headers = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
  const call = async (method: string, url: string, body?: unknown) => {
    const response = await fetch(`${hearthUrl}${url}`, { method, headers: body === undefined ? { authorization: headers.authorization } : headers, body: body === undefined ? undefined : JSON.stringify(body) });
    if (!response.ok) throw new Error(`${method} ${url}: ${response.status} ${await response.text()}`);
    return response.json() as Promise<Record<string, unknown>>;
  };
  return { post: (url, body) => call('POST', url, body), put: (url, body) => call('PUT', url, body), get: (url) => call('GET', url) };
}

/** Email through the sink, marketing at any hour and without caps: the bench measures sending, not the rules that hold sends back. */
async function prepareEmail(http: Api, sink: MailSink, name: string) {
  await http.put('/api/v1/messaging/channels/smtp', { enabled: true, settings: { host: '127.0.0.1', port: sink.port, from: 'Hearth 会员中心 <noreply@brand.test>', starttls: 'off' } });
  const settings = await http.get('/api/v1/messaging/settings');
  await http.put('/api/v1/messaging/settings', { ...settings, caps: {}, quiet_hours: { ...(settings.quiet_hours as object), enabled: false } });
  const body = `<p>{{ member.member_no }}，${'秋冬新品上市，会员专享 8 折。'.repeat(8)}</p>`;
  return (await http.post('/api/v1/messaging/templates', { name, channel: 'email', category: 'marketing', bodies: { 'zh-CN': { subject: '秋冬新品上市', body } } })).id as string;
}

/** `count` members with an email address and email consent, made straight in the database. */
async function emailMembers(databaseUrl: string, tenantId: string, prefix: string, count: number): Promise<string[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const made = await client.query<{ id: string }>(
      `insert into members (tenant_id, id, member_no, email, channel)
       select $1, gen_random_uuid(), $2 || g, lower($2) || g || '@bench.test', 'import' from generate_series(1, $3) g returning id`,
      [tenantId, prefix, count],
    );
    const ids = made.rows.map((r) => r.id);
    await client.query(
      `insert into member_consents (tenant_id, member_id, channel, granted, source, wording_version)
       select $1, m, 'email', true, 'bench', 'v1' from unnest($2::uuid[]) m`,
      [tenantId, ids],
    );
    await client.query('analyze members, member_consents');
    return ids;
  } finally {
    await client.end();
  }
}

export interface BroadcastResult {
  members: number;
  received: number;
  seconds: number;
  perSecond: number;
  baselineMessages: number;
  baselineSeconds: number;
  baselinePerSecond: number;
}

/**
 * A broadcast to `members` members (a static segment of members with email and consent) from its creation
 * until the mail server has accepted every message, against the raw send rate of the same server: nodemailer's
 * pool, configured as Hearth's email channel, in a process of its own sending as fast as it can.
 */
export async function measureBroadcast(options: { hearthUrl: string; apiKey: string; databaseUrl: string; tenantId: string; members: number; timeoutSeconds?: number }): Promise<BroadcastResult> {
  const http = api(options.hearthUrl, options.apiKey);
  const sink = await startMailSink();
  try {
    const baselineMessages = Math.min(options.members, 20_000);
    const baselineSeconds = await blast(sink.port, baselineMessages);
    console.log(`  raw SMTP: ${baselineMessages} messages in ${baselineSeconds.toFixed(1)} s`);

    const template = await prepareEmail(http, sink, '群发压测');
    const ids = await emailMembers(options.databaseUrl, options.tenantId, 'BC', options.members);
    const segment = (await http.post('/api/v1/segments', { name: '群发压测人群', kind: 'static' })).id as string;
    for (let i = 0; i < ids.length; i += 10_000) await http.post(`/api/v1/segments/${segment}/members`, { action: 'add', member_ids: ids.slice(i, i + 10_000) });

    const started = performance.timeOrigin + performance.now();
    await http.post('/api/v1/messaging/broadcasts', { name: '群发压测', segment_id: segment, channel: 'email', variants: [{ key: 'A', template_id: template, weight_bp: 10_000 }], holdout_bp: 0 });
    const deadline = Date.now() + (options.timeoutSeconds ?? 1800) * 1000;
    let shown = 0;
    while (sink.arrivals.size < options.members && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      if (sink.arrivals.size - shown >= 10_000) console.log(`  ${(shown = sink.arrivals.size)} received`);
    }
    let last = started;
    for (const at of sink.arrivals.values()) last = Math.max(last, at);
    const seconds = (last - started) / 1000;
    return { members: options.members, received: sink.arrivals.size, seconds, perSecond: sink.arrivals.size / seconds, baselineMessages, baselineSeconds, baselinePerSecond: baselineMessages / baselineSeconds };
  } finally {
    await sink.close();
  }
}

function blast(port: number, count: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/bench/smtp-blast.ts'], { cwd: root, env: { PATH: process.env.PATH ?? '', BLAST_PORT: String(port), BLAST_COUNT: String(count) }, stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(output).seconds as number) : reject(new Error(`smtp-blast exited with ${code}: ${output}`))));
  });
}

export function broadcastSection(r: BroadcastResult): ReportSection {
  const ratio = r.perSecond / r.baselinePerSecond;
  const complete = r.received === r.members;
  return {
    id: 'broadcast',
    markdown: `## Broadcast throughput

A static segment of ${r.members.toLocaleString('en')} members with an email address and email consent; one broadcast of a marketing
email (no caps, no quiet hours) from \`POST /api/v1/messaging/broadcasts\` until the local SMTP server (smtp-server, in the
harness process) has accepted every message. Hearth runs the chunks (500 members: arm, consent and caps, one delivery
row and one send job each) and the sends in its worker, through nodemailer's pool (5 connections). Baseline: the same
pool in a process of its own sending ${r.baselineMessages.toLocaleString('en')} messages of the same size to the same server as fast as it takes them.

| members | received | time | messages/s | raw SMTP messages/s | ratio | goal |
| ---: | ---: | ---: | ---: | ---: | ---: | ---: |
| ${r.members} | ${r.received}${complete ? '' : ' (**incomplete**)'} | ${r.seconds.toFixed(0)} s | ${r.perSecond.toFixed(0)} | ${r.baselinePerSecond.toFixed(0)} | **${ratio.toFixed(2)}** | ≥ 0.5 ${complete && ratio >= 0.5 ? '(met)' : '(**not met**)'} |
`,
  };
}

export interface JourneyLatencyResult {
  targetRate: number;
  ordersPerSecond: number;
  orders: number;
  received: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
}

/**
 * Order → journey → email: a published journey that a member's order starts and whose one step sends a marketing
 * email. Orders of fresh members (email and consent) go through the API at a fixed rate from 32 senders pacing a
 * schedule; each member's latency runs from the moment their order was sent to the moment the local SMTP server
 * accepted their email, through the outbox, the journey job, the send job and nodemailer.
 */
export async function measureJourneyLatency(options: { hearthUrl: string; apiKey: string; databaseUrl: string; tenantId: string; rate: number; seconds: number }): Promise<JourneyLatencyResult> {
  const http = api(options.hearthUrl, options.apiKey);
  const sink = await startMailSink();
  const total = Math.round(options.rate * options.seconds);
  let journey: string | undefined;
  try {
    const template = await prepareEmail(http, sink, '下单关怀');
    const ids = await emailMembers(options.databaseUrl, options.tenantId, 'JL', total);
    journey = (await http.post('/api/v1/journeys', {
      name: '下单后关怀（压测）',
      graph: {
        nodes: [
          { id: 'order', type: 'trigger', config: { kind: 'event', event_type: 'order.created', filters: [{ property: 'total_paid_fen', value: 3210 }] } },
          { id: 'mail', type: 'send', config: { channel: 'email', template_id: template, category: 'marketing' } },
          { id: 'done', type: 'exit' },
        ],
        edges: [{ from: 'order', to: 'mail' }, { from: 'mail', to: 'done' }],
        entry: { mode: 'once' },
      },
    })).id as string;
    await http.post(`/api/v1/journeys/${journey}/publish`, {});

    const sentAt = new Map<string, number>();
    const runId = Date.now();
    const ordersPerSecond = await sendPaced(options.rate, total, async (i) => {
      sentAt.set(ids[i]!, performance.timeOrigin + performance.now());
      await http.post('/api/v1/orders', { external_id: `jl-${i}-${runId}`, channel: 'store', member_id: ids[i], lines: [{ sku: 'BENCH-LATTE', qty: 1, unit_price_fen: 3210 }], total_paid_fen: 3210, occurred_at: new Date().toISOString() });
    });
    const deadline = Date.now() + 120_000;
    while (sink.arrivals.size < total && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));

    const client = new pg.Client({ connectionString: options.databaseUrl });
    await client.connect();
    const memberOf = new Map<string, string>();
    try {
      const rows = await client.query<{ id: string; member_id: string }>('select id::text, member_id::text from message_deliveries where tenant_id = $1 and id::text = any($2::text[])', [options.tenantId, [...sink.arrivals.keys()]]);
      for (const r of rows.rows) memberOf.set(r.id, r.member_id);
    } finally {
      await client.end();
    }
    const latencies = [...sink.arrivals]
      .map(([delivery, at]) => at - (sentAt.get(memberOf.get(delivery) ?? '') ?? Number.NaN))
      .filter((ms) => Number.isFinite(ms))
      .sort((a, b) => a - b);
    const at = (q: number) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]! : Number.NaN);
    return { targetRate: options.rate, ordersPerSecond, orders: total, received: latencies.length, p50Ms: at(0.5), p95Ms: at(0.95), p99Ms: at(0.99), maxMs: latencies.at(-1) ?? Number.NaN };
  } finally {
    // Later measurements' orders must not start it.
    if (journey) await http.post(`/api/v1/journeys/${journey}/stop`, {}).catch(() => undefined);
    await sink.close();
  }
}

export function journeyLatencySection(r: JourneyLatencyResult): ReportSection {
  const held = r.ordersPerSecond >= r.targetRate * 0.95;
  const met = held && r.received === r.orders && r.p95Ms < 1000;
  return {
    id: 'journey-latency',
    markdown: `## Order → journey → email (live)

A published journey that a member's order starts (trigger \`order.created\`) and whose one step sends a marketing email
(no caps, no quiet hours). Orders of fresh members with email and consent go through the API at a fixed rate (32
senders pacing a schedule); a member's latency runs from the moment their order was sent to the moment the local SMTP
server accepted their email: the order's transaction, the outbox, the journey job, the send job and nodemailer (worker
polling every 500 ms, in the server process).

| orders/s asked | orders/s sent | orders | emails received | p50 | p95 | p99 | max | goal |
| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
| ${r.targetRate} | ${r.ordersPerSecond.toFixed(0)} | ${r.orders} | ${r.received} | ${r.p50Ms.toFixed(0)} ms | **${r.p95Ms.toFixed(0)} ms** | ${r.p99Ms.toFixed(0)} ms | ${r.maxMs.toFixed(0)} ms | p95 < 1000 ms at 200 orders/s ${met && r.targetRate >= 200 ? '(met)' : '(**not met**)'} |
${held ? '' : `\nThe server did not keep the asked rate: the orders went out at ${r.ordersPerSecond.toFixed(0)}/s, so the latencies include the queue that built up.\n`}`,
  };
}
