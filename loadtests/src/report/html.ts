import { esc } from '@loopscope/collector/html';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Report } from '../analysis/report.js';
import { clock, ms } from './units.js';
import {
  BOTTLENECK_TITLE,
  baselineTable,
  nameTable,
  runTable,
  scenarioTable,
  serverTable,
  stacksTable,
  busyTable,
  thresholdTable,
  capacityTable,
  timelineTable,
  type Table,
} from './tables.js';

const require = createRequire(import.meta.url);
/** uPlot is inlined, so the report opens offline, from a CI artifact or an e-mail. */
const uplotJs = () => readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8');
const uplotCss = () => readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8');

function table(t: Table): string {
  if (t.rows.length === 0) return '';
  const head = t.head.every((h) => h === '')
    ? ''
    : `<thead><tr>${t.head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead>`;
  const body = t.rows
    .map(
      (r) =>
        `<tr>${r.map((c) => `<td${/^(FAIL|FAILED|REGRESSION)$/.test(c) ? ' class="bad"' : ''}>${esc(c)}</td>`).join('')}</tr>`,
    )
    .join('');
  return `<section><h2>${esc(t.title)}</h2><table>${head}<tbody>${body}</tbody></table></section>`;
}

/** Columns for the charts: x in seconds (uPlot's default), null for gaps. */
function chartData(r: Report) {
  const rows = r.timeline;
  const col = (pick: (x: (typeof rows)[number]) => number | null) => rows.map(pick);
  return {
    x: rows.map((x) => x.t / 1000),
    p50: col((x) => x.p50),
    p95: col((x) => x.p95),
    p99: col((x) => x.p99),
    loopP99: col((x) => x.server.loopDelayP99),
    loopMax: col((x) => x.server.loopDelayMax),
    poolP99: col((x) => x.server.poolDelayP99),
    rps: col((x) => x.rps),
    errors: col((x) => x.errors),
    dropped: col((x) => x.dropped),
    utilization: col((x) => (x.server.utilization === null ? null : x.server.utilization * 100)),
    resources: col((x) => x.server.activeResources),
    pending: col((x) => x.server.poolPending),
    divergence: r.analysis.divergence ? r.analysis.divergence.t / 1000 : null,
  };
}

/** Browser-side: builds the charts from the embedded data. Plain ES2017, no modules. */
const CHARTS_JS = `
(function () {
  var d = JSON.parse(document.getElementById('chart-data').textContent);
  if (d.x.length === 0) return;
  var dark = window.matchMedia && window.matchMedia('(prefers-color-scheme: dark)').matches;
  var axisColor = dark ? '#c9d1d9' : '#24292f';
  var gridColor = dark ? 'rgba(255,255,255,0.08)' : 'rgba(0,0,0,0.07)';
  function divergenceLine(u) {
    if (d.divergence === null) return;
    var x = Math.round(u.valToPos(d.divergence, 'x', true));
    var ctx = u.ctx;
    ctx.save();
    ctx.strokeStyle = '#d1242f';
    ctx.setLineDash([6, 4]);
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.moveTo(x, u.bbox.top);
    ctx.lineTo(x, u.bbox.top + u.bbox.height);
    ctx.stroke();
    ctx.restore();
  }
  function chart(id, unit, series) {
    var el = document.getElementById(id);
    var opts = {
      width: Math.max(320, el.clientWidth),
      height: 220,
      cursor: { sync: { key: 'run' } },
      scales: { x: { time: true } },
      axes: [
        // Whole seconds at least: a short phase would otherwise get half-second ticks.
        { stroke: axisColor, grid: { stroke: gridColor }, incrs: [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21600, 43200, 86400] },
        { stroke: axisColor, grid: { stroke: gridColor }, values: function (u, vals) { return vals.map(function (v) { return v + unit; }); }, size: 70 }
      ],
      series: [{}].concat(series.map(function (s) {
        return { label: s.label, stroke: s.color, width: 2, dash: s.dash, spanGaps: false,
          value: function (u, v) { return v === null || v === undefined ? '–' : (Math.round(v * 100) / 100) + unit; } };
      })),
      hooks: { draw: [divergenceLine] }
    };
    var data = [d.x].concat(series.map(function (s) { return d[s.key]; }));
    el.chart = new uPlot(opts, data, el);
  }
  chart('chart-latency', ' ms', [
    { key: 'p50', label: 'client p50', color: '#8ab4f8' },
    { key: 'p95', label: 'client p95', color: '#1a73e8' },
    { key: 'p99', label: 'client p99', color: '#0b3d91' },
    { key: 'loopP99', label: 'loop delay p99', color: '#e8710a', dash: [6, 3] },
    { key: 'loopMax', label: 'loop delay max', color: '#c5221f', dash: [2, 3] },
    { key: 'poolP99', label: 'pool queue p99', color: '#188038', dash: [6, 3] }
  ]);
  chart('chart-throughput', '/s', [
    { key: 'rps', label: 'requests', color: '#1a73e8' },
    { key: 'errors', label: 'errors', color: '#c5221f' },
    { key: 'dropped', label: 'dropped iterations', color: '#f9ab00' }
  ]);
  chart('chart-utilization', '%', [{ key: 'utilization', label: 'loop utilization', color: '#e8710a' }]);
  chart('chart-resources', '', [
    { key: 'resources', label: 'active resources', color: '#9334e6' },
    { key: 'pending', label: 'pool pending', color: '#188038' }
  ]);
  document.body.setAttribute('data-charts', String(document.querySelectorAll('.uplot').length));
})();
`;

const CSS = `
:root { color-scheme: light dark; --bg: #fff; --fg: #24292f; --muted: #57606a; --line: #d0d7de; --bad: #cf222e; --card: #f6f8fa; }
@media (prefers-color-scheme: dark) { :root { --bg: #0d1117; --fg: #c9d1d9; --muted: #8b949e; --line: #30363d; --bad: #ff7b72; --card: #161b22; } }
body { background: var(--bg); color: var(--fg); font: 14px/1.45 system-ui, sans-serif; margin: 0 auto; max-width: 1200px; padding: 16px 24px 48px; }
h1 { font-size: 20px; word-break: break-all; } h2 { font-size: 16px; margin-top: 28px; }
.verdict { background: var(--card); border: 1px solid var(--line); border-left: 6px solid var(--accent); border-radius: 6px; padding: 12px 16px; }
.verdict h2 { margin: 0 0 6px; font-size: 18px; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
th { color: var(--muted); font-weight: 600; }
td.bad { color: var(--bad); font-weight: 700; }
.charts > div { margin: 8px 0 20px; } .chart-title { color: var(--muted); margin: 12px 0 2px; }
.u-legend { font-size: 12px; }
`;

/** A single self-contained HTML file: styles, uPlot and data inline, no network needed. */
export function renderHtml(r: Report): string {
  const v = r.analysis.verdict;
  const d = r.analysis.divergence;
  const accent =
    v.bottleneck === 'event-loop' ||
    v.bottleneck === 'thread-pool' ||
    v.bottleneck === 'cpu-starvation'
      ? '#cf222e'
      : v.degraded
        ? '#bf8700'
        : '#1a7f37';
  const baseline = baselineTable(r);
  const data = JSON.stringify(chartData(r)).replace(/</g, '\\u003c');
  const charts =
    r.timeline.length > 0
      ? `<section class="charts"><h2>Timeline</h2>
<div class="chart-title">Client latency and server delays (dashed: server; red line: latency diverged)</div><div id="chart-latency"></div>
<div class="chart-title">Throughput</div><div id="chart-throughput"></div>
<div class="chart-title">Event-loop utilization</div><div id="chart-utilization"></div>
<div class="chart-title">Active resources and thread-pool requests</div><div id="chart-resources"></div></section>`
      : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>loopscope-analyze: ${esc(r.input.file)}</title>
<style>${uplotCss()}${CSS}</style></head>
<body style="--accent: ${accent}">
<h1>loopscope-analyze: ${esc(r.input.file)}</h1>
<div class="verdict" id="verdict" data-bottleneck="${esc(v.bottleneck)}"><h2>Verdict: ${esc(BOTTLENECK_TITLE[v.bottleneck])}</h2>
<p>${esc(v.summary)}</p><ul>${v.evidence.map((e) => `<li>${esc(e)}</li>`).join('')}</ul>
${d ? `<p><strong>Latency diverged at ${esc(clock(d.t))} UTC</strong>: p95 ${esc(ms(d.latencyMs))} against a baseline of ${esc(ms(d.baselineMs))}.</p>` : ''}</div>
${baseline ? `<p><strong>Baseline: ${r.baseline?.regressed ? 'REGRESSION' : 'no regression'}</strong></p>${table(baseline)}` : ''}
${charts}
${capacityTable(r) ? table(capacityTable(r) as Table) : ''}${table(runTable(r))}${table(thresholdTable(r))}${table(scenarioTable(r))}${table(nameTable(r))}
${r.server ? table(serverTable(r)) : ''}${r.blockingStacks.length > 0 ? table(stacksTable(r)) : ''}${busyTable(r) ? table(busyTable(r) as Table) : ''}
${r.timeline.length > 0 ? table(timelineTable(r, 60)) : ''}
${r.warnings.length > 0 ? `<section><h2>Warnings</h2><ul>${r.warnings.map((w) => `<li>${esc(w)}</li>`).join('')}</ul></section>` : ''}
<p style="color: var(--muted)">Generated ${esc(r.generatedAt)} by loopscope-analyze.</p>
<script type="application/json" id="chart-data">${data}</script>
<script>${uplotJs()}</script>
<script>${CHARTS_JS}</script>
</body></html>
`;
}
