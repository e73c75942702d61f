import test from 'node:test';
import assert from 'node:assert/strict';
import { headerPart } from '../../extension/ui/headerpart.js';

const head = 'Received: from a (a [192.0.2.1]) by b; Mon, 2 Nov 2026 01:00:00 +0000\r\nFrom: x@example.org\r\n\r\n';
const body = 'x'.repeat(400 * 1024) + '\r\n\r\nmore\r\n';

test('a large message is cut after its first empty line (CRLF, LF, bytes)', () => {
  assert.equal(headerPart(head + body), head);
  const lf = head.replaceAll('\r\n', '\n');
  assert.equal(headerPart(lf + body), lf);
  const bytes = new TextEncoder().encode(head + body);
  assert.deepEqual(Array.from(headerPart(bytes)), Array.from(new TextEncoder().encode(head)));
  assert.deepEqual(Array.from(headerPart(bytes.buffer)), Array.from(new TextEncoder().encode(head)));
});

test('small input, input without an empty line, and a leading empty line stay whole', () => {
  assert.equal(headerPart(head + 'short body'), head + 'short body');
  const noBlank = 'Subject: y\n' + 'z'.repeat(300 * 1024);
  assert.equal(headerPart(noBlank), noBlank);
  const leading = '\n\n' + body;
  assert.equal(headerPart(leading), leading);
});
