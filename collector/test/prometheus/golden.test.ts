// /metrics is byte-identical across refactors of the store: a scenario that
// touches every rendering path (promoted labels that change, escaping,
// reserved label names, every family type, delta accumulation, rollup, both
// formats, expiry) rendered and compared with the text the code produced
// when the exposition caches still lived in the store (commit 3ef1fd8).
// Regenerate on purpose only: LOOPSCOPE_WRITE_GOLDEN=1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { renderStore } from '../../src/prometheus/exposition.js';
import { counter, gauge, hist, histogram, num, rm, storeWith, T0 } from '../helpers/model.js';

const FIXTURE = new URL('../../../test/fixtures/exposition.golden.txt', import.meta.url);
const PROMOTE = ['k8s.pod.name', 'service.version'];

function scenario(rollup: 'none' | 'job'): string {
  const store = storeWith({ promoteResourceAttributes: PROMOTE, rollup, expireAfterMs: 60_000 });
  const out: string[] = [];
  const render = (step: string, now: number) => {
    out.push(`== ${rollup} ${step} text`, renderStore(store, false, now));
    out.push(`== ${rollup} ${step} openmetrics`, renderStore(store, true, now));
  };
  const pod = (version: string, podName: string) => ({
    'k8s.pod.name': podName,
    'service.version': version,
    'host.name': 'node-7',
  });
  for (let step = 0; step < 4; step++) {
    const t = T0 + step * 1000;
    // The promoted version changes at step 2: labels must follow.
    const attrs = pod(step < 2 ? '1.0' : '1.1', 'api-7f9');
    store.ingest(
      [
        rm(
          'pod-1',
          [
            counter('http.requests', [
              num(7 + step, t, T0, { 'http.route': '/a"b\\c\nd', job: 'theirs', le: '1' }),
              num(3 * step, t, T0, { 'http.route': '/ok' }),
            ]),
            counter('jobs.done', [num(2, t, t - 1000)], 'delta'),
            histogram('loop.delay', [hist([1, 2 + step, 3], t, T0, [0.005, 0.1])]),
            histogram('gc.pause', [hist([step, 1, 0], t, t - 1000, [0.001, 0.01])], 'delta'),
            gauge('cpu.utilization', [num(0.25 * step, t, 0, { 'a.b': 'x', a_b: 'y' })]),
            {
              ...gauge('temperature', [num(-3.5 + step, t)], 'Cel'),
              description: 'line\nbreak \\',
            },
          ],
          'shop/api',
          attrs,
        ),
        rm(
          'pod-2',
          [counter('http.requests', [num(step, t)]), gauge('cpu.utilization', [num(1, t)])],
          'shop/api',
        ),
        ...(step < 2 ? [rm('', [gauge('batch.size', [num(step, t)], '{item}')], 'cron')] : []),
      ],
      T0 + step * 20_000,
    );
    render(`step ${step}`, T0 + step * 20_000);
  }
  // The cron sender went silent at step 1: expired after 60 s.
  render('after expiry', T0 + 90_000);
  return out.join('\n');
}

test('/metrics text and OpenMetrics are byte-identical to the golden rendering', () => {
  const text = `${scenario('none')}\n${scenario('job')}\n`;
  if (process.env.LOOPSCOPE_WRITE_GOLDEN === '1') writeFileSync(FIXTURE, text);
  assert.ok(text.includes('service_version="1.1"') && text.includes('service_version="1.0"'));
  assert.equal(text, readFileSync(FIXTURE, 'utf8'));
});
