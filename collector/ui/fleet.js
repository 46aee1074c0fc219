// Fleet view: every service and instance, worst event-loop delay p99 first.

/* global uPlot */

import { SeriesBuffer } from './api.js';
import { COLUMN } from './columns.js';
import { Chart } from './chart.js';
import { ago, bytes, count, ms, pct, severity } from './format.js';
import { esc, instanceHref, panel } from './html.js';

/** Lines in the fleet chart: beyond this it stops being readable. */
const MAX_LINES = 8;

export class FleetView {
  constructor(root, names) {
    this.names = names;
    root.innerHTML = `
      <h1>Fleet</h1>
      <p class="sub" id="fleet-sub"></p>
      <p class="notice" id="fleet-untracked" hidden></p>
      <div id="fleet-body"></div>
      <div class="grid fleet-chart" id="fleet-chart" hidden>
        ${panel('fleet-p99', 'Event-loop delay p99 by instance', 'per export interval', 'wide')}
      </div>`;
    this.sub = root.querySelector('#fleet-sub');
    this.untracked = root.querySelector('#fleet-untracked');
    this.body = root.querySelector('#fleet-body');
    this.chartBox = root.querySelector('#fleet-chart');
    this.chart = new Chart(root.querySelector('[data-chart="fleet-p99"]'), {
      id: 'fleet-p99',
      format: ms,
      minTop: 0.02,
      height: 240,
      spanGaps: true,
    });
    this.buffers = new Map();
    /** Column the instances are ranked by within each service (a header click changes it). */
    this.sortKey = 'loopDelayP99';
    this.body.addEventListener('click', (e) => {
      const th = e.target.closest('th[data-sort]');
      if (!th || !this.data) return;
      this.sortKey = th.dataset.sort;
      this.render();
    });
  }

  render() {
    const data = this.data;
    const all = data.services.flatMap((s) => s.instances);
    this.body.innerHTML = all.length
      ? data.services.map((s) => service(s, data, this.sortKey)).join('')
      : EMPTY;
  }

  async update(data, rangeMs) {
    const all = data.services.flatMap((s) => s.instances);
    const live = all.filter((i) => i.state === 'live').length;
    this.sub.textContent = `${data.services.length} service${data.services.length === 1 ? '' : 's'} · ${all.length} instance${all.length === 1 ? '' : 's'} · ${live} live — ranked over the last ${Math.round(data.rankWindowMs / 1000)} s (click a header to rank by loop delay p99, utilization or CPU-starved stall time)`;
    const n = data.untrackedInstances ?? 0;
    this.untracked.hidden = n === 0;
    this.untracked.textContent = `${n} more instance${n === 1 ? ' is' : 's are'} sending but not shown: the history holds ${data.maxInstances} and all of them are live. Start the collector with a higher --history-instances to see every one (their metrics are in /metrics regardless).`;
    this.data = data;
    this.render();
    this.chartBox.hidden = all.length === 0;
    await this.updateChart(all, rangeMs);
  }

  async updateChart(all, rangeMs) {
    // Several services may reuse an instance id: then the legend names the job too.
    const label =
      new Set(all.map((i) => i.job)).size > 1 ? (i) => `${i.job} ${i.instance}` : (i) => i.instance;
    // The worst few, in a stable order so each keeps its colour while the ranking moves.
    const shown = all
      .filter((i) => i.state === 'live')
      .slice(0, MAX_LINES)
      .sort((a, b) => label(a).localeCompare(label(b)));
    const buffers = shown.map((i) => {
      const key = `${i.job}\n${i.instance}`;
      if (!this.buffers.has(key))
        this.buffers.set(key, new SeriesBuffer(i.job, i.instance, this.names.loopDelay));
      return this.buffers.get(key);
    });
    await Promise.all(buffers.map((b) => b.refresh(rangeMs)));
    // Instances export at their own instants: uPlot.join aligns them on one time axis.
    const tables = buffers.map((b) => [
      b.t,
      b.columns.find((c) => c.name === COLUMN.p99)?.values ?? b.t.map(() => null),
    ]);
    const joined = tables.length ? uPlot.join(tables) : [[]];
    const [t, ...ys] = joined;
    this.chart.update(
      t,
      ys.map((values, i) => ({ name: label(shown[i]), values })),
      rangeMs,
    );
  }

  destroy() {
    this.chart.destroy();
  }
}

const EMPTY = `
  <div class="panel empty">
    <p>No agent has reported yet. Start a Node.js service with the agent pointed at this collector:</p>
    <code>OTEL_EXPORTER_OTLP_ENDPOINT=${esc(location.origin)} node --import @loopscope/agent/register app.js</code>
  </div>`;

/** Sortable columns: the summary field behind each, worst (largest) first. */
const SORTS = {
  loopDelayP99: 'loop delay p99',
  starvedSeconds: 'CPU-starved',
  utilization: 'utilization',
};

function sortHeader(key, sortKey, cls = '') {
  const active = key === sortKey;
  return `<th class="sortable${active ? ' sorted' : ''} ${cls}" data-sort="${key}" aria-sort="${active ? 'descending' : 'none'}" title="rank by ${SORTS[key]}">${SORTS[key]}${active ? ' ▾' : ''}</th>`;
}

function service(s, data, sortKey) {
  // The server ranks by loop-delay p99; another key re-ranks, ties kept in the server's order.
  const instances =
    sortKey === 'loopDelayP99'
      ? s.instances
      : [...s.instances].sort((a, b) => (b[sortKey] ?? -1) - (a[sortKey] ?? -1));
  const rows = instances.map((i, n) => row(i, n, data)).join('');
  return `
    <section class="panel service">
      <header>
        <h2>${esc(s.job)}</h2>
        <span class="hint">service p99 ${ms(s.loopDelayP99)} (all instances' histograms merged)</span>
      </header>
      <table>
        <thead><tr>
          <th class="rank">#</th><th>instance</th>
          ${sortHeader('loopDelayP99', sortKey)}<th>max</th>${sortHeader('utilization', sortKey)}
          ${sortHeader('starvedSeconds', sortKey)}
          <th class="hide-narrow" title="the probe's wait for a pool thread (its round trip for agents without it)">pool wait p99</th><th class="hide-narrow">active handles</th>
          <th class="hide-narrow">heap</th><th>last seen</th>
        </tr></thead>
        <tbody>${rows}</tbody>
      </table>
    </section>`;
}

function row(i, n, data) {
  const heapShare = i.heapUsed != null && i.heapLimit ? i.heapUsed / i.heapLimit : null;
  return `
    <tr tabindex="0" data-href="${esc(instanceHref(i.job, i.instance))}" data-instance="${esc(i.instance)}" data-p99="${i.loopDelayP99 ?? ''}" data-starved="${i.starvedSeconds ?? ''}">
      <td class="rank">${n + 1}</td>
      <td><span class="dot ${i.state}" title="${i.state}"></span> <span class="inst">${esc(i.instance)}</span></td>
      <td><span class="sev ${severity(i.loopDelayP99)}">${ms(i.loopDelayP99)}</span></td>
      <td>${ms(i.loopDelayMax)}</td>
      <td>${pct(i.utilization)}<span class="bar"><span style="width:${Math.min(100, (i.utilization ?? 0) * 100).toFixed(0)}%"></span></span></td>
      <td title="stall time caused by CPU starvation or throttling, over the rank window">${ms(i.starvedSeconds)}</td>
      <td class="hide-narrow">${ms(i.threadpoolWaitP99 ?? i.threadpoolQueueDelayP99)}</td>
      <td class="hide-narrow">${count(i.activeResources)}</td>
      <td class="hide-narrow">${bytes(i.heapUsed)}${heapShare == null ? '' : ` <span class="muted">(${pct(heapShare)})</span>`}</td>
      <td class="muted">${ago(data.now - i.lastSeenMs)}</td>
    </tr>`;
}
