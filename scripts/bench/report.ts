import fs from 'node:fs';
import type { ExpiryScaleResult } from './expiry-scale.ts';
import type { ImportScaleResult } from './import-scale.ts';
import type { Measurement, Scenario } from './scenario.ts';

export interface ScenarioResult {
  scenario: Scenario;
  subject: Measurement;
  baselines: { label: string; goal?: number; atMost?: boolean; measured: Measurement; ratio: number }[];
}

export interface Machine {
  rounds: number;
  cpu: string;
  cores: number;
  node: string;
  postgres: string;
}

/** Writes docs/benchmarks.md: how the figures were made, then one table row per subject/baseline pair. */
export function writeReport(file: string, results: ScenarioResult[], machine: Machine, importScale?: ImportScaleResult, expiryScale?: ExpiryScaleResult): string {
  const rate = (m: Measurement, unit: string) => `${m.requestsPerSecond.toFixed(0)} ${unit}`;
  const ms = (value: number) => (Number.isFinite(value) ? String(value) : '—');
  const rows = results.flatMap((result) =>
    result.baselines.map((b) => {
      const met = b.goal === undefined ? '—' : goalMet(b) ? 'yes' : '**no**';
      const unit = result.scenario.unit;
      return `| ${result.scenario.name} | ${b.label} | ${rate(result.subject, unit)} | ${rate(b.measured, unit)} | **${b.ratio.toFixed(2)}** | ${b.goal === undefined ? '—' : `${b.atMost ? '≤' : '≥'} ${b.goal}`} | ${met} |`;
    }),
  );
  const latencies = results.flatMap((result) => [
    `| ${result.scenario.subject.label} | ${ms(result.subject.latencyP50Ms)} | ${ms(result.subject.latencyP99Ms)} |`,
    ...result.baselines.map((b) => `| ${b.label} | ${ms(b.measured.latencyP50Ms)} | ${ms(b.measured.latencyP99Ms)} |`),
  ]);
  const text = `# Benchmarks

Written by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}. Absolute numbers depend on the machine and
its neighbours; the **ratio** of each subject to its baseline, measured side by side in the same run, is the figure
that matters.

## Machine

| | |
| --- | --- |
| CPU | ${machine.cpu} × ${machine.cores} |
| Node.js | ${machine.node} |
| PostgreSQL | ${machine.postgres} (local, 127.0.0.1) |

## Method

Hearth runs as in production (\`NODE_ENV=production\`, PostgreSQL, pool of 10) in its own process; the baselines
run in a second process (plain Fastify + pg, same pool size). The load generator (autocannon: 20 connections,
5 s per run) runs in the harness process on the same machine. After one uncounted warm-up run of each arm, the
subject and its baselines run alternately for ${machine.rounds} rounds; each figure is the median of those runs.

## Results

| scenario | baseline | subject | baseline | ratio | goal | met |
| --- | --- | ---: | ---: | ---: | ---: | --- |
${rows.join('\n')}

### Latency (medians of the runs, ms; pgbench reports its average as p50)

| arm | p50 | p99 |
| --- | ---: | ---: |
${latencies.join('\n')}

${importScale ? importSection(importScale) : ''}${expiryScale ? expirySection(expiryScale) : ''}## Notes

${results.map((r) => `- **${r.scenario.name}**: ${r.scenario.notes}`).join('\n')}
`;
  fs.mkdirSync(new URL('.', `file://${file}`).pathname, { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

function importSection(r: ImportScaleResult): string {
  return `## Member import at scale

A generated CSV of ${r.rows.toLocaleString('en')} members (${r.badRows.toLocaleString('en')} bad rows, 1 %) uploaded to the
running server (PostgreSQL) and imported by the job in batches of 1,000; the server's RSS is sampled from /proc
every 0.5 s. Then the same file is imported again.

| rows | time | rows/s | created | reported bad | server RSS before | peak server RSS | rerun: created | rerun time |
| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
| ${r.rows} | ${r.seconds.toFixed(0)} s | ${r.rowsPerSecond.toFixed(0)} | ${r.created} | ${r.failed} | ${r.rssBeforeMb.toFixed(0)} MB | **${r.peakRssMb.toFixed(0)} MB** (goal < 300 MB) | **${r.rerunCreated}** | ${r.rerunSeconds.toFixed(0)} s |

`;
}

function expirySection(r: ExpiryScaleResult): string {
  const ratio = r.expirySeconds / r.baselineSeconds;
  const share = r.ingestBeside / r.ingestAlone;
  return `## Points expiry at scale

${r.lots.toLocaleString('en')} due lots of ${r.members.toLocaleString('en')} members written straight into the ledger tables, and the
same rows copied into a twin table. Baseline: one plain \`UPDATE … SET remaining = 0\` of the twin. Subject: the
expiry job's function, chunks of 1,000 members, each one transaction that locks those accounts, zeroes their lots and
writes one expire transaction per member with its postings, lot trail and events. Order ingest (8 connections) runs
beside both arms in 5 s windows (median), compared with its rate just before. One run (the data takes minutes to
make).

| lots | plain UPDATE | expiry | ratio | goal | ingest alone | ingest beside expiry | share | goal |
| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
| ${r.lots} | ${r.baselineSeconds.toFixed(1)} s | ${r.expirySeconds.toFixed(1)} s | **${ratio.toFixed(2)}** | ≤ 1.5 ${ratio <= 1.5 ? '(met)' : '(**not met**)'} | ${r.ingestAlone.toFixed(0)}/s | ${r.ingestBeside.toFixed(0)}/s | **${(share * 100).toFixed(0)} %** | ≥ 70 % ${share >= 0.7 ? '(met)' : '(**not met**)'} |

`;
}

export function goalMet(b: { goal?: number; atMost?: boolean; ratio: number }): boolean {
  if (b.goal === undefined) return true;
  return b.atMost ? b.ratio <= b.goal : b.ratio >= b.goal;
}
