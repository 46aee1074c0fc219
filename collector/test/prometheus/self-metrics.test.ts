// The collector's own prom-client metrics, scraped in both formats in both
// orders: one format's rendering must not change the other's (prom-client's
// OpenMetrics registry renames counters in place when it renders).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SelfMetrics } from '../../src/prometheus/self-metrics.js';
import { storeWith } from '../helpers/model.js';

const TEXT_LINE = /^loopscope_collector_exports_total\{result="accepted"\} 1$/m;
const OM_LINE = /^loopscope_collector_exports_total\{result="accepted"\} 1$/m;
const OM_TYPE = /^# TYPE loopscope_collector_exports counter$/m;

for (const order of [
  [false, true, false, true],
  [true, false, true, false],
] as const) {
  test(`self metrics render the same whatever came before (${order.map((o) => (o ? 'openmetrics' : 'text')).join(', ')})`, async () => {
    const self = new SelfMetrics(storeWith());
    self.export('accepted');
    for (const openMetrics of order) {
      const out = await self.render(openMetrics);
      if (openMetrics) {
        assert.match(out, OM_LINE);
        assert.match(out, OM_TYPE);
        assert.doesNotMatch(out, /_total_total/);
        assert.ok(out.endsWith('# EOF\n'));
      } else {
        assert.match(out, TEXT_LINE, out.slice(0, 400));
        assert.match(out, /^# TYPE loopscope_collector_exports_total counter$/m);
        assert.doesNotMatch(out, /# EOF/);
      }
    }
  });
}
