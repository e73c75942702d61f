// A local server that plays "the internet" for tests: RDAP registries, the JPNIC
// gateway, DNS-over-HTTPS resolvers. One server answers for every host; it routes by
// the Host header, so Chromium's --host-resolver-rules can point the real host names
// at it and the extension runs unchanged.
//
// Every request is recorded (method, host, path, headers, body, time) so privacy tests
// can prove what left the browser. Routes can misbehave on purpose (delay, drip,
// status, headers, endless body, hang, closing the connection, a different answer per
// attempt) for the hostile-server tests.
//
// Used as a module by the e2e tests, or from the command line as a plain-HTTP static
// server for the CLI's SENDERTRACE_RDAP_PROXY (files laid out as DIR/HOST/PATH):
//   node tests/support/replay-server.mjs --dir DIR [--port N]

import { createServer as createHttpsServer } from 'node:https';
import { createServer as createHttpServer } from 'node:http';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve, normalize } from 'node:path';
import { tmpdir } from 'node:os';

/** Self-signed certificate for the HTTPS mode (Chromium runs with --ignore-certificate-errors). */
export function testCertificate() {
  const dir = join(tmpdir(), 'sendertrace-test-cert');
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  if (!existsSync(key) || !existsSync(cert)) {
    mkdirSync(dir, { recursive: true });
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '30',
      '-subj', '/CN=sendertrace-test', '-keyout', key, '-out', cert,
    ], { stdio: 'ignore' });
  }
  return { key: readFileSync(key), cert: readFileSync(cert) };
}

function matches(route, host, path) {
  if (route.host && route.host !== host) return false;
  if (route.path instanceof RegExp) return route.path.test(path);
  if (typeof route.path === 'string') return route.path === path;
  if (typeof route.prefix === 'string') return path.startsWith(route.prefix);
  return true;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function answer(route, req, res) {
  if (route.delayMs) await sleep(route.delayMs);
  if (route.hang) return; // never answers: the client's timeout must fire
  if (route.destroy) { req.socket.destroy(); return; } // connection closed, no answer
  const headers = {
    'content-type': 'application/rdap+json',
    'access-control-allow-origin': '*',
    ...(route.headers ?? {}),
  };
  const status = route.status ?? 200;
  if (route.endless) {
    res.writeHead(status, headers);
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let open = true;
    const pump = () => {
      // Fill the socket buffer; stop when the client goes away.
      while (open && res.write(chunk)) { /* keep writing */ }
    };
    res.on('drain', pump);
    res.on('close', () => { open = false; });
    pump();
    return;
  }
  let body = route.body ?? '';
  if (route.file) body = readFileSync(route.file);
  if (typeof body === 'function') body = body(req);
  if (typeof body === 'object' && !Buffer.isBuffer(body)) body = JSON.stringify(body);
  body = Buffer.from(body);
  if (route.dripMs) {
    res.writeHead(status, headers);
    for (const byte of body) {
      if (res.destroyed) return;
      res.write(Buffer.from([byte]));
      await sleep(route.dripMs);
    }
    res.end();
    return;
  }
  res.writeHead(status, { ...headers, 'content-length': body.length });
  res.end(body);
}

/**
 * Start a replay server.
 * @param {object} opts
 * @param {Array<object>} opts.routes  {host?, path?|prefix?, status?, headers?, body?|file?, delayMs?, dripMs?, hang?, endless?, destroy?,
 *   sequence?: [overrides…]} — with `sequence`, the n-th request the route answers uses sequence[n] (the last one
 *   after that) merged over the route: e.g. a 429 first, then the answer.
 * @param {boolean} [opts.https=true]
 * @param {number} [opts.port=0]
 * @returns {Promise<{port:number, origin:string, requests:Array<object>, close:()=>Promise<void>}>}
 */
export async function startReplayServer({ routes = [], https = true, port = 0 } = {}) {
  const requests = [];
  const counts = new Map();
  const handler = (req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const host = (req.headers.host ?? '').replace(/:\d+$/, '');
      const url = new URL(req.url, `http://${host || 'localhost'}`);
      const record = {
        method: req.method, host, path: url.pathname + url.search,
        headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now(),
      };
      requests.push(record);
      if (req.method === 'OPTIONS') {
        res.writeHead(204, {
          'access-control-allow-origin': '*',
          'access-control-allow-headers': '*',
          'access-control-allow-methods': 'GET',
        });
        res.end();
        return;
      }
      const route = routes.find((r) => matches(r, host, record.path));
      if (!route) {
        res.writeHead(404, { 'content-type': 'application/rdap+json', 'access-control-allow-origin': '*' });
        res.end(JSON.stringify({ errorCode: 404, title: 'Not Found (replay server has no route)' }));
        return;
      }
      let chosen = route;
      if (Array.isArray(route.sequence) && route.sequence.length) {
        const n = (counts.get(route) ?? 0);
        counts.set(route, n + 1);
        chosen = { ...route, ...route.sequence[Math.min(n, route.sequence.length - 1)] };
      }
      answer(chosen, req, res).catch(() => res.destroy());
    });
  };
  const server = https ? createHttpsServer(testCertificate(), handler) : createHttpServer(handler);
  const sockets = new Set();
  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  await new Promise((r) => server.listen(port, '127.0.0.1', r));
  const actual = server.address().port;
  return {
    port: actual,
    origin: `${https ? 'https' : 'http'}://127.0.0.1:${actual}`,
    requests,
    close: () => new Promise((r) => {
      for (const s of sockets) s.destroy();
      server.close(() => r());
    }),
  };
}

/** Chromium flag mapping each host to the replay server. */
export function hostResolverRules(hosts, port) {
  return `--host-resolver-rules=${hosts.map((h) => `MAP ${h} 127.0.0.1:${port}`).join(', ')}`;
}

// Command-line mode: static folder DIR/HOST/PATH over plain HTTP, for the CLI proxy.
if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const dir = resolve(args[args.indexOf('--dir') + 1] ?? '.');
  const port = Number(args.includes('--port') ? args[args.indexOf('--port') + 1] : 0);
  const server = createHttpServer((req, res) => {
    // The proxy form is /HOST/PATH?Q; the query is part of the file name when present.
    const file = normalize(join(dir, decodeURIComponent(req.url)));
    if (!file.startsWith(dir) || !existsSync(file)) {
      res.writeHead(404, { 'content-type': 'application/rdap+json' });
      res.end(JSON.stringify({ errorCode: 404, title: 'Not Found' }));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/rdap+json' });
    res.end(readFileSync(file));
  });
  server.listen(port, '127.0.0.1', () => console.log(`replay server on http://127.0.0.1:${server.address().port}/ serving ${dir}`));
}
