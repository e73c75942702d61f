// The options page's settings (storage.sync "settings") and their validation.
// Pure: the readers (popup, result window, background) and the options page share it;
// www has no extension storage and keeps DEFAULTS.

export const SETTINGS_KEY = 'settings';
export const DOH_RESOLVERS = {
  google: 'https://dns.google/resolve',
  cloudflare: 'https://cloudflare-dns.com/dns-query',
};
export const DEFAULTS = Object.freeze({ lang: 'auto', trustedForwarders: [], doh: 'google', includeBody: false });

const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const HOST = new RegExp(`^(?=.{1,253}\\.?$)${LABEL}(?:\\.${LABEL})+\\.?$`, 'i');
const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

function isIpv6(text) {
  if (!/^[0-9a-f:.]+$/i.test(text) || !text.includes(':')) return false;
  try {
    return new URL(`http://[${text}]/`).hostname.length > 2;
  } catch {
    return false;
  }
}

/** One trusted-forwarder entry: a host name (LDH labels, at least one dot), an IP, or a CIDR range. */
export function isValidForwarder(entry) {
  const text = String(entry ?? '').trim();
  if (text === '') return false;
  const slash = text.indexOf('/');
  if (slash >= 0) {
    const [ip, prefix, ...rest] = text.split('/');
    if (rest.length || !/^\d{1,3}$/.test(prefix)) return false;
    const bits = Number(prefix);
    if (IPV4.test(ip)) return bits <= 32;
    if (isIpv6(ip)) return bits <= 128;
    return false;
  }
  if (IPV4.test(text) || isIpv6(text)) return true;
  // All-numeric dotted names are bad IPv4 addresses, not hosts.
  if (/^[\d.]+$/.test(text)) return false;
  return HOST.test(text);
}

/** Split the text area (lines, commas, spaces) into entries; `invalid` lists the bad ones. */
export function parseForwarders(text) {
  const entries = [...new Set(String(text ?? '').split(/[\s,]+/).map((s) => s.trim()).filter(Boolean))];
  return { entries, invalid: entries.filter((entry) => !isValidForwarder(entry)) };
}

/** A custom DoH resolver must be an https URL. */
export function isValidDohUrl(text) {
  try {
    const url = new URL(String(text ?? '').trim());
    return url.protocol === 'https:' && url.hostname !== '';
  } catch {
    return false;
  }
}

/** Stored settings with defaults filled in and anything malformed dropped. */
export function normalizeSettings(stored) {
  const s = stored && typeof stored === 'object' ? stored : {};
  const lang = ['auto', 'en', 'ja'].includes(s.lang) ? s.lang : DEFAULTS.lang;
  const trustedForwarders = Array.isArray(s.trustedForwarders) ? s.trustedForwarders.filter(isValidForwarder) : [];
  const doh = s.doh === 'off' || Object.hasOwn(DOH_RESOLVERS, s.doh ?? '') || isValidDohUrl(s.doh) ? s.doh : DEFAULTS.doh;
  return { lang, trustedForwarders, doh, includeBody: s.includeBody === true };
}

/** TraceOptions.doh_resolver for a `doh` setting: a URL, or null (off). */
export function dohResolver(doh) {
  if (doh === 'off') return null;
  return DOH_RESOLVERS[doh] ?? (isValidDohUrl(doh) ? doh : DOH_RESOLVERS.google);
}
