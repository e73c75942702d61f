import assert from 'node:assert/strict';
import { test } from 'node:test';
import { extractOriginal, originalUrls, pickMessage } from '../../extension/content/adapters/gmail.js';
import { viewSourceUrl } from '../../extension/content/adapters/roundcube.js';
import { restUrl } from '../../extension/content/adapters/zimbra.js';

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
