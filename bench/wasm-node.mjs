#!/usr/bin/env node
// The shipped wasm (build/pkg from `make build`) under node, over every *.eml of the
// corpus folder (read in place): see bench/measure.mjs for what is measured.
// usage: node bench/wasm-node.mjs [CORPUS_DIR] [SECONDS]   → one line of JSON
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { measure } from './measure.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dir = resolve(process.argv[2] ?? join(root, '..', 'shared', 'corpus', 'dev'));
const seconds = Number(process.argv[3] ?? 4);
const pkg = join(root, 'build', 'pkg');

const { initSync, analyze } = await import(pathToFileURL(join(pkg, 'sendertrace_wasm.js')).href);
initSync({ module: readFileSync(join(pkg, 'sendertrace_wasm_bg.wasm')) });

const names = readdirSync(dir).filter((n) => n.endsWith('.eml')).sort();
if (!names.length) {
  console.error(`no *.eml files in ${dir}`);
  process.exit(2);
}
const messages = names.map((name) => ({ name, bytes: new Uint8Array(readFileSync(join(dir, name))) }));
const result = await measure((bytes) => analyze(bytes), messages, { seconds });
console.log(JSON.stringify({ runtime: `node ${process.version}`, ...result }));
