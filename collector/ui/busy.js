// Busy-loop events in the instance view, from GET /api/v1/busy (shown only
// when the collector announces that route): the loop stayed busy without one
// stall over the threshold (sequential bcrypt logins in ~70 ms chunks), and
// the agent's stack samples say what kept it busy and who called it.

import * as api from './api.js';
import { ms, pct } from './format.js';
import { esc } from './html.js';

/** Events listed: the agent sends at most one a minute per busy run. */
const TOP = 3;
const REFRESH_MS = 3000;

/** `deriveKey (hashlib/index.js:3)` -> function in code, place beside it; anything else whole. */
function frame(text) {
  const m = /^(.+?) \(([^()]+)\)$/.exec(text);
  return m
    ? `<code class="fn">${esc(m[1])}</code> <span class="muted">(${esc(m[2])})</span>`
    : `<code class="fn">${esc(text)}</code>`;
}

/** A label names the innermost frame, then the frame with a place: `stringify (native) ← lowdb/_stringify.js:5`. */
const named = (text) =>
  String(text ?? '')
    .split(' ← ')
    .map(frame)
    .join(' ← ');

function event(e) {
  const caller = e.caller ? ` called from ${named(e.caller)}` : '';
  const share = e.samples > 0 ? `, ${e.hottestSamples} of ${e.samples} stack samples` : '';
  const others = (e.hottest ?? []).slice(1);
  return `
    <li class="busy-event">
      <p class="busy-line">Loop saturated by ${named(e.label)}${caller}</p>
      <p class="muted busy-figures"><span class="sev warn">${pct(e.utilization)}</span> busy for
        <span class="busy-duration">${ms(e.durationMs / 1000)}</span>${esc(share)}, no single stall over the threshold
        · from ${esc(new Date(e.timeMs).toLocaleTimeString())}</p>
      ${
        others.length
          ? `<p class="muted">also sampled: ${others.map((h) => `${named(h.label)} ×${h.samples}`).join(', ')}</p>`
          : ''
      }
    </li>`;
}

export class BusyPanel {
  /** @param {HTMLElement} el the panel */
  constructor(el, job, instance) {
    Object.assign(this, { el, job, instance });
    this.fetchedAt = 0;
  }

  async update() {
    if (Date.now() - this.fetchedAt < REFRESH_MS) return;
    this.fetchedAt = Date.now();
    const body = await api.busy(this.job, this.instance);
    const recent = (body.recent ?? []).slice(0, TOP);
    // Nothing to say until the loop was busy once: an empty panel would only take room.
    this.el.hidden = recent.length === 0;
    if (recent.length === 0) return;
    this.el.innerHTML = `
      <header><h2>Busy loop</h2><span class="hint">utilization stayed above the agent's threshold without a long stall: what the sampled stacks were running, latest first</span></header>
      <ol class="busy-list">${recent.map(event).join('')}</ol>`;
  }
}
