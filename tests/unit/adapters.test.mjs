import assert from 'node:assert/strict';
import { test } from 'node:test';
import { extractOriginal, originalUrls, pickMessage } from '../../extension/content/adapters/gmail.js';
import { viewSourceUrl } from '../../extension/content/adapters/roundcube.js';
import { restUrl } from '../../extension/content/adapters/zimbra.js';
import { rowsToHeaderText } from '../../extension/content/adapters/squirrelmail.js';
import * as outlook from '../../extension/content/adapters/outlook.js';
import * as yahoo from '../../extension/content/adapters/yahoo.js';
import * as yahoojp from '../../extension/content/adapters/yahoojp.js';
import { readOrGuide } from '../../extension/content/guided.js';
import { inspectHeaderBlock } from '../../extension/ui/detect.js';

test('the raw message is cut out of a "Show original" page and its entities decoded', () => {
  const page = `<!doctype html><html><body><table><tr><td>SPF:</td><td>PASS</td></tr></table>
<pre class="raw_message_text" id="raw_message_text">Received: from a.example (a.example [203.0.113.9])
        by mx.google.com; Tue, 3 Nov 2026 01:15:32 -0800 (PST)
From: &quot;A &amp; B&quot; &lt;ab@example.net&gt;
Subject: caf&#233; &#x2603; &nbsp;&unknown;
<span class="x">To</span>: c@example.jp
</pre></body></html>`;
  assert.equal(extractOriginal(page), `Received: from a.example (a.example [203.0.113.9])
        by mx.google.com; Tue, 3 Nov 2026 01:15:32 -0800 (PST)
From: "A & B" <ab@example.net>
Subject: café ☃ \u00a0&unknown;
To: c@example.jp
`);
});

test('a plain-text answer is taken as it is; an HTML page without the pre is refused', () => {
  assert.equal(extractOriginal('Received: from x by y; date\nFrom: a\n'), 'Received: from x by y; date\nFrom: a\n');
  assert.equal(extractOriginal('<!DOCTYPE html><html><body>Sign in</body></html>'), null);
  assert.equal(extractOriginal(null), null);
});

test('view=om URLs: permmsgid with ik first, then the legacy thread id, then without ik', () => {
  const base = 'https://mail.google.com/mail/u/1/';
  assert.deepEqual(originalUrls(base, 'abc123', { permmsgid: 'msg-f:1568184822149037543', legacy: '15c34fc9825a3de7' }), [
    'https://mail.google.com/mail/u/1/?ik=abc123&view=om&permmsgid=msg-f%3A1568184822149037543',
    'https://mail.google.com/mail/u/1/?ik=abc123&view=om&th=15c34fc9825a3de7',
    'https://mail.google.com/mail/u/1/?view=om&permmsgid=msg-f%3A1568184822149037543',
  ]);
  assert.deepEqual(originalUrls(base, null, { permmsgid: 'msg-a:r-123', legacy: 'not-hex' }), [
    'https://mail.google.com/mail/u/1/?view=om&permmsgid=msg-a%3Ar-123',
  ]);
});

test('the message the user is in (focus or selection) wins over the last expanded one', () => {
  const older = { permmsgid: 'msg-f:1', expanded: true, focused: true };
  const newest = { permmsgid: 'msg-f:2', expanded: true, focused: false };
  assert.equal(pickMessage([older, newest]), older);
  assert.equal(pickMessage([{ ...older, focused: false }, newest]), newest);
});

test('the message to trace is the last expanded one, else the last one', () => {
  const a = { permmsgid: 'msg-f:1', expanded: true };
  const b = { permmsgid: 'msg-f:2', expanded: false };
  const c = { permmsgid: 'msg-f:3', expanded: true };
  assert.equal(pickMessage([a, b, c]), c);
  assert.equal(pickMessage([a, b]), a);
  assert.equal(pickMessage([b, { permmsgid: 'msg-f:4', expanded: false }]).permmsgid, 'msg-f:4');
  assert.equal(pickMessage([]), null);
});

test('Roundcube: viewsource URL keeps the mailbox name byte for byte (modified UTF-7)', () => {
  assert.equal(viewSourceUrl({ base: 'https://mail.example.jp/roundcube/', uid: '42', mbox: '&MEAwqTDr-' }),
    'https://mail.example.jp/roundcube/?_task=mail&_action=viewsource&_uid=42&_mbox=%26MEAwqTDr-&_extwin=1');
});

test('Zimbra: REST URL for a message id', () => {
  assert.equal(restUrl('https://zimbra.example.jp', '4437'), 'https://zimbra.example.jp/service/home/~/?auth=co&view=text&id=4437');
});

test('SquirrelMail: view_header.php rows become a header block; four NBSP are a fold again', () => {
  const nbsp = '\u00a0'.repeat(4);
  const rows = [
    ['Return-Path', ' <noreply@lottery-win.example>\r\n'],
    ['Received', ` from mx1.example.net (mx1.example.net [10.0.0.25])\r\n${nbsp}\tby imap.example.net (Postfix) with LMTP id 5A1B2C3D\r\n${nbsp}\tfor <ichiro@example.net>; Tue,  3 Nov 2026 11:02:03 +0900 (JST)\r\n`],
    ['Message-ID', ' <win-123@relay.lottery-win.example>\r\n'],
  ];
  const text = rowsToHeaderText(rows);
  assert.equal(text, `Return-Path: <noreply@lottery-win.example>
Received: from mx1.example.net (mx1.example.net [10.0.0.25])
\tby imap.example.net (Postfix) with LMTP id 5A1B2C3D
\tfor <ichiro@example.net>; Tue,  3 Nov 2026 11:02:03 +0900 (JST)
Message-ID: <win-123@relay.lottery-win.example>

`);
  assert.deepEqual(inspectHeaderBlock(text), { ok: true, fields: 3, received: 1, traceFields: 3 });
  assert.equal(rowsToHeaderText([]), null);
  assert.equal(rowsToHeaderText(null), null);
});

// A stand-in for the tab: onHost runs for real against a stand-in location; the page
// reader answers with the given candidates.
function fakeTab({ host, candidates }) {
  const calls = [];
  const run = async (func, args) => {
    calls.push([func.name, args]);
    if (func.name === 'onHost') {
      // The real injected function, against a stand-in location.
      globalThis.location = { hostname: host };
      try {
        return func(...args);
      } finally {
        delete globalThis.location;
      }
    }
    if (func.name === 'readRawPage') return { ok: true, candidates };
    throw new Error(`unexpected ${func.name}`);
  };
  return { run, calls };
}

const BLOCK = 'Received: from a.example (a.example [198.51.100.77]) by mx.example; Tue, 3 Nov 2026 01:20:10 +0000\nFrom: a@example.com\nMessage-ID: <1@a.example>\n\nbody';

test('guided adapters: the source on screen is read; else a guide; another host is none of theirs', async () => {
  for (const [adapter, host] of [[outlook, 'outlook.live.com'], [outlook, 'outlook.office365.com'], [yahoo, 'mail.yahoo.com'], [yahoojp, 'mail.yahoo.co.jp']]) {
    const shown = fakeTab({ host, candidates: [{ source: 'block', text: 'Message source\nClose' }, { source: 'block', text: BLOCK }] });
    assert.equal(await adapter.readOriginal(shown.run, 1000), BLOCK, `${adapter.id} on ${host}: the block`);
    assert.equal(shown.calls[1][1][0], 1000, 'the size cap is passed on');
    assert.equal(typeof shown.calls[1][1][1], 'string', 'with the adapter\'s scope');
    const hidden = fakeTab({ host, candidates: [{ source: 'block', text: 'Message source\nClose' }] });
    assert.deepEqual(await adapter.readOriginal(hidden.run, 1000), { guide: adapter.id }, `${adapter.id} on ${host}: the guide`);
    const elsewhere = fakeTab({ host: 'mail.example.jp', candidates: [{ source: 'block', text: BLOCK }] });
    assert.equal(await adapter.readOriginal(elsewhere.run, 1000), null, `${adapter.id}: not on mail.example.jp`);
    assert.equal(elsewhere.calls.length, 1, 'nothing else is read on another host');
  }
  // Look-alike hosts are not subdomains.
  const lookalike = fakeTab({ host: 'evil-outlook.live.com.example', candidates: [] });
  assert.equal(await readOrGuide(lookalike.run, 10, { id: 'outlook', hosts: outlook.HOSTS, scope: 'x' }), null);
});
