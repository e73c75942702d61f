import assert from 'node:assert/strict';
import { test } from 'node:test';
import { codeKey, makeTranslator, pickLanguage } from '../../extension/ui/i18n.js';

const messages = {
  greet: { message: 'Hello $NAME$, $$5 from $IP$', description: 'd', placeholders: { name: { content: '$1' }, ip: { content: '$2' } } },
  plain: { message: 'Plain', description: 'd' },
};
const english = { only_en: { message: 'English only', description: 'd' } };

test('named and positional params fill placeholders', () => {
  const t = makeTranslator('en', messages, english);
  assert.equal(t('greet', { name: 'Hanako', ip: '203.0.113.7' }), 'Hello Hanako, $5 from 203.0.113.7');
  assert.equal(t('greet', ['Taro', '198.51.100.1']), 'Hello Taro, $5 from 198.51.100.1');
  assert.equal(t('greet', {}), 'Hello , $5 from ');
});

test('missing keys fall back to English, then to the given text, then to the key', () => {
  const t = makeTranslator('ja', messages, english);
  assert.equal(t('only_en'), 'English only');
  assert.equal(t('reason_new_code', {}, 'core text'), 'core text');
  assert.equal(t('nope'), 'nope');
  assert.equal(t.has('plain'), true);
  assert.equal(t.has('nope'), false);
  assert.equal(t.lang, 'ja');
});

test('params are text, never markup', () => {
  const t = makeTranslator('en', messages);
  assert.equal(t('greet', { name: '<img src=x onerror=alert(1)>', ip: '$1' }), 'Hello <img src=x onerror=alert(1)>, $5 from $1');
});

test('language choice: first supported tag wins, English otherwise', () => {
  assert.equal(pickLanguage('ja-JP'), 'ja');
  assert.equal(pickLanguage(null, undefined, 'en-GB'), 'en');
  assert.equal(pickLanguage('fr', ['de-DE', 'ja']), 'ja');
  assert.equal(pickLanguage('fr'), 'en');
  assert.equal(pickLanguage(), 'en');
});

test('wire-format codes map to message keys', () => {
  assert.equal(codeKey('reason', 'private-address'), 'reason_private_address');
  assert.equal(codeKey('error', 'not-a-header-block'), 'error_not_a_header_block');
});
