// The pure parts of the renderer (the DOM parts run in the e2e tests).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { makeTranslator } from '../../extension/ui/i18n.js';
import { formatDelay } from '../../extension/ui/render.js';

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
