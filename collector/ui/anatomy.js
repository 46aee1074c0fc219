// One stall's anatomy as a bar (where its wall time went: code, GC, waiting for a
// CPU, blocked in the kernel) and the request it hit, for the stall panel. Data:
// `anatomy` and `request` of GET /api/v1/blocks recent events (absent from older agents).

import { count, ms } from './format.js';
import { esc } from './html.js';

const PARTS = [
  ['code', 'code', (a) => a.cpuMs - a.gcMs],
  ['gc', 'GC', (a) => a.gcMs],
  ['cpu_starved', 'waiting for a CPU', (a) => a.cpuWaitMs],
  ['syscall', 'in the kernel', (a) => a.offCpuMs],
];

export function anatomyBar(stall) {
  const a = stall.anatomy;
  if (!a) return '';
  const total = PARTS.reduce((s, [, , f]) => s + Math.max(0, f(a)), 0) || 1;
  const segments = PARTS.map(([cause, label, f]) => {
    const v = Math.max(0, f(a));
    if (v <= 0) return '';
    const title = `${label}: ${ms(v / 1000)}${cause === 'cpu_starved' && a.throttledMs > 0 ? ` (throttled ${ms(a.throttledMs / 1000)})` : ''}`;
    return `<span class="seg ${cause}" style="flex-grow:${(v / total).toFixed(4)}" title="${esc(title)}"></span>`;
  }).join('');
  const legend = PARTS.filter(([, , f]) => f(a) > 0)
    .map(
      ([cause, label, f]) =>
        `<span class="key ${cause}"></span>${esc(label)} ${ms(Math.max(0, f(a)) / 1000)}`,
    )
    .join(' · ');
  return `<div class="anatomy" data-cause="${esc(a.cause)}">
      <div class="bar">${segments}</div>
      <p class="muted small">cause <b>${esc(a.cause)}</b>: ${legend}</p>
    </div>`;
}

export function requestLine(stall) {
  const r = stall.request;
  if (!r) return '';
  const what = [r.method, r.route ?? r.path].filter(Boolean).join(' ');
  const parts = [
    what && `request <b>${esc(what)}</b>`,
    r.spanName && `span ${esc(r.spanName)}`,
    r.traceId && `trace <code>${esc(r.traceId)}</code>`,
    r.inFlight !== undefined && `${count(r.inFlight)} in flight`,
  ].filter(Boolean);
  return parts.length ? `<p class="request small">${parts.join(' · ')}</p>` : '';
}
