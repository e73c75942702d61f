// The popup experience of issue #5: the origin first, parties as lookups finish, a
// "checking…" line per pending lookup and no layout jump when the answer arrives; a
// message and a Retry button per failed lookup (rate limited, timed out, offline) that
// re-runs it; copy buttons (an address, the whole result) checked on the clipboard;
// keyboard operation with a visible focus; 200% zoom without sideways scrolling; dark
// mode with readable contrast. A local replay server plays the registries; routes are
// switched while a test runs (a 429 that later answers, a hang that later answers).

import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { launch, root } from './harness.mjs';
import { startReplayServer, hostResolverRules } from '../support/replay-server.mjs';

const sample = join(root, '..', 'shared', 'data', 'rdap-samples', 'ip-arin-13.64.0.0.json');
const ianaDir = join(root, '..', 'shared', 'data', 'iana-bootstrap');
const HOSTS = ['rdap.arin.net', 'dns.google', 'whois.nic.ad.jp', 'data.iana.org'];
const screenshots = join(root, 'docs/screenshots');

/** A hand-written message whose origin is `ip` (no authenticated domain: only the IP is looked up). */
const message = (ip) => [
  `Received: from mx.example.jp (mx.example.jp [10.20.0.5]) by mbox3.example.jp (Postfix) with LMTP id 7F2A41C0031; Tue, 3 Nov 2026 10:15:34 +0900`,
  'Authentication-Results: mx.example.jp; spf=none smtp.mailfrom=example.net; dkim=none; dmarc=none header.from=example.net',
  `Received: from relay.example.net (relay.example.net [${ip}]) by mx.example.jp (Postfix) with ESMTPS id 4A1B2C; Tue, 3 Nov 2026 10:15:30 +0900`,
  'From: Watch Shop <promo@example.net>',
  'To: hanako@example.jp',
  'Subject: Cheap watches',
  'Date: Tue, 3 Nov 2026 10:15:20 +0900',
  '',
  'body',
].join('\r\n');

// Routes by IP, each its own (the cache would answer a repeated IP without a request).
const routes = {
  slow: { host: 'rdap.arin.net', path: '/registry/ip/13.64.20.31', file: sample, delayMs: 2500 },
  plain: { host: 'rdap.arin.net', path: '/registry/ip/13.64.20.30', file: sample },
  limited: { host: 'rdap.arin.net', path: '/registry/ip/13.64.77.77', status: 429, headers: { 'retry-after': '1', 'access-control-expose-headers': 'retry-after' }, body: '{"errorCode":429,"title":"Too Many Requests"}' },
  hanging: { host: 'rdap.arin.net', path: '/registry/ip/13.64.88.88', hang: true },
  offline: { host: 'rdap.arin.net', path: '/registry/ip/13.64.99.99', file: sample },
};

let browser;
let replay;
before(async () => {
  assert.ok(existsSync(sample), `${sample} is missing: recorded answers are read in place from ../shared`);
  replay = await startReplayServer({
    routes: [
      ...['dns', 'ipv4', 'ipv6', 'asn'].map((name) => ({ host: 'data.iana.org', path: `/rdap/${name}.json`, file: join(ianaDir, `${name}.json`), headers: { 'content-type': 'application/json' } })),
      ...Object.values(routes),
    ],
  });
  const args = [`${hostResolverRules(HOSTS, replay.port)}, MAP * ~NOTFOUND, EXCLUDE 127.0.0.1`, '--ignore-certificate-errors'];
  browser = await launch({ args });
  await browser.worker.evaluate(() => chrome.storage.sync.set({ settings: { lang: 'en' } }));
  // chrome-extension:// is an opaque origin to the permission API: grant for every origin.
  await browser.context.grantPermissions(['clipboard-read', 'clipboard-write']);
});
after(async () => {
  await browser?.close();
  await replay?.close();
});

async function openPopup({ width = 560, height = 600, options } = {}) {
  await browser.worker.evaluate((value) => (value ? chrome.storage.local.set({ traceOptions: value }) : chrome.storage.local.remove('traceOptions')), options ?? null);
  const popup = await browser.context.newPage();
  await popup.setViewportSize({ width, height });
  await popup.goto(browser.extensionUrl('popup/popup.html'));
  await popup.locator('[data-testid=page-status]').waitFor();
  return popup;
}

async function trace(popup, ip, { wait = true } = {}) {
  await popup.locator('[data-testid=paste-input]').fill(message(ip));
  await popup.locator('[data-testid=trace-button]').click();
  await popup.locator('[data-testid=origin-ip]').waitFor();
  if (wait) await popup.locator('[data-testid=lookup-done]').waitFor({ timeout: 20000 });
}

const box = (locator) => locator.evaluate((node) => { const r = node.getBoundingClientRect(); return { x: r.x, y: r.y, width: r.width, height: r.height }; });

test('streaming: the origin first, "checking" per pending lookup, then the party, and nothing jumps', async () => {
  const popup = await openPopup();
  await trace(popup, '13.64.20.31', { wait: false });
  // The registry answers after 2.5 s: meanwhile the origin is on screen and the lookup is pending.
  const pending = popup.locator('[data-testid=lookup-pending]');
  await pending.first().waitFor();
  assert.match(await pending.first().textContent(), /Checking 13\.64\.20\.31/);
  assert.equal(await popup.locator('[data-testid=party]').count(), 0, 'no party before the answer');
  const region = popup.locator('[data-testid=lookups]');
  assert.equal(await region.getAttribute('aria-live'), 'polite');
  // Screen readers hear the key fact, not the whole result read out.
  await popup.locator('[data-testid=announce]', { hasText: 'Sending server found: 13.64.20.31' }).waitFor({ state: 'attached' });
  assert.equal(await popup.locator('#result').getAttribute('aria-live'), null);
  assert.equal(await region.getAttribute('aria-busy'), 'true');
  const origin = popup.locator('.block-origin');
  const below = popup.locator('[data-testid=lookups] + section');
  const before = { origin: await box(origin), below: await box(below) };

  await popup.locator('[data-testid=party]').first().waitFor({ timeout: 10000 });
  await popup.locator('[data-testid=lookup-done]').waitFor();
  assert.equal(await pending.count(), 0, 'no "checking" line is left');
  assert.equal(await region.getAttribute('aria-busy'), 'false');
  const afterwards = { origin: await box(origin), below: await box(below) };
  assert.deepEqual(afterwards.origin, before.origin, 'the origin block did not move');
  assert.equal(afterwards.below.y, before.below.y, 'the block under the parties did not move: room was reserved');
  await popup.close();
  browser.assertClean();
});

test('rate limited: a message and a Retry button; Retry (Enter) re-runs only that lookup once the server answers', async () => {
  const popup = await openPopup();
  await trace(popup, '13.64.77.77');
  const failure = popup.locator('[data-testid=lookup-failure]');
  assert.match(await failure.first().textContent(), /rdap\.arin\.net is limiting our requests/);
  const retry = failure.first().locator('[data-testid=retry]');
  assert.equal(await retry.evaluate((b) => b.tagName), 'BUTTON');
  assert.equal(await retry.getAttribute('aria-label'), 'Retry the lookup at rdap.arin.net');

  delete routes.limited.status;
  routes.limited.body = undefined;
  routes.limited.file = sample;
  const since = replay.requests.length;
  await retry.focus();
  await popup.keyboard.press('Enter');
  await popup.locator('[data-testid=party]').first().waitFor({ timeout: 15000 });
  await popup.locator('[data-testid=lookup-done]').waitFor();
  assert.match(await popup.locator('[data-testid=party-name]').first().textContent(), /Microsoft/);
  assert.equal(await failure.count(), 0, 'the failure is gone');
  const again = replay.requests.slice(since).filter((r) => r.host === 'rdap.arin.net').map((r) => r.path);
  assert.ok(again.includes('/registry/ip/13.64.77.77'), JSON.stringify(again));
  // The keyboard focus stays in the parties region (the button it was on is gone).
  // The last answers re-render the region, so wait for focus to settle there (a
  // loaded machine failed an immediate check while the final render was pending).
  const settled = await popup
    .waitForFunction(() => document.activeElement?.closest('[data-testid=lookups]') != null, null, { timeout: 5000 })
    .then(() => true, () => false);
  assert.equal(settled, true, `focus is on ${await popup.evaluate(() => document.activeElement?.outerHTML.slice(0, 80))}`);
  await popup.close();
  browser.assertClean();
});

test('timed out: Retry (Space) succeeds once the server answers; answered lookups come from the cache', async () => {
  // 13.64.20.30 answered once: its answer is cached, so only the failed lookup goes out again.
  const warm = await openPopup();
  await trace(warm, '13.64.20.30');
  await warm.close();
  const popup = await openPopup({ options: { timeout_ms: 1200 } });
  await trace(popup, '13.64.88.88');
  const failure = popup.locator('[data-testid=lookup-failure]');
  assert.match(await failure.first().textContent(), /No answer from rdap\.arin\.net within 1200 ms/);
  routes.hanging.hang = false;
  routes.hanging.file = sample;
  const since = replay.requests.length;
  await failure.first().locator('[data-testid=retry]').focus();
  await popup.keyboard.press('Space');
  await popup.locator('[data-testid=party]').first().waitFor({ timeout: 15000 });
  const again = replay.requests.slice(since).filter((r) => r.host === 'rdap.arin.net').map((r) => r.path);
  assert.deepEqual(again.filter((p) => p.startsWith('/registry/ip/')), ['/registry/ip/13.64.88.88'], 'only the failed lookup was repeated');
  await popup.close();
  browser.assertClean();
});

test('offline: a clear message, and Retry works once back online', async () => {
  const popup = await openPopup();
  await browser.context.setOffline(true);
  try {
    await trace(popup, '13.64.99.99');
    const failure = popup.locator('[data-testid=lookup-failure]').first();
    assert.match(await failure.textContent(), /You seem to be offline: rdap\.arin\.net could not be reached/);
  } finally {
    await browser.context.setOffline(false);
  }
  await popup.locator('[data-testid=retry]').first().click();
  await popup.locator('[data-testid=party]').first().waitFor({ timeout: 15000 });
  assert.equal(await popup.locator('[data-testid=lookup-failure]').count(), 0);
  await popup.close();
  browser.assertClean();
});

test('copy buttons: the abuse address and the whole result land on the clipboard', async () => {
  const popup = await openPopup();
  await trace(popup, '13.64.20.30');
  const copy = popup.locator('[data-testid=contact]').first().locator('[data-testid=copy]');
  assert.equal(await copy.getAttribute('aria-label'), 'Copy abuse@microsoft.com');
  await copy.focus();
  await popup.keyboard.press('Space');
  await popup.locator('[data-testid=contact] [data-testid=copy]', { hasText: 'Copied' }).first().waitFor();
  assert.equal(await popup.evaluate(() => navigator.clipboard.readText()), 'abuse@microsoft.com');
  await popup.locator('[data-testid=announce]', { hasText: 'Copied to the clipboard.' }).waitFor({ state: 'attached' });

  await popup.locator('[data-testid=copy-ip]').click();
  await popup.locator('[data-testid=copy-ip]', { hasText: 'Copied' }).waitFor();
  assert.equal(await popup.evaluate(() => navigator.clipboard.readText()), '13.64.20.30');

  await popup.locator('[data-testid=copy-result]').click();
  await popup.locator('[data-testid=copy-result]', { hasText: 'Copied' }).waitFor();
  const text = await popup.evaluate(() => navigator.clipboard.readText());
  for (const part of ['Sending server: 13.64.20.30 (relay.example.net)', 'Network operator: Microsoft', 'abuse@microsoft.com',
    'Authentication:', 'SPF: none (not checked)', 'Route (Received lines, newest first):', 'mx.example.jp [10.20.0.5]',
    'https://rdap.arin.net/registry/ip/13.64.20.30']) {
    assert.ok(text.includes(part), `"${part}" in the copied result:\n${text}`);
  }
  await popup.close();

  // In Japanese the copied result is Japanese.
  await browser.worker.evaluate(() => chrome.storage.sync.set({ settings: { lang: 'ja' } }));
  try {
    const ja = await openPopup();
    await trace(ja, '13.64.20.30');
    await ja.locator('[data-testid=copy-result]').click();
    await ja.locator('[data-testid=copy-result]', { hasText: 'コピーしました' }).waitFor();
    const copied = await ja.evaluate(() => navigator.clipboard.readText());
    assert.match(copied, /送信元サーバー|送信サーバー/);
    assert.match(copied, /abuse@microsoft\.com/);
    await ja.close();
  } finally {
    await browser.worker.evaluate(() => chrome.storage.sync.set({ settings: { lang: 'en' } }));
  }
  browser.assertClean();
});

test('keyboard: every control is a real button or link, Tab reaches them in reading order, focus is visible', async () => {
  const popup = await openPopup();
  await trace(popup, '13.64.20.30');
  // Controls are native: <button type=button>, <a href>, <summary>, <textarea>.
  const fake = await popup.evaluate(() => [...document.querySelectorAll('[data-testid=copy], [data-testid=copy-ip], [data-testid=copy-result], [data-testid=retry], [data-testid=trace-button]')]
    .filter((node) => node.tagName !== 'BUTTON').map((node) => node.outerHTML));
  assert.deepEqual(fake, []);
  await popup.evaluate(() => document.activeElement?.blur());
  const seen = [];
  for (let i = 0; i < 40; i += 1) {
    await popup.keyboard.press('Tab');
    const step = await popup.evaluate(() => {
      const node = document.activeElement;
      const style = getComputedStyle(node);
      return { id: node.dataset.testid ?? node.closest('[data-testid]')?.dataset.testid ?? node.tagName.toLowerCase(), tag: node.tagName,
        outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2, top: node.getBoundingClientRect().top + scrollY };
    });
    // Past the last control focus leaves the page (body), then starts over.
    // (The first Tab may leave from where the trace button was clicked: start over from the top.)
    if (step.tag === 'BODY' && !seen.length) continue;
    if (step.tag === 'BODY' || (seen.length && step.id === seen[0].id && step.tag === seen[0].tag)) break;
    seen.push(step);
  }
  const ids = seen.map((s) => s.id);
  for (const wanted of ['options-link', 'copy-result', 'copy-ip', 'copy', 'requests', 'paste-input', 'trace-button']) {
    assert.ok(ids.includes(wanted), `Tab reaches ${wanted}: ${ids.join(' → ')}`);
  }
  assert.ok(ids.indexOf('copy-ip') < ids.indexOf('copy') && ids.indexOf('copy') < ids.indexOf('paste-input'), `reading order: ${ids.join(' → ')}`);
  const tops = seen.filter((s) => s.id !== 'options-link').map((s) => s.top);
  assert.deepEqual(tops, [...tops].sort((a, b) => a - b), 'focus moves down the page');
  assert.deepEqual(seen.filter((s) => !s.outline).map((s) => s.id), [], 'every focused control shows an outline');
  // Enter on the request list's summary opens it.
  await popup.locator('[data-testid=requests] summary').focus();
  await popup.keyboard.press('Enter');
  assert.equal(await popup.locator('[data-testid=requests]').evaluate((d) => d.open), true);
  await popup.close();
  browser.assertClean();
});

for (const width of [400, 320]) {
  test(`200% zoom (${width} CSS px wide): no sideways scrolling, the key parts visible`, async () => {
    const popup = await openPopup({ width, height: 600 });
    await trace(popup, '13.64.20.30');
    const layout = await popup.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
    assert.ok(layout.scroll <= layout.client, `scrollWidth ${layout.scroll} <= clientWidth ${layout.client}`);
    for (const id of ['origin-ip', 'copy-result', 'party-name', 'contact', 'auth-verdict', 'paste-input', 'trace-button']) {
      const target = popup.locator(`[data-testid=${id}]`).first();
      await target.scrollIntoViewIfNeeded();
      assert.equal(await target.isVisible(), true, `${id} visible`);
      const r = await box(target);
      assert.ok(r.x >= 0 && r.x + r.width <= width + 0.5, `${id} within the width: ${JSON.stringify(r)}`);
    }
    if (width === 400) {
      mkdirSync(screenshots, { recursive: true });
      await popup.evaluate(() => scrollTo(0, 0));
      await popup.screenshot({ path: join(screenshots, 'popup-zoom200.png'), fullPage: true });
    }
    await popup.close();
    browser.assertClean();
  });
}

test('the context-menu result window stays fluid (no popup width forced on it)', async () => {
  const page = await browser.context.newPage();
  await page.setViewportSize({ width: 450, height: 500 });
  await page.goto(browser.extensionUrl('popup/popup.html?window=1&result=none'));
  await page.locator('[data-testid=page-status]').waitFor();
  const layout = await page.evaluate(() => ({ body: document.body.getBoundingClientRect().width, inline: document.body.style.width, client: document.documentElement.clientWidth }));
  assert.deepEqual(layout, { body: layout.client, inline: '', client: layout.client });
  await page.setViewportSize({ width: 900, height: 500 });
  assert.equal(await page.evaluate(() => document.body.getBoundingClientRect().width), await page.evaluate(() => document.documentElement.clientWidth));
  await page.close();
  browser.assertClean();
});

/** Every visible text's colour against its effective background: the lowest contrast ratios. */
function contrasts() {
  const parse = (value) => {
    let m = /rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)/.exec(value);
    if (m) return [Number(m[1]) / 255, Number(m[2]) / 255, Number(m[3]) / 255, m[4] === undefined ? 1 : Number(m[4])];
    m = /color\(srgb ([\d.e-]+) ([\d.e-]+) ([\d.e-]+)(?: \/ ([\d.]+))?\)/.exec(value);
    if (m) return [Number(m[1]), Number(m[2]), Number(m[3]), m[4] === undefined ? 1 : Number(m[4])];
    return [0, 0, 0, 0];
  };
  const over = (top, bottom) => [0, 1, 2].map((i) => top[i] * top[3] + bottom[i] * (1 - top[3])).concat(1);
  const background = (node) => {
    const layers = [];
    for (let n = node; n; n = n.parentElement) layers.push(parse(getComputedStyle(n).backgroundColor));
    let color = parse(getComputedStyle(document.documentElement).backgroundColor);
    if (color[3] === 0) color = matchMedia('(prefers-color-scheme: dark)').matches ? [0.07, 0.07, 0.07, 1] : [1, 1, 1, 1];
    for (const layer of layers.reverse()) color = over(layer, color);
    return color;
  };
  const luminance = ([r, g, b]) => {
    const lin = (c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  };
  const ratio = (a, b) => { const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  for (const details of document.querySelectorAll('details')) details.open = true;
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const element = node.parentElement;
    if (!node.textContent.trim() || !element.checkVisibility({ visibilityProperty: true }) || element.closest('.sr-only, :disabled')) continue;
    const bg = background(element);
    let opacity = 1;
    for (let n = element; n; n = n.parentElement) opacity *= Number(getComputedStyle(n).opacity);
    const fg = over([...parse(getComputedStyle(element).color).slice(0, 3), parse(getComputedStyle(element).color)[3] * opacity], bg);
    out.push({ text: node.textContent.trim().slice(0, 40), ratio: Math.round(ratio(fg, bg) * 100) / 100 });
  }
  return { page: luminance(background(document.body)), texts: out };
}

for (const scheme of ['dark', 'light']) {
  test(`${scheme} mode: ${scheme} background, every text at least 4.5:1`, async () => {
    const popup = await openPopup();
    await popup.emulateMedia({ colorScheme: scheme });
    await trace(popup, '13.64.20.30');
    await popup.locator('[data-testid=paste-input]').fill('');
    const { page, texts } = await popup.evaluate(contrasts);
    if (scheme === 'dark') assert.ok(page < 0.05, `dark background (luminance ${page})`);
    else assert.ok(page > 0.9, `light background (luminance ${page})`);
    assert.ok(texts.length > 40, `${texts.length} texts measured`);
    assert.deepEqual(texts.filter((x) => x.ratio < 4.5), [], 'texts under 4.5:1');
    if (scheme === 'dark') {
      await popup.evaluate(() => { for (const d of document.querySelectorAll('details')) d.open = false; scrollTo(0, 0); });
      await popup.screenshot({ path: join(screenshots, 'popup-dark.png'), fullPage: true });
    }
    await popup.close();
    browser.assertClean();
  });
}
