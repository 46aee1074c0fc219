/**
 * Alerting rules. Every alert is per instance (or per collector), never a
 * global absent(): one dead or stalled process in a fleet of hundreds must
 * page on its own. Annotations name labels and the configured threshold but
 * not `$value`, so `promtool test rules` can assert them exactly; the linked
 * dashboards show the value.
 */
import { COLLECTOR } from '../metrics.js';
import type { GenerateOptions } from '../options.js';
import { durationSeconds } from '../options.js';
import { RECORDED } from './recording.js';
import type { AlertingRule, RuleGroup } from './types.js';

export const ALERT_NAMES = [
  'LoopEventLoopDelayHigh',
  'LoopEventLoopDelayCritical',
  'LoopEventLoopUtilizationHigh',
  'LoopThreadPoolWaitHigh',
  'LoopActiveResourcesGrowing',
  'LoopHeapNearLimit',
  'LoopSenderStale',
  'LoopCollectorDroppingData',
  'NodeEventLoopCpuStarved',
] as const;
export type AlertName = (typeof ALERT_NAMES)[number];

/** GitHub's heading anchor for an alert's runbook section (`## LoopSenderStale` -> `#loopsenderstale`). */
export const runbookAnchor = (alert: AlertName): string => alert.toLowerCase();

/** Seconds as people read them in a page: 100ms, 1.5s, 2m. */
export function humanSeconds(s: number): string {
  if (s < 1) return `${+(s * 1000).toPrecision(3)}ms`;
  if (s < 120) return `${+s.toPrecision(3)}s`;
  return `${+(s / 60).toPrecision(3)}m`;
}
const pct = (r: number): string => `${+(r * 100).toPrecision(3)}%`;
const WHO = '{{ $labels.job }} {{ $labels.instance }}';

export function alertingRules(o: GenerateOptions): RuleGroup<AlertingRule> {
  const r = RECORDED;
  const rule = (
    alert: AlertName,
    severity: 'warning' | 'critical',
    expr: string,
    forDuration: string,
    summary: string,
    description: string,
  ): AlertingRule => ({
    alert,
    expr,
    for: forDuration,
    labels: { severity },
    annotations: {
      summary,
      description,
      runbook_url: `${o.runbookBase}#${runbookAnchor(alert)}`,
    },
  });
  const horizon = durationSeconds(o.resourcesGrowthHorizon);
  return {
    name: 'loopscope.alerts',
    rules: [
      rule(
        'LoopEventLoopDelayHigh',
        'warning',
        `${r.loopDelayP99ByInstance} > ${o.loopDelayWarning}`,
        o.loopDelayWarningFor,
        `Event-loop delay p99 above ${humanSeconds(o.loopDelayWarning)} on ${WHO}`,
        `The event loop of ${WHO} served ready callbacks more than ${humanSeconds(o.loopDelayWarning)} late at the 99th percentile over 5 minutes, for ${o.loopDelayWarningFor}. Every request on this instance waits that long before its code runs.`,
      ),
      rule(
        'LoopEventLoopDelayCritical',
        'critical',
        `${r.loopDelayP99ByInstance} > ${o.loopDelayCritical}`,
        o.loopDelayCriticalFor,
        `Event-loop delay p99 above ${humanSeconds(o.loopDelayCritical)} on ${WHO}`,
        `The event loop of ${WHO} is stalling: 1% of its timer callbacks ran more than ${humanSeconds(o.loopDelayCritical)} late over 5 minutes, for ${o.loopDelayCriticalFor}. Health checks and requests on this instance are likely timing out.`,
      ),
      rule(
        'LoopEventLoopUtilizationHigh',
        'warning',
        `${r.utilizationByInstance} > ${o.utilization}`,
        o.utilizationFor,
        `Event-loop utilization above ${pct(o.utilization)} on ${WHO}`,
        `The event loop of ${WHO} spent more than ${pct(o.utilization)} of its time running JavaScript and callbacks (outside the kernel poll) over 5 minutes, for ${o.utilizationFor}. It has no headroom: more load turns straight into loop delay.`,
      ),
      rule(
        'LoopThreadPoolWaitHigh',
        'warning',
        `${r.poolWaitP99ByInstance} > ${o.threadpoolWait}`,
        o.threadpoolWaitFor,
        `libuv thread-pool wait p99 above ${humanSeconds(o.threadpoolWait)} on ${WHO}`,
        `A trivial probe task waited more than ${humanSeconds(o.threadpoolWait)} for a thread of the libuv thread pool of ${WHO} at the 99th percentile over 5 minutes (the loop's own delay left out), for ${o.threadpoolWaitFor}: fs, dns.lookup, crypto and zlib work is queueing behind a saturated pool.`,
      ),
      rule(
        'LoopActiveResourcesGrowing',
        'warning',
        `${r.resourcesByInstance} > ${o.resourcesGrowthMinimum} and predict_linear(${r.resourcesByInstance}[${o.resourcesGrowthWindow}], ${horizon}) > ${o.resourcesGrowthFactor} * ${r.resourcesByInstance}`,
        o.resourcesGrowingFor,
        `Active handles and requests growing on ${WHO}`,
        `The number of active resources (sockets, timers, file handles, requests) of ${WHO} grew steadily over ${o.resourcesGrowthWindow}; at this rate it reaches ${o.resourcesGrowthFactor}x the current count within ${o.resourcesGrowthHorizon}. A handle leak ends in file-descriptor exhaustion or memory pressure.`,
      ),
      rule(
        'LoopHeapNearLimit',
        'warning',
        `${r.heapUsedRatioByInstance} > ${o.heapRatio}`,
        o.heapFor,
        `V8 heap above ${pct(o.heapRatio)} of its limit on ${WHO}`,
        `${WHO} has used more than ${pct(o.heapRatio)} of its V8 heap limit for ${o.heapFor}. Near the limit GC runs back to back (stalling the event loop) and the process ends with "JavaScript heap out of memory".`,
      ),
      rule(
        'LoopSenderStale',
        'warning',
        `time() - ${COLLECTOR.senderLastSeen} > ${o.senderStale}`,
        o.senderStaleFor,
        `No metrics from ${WHO} for more than ${humanSeconds(o.senderStale)}`,
        `The collector has not received an export from ${WHO} for more than ${humanSeconds(o.senderStale)}. The process may have died, hung (an event loop blocked for good also stops exporting) or lost its route to the collector. The alert ends when the collector expires the sender (--expire-after).`,
      ),
      rule(
        'LoopCollectorDroppingData',
        'warning',
        `${r.droppedByCollector} > ${o.collectorDropRate}`,
        o.collectorDroppingFor,
        `loopscope collector {{ $labels.instance }} is dropping points ({{ $labels.reason }})`,
        `The loopscope collector {{ $labels.instance }} (job {{ $labels.job }}) dropped more than ${o.collectorDropRate} points per second with reason {{ $labels.reason }} over 5 minutes, for ${o.collectorDroppingFor}. Dashboards and alerts built on the dropped series are incomplete.`,
      ),
      rule(
        'NodeEventLoopCpuStarved',
        'warning',
        `${r.cpuStarvedByInstance} > ${o.cpuStarved}`,
        o.cpuStarvedFor,
        `Event loop stalled waiting for a CPU on ${WHO}`,
        `The event loop of ${WHO} spent more than ${pct(o.cpuStarved)} of its time in stalls caused by waiting for a CPU (run-queue wait or CFS throttling of its container) over 5 minutes, for ${o.cpuStarvedFor}. The code is not the cause: raise the CPU limit or move the process to a less crowded node.`,
      ),
    ],
  };
}
