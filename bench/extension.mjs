#!/usr/bin/env node
// The real extension in Debian's Chromium (dist/chrome-e2e, as the e2e tests load it),
// for `make bench`:
//   - time to origin: a fixture raw-message page is open in a tab; the popup is opened
//     for it (popup.html?tab=N, the stand-in for the toolbar click, as
//     tests/e2e/toolbar.test.mjs does); from the action (opening the popup) to
//     [data-testid=origin-ip] filled, 20 times;
//   - time to first party: the same for a message with an IP and a sender domain
//     (bench/fixtures/typical-trace.eml) until the first [data-testid=party] is on
//     screen, with the lookups answered by the local replay server (recorded RDAP
//     answers read in place from ../shared/data); the lookup cache is emptied before
//     each of the 20 runs (the IANA bootstrap files stay cached, as for any user
//     after the first trace);
//   - requests per trace: the HTTP requests the replay server saw for that trace in a
//     fresh profile (cold), and for the same trace again in the same profile (warm).
// Times are taken twice: in node (wall clock around the Playwright action) and in the
// popup (performance.now() since its navigation started, when a MutationObserver sees
// the element). No timing is asserted anywhere: this is a benchmark.
// usage: [BENCH_EXTENSION=dir] node bench/extension.mjs [RUNS]   → one line of JSON
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { launch, root } from '../tests/e2e/harness.mjs';
import { startReplayServer, hostResolverRules } from '../tests/support/replay-server.mjs';
import { startServer } from '../scripts/serve.mjs';

const RUNS = Number(process.argv[2] ?? 20);
const samples = join(root, '..', 'shared', 'data', 'rdap-samples');
const iana = join(root, '..', 'shared', 'data', 'iana-bootstrap');
const HOSTS = ['rdap.arin.net', 'rdap.verisign.com', 'rdap.cloudflare.com', 'dns.google', 'data.iana.org', 'whois.nic.ad.jp'];

// DNS-over-HTTPS answers in Google's JSON format, written for this benchmark.
const doh = (name, type, answers) => ({
  host: 'dns.google',
  path: `/resolve?name=${name}&type=${type}`,
  headers: { 'content-type': 'application/json' },
  body: {
    Status: 0, TC: false, RD: true, RA: true, AD: false, CD: false,
    Question: [{ name: `${name}.`, type: { A: 1, NS: 2, MX: 15 }[type] }],
    Answer: answers.map((data) => ({ name: `${name}.`, type: { A: 1, NS: 2, MX: 15 }[type], TTL: 300, data })),
  },
});

// Cloudflare's IPv4 networks, for the hosting addresses the DNS answers name: no
// recorded IPv4 answer exists in ../shared, so the recorded ARIN answer for
// Cloudflare's IPv6 network is re-addressed (same entities and structure). Without a
// 200 answer the lookups would not be cached and a warm trace would ask again.
const cloudflareV6 = JSON.parse(readFileSync(join(samples, 'ip-arin-2606_4700_4700__1111.json'), 'utf8'));
const cloudflareV4 = (start, end, prefix, length) => JSON.stringify({
  ...cloudflareV6,
  handle: `NET-${start.replaceAll('.', '-')}-1`, startAddress: start, endAddress: end, ipVersion: 'v4',
  parentHandle: `NET-${start.split('.')[0]}-0-0-0-0`, cidr0_cidrs: [{ v4prefix: prefix, length }],
  links: cloudflareV6.links?.map((l) => ({ ...l, href: String(l.href).replace(/ip\/[^"]*$/, `ip/${prefix}`), value: String(l.value ?? '').replace(/ip\/[^"]*$/, `ip/${prefix}`) })),
});

const routes = [
  { host: 'rdap.arin.net', path: '/registry/ip/104.16.132.229', body: cloudflareV4('104.16.0.0', '104.23.255.255', '104.16.0.0', 13) },
  { host: 'rdap.arin.net', path: /^\/registry\/ip\/162\.159\./, body: cloudflareV4('162.158.0.0', '162.159.255.255', '162.158.0.0', 15) },
  ...['dns', 'ipv4', 'ipv6', 'asn'].map((name) => ({ host: 'data.iana.org', path: `/rdap/${name}.json`, file: join(iana, `${name}.json`), headers: { 'content-type': 'application/json' } })),
  { host: 'rdap.arin.net', path: '/registry/ip/13.64.20.30', file: join(samples, 'ip-arin-13.64.0.0.json') },
  { host: 'rdap.verisign.com', path: '/com/v1/domain/cloudflare.com', file: join(samples, 'domain-verisign-cloudflare.com.json') },
  { host: 'rdap.cloudflare.com', path: '/rdap/v1/domain/CLOUDFLARE.COM', file: join(samples, 'domain-registrar-cloudflare-cloudflare.com.json') },
  doh('cloudflare.com', 'NS', ['ns3.cloudflare.com.', 'ns4.cloudflare.com.']),
  doh('cloudflare.com', 'MX', ['5 route1.mx.cloudflare.net.', '10 route2.mx.cloudflare.net.']),
  doh('cloudflare.com', 'A', ['104.16.132.229', '104.16.133.229']),
  doh('ns3.cloudflare.com', 'A', ['162.159.0.33']),
  doh('route1.mx.cloudflare.net', 'A', ['162.159.205.11']),
];

const median = (v) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const summary = (v) => (v.length ? { median: median(v), min: Math.min(...v), max: Math.max(...v), first: v[0], runs: v.length } : null);

const replay = await startReplayServer({ routes });
const args = [`${hostResolverRules(HOSTS, replay.port)}, MAP * ~NOTFOUND, EXCLUDE 127.0.0.1`, '--ignore-certificate-errors'];
// BENCH_EXTENSION: a copy of dist/chrome-e2e (scripts/bench.mjs snapshots it).
const browser = await launch({ args, ...(process.env.BENCH_EXTENSION ? { extension: process.env.BENCH_EXTENSION } : {}) });
const fixtures = await startServer(join(root, 'bench', 'fixtures'));
const out = { runs: RUNS };
try {
  const { context, worker } = browser;
  await context.addInitScript(() => {
    if (location.protocol !== 'chrome-extension:') return;
    const marks = {};
    window.__benchMarks = marks;
    const check = () => {
      const ip = document.querySelector('[data-testid=origin-ip]');
      if (marks.origin === undefined && ip?.textContent.trim()) marks.origin = performance.now();
      if (marks.party === undefined && document.querySelector('[data-testid=party]')) marks.party = performance.now();
    };
    new MutationObserver(check).observe(document, { childList: true, subtree: true, characterData: true });
    document.addEventListener('DOMContentLoaded', () => { marks.dom = performance.now(); });
  });

  const openTab = async (url) => {
    const page = await context.newPage();
    await page.goto(url);
    const id = await browser.tabId(page.url());
    if (typeof id !== 'number') throw new Error(`no tab id for ${url}`);
    return id;
  };

  const failures = [];
  /** As `once`, but a run that times out is recorded (with what the popup showed) and retried once. */
  const trace = async (tabId, options = {}) => {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await once(tabId, options);
      } catch (err) {
        failures.push(String(err?.message ?? err).split('\n')[0]);
        if (attempt >= 1) throw err;
      }
    }
  };
  const once = async (tabId, { party = false } = {}) => {
    const t0 = performance.now();
    const popup = await context.newPage();
    try {
      return await measureIn(popup, t0, party, tabId);
    } catch (err) {
      const seen = await popup.locator('body').innerText().catch(() => '?');
      await popup.close().catch(() => {});
      throw new Error(`${err.message.split('\n')[0]} — the popup showed: ${seen.replace(/\s+/g, ' ').slice(0, 300)}`);
    }
  };
  /** One toolbar-path trace in `popup`; resolves to the times (ms) and what the popup shows. */
  const measureIn = async (popup, t0, party, tabId) => {
    await popup.goto(browser.extensionUrl(`popup/popup.html?tab=${tabId}`), { waitUntil: 'commit' });
    const opened = performance.now() - t0;
    await popup.locator('[data-testid=origin-ip]:not(:empty)').waitFor({ timeout: 15_000 });
    const origin = performance.now() - t0;
    let firstParty = null;
    if (party) {
      await popup.locator('[data-testid=party]').first().waitFor({ timeout: 15_000 });
      firstParty = performance.now() - t0;
    }
    await popup.locator('[data-testid=lookup-done]').waitFor({ timeout: 15_000 }).catch(() => {});
    const marks = await popup.evaluate(() => window.__benchMarks ?? {});
    const shown = {
      ip: (await popup.locator('[data-testid=origin-ip]').textContent()).trim(),
      party: party ? (await popup.locator('[data-testid=party-name]').first().textContent()).trim() : null,
    };
    await popup.close();
    return { origin, firstParty, opened, inPage: marks, shown };
  };

  const clearLookups = () => worker.evaluate(async () => {
    const keys = Object.keys(await chrome.storage.local.get(null)).filter((k) => k.startsWith('lookup:') && !k.startsWith('lookup:bootstrap:'));
    if (keys.length) await chrome.storage.local.remove(keys);
  });
  const bootstrapCached = () => worker.evaluate(async () => {
    for (let i = 0; i < 200; i += 1) {
      const keys = Object.keys(await chrome.storage.local.get(null)).filter((k) => k.includes('bootstrap:'));
      if (keys.length === 4) return 4;
      await new Promise((r) => setTimeout(r, 50));
    }
    return Object.keys(await chrome.storage.local.get(null)).filter((k) => k.includes('bootstrap:')).length;
  });

  // --- requests per trace: a fresh profile, then the same trace again -------------
  const typicalTab = await openTab(`${fixtures.url}typical-trace.eml`);
  let mark = replay.requests.length;
  const cold = await trace(typicalTab, { party: true });
  const bootstrapFiles = await bootstrapCached();
  const coldAll = replay.requests.slice(mark).map((r) => `${r.host}${r.path}`);
  const coldTrace = coldAll.filter((u) => !u.startsWith('data.iana.org/'));
  mark = replay.requests.length;
  const warm = await trace(typicalTab, { party: true });
  const warmAll = replay.requests.slice(mark).map((r) => `${r.host}${r.path}`);
  // The same trace with the hosting lookups (DNS-over-HTTPS) switched off on the options page.
  await clearLookups();
  await worker.evaluate(() => chrome.storage.sync.set({ settings: { doh: 'off' } }));
  mark = replay.requests.length;
  await trace(typicalTab, { party: true });
  const noDns = replay.requests.slice(mark).map((r) => `${r.host}${r.path}`);
  await worker.evaluate(() => chrome.storage.sync.remove('settings'));
  out.requests = {
    message: 'bench/fixtures/typical-trace.eml (origin IP 13.64.20.30, sender domain cloudflare.com)',
    cold: coldTrace.length,
    cold_list: coldTrace,
    cold_bootstrap_refresh: coldAll.length - coldTrace.length,
    bootstrap_files_cached: bootstrapFiles,
    warm: warmAll.length,
    warm_list: warmAll,
    cold_hosting_lookups_off: noDns.length,
    cold_hosting_lookups_off_list: noDns,
    shown: cold.shown,
  };

  // --- time to origin: the e2e fixture page (its origin is not public: no lookups) -
  const chainTab = await openTab(`${browser.server.url}provider-chain.eml`);
  const origins = [];
  const originsInPage = [];
  const opening = [];
  const domReady = [];
  let shownOrigin = null;
  for (let i = 0; i < RUNS; i += 1) {
    const r = await trace(chainTab);
    origins.push(r.origin);
    opening.push(r.opened);
    if (r.inPage.dom !== undefined) domReady.push(r.inPage.dom);
    if (r.inPage.origin !== undefined) originsInPage.push(r.inPage.origin);
    shownOrigin = r.shown.ip;
  }
  out.time_to_origin_ms = { page: 'tests/e2e/fixtures/provider-chain.eml', shown: shownOrigin, wall: summary(origins), in_page: summary(originsInPage),
    // From Playwright's action to the popup's navigation being committed: the page
    // creation over the DevTools protocol, which a toolbar click does not pay.
    playwright_open: summary(opening),
    // In the popup: its document parsed (scripts still to run, then the page read and analysed).
    in_page_dom_content_loaded: summary(domReady) };

  // --- time to first party: lookups answered by the replay server, cache emptied ---
  const toOrigin = [];
  const toParty = [];
  const partyInPage = [];
  const partyOriginInPage = [];
  let shownParty = null;
  for (let i = 0; i < RUNS; i += 1) {
    await clearLookups();
    const r = await trace(typicalTab, { party: true });
    toOrigin.push(r.origin);
    toParty.push(r.firstParty);
    if (r.inPage.party !== undefined) partyInPage.push(r.inPage.party);
    if (r.inPage.origin !== undefined) partyOriginInPage.push(r.inPage.origin);
    shownParty = r.shown.party;
  }
  out.time_to_first_party_ms = {
    page: 'bench/fixtures/typical-trace.eml', shown: shownParty,
    wall: summary(toParty), in_page: summary(partyInPage), origin_wall: summary(toOrigin), origin_in_page: summary(partyOriginInPage),
  };
  out.failed_runs = failures;
  out.console_problems = browser.problems.slice(0, 10);
} finally {
  await browser.close();
  await fixtures.close();
  await replay.close();
}
console.log(JSON.stringify(out));
