// Translation for extension pages and the www page, from _locales/<lang>/messages.json.
//
// chrome.i18n.getMessage cannot switch language at run time, and www has no
// chrome.i18n at all, so both load the same message files themselves. Messages use
// Chrome's format: "$NAME$" refers to placeholders.name, whose content "$1", "$2"…
// gives the position. Callers pass either named params ({ip: "…"}, as the wire
// format's reasons and findings do) or positional params (an array).

export const LANGUAGES = ['en', 'ja'];
export const FALLBACK = 'en';

/** Pick a supported language from preference tags, first match wins ("ja-JP" → "ja"). */
export function pickLanguage(...tags) {
  for (const tag of tags.flat()) {
    if (typeof tag !== 'string' || tag === '') continue;
    const base = tag.toLowerCase().split(/[-_]/)[0];
    if (LANGUAGES.includes(base)) return base;
  }
  return FALLBACK;
}

export async function loadMessages(baseUrl, lang) {
  const response = await fetch(new URL(`_locales/${lang}/messages.json`, baseUrl));
  if (!response.ok) throw new Error(`messages for ${lang}: HTTP ${response.status}`);
  return response.json();
}

function fill(entry, params) {
  const placeholders = entry.placeholders ?? {};
  return entry.message.replace(/\$([A-Za-z0-9_@]+)\$|\$\$/g, (whole, name) => {
    if (whole === '$$') return '$';
    const key = name.toLowerCase();
    if (Array.isArray(params)) {
      const content = placeholders[key]?.content ?? '';
      const position = /^\$(\d)$/.exec(content);
      return position ? String(params[Number(position[1]) - 1] ?? '') : content;
    }
    return params && Object.hasOwn(params, key) ? String(params[key] ?? '') : '';
  });
}

/**
 * Build `t(key, params?, fallback?)`: the message in `messages`, else in
 * `fallbackMessages`, else `fallback` (e.g. the core's English text), else the key.
 * `t.has(key)` tells whether a translation exists; `t.lang` is the language.
 */
export function makeTranslator(lang, messages, fallbackMessages = {}) {
  const t = (key, params, fallback) => {
    const entry = messages[key] ?? fallbackMessages[key];
    if (entry && typeof entry.message === 'string') return fill(entry, params);
    return fallback ?? key;
  };
  t.has = (key) => Boolean(messages[key] ?? fallbackMessages[key]);
  t.lang = lang;
  return t;
}

/** Load the translator for a language (English as fallback for missing keys). */
export async function loadTranslator(baseUrl, lang) {
  const english = await loadMessages(baseUrl, FALLBACK);
  const messages = lang === FALLBACK ? english : await loadMessages(baseUrl, lang).catch(() => english);
  return makeTranslator(lang, messages, english);
}

/**
 * Translate static markup: data-i18n (text), data-i18n-placeholder,
 * data-i18n-title, data-i18n-aria-label. Sets <html lang>.
 */
export function translateDocument(doc, t) {
  doc.documentElement.lang = t.lang;
  for (const node of doc.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
  for (const node of doc.querySelectorAll('[data-i18n-placeholder]')) node.placeholder = t(node.dataset.i18nPlaceholder);
  for (const node of doc.querySelectorAll('[data-i18n-title]')) node.title = t(node.dataset.i18nTitle);
  for (const node of doc.querySelectorAll('[data-i18n-aria-label]')) node.setAttribute('aria-label', t(node.dataset.i18nAriaLabel));
}

/** Key of a wire-format code: "private-address" → "reason_private_address". */
export function codeKey(prefix, code) {
  return `${prefix}_${String(code).replace(/-/g, '_')}`;
}
