// How the lookup driver names what went wrong (issue 8), with a fake fetch that
// behaves like Chromium's: a network failure and a redirect the browser gave up on are
// the same TypeError; a redirect not followed ('manual') is an opaque redirect.
// The browser side of every case runs in tests/e2e/hostile-servers.test.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { performRequest, FETCH_NETWORK, FETCH_REDIRECTS } from '../../extension/ui/driver.js';

const REQUEST = { url: 'https://rdap.example/ip/13.64.1.1', accept: 'application/rdap+json', timeout_ms: 2000, max_body_bytes: 16 };

function browserLike({ follow, manual }) {
  const calls = [];
  const fetchImpl = async (url, init) => {
    calls.push(init.redirect);
    const outcome = init.redirect === 'manual' ? manual : follow;
    if (outcome instanceof Error) throw outcome;
    return outcome;
  };
  return { calls, fetchImpl };
}

const NAMED = { nameFailures: true };
const failed = () => new TypeError('Failed to fetch');
/** What fetch(…, {redirect: 'manual'}) gives for a 3xx: status 0, no headers, type opaqueredirect. */
const opaqueRedirect = () => {
  const response = new Response(null, { status: 200 });
  Object.defineProperty(response, 'type', { value: 'opaqueredirect' });
  Object.defineProperty(response, 'status', { value: 0 });
  return response;
};
const answer = (body, url) => {
  const response = new Response(body, { status: 200, headers: { 'content-type': 'application/rdap+json' } });
  Object.defineProperty(response, 'url', { value: url });
  return response;
};

test('a failure whose first hop is a redirect is named a redirect failure', async () => {
  const { calls, fetchImpl } = browserLike({ follow: failed(), manual: opaqueRedirect() });
  assert.deepEqual(await performRequest(REQUEST, fetchImpl, NAMED), { kind: 'error', message: FETCH_REDIRECTS });
  assert.deepEqual(calls, ['follow', 'manual'], 'asked once more, without following');
});

test('a failure with no redirect (name, connection, TLS) is named a network failure', async () => {
  const refused = browserLike({ follow: failed(), manual: failed() });
  assert.deepEqual(await performRequest(REQUEST, refused.fetchImpl, NAMED), { kind: 'error', message: FETCH_NETWORK });
  // The server answers the second time: still the first attempt's failure, not a redirect.
  const flaky = browserLike({ follow: failed(), manual: answer('{}', REQUEST.url) });
  assert.deepEqual(await performRequest(REQUEST, flaky.fetchImpl, NAMED), { kind: 'error', message: FETCH_NETWORK });
});

test('without nameFailures (the bootstrap refresh), a failure costs no second request', async () => {
  const { calls, fetchImpl } = browserLike({ follow: failed(), manual: opaqueRedirect() });
  assert.deepEqual(await performRequest(REQUEST, fetchImpl), { kind: 'error', message: 'Failed to fetch' });
  assert.deepEqual(calls, ['follow']);
});

test('errors that are not network failures keep their own text', async () => {
  const { calls, fetchImpl } = browserLike({ follow: new RangeError('odd'), manual: opaqueRedirect() });
  assert.deepEqual(await performRequest(REQUEST, fetchImpl, NAMED), { kind: 'error', message: 'odd' });
  assert.deepEqual(calls, ['follow'], 'no second request');
});

test('an answer that came through a redirect off HTTPS is handed over unread, with its URL, for the core to refuse', async () => {
  const { fetchImpl } = browserLike({ follow: answer('{"objectClassName":"ip network"}', 'http://plain.example/ip/13.64.1.1') });
  const reply = await performRequest(REQUEST, fetchImpl, NAMED);
  assert.equal(reply.kind, 'http');
  assert.equal(reply.url, 'http://plain.example/ip/13.64.1.1');
  assert.equal(reply.body.length, 0, 'the body was not read');
  // An HTTPS answer is read, up to the cap + 1 byte.
  const big = browserLike({ follow: answer('x'.repeat(100), REQUEST.url) });
  assert.equal((await performRequest(REQUEST, big.fetchImpl, NAMED)).body.length, 17);
});

test('a timeout stays a timeout, even when the probe would fail too', async () => {
  const fetchImpl = (url, init) => new Promise((resolve, reject) => {
    init.signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
  });
  assert.deepEqual(await performRequest({ ...REQUEST, timeout_ms: 30 }, fetchImpl, NAMED), { kind: 'timeout' });
});
