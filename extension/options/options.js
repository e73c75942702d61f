// The options page: language, trusted forwarders, DoH resolver, report body, cache.
// Everything is stored in storage.sync "settings" (see ui/settings.js) through
// lib/browser.js; nothing is saved while an entry is invalid.

import * as browser from '../lib/browser.js';
import { loadTranslator, pickLanguage, translateDocument } from '../ui/i18n.js';
import { makeCache } from '../ui/driver.js';
import { DOH_RESOLVERS, isValidDohUrl, normalizeSettings, parseForwarders } from '../ui/settings.js';

const form = document.getElementById('options-form');
const lang = document.getElementById('lang');
const forwarders = document.getElementById('forwarders');
const dohUrl = document.getElementById('doh-url');
const includeBody = document.getElementById('include-body');
const errorBox = document.getElementById('options-error');
const statusBox = document.getElementById('options-status');
const cacheStatus = document.getElementById('cache-status');
const clearButton = document.getElementById('clear-cache');

const dohRadio = (value) => form.querySelector(`input[name=doh][value="${value}"]`);

function show(settings) {
  lang.value = settings.lang;
  forwarders.value = settings.trustedForwarders.join('\n');
  const preset = settings.doh === 'off' || Object.hasOwn(DOH_RESOLVERS, settings.doh);
  dohRadio(preset ? settings.doh : 'custom').checked = true;
  dohUrl.value = preset ? '' : settings.doh;
  includeBody.checked = settings.includeBody;
}

/** The form as settings, or { error } naming what is wrong (then nothing is saved). */
function read(t) {
  const { entries, invalid } = parseForwarders(forwarders.value);
  if (invalid.length) return { error: t('options_forwarders_invalid', { entry: invalid.join(', ') }), field: forwarders };
  const choice = form.querySelector('input[name=doh]:checked')?.value ?? 'google';
  let doh = choice;
  if (choice === 'custom') {
    if (!isValidDohUrl(dohUrl.value)) return { error: t('options_doh_invalid'), field: dohUrl };
    doh = dohUrl.value.trim();
  }
  return { settings: { lang: lang.value, trustedForwarders: entries, doh, includeBody: includeBody.checked } };
}

function setError(message, field) {
  errorBox.textContent = message;
  for (const node of [forwarders, dohUrl]) node.removeAttribute('aria-invalid');
  if (field) {
    field.setAttribute('aria-invalid', 'true');
    field.focus();
  }
}

async function translator(setting) {
  const t = await loadTranslator(browser.extensionUrl('/'), pickLanguage(setting === 'auto' ? null : setting, browser.uiLanguage(), navigator.language));
  t.setting = setting;
  return t;
}

async function main() {
  const settings = await browser.loadSettings().catch(() => normalizeSettings(null));
  let t = await translator(settings.lang);
  translateDocument(document, t);
  show(settings);
  dohUrl.addEventListener('input', () => { dohRadio('custom').checked = true; });

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    statusBox.textContent = '';
    const { settings: next, error, field } = read(t);
    if (error) {
      setError(error, field);
      return;
    }
    setError('');
    try {
      await browser.saveSettings(next);
      // The page's own language follows the setting at once.
      if (next.lang !== t.setting) {
        t = await translator(next.lang);
        translateDocument(document, t);
      }
      show(normalizeSettings(next));
      statusBox.textContent = t('options_saved');
    } catch (err) {
      setError(t('options_failed', { message: String(err?.message ?? err) }));
    }
  });

  clearButton.addEventListener('click', async () => {
    clearButton.disabled = true;
    try {
      const count = await makeCache(browser.localStore).clear();
      cacheStatus.textContent = t('options_cache_cleared', { count });
    } finally {
      clearButton.disabled = false;
    }
  });
  document.body.dataset.ready = '1';
}

main();
