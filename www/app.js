// The standalone page: paste headers, pick or drop an .eml file. Same engine,
// same renderer and same messages as the extension; no chrome.* here.

import { analyzeMessage } from './ui/engine.js';
import { renderRecord } from './ui/render.js';
import { loadTranslator, pickLanguage, translateDocument } from './ui/i18n.js';
import { submitOnCtrlEnter } from './ui/form.js';
import { lookupsBox, runLookups } from './ui/lookups.js';
import { enableReports } from './ui/report.js';
import { makeCache, memoryStore } from './ui/driver.js';

// The page keeps answers in memory only: a reload forgets them.
const cache = makeCache(memoryStore());

const form = document.getElementById('paste-form');
const input = document.getElementById('paste-input');
const fileInput = document.getElementById('file-input');
const dropZone = document.getElementById('drop-zone');
const langSelect = document.getElementById('lang-select');
const statusLine = document.getElementById('status');
const resultBox = document.getElementById('result');

const base = new URL('./', location.href);
let t = null;
let lastRecord = null;
let lastStatus = null;

function show(record) {
  lastRecord = record;
  renderRecord(resultBox, record, t);
  // Report drafts for each party found (the page has no settings: the body is off
  // by default and the dialog's checkbox adds it).
  enableReports(record, t);
  if (record?.ok) runLookups(lookupsBox(resultBox), record, t, { cache });
}

function setStatus(key, params) {
  lastStatus = key ? [key, params] : null;
  statusLine.textContent = key ? t(key, params) : '';
}

async function useLanguage(lang) {
  t = await loadTranslator(base, lang);
  translateDocument(document, t);
  langSelect.value = lang;
  if (lastStatus) setStatus(...lastStatus);
  if (lastRecord) show(lastRecord);
}

async function traceFile(file) {
  if (!file) return;
  const bytes = new Uint8Array(await file.arrayBuffer());
  setStatus('www_file_loaded', { name: file.name });
  show(await analyzeMessage(bytes, { source: 'file' }));
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  setStatus(null);
  show(await analyzeMessage(input.value, { source: 'paste' }));
});

submitOnCtrlEnter(input, form);

fileInput.addEventListener('change', () => traceFile(fileInput.files?.[0]));

// The whole page accepts a dropped file; the zone only shows where.
document.addEventListener('dragover', (event) => {
  if (!event.dataTransfer?.types?.includes('Files')) return;
  event.preventDefault();
  event.dataTransfer.dropEffect = 'copy';
  dropZone.classList.add('dragging');
});
document.addEventListener('dragleave', (event) => {
  if (event.target === document.documentElement || event.relatedTarget === null) dropZone.classList.remove('dragging');
});
document.addEventListener('drop', (event) => {
  const file = event.dataTransfer?.files?.[0];
  if (!file) return;
  event.preventDefault();
  dropZone.classList.remove('dragging');
  traceFile(file);
});

langSelect.addEventListener('change', () => {
  const url = new URL(location.href);
  url.searchParams.set('lang', langSelect.value);
  history.replaceState(null, '', url);
  useLanguage(langSelect.value);
});

useLanguage(pickLanguage(new URLSearchParams(location.search).get('lang'), navigator.languages ?? [], navigator.language));
