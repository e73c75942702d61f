// Loads the optimised wasm once under node before anything ships it: a broken
// wasm-opt (Debian's binaryen 108 breaks the externref table) fails here, not in a browser.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { join, resolve } from 'node:path';

const pkg = resolve(process.argv[2] ?? 'build/pkg');
const mod = await import(pathToFileURL(join(pkg, 'sendertrace_wasm.js')).href);
mod.initSync({ module: readFileSync(join(pkg, 'sendertrace_wasm_bg.wasm')) });
const result = mod.analyze(
  'Received: from a.example (a.example [198.51.100.7]) by mx.example.org with ESMTP id x; Mon, 2 Nov 2026 10:00:00 +0000\r\nSubject: check\r\n\r\n',
);
if (result?.origin?.ip !== '198.51.100.7') {
  console.error('optimised wasm gave an unexpected result:', JSON.stringify(result));
  process.exit(1);
}
console.log(`wasm ok: ${pkg} (core ${mod.version()})`);
