// Renders an analysis record (see engine.js) into a container. Shared by the popup,
// the context-menu result window and the www page.
//
// Every string from the message (header text, host names, reasons' params) is
// set as textContent: the DOM is built with createElement only, never from markup.
// The wire format is still growing, so every field is optional here: a missing or
// null value renders as "unknown" or is left out, never as an exception.

import { codeKey } from './i18n.js';

export function el(tag, props, ...children) {
  const node = document.createElement(tag);
  if (props) {
    for (const [name, value] of Object.entries(props)) {
      if (value === undefined || value === null || value === false) continue;
      if (name === 'text') node.textContent = String(value);
      else if (name === 'className') node.className = value;
      else if (name === 'testid') node.dataset.testid = value;
      else node.setAttribute(name, value === true ? '' : String(value));
    }
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

const isObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);
const present = (value) => value !== null && value !== undefined && value !== '';

/** Text that is data (addresses, hosts, header values, names from registries), not UI language. */
const verbatim = (tag, props) => el(tag, { ...props, translate: 'no' });

/**
 * A message whose params are data: the translated sentence as nodes, each param value
 * in its own <span translate="no"> (tools and tests can tell data from UI text).
 * `own` names params that are already UI words (translated codes): left as text.
 */
function richText(t, key, params = {}, own = []) {
  const names = Object.keys(params ?? {});
  const marked = {};
  names.forEach((name, i) => { marked[name] = own.includes(name) ? String(params[name] ?? '') : `\u0001${i}\u0002`; });
  const nodes = [];
  for (const part of t(key, marked).split(/(\u0001\d+\u0002)/)) {
    const m = /^\u0001(\d+)\u0002$/.exec(part);
    if (!m) { if (part) nodes.push(part); continue; }
    const value = String(params[names[Number(m[1])]] ?? '');
    if (value) nodes.push(el('span', { className: 'value', translate: 'no', text: value }));
  }
  return nodes;
}

/**
 * How to say a coded message: {key, params, own} from _locales, or {text} (the core's
 * English) only when the UI is English and the code is newer than the messages.
 * In any other language an unknown code says so in that language, with the code.
 */
function resolveCode(t, prefix, code, params, english, unknownKey) {
  const key = codeKey(prefix, code ?? '');
  if (t.has(key)) return { key, params: isObject(params) ? params : {}, own: [] };
  if (t.lang === 'en' && present(english)) return { text: String(english) };
  return { key: unknownKey, params: { code: String(code ?? '') }, own: [] };
}

const sayText = (t, said) => (said ? ('text' in said ? said.text : t(said.key, said.params)) : '');
const sayNodes = (t, said) => (said ? ('text' in said ? [said.text] : richText(t, said.key, said.params, said.own)) : []);

/** A reason from the core: {code, params, text} (wire format) or a bare English string (early builds). */
function resolveReason(t, reason) {
  if (typeof reason === 'string') return t.lang === 'en' ? { text: reason } : null;
  if (!isObject(reason) || !present(reason.code)) return null;
  return resolveCode(t, 'reason', reason.code, reason.params, reason.text, 'reason_unknown');
}
const reasonText = (t, reason) => sayText(t, resolveReason(t, reason));
const reasonNodes = (t, reason) => sayNodes(t, resolveReason(t, reason));

/** An SPF/DKIM/DMARC/ARC result word (RFC 8601) in the UI language. */
function authResult(t, word) {
  if (!present(word)) return null;
  const key = codeKey('auth_result', String(word).toLowerCase());
  return t.has(key) ? t(key) : String(word);
}

function section(id, titleKey, t, ...children) {
  const headingId = `h-${id}`;
  return el('section', { className: `block block-${id}`, 'aria-labelledby': headingId },
    el('h2', { id: headingId, text: t(titleKey) }), ...children);
}

export function formatDelay(t, seconds) {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds)) return '';
  const sign = seconds < 0 ? '−' : '';
  let rest = Math.round(Math.abs(seconds));
  const days = Math.floor(rest / 86400); rest -= days * 86400;
  const hours = Math.floor(rest / 3600); rest -= hours * 3600;
  const minutes = Math.floor(rest / 60); rest -= minutes * 60;
  let text;
  if (days > 0) text = t('delay_days', { days, hours });
  else if (hours > 0) text = t('delay_hours', { hours, minutes });
  else if (minutes > 0) text = t('delay_minutes', { minutes, seconds: rest });
  else text = t('delay_seconds', { seconds: rest });
  return sign + text;
}

/** [date, time] of a hop in the UI language and the browser's time zone; else the text the receiver wrote. */
function formatTime(t, hop) {
  if (typeof hop.timestamp === 'number') {
    try {
      const when = new Date(hop.timestamp * 1000);
      return [
        when.toLocaleDateString(t.lang, { year: 'numeric', month: '2-digit', day: '2-digit' }),
        when.toLocaleTimeString(t.lang, { hour: '2-digit', minute: '2-digit', second: '2-digit' }),
      ];
    } catch { /* fall through to the text the receiver wrote */ }
  }
  return present(hop.date) ? [String(hop.date)] : [];
}

/** Delay of hop i: its own delay_seconds, else computed from the timestamps (older = i+1). */
function hopDelay(hops, i) {
  const hop = hops[i];
  if (typeof hop.delay_seconds === 'number') return hop.delay_seconds;
  if (hop.delay_seconds === null) return null;
  const older = hops[i + 1];
  if (older && typeof hop.timestamp === 'number' && typeof older.timestamp === 'number') return hop.timestamp - older.timestamp;
  return null;
}

function renderError(t, error) {
  const name = typeof error?.name === 'string' ? error.name : 'internal';
  const key = codeKey('error', name);
  const message = t.has(key) ? t(key) : t('error_internal');
  const box = el('div', { className: 'error', role: 'alert', testid: 'error' }, el('p', { text: message }));
  // An internal failure's own message is a diagnostic (often the browser's English): folded away, marked as data.
  if (name === 'internal' && present(error?.message)) {
    box.append(el('details', { className: 'small' }, el('summary', { text: t('technical_detail') }), verbatim('code', { text: String(error.message) })));
  }
  return box;
}

// --- copying -------------------------------------------------------------------------

/** Copy `text()` to the clipboard; the button says so (and a screen reader hears it). */
function copyButton(t, { label, text, ariaLabel, testid = 'copy', focusKey }) {
  const button = el('button', { type: 'button', className: 'copy small', testid, 'aria-label': ariaLabel, 'data-focus-key': focusKey, text: label });
  button.addEventListener('click', () => {
    const value = typeof text === 'function' ? text() : text;
    navigator.clipboard?.writeText(String(value)).then(
      () => {
        button.textContent = t('contact_copied');
        button.classList.add('copied');
        announce(t('copy_done'));
      },
      () => { /* the text is on screen to select by hand */ });
  });
  return button;
}

/**
 * Say `text` to screen readers: one polite live region per page, made once and kept
 * across renders (a region created together with its text is often not read out).
 */
export function announce(text) {
  let region = document.querySelector('[data-testid=announce]');
  if (!region) {
    region = el('p', { className: 'sr-only', testid: 'announce', role: 'status', 'aria-live': 'polite' });
    document.body.append(region);
  }
  region.textContent = '';
  // A new text node in a later task: read out even when the same words come twice.
  setTimeout(() => { region.textContent = text; }, 50);
}

const resultState = new WeakMap(); // result container → record
const lookupState = new WeakMap(); // lookups box → latest report

function renderOrigin(t, analysis, container) {
  const origin = isObject(analysis.origin) ? analysis.origin : null;
  const copyAll = copyButton(t, {
    label: t('copy_result'), testid: 'copy-result', focusKey: 'copy-result',
    text: () => resultText(t, resultState.get(container), lookupState.get(container.querySelector('[data-testid=lookups]'))),
  });
  const heading = el('div', { className: 'block-head' }, el('h2', { id: 'h-origin', text: t('origin_title') }), copyAll);
  const wrap = (...children) => el('section', { className: 'block block-origin', 'aria-labelledby': 'h-origin' }, heading, ...children);
  if (!origin || !present(origin.ip)) {
    return wrap(
      el('p', { className: 'origin-none', testid: 'no-origin', text: t('origin_unknown') }),
      el('p', { className: 'muted', text: t('origin_unknown_hint') }));
  }
  const confidence = present(origin.confidence) ? t(codeKey('confidence', origin.confidence), null, String(origin.confidence)) : null;
  const reasons = Array.isArray(origin.reasons) ? origin.reasons.map((r) => reasonNodes(t, r)).filter((n) => n.length) : [];
  return wrap(
    el('p', { className: 'origin-line' },
      verbatim('span', { className: 'origin-ip', testid: 'origin-ip', text: origin.ip }),
      present(origin.host) ? verbatim('span', { className: 'origin-host', testid: 'origin-host', text: origin.host }) : null,
      copyButton(t, { label: t('contact_copy'), text: origin.ip, ariaLabel: t('copy_value_label', { value: origin.ip }), testid: 'copy-ip', focusKey: 'copy-ip' })),
    el('p', { className: 'muted', text: t('origin_explained') }),
    confidence && el('p', { className: `confidence confidence-${origin.confidence}`, testid: 'origin-confidence', text: t('origin_confidence', { level: confidence }) }),
    reasons.length ? el('ul', { className: 'reasons' }, reasons.map((nodes) => el('li', null, nodes))) : null,
    renderStamps(t, analysis));
}

/** Provider stamps (Received-SPF client-ip, X-Originating-IP, …): corroboration or doubt. */
function renderStamps(t, analysis) {
  const stamps = Array.isArray(analysis.stamps) ? analysis.stamps.filter((s) => isObject(s) && present(s.ip)) : [];
  if (!stamps.length) return null;
  return el('div', { className: 'stamps' },
    el('p', { className: 'small muted', text: t('stamps_title') }),
    el('ul', { className: 'small' }, stamps.map((stamp) => el('li', { testid: 'stamp' },
      verbatim('span', { text: [stamp.header, present(stamp.field) ? `(${stamp.field})` : null].filter(present).join(' ') }), ' ',
      verbatim('span', { className: 'ip', text: stamp.ip }),
      stamp.agrees_with_origin === true ? el('span', { className: 'agrees', text: ` — ${t('stamp_agrees')}` })
        : stamp.agrees_with_origin === false ? el('span', { className: 'differs', text: ` — ${t('stamp_differs')}` }) : null))));
}

function renderService(t, analysis) {
  const service = isObject(analysis.service) ? analysis.service : null;
  if (!service || !present(service.name)) return null;
  const kind = present(service.kind) ? t(codeKey('service_kind', service.kind), null, String(service.kind)) : '';
  const rows = [];
  if (isObject(service.account)) {
    for (const [key, value] of Object.entries(service.account)) rows.push([t(codeKey('account', key), null, t('account_unknown')), String(value ?? '')]);
  }
  rows.push([t('service_client_ip'), service.client_ip]);
  return section('service', 'service_title', t,
    el('p', { testid: 'service' }, richText(t, 'service_sent_via', { service: service.name, kind }, ['kind'])),
    definitionListData(rows));
}

function definitionListData(rows) {
  const dl = el('dl', { className: 'facts' });
  for (const [label, value, testid] of rows) {
    if (!present(value)) continue;
    dl.append(el('dt', { text: label }), verbatim('dd', { text: value, testid }));
  }
  return dl.childElementCount ? dl : null;
}

function identityRows(t, analysis) {
  const id = isObject(analysis.identities) ? analysis.identities : {};
  const from = present(id.from_name) && present(id.from) ? `${id.from_name} <${id.from}>` : (id.from ?? id.from_name);
  const dkim = Array.isArray(id.dkim_domains) && id.dkim_domains.length ? id.dkim_domains.join(', ') : null;
  return [
    [t('id_from'), from, 'from'],
    [t('id_subject'), id.subject, 'subject'],
    [t('id_date'), id.date, 'date'],
    [t('id_sender'), id.sender],
    [t('id_reply_to'), id.reply_to, 'reply-to'],
    [t('id_return_path'), id.return_path],
    [t('id_message_id'), id.message_id],
    [t('id_list_unsubscribe'), id.list_unsubscribe],
    [t('id_dkim_domains'), dkim],
  ];
}

function renderIdentities(t, analysis) {
  return section('identities', 'identities_title', t,
    el('p', { className: 'muted', text: t('identities_caution') }),
    definitionListData(identityRows(t, analysis)) ?? el('p', { className: 'muted', text: t('not_available') }));
}

/** The SPF/DKIM/DMARC/ARC rows: [label, result in words, detail that is data]. */
function authRows(t, auth) {
  const dkim = Array.isArray(auth.dkim) ? auth.dkim.filter(isObject) : [];
  return [
    ['SPF', authResult(t, auth.spf), present(auth.spf_domain) ? auth.spf_domain : null],
    ['DKIM', dkim.length ? dkim.map((d) => authResult(t, d.result)).filter(present).join(t('list_separator')) : null,
      dkim.length ? dkim.map((d) => (present(d.domain) ? `d=${d.domain}${present(d.selector) ? ` s=${d.selector}` : ''}` : null)).filter(present).join('; ') : null],
    ['DMARC', authResult(t, auth.dmarc), null],
    ['ARC', authResult(t, auth.arc), null],
  ];
}

function authMeaning(t, auth) {
  const verdict = present(auth.verdict) ? String(auth.verdict) : 'unknown';
  const domain = present(auth.from_domain) ? auth.from_domain : t('auth_the_from_domain');
  const key = t.has(codeKey('auth_meaning', verdict)) ? codeKey('auth_meaning', verdict) : 'auth_meaning_unknown';
  return { verdict, label: t(codeKey('auth_verdict', verdict), null, t('auth_verdict_unknown')), key, params: { domain }, own: present(auth.from_domain) ? [] : ['domain'] };
}

function renderAuth(t, analysis) {
  const auth = isObject(analysis.auth) ? analysis.auth : null;
  if (!auth) return section('auth', 'auth_title', t, el('p', { className: 'muted', testid: 'auth-verdict', text: t('auth_none') }));
  const meaning = authMeaning(t, auth);
  const aligned = auth.aligned === true ? t('yes') : auth.aligned === false ? t('no') : null;
  const reasons = Array.isArray(auth.reasons) ? auth.reasons.map((r) => reasonNodes(t, r)).filter((n) => n.length) : [];
  const dl = el('dl', { className: 'facts' });
  for (const [label, word, detail] of authRows(t, auth)) {
    if (!present(word) && !present(detail)) continue;
    dl.append(el('dt', { text: label }), el('dd', null, present(word) ? word : '', present(detail) ? [' ', verbatim('span', { className: 'small muted', text: `(${detail})` })] : null));
  }
  if (aligned) dl.append(el('dt', { text: t('auth_aligned') }), el('dd', { text: aligned }));
  if (present(auth.authserv_id)) dl.append(el('dt', { text: t('auth_written_by') }), verbatim('dd', { text: auth.authserv_id }));
  return section('auth', 'auth_title', t,
    el('p', { className: `verdict verdict-${meaning.verdict}`, testid: 'auth-verdict' },
      el('strong', { text: meaning.label }), ' ', el('span', null, richText(t, meaning.key, meaning.params, meaning.own))),
    dl.childElementCount ? dl : null,
    reasons.length ? el('ul', { className: 'reasons' }, reasons.map((nodes) => el('li', null, nodes))) : null);
}

function resolveFinding(t, f) {
  return resolveCode(t, 'finding', f.id ?? f.code ?? '', f.params, f.text, 'finding_unknown');
}

function renderFindings(t, analysis) {
  const findings = Array.isArray(analysis.findings) ? analysis.findings.filter(isObject) : [];
  if (!findings.length) return null;
  return section('findings', 'findings_title', t,
    el('ul', { className: 'findings' }, findings.map((f) => {
      const severity = present(f.severity) ? String(f.severity) : 'info';
      return el('li', { className: `finding severity-${severity}`, testid: 'finding', 'data-code': f.code ?? f.id },
        el('span', { className: 'severity', text: t(codeKey('severity', severity), null, t('severity_info')) }), ' ', el('span', null, sayNodes(t, resolveFinding(t, f))));
    })));
}

function classLabel(t, cls) {
  return t(codeKey('class', cls), null, cls);
}

function renderHops(t, analysis) {
  const hops = Array.isArray(analysis.hops) ? analysis.hops.filter(isObject) : [];
  if (!hops.length) return section('hops', 'hops_title', t, el('p', { className: 'muted', text: t('hops_none') }));
  const originHop = isObject(analysis.origin) && typeof analysis.origin.hop === 'number' ? analysis.origin.hop : null;
  const head = el('thead', null, el('tr', null,
    ['hops_col_index', 'hops_col_from', 'hops_col_when', 'hops_col_class'].map((key) => el('th', { scope: 'col', text: t(key) }))));
  const body = el('tbody');
  hops.forEach((hop, i) => {
    const cls = present(hop.class) ? String(hop.class) : null;
    const fromName = hop.from_rdns ?? hop.from_host ?? hop.helo;
    const reason = reasonNodes(t, hop.reason);
    const delay = hopDelay(hops, i);
    const technical = [hop.protocol, hop.tls].filter(present).join(' · ');
    const auth = hop.authenticated === true ? t('hop_authenticated') : null;
    const row = el('tr', { className: `hop${cls ? ` hop-${cls}` : ''}${(hop.index ?? i) === originHop ? ' hop-origin' : ''}`, testid: 'hop' },
      el('td', { className: 'num', text: String((hop.index ?? i) + 1) }),
      el('td', null,
        present(fromName) ? verbatim('div', { className: 'host', text: fromName }) : el('div', { className: 'muted', text: t('hop_no_name') }),
        present(hop.from_ip) ? verbatim('div', { className: 'ip', testid: 'hop-ip', text: hop.from_ip }) : null,
        present(hop.helo) && hop.helo !== fromName ? el('div', { className: 'small muted' }, richText(t, 'hop_helo', { helo: hop.helo })) : null,
        present(hop.by_host) || technical || auth
          ? el('div', { className: 'small by' },
            present(hop.by_host) ? richText(t, 'hop_by', { host: hop.by_host }) : null,
            technical ? [present(hop.by_host) ? ' · ' : '', verbatim('span', { text: technical })] : null,
            auth ? [present(hop.by_host) || technical ? ' · ' : '', auth] : null)
          : null,
        reason.length ? el('div', { className: 'small reason' }, reason) : null,
        present(hop.raw) ? el('details', { className: 'raw' }, el('summary', { className: 'small', text: t('hop_raw') }), verbatim('code', { text: hop.raw })) : null),
      el('td', null,
        formatTime(t, hop).map((text) => el('div', { className: 'small', text })),
        delay !== null ? el('div', { className: `small delay${delay < 0 ? ' negative' : ''}`, text: delay < 0 ? formatDelay(t, delay) : t('hop_delay', { delay: formatDelay(t, delay) }) }) : null),
      el('td', null, cls ? el('span', { className: `badge badge-${cls}`, title: t(codeKey('class_help', cls), null, ''), text: classLabel(t, cls) }) : '—'));
    body.append(row);
  });
  return section('hops', 'hops_title', t,
    el('p', { className: 'muted', text: t('hops_explained') }),
    el('div', { className: 'table-wrap', tabindex: '0', role: 'region', 'aria-labelledby': 'h-hops' },
      el('table', { className: 'hops' }, head, body)));
}

/**
 * Replace the content of `container` with the view of `record`.
 * `record` is what engine.analyzeMessage returns (or the background relays).
 */
export function renderRecord(container, record, t) {
  container.replaceChildren();
  resultState.delete(container);
  if (!record) return;
  if (!record.ok) {
    container.append(renderError(t, record.error));
    return;
  }
  resultState.set(container, record);
  const analysis = isObject(record.analysis) ? record.analysis : {};
  // The result itself is not a live region (it would be read out whole): say the key fact.
  announce(isObject(analysis.origin) && present(analysis.origin.ip) ? t('result_announce', { ip: analysis.origin.ip }) : t('origin_unknown'));
  container.append(...[
    renderOrigin(t, analysis, container),
    renderService(t, analysis),
    renderFindings(t, analysis),
    renderIdentities(t, analysis),
    renderAuth(t, analysis),
    renderHops(t, analysis),
    present(record.core) ? el('p', { className: 'small muted version' }, richText(t, 'core_version', { version: record.core })) : null,
  ].filter(Boolean));
}

/** A status line (reading the page…, nothing found) that is not an input error. */
export function renderNote(container, text, testid) {
  container.replaceChildren(el('p', { className: 'note', testid, role: 'status', text }));
}

// --- lookups (the progressive trace report, docs/lookup-wire-format.md) -------------

const offline = () => typeof navigator !== 'undefined' && navigator.onLine === false;

/**
 * How to say a Warning {id, text, params}: lookup_<id> with its params; params that are
 * codes (a role, a domain's reasons, a provider kind) in words; the browser's English
 * error text kept apart as `detail`.
 */
function resolveWarning(t, warning) {
  if (typeof warning === 'string') return t.lang === 'en' ? { text: warning } : null;
  if (!isObject(warning) || !present(warning.id)) return null;
  const id = String(warning.id);
  const params = isObject(warning.params) ? { ...warning.params } : {};
  const own = [];
  const word = (name, prefix) => {
    if (!present(params[name])) return;
    params[name] = String(params[name]).split(/,\s*/).map((code) => t(codeKey(prefix, code), null, code)).join(t('list_separator'));
    own.push(name);
  };
  if (id === 'request-failed') {
    const host = params.host ?? '';
    if (offline()) return { key: 'lookup_offline', params: { host }, own };
    // The driver names network failures with a token (fetch-network, fetch-redirects),
    // which lookups.js may already have put in words: either way, say it in words.
    const message = String(params.message ?? '');
    const named = [codeKey('lookup', message), 'lookup_fetch_network', 'lookup_fetch_redirects']
      .find((key) => key.startsWith('lookup_fetch_') && t.has(key) && (key === codeKey('lookup', message) || t(key) === message));
    if (named) return { key: 'lookup_request_failed', params: { host, message: t(named) }, own: ['message'] };
    // Anything else is the browser's own (English) text: kept apart, folded away.
    return { key: 'lookup_request_failed_plain', params: { host }, own, detail: message };
  }
  if ((id === 'provider-note' || id === 'why-national-channel') && present(params.provider) && t.has(codeKey('provider_note', params.provider))) {
    return { key: codeKey('provider_note', params.provider), params: {}, own };
  }
  if (id === 'also-role') word('role', 'role');
  if (id === 'why-registrar') word('why', 'domain_why');
  // The core fills a missing value with the English word "none" (an IANA id, a registrant, a class).
  for (const [name, value] of Object.entries(params)) {
    if (value === 'none' && !own.includes(name)) { params[name] = t('value_none'); own.push(name); }
  }
  if (id === 'known-provider') word('kind', 'provider_kind');
  const said = resolveCode(t, 'lookup', id, params, warning.text, 'lookup_unknown');
  return said.key === codeKey('lookup', id) ? { ...said, own } : said;
}

/** A Warning {id, text, params} in the UI language (lookup_<id>), else the core's English (English UI only). */
export function warningText(t, warning) {
  return sayText(t, resolveWarning(t, warning));
}

function warningNodes(t, warning) {
  const said = resolveWarning(t, warning);
  const nodes = sayNodes(t, said);
  if (said?.detail) nodes.push(' ', el('details', { className: 'detail' }, el('summary', { text: t('technical_detail') }), verbatim('code', { text: String(said.detail) })));
  return nodes;
}

/**
 * The national channels' "why" is a note from the core's English knowledge table;
 * the UI has its own translated text per provider id (provider_note_<id>).
 */
export function partyWhy(t, warning) {
  return warningText(t, warning);
}

/** Only http(s) links become links; anything else (javascript:, data:) stays text. */
function safeHttpUrl(value) {
  try {
    const url = new URL(String(value));
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
  } catch {
    return null;
  }
}

function renderContact(t, contact) {
  const actionable = contact.actionable !== false;
  const kind = present(contact.kind) ? String(contact.kind) : 'email';
  const value = present(contact.value) ? String(contact.value) : '';
  const item = el('li', { className: `contact contact-${kind}${actionable ? '' : ' contact-unusable'}`, testid: 'contact', 'data-kind': kind, 'data-actionable': actionable ? 'true' : 'false' });
  item.append(el('span', { className: 'contact-kind small muted', text: t(codeKey('contact_kind', kind), null, t('contact_kind_email')) }), ' ');
  const href = kind === 'form' ? safeHttpUrl(value) : null;
  if (href) item.append(verbatim('a', { href, target: '_blank', rel: 'noopener noreferrer', className: 'contact-value', text: value }));
  else item.append(verbatim('span', { className: 'contact-value', testid: 'contact-value', text: value }));
  if (actionable && value && kind !== 'form') {
    item.append(' ', copyButton(t, { label: t('contact_copy'), text: value, ariaLabel: t('copy_value_label', { value }), focusKey: `copy:${kind}:${value}` }));
  }
  if (!actionable) item.append(el('div', { className: 'small warning', testid: 'contact-unusable', text: t('contact_do_not_use') }));
  const warning = warningNodes(t, contact.warning);
  if (warning.length) item.append(el('div', { className: 'small muted' }, warning));
  return item;
}

// The core's English stand-in for a registrar without a name (crates/core/src/verdict.rs).
const UNNAMED = 'unknown registrar';

function renderParty(t, party) {
  const role = present(party.role) ? String(party.role) : 'unknown';
  const contacts = Array.isArray(party.contacts) ? party.contacts.filter(isObject) : [];
  const notes = Array.isArray(party.notes) ? party.notes.map((n) => warningNodes(t, n)).filter((n) => n.length) : [];
  const why = warningNodes(t, party.why);
  return el('li', { className: `party party-${role}`, testid: 'party', 'data-role': role },
    el('div', { className: 'party-head' },
      el('span', { className: 'party-role badge', testid: 'party-role', text: t(codeKey('role', role), null, t('role_unknown')) }), ' ',
      present(party.name) && party.name !== UNNAMED ? verbatim('strong', { className: 'party-name', testid: 'party-name', text: String(party.name) })
        : el('strong', { className: 'party-name', testid: 'party-name', text: t('party_unnamed') }),
      present(party.subject) ? el('span', { className: 'small muted' }, ' — ', verbatim('span', { className: 'party-subject', text: String(party.subject) })) : null,
      partyExtras ? partyExtras(party, t) : null),
    why.length ? el('p', { className: 'small' }, why) : null,
    contacts.length
      ? el('ul', { className: 'contacts' }, contacts.map((c) => renderContact(t, c)))
      : el('p', { className: 'small muted', testid: 'no-contact', text: t('party_no_contact') }),
    notes.length ? el('ul', { className: 'small notes' }, notes.map((nodes) => el('li', null, nodes))) : null);
}

// Controls added under each responsible party (report.js: the "Report" button).
let partyExtras = null;

/** Register `fn(party, t) → Node | null`, called for every party rendered (null to stop). */
export function setPartyExtras(fn) {
  partyExtras = typeof fn === 'function' ? fn : null;
}

/** The lookups still running, one entry each: [the IP or domain, what is asked]. */
function pendingLookups(report) {
  const lines = [];
  for (const net of Array.isArray(report.networks) ? report.networks : []) {
    if (isObject(net) && net.status === 'pending') lines.push(String(net.ip ?? ''));
  }
  for (const dom of Array.isArray(report.domains) ? report.domains : []) {
    if (isObject(dom) && dom.status === 'pending') lines.push(String(dom.domain ?? ''));
  }
  return lines;
}

export const FAILURE_IDS = new Set(['request-timeout', 'request-failed', 'rate-limited', 'server-error', 'reply-too-large', 'request-cap-reached']);
// Failures worth trying again (the others would fail the same way).
const RETRYABLE = new Set(['request-timeout', 'request-failed', 'rate-limited', 'server-error']);

/** A request's outcome in words: "HTTP 200", "timed out", "failed", "waiting". */
function outcomeText(t, outcome) {
  const value = String(outcome ?? '');
  if (/^\d{3}$/.test(value)) return t('outcome_http', { status: value });
  return t(codeKey('outcome', value || 'error'), null, value);
}

function purposeText(t, purpose) {
  return t(codeKey('purpose', purpose ?? ''), null, t('purpose_other'));
}

/**
 * Replace the content of `container` with the lookup report. `report` may be null
 * (lookups not started yet: "checking…"). `state` is 'running', 'done' or 'off'.
 * When `container.dataset.retryable` is "true", failed lookups get a Retry button
 * that fires a bubbling "sendertrace-retry" event (the page re-runs the lookups).
 */
export function renderLookups(container, report, t, state = 'running') {
  // Re-rendered after each answer: keep the request list open if the user opened it,
  // and keep the keyboard focus where it was.
  const requestsOpen = container.querySelector('[data-testid=requests]')?.open === true;
  const active = typeof document !== 'undefined' ? document.activeElement : null;
  const focusKey = active && container.contains(active) ? (active.dataset.focusKey ?? 'lookups-heading') : null;
  container.replaceChildren();
  if (state === 'off') { lookupState.delete(container); container.removeAttribute('aria-busy'); return; }
  const r = isObject(report) ? report : {};
  const done = state === 'done' || r.done === true;
  lookupState.set(container, { ...r, done });
  container.setAttribute('aria-busy', done ? 'false' : 'true');
  const parties = Array.isArray(r.parties) ? r.parties.filter(isObject) : [];
  const findings = Array.isArray(r.findings) ? r.findings.filter(isObject) : [];
  const requests = Array.isArray(r.requests) ? r.requests.filter(isObject) : [];
  const pending = done ? [] : pendingLookups(r);
  const retryable = container.dataset.retryable === 'true';
  const status = done
    ? el('p', { className: 'small muted', testid: 'lookup-done', role: 'status', text: t('lookup_finished', { count: String(requests.length) }) })
    : el('p', { className: 'small checking', testid: 'lookup-checking', role: 'status', text: t('lookup_running') });
  const failures = findings.filter((f) => FAILURE_IDS.has(f.id));
  const others = findings.filter((f) => !FAILURE_IDS.has(f.id));
  const retryButton = (f, i) => {
    const host = String(f.params?.host ?? '');
    const button = el('button', { type: 'button', className: 'retry small', testid: 'retry', 'data-focus-key': `retry:${i}`,
      'aria-label': host ? t('lookup_retry_label', { host }) : null, text: t('lookup_retry') });
    button.addEventListener('click', () => {
      // A disabled button loses the focus to <body> (Chromium does so a moment
      // later), and the next re-render then has no focus to restore: hand it to the
      // region's heading first, so keyboard users stay in the parties region.
      heading.focus();
      button.disabled = true;
      button.dispatchEvent(new CustomEvent('sendertrace-retry', { bubbles: true, detail: { id: f.id, host } }));
    });
    return button;
  };
  const heading = el('h2', { id: 'h-parties', tabindex: '-1', 'data-focus-key': 'lookups-heading', text: t('parties_title') });
  container.append(el('section', { className: 'block block-parties', 'aria-labelledby': 'h-parties' },
    heading,
    status,
    pending.length ? el('ul', { className: 'small checking pending' }, pending.map((subject) => el('li', { testid: 'lookup-pending' }, richText(t, 'lookup_checking', { subject })))) : null,
    failures.length ? el('ul', { className: 'failures' }, failures.map((f, i) => el('li', { className: 'error small', testid: 'lookup-failure', 'data-id': f.id },
      el('span', null, warningNodes(t, f)),
      retryable && done && RETRYABLE.has(f.id) ? [' ', retryButton(f, i)] : null))) : null,
    parties.length ? el('ol', { className: 'parties' }, parties.map((p) => renderParty(t, p)))
      : done ? el('p', { className: 'muted', testid: 'no-party', text: t('parties_none') }) : null,
    others.length ? el('ul', { className: 'small findings' }, others.map((f) => el('li', { testid: 'lookup-finding', 'data-id': f.id }, warningNodes(t, f)))) : null,
    el('details', { className: 'requests small', testid: 'requests', open: requestsOpen },
      el('summary', { 'data-focus-key': 'requests', text: t('requests_title', { count: String(requests.length) }) }),
      el('p', { className: 'muted', text: t('requests_privacy') }),
      requests.length
        ? el('ul', null, requests.map((q) => el('li', { testid: 'request', 'data-outcome': q.outcome ?? '' },
          verbatim('code', { text: String(q.url ?? '') }), ' ',
          el('span', { className: 'muted', text: `${purposeText(t, q.purpose)} · ${q.outcome === 'pending' ? t('request_pending') : outcomeText(t, q.outcome)}` }))))
        : el('p', { className: 'muted', text: t('requests_none') }))));
  if (focusKey) {
    const again = [...container.querySelectorAll('[data-focus-key]')].find((node) => node.dataset.focusKey === focusKey && !node.disabled);
    (again ?? heading).focus();
  }
}

// --- the whole result as plain text (the "copy the result" button) ----------------

const line = (...parts) => parts.filter(present).join(' ');

/**
 * A plain-text summary in the UI language: origin, parties with contacts, the
 * authentication verdict, findings, hops and the requests made. Pure (no DOM), so the
 * unit tests can read it.
 */
export function resultText(t, record, report = null) {
  if (!record?.ok) return '';
  const a = isObject(record.analysis) ? record.analysis : {};
  const out = [t('copy_result_heading')];
  const origin = isObject(a.origin) ? a.origin : null;
  out.push('', `${t('origin_title')}: ${origin && present(origin.ip) ? line(origin.ip, present(origin.host) ? `(${origin.host})` : null) : t('origin_unknown')}`);
  if (origin && present(origin.confidence)) out.push(`  ${t('origin_confidence', { level: t(codeKey('confidence', origin.confidence), null, String(origin.confidence)) })}`);
  for (const r of Array.isArray(origin?.reasons) ? origin.reasons : []) { const text = reasonText(t, r); if (text) out.push(`  - ${text}`); }
  if (isObject(a.service) && present(a.service.name)) {
    const kind = present(a.service.kind) ? t(codeKey('service_kind', a.service.kind), null, String(a.service.kind)) : '';
    out.push('', `${t('service_title')}: ${t('service_sent_via', { service: a.service.name, kind })}`);
  }

  const r = isObject(report) ? report : null;
  out.push('', `${t('parties_title')}:`);
  const parties = Array.isArray(r?.parties) ? r.parties.filter(isObject) : [];
  if (!r) out.push(`  ${t('lookup_running')}`);
  parties.forEach((p, i) => {
    out.push(`  ${i + 1}. ${t(codeKey('role', p.role ?? ''), null, t('role_unknown'))}: ${present(p.name) && p.name !== UNNAMED ? p.name : t('party_unnamed')}${present(p.subject) ? ` (${p.subject})` : ''}`);
    const why = warningText(t, p.why);
    if (why) out.push(`     ${why}`);
    for (const c of Array.isArray(p.contacts) ? p.contacts.filter(isObject) : []) {
      const kind = t(codeKey('contact_kind', c.kind ?? 'email'), null, t('contact_kind_email'));
      out.push(`     - ${kind}: ${c.value ?? ''}${c.actionable === false ? ` — ${t('contact_do_not_use')}` : ''}`);
    }
  });
  if (r && !parties.length) out.push(`  ${r.done ? t('parties_none') : t('lookup_running')}`);
  for (const f of Array.isArray(r?.findings) ? r.findings.filter(isObject) : []) out.push(`  ! ${warningText(t, f)}`);

  const auth = isObject(a.auth) ? a.auth : null;
  out.push('', `${t('auth_title')}:`);
  if (!auth) out.push(`  ${t('auth_none')}`);
  else {
    const meaning = authMeaning(t, auth);
    out.push(`  ${meaning.label} ${t(meaning.key, meaning.params)}`);
    for (const [label, word, detail] of authRows(t, auth)) {
      if (present(word) || present(detail)) out.push(`  ${label}: ${line(word, present(detail) ? `(${detail})` : null)}`);
    }
  }

  const findings = Array.isArray(a.findings) ? a.findings.filter(isObject) : [];
  if (findings.length) {
    out.push('', `${t('findings_title')}:`);
    for (const f of findings) out.push(`  - [${t(codeKey('severity', f.severity ?? 'info'), null, t('severity_info'))}] ${sayText(t, resolveFinding(t, f))}`);
  }

  const hops = Array.isArray(a.hops) ? a.hops.filter(isObject) : [];
  out.push('', `${t('hops_title')}:`);
  if (!hops.length) out.push(`  ${t('hops_none')}`);
  hops.forEach((hop, i) => {
    const delay = hopDelay(hops, i);
    const from = line(hop.from_rdns ?? hop.from_host ?? hop.helo ?? t('hop_no_name'), present(hop.from_ip) ? `[${hop.from_ip}]` : null);
    const parts = [from, present(hop.by_host) ? t('hop_by', { host: hop.by_host }) : null,
      present(hop.class) ? classLabel(t, hop.class) : null, formatTime(t, hop).join(' ') || null,
      delay !== null ? (delay < 0 ? formatDelay(t, delay) : t('hop_delay', { delay: formatDelay(t, delay) })) : null];
    out.push(`  ${(hop.index ?? i) + 1}. ${parts.filter(present).join(' — ')}`);
  });

  const requests = Array.isArray(r?.requests) ? r.requests.filter(isObject) : [];
  out.push('', `${t('requests_title', { count: String(requests.length) })}:`);
  if (!requests.length) out.push(`  ${t('requests_none')}`);
  for (const q of requests) out.push(`  - ${q.url ?? ''} — ${purposeText(t, q.purpose)} — ${q.outcome === 'pending' ? t('request_pending') : outcomeText(t, q.outcome)}`);
  return `${out.join('\n')}\n`;
}
