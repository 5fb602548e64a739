import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { badMemberCsvLines, memberCsvLines } from '../../apps/server/src/test/fixtures/member-csv.ts';

export interface ImportScaleResult {
  rows: number;
  badRows: number;
  seconds: number;
  rowsPerSecond: number;
  rssBeforeMb: number;
  peakRssMb: number;
  created: number;
  failed: number;
  rerunSeconds: number;
  rerunCreated: number;
}

/**
 * The member import at the scale: a generated CSV of `rows` rows (1 % bad) is uploaded to the
 * running server, which must import the good rows, report the bad ones and stay within bounded memory
 * (its RSS is sampled from /proc while the job runs); then the same file again must add nothing.
 */
export async function measureImport(options: { hearthUrl: string; apiKey: string; serverPid: number; rows: number }): Promise<ImportScaleResult> {
  const auth = { authorization: `Bearer ${options.apiKey}` };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-import-bench-'));
  const file = path.join(dir, 'members.csv');
  try {
    await pipeline(Readable.from((function* () {
      for (const line of memberCsvLines(options.rows, 10_000_000)) yield `${line}\n`;
    })()), fs.createWriteStream(file));
    await fetch(`${options.hearthUrl}/api/v1/member-custom-fields`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ key: 'level', label: '等级', type: 'number' }),
    });
    const rssBeforeMb = rssMb(options.serverPid);
    const first = await importFile(options, file);
    const rerun = await importFile(options, file);
    return {
      rows: options.rows,
      badRows: badMemberCsvLines(options.rows).length,
      seconds: first.seconds,
      rowsPerSecond: options.rows / first.seconds,
      rssBeforeMb,
      peakRssMb: Math.max(first.peakRssMb, rerun.peakRssMb),
      created: first.result.created,
      failed: first.result.failed,
      rerunSeconds: rerun.seconds,
      rerunCreated: rerun.result.created,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function importFile(options: { hearthUrl: string; apiKey: string; serverPid: number }, file: string) {
  const auth = { authorization: `Bearer ${options.apiKey}` };
  const started = Date.now();
  const response = await fetch(`${options.hearthUrl}/api/v1/members/import?file_name=bench.csv`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'text/csv', 'content-length': String(fs.statSync(file).size) },
    body: Readable.toWeb(fs.createReadStream(file)) as ReadableStream,
    duplex: 'half',
  } as RequestInit);
  if (response.status !== 202) throw new Error(`upload answered ${response.status}: ${await response.text()}`);
  const { id } = (await response.json()) as { id: string };
  let peakRssMb = 0;
  for (;;) {
    peakRssMb = Math.max(peakRssMb, rssMb(options.serverPid));
    const state = (await (await fetch(`${options.hearthUrl}/api/v1/members/imports/${id}`, { headers: auth })).json()) as {
      status: string;
      processed_rows: number;
      total_rows: number | null;
      created: number;
      failed: number;
    };
    if (state.status === 'succeeded') return { seconds: (Date.now() - started) / 1000, peakRssMb, result: state };
    if (state.status === 'failed') throw new Error('the import job failed');
    if (process.stdout.isTTY) process.stdout.write(`\r  import ${state.processed_rows}/${state.total_rows ?? '?'} lines, RSS ${rssMb(options.serverPid).toFixed(0)} MB   `);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}
