// Injected into a tab (ISOLATED world, main frame) after the popup showed a guided
// step ("open the message source with these two clicks"): watch the page with a
// MutationObserver and, once a new "Received:" line appears (the source dialog or the
// detailed headers opened), send the background one signal so it reads the tab again.
//
// The popup closes as soon as the user clicks in the page, so the watching cannot live
// there; a content-script message wakes the background even after its service
// worker was stopped. The signal carries no page data: the background re-reads the
// tab through executeScript, as for a toolbar click, and only for a tab it armed.
//
// This is the one content-side use of the extension API (runtime.sendMessage), which
// tests/unit/conventions.test.mjs allows here by name. Self-contained, like readers.js.

/**
 * Watch for up to `timeoutMs`; re-arming restarts the watch. Returns true when armed.
 * A re-arm while a watch runs (the popup reconnected after the background was stopped)
 * keeps the first count, so a source that appeared in between is still noticed.
 */
export function watchForSource(timeoutMs) {
  try {
    const api = globalThis.browser ?? globalThis.chrome;
    const previous = globalThis.senderTraceWatch;
    if (previous) previous.stop();
    const count = () => {
      let text = document.body ? document.body.textContent || '' : '';
      for (const area of document.querySelectorAll('textarea')) text += `\n${area.value}`;
      return (text.match(/Received:/gi) || []).length;
    };
    const baseline = previous ? previous.baseline : count();
    let pending = null;
    let timer = null;
    const check = () => {
      if (pending) return;
      // Coalesce bursts of mutations (a dialog renders in many steps).
      pending = setTimeout(() => {
        pending = null;
        if (count() <= baseline) return;
        stop();
        Promise.resolve(api.runtime.sendMessage({ type: 'source-appeared' })).catch(() => {});
      }, 250);
    };
    const observer = new MutationObserver(check);
    function stop() {
      observer.disconnect();
      clearTimeout(pending);
      clearTimeout(timer);
      if (globalThis.senderTraceWatch === handle) globalThis.senderTraceWatch = null;
    }
    const handle = { stop, baseline };
    globalThis.senderTraceWatch = handle;
    observer.observe(document.documentElement, { childList: true, subtree: true, characterData: true });
    timer = setTimeout(stop, timeoutMs);
    check();
    return true;
  } catch {
    return false;
  }
}
