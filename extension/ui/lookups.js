// Starts the lookups for an analysis that is already on screen and keeps the
// "who is responsible" block up to date. Shared by the popup, the result window and
// www; the loop itself is driver.js, the view is render.js (renderLookups).

import { startTrace } from './engine.js';
import { runTrace, FETCH_NETWORK, FETCH_REDIRECTS } from './driver.js';
import { renderLookups } from './render.js';
import { cachedBootstrap, refreshBootstrap } from './bootstrap.js';

// The popup and www do not keep anyone waiting on a 429 longer than this: a longer
// (or unreadable) Retry-After gives the lookup up with "rate limited, try again later".
export const MAX_RETRY_WAIT_SECS = 10;
const FETCH_MESSAGES = { [FETCH_NETWORK]: 'lookup_fetch_network', [FETCH_REDIRECTS]: 'lookup_fetch_redirects' };

let generation = 0;

/** The driver's failure tokens in the UI language (the core passes them through as text). */
export function localizeReport(report, t) {
  if (!report || !Array.isArray(report.findings)) return report;
  const findings = report.findings.map((f) => {
    const key = f?.id === 'request-failed' ? FETCH_MESSAGES[f.params?.message] : null;
    return key ? { ...f, params: { ...f.params, message: t(key) } } : f;
  });
  return { ...report, findings };
}
let pruned = false;

/** Insert the lookups block right after the origin (the first block of the result). */
export function lookupsBox(resultBox) {
  const box = document.createElement('div');
  box.className = 'lookups';
  box.dataset.testid = 'lookups';
  box.setAttribute('aria-live', 'polite');
  if (resultBox.firstElementChild) resultBox.firstElementChild.after(box);
  else resultBox.append(box);
  return box;
}

/**
 * Trace `record.analysis` and render into `box`. A newer call cancels the older
 * loop. Resolves to the final report (or null). `cache` is driver.makeCache(store).
 */
export async function runLookups(box, record, t, { cache = null, options = {} } = {}) {
  const mine = ++generation;
  const cancelled = () => mine !== generation || !box.isConnected;
  if (!record?.ok || !record.analysis) return null;
  let report = null;
  renderLookups(box, null, t, 'running');
  if (cache && !pruned) {
    pruned = true;
    cache.prune?.().catch(() => {});
  }
  try {
    const { files, stale } = cache ? await cachedBootstrap(cache) : { files: {}, stale: [] };
    const trace = await startTrace(record.analysis, { language: t.lang, bootstrap_files: files, max_retry_wait_secs: MAX_RETRY_WAIT_SECS, ...options });
    // Fresher IANA files for the next trace; this one runs on what is at hand.
    if (stale.length) refreshBootstrap(cache, stale).catch(() => {});
    report = await runTrace(trace, {
      cache,
      isCancelled: cancelled,
      onUpdate: (next) => { if (!cancelled()) renderLookups(box, localizeReport(next, t), t, next?.done ? 'done' : 'running'); },
    });
  } catch (err) {
    report = { done: true, parties: [], requests: [], findings: [{ id: 'request-failed', text: String(err?.message ?? err), params: { host: '', message: String(err?.message ?? err) } }] };
  }
  if (!cancelled()) renderLookups(box, localizeReport(report, t), t, 'done');
  return report;
}
