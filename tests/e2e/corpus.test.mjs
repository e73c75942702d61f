// Real messages from the shared corpus, read in place (never copied into the repo):
// simple chains whose origin is not in question, through the toolbar path and the
// www upload. Skipped when ../shared/corpus/dev is not there.

import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startServer } from '../../scripts/serve.mjs';
import { launch, launchWww, root } from './harness.mjs';

const CORPUS = join(root, '../shared/corpus/dev');
const skip = existsSync(join(CORPUS, 'labels.tsv')) ? false : 'no ../shared/corpus/dev';

// file → origin IP from labels.tsv. Chosen because the chain is short and plain:
// a self-hosted sendmail receiving straight from the sender, and Gmail receiving
// from Google's own outbound relay.
const TOOLBAR_CASES = {
  '002-foff-milter.eml': '93.99.105.31',
  '048-phishing_pot.eml': '209.85.220.41',
};

let browser;
let www;
let corpus;
before(async () => {
  if (skip) return;
  browser = await launch();
  www = await launchWww();
  corpus = await startServer(CORPUS);
});
after(async () => {
  await browser?.close();
  await www?.close();
  await corpus?.close();
});

for (const [file, ip] of Object.entries(TOOLBAR_CASES)) {
  test(`corpus ${file} opened as a raw page: the popup shows ${ip}`, { skip }, async () => {
    const { page, popup } = await browser.traceInPopup(`${corpus.url}${file}`);
    assert.equal((await popup.locator('[data-testid=origin-ip]').textContent()).trim(), ip);
    assert.ok(await popup.locator('[data-testid=hop]').count() >= 2);
    await popup.close();
    await page.close();
    browser.assertClean();
  });
}

test('corpus 159-sisimai.eml uploaded to www: the ISO-2022-JP subject is decoded', { skip }, async () => {
  const page = await www.context.newPage();
  await page.goto(www.server.url);
  await page.locator('[data-testid=trace-button]:not(:empty)').waitFor();
  await page.locator('[data-testid=file-input]').setInputFiles(join(CORPUS, '159-sisimai.eml'));
  await page.locator('[data-testid=subject]').waitFor();
  assert.equal((await page.locator('[data-testid=subject]').textContent()).trim(), 'Undeliverable: ネコニャーン');
  assert.equal((await page.locator('[data-testid=origin-ip]').textContent()).trim(), '40.92.253.45');
  await page.close();
  www.assertClean();
});

test('every dev corpus message renders in the www page without an error', { skip }, async () => {
  const page = await www.context.newPage();
  await page.goto(www.server.url);
  await page.locator('[data-testid=trace-button]:not(:empty)').waitFor();
  const files = readdirSync(CORPUS).filter((name) => name.endsWith('.eml')).sort();
  // One round trip: the messages go over as base64, the page analyses and renders
  // each in English and Japanese and reports back.
  const outcomes = await page.evaluate(async (messages) => {
    const [{ analyzeMessage }, { renderRecord }, { loadTranslator }] = await Promise.all([
      import('./ui/engine.js'), import('./ui/render.js'), import('./ui/i18n.js'),
    ]);
    const base = new URL('./', location.href);
    const translators = [await loadTranslator(base, 'en'), await loadTranslator(base, 'ja')];
    const box = document.createElement('div');
    const results = [];
    for (const [file, base64] of messages) {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const record = await analyzeMessage(bytes, { source: 'file' });
      for (const t of translators) renderRecord(box, record, t);
      results.push({ file, error: record.error?.name ?? null, hops: box.querySelectorAll('[data-testid=hop]').length });
    }
    return results;
  }, files.map((file) => [file, readFileSync(join(CORPUS, file)).toString('base64')]));
  assert.equal(outcomes.length, files.length);
  for (const outcome of outcomes) assert.equal(outcome.error, null, `${outcome.file}: ${outcome.error}`);
  const traced = outcomes.filter((outcome) => outcome.hops > 0).length;
  assert.ok(traced >= files.length - 2, `${traced} of ${files.length} messages show hops`);
  await page.close();
  www.assertClean();
});
