// The pure parts of the renderer (the DOM parts run in the e2e tests).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { makeTranslator } from '../../extension/ui/i18n.js';
import { formatDelay, partyWhy } from '../../extension/ui/render.js';

const load = (lang) => JSON.parse(readFileSync(new URL(`../../extension/_locales/${lang}/messages.json`, import.meta.url), 'utf8'));
const en = makeTranslator('en', load('en'));
const ja = makeTranslator('ja', load('ja'), load('en'));

test('delays read naturally in both languages, negative ones keep their sign', () => {
  assert.equal(formatDelay(en, 2), '2 s');
  assert.equal(formatDelay(en, 185), '3 min 5 s');
  assert.equal(formatDelay(en, 7800), '2 h 10 min');
  assert.equal(formatDelay(en, 100800), '1 d 4 h');
  assert.equal(formatDelay(en, -30), '−30 s');
  assert.equal(formatDelay(ja, 185), '3分5秒');
  assert.equal(formatDelay(ja, 0), '0秒');
  assert.equal(formatDelay(en, null), '');
  assert.equal(formatDelay(en, Number.NaN), '');
});

test("a national channel's reason is the UI's own translation, not the core's English note", () => {
  const why = { id: 'why-national-channel', params: { note: 'Collects spam (English note)', provider: 'dekyo' }, text: 'Collects spam (English note)' };
  assert.match(partyWhy(ja, why), /特定電子メール法/);
  assert.doesNotMatch(partyWhy(ja, why), /English note/);
  assert.match(partyWhy(en, why), /Specified Electronic Mail/);
  // An unknown provider keeps the core's text rather than showing nothing.
  assert.equal(partyWhy(en, { ...why, params: { ...why.params, provider: 'unknown-x' } }), 'Collects spam (English note)');
});
