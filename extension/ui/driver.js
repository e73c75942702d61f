// The lookup driver: performs the requests a wasm Trace asks for and feeds the
// answers back. Shared by the popup, the context-menu result window and www.
//
// The core does no I/O, reads no clock and draws no random numbers; this loop does
// all three. It honours not_before (setTimeout), runs up to MAX_PARALLEL requests at
// once, enforces timeout_ms with an AbortController, reads at most max_body_bytes+1
// bytes, refuses anything that is not https://, sends no cookies and no referrer, and
// answers repeated requests from `cache` (cache_key, cache_ttl_secs). `onUpdate`
// gets the progressive report after each answer.
//
// fetch follows redirects itself (redirect: 'manual' would hide the target), so the
// final URL goes back to the core, which refuses an answer that came from a non-HTTPS
// or private address (redirect-not-https / redirect-private). A network failure is
// one opaque TypeError in every browser; the driver names it with a token the page
// translates: FETCH_REDIRECTS (the server redirects in circles or too often: the
// browser gave up) or FETCH_NETWORK (name, connection or TLS failure).

export const MAX_PARALLEL = 4;
export const FETCH_NETWORK = 'fetch-network';
export const FETCH_REDIRECTS = 'fetch-redirects';

const now = () => Date.now() / 1000;

/** Read at most `limit` bytes of a response body. */
async function readLimited(response, limit) {
  if (!response.body?.getReader) {
    const all = new Uint8Array(await response.arrayBuffer());
    return all.length > limit ? all.slice(0, limit) : all;
  }
  const reader = response.body.getReader();
  const chunks = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.length;
    if (size >= limit) {
      reader.cancel().catch(() => {});
      break;
    }
  }
  const bytes = new Uint8Array(Math.min(size, limit));
  let at = 0;
  for (const chunk of chunks) {
    const part = chunk.subarray(0, Math.min(chunk.length, bytes.length - at));
    bytes.set(part, at);
    at += part.length;
  }
  return bytes;
}

/**
 * One HTTPS GET; resolves to {kind: 'http', status, headers, body, url} | {kind: 'timeout'} | {kind: 'error', message}.
 * With `nameFailures` (the trace's lookups), a network failure costs one more request
 * to tell a redirect failure (FETCH_REDIRECTS) from a network one (FETCH_NETWORK).
 */
export async function performRequest(request, fetchImpl = globalThis.fetch, { nameFailures = false } = {}) {
  let url;
  try {
    url = new URL(request.url);
  } catch {
    return { kind: 'error', message: 'bad URL' };
  }
  if (url.protocol !== 'https:') return { kind: 'error', message: 'not HTTPS: refused' };
  const controller = new AbortController();
  const timeoutMs = Number(request.timeout_ms) > 0 ? Number(request.timeout_ms) : 15000;
  let timedOut = false;
  const timer = setTimeout(() => { timedOut = true; controller.abort(); }, timeoutMs);
  const get = (redirect) => fetchImpl(url.href, {
    method: 'GET',
    headers: { Accept: request.accept || 'application/json' },
    credentials: 'omit',
    referrerPolicy: 'no-referrer',
    cache: 'no-store',
    redirect,
    signal: controller.signal,
  });
  try {
    const response = await get('follow');
    const headers = [];
    response.headers.forEach((value, name) => headers.push(name, value));
    const finalUrl = response.url || null;
    // Redirected off HTTPS: the core refuses the answer by its URL; do not read it.
    if (finalUrl && !finalUrl.startsWith('https://')) {
      response.body?.cancel?.().catch(() => {});
      return { kind: 'http', status: response.status, headers, body: new Uint8Array(0), url: finalUrl };
    }
    const max = Number(request.max_body_bytes) > 0 ? Number(request.max_body_bytes) : 1048576;
    const body = await readLimited(response, max + 1);
    return { kind: 'http', status: response.status, headers, body, url: finalUrl };
  } catch (err) {
    if (timedOut) return { kind: 'timeout' };
    if (err?.name !== 'TypeError' || !nameFailures) return { kind: 'error', message: String(err?.message ?? err) };
    // Which failure? Ask again without following: a redirect means the browser gave up
    // on the chain (a loop, or more than it follows); anything else is the network.
    try {
      const probe = await get('manual');
      probe.body?.cancel?.().catch(() => {});
      return { kind: 'error', message: probe.type === 'opaqueredirect' || (probe.status >= 300 && probe.status < 400) ? FETCH_REDIRECTS : FETCH_NETWORK };
    } catch {
      return timedOut ? { kind: 'timeout' } : { kind: 'error', message: FETCH_NETWORK };
    }
  } finally {
    clearTimeout(timer);
  }
}

/** Bytes ↔ base64, so a cached body stays compact in storage.local (JSON). */
export function toBase64(bytes) {
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

export function fromBase64(text) {
  const binary = atob(String(text ?? ''));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** A cache over a key-value store with async get/set (storage.local, localStorage, a Map). */
export function makeCache(store, prefix = 'lookup:') {
  return {
    async get(key) {
      if (!key) return null;
      const entry = await store.get(prefix + key);
      if (!entry || typeof entry.expires !== 'number' || entry.expires < now() || typeof entry.body !== 'string') return null;
      return entry;
    },
    async set(key, ttl, reply) {
      if (!key || !(ttl > 0)) return;
      await store.set(prefix + key, {
        expires: now() + ttl,
        status: reply.status,
        headers: reply.headers,
        body: toBase64(reply.body),
        url: reply.url,
      });
    },
    /** Drop expired answers (stores that can list and remove their entries). */
    async prune() {
      if (typeof store.entries !== 'function' || typeof store.remove !== 'function') return 0;
      const stale = Object.entries(await store.entries())
        .filter(([key, entry]) => key.startsWith(prefix) && !(entry?.expires >= now()))
        .map(([key]) => key);
      if (stale.length) await store.remove(stale);
      return stale.length;
    },
    /** Drop every cached answer (the options page's "Clear cache"); resolves to how many. */
    async clear() {
      if (typeof store.entries !== 'function' || typeof store.remove !== 'function') return 0;
      const keys = Object.keys(await store.entries()).filter((key) => key.startsWith(prefix));
      if (keys.length) await store.remove(keys);
      return keys.length;
    },
  };
}

/** An in-memory store (www, tests). */
export function memoryStore() {
  const map = new Map();
  return {
    get: async (key) => map.get(key),
    set: async (key, value) => { map.set(key, value); },
    entries: async () => Object.fromEntries(map),
    remove: async (keys) => { for (const key of keys) map.delete(key); },
  };
}

/**
 * Run a trace to the end. `trace` is a wasm Trace. Resolves to the final report.
 * `isCancelled()` stops the loop (a newer trace replaced this one).
 */
export function runTrace(trace, { cache = null, onUpdate = () => {}, fetchImpl, isCancelled = () => false, maxParallel = MAX_PARALLEL } = {}) {
  return new Promise((resolve) => {
    const waiting = [];   // requests not yet started (parallel cap or not_before)
    let running = 0;
    let finished = false;

    const update = () => {
      if (isCancelled()) return;
      try { onUpdate(trace.report()); } catch { /* rendering must not stop the loop */ }
    };
    const finish = () => {
      if (finished) return;
      finished = true;
      let report = null;
      try { report = trace.report(); } catch { /* keep null */ }
      resolve(report);
    };

    const pump = () => {
      if (finished) return;
      if (isCancelled()) { finish(); return; }
      let request;
      while ((request = trace.pollRequest())) waiting.push(request);
      while (running < maxParallel && waiting.length) {
        const next = waiting.shift();
        const delayMs = Math.max(0, (Number(next.not_before) || 0) - now()) * 1000;
        running += 1;
        setTimeout(() => { perform(next); }, delayMs);
      }
      if (running === 0 && waiting.length === 0 && (trace.isDone() || trace.inFlight() === 0)) {
        update();
        finish();
      }
    };

    const perform = async (request) => {
      let reply = null;
      const cached = cache ? await cache.get(request.cache_key).catch(() => null) : null;
      if (cached) reply = { kind: 'http', status: cached.status, headers: cached.headers ?? [], body: fromBase64(cached.body), url: cached.url ?? null, cached: true };
      else if (!isCancelled()) reply = await performRequest(request, fetchImpl, { nameFailures: true });
      else reply = { kind: 'error', message: 'cancelled' };
      running -= 1;
      if (finished) return;
      try {
        if (reply.kind === 'http') {
          trace.handleResponse(request.id, reply.status, reply.headers, reply.body, reply.url ?? null, now());
          if (!reply.cached && cache && reply.status >= 200 && reply.status < 300) {
            await cache.set(request.cache_key, Number(request.cache_ttl_secs), reply).catch(() => {});
          }
        } else {
          trace.handleFailure(request.id, reply.kind === 'timeout', reply.message ?? '', now());
        }
      } catch { /* an unknown id: the core notes it; go on */ }
      update();
      pump();
    };

    update();
    pump();
  });
}
