// Background: runs the wasm for the toolbar popup, the context menu and the
// popup's paste box, and reads pages through scripting.executeScript.
//
// A module service worker in Chrome, a module event page in Firefox. Both may be
// stopped at any time, so the only global state is the engine's init promise;
// results for the context-menu window go through storage.session. Listeners are
// registered synchronously at the top level so a wake-up event is not missed.

import * as browser from './lib/browser.js';
import { analyzeMessage as analyzeWith, engineReady } from './ui/engine.js';
import { pickHeaderCandidate, cleanPageText } from './ui/detect.js';
import { readRawPage, readSelection } from './content/readers.js';
import * as gmail from './content/adapters/gmail.js';
import * as roundcube from './content/adapters/roundcube.js';
import * as snappymail from './content/adapters/snappymail.js';
import * as zimbra from './content/adapters/zimbra.js';
import * as outlook from './content/adapters/outlook.js';
import * as yahoo from './content/adapters/yahoo.js';
import * as yahoojp from './content/adapters/yahoojp.js';
import * as squirrelmail from './content/adapters/squirrelmail.js';
import { watchForSource } from './content/watch.js';

const MENU_ID = 'trace-sender';
// research/webmail.md §6.5: a header block is rarely above a few hundred KB; a
// whole raw message with attachments can be large, so cap what crosses over.
const MAX_PAGE_CHARS = 4 * 1024 * 1024;
const RESULT_PREFIX = 'result:';
const RESULTS_KEPT = 5;
// Webmail adapters, tried when the page itself shows no raw message (research/webmail.md §7).
const ADAPTERS = [gmail, roundcube, snappymail, zimbra, outlook, yahoo, yahoojp, squirrelmail];
// A guided step (ui/guide.js) arms its tab: the watcher in the tab (content/watch.js)
// signals when the source appears, and the background traces the tab again.
const WATCH_PREFIX = 'watch:';
const WATCH_MS = 10 * 60 * 1000;
// Popups and result windows still showing a guided step, by tab id (see servePorts).
const watchingPages = new Map();

/** Analyse with the user's AnalyzeOptions (the trusted forwarders of the options page). */
async function analyzeMessage(text, { source }) {
  const settings = await browser.loadSettings().catch(() => null);
  const forwarders = settings?.trustedForwarders ?? [];
  return analyzeWith(text, { source, options: forwarders.length ? { trustedForwarders: forwarders } : undefined });
}

/** The best header block the page readers found in `frames` (see runInTab), or null. */
async function readPage(tabId, frames) {
  const injections = await browser.runInTab(tabId, frames, readRawPage, [MAX_PAGE_CHARS]);
  return pickHeaderCandidate(injections.flatMap((injection) => injection?.result?.ok ? injection.result.candidates : []));
}

/**
 * Ask each webmail adapter for the open message's original (main frame only).
 * An adapter of a webmail that needs the user to open the source answers
 * { guide: id }; that is returned when no adapter found the message.
 */
async function readWithAdapters(tabId) {
  const run = async (func, args, world) => (await browser.runInTab(tabId, null, func, args, world))[0]?.result ?? null;
  let guide = null;
  for (const adapter of ADAPTERS) {
    const text = await adapter.readOriginal(run, MAX_PAGE_CHARS).catch(() => null);
    if (typeof text === 'object' && text?.guide) guide ??= { guide: String(text.guide) };
    const picked = typeof text === 'string' && pickHeaderCandidate([{ source: adapter.id, text }]);
    if (picked) return picked;
  }
  return guide;
}

/**
 * Read a tab and analyse the raw message it shows: the given frame, or the main
 * frame, then every frame (a webmail may show the source in an iframe, e.g.
 * Roundcube's preview; Chrome refuses allFrames when any frame is out of reach,
 * so that try may fail on its own), then the webmail adapters.
 */
export async function traceTab(tabId, frameId) {
  const wholeTab = !frameId; // the toolbar (no frame) or the context menu on the top frame (0)
  let picked;
  try {
    picked = await readPage(tabId, wholeTab ? null : [frameId]);
  } catch (err) {
    return { ok: false, source: 'page', error: { name: 'page-unreadable', message: String(err?.message ?? err) } };
  }
  if (!picked && wholeTab) picked = await readPage(tabId, 'all').catch(() => null);
  // A click in a frame (Roundcube's preview, SquirrelMail's frameset) may still be
  // on a webmail whose adapter reads the open message from the main frame.
  if (!picked) picked = await readWithAdapters(tabId).catch(() => null);
  if (picked?.guide) {
    return { ok: false, source: 'page', tabId, error: { name: 'needs-source-view', webmail: picked.guide, message: 'open the message source first' } };
  }
  if (!picked) return { ok: false, source: 'page', error: { name: 'no-raw-message', message: 'no header block on the page' } };
  return analyzeMessage(picked.text, { source: `page:${picked.source}` });
}

/** Analyse the selection in the clicked frame, re-read with its line breaks. */
export async function traceSelection(tabId, frameId, selectionText) {
  let text = '';
  try {
    const [injection] = await browser.runInTab(tabId, [frameId ?? 0], readSelection, [MAX_PAGE_CHARS]);
    if (injection?.result?.ok) text = injection.result.text;
  } catch {
    // No access to that frame: fall back to the flattened text the menu gave us.
  }
  if (!text.trim()) text = selectionText ?? '';
  return analyzeMessage(cleanPageText(text), { source: 'selection' });
}

/** Keep a result for a window to show; older results are dropped. */
async function storeResult(record) {
  const id = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  const keys = (await browser.sessionKeys()).filter((key) => key.startsWith(RESULT_PREFIX)).sort();
  if (keys.length >= RESULTS_KEPT) await browser.sessionRemove(keys.slice(0, keys.length - RESULTS_KEPT + 1));
  await browser.sessionSet({ [RESULT_PREFIX + id]: { ...record, createdAt: Date.now() } });
  return id;
}

/** "Trace sender" / 「送信元を調べる」: trace the selection or the page, show it in a popup window. */
export async function onContextMenuClick(info, tab) {
  if (info?.menuItemId !== MENU_ID || !tab || typeof tab.id !== 'number' || tab.id < 0) return null;
  const record = info.selectionText
    ? await traceSelection(tab.id, info.frameId, info.selectionText)
    : await traceTab(tab.id, info.frameId);
  const id = await storeResult({ ...record, url: info.frameUrl ?? info.pageUrl ?? tab.url ?? null });
  await browser.openPopupWindow(`popup/popup.html?window=1&result=${encodeURIComponent(id)}`, 560, 720);
  return id;
}

/** Arm a tab after a guided step: remember it, and start the watcher in it. */
async function armWatch(tabId) {
  await browser.sessionSet({ [WATCH_PREFIX + tabId]: { until: Date.now() + WATCH_MS } });
  await browser.runInTab(tabId, null, watchForSource, [WATCH_MS]);
}

/**
 * The watcher in an armed tab saw a new "Received:" line: trace the tab again. Not a
 * message yet (the dialog is still rendering, or it was something else): re-arm.
 * A result goes to the popup or window still showing the guide, else to a new window.
 */
export async function onSourceAppeared(tabId) {
  const key = WATCH_PREFIX + tabId;
  const armed = await browser.sessionGet(key);
  if (!armed || armed.until < Date.now()) return null;
  const record = await traceTab(tabId);
  if (!record.ok) {
    await armWatch(tabId).catch(() => {});
    return null;
  }
  await browser.sessionRemove([key]);
  const pages = watchingPages.get(tabId);
  if (pages?.size) {
    for (const port of pages) port.postMessage({ type: 'traced', record });
    return 'port';
  }
  const id = await storeResult({ ...record, url: null });
  await browser.openPopupWindow(`popup/popup.html?window=1&result=${encodeURIComponent(id)}`, 560, 720);
  return id;
}

/** A popup or result window showing a guided step: { type: 'watch', tabId } on a port. */
function watchPort(port) {
  let tabId = null;
  port.onMessage.addListener((message) => {
    if (message?.type !== 'watch' || !Number.isInteger(message.tabId) || tabId !== null) return;
    tabId = message.tabId;
    if (!watchingPages.has(tabId)) watchingPages.set(tabId, new Set());
    watchingPages.get(tabId).add(port);
    armWatch(tabId).then(() => port.postMessage({ type: 'watching' }), () => port.postMessage({ type: 'watch-failed' }));
  });
  port.onDisconnect.addListener(() => {
    const pages = tabId === null ? null : watchingPages.get(tabId);
    pages?.delete(port);
    if (pages && pages.size === 0) watchingPages.delete(tabId);
  });
}

// One handler table; only the extension's own pages reach it (see serveMessages:
// web pages cannot message the extension at all, there is no externally_connectable,
// and the one content-script signal goes to onTabSignal). Each request is still
// checked before anything runs: a plain object, a known type, the fields that type
// needs with the right types and sizes, nothing else.
// A pasted message may be larger than a page read (a 20 MB header block is still
// analysed), but not unbounded.
const MAX_PASTE_CHARS = 32 * 1024 * 1024;
const handlers = {
  'analyze-text': {
    fields: ['type', 'text'],
    valid: (message) => typeof message.text === 'string' && message.text.length <= MAX_PASTE_CHARS,
    run: (message) => analyzeMessage(message.text, { source: 'paste' }),
  },
  'trace-tab': {
    fields: ['type', 'tabId'],
    valid: (message) => Number.isSafeInteger(message.tabId) && message.tabId >= 0,
    run: (message) => traceTab(message.tabId),
  },
};

/** Run a request from an extension page, or answer bad-argument without running anything. */
export function handleRequest(message) {
  const refuse = (why) => ({ ok: false, error: { name: 'bad-argument', message: why } });
  if (message === null || typeof message !== 'object' || Array.isArray(message)) return refuse('not a request');
  const handler = Object.hasOwn(handlers, message.type) ? handlers[message.type] : null;
  if (!handler) return refuse('unknown request');
  if (Object.keys(message).some((key) => !handler.fields.includes(key)) || !handler.valid(message)) return refuse(`malformed ${message.type} request`);
  return handler.run(message);
}

browser.serveMessages(handleRequest);

browser.onMenuClicked((info, tab) => {
  onContextMenuClick(info, tab).catch((err) => console.warn('SenderTrace: trace failed', err));
});

browser.servePorts((port) => {
  if (port.name === 'watch') watchPort(port);
  else port.disconnect();
});

browser.onTabSignal('source-appeared', (tabId) => {
  onSourceAppeared(tabId).catch((err) => console.warn('SenderTrace: trace failed', err));
});

browser.onInstalled(() => {
  browser.installMenu(MENU_ID, browser.nativeMessage('menu_trace_sender'), ['page', 'selection', 'frame']);
});

// Test seam: native menus cannot be clicked from Playwright, so tests call this.
self.senderTrace = Object.freeze({ onContextMenuClick, traceTab, traceSelection, onSourceAppeared, handleRequest });

// Compile the wasm early; errors surface again when a trace awaits it.
engineReady().catch(() => {});
