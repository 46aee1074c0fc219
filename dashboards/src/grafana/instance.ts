/** "Node.js event loop — instance": one process in depth. */
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { COLLECTOR, LABEL, PROM, count } from '../metrics.js';
import type { GenerateOptions } from '../options.js';
import { quantile, sel, sumRate, utilization } from '../promql.js';
import { finalize, loopscopeDashboard } from './dashboard.js';
import { byLabelPanel, distributionPanel, p99ByLabelPanel, percentilesPanel } from './factories.js';
import { row, statPanel, tablePanel, timeseriesPanel } from './panels.js';
import { withSenderVariables } from './variables.js';

export const INSTANCE_UID = 'loopscope-instance';

const F = ['job="$job"', 'instance="$instance"'] as const;
const R = '$__rate_interval';

export function instanceDashboard(o: GenerateOptions): dashboard.Dashboard {
  const delay = (q: number): string => quantile(q, PROM.eventloopDelay, [], R, ...F);
  const b = withSenderVariables(
    loopscopeDashboard(
      INSTANCE_UID,
      'Node.js event loop — instance',
      'One Node.js process in depth: event-loop delay and utilization, stalls, libuv thread pool, active resources, heap and GC.',
    ),
    false,
    F[0],
  )
    .withRow(row('Event loop'))
    .withPanel(
      statPanel('Loop delay p99', [{ expr: delay(0.99), legend: 'p99' }], {
        unit: 's',
        thresholds: [o.loopDelayWarning, o.loopDelayCritical],
      }),
    )
    .withPanel(
      statPanel('Loop utilization', [{ expr: utilization([], R, ...F), legend: 'utilization' }], {
        unit: 'percentunit',
        min: 0,
        max: 1,
        thresholds: [o.utilization],
      }),
    )
    .withPanel(
      statPanel(
        'Seconds since last export',
        [{ expr: `time() - ${sel(COLLECTOR.senderLastSeen, ...F)}`, legend: 'age' }],
        {
          unit: 's',
          thresholds: [o.senderStale],
        },
      ),
    )
    .withPanel(
      statPanel(
        'Thread-pool size',
        [{ expr: `max(${sel(PROM.threadpoolSize, ...F)})`, legend: 'threads' }],
        {
          unit: 'none',
        },
      ),
    )
    .withPanel(
      timeseriesPanel(
        'Loop delay',
        [
          { expr: delay(0.5), legend: 'p50' },
          { expr: delay(0.9), legend: 'p90' },
          { expr: delay(0.99), legend: 'p99' },
          { expr: `max(${sel(PROM.eventloopDelayMax, ...F)})`, legend: 'max per export' },
        ],
        {
          unit: 's',
          thresholds: [o.loopDelayWarning, o.loopDelayCritical],
          description:
            'Percentiles from the histogram; the max is the worst delay seen in each export interval, the truth for rare long stalls.',
        },
      ),
    )
    .withPanel(distributionPanel('Loop delay distribution', PROM.eventloopDelay, F, { unit: 's' }))
    .withPanel(
      timeseriesPanel(
        'Loop utilization',
        [
          { expr: utilization([], R, ...F), legend: 'from active/idle time' },
          { expr: `max(${sel(PROM.eventloopUtilization, ...F)})`, legend: 'last export' },
        ],
        { unit: 'percentunit', min: 0, max: 1, thresholds: [o.utilization] },
      ),
    )
    .withPanel(
      timeseriesPanel(
        'Loop iterations and waiting events',
        [
          { expr: sumRate(PROM.eventloopIterations, [], R, ...F), legend: 'iterations/s' },
          { expr: `max(${sel(PROM.eventloopEventsWaiting, ...F)})`, legend: 'events waiting' },
        ],
        { unit: 'short', description: 'From process uvMetricsInfo (Node >= 20.18 / 22.8).' },
      ),
    )
    .withPanel(
      timeseriesPanel(
        'Loop stalls',
        [
          { expr: sumRate(PROM.eventloopBlocks, [], R, ...F), legend: 'stalls/s' },
          {
            expr: `sum(increase(${sel(count(PROM.eventloopBlockDuration), ...F)}[${R}]))`,
            legend: 'stalls in interval',
          },
        ],
        {
          unit: 'short',
          description:
            'Stalls longer than LOOPSCOPE_BLOCK_THRESHOLD_MS; the collector UI shows their stacks.',
        },
      ),
    )
    .withPanel(percentilesPanel('Stall duration', PROM.eventloopBlockDuration, F, { unit: 's' }))
    .withPanel(
      timeseriesPanel(
        'Stall time by cause',
        [
          {
            expr: sumRate(PROM.eventloopBlockTime, [LABEL.blockCause], R, ...F),
            legend: `{{${LABEL.blockCause}}}`,
          },
        ],
        {
          unit: 'percentunit',
          stacked: true,
          description:
            'Seconds per second the loop was stalled, by what the time went to: code (JavaScript on the CPU), gc, cpu_starved (waiting for a CPU: a crowded node or CFS throttling, fixed by CPU limits or placement, not code), syscall (blocked in the kernel). Linux; see the agent README, "Stall anatomy".',
        },
      ),
    )
    .withPanel(
      timeseriesPanel(
        'CPU pressure',
        [
          {
            expr: sumRate(PROM.mainthreadCpuWait, [], R, ...F),
            legend: 'main thread waiting for a CPU (s/s)',
          },
          {
            expr: `${sumRate(PROM.cgroupCpuThrottledPeriods, [], R, ...F)} / ${sumRate(PROM.cgroupCpuPeriods, [], R, ...F)}`,
            legend: 'share of CFS periods throttled',
          },
          { expr: `max(${sel(PROM.cgroupCpuLimit, ...F)})`, legend: 'CPU limit (CPUs)' },
        ],
        {
          unit: 'short',
          description:
            'Run-queue wait of the main thread, and, when the container has a CPU quota, the share of periods in which it was throttled and the limit. Linux only; absent elsewhere.',
        },
      ),
    )

    .withRow(row('Thread pool'))
    .withPanel(
      percentilesPanel('Thread-pool wait', PROM.threadpoolWait, F, {
        unit: 's',
        thresholds: [o.threadpoolWait],
        description:
          "How long a tiny probe task waited for a pool thread, the loop's own delay taken out: the pool queue signal (near zero with an idle pool, however blocked the loop).",
      }),
    )
    .withPanel(
      percentilesPanel('Thread-pool round trip', PROM.threadpoolQueueDelay, F, {
        unit: 's',
        description:
          "The probe's whole round trip: pool wait plus the loop's delay in handling its callback. High here with a low pool wait means the loop, not the pool.",
      }),
    )
    .withPanel(
      timeseriesPanel(
        'Threads CPU',
        [
          {
            expr: sumRate(PROM.threadsCpuTime, [LABEL.threadName], R, ...F),
            legend: `{{${LABEL.threadName}}}`,
          },
        ],
        {
          unit: 'short',
          stacked: true,
          description:
            'CPUs used by the threads other than the main thread, by thread name (libuv-worker for the pool on Node lines that name threads; Node < 26 names them all node). CPU-bound pool work (crypto, zlib) shows here, never in pending requests. Linux only.',
        },
      ),
    )
    .withPanel(
      byLabelPanel('Pending pool requests by type', PROM.threadpoolPending, LABEL.requestType, F, {
        unit: 'short',
        stacked: true,
      }),
    )

    .withRow(row('Active resources'))
    .withPanel(
      byLabelPanel('Active resources by type', PROM.resourceActive, LABEL.resourceType, F, {
        unit: 'short',
        stacked: true,
      }),
    )
    .withPanel(
      timeseriesPanel(
        `Growth per hour by type (${o.resourcesGrowthWindow} trend)`,
        [
          {
            expr: `sum by (${LABEL.resourceType}) (deriv(${sel(PROM.resourceActive, ...F)}[${o.resourcesGrowthWindow}])) * 3600`,
            legend: `{{${LABEL.resourceType}}}`,
          },
        ],
        { unit: 'short' },
      ),
    )

    .withRow(row('Heap and GC'))
    .withPanel(
      timeseriesPanel(
        'Heap used and limit',
        [
          { expr: `sum(${sel(PROM.heapUsed, ...F)})`, legend: 'used' },
          { expr: `sum(${sel(PROM.heapLimit, ...F)})`, legend: 'limit' },
        ],
        { unit: 'bytes', min: 0 },
      ),
    )
    .withPanel(
      byLabelPanel('Heap spaces used', PROM.heapSpaceUsed, LABEL.heapSpace, F, {
        unit: 'bytes',
        stacked: true,
      }),
    )
    .withPanel(
      p99ByLabelPanel('GC pause p99 by type', PROM.gcDuration, LABEL.gcType, F, { unit: 's' }),
    )
    .withPanel(
      timeseriesPanel(
        'GC pauses per second by type',
        [
          {
            expr: sumRate(count(PROM.gcDuration), [LABEL.gcType], R, ...F),
            legend: `{{${LABEL.gcType}}}`,
          },
        ],
        { unit: 'short' },
      ),
    )

    .withRow(row('Process'))
    .withPanel(
      tablePanel(
        'Resource attributes',
        { expr: sel(COLLECTOR.targetInfo, ...F), legend: '' },
        {
          unit: 'none',
          w: 24,
          h: 5,
          description:
            'target_info: the resource attributes the agent reported (service version, runtime, host, pod).',
        },
      ),
    );
  return finalize(b);
}
