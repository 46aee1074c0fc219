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
/**
 * The collector's own agent (self-monitoring, `serviceName` in
 * collector/src/cli/serve.ts) is not a load-test target: left out of the
 * target panels, also when the job variable is "All".
 */
const SELF_JOB = 'loopscope-collector';
const NOT_SELF = `job!="${SELF_JOB}"`;
const F = ['job=~"$job"', NOT_SELF, 'instance=~"$instance"'] as const;

/**
 * Per-second rate of a k6 counter that also counts its first flush. k6's
 * remote write sends a counter only in flushes with new samples, starting
 * from 0, so rate() (which needs two samples) loses each counter's first
 * flush, and a one-burst counter has no rate at all. The increase over a
 * fixed minute with a missing earlier sample taken as 0 keeps both.
 */
function k6CounterIncrease(metric: string, by: string[]): string {
  const s = sel(metric, T);
  const grouping = by.length > 0 ? ` by (${by.join(', ')})` : '';
  return `sum${grouping} (${s} - ((${s} offset 1m) * 1 or ${s} * 0))`;
}
const k6CounterRate = (metric: string, by: string[]): string =>
  `${k6CounterIncrease(metric, by)} / 60`;
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
    .withVariable(senderVariable('job', { multi: true, filter: NOT_SELF }))
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
        'k6 request p99 vs thread-pool wait p99',
        PROM.threadpoolWait,
        'pool wait p99',
        F,
        {
          unit: 's',
          w: 24,
          h: 9,
          thresholds: [o.threadpoolWait],
          description:
            "When client latency follows the pool wait (the probe's wait for a thread, the loop's delay left out), fs/dns/crypto/zlib work is queueing in libuv.",
        },
      ),
    )

    .withRow(row('k6'))
    .withPanel(
      timeseriesPanel(
        'Requests per second',
        [{ expr: k6CounterRate(K6.httpReqs, [K6_NAME_LABEL]), legend: NAME }],
        {
          unit: 'reqps',
          w: 8,
          description:
            'Per second over the last minute (k6 counters start at 0), counting the first flush of each counter (rate() would drop it).',
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
      timeseriesPanel(
        'Virtual users',
        [
          // Arrival-rate VUs are busy only during a request: a once-a-second gauge mostly reads 0.
          { expr: `sum(max_over_time(${sel(K6.vus, T)}[${R}]))`, legend: 'active (peak)' },
          { expr: `sum(${sel(K6.vusMax, T)})`, legend: 'allocated (vus_max)' },
        ],
        {
          unit: 'short',
          w: 8,
          description:
            'Allocated VUs grow when an arrival-rate executor needs more to keep its rate; at maxVUs it drops iterations.',
        },
      ),
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
        [
          // The counter's value is the run's total so far (it starts at 0); a single burst
          // is one sample, which increase() cannot see.
          { expr: `sum(${sel(K6.droppedIterations, T)})`, legend: 'dropped (total)' },
          {
            expr: k6CounterIncrease(K6.droppedIterations, []),
            legend: 'dropped in the last minute',
          },
        ],
        {
          unit: 'short',
          description:
            'Iterations the arrival-rate executor could not start (all VUs busy): the target, or the load generator, fell behind.',
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
