import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './test/database.ts';

const serverDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DEMO_KEY = 'hk_demo_main_test_key_0123456789abcdef';

interface Started {
  child: ChildProcessWithoutNullStreams;
  output: () => string;
  exited: Promise<number | null>;
}

function startServer(env: Record<string, string>, args: string[] = []): Started {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
    cwd: serverDir,
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', LOG_LEVEL: 'warn', HEARTH_JOB_POLL_MS: '100', ...env },
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitReady(port: number, server: Started) {
  // A first start migrates and seeds the demo brand of every module; on a loaded two-core CI machine that has taken three minutes.
  const deadline = Date.now() + 300_000;
  while (Date.now() < deadline) {
    if (server.child.exitCode !== null) throw new Error(`server exited early:\n${server.output()}`);
    const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.status === 200, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`server not ready:\n${server.output()}`);
}

describe('the hearth process on the embedded database', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-main-'));
  const running: Started[] = [];
  afterAll(() => {
    for (const server of running) server.child.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts with demo data, refuses a second process on the same folder, stops cleanly on SIGINT and keeps its data', async () => {
    const port = await freePort();
    const env = { HEARTH_DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', HEARTH_DEMO_API_KEY: DEMO_KEY };
    const first = startServer(env);
    running.push(first);
    await waitReady(port, first);
    expect(first.output()).toContain(DEMO_KEY);
    expect(first.output()).toContain('owner@hearth.demo');
    const stores = await fetch(`http://127.0.0.1:${port}/api/v1/stores`, { headers: { authorization: `Bearer ${DEMO_KEY}` } });
    expect(stores.status).toBe(200);
    expect((await stores.json()).data.length).toBe(8);
    // Every module brings demo data; channel codes show a whole funnel.
    const auth = { headers: { authorization: `Bearer ${DEMO_KEY}` } };
    const codes = (await (await fetch(`http://127.0.0.1:${port}/api/v1/channel-codes`, auth)).json()).data as { id: string; name: string }[];
    const sticker = codes.find((c) => c.name === '静安寺店桌贴')!;
    const funnel = async () => (await (await fetch(`http://127.0.0.1:${port}/api/v1/channel-codes/${sticker.id}/funnel`, auth)).json()).totals;
    expect(await funnel()).toMatchObject({ scans: 46, scanners: 23, registrations: 5 });
    // First orders are booked by the worker just after the orders.
    await expect.poll(async () => (await funnel()).first_orders, { timeout: 15_000, interval: 250 }).toBeGreaterThan(0);
    // A referral that ordered and waits out its return window; a promoter's sale pending on both levels. The
    // worker books first orders and commission just after the orders, so the demo shows them within moments.
    const referrals = async () => ((await (await fetch(`http://127.0.0.1:${port}/api/v1/referrals`, auth)).json()).data as { status: string }[]).map((r) => r.status);
    await expect.poll(referrals, { timeout: 15_000, interval: 250 }).toEqual(['ordered']);
    const commissions = async () => ((await (await fetch(`http://127.0.0.1:${port}/api/v1/commissions`, auth)).json()).data as { level: number; status: string; amount_fen: number }[]).map((c) => [c.level, c.status, c.amount_fen]).sort();
    await expect.poll(commissions, { timeout: 15_000, interval: 250 }).toEqual([[1, 'pending', 1200], [2, 'pending', 152]]);

    const second = startServer({ ...env, PORT: String(await freePort()) });
    running.push(second);
    expect(await second.exited).toBe(1);
    expect(second.output()).toContain('already using the data folder');

    first.child.kill('SIGINT');
    expect(await first.exited).toBe(0);
    expect(fs.existsSync(path.join(dataDir, 'hearth.lock'))).toBe(false);

    const again = startServer(env);
    running.push(again);
    await waitReady(port, again);
    const after = await fetch(`http://127.0.0.1:${port}/api/v1/stores`, { headers: { authorization: `Bearer ${DEMO_KEY}` } });
    expect((await after.json()).data.length).toBe(8);
    expect(again.output()).not.toContain('owner@hearth.demo');
    again.child.kill('SIGTERM');
    expect(await again.exited).toBe(0);
  }, 420_000);

  it('fails at start listing every configuration problem at once', async () => {
    const bad = startServer({ PORT: 'abc', LOG_LEVEL: 'loud', HEARTH_DATA_DIR: dataDir }, ['--role=sideways']);
    expect(await bad.exited).toBe(1);
    expect(bad.output()).toMatch(/PORT/);
    expect(bad.output()).toMatch(/LOG_LEVEL/);
    expect(bad.output()).toMatch(/--role/);
  });
});

describe.runIf(process.env.DATABASE_URL)('hearth processes by role on PostgreSQL', () => {
  let database: TestDatabase;
  const running: Started[] = [];
  afterAll(async () => {
    for (const server of running) server.child.kill('SIGKILL');
    await Promise.all(running.map((s) => s.exited));
    await database?.close();
  });

  it('runs an API process and a worker process on one database', async () => {
    database = await createTestDatabase();
    const port = await freePort();
    const env = { DATABASE_URL: database.url!, PORT: String(port), HOST: '127.0.0.1', HEARTH_DEMO_API_KEY: DEMO_KEY };
    const api = startServer(env, ['--role=api']);
    const worker = startServer(env, ['--role=worker']);
    running.push(api, worker);
    await waitReady(port, api);
    const response = await fetch(`http://127.0.0.1:${port}/api/v1/stores`, { headers: { authorization: `Bearer ${DEMO_KEY}` } });
    expect(response.status).toBe(200);
    expect(worker.child.exitCode).toBeNull();
    worker.child.kill('SIGINT');
    api.child.kill('SIGINT');
    expect(await worker.exited).toBe(0);
    expect(await api.exited).toBe(0);
  }, 420_000);
});
