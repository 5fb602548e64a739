import fs from 'node:fs';
import path from 'node:path';
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

/** A measurement at scale (import, expiry, evaluations), reported as its own section. */
export interface ReportSection {
  /** Stable key: a later run replaces the section with the same id. */
  id: string;
  markdown: string;
}

interface StoredScenario {
  name: string;
  unit: string;
  subjectLabel: string;
  notes: string;
  measuredOn: string;
  rounds: number;
  subject: Measurement;
  baselines: ScenarioResult['baselines'];
}

interface Store {
  machine: Machine;
  scenarios: StoredScenario[];
  sections: { id: string; measuredOn: string; markdown: string }[];
}

/**
 * Records this run's figures in docs/benchmarks.json — replacing those of the scenarios and sections it
 * measured, keeping the others — and writes docs/benchmarks.md from all of them. So a run of one scenario
 * (BENCH_ONLY) or of one scale measurement updates its own rows, and each row says when it was measured.
 */
export function writeReport(file: string, results: ScenarioResult[], machine: Machine, sections: ReportSection[]): string {
  const storeFile = file.replace(/\.md$/, '.json');
  const today = new Date().toISOString().slice(0, 10);
  const store: Store = fs.existsSync(storeFile) ? JSON.parse(fs.readFileSync(storeFile, 'utf8')) : { machine, scenarios: [], sections: [] };
  store.machine = machine;
  for (const r of results) {
    const stored: StoredScenario = { name: r.scenario.name, unit: r.scenario.unit, subjectLabel: r.scenario.subject.label, notes: r.scenario.notes, measuredOn: today, rounds: machine.rounds, subject: r.subject, baselines: r.baselines };
    const at = store.scenarios.findIndex((s) => s.name === stored.name);
    if (at >= 0) store.scenarios[at] = stored;
    else store.scenarios.push(stored);
  }
  for (const section of sections) {
    const stored = { ...section, measuredOn: today };
    const at = store.sections.findIndex((s) => s.id === section.id);
    if (at >= 0) store.sections[at] = stored;
    else store.sections.push(stored);
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(storeFile, `${JSON.stringify(store, null, 2)}\n`);
  fs.writeFileSync(file, render(store));
  return file;
}

function render(store: Store): string {
  const rate = (m: Measurement, unit: string) => `${m.requestsPerSecond.toFixed(0)} ${unit}`;
  const ms = (value: number | null) => (value !== null && Number.isFinite(value) ? String(value) : '—');
  const rows = store.scenarios.flatMap((s) =>
    s.baselines.map((b) => {
      const met = b.goal === undefined ? '—' : goalMet(b) ? 'yes' : '**no**';
      return `| ${s.name} | ${b.label} | ${rate(s.subject, s.unit)} | ${rate(b.measured, s.unit)} | **${b.ratio.toFixed(2)}** | ${b.goal === undefined ? '—' : `${b.atMost ? '≤' : '≥'} ${b.goal}`} | ${met} | ${s.measuredOn} |`;
    }),
  );
  const latencies = store.scenarios.flatMap((s) => [
    `| ${s.subjectLabel} | ${ms(s.subject.latencyP50Ms)} | ${ms(s.subject.latencyP99Ms)} |`,
    ...s.baselines.map((b) => `| ${b.label} | ${ms(b.measured.latencyP50Ms)} | ${ms(b.measured.latencyP99Ms)} |`),
  ]);
  const { machine } = store;
  return `# Benchmarks

Written by \`npm run bench\` (figures kept in docs/benchmarks.json; a run replaces only what it measured, and each
row says when it was measured). Absolute numbers depend on the machine and its neighbours; the **ratio** of each
subject to its baseline, measured side by side in the same run, is the figure that matters.

## Machine

| | |
| --- | --- |
| CPU | ${machine.cpu} × ${machine.cores} |
| Node.js | ${machine.node} |
| PostgreSQL | ${machine.postgres} (local, 127.0.0.1) |

## Method

Hearth runs as in production (\`NODE_ENV=production\`, PostgreSQL, pool of 10) in its own process; the baselines
run in a second process (plain Fastify + pg, same pool size). The load generator (autocannon, 5 s per run) runs in
the harness process on the same machine. After one uncounted warm-up run of each arm, the subject and its
baselines run alternately for ${machine.rounds} rounds (\`BENCH_ROUNDS\`); each figure is the median of those runs.

## Results

| scenario | baseline | subject | baseline | ratio | goal | met | measured |
| --- | --- | ---: | ---: | ---: | ---: | --- | --- |
${rows.join('\n')}

### Latency (medians of the runs, ms; pgbench reports its average as p50)

| arm | p50 | p99 |
| --- | ---: | ---: |
${latencies.join('\n')}

${store.sections.map((s) => `${s.markdown.replace(/^(## .*)$/m, `$1 (measured ${s.measuredOn})`)}\n`).join('')}## Notes

${store.scenarios.map((s) => `- **${s.name}**: ${s.notes}`).join('\n')}
`;
}

export function importSection(r: ImportScaleResult): ReportSection {
  return { id: 'member-import', markdown: `## Member import at scale

A generated CSV of ${r.rows.toLocaleString('en')} members (${r.badRows.toLocaleString('en')} bad rows, 1 %) uploaded to the
running server (PostgreSQL) and imported by the job in batches of 1,000; the server's RSS is sampled from /proc
every 0.5 s. Then the same file is imported again.

| rows | time | rows/s | created | reported bad | server RSS before | peak server RSS | rerun: created | rerun time |
| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
| ${r.rows} | ${r.seconds.toFixed(0)} s | ${r.rowsPerSecond.toFixed(0)} | ${r.created} | ${r.failed} | ${r.rssBeforeMb.toFixed(0)} MB | **${r.peakRssMb.toFixed(0)} MB** (goal < 300 MB) | **${r.rerunCreated}** | ${r.rerunSeconds.toFixed(0)} s |
` };
}

export function expirySection(r: ExpiryScaleResult): ReportSection {
  const ratio = r.expirySeconds / r.baselineSeconds;
  const share = r.ingestBeside / r.ingestAlone;
  return { id: 'points-expiry', markdown: `## Points expiry at scale

${r.lots.toLocaleString('en')} due lots of ${r.members.toLocaleString('en')} members written straight into the ledger tables, and the
same rows copied into a twin table. Baseline: one plain \`UPDATE … SET remaining = 0\` of the twin. Subject: the
expiry job's function, chunks of 1,000 members, each one transaction that locks those accounts, zeroes their lots and
writes one expire transaction per member with its postings, lot trail and events. Order ingest (8 connections) runs
beside both arms in 5 s windows (median), compared with its rate just before. One run (the data takes minutes to
make).

| lots | plain UPDATE | expiry | ratio | goal | ingest alone | ingest beside expiry | share | goal |
| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
| ${r.lots} | ${r.baselineSeconds.toFixed(1)} s | ${r.expirySeconds.toFixed(1)} s | **${ratio.toFixed(2)}** | ≤ 1.5 ${ratio <= 1.5 ? '(met)' : '(**not met**)'} | ${r.ingestAlone.toFixed(0)}/s | ${r.ingestBeside.toFixed(0)}/s | **${(share * 100).toFixed(0)} %** | ≥ 70 % ${share >= 0.7 ? '(met)' : '(**not met**)'} |
` };
}

export function goalMet(b: { goal?: number; atMost?: boolean; ratio: number }): boolean {
  if (b.goal === undefined) return true;
  return b.atMost ? b.ratio <= b.goal : b.ratio >= b.goal;
}

export function memberBundleSection(size: { initial_js_gzip: number; files: { file: string; gzip: number }[]; lazy: { file: string; gzip: number }[] }): ReportSection {
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
  const largestLazy = Math.max(0, ...size.lazy.map((l) => l.gzip));
  return {
    id: 'member-bundle',
    markdown: `## Member center card page

The JavaScript a phone downloads before the member card shows (the entry chunk and its static imports, from
Vite's manifest, gzip level 9); every other page loads on demand.

| initial JS (gzip) | files | goal | met | lazy pages | largest lazy page |
| ---: | ---: | ---: | --- | ---: | ---: |
| **${kb(size.initial_js_gzip)}** | ${size.files.length} | < 200 KB | ${size.initial_js_gzip < 200 * 1024 ? 'yes' : '**no**'} | ${size.lazy.length} | ${kb(largestLazy)} |
`,
  };
}
