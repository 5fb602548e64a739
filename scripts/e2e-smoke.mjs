// Console smoke test (CI): starts the real server on a fresh embedded database, signs in through the
// console in Debian's Chromium, creates a store and finds it in the list. Screenshots go to artifacts/.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const artifacts = path.join(root, 'artifacts');
const password = 'smoke-pass-123';
const storeCode = `SMOKE-${Date.now().toString(36).toUpperCase()}`;

const port = await new Promise((resolve) => {
  const server = net.createServer().listen(0, '127.0.0.1', () => {
    const { port } = server.address();
    server.close(() => resolve(port));
  });
});
// Test what the sources say, as `npm start` would serve it.
if (spawnSync(process.execPath, [path.join(root, 'scripts/build-web.mjs'), '--if-stale'], { stdio: 'inherit' }).status !== 0) process.exit(1);
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-e2e-'));
fs.mkdirSync(artifacts, { recursive: true });

let serverOutput = '';
const server = spawn(process.execPath, ['--import', 'tsx', 'apps/server/src/main.ts'], {
  cwd: root,
  env: { PATH: process.env.PATH, NODE_ENV: 'production', PORT: String(port), HOST: '127.0.0.1', HEARTH_DATA_DIR: dataDir, HEARTH_DEMO_PASSWORD: password, LOG_LEVEL: 'warn' },
});
server.stdout.on('data', (chunk) => (serverOutput += chunk));
server.stderr.on('data', (chunk) => (serverOutput += chunk));

let browser;
let failure;
try {
  await waitForReady(`http://127.0.0.1:${port}/readyz`, 90_000);
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  const page = await browser.newPage({ viewport: { width: 1366, height: 860 }, locale: 'zh-CN' });
  await page.goto(`http://127.0.0.1:${port}/admin/`);
  await page.getByTestId('login-submit').waitFor();
  await page.getByTestId('login-email').fill('owner@hearth.demo');
  await page.getByTestId('login-password').fill(password);
  await page.screenshot({ path: path.join(artifacts, 'console-login.png') });
  await page.getByTestId('login-submit').click();

  await page.getByTestId('nav-stores').click();
  await page.getByText('上海静安寺店').waitFor();
  await page.getByTestId('stores-create').click();
  await page.getByTestId('store-code').fill(storeCode);
  await page.getByTestId('store-name').fill('烟测门店');
  await page.getByTestId('store-province').fill('上海市');
  await page.getByTestId('store-city').fill('上海市');
  await page.getByTestId('store-save').click();

  const row = page.getByTestId('stores-table').locator('tr', { hasText: storeCode });
  await row.waitFor({ timeout: 15_000 });
  if (!(await row.textContent()).includes('烟测门店')) throw new Error('the new store row lacks its name');
  await page.screenshot({ path: path.join(artifacts, 'console-smoke.png'), fullPage: true });

  // Members: the list shows masked phones; the 360 view reveals the number on request (audited).
  await page.getByTestId('nav-members').click();
  // Phones in the list are masked (138****1234); waiting for one also waits for the data to arrive.
  await page.getByTestId('members-table').getByText(/^\d{3}\*{4}\d{4}$/).first().waitFor();
  await page.screenshot({ path: path.join(artifacts, 'console-members.png'), fullPage: true });
  await page.getByTestId('members-table').locator('tbody tr', { hasText: '****' }).first().click();
  await page.getByTestId('member-reveal').click();
  await page.getByText(/^\+86139\d{8}$/).first().waitFor();
  await page.screenshot({ path: path.join(artifacts, 'console-member-360.png'), fullPage: true });

  // Orders: amounts in ¥ with two decimals; a click opens the order with its lines.
  await page.getByTestId('nav-orders').click();
  await page.getByText('DEMO-1039').click();
  await page.getByText('BAK-CROISSANT').first().waitFor();
  await page.waitForTimeout(500); // let the drawer finish sliding in
  await page.screenshot({ path: path.join(artifacts, 'console-order.png') });
  await page.keyboard.press('Escape');

  // The English switch relabels the console without a reload and is remembered.
  await page.getByTestId('nav-stores').click();
  await page.getByTestId('language-switch').click();
  await page.getByRole('button', { name: 'New store' }).waitFor();
  await page.reload();
  await page.getByRole('button', { name: 'New store' }).waitFor();
  await page.screenshot({ path: path.join(artifacts, 'console-stores-en.png'), fullPage: true });
} catch (error) {
  failure = error;
} finally {
  await browser?.close();
  server.kill('SIGINT');
  await new Promise((resolve) => {
    const timer = setTimeout(() => {
      server.kill('SIGKILL');
      resolve();
    }, 15_000);
    server.on('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  fs.rmSync(dataDir, { recursive: true, force: true });
}

if (failure) {
  console.error(`console smoke test failed: ${failure.stack ?? failure}\n--- server output ---\n${serverOutput}`);
  console.log('e2e: 0 passed, 1 failed');
  process.exit(1);
}
console.log(`console smoke test: signed in, created ${storeCode} and saw it listed, opened a member and revealed the phone; screenshots in artifacts/`);
console.log('e2e: 1 passed, 0 failed');

async function waitForReady(url, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error('the server exited before it was ready');
    const ok = await fetch(url).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`the server was not ready within ${timeoutMs / 1000} s`);
}
