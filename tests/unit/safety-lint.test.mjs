// Extension safety (issue 8), checked on the sources rather than by eye:
// - no API that turns a string into markup or code anywhere in extension/ and www/;
// - the manifest's CSP for extension pages is the strict one, directive by directive,
//   and the www page carries an equally strict one;
// - no externally_connectable (no web page can message the extension) and no
//   web_accessible_resources (no page can load the extension's files).
// (DOMParser is allowed: it builds an inert document that runs nothing and loads
// nothing; the SquirrelMail adapter reads a fetched page with it.)
// Comments are stripped first, so a comment naming an API does not fail the build,
// and the patterns are checked against lines written to trip them (see the last test).

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

/** JavaScript without its comments (strings are kept: a banned call inside one is still suspect). */
export function stripComments(code) {
  return code.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:\\'"`])\/\/.*$/gm, '$1');
}

// Each rule: a name and a pattern over comment-free source.
export const BANNED = [
  ['innerHTML', /\.innerHTML\b/],
  ['outerHTML', /\.outerHTML\b/],
  ['insertAdjacentHTML', /\binsertAdjacentHTML\b/],
  ['document.write', /\bdocument\s*\.\s*write(ln)?\b/],
  ['eval', /(^|[^.\w$])eval\s*\(/],
  ['new Function', /\bnew\s+Function\s*\(|(^|[^.\w$])Function\s*\(\s*['"`]/],
  ['setTimeout/setInterval with a string', /\bset(Timeout|Interval)\s*\(\s*['"`]/],
  ['createContextualFragment', /\bcreateContextualFragment\b/],
  ['srcdoc', /\bsrcdoc\b/],
  ['javascript: URL', /['"`]javascript:/i],
  ['import() of a computed URL', /\bimport\s*\(\s*[^'"`\s)]/],
];

const scripts = [...files(join(root, 'extension'), /\.m?js$/), ...files(join(root, 'www'), /\.m?js$/)];
// www/bench.html is `make bench`'s page, never shipped: the build drops it (checked below).
const NOT_SHIPPED = [join(root, 'www/bench.html')];
const pages = [...files(join(root, 'extension'), /\.html$/), ...files(join(root, 'www'), /\.html$/)].filter((path) => !NOT_SHIPPED.includes(path));

test('pages left out of the lint are left out of the build', () => {
  const build = readFileSync(join(root, 'scripts/build-extension.mjs'), 'utf8');
  for (const path of NOT_SHIPPED) assert.match(build, new RegExp(`rmSync\\(join\\(www, '${relative(join(root, 'www'), path)}'\\)`), `${relative(root, path)} is removed from dist/www`);
});

test('the lint sees the sources (extension pages, background, content scripts, www)', () => {
  const names = scripts.map((path) => relative(root, path));
  for (const expected of ['extension/background.js', 'extension/ui/render.js', 'extension/ui/driver.js', 'extension/content/readers.js', 'www/app.js']) {
    assert.ok(names.includes(expected), `${expected} is linted`);
  }
  assert.ok(pages.length >= 3, 'the HTML pages are linted');
});

test('no markup or code made from strings in extension/ and www/ scripts', () => {
  const hits = [];
  for (const path of scripts) {
    const lines = stripComments(readFileSync(path, 'utf8')).split('\n');
    lines.forEach((line, i) => {
      for (const [name, pattern] of BANNED) if (pattern.test(line)) hits.push(`${relative(root, path)}:${i + 1}: ${name}: ${line.trim()}`);
    });
  }
  assert.deepEqual(hits, []);
});

test('no inline script, inline handler or javascript: URL in the HTML pages', () => {
  const hits = [];
  for (const path of pages) {
    const html = readFileSync(path, 'utf8');
    for (const match of html.matchAll(/<script\b[^>]*>/gi)) {
      if (!/\bsrc=/.test(match[0])) hits.push(`${relative(root, path)}: inline <script>`);
    }
    const scriptBodies = html.match(/<script\b[^>]*\bsrc=[^>]*>\s*\S[\s\S]*?<\/script>/gi);
    if (scriptBodies) hits.push(`${relative(root, path)}: code inside a <script src>`);
    if (/\son[a-z]+\s*=/i.test(html)) hits.push(`${relative(root, path)}: inline event handler`);
    if (/javascript:/i.test(html)) hits.push(`${relative(root, path)}: javascript: URL`);
  }
  assert.deepEqual(hits, []);
});

/** A CSP string → Map(directive → [sources]). */
export function parseCsp(text) {
  const map = new Map();
  for (const part of String(text).split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) map.set(name.toLowerCase(), sources);
  }
  return map;
}

/** Problems with a CSP for pages that run our wasm: empty when strict. */
export function cspProblems(text) {
  const csp = parseCsp(text);
  const problems = [];
  const exactly = (name, wanted) => {
    const got = csp.get(name);
    if (!got) problems.push(`${name} missing`);
    else if ([...got].sort().join(' ') !== [...wanted].sort().join(' ')) problems.push(`${name} is "${got.join(' ')}", want "${wanted.join(' ')}"`);
  };
  exactly('script-src', ["'self'", "'wasm-unsafe-eval'"]);
  exactly('object-src', ["'none'"]);
  exactly('base-uri', ["'none'"]);
  exactly('default-src', ["'self'"]);
  exactly('form-action', ["'none'"]);
  for (const [name, sources] of csp) {
    for (const source of sources) {
      if (/^'unsafe-(inline|eval|hashes)'$|^\*$|^data:$|^blob:$|^http:$/i.test(source)) problems.push(`${name} allows ${source}`);
    }
  }
  // Lookups go to registries over HTTPS only; nothing else may be reached.
  const connect = csp.get('connect-src') ?? csp.get('default-src');
  if (connect && connect.some((s) => !["'self'", 'https:'].includes(s))) problems.push(`connect-src allows ${connect.join(' ')}`);
  return problems;
}

test('the manifest has a strict CSP and opens no door to web pages', () => {
  const manifest = JSON.parse(readFileSync(join(root, 'extension/manifest.json'), 'utf8'));
  const csp = manifest.content_security_policy?.extension_pages;
  assert.equal(typeof csp, 'string', 'content_security_policy.extension_pages is set');
  assert.deepEqual(cspProblems(csp), []);
  assert.equal(manifest.content_security_policy.sandbox, undefined, 'no sandboxed pages');
  assert.equal(manifest.externally_connectable, undefined, 'no web page may message the extension');
  assert.equal(manifest.web_accessible_resources, undefined, 'no web page may load the extension\'s files');
  // Content scripts (if any) only run in the ISOLATED world.
  for (const script of manifest.content_scripts ?? []) assert.notEqual(script.world, 'MAIN', JSON.stringify(script));
});

test('the www page carries the same strict CSP in a meta tag', () => {
  const html = readFileSync(join(root, 'www/index.html'), 'utf8');
  const csp = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]+)"/i.exec(html)?.[1];
  assert.ok(csp, 'www/index.html has a CSP meta tag');
  assert.deepEqual(cspProblems(csp), []);
});

test('the rules catch what they are meant to catch', () => {
  const trips = [
    'box.innerHTML = answer.name;', 'node.outerHTML = x', 'el.insertAdjacentHTML("beforeend", s)', 'document.write(s)',
    'document.writeln(s)', 'eval(code)', 'const f = new Function("a", body);', 'Function("return this")()', 'setTimeout("run()", 10)',
    "setInterval('tick()', 5)", 'range.createContextualFragment(s)',
    'frame.srcdoc = s', 'a.href = "javascript:void 0"', 'await import(url)',
  ];
  for (const line of trips) assert.ok(BANNED.some(([, pattern]) => pattern.test(stripComments(line))), `caught: ${line}`);
  const fine = [
    'node.textContent = answer.name;', 'setTimeout(() => run(), 10)', "import('./ui/render.js')", 'const evaluation = 1;',
    'retrieval(code)', '// box.innerHTML = x', '/* eval(x) */', "const url = 'https://example/' // eval(x)",
  ];
  for (const line of fine) assert.ok(!BANNED.some(([, pattern]) => pattern.test(stripComments(line))), `allowed: ${line}`);
  assert.deepEqual(cspProblems("script-src 'self' 'wasm-unsafe-eval'; object-src 'self'").length > 0, true, 'the old, laxer CSP fails');
  assert.ok(cspProblems("default-src 'self'; script-src 'self' 'wasm-unsafe-eval' 'unsafe-inline'; object-src 'none'; base-uri 'none'; form-action 'none'").length > 0);
  assert.ok(cspProblems("default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; object-src 'none'; base-uri 'none'; form-action 'none'; connect-src *").length > 0);
});
