// _locales/en and _locales/ja: the same keys, the same placeholders, a description
// for every message; every key the sources use exists; every reason, finding and
// input-error code of the wire format (docs/wire-format.md) has a translation.

import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { englishLeft } from '../support/english.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const load = (lang) => JSON.parse(readFileSync(join(root, 'extension/_locales', lang, 'messages.json'), 'utf8'));
const en = load('en');
const ja = load('ja');

function sourceFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === '_locales' ? [] : sourceFiles(path);
    return /\.(js|mjs|html|json)$/.test(name) ? [path] : [];
  });
}
const sources = [...sourceFiles(join(root, 'extension')), ...sourceFiles(join(root, 'www'))]
  .map((path) => ({ path, text: readFileSync(path, 'utf8') }));

const referenced = (entry) => [...entry.message.matchAll(/\$([A-Za-z0-9_@]+)\$/g)].map((m) => m[1].toLowerCase());

test('en and ja have the same keys', () => {
  assert.deepEqual(Object.keys(ja).sort(), Object.keys(en).sort());
});

test('every message has a description and valid key', () => {
  for (const [lang, messages] of [['en', en], ['ja', ja]]) {
    for (const [key, entry] of Object.entries(messages)) {
      assert.match(key, /^[A-Za-z0-9_]+$/, `${lang}: key ${key}`);
      assert.equal(typeof entry.message, 'string', `${lang}/${key}: message`);
      assert.ok(entry.message.trim() !== '', `${lang}/${key}: message is empty`);
      assert.ok(typeof entry.description === 'string' && entry.description.trim() !== '', `${lang}/${key}: description`);
    }
  }
});

test('en and ja declare and use the same placeholders', () => {
  for (const key of Object.keys(en)) {
    const enPlaceholders = en[key].placeholders ?? {};
    const jaPlaceholders = ja[key].placeholders ?? {};
    assert.deepEqual(jaPlaceholders && Object.fromEntries(Object.entries(jaPlaceholders).map(([n, p]) => [n, p.content])),
      Object.fromEntries(Object.entries(enPlaceholders).map(([n, p]) => [n, p.content])), `${key}: placeholder declarations`);
    assert.deepEqual([...new Set(referenced(ja[key]))].sort(), [...new Set(referenced(en[key]))].sort(), `${key}: placeholders used`);
    for (const name of referenced(en[key])) assert.ok(enPlaceholders[name], `${key}: $${name}$ is not declared`);
  }
});

test('every key used in the sources exists', () => {
  const used = new Set();
  for (const { text } of sources) {
    for (const m of text.matchAll(/data-i18n(?:-placeholder|-title|-aria-label)?="([^"]+)"/g)) used.add(m[1]);
    for (const m of text.matchAll(/__MSG_([A-Za-z0-9_]+)__/g)) used.add(m[1]);
    // t('key' …), nativeMessage('key'), renderNote(…, t('key')), PAGE_NOTES values, setStatus('key').
    for (const m of text.matchAll(/\b(?:t|nativeMessage|setStatus)\(\s*'([a-z][a-z0-9_]*)'/g)) used.add(m[1]);
    for (const m of text.matchAll(/\brichText\(t, '([a-z][a-z0-9_]*)'/g)) used.add(m[1]);
    for (const m of text.matchAll(/'(?:page-unreadable|no-raw-message)': '([a-z_]+)'/g)) used.add(m[1]);
    for (const m of text.matchAll(/\['(hops_col_[a-z_]+)'/g)) used.add(m[1]);
    for (const m of text.matchAll(/'(hops_col_[a-z_]+)'/g)) used.add(m[1]);
  }
  assert.ok(used.size > 40, `found ${used.size} keys: the scan works`);
  for (const key of used) assert.ok(en[key], `"${key}" is used but missing from _locales/en`);
});

test('the codes of the wire format are all translated', () => {
  const doc = readFileSync(join(root, 'docs/wire-format.md'), 'utf8');
  const section = (title) => {
    const start = doc.indexOf(title);
    assert.notEqual(start, -1, `docs/wire-format.md has "${title}"`);
    const end = doc.indexOf('\n## ', start + title.length);
    return doc.slice(start, end === -1 ? undefined : end);
  };
  const keys = [];
  for (const row of section('## Reason codes').matchAll(/^\| `([a-z0-9-]+)` \|/gm)) keys.push(`reason_${row[1].replace(/-/g, '_')}`);
  for (const row of section('## Findings').matchAll(/^\| \d+ \| `([a-z0-9-]+)` \|/gm)) keys.push(`finding_${row[1].replace(/-/g, '_')}`);
  for (const row of section('## Input errors').matchAll(/^\| `([a-z0-9-]+)` \|/gm)) keys.push(`error_${row[1].replace(/-/g, '_')}`);
  assert.ok(keys.length > 30, `found ${keys.length} codes: the table scan works`);
  const missing = keys.filter((key) => !en[key]);
  assert.deepEqual(missing, [], 'wire-format codes without a translation');
});

test('translations cover the params the wire format gives each code', () => {
  const doc = readFileSync(join(root, 'docs/wire-format.md'), 'utf8');
  for (const row of doc.matchAll(/^\| (?:\d+ \| )?`([a-z0-9-]+)` \|(?: [a-z]+ \|)? ([^|]*) \|/gm)) {
    const params = [...row[2].matchAll(/`([a-z_]+)`/g)].map((m) => m[1]);
    for (const prefix of ['reason', 'finding']) {
      const entry = en[`${prefix}_${row[1].replace(/-/g, '_')}`];
      if (!entry) continue;
      for (const name of referenced(entry)) assert.ok(params.includes(name), `${prefix} ${row[1]}: $${name}$ is not one of its params (${params})`);
    }
  }
});

test('every value of the enumerations the renderer translates has a message', () => {
  const families = {
    confidence: ['high', 'medium', 'low'],
    auth_verdict: ['verified', 'forged', 'unknown'],
    auth_meaning: ['verified', 'forged', 'unknown'],
    class: ['internal', 'handoff', 'claimed'],
    class_help: ['internal', 'handoff', 'claimed'],
    severity: ['error', 'warning', 'info'],
    service_kind: ['mailbox', 'esp'],
    error: ['internal', 'no-raw-message', 'page-unreadable'],
    // RFC 8601 result words, request outcomes, why a domain was looked up, known-provider kinds
    auth_result: ['pass', 'fail', 'softfail', 'neutral', 'none', 'temperror', 'permerror', 'policy', 'bestguesspass'],
    outcome: ['timeout', 'error', 'refused-too-large'],
    domain_why: ['from-authenticated', 'return-path', 'dkim-signer', 'reply-to'],
    provider_kind: ['ns', 'host', 'net'],
  };
  for (const [prefix, values] of Object.entries(families)) {
    for (const value of values) assert.ok(en[`${prefix}_${value.replace(/-/g, '_')}`], `${prefix}_${value}`);
  }
});

test('store limits: name ≤ 75 and description ≤ 132 characters in every language', () => {
  for (const [lang, messages] of [['en', en], ['ja', ja]]) {
    assert.ok(messages.ext_name.message.length <= 75, `${lang}: ext_name`);
    assert.ok(messages.ext_description.message.length <= 132, `${lang}: ext_description`);
  }
});

test('every finding/note id and party role of the lookup wire format is translated', () => {
  const doc = readFileSync(join(root, 'docs/lookup-wire-format.md'), 'utf8');
  const start = doc.indexOf('| id | params | English text |');
  assert.notEqual(start, -1, 'docs/lookup-wire-format.md has the Warning table');
  const rows = [...doc.slice(start).matchAll(/^\| ([a-z0-9-]+) \| ([^|]*) \| [^|]* \|$/gm)].filter((m) => m[1] !== 'id');
  assert.ok(rows.length > 50, `found ${rows.length} ids: the table scan works`);
  for (const [, id, params] of rows) {
    const key = `lookup_${id.replace(/-/g, '_')}`;
    assert.ok(en[key], `${key} is missing`);
    const allowed = params.split(',').map((p) => p.trim());
    for (const name of referenced(en[key])) assert.ok(allowed.includes(name), `${key}: $${name}$ is not one of its params (${allowed})`);
  }
  const roles = /`role` \| ([^|]*) \|/.exec(doc)?.[1].match(/`([a-z-]+)`/g)?.map((r) => r.slice(1, -1)) ?? [];
  assert.ok(roles.length >= 7, `found roles ${roles}`);
  for (const role of roles) assert.ok(en[`role_${role.replace(/-/g, '_')}`], `role_${role}`);
});

test('no English left in the Japanese messages but addresses, hosts and technical tokens', () => {
  const leaks = Object.entries(ja)
    .map(([key, entry]) => [key, englishLeft(entry.message.replace(/\$[A-Za-z0-9_]+\$/g, ' '))])
    .filter(([, words]) => words.length);
  assert.deepEqual(leaks, []);
  // The checker has teeth: plain English is caught, the allow-listed shapes are not.
  assert.deepEqual(englishLeft('照会中 timeout'), ['timeout']);
  assert.deepEqual(englishLeft('abuse@microsoft.com 13.64.0.0/11 2001:db8::1 mx.example.jp NET-13-64-0-0-1 AS8075 TLSv1.3 ESMTPS DKIM s=sel'), []);
});

test("every sending-account key the core reports has a label (crates/core/src/analysis.rs ACCOUNT_HEADERS)", () => {
  const source = readFileSync(join(root, 'crates/core/src/analysis.rs'), 'utf8');
  const table = /const ACCOUNT_HEADERS[^=]*= &\[([^\]]*)\]/.exec(source)?.[1] ?? '';
  const keys = [...table.matchAll(/\("[^"]+", "([a-z_]+)"\)/g)].map((m) => m[1]);
  assert.ok(keys.length >= 10, `found ${keys.length} account keys: the scan works`);
  assert.deepEqual(keys.filter((key) => !en[`account_${key}`]), []);
});
