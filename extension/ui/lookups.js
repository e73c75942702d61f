// Starts the lookups for an analysis that is already on screen and keeps the
// "who is responsible" block up to date. Shared by the popup, the result window and
// www; the loop itself is driver.js, the view is render.js (renderLookups).

import { startTrace } from './engine.js';
import { runTrace } from './driver.js';
import { renderLookups } from './render.js';
import { cachedBootstrap, refreshBootstrap } from './bootstrap.js';

let generation = 0;
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
    const trace = await startTrace(record.analysis, { language: t.lang, bootstrap_files: files, ...options });
    // Fresher IANA files for the next trace; this one runs on what is at hand.
    if (stale.length) refreshBootstrap(cache, stale).catch(() => {});
    report = await runTrace(trace, {
      cache,
      isCancelled: cancelled,
      onUpdate: (next) => { if (!cancelled()) renderLookups(box, next, t, next?.done ? 'done' : 'running'); },
    });
  } catch (err) {
    report = { done: true, parties: [], requests: [], findings: [{ id: 'request-failed', text: String(err?.message ?? err), params: { host: '', message: String(err?.message ?? err) } }] };
  }
  if (!cancelled()) renderLookups(box, report, t, 'done');
  return report;
}
