/**
 * "k6 load test vs event loop": k6's client-side numbers (remote-written to
 * Prometheus, filtered by `testid`) on the same time axis as the target's
 * event loop and thread pool, so a latency rise lines up with its cause.
 */
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { K6, K6_NAME_LABEL, K6_TESTID_LABEL } from '../k6-metrics.js';
import { PROM } from '../metrics.js';
import type { GenerateOptions } from '../options.js';
import { sel, sumRate, utilization } from '../promql.js';
import { finalize, loopscopeDashboard } from './dashboard.js';
import { k6VersusPanel } from './factories.js';
import { row, timeseriesPanel } from './panels.js';
import { datasourceVariable, labelVariable, senderVariable } from './variables.js';

export const K6_UID = 'loopscope-k6';

const T = `${K6_TESTID_LABEL}=~"$${K6_TESTID_LABEL}"`;
const F = ['job=~"$job"', 'instance=~"$instance"'] as const;
const R = '$__rate_interval';
const NAME = `{{${K6_NAME_LABEL}}}`;

export function k6Dashboard(o: GenerateOptions): dashboard.Dashboard {
  const b = loopscopeDashboard(
    K6_UID,
    'k6 load test vs event loop',
    'A k6 run (Prometheus remote write, selected by testid) beside the target service event loop: did latency rise because the loop blocked, because the thread pool queued, or neither?',
  )
    .time({ from: 'now-15m', to: 'now' })
    .refresh('10s')
    .withVariable(datasourceVariable())
    .withVariable(labelVariable(K6_TESTID_LABEL, K6.vus))
    .withVariable(senderVariable('job', { multi: true }))
    .withVariable(senderVariable('instance', { multi: true, filter: F[0] }))

    .withRow(row('Latency vs event loop'))
    .withPanel(
      k6VersusPanel(
        'k6 request p99 vs target loop delay p99',
        PROM.eventloopDelay,
        'loop delay p99',
        F,
        {
          unit: 's',
          w: 24,
          h: 9,
          thresholds: [o.loopDelayWarning, o.loopDelayCritical],
          description:
            'When client latency follows loop delay, the target event loop is the bottleneck.',
        },
      ),
    )
    .withPanel(
      k6VersusPanel(
        'k6 request p99 vs thread-pool queue delay p99',
        PROM.threadpoolQueueDelay,
        'pool queue delay p99',
        F,
        {
          unit: 's',
          w: 24,
          h: 9,
          thresholds: [o.threadpoolQueueDelay],
          description:
            'When client latency follows the pool probe, fs/dns/crypto/zlib work is queueing in libuv.',
        },
      ),
    )

    .withRow(row('k6'))
    .withPanel(
      timeseriesPanel(
        'Requests per second',
        [{ expr: sumRate(K6.httpReqs, [K6_NAME_LABEL], R, T), legend: NAME }],
        {
          unit: 'reqps',
          w: 8,
        },
      ),
    )
    .withPanel(
      timeseriesPanel(
        'Latency p95 / p99',
        [
          {
            expr: `max by (${K6_NAME_LABEL}) (${sel(K6.httpReqDurationP95, T)})`,
            legend: `p95 ${NAME}`,
          },
          {
            expr: `max by (${K6_NAME_LABEL}) (${sel(K6.httpReqDurationP99, T)})`,
            legend: `p99 ${NAME}`,
          },
        ],
        { unit: 's', w: 8 },
      ),
    )
    .withPanel(
      timeseriesPanel('Virtual users', [{ expr: `sum(${sel(K6.vus, T)})`, legend: 'VUs' }], {
        unit: 'short',
        w: 8,
      }),
    )
    .withPanel(
      timeseriesPanel(
        'Failed requests',
        [{ expr: `avg(${sel(K6.httpReqFailed, T)})`, legend: 'failed' }],
        {
          unit: 'percentunit',
          min: 0,
          max: 1,
        },
      ),
    )
    .withPanel(
      timeseriesPanel(
        'Dropped iterations',
        [{ expr: `sum(increase(${sel(K6.droppedIterations, T)}[${R}]))`, legend: 'dropped' }],
        {
          unit: 'short',
          description:
            'Iterations the arrival-rate executor could not start: the target fell behind.',
        },
      ),
    )

    .withRow(row('Target service'))
    .withPanel(
      timeseriesPanel(
        'Loop utilization',
        [{ expr: utilization(['job', 'instance'], R, ...F), legend: '{{job}} {{instance}}' }],
        {
          unit: 'percentunit',
          min: 0,
          max: 1,
          thresholds: [o.utilization],
        },
      ),
    )
    .withPanel(
      timeseriesPanel(
        'Loop stalls and active resources',
        [
          {
            expr: sumRate(PROM.eventloopBlocks, ['job', 'instance'], R, ...F),
            legend: '{{job}} {{instance}} stalls/s',
          },
          {
            expr: `sum by (job, instance) (${sel(PROM.resourceActive, ...F)})`,
            legend: '{{job}} {{instance}} active resources',
          },
        ],
        { unit: 'short' },
      ),
    );
  return finalize(b);
}
