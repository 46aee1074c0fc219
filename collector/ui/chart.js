// A uPlot time-series chart that follows the page's theme, its container's
// width and the chosen time range, and rebuilds itself when its lines change.

/* global uPlot */

import { COLUMN } from './columns.js';

const css = (name) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

/** Fixed colours for the percentile lines, so p99 is the same colour everywhere. */
const NAMED = {
  [COLUMN.p50]: '--c1',
  [COLUMN.p99]: '--c2',
  [COLUMN.max]: '--c3',
  [COLUMN.used]: '--c1',
  [COLUMN.limit]: '--muted',
};
const PALETTE = ['--c1', '--c2', '--c3', '--c4', '--c5', '--c6', '--c7', '--c8'];
const DASHED = new Set([COLUMN.max, COLUMN.limit]);
const MIN_SPAN_S = 60;

const charts = new Map();
/** The test reads what each chart draws from here, not from pixels. */
window.loopscope = {
  chartData: (id) => {
    const c = charts.get(id);
    return c?.plot ? { series: c.names, data: c.plot.data } : undefined;
  },
  chartIds: () => [...charts.keys()],
};

const themeQuery = window.matchMedia('(prefers-color-scheme: dark)');
themeQuery.addEventListener('change', () => {
  for (const c of charts.values()) c.rebuild();
});

const shown = (v, format) => (v == null ? '–' : format(v));

function latest(values) {
  for (let i = values.length - 1; i >= 0; i--) if (values[i] != null) return values[i];
  return null;
}

/**
 * Largest visible value among the chart's lines, leaving out the ignored ones.
 * The x range is passed in: while uPlot computes the y range, u.scales.x still
 * holds the previous render's range (null on a fresh chart, which hid every
 * point and left the axis at minTop below the data).
 */
function dataMax(u, ignored, [lo, hi]) {
  const xs = u.data[0];
  let max = 0;
  u.series.forEach((s, i) => {
    if (i === 0 || !s.show || ignored.includes(s.label)) return;
    u.data[i].forEach((v, j) => {
      if (v != null && xs[j] >= lo && xs[j] <= hi && v > max) max = v;
    });
  });
  return max;
}

export class Chart {
  /**
   * @param {HTMLElement} el container
   * @param {{ id: string, format: (v: number) => string, height?: number, minTop?: number, fixedTop?: number, fill?: boolean, spanGaps?: boolean, ignoreForScale?: string[] }} opts
   */
  constructor(el, opts) {
    this.el = el;
    this.opts = opts;
    this.names = [];
    this.data = [[]];
    this.range = [0, 1];
    this.plot = undefined;
    charts.set(opts.id, this);
    this.resize = new ResizeObserver(() => this.plot?.setSize(this.size()));
    this.resize.observe(el);
  }

  size() {
    return { width: Math.max(200, this.el.clientWidth), height: this.opts.height ?? 200 };
  }

  /** t in ms since the epoch; columns [{ name, values }]; rangeMs the visible window ending now. */
  update(t, columns, rangeMs) {
    const now = Date.now() / 1000;
    // Until there is a whole range of data, show what there is (at least a minute) rather than blank space.
    const first = t.length ? t[0] / 1000 : now;
    this.range = [Math.max(now - rangeMs / 1000, Math.min(first, now - MIN_SPAN_S)), now];
    this.data = [t.map((x) => x / 1000), ...columns.map((c) => c.values)];
    const names = columns.map((c) => c.name);
    if (!this.plot || names.join('\n') !== this.names.join('\n')) {
      this.names = names;
      this.rebuild();
    } else {
      this.plot.setData(this.data);
    }
  }

  rebuild() {
    this.plot?.destroy();
    this.plot = new uPlot(this.options(), this.data, this.el);
  }

  options() {
    const { format, minTop = 0, fixedTop, fill, ignoreForScale = [] } = this.opts;
    const grid = { stroke: css('--grid'), width: 1 };
    const axis = {
      stroke: css('--muted'),
      grid,
      ticks: { stroke: grid.stroke, width: 1 },
      font: '11px system-ui, sans-serif',
    };
    const series = this.names.map((name, i) => {
      const colour = css(
        (Object.hasOwn(NAMED, name) ? NAMED[name] : undefined) ?? PALETTE[i % PALETTE.length],
      );
      return {
        label: name,
        stroke: colour,
        width: name === COLUMN.p99 ? 2.25 : 1.5,
        dash: DASHED.has(name) ? [5, 4] : undefined,
        fill: fill && i === 0 ? `${colour}22` : undefined,
        points: { show: false },
        spanGaps: this.opts.spanGaps ?? false,
        // Away from the cursor the legend shows the latest value, not a dash.
        value: (u, v, si, idx) => shown(idx == null ? latest(u.data[si]) : v, format),
      };
    });
    return {
      ...this.size(),
      padding: [10, 14, 0, 4],
      cursor: { sync: { key: 'loopscope' }, drag: { x: false, y: false } },
      legend: { live: true },
      scales: {
        x: { time: true, range: () => this.range },
        y: {
          // From 0, with headroom; lines such as a heap limit far above the data do not flatten it.
          range: (u) => [
            0,
            fixedTop ?? (Math.max(minTop, dataMax(u, ignoreForScale, this.range) * 1.12) || 1),
          ],
        },
      },
      axes: [
        { ...axis, space: 70 },
        { ...axis, size: 64, values: (_u, ticks) => ticks.map((v) => (v === 0 ? '0' : format(v))) },
      ],
      series: [
        {
          label: 'time',
          value: (_u, v, _si, idx) =>
            idx == null ? 'latest' : new Date(v * 1000).toLocaleTimeString(),
        },
        ...series,
      ],
    };
  }

  destroy() {
    this.resize.disconnect();
    this.plot?.destroy();
    charts.delete(this.opts.id);
  }
}
