// The page: a hash router between the fleet and instance views, and one poll
// loop that refreshes the current view every second.

import * as api from './api.js';
import { FleetView } from './fleet.js';
import { InstanceView } from './instance.js';
import { esc, instanceHref } from './html.js';

const POLL_MS = 1000;
const RANGE_KEY = 'loopscope.rangeMs';

const view = document.getElementById('view');
const crumbs = document.getElementById('crumbs');
const statusDot = document.querySelector('#status .dot');
const statusText = document.getElementById('status-text');
const rangeButtons = [...document.querySelectorAll('#range button')];

let rangeMs = Number(localStorage.getItem(RANGE_KEY)) || 5 * 60_000;
let current;
let timer;
let generation = 0;

/** A hash part as text; a malformed escape (`%E0%A4%A`) is shown as typed rather than thrown. */
function decodePart(s) {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function route() {
  const m = location.hash.match(/^#\/instance\/([^/]*)\/(.*)$/);
  current?.destroy();
  if (m) {
    const job = decodePart(m[1]);
    const instance = decodePart(m[2]);
    crumbs.innerHTML = `<span>/</span><a href="#/">fleet</a><span>/</span><span>${esc(job)}</span><span>/</span><a class="here inst" href="${esc(instanceHref(job, instance))}">${esc(instance)}</a>`;
    current = new InstanceView(view, job, instance, api.config.series);
  } else {
    crumbs.innerHTML = '<span>/</span><a class="here" href="#/">fleet</a>';
    current = new FleetView(view, api.config.series);
  }
  void poll();
}

async function poll() {
  clearTimeout(timer);
  // A newer poll (route or range change) supersedes this one.
  const gen = ++generation;
  const target = current;
  try {
    const data = await api.instances();
    if (gen !== generation) return;
    await target.update(data, rangeMs);
    if (gen !== generation) return;
    const live = data.services.flatMap((s) => s.instances).filter((i) => i.state === 'live').length;
    statusDot.className = `dot ${live ? 'live' : 'stale'}`;
    statusText.textContent =
      (live ? `live · ${live} agent${live === 1 ? '' : 's'}` : 'no live agents') +
      // --query-url: every replica reads the whole fleet from the database.
      (api.config.source === 'database' ? ' · from the database' : '');
    document.body.dataset.updated = String(data.now);
  } catch (err) {
    statusDot.className = 'dot error';
    statusText.textContent = 'collector unreachable';
    console.warn('loopscope: refresh failed:', err);
  }
  if (gen === generation) timer = setTimeout(poll, POLL_MS);
}

function setRange(ms) {
  rangeMs = ms;
  localStorage.setItem(RANGE_KEY, String(ms));
  for (const b of rangeButtons)
    b.setAttribute('aria-pressed', String(Number(b.dataset.range) === ms));
  void poll();
}

for (const b of rangeButtons) b.addEventListener('click', () => setRange(Number(b.dataset.range)));
for (const b of rangeButtons)
  b.setAttribute('aria-pressed', String(Number(b.dataset.range) === rangeMs));

// Rows of the fleet table open their instance (click or Enter).
view.addEventListener('click', (e) => {
  const row = e.target.closest('tr[data-href]');
  if (row) location.hash = row.dataset.href;
});
view.addEventListener('keydown', (e) => {
  const row = e.target.closest('tr[data-href]');
  if (row && e.key === 'Enter') location.hash = row.dataset.href;
});

window.addEventListener('hashchange', route);
route();
