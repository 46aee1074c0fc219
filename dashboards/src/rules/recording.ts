/**
 * Recording rules (`level:metric:operation`, as the Prometheus docs name
 * them). Alerts and heavy dashboards read these instead of recomputing
 * bucket quantiles across the fleet on every evaluation.
 */
import { COLLECTOR, LABEL, PROM } from '../metrics.js';
import { quantile, sumRate, utilization } from '../promql.js';
import type { RecordingRule, RuleGroup } from './types.js';

const JOB = ['job'];
const INSTANCE = ['job', 'instance'];
const W = '5m';
const base = (name: string): string => name.replace(/_total$/, '');

/** Names of the recorded series, for the alerts and the dashboards. */
export const RECORDED = {
  loopDelayP99ByInstance: `instance:${PROM.eventloopDelay}:p99_5m`,
  loopDelayP99ByJob: `job:${PROM.eventloopDelay}:p99_5m`,
  loopDelayP50ByJob: `job:${PROM.eventloopDelay}:p50_5m`,
  poolWaitP99ByInstance: `instance:${PROM.threadpoolWait}:p99_5m`,
  poolWaitP99ByJob: `job:${PROM.threadpoolWait}:p99_5m`,
  utilizationByInstance: `instance:${PROM.eventloopUtilization}:avg_5m`,
  utilizationByJob: `job:${PROM.eventloopUtilization}:avg_5m`,
  blocksByJob: `job:${base(PROM.eventloopBlocks)}:rate5m`,
  cpuStarvedByInstance: `instance:${base(PROM.eventloopBlockTime)}:cpu_starved_rate5m`,
  resourcesByInstance: `instance:${PROM.resourceActive}:sum`,
  heapUsedRatioByInstance: `instance:${PROM.heapUsed}:ratio_of_limit`,
  droppedByCollector: `instance:${base(COLLECTOR.droppedPoints)}:rate5m`,
} as const;

export function recordingRules(): RuleGroup<RecordingRule> {
  const r = RECORDED;
  return {
    name: 'loopscope.recording',
    rules: [
      { record: r.loopDelayP99ByInstance, expr: quantile(0.99, PROM.eventloopDelay, INSTANCE, W) },
      { record: r.loopDelayP99ByJob, expr: quantile(0.99, PROM.eventloopDelay, JOB, W) },
      { record: r.loopDelayP50ByJob, expr: quantile(0.5, PROM.eventloopDelay, JOB, W) },
      // The pool wait, not the probe's round trip: the round trip includes the
      // loop's own delay and read 150-262 ms on an idle pool while the loop stalled.
      {
        record: r.poolWaitP99ByInstance,
        expr: quantile(0.99, PROM.threadpoolWait, INSTANCE, W),
      },
      { record: r.poolWaitP99ByJob, expr: quantile(0.99, PROM.threadpoolWait, JOB, W) },
      { record: r.utilizationByInstance, expr: utilization(INSTANCE, W) },
      { record: r.utilizationByJob, expr: utilization(JOB, W) },
      { record: r.blocksByJob, expr: sumRate(PROM.eventloopBlocks, JOB, W) },
      {
        record: r.cpuStarvedByInstance,
        expr: sumRate(PROM.eventloopBlockTime, INSTANCE, W, `${LABEL.blockCause}="cpu_starved"`),
      },
      { record: r.resourcesByInstance, expr: `sum by (job, instance) (${PROM.resourceActive})` },
      {
        record: r.heapUsedRatioByInstance,
        expr: `sum by (job, instance) (${PROM.heapUsed}) / sum by (job, instance) (${PROM.heapLimit})`,
      },
      {
        record: r.droppedByCollector,
        expr: sumRate(COLLECTOR.droppedPoints, ['job', 'instance', 'reason'], W),
      },
    ],
  };
}
