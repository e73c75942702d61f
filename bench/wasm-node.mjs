#!/usr/bin/env node
// The shipped wasm (build/pkg from `make build`) under node, over every *.eml of the
// corpus folder (read in place): see bench/measure.mjs for what is measured.
// usage: [BENCH_PKG=dir] node bench/wasm-node.mjs [CORPUS_DIR] [SECONDS]   → one line of JSON
// (BENCH_PKG: another wasm-bindgen output to compare, e.g. a build at another opt-level)
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { measure } from './measure.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dir = resolve(process.argv[2] ?? join(root, '..', 'shared', 'corpus', 'dev'));
const seconds = Number(process.argv[3] ?? 4);
const pkg = process.env.BENCH_PKG ?? join(root, 'build', 'pkg');

const { initSync, analyze } = await import(pathToFileURL(join(pkg, 'sendertrace_wasm.js')).href);
initSync({ module: readFileSync(join(pkg, 'sendertrace_wasm_bg.wasm')) });

const names = readdirSync(dir).filter((n) => n.endsWith('.eml')).sort();
if (!names.length) {
  console.error(`no *.eml files in ${dir}`);
  process.exit(2);
}
const messages = names.map((name) => ({ name, bytes: new Uint8Array(readFileSync(join(dir, name))) }));
const result = await measure((bytes) => analyze(bytes), messages, { seconds });

// The same with only each message's header block crossing into the wasm (cut after
// the first empty line): how much of the per-message time the body costs.
const headerBlock = (bytes) => {
  for (let i = 0; i + 1 < bytes.length; i += 1) {
    if (bytes[i] !== 0x0a) continue;
    if (bytes[i + 1] === 0x0a) return bytes.subarray(0, i + 2);
    if (bytes[i + 1] === 0x0d && bytes[i + 2] === 0x0a) return bytes.subarray(0, i + 3);
  }
  return bytes;
};
const heads = messages.map(({ name, bytes }) => ({ name, bytes: headerBlock(bytes) }));
const headerOnly = await measure((bytes) => analyze(bytes), heads, { seconds: seconds / 2 });
console.log(JSON.stringify({
  runtime: `node ${process.version}`,
  ...result,
  header_block_only: { origins_found: headerOnly.origins_found, per_message_us: headerOnly.per_message_us, analyze: headerOnly.analyze },
}));
