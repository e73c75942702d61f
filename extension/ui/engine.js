// Loads the SenderTrace wasm and runs the analysis. Shared by the extension
// background and the standalone www page (both ship pkg/ next to ui/).
//
// Never throws: every outcome is a record the renderer understands,
//   { ok: true, analysis, source }  or  { ok: false, error: { name, message }, source }.
// Error names come from the core (empty, binary, not-a-header-block, ...) or are
// the extension's own (no-raw-message, page-unreadable, internal).

import init, { analyze, version, Trace, reportDrafts, reportArf } from '../pkg/sendertrace_wasm.js';
import { headerPart } from './headerpart.js';

let ready = null;
// storage.session holds 10 MB in Chrome and keeps up to five results.
const MAX_KEPT_CHARS = 1_000_000;

/** Start (once) and await the wasm; the promise is the only state kept. */
export function engineReady() {
  ready ??= init({ module_or_path: new URL('../pkg/sendertrace_wasm_bg.wasm', import.meta.url) });
  return ready;
}

/** Analyse a string, Uint8Array or ArrayBuffer. */
export async function analyzeMessage(input, { source = 'paste', options } = {}) {
  try {
    await engineReady();
  } catch (err) {
    return { ok: false, source, error: { name: 'internal', message: `wasm: ${err?.message ?? err}` } };
  }
  try {
    const analysis = analyze(headerPart(input), options ?? undefined);
    // The message itself stays with the record (for the report drafts, which quote
    // the header block byte for byte), except when it is too large to keep in
    // storage.session for the result window: then the drafts are not offered.
    const raw = typeof input === 'string' ? (input.length <= MAX_KEPT_CHARS ? input : null) : input;
    return { ok: true, source, analysis, core: version(), raw, analyzeOptions: options ?? null };
  } catch (err) {
    const name = typeof err?.name === 'string' && err.name !== 'Error' ? err.name : 'internal';
    return { ok: false, source, error: { name, message: String(err?.message ?? err) } };
  }
}

/**
 * Start a lookup trace from an analysis already made (see driver.js for the loop).
 * Resolves to a wasm Trace, or null when the wasm cannot start one.
 */
export async function startTrace(analysis, options = {}) {
  await engineReady();
  return new Trace(analysis, options, Date.now() / 1000);
}

/**
 * Report drafts for `record` (see docs/report-wire-format.md, "wasm facade"):
 * `parties` are trace parties (or null for the offline ones). Throws like analyze().
 */
export async function draftReports(record, parties, options = {}) {
  await engineReady();
  return reportDrafts(record.raw, parties, { ...options, analyze: record.analyzeOptions ?? null });
}

/** The ARF (.eml) bytes of the draft for one party. */
export async function draftArf(record, party, options = {}) {
  await engineReady();
  return reportArf(record.raw, party, { ...options, analyze: record.analyzeOptions ?? null });
}
