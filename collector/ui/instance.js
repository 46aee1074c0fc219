// Instance view: every signal of one instance over time, plus its blocking stacks when the collector has them.

import * as api from './api.js';
import { BlocksPanel } from './blocks.js';
import { BusyPanel } from './busy.js';
import { Chart } from './chart.js';
import { bytes, count, cpus, ms, msPerS, pct, severity } from './format.js';
import { esc, panel } from './html.js';

/** The charts, in reading order: metric = the API's series name, resolved from the metric names the page was given. */
const CHARTS = [
  {
    id: 'loop-delay',
    key: 'loopDelay',
    title: 'Event-loop delay',
    hint: 'p50 / p99 / max per export interval',
    format: ms,
    minTop: 0.02,
  },
  {
    id: 'loop-utilization',
    key: 'utilization',
    title: 'Event-loop utilization',
    hint: 'share of time the loop was busy',
    format: pct,
    fixedTop: 1,
    fill: true,
  },
  {
    id: 'threads-cpu',
    key: 'threadsCpu',
    title: 'Thread CPU',
    hint: 'CPUs used by the threads beside the main one (pool, V8, ...), by name; cgroup limit dashed',
    format: cpus,
    minTop: 0.1,
    ignoreForScale: ['limit'],
  },
  {
    id: 'stall-time',
    key: 'stallTime',
    title: 'Stall time by cause',
    hint: 'stalls over the block threshold: code / gc / cpu_starved / syscall, per second',
    format: msPerS,
    minTop: 0.01,
  },
  {
    id: 'cpu-pressure',
    key: 'cpuPressure',
    title: 'CPU pressure',
    hint: 'main thread waiting for a CPU (run queue), and the share the cgroup was throttled',
    format: pct,
    minTop: 0.05,
  },
  {
    id: 'pool-wait',
    key: 'poolWait',
    title: 'Thread-pool wait',
    hint: 'a probe task’s wait for a pool thread, the loop’s own delay taken out',
    format: ms,
    minTop: 0.005,
  },
  {
    id: 'pool-delay',
    key: 'poolDelay',
    title: 'Thread-pool round trip',
    hint: 'the probe’s round trip: pool wait plus the loop’s delay',
    format: ms,
    minTop: 0.005,
  },
  {
    id: 'pool-pending',
    key: 'pending',
    title: 'Thread-pool requests in flight',
    hint: 'fs and DNS by type; crypto and zlib jobs never appear here',
    format: count,
    minTop: 4,
  },
  {
    id: 'resources',
    key: 'resources',
    title: 'Active handles and requests',
    hint: 'by type: what keeps the loop alive',
    format: count,
    minTop: 4,
  },
  {
    id: 'gc',
    key: 'gc',
    title: 'GC pauses',
    hint: 'total pause time and longest pause per interval',
    format: ms,
    minTop: 0.005,
  },
  {
    id: 'heap',
    key: 'heap',
    title: 'Heap',
    hint: 'used vs limit (dashed, when near)',
    format: bytes,
    fill: true,
    ignoreForScale: ['limit'],
  },
];

export class InstanceView {
  constructor(root, job, instance, names) {
    Object.assign(this, { job, instance });
    root.innerHTML = `
      <h1 class="inst">${esc(instance)}</h1>
      <p class="sub" id="inst-sub">${esc(job)}</p>
      <div class="tiles" id="tiles"></div>
      <div class="grid">
        <div class="wide loop-row">
          ${panel(CHARTS[0].id, CHARTS[0].title, CHARTS[0].hint)}
          <section class="panel stacks" id="stall" hidden></section>
        </div>
        <section class="panel wide busy" id="busy" hidden></section>
        ${CHARTS.slice(1)
          .map((c) => panel(c.id, c.title, c.hint))
          .join('')}
        <section class="panel wide stacks" id="blocks" hidden></section>
      </div>`;
    this.sub = root.querySelector('#inst-sub');
    this.tiles = root.querySelector('#tiles');
    this.charts = CHARTS.map((c) => ({
      chart: new Chart(root.querySelector(`[data-chart="${c.id}"]`), {
        ...c,
        height: c.id === 'loop-delay' ? 240 : 190,
      }),
      buffer: new api.SeriesBuffer(job, instance, names[c.key]),
    }));
    if (api.features.has('busy')) {
      this.busy = new BusyPanel(root.querySelector('#busy'), job, instance);
    }
    if (api.features.has('blocks')) {
      this.blocks = new BlocksPanel(
        root.querySelector('#blocks'),
        root.querySelector('#stall'),
        job,
        instance,
      );
      root.querySelector('.loop-row').classList.add('with-stall');
      // A click on the loop-delay chart picks the stall nearest to that moment.
      const loop = this.charts[0].chart;
      loop.el.addEventListener('click', () => {
        const idx = loop.plot?.cursor.idx;
        if (idx != null) this.blocks.pick(loop.plot.data[0][idx] * 1000);
      });
    }
  }

  async update(data, rangeMs) {
    const summary = data.services
      .flatMap((s) => s.instances)
      .find((i) => i.job === this.job && i.instance === this.instance);
    if (!summary) {
      this.sub.textContent = `${this.job} · no export in the last ${data.windowMs / 60_000} min`;
      return;
    }
    this.sub.innerHTML = `${esc(this.job)} · <span class="dot ${summary.state}"></span> ${summary.state}${summary.intervalMs ? ` · exports every ${(summary.intervalMs / 1000).toFixed(summary.intervalMs < 10_000 ? 1 : 0)} s` : ''}`;
    this.tiles.innerHTML = tiles(summary, data);
    await Promise.all([
      ...this.charts.map(async ({ chart, buffer }) => {
        await buffer.refresh(rangeMs);
        chart.update(buffer.t, buffer.columns, rangeMs);
      }),
      this.blocks?.update(),
      this.busy?.update(),
    ]);
  }

  destroy() {
    for (const { chart } of this.charts) chart.destroy();
  }
}

function tiles(i, data) {
  const window = `${Math.round(data.rankWindowMs / 1000)} s`;
  const tile = (label, value, cls = '') => `
    <div class="tile"><div class="label">${esc(label)}</div><div class="value ${cls}">${value}</div></div>`;
  return [
    tile(`loop delay p99 (${window})`, ms(i.loopDelayP99), `sev ${severity(i.loopDelayP99)}`),
    tile(`loop delay max (${window})`, ms(i.loopDelayMax)),
    tile('utilization', pct(i.utilization)),
    tile(`pool wait p99 (${window})`, ms(i.threadpoolWaitP99 ?? i.threadpoolQueueDelayP99)),
    tile(`CPU-starved stalls (${window})`, ms(i.starvedSeconds)),
    ...(i.cpuLimit != null ? [tile('CPU limit (cgroup)', cpus(i.cpuLimit))] : []),
    tile('active handles', count(i.activeResources)),
    tile(
      'heap used',
      `${bytes(i.heapUsed)}${i.heapLimit ? ` <span class="muted">/ ${bytes(i.heapLimit)}</span>` : ''}`,
    ),
  ].join('');
}
