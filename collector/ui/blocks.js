// Blocking stacks of one instance, from GET /api/v1/blocks (the forensics part of
// the collector). Shown only when the collector announces the route.

import * as api from './api.js';
import { count, ms } from './format.js';
import { esc } from './html.js';

/** Stacks listed: the heaviest few are what matters. */
const TOP = 5;
/** Blocks change slowly; no need to ask every second. */
const REFRESH_MS = 5000;

export class BlocksPanel {
  constructor(el, job, instance) {
    Object.assign(this, { el, job, instance });
    this.fetchedAt = 0;
  }

  async update() {
    if (Date.now() - this.fetchedAt < REFRESH_MS) return;
    this.fetchedAt = Date.now();
    const body = await api.blocks(this.job, this.instance);
    const stacks = [...(body.stacks ?? [])].sort((a, b) => b.totalMs - a.totalMs).slice(0, TOP);
    this.el.hidden = false;
    this.el.innerHTML = `
      <header><h2>Blocking stacks</h2><span class="hint">what ran while the loop stalled, heaviest total stall first</span></header>
      ${stacks.length === 0 ? '<p class="muted">No stall captured yet.</p>' : `<ol>${stacks.map(stack).join('')}</ol>`}`;
  }
}

function stack(s) {
  const frames = s.frames ?? [];
  const top = frames[0];
  const where = (f) => `${f.functionName || '(anonymous)'} ${f.url ?? ''}:${f.line ?? '?'}`;
  return `
    <li><details>
      <summary>
        <span class="fn">${esc(top ? where(top) : '(no frames)')}</span>
        <span>${count(s.count)}×</span>
        <span>${ms(s.totalMs / 1000)} total</span>
      </summary>
      <pre>${esc(frames.map(where).join('\n'))}</pre>
    </details></li>`;
}
