// Renders an analysis record (see engine.js) into a container. Shared by the popup,
// the context-menu result window and the www page.
//
// Every string from the message (header text, host names, reasons' params) is
// set as textContent: the DOM is built with createElement only, never from markup.
// The wire format is still growing, so every field is optional here: a missing or
// null value renders as "unknown" or is left out, never as an exception.

import { codeKey } from './i18n.js';

function el(tag, props, ...children) {
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

/** A reason from the core: {code, params, text} (wire format) or a bare English string (early builds). */
function reasonText(t, reason) {
  if (typeof reason === 'string') return reason;
  if (!isObject(reason)) return '';
  return t(codeKey('reason', reason.code ?? ''), reason.params ?? {}, reason.text ?? String(reason.code ?? ''));
}

function section(id, titleKey, t, ...children) {
  const headingId = `h-${id}`;
  return el('section', { className: `block block-${id}`, 'aria-labelledby': headingId },
    el('h2', { id: headingId, text: t(titleKey) }), ...children);
}

function definitionList(rows) {
  const dl = el('dl', { className: 'facts' });
  for (const [label, value, testid] of rows) {
    if (!present(value)) continue;
    dl.append(el('dt', { text: label }), el('dd', { text: value, testid }));
  }
  return dl.childElementCount ? dl : null;
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
  if (name === 'internal' && present(error?.message)) box.append(el('p', { className: 'muted small', text: String(error.message) }));
  return box;
}

function renderOrigin(t, analysis) {
  const origin = isObject(analysis.origin) ? analysis.origin : null;
  if (!origin || !present(origin.ip)) {
    return section('origin', 'origin_title', t,
      el('p', { className: 'origin-none', testid: 'no-origin', text: t('origin_unknown') }),
      el('p', { className: 'muted', text: t('origin_unknown_hint') }));
  }
  const confidence = present(origin.confidence) ? t(codeKey('confidence', origin.confidence), null, String(origin.confidence)) : null;
  const reasons = Array.isArray(origin.reasons) ? origin.reasons.map((r) => reasonText(t, r)).filter(Boolean) : [];
  return section('origin', 'origin_title', t,
    el('p', { className: 'origin-line' },
      el('span', { className: 'origin-ip', testid: 'origin-ip', text: origin.ip }),
      present(origin.host) ? el('span', { className: 'origin-host', testid: 'origin-host', text: origin.host }) : null),
    el('p', { className: 'muted', text: t('origin_explained') }),
    confidence && el('p', { className: `confidence confidence-${origin.confidence}`, testid: 'origin-confidence', text: t('origin_confidence', { level: confidence }) }),
    reasons.length ? el('ul', { className: 'reasons' }, reasons.map((text) => el('li', { text }))) : null,
    renderStamps(t, analysis));
}

/** Provider stamps (Received-SPF client-ip, X-Originating-IP, …): corroboration or doubt. */
function renderStamps(t, analysis) {
  const stamps = Array.isArray(analysis.stamps) ? analysis.stamps.filter((s) => isObject(s) && present(s.ip)) : [];
  if (!stamps.length) return null;
  return el('div', { className: 'stamps' },
    el('p', { className: 'small muted', text: t('stamps_title') }),
    el('ul', { className: 'small' }, stamps.map((stamp) => el('li', { testid: 'stamp' },
      el('span', { text: [stamp.header, present(stamp.field) ? `(${stamp.field})` : null].filter(present).join(' ') }), ' ',
      el('span', { className: 'ip', text: stamp.ip }),
      stamp.agrees_with_origin === true ? el('span', { className: 'agrees', text: ` — ${t('stamp_agrees')}` })
        : stamp.agrees_with_origin === false ? el('span', { className: 'differs', text: ` — ${t('stamp_differs')}` }) : null))));
}

function renderService(t, analysis) {
  const service = isObject(analysis.service) ? analysis.service : null;
  if (!service || !present(service.name)) return null;
  const kind = present(service.kind) ? t(codeKey('service_kind', service.kind), null, String(service.kind)) : '';
  const rows = [];
  if (isObject(service.account)) {
    for (const [key, value] of Object.entries(service.account)) rows.push([t(codeKey('account', key), null, key), String(value ?? '')]);
  }
  rows.push([t('service_client_ip'), service.client_ip]);
  return section('service', 'service_title', t,
    el('p', { testid: 'service', text: t('service_sent_via', { service: service.name, kind }) }),
    definitionList(rows));
}

function renderIdentities(t, analysis) {
  const id = isObject(analysis.identities) ? analysis.identities : {};
  const from = present(id.from_name) && present(id.from) ? `${id.from_name} <${id.from}>` : (id.from ?? id.from_name);
  const dkim = Array.isArray(id.dkim_domains) && id.dkim_domains.length ? id.dkim_domains.join(', ') : null;
  const list = definitionList([
    [t('id_from'), from, 'from'],
    [t('id_subject'), id.subject, 'subject'],
    [t('id_date'), id.date, 'date'],
    [t('id_sender'), id.sender],
    [t('id_reply_to'), id.reply_to, 'reply-to'],
    [t('id_return_path'), id.return_path],
    [t('id_message_id'), id.message_id],
    [t('id_list_unsubscribe'), id.list_unsubscribe],
    [t('id_dkim_domains'), dkim],
  ]);
  return section('identities', 'identities_title', t,
    el('p', { className: 'muted', text: t('identities_caution') }),
    list ?? el('p', { className: 'muted', text: t('not_available') }));
}

function renderAuth(t, analysis) {
  const auth = isObject(analysis.auth) ? analysis.auth : null;
  if (!auth) return section('auth', 'auth_title', t, el('p', { className: 'muted', testid: 'auth-verdict', text: t('auth_none') }));
  const verdict = present(auth.verdict) ? String(auth.verdict) : 'unknown';
  const domain = present(auth.from_domain) ? auth.from_domain : t('auth_the_from_domain');
  const meaning = t(codeKey('auth_meaning', verdict), { domain }, t('auth_meaning_unknown', { domain }));
  const dkim = Array.isArray(auth.dkim) && auth.dkim.length
    ? auth.dkim.map((d) => [d?.result, present(d?.domain) ? `(d=${d.domain}${present(d?.selector) ? `, s=${d.selector}` : ''})` : ''].filter(present).join(' ')).join('; ')
    : null;
  const aligned = auth.aligned === true ? t('yes') : auth.aligned === false ? t('no') : null;
  const reasons = Array.isArray(auth.reasons) ? auth.reasons.map((r) => reasonText(t, r)).filter(Boolean) : [];
  return section('auth', 'auth_title', t,
    el('p', { className: `verdict verdict-${verdict}`, testid: 'auth-verdict' },
      el('strong', { text: t(codeKey('auth_verdict', verdict), null, verdict) }), ' ', el('span', { text: meaning })),
    definitionList([
      ['SPF', [auth.spf, present(auth.spf_domain) ? `(${auth.spf_domain})` : null].filter(present).join(' ')],
      ['DKIM', dkim],
      ['DMARC', auth.dmarc],
      ['ARC', auth.arc],
      [t('auth_aligned'), aligned],
      [t('auth_written_by'), auth.authserv_id],
    ]),
    reasons.length ? el('ul', { className: 'reasons' }, reasons.map((text) => el('li', { text }))) : null);
}

function renderFindings(t, analysis) {
  const findings = Array.isArray(analysis.findings) ? analysis.findings.filter(isObject) : [];
  if (!findings.length) return null;
  return section('findings', 'findings_title', t,
    el('ul', { className: 'findings' }, findings.map((f) => {
      const severity = present(f.severity) ? String(f.severity) : 'info';
      const text = t(codeKey('finding', f.id ?? f.code ?? ''), f.params ?? {}, f.text ?? String(f.id ?? f.code ?? ''));
      return el('li', { className: `finding severity-${severity}`, testid: 'finding', 'data-code': f.code ?? f.id },
        el('span', { className: 'severity', text: t(codeKey('severity', severity), null, severity) }), ' ', el('span', { text }));
    })));
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
    const reason = reasonText(t, hop.reason);
    const delay = hopDelay(hops, i);
    const extras = [hop.protocol, hop.tls, hop.authenticated === true ? t('hop_authenticated') : null].filter(present).join(' · ');
    const row = el('tr', { className: `hop${cls ? ` hop-${cls}` : ''}${(hop.index ?? i) === originHop ? ' hop-origin' : ''}`, testid: 'hop' },
      el('td', { className: 'num', text: String((hop.index ?? i) + 1) }),
      el('td', null,
        present(fromName) ? el('div', { className: 'host', text: fromName }) : el('div', { className: 'muted', text: t('hop_no_name') }),
        present(hop.from_ip) ? el('div', { className: 'ip', testid: 'hop-ip', text: hop.from_ip }) : null,
        present(hop.helo) && hop.helo !== fromName ? el('div', { className: 'small muted', text: t('hop_helo', { helo: hop.helo }) }) : null,
        present(hop.by_host) || extras
          ? el('div', { className: 'small by' }, present(hop.by_host) ? t('hop_by', { host: hop.by_host }) : '', extras ? `${present(hop.by_host) ? ' · ' : ''}${extras}` : '')
          : null,
        present(reason) ? el('div', { className: 'small reason', text: reason }) : null,
        present(hop.raw) ? el('details', { className: 'raw' }, el('summary', { className: 'small', text: t('hop_raw') }), el('code', { text: hop.raw })) : null),
      el('td', null,
        formatTime(t, hop).map((text) => el('div', { className: 'small', text })),
        delay !== null ? el('div', { className: `small delay${delay < 0 ? ' negative' : ''}`, text: delay < 0 ? formatDelay(t, delay) : t('hop_delay', { delay: formatDelay(t, delay) }) }) : null),
      el('td', null, cls ? el('span', { className: `badge badge-${cls}`, title: t(codeKey('class_help', cls), null, ''), text: t(codeKey('class', cls), null, cls) }) : '—'));
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
  if (!record) return;
  if (!record.ok) {
    container.append(renderError(t, record.error));
    return;
  }
  const analysis = isObject(record.analysis) ? record.analysis : {};
  container.append(...[
    renderOrigin(t, analysis),
    renderService(t, analysis),
    renderFindings(t, analysis),
    renderIdentities(t, analysis),
    renderAuth(t, analysis),
    renderHops(t, analysis),
    present(record.core) ? el('p', { className: 'small muted version', text: t('core_version', { version: record.core }) }) : null,
  ].filter(Boolean));
}

/** A status line (reading the page…, nothing found) that is not an input error. */
export function renderNote(container, text, testid) {
  container.replaceChildren(el('p', { className: 'note', testid, role: 'status', text }));
}

// --- lookups (the progressive trace report, docs/lookup-wire-format.md) -------------

/** A Warning {id, text, params} in the UI language (lookup_<id>), else the core's English. */
export function warningText(t, warning) {
  if (typeof warning === 'string') return warning;
  if (!isObject(warning)) return '';
  const id = String(warning.id ?? '');
  return t(codeKey('lookup', id), isObject(warning.params) ? warning.params : {}, present(warning.text) ? String(warning.text) : id);
}

/**
 * The national channels' "why" is a note from the core's English knowledge table;
 * the UI has its own translated text per provider id (provider_note_<id>).
 */
export function partyWhy(t, warning) {
  const provider = isObject(warning) && isObject(warning.params) ? warning.params.provider : null;
  const key = present(provider) ? codeKey('provider_note', provider) : null;
  return key && t.has(key) ? t(key) : warningText(t, warning);
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

function copyButton(t, value) {
  const button = el('button', { type: 'button', className: 'copy small', testid: 'copy', text: t('contact_copy') });
  button.addEventListener('click', () => {
    navigator.clipboard?.writeText(String(value)).then(
      () => { button.textContent = t('contact_copied'); },
      () => { /* the address is on screen to select by hand */ });
  });
  return button;
}

function renderContact(t, contact) {
  const actionable = contact.actionable !== false;
  const kind = present(contact.kind) ? String(contact.kind) : 'email';
  const value = present(contact.value) ? String(contact.value) : '';
  const item = el('li', { className: `contact contact-${kind}${actionable ? '' : ' contact-unusable'}`, testid: 'contact', 'data-kind': kind, 'data-actionable': actionable ? 'true' : 'false' });
  item.append(el('span', { className: 'contact-kind small muted', text: t(codeKey('contact_kind', kind), null, kind) }), ' ');
  const href = kind === 'form' ? safeHttpUrl(value) : null;
  if (href) item.append(el('a', { href, target: '_blank', rel: 'noopener noreferrer', className: 'contact-value', text: value }));
  else item.append(el('span', { className: 'contact-value', testid: 'contact-value', text: value }));
  if (actionable && kind === 'email' && value) item.append(' ', copyButton(t, value));
  if (!actionable) item.append(el('div', { className: 'small warning', testid: 'contact-unusable', text: t('contact_do_not_use') }));
  const warning = warningText(t, contact.warning);
  if (warning) item.append(el('div', { className: 'small muted', text: warning }));
  return item;
}

function renderParty(t, party) {
  const role = present(party.role) ? String(party.role) : 'unknown';
  const contacts = Array.isArray(party.contacts) ? party.contacts.filter(isObject) : [];
  const notes = Array.isArray(party.notes) ? party.notes.map((n) => warningText(t, n)).filter(Boolean) : [];
  const why = partyWhy(t, party.why);
  return el('li', { className: `party party-${role}`, testid: 'party', 'data-role': role },
    el('div', { className: 'party-head' },
      el('span', { className: 'party-role badge', testid: 'party-role', text: t(codeKey('role', role), null, role) }), ' ',
      el('strong', { className: 'party-name', testid: 'party-name', text: present(party.name) ? String(party.name) : t('party_unnamed') }),
      present(party.subject) ? el('span', { className: 'small muted party-subject', text: ` — ${party.subject}` }) : null),
    why ? el('p', { className: 'small', text: why }) : null,
    contacts.length
      ? el('ul', { className: 'contacts' }, contacts.map((c) => renderContact(t, c)))
      : el('p', { className: 'small muted', testid: 'no-contact', text: t('party_no_contact') }),
    notes.length ? el('ul', { className: 'small notes' }, notes.map((text) => el('li', { text }))) : null);
}

/** The lookups still running, one line each ("checking 13.64.20.30…"). */
function pendingLookups(t, report) {
  const lines = [];
  for (const net of Array.isArray(report.networks) ? report.networks : []) {
    if (isObject(net) && net.status === 'pending') lines.push(t('lookup_checking', { subject: net.ip ?? '' }));
  }
  for (const dom of Array.isArray(report.domains) ? report.domains : []) {
    if (isObject(dom) && dom.status === 'pending') lines.push(t('lookup_checking', { subject: dom.domain ?? '' }));
  }
  return lines;
}

const FAILURE_IDS = new Set(['request-timeout', 'request-failed', 'rate-limited', 'server-error', 'reply-too-large', 'request-cap-reached']);

/**
 * Replace the content of `container` with the lookup report. `report` may be null
 * (lookups not started yet: "checking…"). `state` is 'running', 'done' or 'off'.
 */
export function renderLookups(container, report, t, state = 'running') {
  // Re-rendered after each answer: keep the request list open if the user opened it.
  const requestsOpen = container.querySelector('[data-testid=requests]')?.open === true;
  container.replaceChildren();
  if (state === 'off') return;
  const r = isObject(report) ? report : {};
  const done = state === 'done' || r.done === true;
  const parties = Array.isArray(r.parties) ? r.parties.filter(isObject) : [];
  const findings = Array.isArray(r.findings) ? r.findings.filter(isObject) : [];
  const requests = Array.isArray(r.requests) ? r.requests.filter(isObject) : [];
  const pending = done ? [] : pendingLookups(t, r);
  const status = done
    ? el('p', { className: 'small muted', testid: 'lookup-done', role: 'status', text: t('lookup_finished', { count: String(requests.length) }) })
    : el('p', { className: 'small checking', testid: 'lookup-checking', role: 'status', text: t('lookup_running') });
  const failures = findings.filter((f) => FAILURE_IDS.has(f.id));
  const others = findings.filter((f) => !FAILURE_IDS.has(f.id));
  container.append(section('parties', 'parties_title', t,
    status,
    pending.length ? el('ul', { className: 'small checking' }, pending.map((text) => el('li', { testid: 'lookup-pending', text }))) : null,
    failures.length ? el('ul', { className: 'failures', role: 'alert' }, failures.map((f) => el('li', { className: 'error small', testid: 'lookup-failure', 'data-id': f.id, text: warningText(t, f) }))) : null,
    parties.length ? el('ol', { className: 'parties' }, parties.map((p) => renderParty(t, p)))
      : done ? el('p', { className: 'muted', testid: 'no-party', text: t('parties_none') }) : null,
    others.length ? el('ul', { className: 'small findings' }, others.map((f) => el('li', { testid: 'lookup-finding', 'data-id': f.id, text: warningText(t, f) }))) : null,
    el('details', { className: 'requests small', testid: 'requests', open: requestsOpen },
      el('summary', { text: t('requests_title', { count: String(requests.length) }) }),
      el('p', { className: 'muted', text: t('requests_privacy') }),
      requests.length
        ? el('ul', null, requests.map((q) => el('li', { testid: 'request', 'data-outcome': q.outcome ?? '' },
          el('code', { text: String(q.url ?? '') }), ' ',
          el('span', { className: 'muted', text: `${t(codeKey('purpose', q.purpose ?? ''), null, String(q.purpose ?? ''))} · ${q.outcome === 'pending' ? t('request_pending') : String(q.outcome ?? '')}` }))))
        : el('p', { className: 'muted', text: t('requests_none') }))));
}
