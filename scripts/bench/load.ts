import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import type { Measurement } from './scenario.ts';

export interface LoadOptions {
  url: string;
  headers?: Record<string, string>;
  method?: 'GET' | 'POST';
  body?: string;
  /** Builds each request's body (unique ids per request). */
  makeBody?: () => string;
  /** Throughput counts this many units per request (events per batch). */
  unitsPerRequest?: number;
  connections?: number;
  durationSeconds?: number;
}

/** One autocannon run; fails loudly on any error or non-2xx answer, which would make the figure meaningless. */
export async function runLoad(options: LoadOptions): Promise<Measurement> {
  const result = await autocannon({
    url: options.url,
    method: options.method ?? 'GET',
    headers: options.headers,
    body: options.body,
    ...(options.makeBody && { requests: [{ setupRequest: (request: autocannon.Request) => ({ ...request, body: options.makeBody!() }) }] }),
    connections: options.connections ?? 20,
    pipelining: 1,
    duration: options.durationSeconds ?? 5,
  });
  if (result.errors > 0 || result.timeouts > 0 || result.non2xx > 0) {
    throw new Error(`${options.url}: ${result.errors} errors, ${result.timeouts} timeouts, ${result.non2xx} non-2xx answers`);
  }
  return { requestsPerSecond: result.requests.average * (options.unitsPerRequest ?? 1), latencyP50Ms: result.latency.p50, latencyP99Ms: result.latency.p99 };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * One pgbench run of a custom script against the database (the SQL baseline). Returns transactions per
 * second times `rowsPerTransaction` as the throughput, and pgbench's average latency.
 */
export function runPgbench(options: { databaseUrl: string; script: string; clients: number; durationSeconds?: number; rowsPerTransaction?: number }): Measurement {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-pgbench-'));
  const file = path.join(dir, 'script.sql');
  fs.writeFileSync(file, options.script);
  try {
    const output = execFileSync('pgbench', ['-n', '-c', String(options.clients), '-j', String(Math.min(2, options.clients)), '-T', String(options.durationSeconds ?? 5), '-f', file, options.databaseUrl], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const tps = Number(/tps = ([\d.]+)/.exec(output)?.[1]);
    const latency = Number(/latency average = ([\d.]+) ms/.exec(output)?.[1]);
    const failed = Number(/number of failed transactions: (\d+)/.exec(output)?.[1] ?? 0);
    if (!Number.isFinite(tps) || failed > 0) throw new Error(`pgbench failed or reported failures:\n${output}`);
    return { requestsPerSecond: tps * (options.rowsPerTransaction ?? 1), latencyP50Ms: latency, latencyP99Ms: Number.NaN };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Sends `total` requests at a fixed rate: each is due at its slot of the rate, and 32 senders take the next
 * due one, so the rate holds while the server keeps up (and the returned rate shows it when it does not).
 * Returns the requests per second actually sent.
 */
export async function sendPaced(rate: number, total: number, send: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const started = Date.now();
  const sender = async () => {
    for (let i = next++; i < total; i = next++) {
      const wait = started + (i * 1000) / rate - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      await send(i);
    }
  };
  await Promise.all(Array.from({ length: 32 }, sender));
  return total / ((Date.now() - started) / 1000);
}
