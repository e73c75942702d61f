// The toolbar popup and the context-menu result window (popup.html?window=1&result=ID).
//
// Toolbar: read the active tab (or ?tab=ID, which the e2e tests use because they
// cannot click the toolbar) through the background, show the result, and offer
// the paste box. Window: show the result the background stored in storage.session.

import * as browser from '../lib/browser.js';
import { loadTranslator, pickLanguage, translateDocument } from '../ui/i18n.js';
import { renderRecord, renderNote } from '../ui/render.js';
import { submitOnCtrlEnter } from '../ui/form.js';
import { isGuide, showGuide } from '../ui/guide.js';
import { lookupsBox, runLookups } from '../ui/lookups.js';
import { enableReports } from '../ui/report.js';
import { makeCache } from '../ui/driver.js';
import { dohResolver, normalizeSettings } from '../ui/settings.js';

const cache = makeCache(browser.localStore);

const params = new URLSearchParams(location.search);
const resultBox = document.getElementById('result');
const statusBox = document.getElementById('page-status');
const form = document.getElementById('paste-form');
const input = document.getElementById('paste-input');
const button = document.getElementById('trace-button');
let pasted = false;

const settings = browser.loadSettings().catch(() => normalizeSettings(null));

async function translator() {
  // The options page's language (storage.sync) wins over the browser's; storage.local
  // "lang" is the older test seam, read only when the setting is "auto".
  const { lang: chosen } = await settings;
  const legacy = chosen === 'auto' ? await browser.settingsGet('lang').catch(() => null) : null;
  const lang = pickLanguage(chosen === 'auto' ? legacy : chosen, browser.uiLanguage(), navigator.language);
  return loadTranslator(browser.extensionUrl('/'), lang);
}

/** Ask the background; a failure to reach it becomes an 'internal' error record. */
function ask(message) {
  return browser.sendToBackground(message)
    .catch((err) => ({ ok: false, error: { name: 'internal', message: String(err?.message ?? err) } }));
}

// Page-reading failures are not input errors: show a hint, keep the paste box.
const PAGE_NOTES = { 'page-unreadable': 'page_unreadable', 'no-raw-message': 'page_no_raw_message' };

function show(t, record) {
  if (isGuide(record)) {
    // Outlook / Yahoo: the two clicks that open the source; the trace follows by itself.
    resultBox.replaceChildren();
    showGuide(statusBox, record, t, (traced) => { if (!pasted) show(t, traced); });
    return;
  }
  const note = !record?.ok && PAGE_NOTES[record?.error?.name];
  if (note) {
    resultBox.replaceChildren();
    renderNote(statusBox, t(note), 'page-status');
    // Nothing to show from the page: the paste box is the way on.
    if (!pasted) input.focus();
    return;
  }
  statusBox.replaceChildren();
  renderRecord(resultBox, record, t);
  // The analysis is on screen; the lookups fill in who is responsible as answers come.
  if (record?.ok) {
    const box = lookupsBox(resultBox);
    // Each party the lookups list gets a "Report" button (body per the options page).
    settings.then(({ includeBody }) => enableReports(record, t, { includeBody }));
    // Failed lookups offer Retry: run the trace again; what already answered comes from the cache.
    box.dataset.retryable = 'true';
    const run = () => traceOptions().then((options) => runLookups(box, record, t, { cache, options }));
    box.addEventListener('sendertrace-retry', run);
    run();
  }
  const source = record?.ok ? sourceNote(t, record.source) : null;
  if (source) renderNote(statusBox, source, 'source');
}

/**
 * TraceOptions: the DoH resolver of the options page (storage.sync); storage.local
 * "traceOptions" (a test seam pointing the trace at local servers) is applied first.
 */
async function traceOptions() {
  const stored = await browser.settingsGet('traceOptions').catch(() => null);
  const { doh } = await settings;
  return { ...(stored && typeof stored === 'object' ? stored : {}), doh_resolver: dohResolver(doh) };
}

// Where a page result came from (engine records carry source: page:<reader or adapter>).
const WEBMAILS = { gmail: 'Gmail', roundcube: 'Roundcube', snappymail: 'SnappyMail', zimbra: 'Zimbra', squirrelmail: 'SquirrelMail' };

function sourceNote(t, source) {
  if (source === 'selection') return t('source_selection');
  const [kind, where] = String(source ?? '').split(':');
  if (kind !== 'page') return null;
  return WEBMAILS[where] ? t('source_webmail', { webmail: WEBMAILS[where] }) : t('source_page');
}

async function traceActiveTab(t) {
  const tabParam = params.get('tab');
  const tabId = tabParam !== null ? Number(tabParam) : (await browser.activeTab())?.id;
  if (typeof tabId !== 'number' || !Number.isInteger(tabId)) {
    show(t, { ok: false, error: { name: 'page-unreadable' } });
    return;
  }
  renderNote(statusBox, t('page_reading'), 'page-reading');
  const record = await ask({ type: 'trace-tab', tabId });
  // The user may have traced pasted text meanwhile: that result wins.
  if (!pasted) show(t, record);
}

async function showStoredResult(t) {
  document.body.classList.add('window');
  const record = await browser.sessionGet(`result:${params.get('result') ?? ''}`);
  if (!record) renderNote(statusBox, t('result_expired'), 'page-status');
  else show(t, record);
}

// 200% zoom: Chrome caps the popup at 800×600 device pixels, so at 200% only 400 CSS
// pixels fit of the 560 the layout asks for. Take the width the window really has (a
// fixed px value: the popup's auto-size must not depend on vw), so nothing scrolls
// sideways. Widths under 300 are the popup still growing to its size: left alone.
function fitWidth() {
  if (params.get('window') === '1') return; // the result window is a normal window: fluid
  const available = window.innerWidth;
  document.body.style.width = available >= 300 && available < 560 ? `${available}px` : '';
}

async function main() {
  fitWidth();
  window.addEventListener('resize', fitWidth);
  const t = await translator();
  translateDocument(document, t);
  document.getElementById('options-link').addEventListener('click', (event) => {
    event.preventDefault();
    browser.openOptionsPage().then(() => window.close(), () => {});
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    button.disabled = true;
    pasted = true;
    try {
      statusBox.replaceChildren();
      show(t, await ask({ type: 'analyze-text', text: input.value }));
    } finally {
      button.disabled = false;
    }
  });
  submitOnCtrlEnter(input, form);
  if (params.get('window') === '1') await showStoredResult(t);
  else await traceActiveTab(t);
}

main();
