// Blocked-loop forensics in the instance view, from GET /api/v1/blocks (shown
// only when the collector announces that route): the heaviest blocking stacks,
// and one stall's stack next to the loop-delay chart (the latest, or the one
// nearest to where the chart was clicked).

import { anatomyBar, requestLine } from './anatomy.js';
import * as api from './api.js';
import { count, ms } from './format.js';
import { esc } from './html.js';

/** Stacks listed: the heaviest few are what matters. */
const TOP = 5;
/** Stalls change slowly; no need to ask every second. */
const REFRESH_MS = 3000;

const where = (f) => {
  const file = String(f.file ?? '').replace(/^file:\/\//, '');
  const short = file.split('/').slice(-2).join('/');
  return {
    name: f.function || '(anonymous)',
    at: f.line ? `${short}:${f.line}:${f.column}` : short,
    file,
  };
};

/** What an empty stack means: the agent caught the stall in native code, or after JavaScript resumed. */
const NO_STACK = 'no JavaScript stack (native or already finished)';

const frameList = (frames) =>
  frames.length === 0
    ? `<p class="muted no-stack">${NO_STACK}</p>`
    : `<ol class="frames">${frames
        .map((f) => {
          const w = where(f);
          return `<li><span class="fn">${esc(w.name)}</span> <span class="muted" title="${esc(w.file)}">${esc(w.at)}</span></li>`;
        })
        .join('')}</ol>`;

export class BlocksPanel {
  /** @param {HTMLElement} topEl heaviest stacks; @param {HTMLElement} stallEl the stall beside the loop-delay chart */
  constructor(topEl, stallEl, job, instance) {
    Object.assign(this, { topEl, stallEl, job, instance });
    this.fetchedAt = 0;
    this.recent = [];
    this.pickedMs = undefined;
  }

  /** Shows the stall nearest to a time (ms since the epoch), e.g. where the loop-delay chart was clicked. */
  pick(timeMs) {
    this.pickedMs = timeMs;
    this.renderStall();
  }

  async update() {
    if (Date.now() - this.fetchedAt < REFRESH_MS) return;
    this.fetchedAt = Date.now();
    const body = await api.blocks(this.job, this.instance);
    this.recent = body.recent ?? [];
    this.replica = body.replica;
    const stacks = (body.stacks ?? []).slice(0, TOP);
    this.topEl.hidden = false;
    this.topEl.innerHTML = `
      <header><h2>Blocking stacks</h2><span class="hint">what ran while the loop stalled, heaviest total stall first</span></header>
      ${body.perReplica ? replicaNote(body) : ''}
      ${
        stacks.length === 0
          ? '<p class="muted">No stall captured in this instance yet.</p>'
          : `<ol class="stack-list">${stacks.map(stack).join('')}</ol>`
      }`;
    this.renderStall();
  }

  renderStall() {
    const stall =
      this.pickedMs === undefined
        ? this.recent.reduce((a, b) => (!a || b.timeMs > a.timeMs ? b : a), undefined)
        : this.recent.reduce(
            (a, b) =>
              !a || Math.abs(b.timeMs - this.pickedMs) < Math.abs(a.timeMs - this.pickedMs) ? b : a,
            undefined,
          );
    this.stallEl.hidden = false;
    this.stallEl.innerHTML = `
      <header><h2>${this.pickedMs === undefined ? 'Latest stall' : 'Stall nearest the click'}</h2>
      <span class="hint">click the loop-delay chart to pick one</span></header>
      ${
        stall
          ? `<p class="stall-head"><span class="sev bad">${ms(stall.durationMs / 1000)}</span>
               <span class="muted">at ${esc(new Date(stall.timeMs).toLocaleTimeString())}</span>
               ${this.replica ? `<span class="muted replica">received by ${esc(this.replica)}</span>` : ''}</p>
             ${anatomyBar(stall)}${requestLine(stall)}
             ${frameList(stall.frames ?? [])}`
          : '<p class="muted">No stall captured yet.</p>'
      }`;
  }
}

/** With --query-url: the stacks are this replica's own; counts and durations come from the database. */
function replicaNote(body) {
  const db = body.database;
  const totals =
    db && db.blocks !== null
      ? `${count(Math.round(db.blocks))} stalls, ${ms(db.blockedSeconds ?? 0)} blocked in the last ${Math.round(db.windowMs / 60_000)} min across every replica (from the database).`
      : '';
  return `<p class="muted replica-note">Stacks received by this replica (${esc(body.replica)}) only: agents behind a load balancer send theirs to any replica. ${esc(totals)}</p>`;
}

function stack(s) {
  const frames = s.frames ?? [];
  const top = frames[0] ? where(frames[0]) : { name: NO_STACK, at: '' };
  return `
    <li><details>
      <summary>
        <span class="fn">${esc(top.name)} <span class="muted">${esc(top.at)}</span></span>
        <span>${count(s.count)}×</span>
        <span>${ms(s.totalMs / 1000)} total</span>
        <span class="muted">max ${ms(s.maxMs / 1000)}</span>
      </summary>
      ${frameList(frames)}
    </details></li>`;
}
