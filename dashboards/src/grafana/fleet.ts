/** "Node.js event loop — fleet": every sender of the selected jobs, worst first. */
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { COLLECTOR, LABEL, PROM, sum } from '../metrics.js';
import type { GenerateOptions } from '../options.js';
import { quantile, sel, sumRate, utilization } from '../promql.js';
import { finalize, loopscopeDashboard } from './dashboard.js';
import { byLabelPanel, distributionPanel, p99ByLabelPanel, percentilesPanel } from './factories.js';
import { row, statPanel, timeseriesPanel } from './panels.js';
import { withSenderVariables } from './variables.js';

export const FLEET_UID = 'loopscope-fleet';

const F = ['job=~"$job"', 'instance=~"$instance"'] as const;
const R = '$__rate_interval';
const BY_INSTANCE = ['job', 'instance'];
const WHO = '{{job}} {{instance}}';

export function fleetDashboard(o: GenerateOptions): dashboard.Dashboard {
  const age = `time() - ${sel(COLLECTOR.senderLastSeen, ...F)}`;
  const b = withSenderVariables(
    loopscopeDashboard(
      FLEET_UID,
      'Node.js event loop — fleet',
      'Every Node.js process reporting to the loopscope collector: loop delay percentiles from aggregated histograms, thread-pool queueing, active resources, heap and GC, and the collector itself.',
    ),
    true,
    F[0],
  )
    .withRow(row('Overview'))
    .withPanel(
      statPanel(
        'Senders live',
        [{ expr: `count(${age} <= ${o.senderStale}) or vector(0)`, legend: 'live' }],
        {
          unit: 'none',
          description: `Processes that exported within the last ${o.senderStale}s.`,
        },
      ),
    )
    .withPanel(
      statPanel(
        'Senders stale',
        [{ expr: `count(${age} > ${o.senderStale}) or vector(0)`, legend: 'stale' }],
        {
          unit: 'none',
          thresholds: [1],
          description: `Processes the collector still knows but that have not exported for more than ${o.senderStale}s (dead, hung or cut off). They disappear when the collector expires them.`,
        },
      ),
    )
    .withPanel(
      statPanel(
        'Fleet loop delay p99',
        [{ expr: quantile(0.99, PROM.eventloopDelay, [], R, ...F), legend: 'p99' }],
        {
          unit: 's',
          thresholds: [o.loopDelayWarning, o.loopDelayCritical],
          description:
            'One p99 over the buckets of every selected process: a real fleet percentile, not an average of per-process percentiles.',
        },
      ),
    )
    .withPanel(
      statPanel(
        'Fleet loop utilization',
        [{ expr: utilization([], R, ...F), legend: 'utilization' }],
        {
          unit: 'percentunit',
          min: 0,
          max: 1,
          thresholds: [o.utilization],
          description:
            'Time-weighted share of time the selected event loops spent running JavaScript and callbacks.',
        },
      ),
    )
    .withPanel(
      timeseriesPanel('Seconds since last export', [{ expr: age, legend: WHO }], {
        unit: 's',
        w: 24,
        h: 6,
        thresholds: [o.senderStale],
        description:
          'Per-sender liveness from the collector. A line crossing the threshold is a process that stopped exporting.',
      }),
    )

    .withRow(row('Event-loop delay'))
    .withPanel(
      distributionPanel('Loop delay distribution', PROM.eventloopDelay, F, {
        unit: 's',
        description:
          'How many loop-delay samples fell in each bucket, over every selected process.',
      }),
    )
    .withPanel(
      timeseriesPanel(
        'Fleet loop delay',
        [
          { expr: quantile(0.5, PROM.eventloopDelay, [], R, ...F), legend: 'p50' },
          { expr: quantile(0.99, PROM.eventloopDelay, [], R, ...F), legend: 'p99' },
          { expr: `max(${sel(PROM.eventloopDelayMax, ...F)})`, legend: 'max (worst process)' },
        ],
        { unit: 's', thresholds: [o.loopDelayWarning, o.loopDelayCritical] },
      ),
    )
    .withPanel(
      timeseriesPanel(
        'Top 5 instances by loop delay p99',
        [
          {
            expr: `topk(5, ${quantile(0.99, PROM.eventloopDelay, BY_INSTANCE, R, ...F)})`,
            legend: WHO,
          },
        ],
        { unit: 's', thresholds: [o.loopDelayWarning, o.loopDelayCritical] },
      ),
    )
    .withPanel(
      timeseriesPanel(
        'Loop delay p99 by job',
        [{ expr: quantile(0.99, PROM.eventloopDelay, ['job'], R, ...F), legend: '{{job}}' }],
        { unit: 's', thresholds: [o.loopDelayWarning, o.loopDelayCritical] },
      ),
    )
    .withPanel(
      timeseriesPanel(
        'Loop utilization by instance',
        [{ expr: utilization(BY_INSTANCE, R, ...F), legend: WHO }],
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
        'Loop stalls (blocked-loop watchdog)',
        [
          { expr: sumRate(PROM.eventloopBlocks, BY_INSTANCE, R, ...F), legend: `${WHO} stalls/s` },
          {
            expr: quantile(0.99, PROM.eventloopBlockDuration, ['job'], R, ...F),
            legend: '{{job}} stall duration p99',
          },
        ],
        {
          unit: 'short',
          description:
            'Stalls longer than the agent block threshold (LOOPSCOPE_BLOCK_THRESHOLD_MS) per second, and how long they lasted (seconds). The collector UI shows the stacks that caused them.',
        },
      ),
    )

    .withPanel(
      timeseriesPanel(
        'Stall time starved of CPU by instance (top 10)',
        [
          {
            expr: `topk(10, ${sumRate(PROM.eventloopBlockTime, BY_INSTANCE, R, ...F, `${LABEL.blockCause}="cpu_starved"`)})`,
            legend: WHO,
          },
        ],
        {
          unit: 'percentunit',
          description:
            'Seconds per second of loop stalls caused by waiting for a CPU (crowded node or CFS throttling): instances to give more CPU or move, not code to fix.',
        },
      ),
    )

    .withRow(row('Thread pool'))
    .withPanel(
      timeseriesPanel(
        'Thread-pool wait p99 by instance',
        [{ expr: quantile(0.99, PROM.threadpoolWait, BY_INSTANCE, R, ...F), legend: WHO }],
        {
          unit: 's',
          thresholds: [o.threadpoolWait],
          description:
            "How long a tiny crypto probe waited for a libuv pool thread, the loop's own delay taken out: rises when fs, dns.lookup, crypto or zlib work queues.",
        },
      ),
    )
    .withPanel(
      percentilesPanel('Fleet thread-pool wait', PROM.threadpoolWait, F, {
        unit: 's',
        thresholds: [o.threadpoolWait],
      }),
    )
    .withPanel(
      timeseriesPanel(
        'Threads CPU by instance (top 10)',
        [{ expr: `topk(10, ${sumRate(PROM.threadsCpuTime, BY_INSTANCE, R, ...F)})`, legend: WHO }],
        {
          unit: 'short',
          description:
            'CPUs used by the threads beside the main one (libuv pool, V8 workers): CPU-bound crypto and zlib work, invisible in pending requests. Linux only.',
        },
      ),
    )
    .withPanel(
      byLabelPanel('Pending pool requests by type', PROM.threadpoolPending, LABEL.requestType, F, {
        unit: 'short',
        stacked: true,
        description:
          'In-flight fs and dns requests visible to the agent (crypto and zlib jobs are not).',
      }),
    )
    .withPanel(
      timeseriesPanel(
        'Thread-pool size',
        [{ expr: `max by (job, instance) (${sel(PROM.threadpoolSize, ...F)})`, legend: WHO }],
        {
          unit: 'short',
          min: 0,
        },
      ),
    )

    .withRow(row('Active resources'))
    .withPanel(
      byLabelPanel('Active resources by type', PROM.resourceActive, LABEL.resourceType, F, {
        unit: 'short',
        stacked: true,
        description: 'Handles and requests keeping the event loops alive.',
      }),
    )
    .withPanel(
      timeseriesPanel(
        `Active resources growth per hour (${o.resourcesGrowthWindow} trend)`,
        [
          {
            expr: `sum by (job, instance) (deriv(${sel(PROM.resourceActive, ...F)}[${o.resourcesGrowthWindow}])) * 3600`,
            legend: WHO,
          },
        ],
        {
          unit: 'short',
          description: 'Linear trend of each instance: a line that stays above zero is a leak.',
        },
      ),
    )

    .withRow(row('Heap and GC'))
    .withPanel(
      timeseriesPanel(
        'Heap used / heap limit',
        [
          {
            expr: `sum by (job, instance) (${sel(PROM.heapUsed, ...F)}) / sum by (job, instance) (${sel(PROM.heapLimit, ...F)})`,
            legend: WHO,
          },
        ],
        { unit: 'percentunit', min: 0, max: 1, thresholds: [o.heapRatio] },
      ),
    )
    .withPanel(
      timeseriesPanel(
        'Heap used',
        [{ expr: `sum by (job, instance) (${sel(PROM.heapUsed, ...F)})`, legend: WHO }],
        {
          unit: 'bytes',
        },
      ),
    )
    .withPanel(
      p99ByLabelPanel('GC pause p99 by type', PROM.gcDuration, LABEL.gcType, F, { unit: 's' }),
    )
    .withPanel(
      timeseriesPanel(
        'Time in GC',
        [{ expr: sumRate(sum(PROM.gcDuration), BY_INSTANCE, R, ...F), legend: WHO }],
        {
          unit: 'percentunit',
          description:
            'Seconds of GC pause per second of wall time: loop time lost to the garbage collector.',
        },
      ),
    )

    .withRow(row('Collector health'))
    .withPanel(
      timeseriesPanel(
        'Ingest rate',
        [
          { expr: sumRate(COLLECTOR.points, ['instance'], R), legend: '{{instance}} points/s' },
          { expr: sumRate(COLLECTOR.exports, ['instance'], R), legend: '{{instance}} exports/s' },
        ],
        { unit: 'short' },
      ),
    )
    .withPanel(
      timeseriesPanel(
        'Dropped points by reason',
        [
          {
            expr: sumRate(COLLECTOR.droppedPoints, ['instance', 'reason'], R),
            legend: '{{instance}} {{reason}}',
          },
        ],
        {
          unit: 'short',
          description: 'Points the collector refused or could not store, per second.',
        },
      ),
    )
    .withPanel(
      timeseriesPanel(
        'Series and senders',
        [
          { expr: `sum by (instance) (${COLLECTOR.series})`, legend: '{{instance}} series' },
          { expr: `sum by (instance) (${COLLECTOR.senders})`, legend: '{{instance}} senders' },
        ],
        { unit: 'short' },
      ),
    )
    .withPanel(
      timeseriesPanel(
        'Expired series',
        [{ expr: sumRate(COLLECTOR.expiredSeries, ['instance'], R), legend: '{{instance}}' }],
        {
          unit: 'short',
          description:
            'Series removed per second because their sender went silent longer than --expire-after.',
        },
      ),
    );
  return finalize(b);
}
