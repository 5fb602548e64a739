// What the browser tests share: a free port, Debian's Chromium with the flags CI allows, waiting for the server,
// and the operator API as a POS would call it.
import net from 'node:net';
import { chromium } from 'playwright-core';

export function freePort() {
  return new Promise((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** Debian's Chromium, never a downloaded one. */
export function launchChromium() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}

/** Waits until the spawned server answers `url`; a server that exits first fails at once. */
export async function waitForReady(server, url, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error('the server exited before it was ready');
    if (await fetch(url).then((r) => r.ok, () => false)) return;
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`the server was not ready within ${timeoutMs / 1000} s`);
}

/** The operator's API with an API key: `(method, url, body) → JSON`, throwing with the answer on anything but 2xx. */
export function operatorApi(base, apiKey) {
  return async (method, url, body) => {
    const response = await fetch(`${base}/api/v1${url}`, { method, headers: { authorization: `Bearer ${apiKey}`, ...(body && { 'content-type': 'application/json' }) }, body: body && JSON.stringify(body) });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${url}: ${response.status} ${text}`);
    return text ? JSON.parse(text) : null;
  };
}
