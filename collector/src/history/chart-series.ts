import { COLUMN } from '@loopscope/collector/ui-columns';
import { BLOCK_CAUSES, METRICS } from '@loopscope/agent/names';
import type { Sample } from './sample.js';

/** One line of a chart: a name for the legend and a value per timestamp (null = gap). */
export interface Column {
  readonly name: string;
  readonly values: (number | null)[];
}

interface SeriesDef {
  /** Which chart of the instance view draws it (the page gets metric names from the server). */
  readonly chart: string;
  /** Unit of every value, UCUM as in the metric definitions. */
  readonly unit: string;
  readonly columns: (samples: readonly Sample[]) => Column[];
}

const column = (name: string, samples: readonly Sample[], pick: (s: Sample) => number | null) => ({
  name,
  values: samples.map(pick),
});

/** One column per attribute value; 0 where the sender reported the metric without that value. */
function byType(
  samples: readonly Sample[],
  pick: (s: Sample) => Readonly<Record<string, number>> | null,
) {
  const peak = new Map<string, number>();
  for (const s of samples) {
    for (const [type, v] of Object.entries(pick(s) ?? {}))
      peak.set(type, Math.max(peak.get(type) ?? 0, v));
  }
  // Biggest first, so the legend leads with what matters.
  const types = [...peak].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([t]) => t);
  return types.map((type) =>
    column(type, samples, (s) => {
      const m = pick(s);
      return m ? (m[type] ?? 0) : null;
    }),
  );
}

/**
 * The series the API serves, keyed by the agent's metric names (never typed
 * here): what each chart of the instance view draws.
 */
export const SERIES: Readonly<Record<string, SeriesDef>> = {
  [METRICS.eventloopDelay.name]: {
    chart: 'loopDelay',
    unit: METRICS.eventloopDelay.unit,
    columns: (s) => [
      column(COLUMN.p50, s, (x) => x.loopDelay?.p50 ?? null),
      column(COLUMN.p99, s, (x) => x.loopDelay?.p99 ?? null),
      column(COLUMN.max, s, (x) => x.loopDelay?.max ?? null),
    ],
  },
  [METRICS.eventloopUtilization.name]: {
    chart: 'utilization',
    unit: METRICS.eventloopUtilization.unit,
    columns: (s) => [column(COLUMN.utilization, s, (x) => x.utilization)],
  },
  [METRICS.threadpoolQueueDelay.name]: {
    chart: 'poolDelay',
    unit: METRICS.threadpoolQueueDelay.unit,
    columns: (s) => [
      column(COLUMN.p50, s, (x) => x.poolDelay?.p50 ?? null),
      column(COLUMN.p99, s, (x) => x.poolDelay?.p99 ?? null),
      column(COLUMN.max, s, (x) => x.poolDelay?.max ?? null),
    ],
  },
  [METRICS.threadpoolWait.name]: {
    chart: 'poolWait',
    unit: METRICS.threadpoolWait.unit,
    columns: (s) => [
      column(COLUMN.p50, s, (x) => x.poolWait?.p50 ?? null),
      column(COLUMN.p99, s, (x) => x.poolWait?.p99 ?? null),
      column(COLUMN.max, s, (x) => x.poolWait?.max ?? null),
    ],
  },
  [METRICS.threadsCpuTime.name]: {
    chart: 'threadsCpu',
    // CPUs used: CPU seconds per second.
    unit: '{cpu}',
    columns: (s) => [...byType(s, (x) => x.threadsCpu), column(COLUMN.limit, s, (x) => x.cpuLimit)],
  },
  [METRICS.eventloopBlockTime.name]: {
    chart: 'stallTime',
    // Seconds of stall per second, one column per cause in BLOCK_CAUSES order.
    unit: 's/s',
    columns: (s) =>
      BLOCK_CAUSES.map((cause) => column(cause, s, (x) => x.stall?.rate[cause] ?? null)),
  },
  [METRICS.eventloopBlocks.name]: {
    chart: 'blocks',
    // Stalls counted in each row's interval (since the previous row): summed over rows, the
    // counter's increase, so a reader can count every stall, not only the captured ones.
    unit: METRICS.eventloopBlocks.unit,
    columns: (s) => [column(COLUMN.count, s, (x) => x.blocks)],
  },
  [METRICS.mainthreadCpuWait.name]: {
    chart: 'cpuPressure',
    unit: 's/s',
    columns: (s) => [
      column(COLUMN.cpuWait, s, (x) => x.cpuWait),
      column(COLUMN.throttled, s, (x) => x.throttled),
    ],
  },
  [METRICS.threadpoolPending.name]: {
    chart: 'pending',
    unit: METRICS.threadpoolPending.unit,
    columns: (s) => byType(s, (x) => x.pending),
  },
  [METRICS.resourceActive.name]: {
    chart: 'resources',
    unit: METRICS.resourceActive.unit,
    columns: (s) => byType(s, (x) => x.resources),
  },
  [METRICS.gcDuration.name]: {
    chart: 'gc',
    unit: METRICS.gcDuration.unit,
    columns: (s) => [
      column(COLUMN.total, s, (x) => x.gc?.total ?? null),
      column(COLUMN.max, s, (x) => x.gc?.max ?? null),
    ],
  },
  [METRICS.heapUsed.name]: {
    chart: 'heap',
    unit: METRICS.heapUsed.unit,
    columns: (s) => [
      column(COLUMN.used, s, (x) => x.heapUsed),
      column(COLUMN.limit, s, (x) => x.heapLimit),
    ],
  },
};

export const SERIES_NAMES: readonly string[] = Object.keys(SERIES);
