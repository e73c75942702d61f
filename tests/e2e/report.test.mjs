// Report drafts in the popup (issue #6): the real extension in Chromium, the lookups
// answered by the local replay server from the recorded ARIN answer (read in place
// from ../shared). "Report" on the first party → the draft → Copy puts it on the
// clipboard (masked), the ARF download is a multipart/report file that parses, a
// party other than the origin's network operator needs a confirmation first, and the
// Japanese UI offers the national channels. Also the www page's Copy and ARF.
// Writes docs/screenshots/report-{en,ja}.png.

import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { launch, launchWww, root } from './harness.mjs';
import { startReplayServer, hostResolverRules } from '../support/replay-server.mjs';

const sample = join(root, '..', 'shared', 'data', 'rdap-samples', 'ip-arin-13.64.0.0.json');
const ianaDir = join(root, '..', 'shared', 'data', 'iana-bootstrap');
const BOOTSTRAP = ['dns', 'ipv4', 'ipv6', 'asn'];
const HOSTS = ['rdap.arin.net', 'dns.google', 'whois.nic.ad.jp', 'data.iana.org'];
const screenshots = join(root, 'docs/screenshots');
const ME = 'hanako@example.jp';
const IP = '13.64.20.30';
const RECEIVED = `Received: from relay.example.net (relay.example.net [${IP}]) by mx1.example.jp (Postfix) with ESMTP id 4A1B2C for <${ME}>; Tue, 3 Nov 2026 10:15:30 +0900`;
const MESSAGE = [
  RECEIVED,
  'From: Watch Shop <promo@watches-shop.example>',
  `To: ${ME}`,
  'Subject: Cheap watches',
  'Date: Tue, 3 Nov 2026 10:15:20 +0900',
  'Message-ID: <w1@watches-shop.example>',
  '',
  'Buy now.',
].join('\r\n');

let browser;
let www;
let replay;
before(async () => {
  assert.ok(existsSync(sample), `${sample} is missing: the recorded RDAP answers are read in place from ../shared`);
  replay = await startReplayServer({
    routes: [
      ...BOOTSTRAP.map((name) => ({ host: 'data.iana.org', path: `/rdap/${name}.json`, file: join(ianaDir, `${name}.json`), headers: { 'content-type': 'application/json' } })),
      { host: 'rdap.arin.net', path: `/registry/ip/${IP}`, file: sample },
    ],
  });
  const args = [`${hostResolverRules(HOSTS, replay.port)}, MAP * ~NOTFOUND, EXCLUDE 127.0.0.1`, '--ignore-certificate-errors'];
  browser = await launch({ args });
  await browser.context.grantPermissions(['clipboard-read', 'clipboard-write']);
  www = await launchWww({ args });
  await www.context.grantPermissions(['clipboard-read', 'clipboard-write']);
});
after(async () => {
  await browser?.close();
  await www?.close();
  await replay?.close();
});

async function tracePasted(settings) {
  await browser.worker.evaluate((value) => (value ? chrome.storage.sync.set({ settings: value }) : chrome.storage.sync.remove('settings')), settings ?? null);
  const popup = await browser.context.newPage();
  await popup.setViewportSize({ width: 560, height: 900 });
  await popup.goto(browser.extensionUrl('popup/popup.html'));
  await popup.locator('[data-testid=page-status]').waitFor();
  await popup.locator('[data-testid=paste-input]').fill(MESSAGE);
  await popup.locator('[data-testid=trace-button]').click();
  await popup.locator('[data-testid=lookup-done]').waitFor({ timeout: 15000 });
  return popup;
}

/** Split a MIME multipart body on its boundary (RFC 2046): [headers, body] per part. */
function parts(message, boundary) {
  const chunks = message.split(`\r\n--${boundary}`);
  assert.ok(chunks.at(-1).startsWith('--'), 'the closing delimiter is there');
  return chunks.slice(1, -1).map((chunk) => {
    const text = chunk.replace(/^\r\n/, '');
    const end = text.indexOf('\r\n\r\n');
    assert.notEqual(end, -1, 'each part has a header block');
    return { headers: text.slice(0, end), body: text.slice(end + 4) };
  });
}

/** Independent check of an ARF file (RFC 5965 §2, §3.1); returns its parts. */
function checkArf(bytes) {
  const text = bytes.toString('utf8');
  const headEnd = text.indexOf('\r\n\r\n');
  const head = text.slice(0, headEnd).replace(/\r\n[ \t]+/g, ' ');
  assert.match(head, /^Content-Type: multipart\/report; report-type=feedback-report; boundary="([^"]+)"$/m);
  const boundary = /boundary="([^"]+)"/.exec(head)[1];
  assert.match(head, /^MIME-Version: 1\.0$/m);
  const found = parts(text.slice(headEnd + 4), boundary);
  assert.equal(found.length, 3, 'three parts');
  assert.match(found[0].headers, /^Content-Type: text\/plain; charset=utf-8$/m);
  assert.match(found[1].headers, /^Content-Type: message\/feedback-report$/m);
  assert.match(found[2].headers, /^Content-Type: (text\/rfc822-headers|message\/rfc822)$/m);
  const fields = Object.fromEntries(found[1].body.split('\r\n').filter(Boolean).map((line) => {
    const colon = line.indexOf(':');
    return [line.slice(0, colon), line.slice(colon + 1).trim()];
  }));
  assert.equal(fields['Feedback-Type'], 'abuse');
  assert.equal(fields.Version, '1');
  assert.match(fields['User-Agent'], /^SenderTrace\/\d+\.\d+\.\d+$/);
  assert.equal(fields['Source-IP'], IP);
  assert.match(fields['Arrival-Date'], /^Tue, 03 Nov 2026 01:15:30 \+0000$/);
  return { head, found, fields };
}

test('"Report" on the first party: the draft, Copy to the clipboard (masked), the ARF download', async () => {
  const popup = await tracePasted(null);
  const party = popup.locator('[data-testid=party]').first();
  assert.equal(await party.getAttribute('data-role'), 'network-operator');
  const button = party.locator('[data-testid=report-button]');
  assert.equal(await button.textContent(), 'Report…');
  assert.match(await button.getAttribute('aria-label'), /^Write a report to (Microsoft|MSFT)/);
  await button.click();
  const dialog = popup.locator('[data-testid=report-dialog]');
  await dialog.locator('[data-testid=report-text]').waitFor();
  // The origin's network operator: no confirmation step.
  assert.equal(await dialog.locator('[data-testid=report-confirm]').count(), 0);
  assert.equal(await popup.evaluate(() => document.getElementById('report-dialog').open), true);
  assert.equal(await dialog.locator('[data-testid=report-to]').textContent(), 'abuse@microsoft.com');
  const subject = await dialog.locator('[data-testid=report-subject]').textContent();
  assert.match(subject, new RegExp(`^Spam from ${IP.replaceAll('.', '\\.')} received 2026-11-03 01:15:30 UTC$`));
  assert.ok(!/\bnull\b|undefined/.test(await dialog.textContent()), 'no empty value shown as text');
  assert.equal(await dialog.locator('[data-testid=report-mask]').isChecked(), true, 'masking is on by default');
  assert.equal(await dialog.locator('[data-testid=report-include-body]').isChecked(), false, 'the body follows the options page (off)');
  // Keyboard: the Copy button has the focus, and the checkbox has a label.
  assert.equal(await popup.evaluate(() => document.activeElement?.dataset.testid), 'report-copy');
  assert.match(await dialog.locator('label[for=report-mask]').textContent(), new RegExp(ME));

  // The popup writes to the clipboard on the user's click without any permission
  // (the manifest asks for no clipboardWrite): none is granted while it copies.
  const manifest = JSON.parse(readFileSync(join(root, 'dist/chrome/manifest.json'), 'utf8'));
  assert.ok(!manifest.permissions.includes('clipboardWrite'), 'no clipboard permission in the manifest');
  await browser.context.clearPermissions();
  await popup.keyboard.press('Enter');
  await popup.locator('[data-testid=report-status]', { hasText: 'clipboard' }).waitFor();
  await browser.context.grantPermissions(['clipboard-read']);
  const copied = await popup.evaluate(() => navigator.clipboard.readText());
  await browser.context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const [firstLine, subjectLine] = copied.split('\n');
  assert.equal(firstLine, 'To: abuse@microsoft.com');
  assert.equal(subjectLine, `Subject: ${subject}`);
  assert.ok(copied.includes(`Received: from relay.example.net (relay.example.net [${IP}]) by mx1.example.jp (Postfix) with ESMTP id 4A1B2C for <recipient@masked.invalid>;`), 'the trusted Received line, masked');
  // The paste box hands the message over with LF line ends (a textarea's value): the
  // header block is quoted exactly as the core received it.
  assert.ok(copied.includes('To: recipient@masked.invalid\nSubject: Cheap watches\nDate: '), 'the full header block, masked');
  assert.ok(!copied.toLowerCase().includes(ME), 'the user\'s address appears nowhere');
  assert.match(copied, /Source IP:\s+13\.64\.20\.30/);
  const mailto = await dialog.locator('[data-testid=report-mailto]').getAttribute('href');
  assert.match(mailto, /^mailto:abuse@microsoft\.com\?subject=Spam%20from%2013\.64\.20\.30/);
  assert.ok(mailto.length <= 2000);
  mkdirSync(screenshots, { recursive: true });
  await dialog.screenshot({ path: join(screenshots, 'report-en.png') });

  // The ARF download parses: three parts, the feedback fields, the original headers (masked).
  const [download] = await Promise.all([popup.waitForEvent('download'), dialog.locator('[data-testid=report-arf]').click()]);
  assert.match(download.suggestedFilename(), /^sendertrace-ST-[0-9a-f]{12}\.eml$/);
  const arf = readFileSync(await download.path());
  const { head, found, fields } = checkArf(arf);
  assert.match(head, /^To: abuse@microsoft\.com$/m);
  assert.match(head, /^X-Unsent: 1$/m);
  assert.equal(fields['Original-Rcpt-To'], '<recipient@masked.invalid>');
  assert.match(found[2].headers, /text\/rfc822-headers/, 'no body: the headers only');
  const received = MESSAGE.replaceAll('\r\n', '\n').split('\n\n')[0];
  assert.equal(found[2].body, `${received.replaceAll(ME, 'recipient@masked.invalid')}\n`, 'the original headers, byte for byte apart from masking');
  const human = Buffer.from(found[0].body.replace(/\s+/g, ''), 'base64').toString('utf8');
  assert.ok(human.includes(`${IP}`) && human.includes('recipient@masked.invalid'));
  assert.ok(!arf.toString('utf8').toLowerCase().includes(ME));
  await popup.locator('[data-testid=report-status]', { hasText: 'Saved' }).waitFor();

  // Unmasking and the body: the draft is made again.
  await dialog.locator('[data-testid=report-mask]').uncheck();
  await dialog.locator('[data-testid=report-text]', { hasText: ME }).waitFor();
  assert.equal(await popup.evaluate(() => document.activeElement?.id), 'report-mask', 'focus stays on the checkbox');
  await dialog.locator('[data-testid=report-include-body]').check();
  await dialog.locator('[data-testid=report-text]', { hasText: 'Buy now.' }).waitFor();
  // Escape closes the dialog and gives the focus back to the button.
  await popup.keyboard.press('Escape');
  assert.equal(await popup.evaluate(() => document.getElementById('report-dialog').open), false);
  assert.equal(await popup.evaluate(() => document.activeElement?.dataset.testid), 'report-button');
  await popup.close();
  browser.assertClean();
});

test('Japanese UI: the national channels need a confirmation; the draft is in Japanese with the form fields', async () => {
  // The options page's "include the body" is the dialog's default.
  const popup = await tracePasted({ lang: 'ja', includeBody: true });
  try {
    const first = popup.locator('[data-testid=party]').first();
    assert.equal(await first.locator('[data-testid=report-button]').textContent(), '報告文を作る');
    const dekyo = popup.locator('[data-testid=party]', { hasText: '迷惑メール相談センター' });
    await dekyo.locator('[data-testid=report-button]').click();
    const dialog = popup.locator('[data-testid=report-dialog]');
    const confirm = dialog.locator('[data-testid=report-confirm]');
    await confirm.waitFor();
    assert.match(await confirm.textContent(), /報告の前に確認してください/);
    assert.equal(await dialog.locator('[data-testid=report-text]').count(), 0, 'no draft before the confirmation');
    assert.equal(await popup.evaluate(() => document.activeElement?.dataset.testid), 'report-confirm-continue');
    await popup.keyboard.press('Enter');
    await dialog.locator('[data-testid=report-text]').waitFor();
    assert.match(await dialog.locator('[data-testid=report-subject]').textContent(), /^迷惑メールの情報提供：送信元 13\.64\.20\.30（2026-11-03 01:15:30 UTC 受信）$/);
    assert.equal(await dialog.locator('[data-testid=report-to]').textContent(), 'meiwaku@dekyo.or.jp');
    assert.match(await dialog.locator('[data-testid=report-text]').textContent(), /^迷惑メール相談センター 御中/);
    assert.equal(await dialog.locator('[data-testid=report-include-body]').isChecked(), true);
    assert.match(await dialog.locator('[data-testid=report-text]').textContent(), /■ 本文\n-----\nBuy now\.\n-----/);
    const ids = await dialog.locator('[data-testid=report-field]').evaluateAll((items) => items.map((item) => item.dataset.id));
    assert.deepEqual(ids, ['received_at', 'sender_address', 'subject', 'body', 'headers'], 'the form\'s fields in its order');
    assert.equal(await dialog.locator('[data-testid=report-form-link]').getAttribute('href'), 'https://www.dekyo.or.jp/soudan/infoform.html');
    // A field's own copy button.
    await dialog.locator('[data-testid=report-field-copy]').nth(2).click();
    await popup.locator('[data-testid=report-status]', { hasText: 'コピーしました' }).waitFor();
    assert.equal(await popup.evaluate(() => navigator.clipboard.readText()), 'Cheap watches');
    await dialog.screenshot({ path: join(screenshots, 'report-ja.png') });
    await dialog.locator('[data-testid=report-close]').click();

    // 日本産業協会: the 特定商取引法 display check is shown.
    const nissankyo = popup.locator('[data-testid=party]', { hasText: '日本産業協会' });
    await nissankyo.locator('[data-testid=report-button]').click();
    await dialog.locator('[data-testid=report-confirm-continue]').click();
    const check = dialog.locator('[data-testid=report-display-check]');
    await check.waitFor();
    assert.equal(await check.locator('[data-testid=report-display-item]').count(), 4);
    assert.match(await check.textContent(), /4 項目のうち 4 項目が見つかりません/);
    assert.equal(await check.locator('[data-found=false]').count(), 4, '"Buy now." shows none of the items');
    await popup.keyboard.press('Escape');
  } finally {
    await browser.worker.evaluate(() => chrome.storage.sync.remove('settings'));
    await popup.close();
  }
  browser.assertClean();
});

test('www: the same drafts, Copy and the ARF download', async () => {
  const page = await www.context.newPage();
  await page.goto(`${www.server.url}?lang=en`);
  await page.locator('[data-testid=paste-input]').fill(MESSAGE);
  await page.locator('[data-testid=trace-button]').click();
  await page.locator('[data-testid=lookup-done]').waitFor({ timeout: 15000 });
  await page.locator('[data-testid=party]').first().locator('[data-testid=report-button]').click();
  const dialog = page.locator('[data-testid=report-dialog]');
  await dialog.locator('[data-testid=report-copy]').click();
  await page.locator('[data-testid=report-status]', { hasText: 'clipboard' }).waitFor();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  assert.match(copied.split('\n')[1], /^Subject: Spam from 13\.64\.20\.30 /);
  assert.ok(copied.includes('for <recipient@masked.invalid>') && !copied.includes(ME));
  const [download] = await Promise.all([page.waitForEvent('download'), dialog.locator('[data-testid=report-arf]').click()]);
  checkArf(readFileSync(await download.path()));
  await page.close();
  www.assertClean();
});
