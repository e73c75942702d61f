import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cleanPageText, inspectHeaderBlock, looksLikeHeaderBlock, pickHeaderCandidate } from '../../extension/ui/detect.js';

const HEADERS = [
  'Received: from mailer.sender.example (mailer.sender.example [203.0.113.45])',
  '\tby mx.example.jp (Postfix) with ESMTPS id 4Qab',
  '\tfor <hanako@example.jp>; Tue,  3 Nov 2026 10:15:32 +0900 (JST)',
  'From: sales@sender.example',
  'To: hanako@example.jp',
  'Subject: hello',
  '',
  'Body: this line is in the body and is not a header.',
].join('\r\n');

test('a delivered header block is recognised, with CRLF or LF', () => {
  assert.equal(looksLikeHeaderBlock(HEADERS), true);
  assert.equal(looksLikeHeaderBlock(HEADERS.replace(/\r\n/g, '\n')), true);
  assert.deepEqual(inspectHeaderBlock(HEADERS), { ok: true, fields: 4, received: 1, traceFields: 1 });
});

test('prose, a lone header line and a body without headers are not header blocks', () => {
  assert.equal(looksLikeHeaderBlock('Hello Hanako,\n\nThanks for lunch.'), false);
  assert.equal(looksLikeHeaderBlock('Subject: hi\n'), false);
  assert.equal(looksLikeHeaderBlock('Note: one\nTodo: two\nIdea: three\n'), false, 'no trace field');
  assert.equal(looksLikeHeaderBlock(''), false);
  assert.equal(looksLikeHeaderBlock(null), false);
  assert.equal(looksLikeHeaderBlock(' continuation first\nReceived: x\nFrom: a\nTo: b\n'), false);
});

test('page artefacts are cleaned: BOM, NBSP, leading blank lines, an mbox "From " line', () => {
  const page = `\ufeff\n\nFrom sender@example.net Tue Nov  3 10:15:32 2026\nReceived:\u00a0from a\n\tby b; Tue, 3 Nov 2026 10:15:32 +0900\nFrom: a@example.net\nTo: b@example.jp\n`;
  const cleaned = cleanPageText(page);
  assert.ok(cleaned.startsWith('Received: from a\n'));
  assert.equal(looksLikeHeaderBlock(page), true);
  assert.equal(cleanPageText('From: a@example.net\n'), 'From: a@example.net\n', 'a From: field is kept');
});

test('the candidate with the most Received lines wins; non-headers are skipped', () => {
  const two = `Received: from a by b; x\nReceived: from c by a; x\nFrom: a\nTo: b\n\nbody`;
  const picked = pickHeaderCandidate([
    { source: 'pre', text: 'just a long preformatted text block without headers' },
    { source: 'text-plain', text: HEADERS },
    { source: 'gmail-original', text: two },
  ]);
  assert.equal(picked.source, 'gmail-original');
  assert.equal(pickHeaderCandidate([{ source: 'pre', text: 'nothing' }]), null);
  assert.equal(pickHeaderCandidate([]), null);
  assert.equal(pickHeaderCandidate(undefined), null);
});
