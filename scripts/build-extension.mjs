#!/usr/bin/env node
// Assembles the browser builds from one source tree:
//   dist/chrome      Chrome MV3 (module service worker)
//   dist/firefox     Firefox MV3 (module background script, gecko settings)
//   dist/www         standalone page: www/ + extension/ui + _locales + the wasm
//   dist/chrome-e2e  TEST ONLY: dist/chrome plus host access to http://127.0.0.1/* and
//                    the webmail hosts the adapter tests route to local files, because
//                    Playwright cannot click the toolbar and so cannot grant activeTab.
//                    Never zipped, never shipped.
// With --zip it also writes dist/sendertrace-chrome.zip and dist/sendertrace-firefox.zip.
// The icons are drawn here (no third-party art, no binary files in the source tree).
//
// usage: node scripts/build-extension.mjs [--zip]

import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateRawSync, deflateSync } from 'node:zlib';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'extension');
const pkg = join(root, 'build', 'pkg');
const dist = join(root, 'dist');
const WASM_FILES = ['sendertrace_wasm.js', 'sendertrace_wasm_bg.wasm'];
const GECKO_ID = 'sendertrace@sendertrace.invalid';
const ICON_SIZES = [16, 32, 48, 128];

// --- CRC-32 (ISO 3309), shared by PNG and ZIP ---------------------------------
const CRC_TABLE = new Uint32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

// --- icons: an envelope on a rounded blue square, with a trace arrow ----------
function iconCoverage(x, y) {
  // Unit coordinates; returns [r, g, b, a] for one sample point.
  const inRounded = (x0, y0, x1, y1, r) => {
    const cx = Math.min(Math.max(x, x0 + r), x1 - r);
    const cy = Math.min(Math.max(y, y0 + r), y1 - r);
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r && x >= x0 && x <= x1 && y >= y0 && y <= y1;
  };
  if (!inRounded(0.02, 0.02, 0.98, 0.98, 0.2)) return [0, 0, 0, 0];
  const blue = [11, 92, 173, 255];
  const white = [255, 255, 255, 255];
  const orange = [255, 176, 32, 255];
  // Envelope body.
  const ex0 = 0.16, ey0 = 0.3, ex1 = 0.7, ey1 = 0.72;
  if (x >= ex0 && x <= ex1 && y >= ey0 && y <= ey1) {
    // The flap: a V from the top corners to the middle, drawn as a blue stroke.
    const mid = (ex0 + ex1) / 2;
    const flapY = ey0 + (0.52 - ey0) * (1 - Math.abs(x - mid) / (mid - ex0));
    if (Math.abs(y - flapY) < 0.035) return blue;
    return white;
  }
  // Trace arrow: from the envelope to the top right corner.
  const ax = x - 0.6, ay = 0.62 - y; // along the diagonal
  const along = (ax + ay) / Math.SQRT2, across = (ax - ay) / Math.SQRT2;
  if (along > 0 && along < 0.3 && Math.abs(across) < 0.045) return orange;
  const tipX = 0.86, tipY = 0.2;
  const dx = x - tipX, dy = y - tipY;
  if (dx <= 0.02 && dy >= -0.02 && -dx + dy < 0.2) return orange;
  return blue;
}

function drawIcon(size) {
  const SS = 4; // supersampling per axis
  const raw = Buffer.alloc((size * 4 + 1) * size);
  for (let py = 0; py < size; py++) {
    raw[py * (size * 4 + 1)] = 0; // filter: none
    for (let px = 0; px < size; px++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = 0; sy < SS; sy++) {
        for (let sx = 0; sx < SS; sx++) {
          const [cr, cg, cb, ca] = iconCoverage((px + (sx + 0.5) / SS) / size, (py + (sy + 0.5) / SS) / size);
          r += cr * ca; g += cg * ca; b += cb * ca; a += ca;
        }
      }
      const o = py * (size * 4 + 1) + 1 + px * 4;
      raw[o] = a ? Math.round(r / a) : 0;
      raw[o + 1] = a ? Math.round(g / a) : 0;
      raw[o + 2] = a ? Math.round(b / a) : 0;
      raw[o + 3] = Math.round(a / (SS * SS));
    }
  }
  const chunk = (type, data) => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(data.length, 0);
    head.write(type, 4, 'latin1');
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
    return Buffer.concat([head, data, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0)),
  ]);
}

// --- zip (stored paths, deflate, fixed timestamps for reproducible archives) ---
function listFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...listFiles(path));
    else out.push(path);
  }
  return out;
}

function writeZip(dir, zipPath) {
  const locals = [];
  const central = [];
  let offset = 0;
  const DOS_TIME = 0, DOS_DATE = (1 << 5) | 1; // 1980-01-01 00:00
  for (const file of listFiles(dir)) {
    const name = Buffer.from(relative(dir, file).split(sep).join('/'), 'utf8');
    const data = readFileSync(file);
    const packed = deflateRawSync(data, { level: 9 });
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    locals.push(local, name, packed);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(20, 4);
    entry.writeUInt16LE(20, 6);
    entry.writeUInt16LE(0x0800, 8);
    entry.writeUInt16LE(8, 10);
    entry.writeUInt16LE(DOS_TIME, 12);
    entry.writeUInt16LE(DOS_DATE, 14);
    entry.writeUInt32LE(crc, 16);
    entry.writeUInt32LE(packed.length, 20);
    entry.writeUInt32LE(data.length, 24);
    entry.writeUInt16LE(name.length, 28);
    entry.writeUInt32LE(offset, 42);
    central.push(entry, name);
    offset += local.length + name.length + packed.length;
  }
  const centralBytes = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  const count = central.length / 2;
  end.writeUInt16LE(count, 8);
  end.writeUInt16LE(count, 10);
  end.writeUInt32LE(centralBytes.length, 12);
  end.writeUInt32LE(offset, 16);
  writeFileSync(zipPath, Buffer.concat([...locals, centralBytes, end]));
  return statSync(zipPath).size;
}

// --- manifests -----------------------------------------------------------------
function firefoxManifest(base) {
  const manifest = structuredClone(base);
  // Firefox MV3 runs background scripts (an event page), not a service worker.
  manifest.background = { scripts: [base.background.service_worker], type: 'module' };
  delete manifest.minimum_chrome_version;
  manifest.browser_specific_settings = {
    gecko: {
      id: GECKO_ID,
      // data_collection_permissions needs 140 (Android 142); see TOOLCHAIN.md.
      strict_min_version: '142.0',
      data_collection_permissions: { required: ['none'] },
    },
  };
  return manifest;
}

// The webmail hosts the adapter tests load their fixture pages under (Playwright
// routes them to local files; tests/e2e/adapter-*.test.mjs).
const E2E_WEBMAIL_HOSTS = [
  'https://mail.google.com/*', 'https://outlook.live.com/*', 'https://outlook.office.com/*',
  'https://mail.yahoo.com/*', 'https://mail.yahoo.co.jp/*', 'https://webmail.example.jp/*', 'https://webmail.example.net/*',
];

function e2eManifest(base) {
  const manifest = structuredClone(base);
  manifest.host_permissions = [...(base.host_permissions ?? []), 'http://127.0.0.1/*', ...E2E_WEBMAIL_HOSTS];
  manifest.description = 'TEST BUILD for the end-to-end tests (host access to 127.0.0.1). Do not install.';
  return manifest;
}

// --- assemble ------------------------------------------------------------------
function copyTree(from, to) {
  cpSync(from, to, { recursive: true, filter: (path) => !path.endsWith('~') && !path.split(sep).includes('.DS_Store') });
}

function writeJson(path, value) {
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
}

function main() {
  const zip = process.argv.includes('--zip');
  for (const file of WASM_FILES) {
    if (!existsSync(join(pkg, file))) {
      console.error(`missing ${relative(root, join(pkg, file))}: run "make wasm" first`);
      process.exit(1);
    }
  }
  const base = JSON.parse(readFileSync(join(src, 'manifest.json'), 'utf8'));
  const icons = new Map(ICON_SIZES.map((size) => [`icon-${size}.png`, drawIcon(size)]));

  const addShared = (dir, withExtensionFiles) => {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    if (withExtensionFiles) {
      for (const name of readdirSync(src)) if (name !== 'manifest.json') copyTree(join(src, name), join(dir, name));
    } else {
      copyTree(join(src, 'ui'), join(dir, 'ui'));
      copyTree(join(src, '_locales'), join(dir, '_locales'));
    }
    mkdirSync(join(dir, 'pkg'), { recursive: true });
    for (const file of WASM_FILES) copyTree(join(pkg, file), join(dir, 'pkg', file));
    mkdirSync(join(dir, 'icons'), { recursive: true });
    for (const [name, png] of icons) writeFileSync(join(dir, 'icons', name), png);
  };

  const builds = [
    ['chrome', base],
    ['firefox', firefoxManifest(base)],
    ['chrome-e2e', e2eManifest(base)],
  ];
  for (const [name, manifest] of builds) {
    const dir = join(dist, name);
    addShared(dir, true);
    writeJson(join(dir, 'manifest.json'), manifest);
  }
  const www = join(dist, 'www');
  addShared(www, false);
  copyTree(join(root, 'www'), www);
  // www/bench.html is `make bench`'s page (bench/wasm-chromium.mjs), not the product.
  rmSync(join(www, 'bench.html'), { force: true });
  console.log(`built ${builds.map(([name]) => `dist/${name}`).join(', ')}, dist/www`);

  if (zip) {
    for (const name of ['chrome', 'firefox']) {
      const zipPath = join(dist, `sendertrace-${name}.zip`);
      const size = writeZip(join(dist, name), zipPath);
      console.log(`wrote ${relative(root, zipPath)} (${(size / 1024).toFixed(1)} KiB)`);
    }
  }
}

main();
