// The IANA RDAP bootstrap (RFC 9224) at run time. The wasm bundles a snapshot, so a
// trace never waits for IANA; this module keeps fresher copies of the files in the
// lookup cache (7 days) and hands them to the core as TraceOptions.bootstrap_files.
// A stale or missing file is fetched in the background after the trace has started
// and is used from the next trace on. The core checks each file and ignores one that
// is not a registry (finding bootstrap-rejected), so a bad answer cannot break lookups.

import { fromBase64, performRequest } from './driver.js';

export const BOOTSTRAP_BASE = 'https://data.iana.org/rdap/';
export const BOOTSTRAP_NAMES = ['dns', 'ipv4', 'ipv6', 'asn'];
export const BOOTSTRAP_TTL_SECS = 7 * 86400;
const KEY = (name) => `bootstrap:${name}`;
const decoder = new TextDecoder();

/**
 * The fresh cached files, by name ({} when none), and the names that need fetching.
 * `cache` is driver.makeCache(store).
 */
export async function cachedBootstrap(cache) {
  const files = {};
  const stale = [];
  for (const name of BOOTSTRAP_NAMES) {
    const entry = cache ? await cache.get(KEY(name)).catch(() => null) : null;
    if (entry && entry.status === 200) files[name] = decoder.decode(fromBase64(entry.body));
    else stale.push(name);
  }
  return { files, stale };
}

/** Fetch the named files from IANA and cache the good answers. Never throws. */
export async function refreshBootstrap(cache, names, fetchImpl = globalThis.fetch) {
  let stored = 0;
  for (const name of names) {
    const reply = await performRequest({
      url: `${BOOTSTRAP_BASE}${name}.json`,
      accept: 'application/json',
      timeout_ms: 15000,
      max_body_bytes: 1 << 20,
    }, fetchImpl);
    if (reply.kind !== 'http' || reply.status !== 200 || reply.body.length > 1 << 20) continue;
    // Only what looks like a bootstrap registry is kept; the core checks it again.
    try {
      const parsed = JSON.parse(decoder.decode(reply.body));
      if (!Array.isArray(parsed?.services)) continue;
    } catch {
      continue;
    }
    await cache.set(KEY(name), BOOTSTRAP_TTL_SECS, reply).catch(() => {});
    stored += 1;
  }
  return stored;
}
