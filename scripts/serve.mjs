#!/usr/bin/env node
// A small static file server for dist/www and for the end-to-end tests' pages.
// Bound to 127.0.0.1 only; serves .wasm as application/wasm (needed for
// WebAssembly.instantiateStreaming) and .eml as text/plain, the way webmail
// "view source" endpoints deliver a raw message.
//
// usage: node scripts/serve.mjs DIR [PORT]      (PORT 0 = any free port)
// module: import { startServer } from './serve.mjs'; const s = await startServer(dir); s.url; await s.close();

import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const MIME_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.eml': 'text/plain; charset=utf-8',
};

export function startServer(rootDir, { port = 0, host = '127.0.0.1', quiet = true } = {}) {
  const root = resolve(rootDir);
  const server = createServer(async (req, res) => {
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { Allow: 'GET, HEAD' }).end();
        return;
      }
      const pathname = decodeURIComponent(new URL(req.url, 'http://localhost').pathname);
      let file = resolve(join(root, pathname));
      if (file !== root && !file.startsWith(root + sep)) {
        res.writeHead(403).end();
        return;
      }
      if ((await stat(file).catch(() => null))?.isDirectory()) file = join(file, 'index.html');
      const body = await readFile(file);
      res.writeHead(200, {
        'Content-Type': MIME_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
        'Content-Length': body.length,
        'Cache-Control': 'no-cache',
        'X-Content-Type-Options': 'nosniff',
      });
      res.end(req.method === 'HEAD' ? undefined : body);
      if (!quiet) console.log(`200 ${req.method} ${pathname}`);
    } catch {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found\n');
    }
  });
  return new Promise((resolveStart, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const { port: actual } = server.address();
      resolveStart({
        url: `http://${host}:${actual}/`,
        port: actual,
        close: () => new Promise((done) => { server.closeAllConnections?.(); server.close(() => done()); }),
      });
    });
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [dir, portArg] = process.argv.slice(2);
  if (!dir) {
    console.error('usage: node scripts/serve.mjs DIR [PORT]');
    process.exit(2);
  }
  const server = await startServer(dir, { port: Number(portArg ?? 8080), quiet: false });
  console.log(`serving ${resolve(dir)} on ${server.url}`);
}
