// The wasm's Trace facade under node, driven by a real recorded ARIN answer read in
// place from ../shared: the same loop the extension's driver runs, without a browser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const shared = join(root, '..', 'shared');
const pkg = join(root, 'build', 'pkg');

async function loadWasm() {
  const mod = await import(pathToFileURL(join(pkg, 'sendertrace_wasm.js')).href);
  mod.initSync({ module: readFileSync(join(pkg, 'sendertrace_wasm_bg.wasm')) });
  return mod;
}

const MESSAGE = [
  'Received: from relay.example.net (relay.example.net [13.64.20.30]) by mx1.example.jp (Postfix) with ESMTP id 4A1B2C; Tue, 3 Nov 2026 10:15:30 +0900',
  'From: someone@example.net',
  'Subject: test',
  '',
  'body',
].join('\r\n');

test('a trace asks ARIN for the origin and names its abuse desk from the recorded answer', async () => {
  const sample = join(shared, 'data', 'rdap-samples', 'ip-arin-13.64.0.0.json');
  assert.ok(existsSync(sample), `../shared/data/rdap-samples is missing (${sample}): the recorded answers are read in place`);
  const wasm = await loadWasm();
  const analysis = wasm.analyze(MESSAGE);
  assert.equal(analysis.origin.ip, '13.64.20.30');

  const trace = new wasm.Trace(analysis, { doh_resolver: null, hosting: false }, 1_800_000_000);
  const request = trace.pollRequest();
  assert.ok(request, 'the trace asks for something');
  assert.match(request.url, /^https:\/\/rdap\.arin\.net\/registry\/ip\/13\.64\.20\.30$/);
  assert.equal(trace.inFlight(), 1);

  trace.handleResponse(request.id, 200, ['content-type', 'application/rdap+json'], readFileSync(sample), null, 1_800_000_001);
  const report = trace.report();
  const operator = report.parties[0];
  assert.equal(operator?.role, 'network-operator', `the first party: ${JSON.stringify(report.parties)}`);
  assert.match(JSON.stringify(operator), /abuse@microsoft\.com/);
  assert.equal(report.requests.length, 1);
  assert.equal(report.requests[0].outcome, '200');
});

test('a timeout ends the lookup with a finding instead of hanging', async () => {
  const wasm = await loadWasm();
  const trace = new wasm.Trace(wasm.analyze(MESSAGE), { doh_resolver: null, hosting: false }, 1_800_000_000);
  let request;
  let guard = 0;
  while ((request = trace.pollRequest()) && guard++ < 50) {
    trace.handleFailure(request.id, true, '', 1_800_000_100);
  }
  assert.ok(guard < 50, 'the trace stops asking');
  const report = trace.report();
  assert.ok(report.requests.every((r) => r.outcome !== 'pending'));
  assert.ok(report.requests.some((r) => r.outcome === 'timeout'));
});

test('bad arguments throw named errors', async () => {
  const wasm = await loadWasm();
  assert.throws(() => new wasm.Trace(wasm.analyze(MESSAGE), { max_requests: 'many' }, 0), (e) => e.name === 'bad-argument');
});
