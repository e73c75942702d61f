// The only module that touches the WebExtension API (chrome.* / browser.*).
//
// Chrome exposes promise-returning `chrome.*`; Firefox exposes `browser.*` (and a
// `chrome.*` alias). Everything else in the extension imports these small
// functions, so browser differences and test seams live in one place.

import { SETTINGS_KEY, normalizeSettings } from '../ui/settings.js';

const ext = globalThis.browser ?? globalThis.chrome;

export function extensionUrl(path) {
  return ext.runtime.getURL(path);
}

export function uiLanguage() {
  try {
    return ext.i18n.getUILanguage();
  } catch {
    return globalThis.navigator?.language ?? 'en';
  }
}

/** Manifest-level translation (menus before any page is open). */
export function nativeMessage(key) {
  return ext.i18n.getMessage(key);
}

// --- messaging between extension pages and the background -------------------

// Chrome drops a request when it stops the service worker in the middle of it ("the
// message channel closed before a response was received"). Every request is a read
// (analyse this text, read that tab), so it is asked once more: that wakes a fresh worker.
const LOST_REQUEST = /message channel closed|message port closed|Receiving end does not exist/i;

export async function sendToBackground(message) {
  try {
    return await ext.runtime.sendMessage(message);
  } catch (err) {
    if (!LOST_REQUEST.test(String(err?.message ?? err))) throw err;
    return ext.runtime.sendMessage(message);
  }
}

/**
 * Serve requests with an async handler. Only extension pages may ask: content
 * scripts never message the background (page readers return their data through
 * executeScript), so any other sender is ignored.
 */
export function serveMessages(handler) {
  const ownOrigin = ext.runtime.getURL('');
  ext.runtime.onMessage.addListener((message, sender, sendResponse) => {
    const fromOwnPage = sender && sender.id === ext.runtime.id
      && typeof sender.url === 'string' && sender.url.startsWith(ownOrigin);
    if (!fromOwnPage) return false;
    Promise.resolve()
      .then(() => handler(message))
      .then(sendResponse, (err) => sendResponse({ ok: false, error: { name: 'internal', message: String(err?.message ?? err) } }));
    return true; // the response is sent asynchronously
  });
}

/** A long-lived channel from an extension page to the background (runtime.connect). */
export function connectToBackground(name) {
  return ext.runtime.connect({ name });
}

/** Ports opened by the extension's own pages; any other port is closed. */
export function servePorts(listener) {
  const ownOrigin = ext.runtime.getURL('');
  ext.runtime.onConnect.addListener((port) => {
    const sender = port.sender;
    if (sender && sender.id === ext.runtime.id && String(sender.url ?? '').startsWith(ownOrigin)) listener(port);
    else port.disconnect();
  });
}

/**
 * The one message a content script sends (content/watch.js): `{ type }` from a tab,
 * no data. `listener(tabId)` decides whether that tab was armed.
 */
export function onTabSignal(type, listener) {
  const ownOrigin = ext.runtime.getURL('');
  ext.runtime.onMessage.addListener((message, sender) => {
    const fromTab = sender && sender.id === ext.runtime.id && sender.tab && typeof sender.tab.id === 'number'
      && !String(sender.url ?? '').startsWith(ownOrigin);
    // Exactly { type }: a signal carries no data, so anything more is not ours.
    const signal = message !== null && typeof message === 'object' && !Array.isArray(message)
      && Object.keys(message).length === 1 && message.type === type;
    if (fromTab && signal) listener(sender.tab.id);
    return false;
  });
}

// --- tabs, scripting, windows --------------------------------------------------

export async function activeTab() {
  const [tab] = await ext.tabs.query({ active: true, currentWindow: true });
  return tab ?? null;
}

/**
 * Run a self-contained function in a tab; resolves to the InjectionResult list.
 * `frames`: null for the main frame, a list of frame ids, or 'all'. `world` 'MAIN'
 * runs in the page's own JavaScript world (only for tiny read-only functions).
 */
export function runInTab(tabId, frames, func, args, world = 'ISOLATED') {
  const target = frames === 'all' ? { tabId, allFrames: true } : frames ? { tabId, frameIds: frames } : { tabId };
  return ext.scripting.executeScript({ target, func, args, world });
}

export function openPopupWindow(path, width, height) {
  return ext.windows.create({ url: ext.runtime.getURL(path), type: 'popup', width, height });
}

// --- storage -------------------------------------------------------------------

export async function sessionGet(key) {
  const items = await ext.storage.session.get(key);
  return items[key];
}

export function sessionSet(items) {
  return ext.storage.session.set(items);
}

export function sessionRemove(keys) {
  return ext.storage.session.remove(keys);
}

export async function sessionKeys() {
  return Object.keys(await ext.storage.session.get(null));
}

export async function settingsGet(key) {
  const items = await ext.storage.local.get(key);
  return items[key];
}

/** The options page's settings (storage.sync "settings", see ui/settings.js), normalised. */
export async function loadSettings() {
  const items = await ext.storage.sync.get(SETTINGS_KEY);
  return normalizeSettings(items[SETTINGS_KEY]);
}

export function saveSettings(settings) {
  return ext.storage.sync.set({ [SETTINGS_KEY]: normalizeSettings(settings) });
}

export function openOptionsPage() {
  return ext.runtime.openOptionsPage();
}

// --- background wiring ---------------------------------------------------------

export function onInstalled(listener) {
  ext.runtime.onInstalled.addListener(listener);
}

/** (Re)create one context-menu item; duplicates after an update are cleared first. */
export async function installMenu(id, title, contexts) {
  await ext.contextMenus.removeAll();
  await new Promise((resolve) => {
    ext.contextMenus.create({ id, title, contexts }, () => {
      // Reading lastError marks it handled (else Chrome logs "Unchecked runtime.lastError").
      resolve(ext.runtime.lastError ?? null);
    });
  });
}

export function onMenuClicked(listener) {
  ext.contextMenus.onClicked.addListener(listener);
}

/** storage.local as a key-value store for the lookup cache (driver.makeCache). */
export const localStore = {
  async get(key) {
    const items = await ext.storage.local.get(key);
    return items[key];
  },
  set(key, value) {
    return ext.storage.local.set({ [key]: value });
  },
  entries() {
    return ext.storage.local.get(null);
  },
  remove(keys) {
    return ext.storage.local.remove(keys);
  },
};
