// Shared set-up for the end-to-end tests: Debian's Chromium with the unpacked
// extension, a local server for the fixture pages, and a collector that fails the
// test on any console.error or uncaught error in pages, the popup or the service worker.
//
// The tests load dist/chrome-e2e, which is dist/chrome plus host access to
// http://127.0.0.1/* only: Playwright cannot click the toolbar or a native menu, so
// no user gesture grants activeTab. Everything else is the shipped build.

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer } from '../../scripts/serve.mjs';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const fixtures = join(root, 'tests/e2e/fixtures');
export const EXTENSION_DIR = join(root, 'dist/chrome-e2e');
export const WWW_DIR = join(root, 'dist/www');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

// Hermetic by default: no host but the local servers resolves, so lookups the tests do
// not route (tests/e2e/lookups.test.mjs routes its own) fail fast instead of reaching out.
const OFFLINE = '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1';

const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** Record every console.error and uncaught error of the context's pages in `problems`. */
function watchPages(context, problems) {
  const watchConsole = (where) => (message) => {
    // The fixture server has no favicon; the browser's request for it is not ours.
    if (message.location()?.url?.endsWith('/favicon.ico')) return;
    // A lookup answered 404/429 or not at all: Chromium logs the network outcome of
    // fetch() as an error; the driver handles it (the lookups tests check how).
    if (/^Failed to load resource/.test(message.text()) && message.location()?.url?.startsWith('https://')) return;
    if (message.type() === 'error') problems.push(`${where}: console.error: ${message.text()}`);
  };
  const watchPage = (page) => {
    page.on('console', watchConsole(`page ${page.url()}`));
    page.on('pageerror', (error) => problems.push(`page ${page.url()}: ${error.message}`));
  };
  context.pages().forEach(watchPage);
  context.on('page', watchPage);
  return watchConsole;
}

function assertClean(problems) {
  assert.deepEqual(problems, [], 'no console.error or uncaught error anywhere');
}

export async function launch({ extension = EXTENSION_DIR, args = [] } = {}) {
  assert.ok(existsSync(join(extension, 'manifest.json')), `${extension} is missing: run "make build" first`);
  const profile = mkdtempSync(join(tmpdir(), 'sendertrace-e2e-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [`--disable-extensions-except=${extension}`, `--load-extension=${extension}`, ...CHROMIUM_ARGS,
      ...(args.some((a) => a.startsWith('--host-resolver-rules=')) ? [] : [OFFLINE]), ...args],
  });
  const problems = [];
  const watchConsole = watchPages(context, problems);

  const worker = context.serviceWorkers()[0] ?? await context.waitForEvent('serviceworker');
  worker.on('console', watchConsole('service worker'));
  // Uncaught errors in the worker are not console messages: turn them into one.
  await worker.evaluate(() => {
    self.addEventListener('error', (event) => console.error(`uncaught: ${event.message}`));
    self.addEventListener('unhandledrejection', (event) => console.error(`unhandled rejection: ${event.reason}`));
  });
  const extensionId = new URL(worker.url()).host;
  const server = await startServer(fixtures);
  const extensionUrl = (path) => `chrome-extension://${extensionId}/${path}`;
  /** The tab id of the tab showing `url`. */
  const tabId = (url) => worker.evaluate(async (wanted) => {
    const tabs = await chrome.tabs.query({});
    return tabs.find((tab) => tab.url === wanted)?.id ?? null;
  }, url);

  return {
    context,
    worker,
    extensionId,
    server,
    problems,
    extensionUrl,
    tabId,
    /**
     * The toolbar path: open `url` in a tab, then the popup for that tab
     * (popup.html?tab=ID stands in for the toolbar click), and wait for a result.
     */
    async traceInPopup(url) {
      const page = await context.newPage();
      await page.goto(url);
      const id = await tabId(page.url());
      assert.equal(typeof id, 'number', 'the page\'s tab is visible to the extension');
      const popup = await context.newPage();
      await popup.goto(extensionUrl(`popup/popup.html?tab=${id}`));
      await popup.locator('[data-testid=origin-ip], [data-testid=error], [data-testid=page-status]').first().waitFor();
      return { page, popup };
    },
    assertClean: () => assertClean(problems),
    async close() {
      await context.close();
      await server.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Standalone pages (www/) need no extension: a plain browser and a server for dist/www. */
export async function launchWww({ args = [] } = {}) {
  assert.ok(existsSync(join(WWW_DIR, 'index.html')), `${WWW_DIR} is missing: run "make build" first`);
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_ARGS,
    ...(args.some((a) => a.startsWith('--host-resolver-rules=')) ? [] : [OFFLINE]), ...args] });
  const context = await browser.newContext();
  const problems = [];
  watchPages(context, problems);
  const server = await startServer(WWW_DIR);
  return {
    context,
    server,
    problems,
    assertClean: () => assertClean(problems),
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

export const ORIGIN_IP = '203.0.113.45';
export const HOP_COUNT = 3;
