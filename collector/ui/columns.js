// Column names of the chart series: the collector's /api/v1/series serves them
// (src/history/chart-series.ts), the UI draws them and loopscope-analyze reads them.
// Declared once here, plain JS so the browser loads it as is;
// TypeScript imports it as `@loopscope/collector/ui-columns`.

export const COLUMN = Object.freeze({
  p50: 'p50',
  p99: 'p99',
  max: 'max',
  utilization: 'utilization',
  total: 'total',
  used: 'used',
  limit: 'limit',
  cpuWait: 'run-queue wait',
  throttled: 'throttled',
  count: 'count',
});
