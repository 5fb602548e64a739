// The member center's card page (the entry: the page members open at the counter) and the JavaScript a
// phone downloads before it can show it: the entry chunk and its static imports, read from Vite's manifest,
// gzipped as a server would send them. Lazy pages are listed apart. Prints one line, or JSON with --json.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

export const CARD_PAGE_BUDGET_BYTES = 200 * 1024;

export function cardPageSize(dist) {
  const manifest = JSON.parse(fs.readFileSync(path.join(dist, '.vite/manifest.json'), 'utf8'));
  const entry = Object.keys(manifest).find((key) => manifest[key].isEntry);
  const initial = new Set();
  const visit = (key) => {
    const chunk = manifest[key];
    if (!chunk || initial.has(chunk.file)) return;
    initial.add(chunk.file);
    for (const next of chunk.imports ?? []) visit(next);
  };
  visit(entry);
  const gzip = (file) => zlib.gzipSync(fs.readFileSync(path.join(dist, file)), { level: 9 }).length;
  const files = [...initial].filter((f) => f.endsWith('.js')).map((file) => ({ file, gzip: gzip(file) }));
  const lazy = Object.values(manifest).filter((c) => c.isDynamicEntry).map((c) => ({ file: c.file, gzip: gzip(c.file) }));
  return { initial_js_gzip: files.reduce((sum, f) => sum + f.gzip, 0), files, lazy };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../apps/member/dist');
  const size = cardPageSize(dist);
  if (process.argv.includes('--json')) console.log(JSON.stringify(size, null, 2));
  else {
    const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
    const verdict = size.initial_js_gzip <= CARD_PAGE_BUDGET_BYTES ? 'within' : 'OVER';
    console.log(`member center: card page initial JS ${kb(size.initial_js_gzip)} gzip in ${size.files.length} files (${verdict} the ${kb(CARD_PAGE_BUDGET_BYTES)} budget); ${size.lazy.length} lazy pages, largest ${kb(Math.max(0, ...size.lazy.map((l) => l.gzip)))}`);
  }
  if (size.initial_js_gzip > CARD_PAGE_BUDGET_BYTES) process.exitCode = 1;
}
