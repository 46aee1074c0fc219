// Tiny helpers for building markup safely from API data.

const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ESCAPES[c]);

/** Hash route of an instance view. */
export const instanceHref = (job, instance) =>
  `#/instance/${encodeURIComponent(job)}/${encodeURIComponent(instance)}`;

/** A chart panel: title, hint, and an element the chart mounts into. */
export const panel = (id, title, hint, extraClass = '') => `
  <section class="panel ${extraClass}">
    <header><h2>${esc(title)}</h2><span class="hint">${esc(hint)}</span></header>
    <div data-chart="${esc(id)}"></div>
  </section>`;
