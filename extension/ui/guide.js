// The guided step for webmails whose open message an extension cannot fetch
// (Outlook on the web, Yahoo Mail, Yahoo! JAPAN メール): tell the user, in their
// language, the two clicks that open the message source, and wait for it.
//
// The waiting does not depend on this page staying open: the toolbar popup closes as
// soon as the user clicks in the webmail. The page asks the background over a port to
// arm the tab; a watcher in the tab (content/watch.js) signals when the source
// appears; the background traces and posts the result here if this page is still open
// (a result window, or a popup kept open), else opens a result window itself.

import * as browser from '../lib/browser.js';

// Each webmail's steps, by message key; `watch` when the source appears in the same
// tab (Yahoo Mail opens its raw message in a new tab, where the icon is clicked again).
const GUIDES = {
  outlook: { name: 'Outlook', watch: true, steps: (t) => [t('guide_outlook_step1'), t('guide_outlook_step2')] },
  yahoo: { name: 'Yahoo Mail', watch: false, steps: (t) => [t('guide_yahoo_step1'), t('guide_yahoo_step2')] },
  yahoojp: { name: 'Yahoo! JAPAN メール', watch: true, steps: (t) => [t('guide_yahoojp_step1'), t('guide_yahoojp_step2')] },
};

function el(tag, props, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props ?? {})) {
    if (name === 'text') node.textContent = String(value);
    else if (name === 'testid') node.dataset.testid = value;
    else node.setAttribute(name, String(value));
  }
  node.append(...children);
  return node;
}

/** True when `record` asks for a guided step this module knows. */
export function isGuide(record) {
  return record?.ok === false && record.error?.name === 'needs-source-view' && Object.hasOwn(GUIDES, record.error.webmail);
}

/**
 * Show the steps in `container` and watch the record's tab; `onTraced(record)` gets
 * the trace once the source appears. Returns a function that stops watching.
 */
export function showGuide(container, record, t, onTraced) {
  const guide = GUIDES[record.error.webmail];
  const watching = guide.watch && Number.isInteger(record.tabId);
  const status = el('p', { className: 'note', testid: 'guide-status', role: 'status', text: t('guide_watching') });
  container.replaceChildren(el('section', { className: 'guide', testid: 'guide', 'aria-labelledby': 'guide-title' },
    el('h2', { id: 'guide-title', text: t('guide_title', { webmail: guide.name }) }),
    el('ol', {}, ...guide.steps(t).map((text) => el('li', { testid: 'guide-step', text }))),
    ...(watching ? [status] : [])));
  if (!watching) return () => {};
  let stopped = false;
  let port = null;
  // Chrome stops an idle service worker after 30 s; a message on the port keeps it up
  // while this page waits (if it is stopped anyway, the port drops and is reopened).
  const keepAlive = setInterval(() => { if (!stopped) port?.postMessage({ type: 'ping' }); }, 20000);
  const connect = () => {
    port = browser.connectToBackground('watch');
    port.onMessage.addListener((message) => {
      if (message?.type === 'traced' && !stopped) {
        stop();
        onTraced(message.record);
      } else if (message?.type === 'watch-failed') {
        status.textContent = t('guide_watch_failed');
      }
    });
    // A background that was stopped drops the port: ask again, the tab is re-armed.
    port.onDisconnect.addListener(() => {
      if (!stopped) setTimeout(() => { if (!stopped) connect(); }, 500);
    });
    port.postMessage({ type: 'watch', tabId: record.tabId });
  };
  function stop() {
    stopped = true;
    clearInterval(keepAlive);
    port?.disconnect();
  }
  connect();
  return stop;
}
