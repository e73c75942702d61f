#!/usr/bin/env node
// The shipped wasm (build/pkg) in Debian's Chromium: www/bench.html runs
// bench/measure.mjs over the shared dev corpus, which this script serves in place
// from ../shared (never copied). Cross-origin isolated (COOP/COEP), so the page's
// clock ticks in 5 µs steps rather than 100 µs.
// usage: [BENCH_PKG=dir] node bench/wasm-chromium.mjs [CORPUS_DIR] [SECONDS]   → one line of JSON
import { createServer } from 'node:http';
import { readFile, readdir } from 'node:fs/promises';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { MIME_TYPES } from '../scripts/serve.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const corpus = resolve(process.argv[2] ?? join(root, '..', 'shared', 'corpus', 'dev'));
const seconds = Number(process.argv[3] ?? 4);
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// As tests/e2e/harness.mjs: no network but the local server.
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'];

const MOUNTS = [
  ['/pkg/', resolve(process.env.BENCH_PKG ?? join(root, 'build', 'pkg'))],
  ['/bench/', join(root, 'bench')],
  ['/corpus/', corpus],
];

async function serve(req, res) {
  const path = decodeURIComponent(new URL(req.url, 'http://localhost').pathname);
  const headers = {
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Embedder-Policy': 'require-corp',
    'Cache-Control': 'no-cache',
  };
  try {
    let file = null;
    if (path === '/' || path === '/bench.html') file = join(root, 'www', 'bench.html');
    else if (path === '/corpus/index.json') {
      const names = (await readdir(corpus)).filter((n) => n.endsWith('.eml')).sort();
      res.writeHead(200, { ...headers, 'Content-Type': MIME_TYPES['.json'] }).end(JSON.stringify(names));
      return;
    } else {
      for (const [prefix, dir] of MOUNTS) {
        if (!path.startsWith(prefix)) continue;
        const candidate = resolve(dir, `.${path.slice(prefix.length - 1)}`);
        if (candidate.startsWith(dir + sep)) file = candidate;
      }
    }
    if (!file) throw new Error('not found');
    const body = await readFile(file);
    res.writeHead(200, { ...headers, 'Content-Type': MIME_TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
  } catch {
    res.writeHead(404, headers).end('not found');
  }
}

const server = createServer((req, res) => { serve(req, res); });
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
try {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`http://127.0.0.1:${server.address().port}/bench.html?seconds=${seconds}`);
  await page.waitForFunction(() => ['done', 'failed'].includes(document.querySelector('[data-testid=bench-status]')?.textContent), null, { timeout: 180_000 });
  const result = JSON.parse(await page.locator('[data-testid=bench-result]').textContent());
  if (result.error || errors.length) {
    console.error(`the benchmark page failed: ${result.error ?? errors.join('; ')}`);
    process.exitCode = 1;
  }
  result.browser = `Chromium ${browser.version()}`;
  console.log(JSON.stringify(result));
} finally {
  await browser.close();
  server.close();
}
