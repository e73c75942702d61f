// Size budget of what the extension ships to run the core: the optimised wasm plus
// its JS glue, gzipped, must stay within 250 KB (issue #7). Size is deterministic,
// so this is a test, not a benchmark. Prints the figures either way.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';

const BUDGET = 250_000;
const pkg = process.argv[2] ?? 'build/pkg';
const files = ['sendertrace_wasm_bg.wasm', 'sendertrace_wasm.js'];
let total = 0;
for (const name of files) {
  const raw = readFileSync(join(pkg, name));
  const gz = gzipSync(raw, { level: 9 }).length;
  total += gz;
  console.log(`${name}: ${raw.length} bytes raw, ${gz} bytes gzipped`);
}
console.log(`wasm + glue gzipped: ${total} bytes (budget ${BUDGET})`);
if (total > BUDGET) {
  console.error(`size budget exceeded by ${total - BUDGET} bytes`);
  process.exit(1);
}
