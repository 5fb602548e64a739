// `npm run bench`: starts Hearth in production mode on the local PostgreSQL next to bare Fastify
// baselines, measures each scenario as a ratio to its baseline in the same run (median of several
// alternating runs), prints the figures and writes docs/benchmarks.md.
import { execSync, spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { median } from './load.ts';
import { cardPageSize } from '../member-bundle-size.mjs';
import { expirySection, goalMet, importSection, memberBundleSection, writeReport, type ReportSection, type ScenarioResult } from './report.ts';
import type { Measurement, ScenarioContext } from './scenario.ts';
import { orderIngest, scenarios, type BenchSetup } from './scenarios.ts';
import { measureExpiry } from './expiry-scale.ts';
import { measureImport } from './import-scale.ts';
import { measureRfm, measureSegmentLatency, rfmSection, segmentLatencySection } from './segments-scale.ts';
import { measureTiers, tierSection } from './tier-scale.ts';
import { geofenceSection, measureGeofence } from './geofence-scale.ts';
import { broadcastSection, journeyLatencySection, measureBroadcast, measureJourneyLatency } from './messaging-scale.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
// The scale; BENCH_IMPORT_ROWS=0 skips the import measurement (it takes minutes).
const IMPORT_ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? 1_000_000);
const BENCH_MEMBERS = Number(process.env.BENCH_MEMBERS ?? 1000);
// Lots for the expiry measurement; BENCH_EXPIRY_LOTS=0 skips it.
const EXPIRY_LOTS = Number(process.env.BENCH_EXPIRY_LOTS ?? 10_000_000);
// Orders per second and seconds of the live-segment measurement; BENCH_SEGMENT_SECONDS=0 skips it.
const SEGMENT_RATE = Number(process.env.BENCH_SEGMENT_RATE ?? 200);
const SEGMENT_SECONDS = Number(process.env.BENCH_SEGMENT_SECONDS ?? 20);
// Members of the RFM measurement (orders: ten times as many); BENCH_RFM_MEMBERS=0 skips it.
const RFM_MEMBERS = Number(process.env.BENCH_RFM_MEMBERS ?? 1_000_000);
// Members of the tier re-evaluation (orders: ten times as many); BENCH_TIER_MEMBERS=0 skips it.
const TIER_MEMBERS = Number(process.env.BENCH_TIER_MEMBERS ?? 1_000_000);
// BENCH_PROFILE_DIR=<folder>: the Hearth process writes a V8 CPU profile there when it stops (node --cpu-prof).
const PROFILE_DIR = process.env.BENCH_PROFILE_DIR;
// Stores of the geofence lookup; BENCH_GEOFENCE_STORES=0 skips it.
const GEOFENCE_STORES = Number(process.env.BENCH_GEOFENCE_STORES ?? 10_000);
// Members of the broadcast throughput measurement; BENCH_BROADCAST_MEMBERS=0 skips it.
const BROADCAST_MEMBERS = Number(process.env.BENCH_BROADCAST_MEMBERS ?? 100_000);
// Orders per second and seconds of the order → journey → email measurement; BENCH_JOURNEY_SECONDS=0 skips it.
const JOURNEY_RATE = Number(process.env.BENCH_JOURNEY_RATE ?? 200);
const JOURNEY_SECONDS = Number(process.env.BENCH_JOURNEY_SECONDS ?? 20);
const adminUrl = process.env.BENCH_ADMIN_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
// One database per run, so two checkouts benchmarking at once do not drop each other's.
const benchDatabase = `hearth_bench_${process.pid}`;
const databaseUrl = withDatabase(adminUrl, benchDatabase);
const children: ChildProcess[] = [];
// BENCH_ONLY=<regexp> runs only the scenarios and scale measurements whose titles match it.
const only = process.env.BENCH_ONLY ? new RegExp(process.env.BENCH_ONLY, 'i') : null;
const wanted = (title: string) => !only || only.test(title);

process.on('SIGINT', () => {
  for (const child of children) child.kill('SIGKILL');
  process.exit(130);
});

try {
  ensurePostgres();
  await recreateDatabase();
  const apiKey = `bench${crypto.randomBytes(20).toString('hex')}`;
  const hearthPort = await freePort();
  const hearth = await startChild('Hearth', [...(PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : []), '--import', 'tsx', 'apps/server/src/main.ts'], {
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl,
    PORT: String(hearthPort),
    HOST: '127.0.0.1',
    HEARTH_DEMO_API_KEY: apiKey,
    HEARTH_DEMO_PASSWORD: 'bench-password-1',
    HEARTH_RATE_LIMIT_PER_MINUTE: '100000000',
    LOG_LEVEL: 'warn',
  }, () => waitForHttp(`http://127.0.0.1:${hearthPort}/readyz`));
  const hearthUrl = `http://127.0.0.1:${hearthPort}`;
  const auth = { authorization: `Bearer ${apiKey}` };
  const tenant = (await (await fetch(`${hearthUrl}/api/v1/tenant`, { headers: auth })).json()) as { id: string };
  const stores = (await (await fetch(`${hearthUrl}/api/v1/stores?limit=1`, { headers: auth })).json()) as { data: { id: string }[] };
  const storeId = stores.data[0]!.id;
  const resolved = (await (
    await fetch(`${hearthUrl}/api/v1/members/resolve`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ identities: [{ type: 'app_user_id', value: 'bench-member-1' }], profile: { channel: 'app', name: '压测会员' } }),
    })
  ).json()) as { member: { id: string } };
  await fetch(`${hearthUrl}/api/v1/products/bulk`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ products: [{ sku: 'BENCH-LATTE', name: '拿铁', list_price_fen: 3200 }, { sku: 'BENCH-CROISSANT', name: '可颂', list_price_fen: 1800 }] }),
  });

  const memberIds = await createBenchMembers(hearthUrl, auth);
  // Setup leaves thousands of follow-up jobs (welcome tasks, segment and journey checks of every new member):
  // measured while the worker still chews on them, every scenario would pay for the setup.
  await waitForIdleQueue();

  const barePort = await freePort();
  await startChild('bare Fastify', ['--import', 'tsx', 'scripts/bench/bare-server.ts'], {
    DATABASE_URL: databaseUrl,
    PORT: String(barePort),
    BENCH_TENANT_ID: tenant.id,
  }, () => waitForHttp(`http://127.0.0.1:${barePort}/bare/hello`));

  const context: ScenarioContext = { hearthUrl, bareUrl: `http://127.0.0.1:${barePort}`, apiKey, databaseUrl };
  const results: ScenarioResult[] = [];
  const setup: BenchSetup = { tenantId: tenant.id, storeId, memberId: resolved.member.id, identity: 'bench-member-1', memberIds };
  for (const scenario of scenarios(setup).filter((s) => wanted(s.name))) {
    console.log(`\n${scenario.name}`);
    const arms = [scenario.subject, ...scenario.baselines];
    // Warm-up: JIT, connection pools and caches, not counted.
    for (const arm of arms) await arm.run(context);
    const runs = new Map(arms.map((arm) => [arm, [] as Measurement[]]));
    // Alternate subject and baselines so drift in machine load hits every arm alike.
    for (let round = 1; round <= ROUNDS; round++) {
      for (const arm of arms) {
        const measurement = await arm.run(context);
        runs.get(arm)!.push(measurement);
        console.log(`  round ${round}  ${measurement.requestsPerSecond.toFixed(0).padStart(7)} ${scenario.unit}  p50 ${measurement.latencyP50Ms} ms  p99 ${measurement.latencyP99Ms} ms  ${arm.label}`);
      }
    }
    const summarize = (measurements: Measurement[]): Measurement => ({
      requestsPerSecond: median(measurements.map((m) => m.requestsPerSecond)),
      latencyP50Ms: median(measurements.map((m) => m.latencyP50Ms)),
      latencyP99Ms: median(measurements.map((m) => m.latencyP99Ms)),
    });
    const subject = summarize(runs.get(scenario.subject)!);
    results.push({
      scenario,
      subject,
      baselines: scenario.baselines.map((baseline) => {
        const measured = summarize(runs.get(baseline)!);
        return { label: baseline.label, goal: baseline.goal, atMost: baseline.atMost, measured, ratio: subject.requestsPerSecond / measured.requestsPerSecond };
      }),
    });
  }

  // Measurements at scale, each reported as its own section of docs/benchmarks.md.
  const sections: ReportSection[] = [];
  if (IMPORT_ROWS > 0 && wanted(`Member import of ${IMPORT_ROWS} rows`)) {
    console.log(`\nMember import of ${IMPORT_ROWS} rows`);
    const importScale = await measureImport({ hearthUrl, apiKey, serverPid: hearth.pid!, rows: IMPORT_ROWS });
    console.log(`\n  ${importScale.rows} rows in ${importScale.seconds.toFixed(0)} s (${importScale.rowsPerSecond.toFixed(0)} rows/s), peak RSS ${importScale.peakRssMb.toFixed(0)} MB; rerun created ${importScale.rerunCreated}`);
    sections.push(importSection(importScale));
  }

  if (EXPIRY_LOTS > 0 && wanted(`Points expiry of ${EXPIRY_LOTS} lots`)) {
    console.log(`\nPoints expiry of ${EXPIRY_LOTS} lots`);
    const expiryScale = await measureExpiry({ databaseUrl, tenantId: tenant.id, lots: EXPIRY_LOTS, ingest: (seconds) => orderIngest(context, setup, seconds) });
    console.log(`  expiry ${expiryScale.expirySeconds.toFixed(0)} s vs plain UPDATE ${expiryScale.baselineSeconds.toFixed(0)} s; ingest beside it ${expiryScale.ingestBeside.toFixed(0)}/s vs ${expiryScale.ingestAlone.toFixed(0)}/s alone`);
    sections.push(expirySection(expiryScale));
  }

  if (SEGMENT_SECONDS > 0 && wanted(`Order → segment membership at ${SEGMENT_RATE} orders/s for ${SEGMENT_SECONDS} s`)) {
    console.log(`\nOrder → segment membership at ${SEGMENT_RATE} orders/s for ${SEGMENT_SECONDS} s`);
    await waitForIdleQueue();
    const latency = await measureSegmentLatency({ hearthUrl, apiKey, databaseUrl, tenantId: tenant.id, rate: SEGMENT_RATE, seconds: SEGMENT_SECONDS });
    console.log(`  ${latency.changed}/${latency.orders} entered at ${latency.ordersPerSecond.toFixed(0)} orders/s; p50 ${latency.p50Ms.toFixed(0)} ms, p95 ${latency.p95Ms.toFixed(0)} ms, p99 ${latency.p99Ms.toFixed(0)} ms`);
    sections.push(segmentLatencySection(latency));
  }

  if (RFM_MEMBERS > 0 && wanted(`RFM over ${RFM_MEMBERS} members and ${RFM_MEMBERS * 10} orders`)) {
    console.log(`\nRFM over ${RFM_MEMBERS} members and ${RFM_MEMBERS * 10} orders`);
    const rfm = await measureRfm({ databaseUrl, members: RFM_MEMBERS });
    console.log(`  bare SQL ${rfm.bareSeconds.toFixed(2)} s, RFM ${rfm.firstSeconds.toFixed(2)} s (ratio ${(rfm.firstSeconds / rfm.bareSeconds).toFixed(2)}), unchanged rerun ${rfm.steadySeconds.toFixed(2)} s`);
    sections.push(rfmSection(rfm));
  }

  if (TIER_MEMBERS > 0 && wanted(`Tier re-evaluation of ${TIER_MEMBERS} members and ${TIER_MEMBERS * 10} orders`)) {
    console.log(`\nTier re-evaluation of ${TIER_MEMBERS} members and ${TIER_MEMBERS * 10} orders`);
    const tiers = await measureTiers({ databaseUrl, members: TIER_MEMBERS });
    console.log(`  bare GROUP BY ${tiers.baselineSeconds.toFixed(1)} s, evaluation ${tiers.evaluationSeconds.toFixed(1)} s (ratio ${(tiers.evaluationSeconds / tiers.baselineSeconds).toFixed(2)}); ${JSON.stringify(tiers.counts)}`);
    sections.push(tierSection(tiers));
  }

  if (GEOFENCE_STORES > 0 && wanted(`Geofence lookup among ${GEOFENCE_STORES} stores`)) {
    console.log(`\nGeofence lookup among ${GEOFENCE_STORES} stores`);
    const geofence = await measureGeofence({ hearthUrl, apiKey, databaseUrl, tenantId: tenant.id, memberIds, stores: GEOFENCE_STORES, requests: 3000 });
    console.log(`  ${geofence.requests} positions at ${geofence.requestsPerSecond.toFixed(0)}/s (${geofence.inside} inside a fence); p50 ${geofence.p50Ms.toFixed(1)} ms, p95 ${geofence.p95Ms.toFixed(1)} ms, p99 ${geofence.p99Ms.toFixed(1)} ms`);
    sections.push(geofenceSection(geofence));
  }

  if (JOURNEY_SECONDS > 0 && wanted(`Order → journey → email at ${JOURNEY_RATE} orders/s for ${JOURNEY_SECONDS} s`)) {
    console.log(`\nOrder → journey → email at ${JOURNEY_RATE} orders/s for ${JOURNEY_SECONDS} s`);
    await waitForIdleQueue();
    const journey = await measureJourneyLatency({ hearthUrl, apiKey, databaseUrl, tenantId: tenant.id, rate: JOURNEY_RATE, seconds: JOURNEY_SECONDS });
    console.log(`  ${journey.received}/${journey.orders} emails at ${journey.ordersPerSecond.toFixed(0)} orders/s; p50 ${journey.p50Ms.toFixed(0)} ms, p95 ${journey.p95Ms.toFixed(0)} ms, p99 ${journey.p99Ms.toFixed(0)} ms`);
    sections.push(journeyLatencySection(journey));
  }

  if (BROADCAST_MEMBERS > 0 && wanted(`Broadcast to ${BROADCAST_MEMBERS} members`)) {
    console.log(`\nBroadcast to ${BROADCAST_MEMBERS} members`);
    await waitForIdleQueue();
    const broadcast = await measureBroadcast({ hearthUrl, apiKey, databaseUrl, tenantId: tenant.id, members: BROADCAST_MEMBERS });
    console.log(`  ${broadcast.received}/${broadcast.members} in ${broadcast.seconds.toFixed(0)} s: ${broadcast.perSecond.toFixed(0)}/s vs raw SMTP ${broadcast.baselinePerSecond.toFixed(0)}/s (ratio ${(broadcast.perSecond / broadcast.baselinePerSecond).toFixed(2)})`);
    sections.push(broadcastSection(broadcast));
  }

  // The member center's card page: what a phone downloads before it shows the card (the build made it).
  sections.push(memberBundleSection(cardPageSize(path.join(root, 'apps/member/dist'))));

  const pgVersion = await queryOne<{ server_version: string }>('show server_version');
  const reportPath = writeReport(path.join(root, 'docs/benchmarks.md'), results, {
    rounds: ROUNDS,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    node: process.version,
    postgres: pgVersion.server_version,
  }, sections);
  console.log('');
  for (const result of results) {
    for (const baseline of result.baselines) {
      const verdict = baseline.goal === undefined ? '' : `  goal ${baseline.atMost ? '≤' : '≥'} ${baseline.goal}: ${goalMet(baseline) ? 'met' : 'NOT met'}`;
      console.log(`${result.scenario.name} vs ${baseline.label}: ratio ${baseline.ratio.toFixed(2)}${verdict}`);
    }
  }
  console.log(`\nWrote ${path.relative(root, reportPath)}`);
} finally {
  for (const child of children) child.kill('SIGINT');
  await Promise.all(children.map((child) => new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.on('exit', resolve)))));
  await dropDatabase().catch(() => undefined);
}

/**
 * BENCH_MEMBERS members with points, spread over so orders and redemptions do not all queue on one
 * member's account (a brand's traffic is many members, each now and then). pgbench finds them by number
 * in bench_members, so both arms pick members the same way.
 */
async function createBenchMembers(hearthUrl: string, auth: Record<string, string>): Promise<string[]> {
  const headers = { ...auth, 'content-type': 'application/json' };
  const post = async (url: string, body: unknown, method = 'POST') => {
    const response = await fetch(`${hearthUrl}${url}`, { method, headers, body: JSON.stringify(body) });
    if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`);
    return response.json() as Promise<Record<string, unknown>>;
  };
  await post('/api/v1/points/rules', { rules: { base_points_per_yuan: 1 }, effective_from: '2020-01-01T00:00:00Z', note: 'bench' });
  const settings = await (await fetch(`${hearthUrl}/api/v1/points/settings`, { headers: auth })).json();
  await post('/api/v1/points/settings', { ...settings, pending_days: 0 }, 'PUT');
  const ids: string[] = [];
  for (let start = 0; start < BENCH_MEMBERS; start += 50) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(50, BENCH_MEMBERS - start) }, async (_, i) => {
        const { member } = (await post('/api/v1/members/resolve', { identities: [{ type: 'app_user_id', value: `bench-hot-${start + i}` }], profile: { channel: 'app' } })) as { member: { id: string } };
        await post(`/api/v1/members/${member.id}/points/adjustments`, { points: 10_000_000, reason: 'bench' });
        return member.id;
      }),
    );
    ids.push(...batch);
  }
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('create table bench_members (n integer primary key, member_id uuid not null)');
    await client.query('insert into bench_members select n, id from unnest($1::uuid[]) with ordinality as m(id, n)', [ids]);
  } finally {
    await client.end();
  }
  return ids;
}

/** Waits until no job is due (the worker has caught up), for at most ten minutes. */
/** Waits until the worker has caught up: a measurement taken on top of the follow-up jobs of the ones before would pay for them. */
async function waitForIdleQueue() {
  const deadline = Date.now() + 600_000;
  for (;;) {
    const { due } = await queryOne<{ due: number }>(`select count(*)::int as due from jobs where (status = 'queued' and run_at <= now()) or status = 'running'`);
    if (due === 0) return;
    if (Date.now() > deadline) return console.warn(`  the job queue did not drain: ${due} jobs still due; measuring anyway`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

function ensurePostgres() {
  try {
    execSync('pg_isready -q -h 127.0.0.1 -p 5432');
  } catch {
    execSync('pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start', { stdio: 'inherit' });
    execSync('for i in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && exit 0; sleep 1; done; exit 1', { shell: '/bin/bash' });
  }
}

async function adminQuery(text: string) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

async function recreateDatabase() {
  await dropDatabase();
  // Databases left by runs that were killed before they could drop their own.
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  const { rows } = await client.query<{ datname: string }>(`select datname from pg_database where datname ~ '^hearth_bench(_[0-9]+)?$'`).finally(() => client.end());
  for (const { datname } of rows) {
    const pid = Number(datname.split('_')[2]);
    if (!pid || !isAlive(pid)) await adminQuery(`drop database if exists ${datname} with (force)`);
  }
  await adminQuery(`create database ${benchDatabase}`);
}

function isAlive(pid: number) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function dropDatabase() {
  return adminQuery(`drop database if exists ${benchDatabase} with (force)`);
}

async function queryOne<T extends pg.QueryResultRow>(text: string): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows[0]!;
  } finally {
    await client.end();
  }
}

async function startChild(name: string, args: string[], env: Record<string, string>, ready: () => Promise<void>) {
  const child = spawn(process.execPath, args, { cwd: root, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  try {
    await Promise.race([
      ready(),
      new Promise((_, reject) => child.on('exit', (code) => reject(new Error(`${name} exited with ${code}`)))),
    ]);
  } catch (error) {
    throw new Error(`${name} did not start: ${(error as Error).message}\n${output}`);
  }
  return child;
}

async function waitForHttp(url: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await fetch(url).then((r) => r.ok, () => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} not ready after ${timeoutMs / 1000} s`);
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function withDatabase(url: string, database: string) {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

