// `npm run import:members -- <file.csv> [--url http://localhost:3000] [--key hk_…]`
// Uploads a member CSV to a running Hearth (UTF-8 or GBK) and follows the import with a progress bar.
// It goes through the API rather than the database, so it works while the server runs, on either database.
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import type { MemberImport } from '../packages/contracts/src/members.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { url: { type: 'string', default: 'http://localhost:3000' }, key: { type: 'string', default: process.env.HEARTH_API_KEY } },
});
const file = positionals[0];
if (!file || !values.key) {
  console.error('usage: npm run import:members -- <file.csv> --key <API key> [--url http://localhost:3000]\n(the key may also come from HEARTH_API_KEY)');
  process.exit(2);
}
const auth = { authorization: `Bearer ${values.key}` };
const response = await fetch(`${values.url}/api/v1/members/import?file_name=${encodeURIComponent(path.basename(file))}`, {
  method: 'POST',
  headers: { ...auth, 'content-type': 'text/csv', 'content-length': String(fs.statSync(file).size) },
  body: Readable.toWeb(fs.createReadStream(file)) as ReadableStream,
  duplex: 'half',
} as RequestInit);
if (response.status !== 202) {
  console.error(`Upload refused (${response.status}): ${await response.text()}`);
  process.exit(1);
}
const { id } = (await response.json()) as { id: string };

for (;;) {
  const state = (await (await fetch(`${values.url}/api/v1/members/imports/${id}`, { headers: auth })).json()) as MemberImport;
  const done = Math.max(0, state.processed_rows - 1);
  const share = state.total_rows ? Math.min(1, done / state.total_rows) : 0;
  const bar = '█'.repeat(Math.round(share * 30)).padEnd(30, '░');
  process.stderr.write(`\r${bar} ${(share * 100).toFixed(0).padStart(3)}%  ${done}/${state.total_rows ?? '?'} rows  +${state.created} ~${state.updated} ✗${state.failed}   `);
  if (state.status === 'succeeded' || state.status === 'failed') {
    process.stderr.write('\n');
    console.log(`Import ${state.status}: ${state.created} created, ${state.updated} updated, ${state.unchanged} unchanged, ${state.failed} rows rejected.`);
    if (state.failed > 0) console.log(`Rejected rows: ${values.url}/api/v1/members/imports/${id}/errors.csv`);
    process.exit(state.status === 'succeeded' ? 0 : 1);
  }
  await new Promise((resolve) => setTimeout(resolve, 500));
}
