// The lookup driver (extension/ui/driver.js) under node with the real wasm Trace and a
// fake fetch: parallel cap, cache (a repeated trace makes no request), https only,
// timeouts, body cap. The browser side runs in tests/e2e/lookups.test.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { makeCache, memoryStore, performRequest, runTrace, toBase64, fromBase64 } from '../../extension/ui/driver.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const pkg = join(root, 'build', 'pkg');
const wasm = await import(pathToFileURL(join(pkg, 'sendertrace_wasm.js')).href);
wasm.initSync({ module: readFileSync(join(pkg, 'sendertrace_wasm_bg.wasm')) });

const message = (ip) => [
  `Received: from relay.example.net (relay.example.net [${ip}]) by mx1.example.jp (Postfix) with ESMTP id 4A1B2C; Tue, 3 Nov 2026 10:15:30 +0900`,
  'From: someone@example.net', 'Subject: test', '', 'body',
].join('\r\n');

const ANSWER = JSON.stringify({
  objectClassName: 'ip network', handle: 'NET-13-64-0-0-1', name: 'MSFT', startAddress: '13.64.0.0', endAddress: '13.95.255.255', ipVersion: 'v4',
  entities: [{ objectClassName: 'entity', handle: 'ABUSE', roles: ['abuse'], vcardArray: ['vcard', [['version', {}, 'text', '4.0'], ['fn', {}, 'text', 'Abuse'], ['email', {}, 'text', 'abuse@microsoft.com']]] }],
});

function fakeFetch({ status = 200, body = ANSWER, delayMs = 0, hang = false } = {}) {
  const calls = [];
  let active = 0;
  let peak = 0;
  const fetchImpl = (url, init) => {
    calls.push({ url, init });
    active += 1;
    peak = Math.max(peak, active);
    return new Promise((resolve, reject) => {
      init.signal.addEventListener('abort', () => { active -= 1; reject(new DOMException('aborted', 'AbortError')); });
      if (hang) return;
      setTimeout(() => { active -= 1; resolve(new Response(body, { status, headers: { 'content-type': 'application/rdap+json' } })); }, delayMs);
    });
  };
  return { fetchImpl, calls, peak: () => peak };
}

const newTrace = (ip, options = {}) => new wasm.Trace(wasm.analyze(message(ip)), { doh_resolver: null, ...options }, Date.now() / 1000);

test('a trace runs to the end, sends no credentials or referrer, and a repeated trace is answered from the cache', async () => {
  const cache = makeCache(memoryStore());
  const net = fakeFetch();
  const updates = [];
  const report = await runTrace(newTrace('13.64.20.30'), { cache, fetchImpl: net.fetchImpl, onUpdate: (r) => updates.push(r) });
  assert.equal(report.done, true);
  assert.ok(net.calls.length >= 1);
  assert.equal(net.calls[0].url, 'https://rdap.arin.net/registry/ip/13.64.20.30');
  assert.equal(net.calls[0].init.credentials, 'omit');
  assert.equal(net.calls[0].init.referrerPolicy, 'no-referrer');
  assert.equal(report.parties[0]?.role, 'network-operator');
  assert.match(JSON.stringify(report.parties[0]), /abuse@microsoft\.com/);
  assert.ok(updates.length >= 2, 'the view is updated after each answer');

  const again = fakeFetch();
  const second = await runTrace(newTrace('13.64.20.30'), { cache, fetchImpl: again.fetchImpl });
  assert.equal(again.calls.length, 0, 'no request the second time');
  assert.match(JSON.stringify(second.parties[0]), /abuse@microsoft\.com/);
});

test('at most maxParallel requests are in flight, and all of them are answered', async () => {
  // A stand-in Trace that asks for ten things at once.
  const queue = Array.from({ length: 10 }, (_, i) => ({ id: i + 1, url: `https://rdap.example.net/ip/192.0.2.${i}`, timeout_ms: 1000, not_before: 0 }));
  const answered = [];
  const trace = {
    pollRequest: () => queue.shift() ?? null,
    handleResponse: (id) => answered.push(id),
    handleFailure: (id) => answered.push(-id),
    inFlight: () => 10 - answered.length - queue.length,
    isDone: () => answered.length === 10,
    report: () => ({ done: answered.length === 10, parties: [], requests: [], findings: [] }),
  };
  const net = fakeFetch({ delayMs: 10 });
  const report = await runTrace(trace, { fetchImpl: net.fetchImpl, maxParallel: 4 });
  assert.equal(report.done, true);
  assert.equal(net.peak(), 4);
  assert.deepEqual([...answered].sort((a, b) => a - b), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
});

test('a request that never answers times out and the trace ends', async () => {
  const net = fakeFetch({ hang: true });
  const report = await runTrace(newTrace('13.64.20.31', { timeout_ms: 50 }), { fetchImpl: net.fetchImpl });
  assert.equal(report.done, true);
  assert.ok(report.requests.some((r) => r.outcome === 'timeout'), JSON.stringify(report.requests));
  assert.ok(report.findings.some((f) => f.id === 'request-timeout'));
});

test('only https is fetched; bodies are capped at max_body_bytes + 1', async () => {
  const net = fakeFetch();
  assert.deepEqual(await performRequest({ url: 'http://rdap.arin.net/x' }, net.fetchImpl), { kind: 'error', message: 'not HTTPS: refused' });
  assert.equal(net.calls.length, 0);
  const big = fakeFetch({ body: 'x'.repeat(5000) });
  const reply = await performRequest({ url: 'https://rdap.arin.net/x', max_body_bytes: 100 }, big.fetchImpl);
  assert.equal(reply.body.length, 101);
});

test('cached bodies round-trip through base64', () => {
  const bytes = Uint8Array.from({ length: 70000 }, (_, i) => i % 256);
  assert.deepEqual(fromBase64(toBase64(bytes)), bytes);
});

test('expired answers are not used and are pruned', async () => {
  const store = memoryStore();
  const cache = makeCache(store);
  await cache.set('https://a/', 3600, { status: 200, headers: [], body: new Uint8Array([1]), url: null });
  await store.set('lookup:https://old/', { expires: 1, status: 200, headers: [], body: 'AQ==' });
  await store.set('lang', 'ja');
  assert.equal(await cache.get('https://old/'), null);
  assert.equal((await cache.get('https://a/')).status, 200);
  assert.equal(await cache.prune(), 1);
  assert.deepEqual(Object.keys(await store.entries()).sort(), ['lang', 'lookup:https://a/']);
});

test('cache.clear removes every entry under the prefix and says how many', async () => {
  const store = memoryStore();
  await store.set('other', 1);
  const cache = makeCache(store);
  await cache.set('a', 60, { status: 200, headers: {}, body: new Uint8Array([1]), url: 'https://x.example/a' });
  await cache.set('b', 60, { status: 200, headers: {}, body: new Uint8Array([2]), url: 'https://x.example/b' });
  assert.equal(await cache.clear(), 2);
  assert.equal(await cache.get('a'), null);
  assert.deepEqual(Object.keys(await store.entries()), ['other']);
  assert.equal(await cache.clear(), 0);
});
