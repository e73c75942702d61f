// Report drafts for the responsible parties: a "Report" button under each party
// opens a dialog with the core's draft (docs/report-wire-format.md) for that party.
// Shared by the popup, the result window and www.
//
// Nothing is ever sent from here: the user copies the draft, opens it in their own
// mail client (mailto: with a short body, the full text on the clipboard), saves it
// as an ARF .eml file, or copies the web form's fields one by one. Drafts to anyone
// but the origin's network operator need a confirmation first (requires_confirmation).
// Every string from the message or the draft is set as textContent.

import { codeKey } from './i18n.js';
import { draftArf, draftReports } from './engine.js';
import { el, setPartyExtras, warningText } from './render.js';

const present = (value) => value !== null && value !== undefined && value !== '';

/** Only http(s) links become links; anything else stays text. */
function safeHttpUrl(value) {
  try {
    const url = new URL(String(value));
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
  } catch {
    return null;
  }
}

/** The user's offset from UTC (minutes) on the day the message arrived (daylight saving). */
function utcOffsetMinutes(analysis) {
  const hops = Array.isArray(analysis?.hops) ? analysis.hops : [];
  const at = hops.find((hop) => typeof hop?.timestamp === 'number')?.timestamp;
  return -new Date(typeof at === 'number' ? at * 1000 : Date.now()).getTimezoneOffset();
}

let context = null;

/**
 * Offer drafts for `record` (what engine.analyzeMessage returned): every party the
 * lookups list gets a "Report" button. `includeBody` is the options page's default
 * for putting the body in the draft. Call again for a newer record.
 */
export function enableReports(record, t, { includeBody = false } = {}) {
  context = record?.ok ? { record, t, includeBody: includeBody === true } : null;
  setPartyExtras(context ? reportButton : null);
}

function reportButton(party, t) {
  const name = present(party?.name) ? String(party.name) : t('party_unnamed');
  const button = el('button', { type: 'button', className: 'report-button small', testid: 'report-button',
    'aria-haspopup': 'dialog', 'aria-label': t('report_button_label', { name }), text: t('report_button') });
  button.addEventListener('click', () => openReport(party, button));
  return el('span', { className: 'party-report' }, button);
}

/** The dialog (one per page), created on first use. */
function dialog() {
  let box = document.getElementById('report-dialog');
  if (!box) {
    box = el('dialog', { id: 'report-dialog', className: 'report-dialog', testid: 'report-dialog', 'aria-labelledby': 'report-title' });
    document.body.append(box);
  }
  return box;
}

function openReport(party, opener) {
  if (!context) return;
  const { record, t } = context;
  const state = { party, record, t, mask: true, includeBody: context.includeBody, confirmed: false, opener };
  const box = dialog();
  // Back to the party's button; the lookups may have re-rendered the list meanwhile.
  const label = opener?.getAttribute('aria-label');
  box.onclose = () => {
    const target = opener?.isConnected ? opener
      : [...document.querySelectorAll('[data-testid=report-button]')].find((b) => b.getAttribute('aria-label') === label);
    target?.focus();
  };
  if (!box.open) box.showModal();
  render(box, state);
}

async function draftFor(state) {
  const options = {
    mask_recipient: state.mask,
    include_body: state.includeBody,
    utc_offset_minutes: utcOffsetMinutes(state.record.analysis),
    now: Math.floor(Date.now() / 1000),
  };
  const out = await draftReports(state.record, [state.party], options);
  return { draft: out?.drafts?.[0] ?? null, addresses: out?.recipient_addresses ?? [], options };
}

async function render(box, state) {
  const { t } = state;
  const name = present(state.party?.name) ? String(state.party.name) : t('party_unnamed');
  const close = el('button', { type: 'button', className: 'report-close', testid: 'report-close', text: t('report_close') });
  close.addEventListener('click', () => box.close());
  const title = el('h2', { id: 'report-title', text: t('report_title', { name }) });
  if (!present(state.record.raw)) {
    box.replaceChildren(title, el('p', { role: 'alert', testid: 'report-error', text: t('report_no_raw') }), close);
    close.focus();
    return;
  }
  let result;
  try {
    result = await draftFor(state);
  } catch (err) {
    box.replaceChildren(title, el('p', { role: 'alert', testid: 'report-error', text: t('report_failed', { message: String(err?.message ?? err) }) }), close);
    close.focus();
    return;
  }
  const { draft, addresses, options } = result;
  if (!draft) {
    box.replaceChildren(title, el('p', { role: 'alert', testid: 'report-error', text: t('report_no_draft') }), close);
    close.focus();
    return;
  }
  if (draft.requires_confirmation && !state.confirmed) {
    renderConfirm(box, state, draft, title, name);
    return;
  }
  renderDraft(box, state, draft, addresses, options, title, close);
}

/** Before a draft to anyone but the origin's network operator: say why to be careful. */
function renderConfirm(box, state, draft, title, name) {
  const { t } = state;
  const role = t(codeKey('role', String(state.party?.role ?? '')), null, t('role_unknown'));
  const go = el('button', { type: 'button', className: 'primary', testid: 'report-confirm-continue', text: t('report_confirm_continue') });
  const cancel = el('button', { type: 'button', testid: 'report-cancel', text: t('report_cancel') });
  go.addEventListener('click', () => {
    state.confirmed = true;
    render(box, state);
  });
  cancel.addEventListener('click', () => box.close());
  box.replaceChildren(title,
    el('div', { className: 'report-confirm', testid: 'report-confirm', role: 'alertdialog', 'aria-labelledby': 'report-confirm-title', 'aria-describedby': 'report-confirm-text' },
      el('h3', { id: 'report-confirm-title', text: t('report_confirm_title') }),
      el('p', { id: 'report-confirm-text', text: t('report_confirm_text', { name, role }) }),
      draft.kind === 'dekyo' || draft.kind === 'nissankyo' ? el('p', { className: 'small', text: t('report_confirm_national') }) : null,
      el('div', { className: 'actions' }, go, cancel)));
  go.focus();
}

function renderDraft(box, state, draft, addresses, options, title, close) {
  const { t } = state;
  const status = el('p', { className: 'report-status small', role: 'status', 'aria-live': 'polite', testid: 'report-status' });
  const say = (key, params) => { status.textContent = t(key, params); };

  // Who it goes to.
  const to = Array.isArray(draft.to) ? draft.to : [];
  const form = safeHttpUrl(draft.form_url);
  const info = safeHttpUrl(draft.info_url);
  const where = el('dl', { className: 'facts report-head' },
    el('dt', { text: t('report_to') }),
    el('dd', { testid: 'report-to', text: to.length ? to.join(', ') : t('report_no_address') }),
    form ? [el('dt', { text: t('report_form') }), el('dd', null, el('a', { href: form, target: '_blank', rel: 'noopener noreferrer', testid: 'report-form-link', text: form }))] : null,
    info && info !== form ? [el('dt', { text: t('report_info') }), el('dd', null, el('a', { href: info, target: '_blank', rel: 'noopener noreferrer', testid: 'report-info-link', text: info }))] : null,
    el('dt', { text: t('report_subject') }),
    el('dd', { testid: 'report-subject', text: draft.subject ?? '' }));
  const language = el('p', { className: 'small muted', testid: 'report-language',
    text: t('report_language', { language: t(codeKey('report_lang', draft.language ?? 'en'), null, String(draft.language ?? '')) }) });

  // Choices: mask my address, include the body.
  const maskId = 'report-mask';
  const mask = el('input', { type: 'checkbox', id: maskId, testid: 'report-mask', checked: state.mask, disabled: addresses.length === 0 });
  mask.addEventListener('change', () => {
    state.mask = mask.checked;
    render(box, state).then(() => document.getElementById(maskId)?.focus());
  });
  const bodyId = 'report-include-body';
  const body = el('input', { type: 'checkbox', id: bodyId, testid: 'report-include-body', checked: state.includeBody });
  body.addEventListener('change', () => {
    state.includeBody = body.checked;
    render(box, state).then(() => document.getElementById(bodyId)?.focus());
  });
  const choices = el('div', { className: 'report-choices' },
    el('div', null, mask, ' ', el('label', { for: maskId, text: addresses.length ? t('report_mask', { address: addresses.join(', ') }) : t('report_mask_none') })),
    el('div', null, body, ' ', el('label', { for: bodyId, text: t('report_include_body') })));

  // The actions; nothing is sent.
  const copy = el('button', { type: 'button', className: 'primary', testid: 'report-copy', text: t('report_copy') });
  // The draft as the command line prints it: To / Form / Subject lines, then the text.
  const whole = [to.length ? `To: ${to.join(', ')}` : null, form ? `Form: ${form}` : null, `Subject: ${draft.subject ?? ''}`, '', draft.text ?? '']
    .filter((line) => line !== null).join('\n');
  copy.addEventListener('click', () => writeClipboard(whole).then(() => say('report_copied'), () => say('report_copy_failed')));
  const actions = el('div', { className: 'actions report-actions' }, copy);
  if (present(draft.mailto) && String(draft.mailto).startsWith('mailto:')) {
    const mail = el('a', { href: draft.mailto, className: 'button', testid: 'report-mailto', text: t('report_mailto') });
    // The link carries a short body; the full draft goes on the clipboard to paste.
    mail.addEventListener('click', () => { writeClipboard(draft.text ?? '').then(() => say('report_mailto_copied'), () => say('report_copy_failed')); });
    actions.append(mail);
  }
  const arf = el('button', { type: 'button', testid: 'report-arf', text: t('report_arf') });
  arf.addEventListener('click', async () => {
    try {
      const bytes = await draftArf(state.record, state.party, options);
      const file = `sendertrace-${draft.report_id ?? 'report'}.eml`;
      saveFile(bytes, file);
      say('report_arf_saved', { file });
    } catch (err) {
      say('report_failed', { message: String(err?.message ?? err) });
    }
  });
  actions.append(arf, close);

  const notes = (Array.isArray(draft.notes) ? draft.notes : [])
    .map((n) => (n && typeof n === 'object' ? t(codeKey('report_note', n.id ?? ''), n.params ?? {}, warningText(t, n)) : ''))
    .filter(Boolean);

  box.replaceChildren(...[title,
    where,
    language,
    draft.display_check ? displayCheck(t, draft.display_check) : null,
    choices,
    formFields(t, draft, say),
    el('h3', { id: 'report-preview-title', text: t('report_preview') }),
    el('pre', { className: 'report-text', testid: 'report-text', tabindex: '0', role: 'region', 'aria-labelledby': 'report-preview-title', text: draft.text ?? '' }),
    notes.length ? el('ul', { className: 'small notes', testid: 'report-notes' }, notes.map((text) => el('li', { text }))) : null,
    actions,
    status].filter(Boolean));
  (state.focusDone ? null : copy)?.focus();
  state.focusDone = true;
}

/** A web form's fields in the form's order, each with its own copy button. */
function formFields(t, draft, say) {
  const fields = Array.isArray(draft.form_fields) ? draft.form_fields : [];
  if (!fields.length) return null;
  return el('div', { className: 'report-fields', testid: 'report-fields' },
    el('h3', { text: t('report_fields') }),
    el('ol', null, fields.map((field) => {
      const label = present(field.label) ? String(field.label) : String(field.id ?? '');
      const button = el('button', { type: 'button', className: 'copy small', testid: 'report-field-copy', 'aria-label': t('report_field_copy_label', { label }), text: t('contact_copy') });
      button.addEventListener('click', () => writeClipboard(String(field.value ?? '')).then(() => say('report_field_copied', { label }), () => say('report_copy_failed')));
      const value = String(field.value ?? '');
      return el('li', { testid: 'report-field', 'data-id': field.id ?? '' },
        el('span', { className: 'report-field-label', text: label }), ' ', button,
        el('pre', { className: 'report-field-value small', text: value.length > 400 ? `${value.slice(0, 400)}…` : value }));
    })));
}

/** The 特定商取引法 display check (a heuristic reading of the body, shown as such). */
function displayCheck(t, check) {
  const items = Array.isArray(check.items) ? check.items : [];
  return el('div', { className: 'report-display-check', testid: 'report-display-check' },
    el('h3', { text: t('report_display_title') }),
    el('p', { className: 'small', text: t('report_display_summary', { missing: String(check.missing ?? 0) }) }),
    el('ul', { className: 'small' }, items.map((item) => el('li', { testid: 'report-display-item', 'data-found': item.found ? 'true' : 'false' },
      el('strong', { text: `${t(codeKey('report_display_item', item.item ?? ''), null, String(item.item ?? ''))}: ` }),
      el('span', { text: item.found ? t('report_display_found') : t('report_display_missing') }),
      present(item.evidence) ? el('span', { className: 'muted', text: ` — ${item.evidence}` }) : null))));
}

function writeClipboard(text) {
  if (!navigator.clipboard?.writeText) return Promise.reject(new Error('no clipboard'));
  return navigator.clipboard.writeText(text);
}

function saveFile(bytes, name) {
  const url = URL.createObjectURL(new Blob([bytes], { type: 'message/rfc822' }));
  const link = el('a', { href: url, download: name, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
