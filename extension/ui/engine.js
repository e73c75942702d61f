// Loads the SenderTrace wasm and runs the analysis. Shared by the extension
// background and the standalone www page (both ship pkg/ next to ui/).
//
// Never throws: every outcome is a record the renderer understands,
//   { ok: true, analysis, source }  or  { ok: false, error: { name, message }, source }.
// Error names come from the core (empty, binary, not-a-header-block, ...) or are
// the extension's own (no-raw-message, page-unreadable, internal).

import init, { analyze, version, Trace } from '../pkg/sendertrace_wasm.js';

let ready = null;

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
    const analysis = analyze(input, options ?? undefined);
    return { ok: true, source, analysis, core: version() };
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
