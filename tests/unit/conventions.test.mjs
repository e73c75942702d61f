// House rules that a reviewer would otherwise check by eye.

import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
function files(dir, pattern) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path, pattern) : pattern.test(name) ? [path] : [];
  });
}
const scripts = [...files(join(root, 'extension'), /\.m?js$/), ...files(join(root, 'www'), /\.m?js$/)];

test('no markup injection or code from strings in extension/ and www/', () => {
  const banned = /\.(innerHTML|outerHTML)\b|insertAdjacentHTML|\beval\(|new Function\b|document\.write/;
  for (const path of scripts) assert.doesNotMatch(readFileSync(path, 'utf8'), banned, relative(root, path));
});

test('only lib/browser.js touches chrome.* / browser.*', () => {
  for (const path of scripts) {
    if (path.endsWith(join('lib', 'browser.js'))) continue;
    if (path.endsWith(join('content', 'watch.js'))) continue; // checked on its own below
    const code = readFileSync(path, 'utf8').replace(/\/\/.*$/gm, '').replace(/\/\*[\s\S]*?\*\//g, '');
    assert.doesNotMatch(code, /\b(chrome|browser)\.(runtime|tabs|scripting|storage|i18n|windows|contextMenus|menus|action)\b/, relative(root, path));
  }
});

test('the manifest asks for no more than the four permissions and only the host access docs/permissions.md justifies', () => {
  const manifest = JSON.parse(readFileSync(join(root, 'extension/manifest.json'), 'utf8'));
  assert.deepEqual([...manifest.permissions].sort(), ['activeTab', 'contextMenus', 'scripting', 'storage']);
  // Only hosts that must be reached without CORS (RDAP servers and dns.google send
  // Access-Control-Allow-Origin: *); each one is justified in docs/permissions.md.
  assert.deepEqual(manifest.host_permissions, ['https://whois.nic.ad.jp/*']);
  const justified = readFileSync(join(root, 'docs/permissions.md'), 'utf8');
  for (const host of manifest.host_permissions) assert.ok(justified.includes(host), `${host} is justified in docs/permissions.md`);
  // The CSP itself is checked directive by directive in safety-lint.test.mjs.
});

test('no top-level await in the background', () => {
  const code = readFileSync(join(root, 'extension/background.js'), 'utf8');
  for (const line of code.split('\n')) assert.doesNotMatch(line, /^(?:const .*= )?await\b/, line);
});

test('every webmail adapter names an existing test page and is registered in the background', () => {
  const dir = join(root, 'extension/content/adapters');
  const background = readFileSync(join(root, 'extension/background.js'), 'utf8');
  const registered = /const ADAPTERS = \[([^\]]*)\]/.exec(background)?.[1].split(',').map((name) => name.trim()) ?? [];
  for (const name of readdirSync(dir).filter((file) => file.endsWith('.js'))) {
    const code = readFileSync(join(dir, name), 'utf8');
    const page = /Test page: (\S+)/.exec(code)?.[1];
    assert.ok(page, `${name} lists its test page`);
    assert.ok(statSync(join(root, page), { throwIfNoEntry: false })?.isFile(), `${name}: ${page} exists`);
    const module = name.replace(/\.js$/, '');
    assert.match(background, new RegExp(`import \\* as ${module} from './content/adapters/${name}'`), `${name} is imported`);
    assert.ok(registered.includes(module), `${name} is in ADAPTERS`);
    for (const fn of ['readOriginal']) assert.match(code, new RegExp(`export (async )?function ${fn}\\b`), `${name} exports ${fn}`);
  }
});

test('content/watch.js, injected into a tab, uses the extension API for one signal only', () => {
  // The watcher must wake the background after the popup closed; it sends one message
  // with no page data (see content/watch.js). Nothing else in content/ may reach the API.
  const code = readFileSync(join(root, 'extension/content/watch.js'), 'utf8').replace(/\/\/.*$/gm, '');
  const uses = [...code.matchAll(/\.(runtime|tabs|scripting|storage|i18n|windows|contextMenus|menus|action)\.(\w+)/g)].map((m) => `${m[1]}.${m[2]}`);
  assert.deepEqual(uses, ['runtime.sendMessage']);
  assert.match(code, /sendMessage\(\{ type: 'source-appeared' \}\)/, 'the message carries nothing but its type');
  for (const path of files(join(root, 'extension/content'), /\.js$/)) {
    if (path.endsWith(join('content', 'watch.js'))) continue;
    assert.doesNotMatch(readFileSync(path, 'utf8'), /\b(chrome|browser|api)\.runtime\b|globalThis\.(chrome|browser)\b/, relative(root, path));
  }
});

test('every webmail adapter\'s test pages are traced by e2e tests through the toolbar and the menu', () => {
  const e2e = files(join(root, 'tests/e2e'), /\.test\.mjs$/).map((path) => readFileSync(path, 'utf8'));
  const fixtures = join(root, 'tests/e2e/fixtures');
  for (const name of readdirSync(join(root, 'extension/content/adapters')).filter((file) => file.endsWith('.js'))) {
    // Every fixture page the adapter's header names ("Test page: …" and any further ones).
    const pages = [...readFileSync(join(root, 'extension/content/adapters', name), 'utf8').matchAll(/tests\/e2e\/fixtures\/[\w./-]+\w/g)].map((m) => m[0]);
    assert.ok(pages.length > 0, `${name} names its test pages`);
    const tests = e2e.filter((code) => pages.some((page) => {
      const rel = relative(fixtures, join(root, page)).split('\\').join('/');
      // Loaded by path ('webmail/outlook/mail.html'), by URL (…}mail/u/0/) or by folder.
      return [rel, rel.replace(/index\.html$/, ''), `${dirname(rel)}/`].some((fragment) => new RegExp(`['\`/}]${fragment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`).test(code));
    }));
    assert.ok(tests.some((code) => /openPopup\(|traceInPopup\(|popup\.html\?tab=/.test(code)), `${name}: traced through the toolbar popup`);
    assert.ok(tests.some((code) => /clickMenu\(|onContextMenuClick\(/.test(code)), `${name}: traced through "Trace sender"`);
  }
});
