// Builds the operator console and the member center with Vite. `--if-stale` skips an app whose build is
// newer than all of its sources, so `npm start` and `npm install` stay quick when nothing changed.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ifStale = process.argv.includes('--if-stale');
const apps = ['apps/admin', 'apps/member'];
const sharedSources = [path.join(root, 'packages/contracts/src')];

function newestMtime(target) {
  if (!fs.existsSync(target)) return 0;
  const stat = fs.statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of fs.readdirSync(target)) newest = Math.max(newest, newestMtime(path.join(target, entry)));
  return newest;
}

function isStale(appDir) {
  const built = path.join(appDir, 'dist/index.html');
  if (!fs.existsSync(built)) return true;
  const sources = ['src', 'index.html', 'vite.config.ts', 'package.json'].map((p) => path.join(appDir, p)).concat(sharedSources);
  return Math.max(...sources.map(newestMtime)) > fs.statSync(built).mtimeMs;
}

const vite = path.join(root, 'node_modules/vite/bin/vite.js');
if (!fs.existsSync(vite)) {
  // During a partial install (e.g. `npm ci --omit=dev` of another tool) there is nothing to build with.
  console.log('build-web: vite is not installed; skipping the web build');
  process.exit(0);
}

for (const app of apps) {
  const appDir = path.join(root, app);
  if (ifStale && !isStale(appDir)) {
    console.log(`build-web: ${app} is up to date`);
    continue;
  }
  console.log(`build-web: building ${app} …`);
  const result = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], { cwd: appDir, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`build-web: building ${app} failed`);
    process.exit(result.status ?? 1);
  }
  if (app === 'apps/member') {
    // The card page's first-load JavaScript, as docs/benchmarks.md reports it (budget: 200 KB gzip).
    spawnSync(process.execPath, [path.join(root, 'scripts/member-bundle-size.mjs')], { stdio: 'inherit' });
  }
}
