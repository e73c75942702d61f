// The standalone page: upload or drop an .eml (ISO-2022-JP subject, decoded through
// the browser's TextDecoder), paste headers, and the error for prose.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fixtures, launchWww, ORIGIN_IP, HOP_COUNT } from './harness.mjs';

const SUBJECT = 'テスト件名：日本語の題名';
const ISO_FILE = join(fixtures, 'iso-2022-jp.eml');

let www;
before(async () => { www = await launchWww(); });
after(async () => { await www?.close(); });

async function openPage(query = '') {
  const page = await www.context.newPage();
  await page.goto(`${www.server.url}${query}`);
  await page.locator('[data-testid=trace-button]:not(:empty)').waitFor();
  return page;
}

test('upload an .eml with an ISO-2022-JP subject: the subject is shown decoded', async () => {
  const page = await openPage();
  await page.locator('[data-testid=file-input]').setInputFiles(ISO_FILE);
  await page.locator('[data-testid=origin-ip]').waitFor();
  assert.equal((await page.locator('[data-testid=origin-ip]').textContent()).trim(), '198.51.100.23');
  assert.equal((await page.locator('[data-testid=subject]').textContent()).trim(), SUBJECT);
  await page.close();
  www.assertClean();
});

test('drop an .eml on the page: the subject is shown decoded', async () => {
  const page = await openPage('?lang=ja');
  const bytes = [...readFileSync(ISO_FILE)];
  const dataTransfer = await page.evaluateHandle((content) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([new Uint8Array(content)], 'spam.eml', { type: 'message/rfc822' }));
    return transfer;
  }, bytes);
  await page.dispatchEvent('[data-testid=drop-zone]', 'dragover', { dataTransfer });
  await page.dispatchEvent('[data-testid=drop-zone]', 'drop', { dataTransfer });
  await page.locator('[data-testid=subject]').waitFor();
  assert.equal((await page.locator('[data-testid=subject]').textContent()).trim(), SUBJECT);
  assert.match(await page.locator('[data-testid=status]').textContent(), /spam\.eml/);
  await page.close();
  www.assertClean();
});

test('paste headers, then prose', async () => {
  const page = await openPage();
  await page.locator('[data-testid=paste-input]').fill(readFileSync(join(fixtures, 'provider-chain.eml'), 'utf8'));
  await page.locator('[data-testid=trace-button]').click();
  await page.locator('[data-testid=origin-ip]').waitFor();
  assert.equal((await page.locator('[data-testid=origin-ip]').textContent()).trim(), ORIGIN_IP);
  assert.equal(await page.locator('[data-testid=hop]').count(), HOP_COUNT);
  await page.locator('[data-testid=paste-input]').fill('Just a sentence, not a message.');
  await page.locator('[data-testid=trace-button]').click();
  await page.locator('[data-testid=error]').waitFor();
  assert.equal(await page.locator('[data-testid=origin-ip]').count(), 0);
  await page.close();
  www.assertClean();
});

test('the renderer copes with missing, null and future fields and renders reason codes translated', async () => {
  const page = await openPage('?lang=ja');
  const outcome = await page.evaluate(async () => {
    const { renderRecord } = await import('./ui/render.js');
    const { loadTranslator } = await import('./ui/i18n.js');
    const t = await loadTranslator(new URL('./', location.href), 'ja');
    const box = document.createElement('div');
    document.body.append(box);
    const shapes = [
      { ok: true, analysis: {} },
      { ok: true, analysis: null },
      { ok: true, analysis: { origin: null, hops: [{}, null, { class: 'mystery', reason: { code: 'new-code', params: {}, text: 'future text' } }], auth: {}, identities: null, findings: [{}, null], service: {} } },
      { ok: false, error: { name: 'something-new' } },
      { ok: false },
      null,
    ];
    for (const record of shapes) renderRecord(box, record, t);
    // A full record in the documented shape (docs/wire-format.md).
    renderRecord(box, { ok: true, core: '9.9.9', analysis: {
      origin: { ip: '203.0.113.7', host: 'mail.example.net', hop: 1, confidence: 'high',
        reasons: [{ code: 'origin-handoff', params: { ip: '203.0.113.7', provider: 'example.jp' }, text: 'English' }] },
      hops: [
        { index: 0, from_host: 'mx.example.jp', from_ip: '10.0.0.5', by_host: 'mbox.example.jp', protocol: 'LMTP', timestamp: 1793682932, delay_seconds: 2, class: 'internal', reason: { code: 'private-address', params: { ip: '10.0.0.5' }, text: 'English' } },
        { index: 1, from_host: 'mail.example.net', from_ip: '203.0.113.7', from_rdns: 'mail.example.net', helo: 'x.example.net', by_host: 'mx.example.jp', protocol: 'ESMTPS', tls: 'TLSv1.3', authenticated: false, timestamp: 1793682930, delay_seconds: -4000, class: 'handoff', reason: { code: 'handoff', params: { ip: '203.0.113.7', by: 'mx.example.jp' }, text: 'English' } },
      ],
      auth: { verdict: 'forged', from_domain: 'bank.example', aligned: false, spf: 'fail', spf_domain: 'example.net', dkim: [{ result: 'none', domain: null, selector: null }], dmarc: 'fail', arc: null, authserv_id: 'mx.example.jp', reasons: [{ code: 'auth-dmarc-fail', params: { domain: 'bank.example' }, text: 'English' }] },
      identities: { from: 'a@bank.example', from_name: '<b>銀行</b>', subject: '<script>x</script>', dkim_domains: [] },
      service: { id: 'gmail', name: 'Gmail', kind: 'mailbox', account: { authenticated_sender: 'x@gmail.com' }, client_ip: null },
      findings: [{ code: 1011, id: 'from-forged', severity: 'warning', params: { domain: 'bank.example' }, text: 'English' }],
      stamps: [
        { header: 'Received-SPF', ip: '203.0.113.7', field: 'client-ip', authserv_id: null, agrees_with_origin: true },
        { header: 'X-Originating-IP', ip: '198.51.100.9', field: 'value', authserv_id: null, agrees_with_origin: false },
        { header: 'X-Odd', ip: null },
      ],
    } }, t);
    return {
      text: box.textContent,
      scripts: box.querySelectorAll('script, b').length,
      hops: box.querySelectorAll('[data-testid=hop]').length,
      stamps: [...box.querySelectorAll('[data-testid=stamp]')].map((node) => node.textContent),
      ip: box.querySelector('[data-testid=origin-ip]')?.textContent,
    };
  });
  assert.equal(outcome.ip, '203.0.113.7');
  assert.equal(outcome.hops, 2);
  assert.deepEqual(outcome.stamps, ['Received-SPF (client-ip) 203.0.113.7 — 同じアドレス', 'X-Originating-IP (value) 198.51.100.9 — 異なるアドレス']);
  assert.equal(outcome.scripts, 0, 'header text is never markup');
  assert.match(outcome.text, /<script>x<\/script>/);
  assert.match(outcome.text, /203\.0\.113\.7 が受信者のメール事業者（example\.jp）にこのメールを渡しました/);
  assert.match(outcome.text, /差出人アドレスは偽装されています/);
  assert.match(outcome.text, /受け渡し/);
  assert.doesNotMatch(outcome.text, /English/, 'known codes are translated, not shown in the core English');
  await page.close();
  www.assertClean();
});
