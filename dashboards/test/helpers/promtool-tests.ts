/**
 * Builds a `promtool test rules` file for the generated rules and a set of
 * generation options: per alert, a misbehaving and a healthy series; one
 * evaluation before `for:` has elapsed (nothing fires) and one after (only
 * the misbehaving series fires, with its exact labels and annotations).
 * Inputs are derived from the thresholds, so the same builder tests the
 * default rules and rules generated with other options.
 */
import { stringify } from 'yaml';
import { alertingRules, type AlertName } from '../../src/rules/alerts.js';
import { recordingRules } from '../../src/rules/recording.js';
import { COLLECTOR, LABEL, LOOP_STATE_ACTIVE, PROM, bucket } from '../../src/metrics.js';
import { durationSeconds, type GenerateOptions } from '../../src/options.js';

interface Series {
  series: string;
  values: string;
}
interface Case {
  alert: AlertName;
  /** Seconds at which the bad series first meets the condition (an evaluation step). */
  start: number;
  input: Series[];
  /** Labels of the one alert that must fire (besides alertname and severity). */
  fires: Record<string, string>;
  /** Minute after which the condition stops holding by construction (growth alerts). */
  latestMinute?: number;
}

const SAMPLES = 90; // one per minute: 90 minutes of data
const labelText = (l: Record<string, string>): string =>
  Object.entries(l)
    .map(([k, v]) => `${k}="${v}"`)
    .join(', ');
const series = (name: string, labels: Record<string, string>, values: string): Series => ({
  series: `${name}{${labelText(labels)}}`,
  values,
});
/** `v, v+step, ...` for the whole test. */
const ramp = (from: number, step: number): string => `${from}+${step}x${SAMPLES}`;
/** `a` for minutes 0..9, then `b` to the end. */
const switchAt10m = (a: number, b: number): string => `${a}+0x9 ${b}+0x${SAMPLES - 10}`;

/**
 * A histogram whose observations (100 a minute) land below threshold/2
 * (healthy) or between 2x and 4x the threshold (bad): p99 ~3.98x threshold.
 */
function histogram(
  name: string,
  labels: Record<string, string>,
  threshold: number,
  bad: boolean,
): Series[] {
  const bounds = [threshold / 2, threshold * 2, threshold * 4];
  return [
    ...bounds.map((le) =>
      series(
        bucket(name),
        { ...labels, le: String(le) },
        ramp(0, bad && le < threshold * 4 ? 0 : 100),
      ),
    ),
    series(bucket(name), { ...labels, le: '+Inf' }, ramp(0, 100)),
  ];
}

const app = (instance: string) => ({ job: 'shop/checkout', instance });

function cases(o: GenerateOptions): Case[] {
  const bad = app('bad-1');
  const good = app('good-1');
  const state = LABEL.eventloopState;
  const activePerMin = (ratio: number): number => 60 * ratio;
  const horizonMin = durationSeconds(o.resourcesGrowthHorizon) / 60;
  const c0 = 2 * o.resourcesGrowthMinimum + 10;
  const limit = 4e9;
  const staleStart = Math.ceil((600 + o.senderStale + 1) / 60) * 60;
  const collectorBad = {
    job: 'loopscope-collector',
    instance: 'collector-a:4318',
    reason: 'malformed',
  };
  const collectorGood = { ...collectorBad, instance: 'collector-b:4318' };
  return [
    {
      alert: 'LoopEventLoopDelayHigh',
      start: 60,
      input: [
        ...histogram(PROM.eventloopDelay, bad, o.loopDelayWarning, true),
        ...histogram(PROM.eventloopDelay, good, o.loopDelayWarning, false),
      ],
      fires: bad,
    },
    {
      alert: 'LoopEventLoopDelayCritical',
      start: 60,
      input: [
        ...histogram(PROM.eventloopDelay, bad, o.loopDelayCritical, true),
        ...histogram(PROM.eventloopDelay, good, o.loopDelayCritical, false),
      ],
      fires: bad,
    },
    {
      alert: 'LoopEventLoopUtilizationHigh',
      start: 60,
      input: [
        [bad, (1 + o.utilization) / 2],
        [good, o.utilization / 2],
      ].flatMap(([labels, ratio]) => {
        const l = labels as Record<string, string>;
        const active = activePerMin(ratio as number);
        return [
          series(PROM.eventloopTime, { ...l, [state]: LOOP_STATE_ACTIVE }, ramp(0, active)),
          series(PROM.eventloopTime, { ...l, [state]: 'idle' }, ramp(0, 60 - active)),
        ];
      }),
      fires: bad,
    },
    {
      // The healthy instance's probe round trip is as high as the bad one's
      // (its loop stalls), but its pool wait is low: only the wait may fire.
      alert: 'LoopThreadPoolWaitHigh',
      start: 60,
      input: [
        ...histogram(PROM.threadpoolWait, bad, o.threadpoolWait, true),
        ...histogram(PROM.threadpoolWait, good, o.threadpoolWait, false),
        ...histogram(PROM.threadpoolQueueDelay, bad, o.threadpoolWait, true),
        ...histogram(PROM.threadpoolQueueDelay, good, o.threadpoolWait, true),
      ],
      fires: bad,
    },
    {
      // Linear growth of s per minute from c0 keeps predict_linear above
      // factor x current while t < horizon/(factor-1) - 1 minutes (s = c0).
      alert: 'LoopActiveResourcesGrowing',
      start: 60,
      input: [
        series(
          PROM.resourceActive,
          { ...bad, [LABEL.resourceType]: 'TCPSocketWrap' },
          ramp(c0, c0),
        ),
        series(
          PROM.resourceActive,
          { ...good, [LABEL.resourceType]: 'TCPSocketWrap' },
          ramp(c0, 0),
        ),
      ],
      fires: bad,
      latestMinute: horizonMin / (o.resourcesGrowthFactor - 1) - 1,
    },
    {
      alert: 'LoopHeapNearLimit',
      start: 600,
      input: [
        series(
          PROM.heapUsed,
          bad,
          switchAt10m((limit * o.heapRatio) / 2, (limit * (1 + o.heapRatio)) / 2),
        ),
        series(PROM.heapUsed, good, ramp((limit * o.heapRatio) / 2, 0)),
        series(PROM.heapLimit, bad, ramp(limit, 0)),
        series(PROM.heapLimit, good, ramp(limit, 0)),
      ],
      fires: bad,
    },
    {
      // Values are the export time in seconds; the bad sender stops at 10m.
      alert: 'LoopSenderStale',
      start: staleStart,
      input: [
        series(COLLECTOR.senderLastSeen, bad, `0+60x10 600+0x${SAMPLES - 11}`),
        series(COLLECTOR.senderLastSeen, good, ramp(0, 60)),
      ],
      fires: bad,
    },
    {
      alert: 'LoopCollectorDroppingData',
      start: 60,
      input: [
        // rate()[5m] of a counter from 0 reads increase/300 s after one
        // minute: this stays above the threshold from the first evaluation.
        series(COLLECTOR.droppedPoints, collectorBad, ramp(0, (o.collectorDropRate + 1) * 600)),
        series(COLLECTOR.droppedPoints, collectorGood, ramp(0, 0)),
      ],
      fires: collectorBad,
    },
    {
      // Seconds of starved stall per minute: above the threshold for the bad instance; the
      // good one stalls as long in its own code, which this alert must not count.
      alert: 'NodeEventLoopCpuStarved',
      start: 60,
      input: [
        series(
          PROM.eventloopBlockTime,
          { ...bad, [LABEL.blockCause]: 'cpu_starved' },
          ramp(0, (o.cpuStarved + 0.05) * 60),
        ),
        series(
          PROM.eventloopBlockTime,
          { ...good, [LABEL.blockCause]: 'code' },
          ramp(0, (o.cpuStarved + 0.05) * 60),
        ),
      ],
      fires: bad,
    },
  ];
}

const fill = (template: string, labels: Record<string, string>): string =>
  template.replace(/\{\{ \$labels\.(\w+) \}\}/g, (_, k: string) => labels[k] ?? '');

/** The YAML of a promtool test file over `ruleFiles` (absolute paths). */
export function promtoolTests(o: GenerateOptions, ruleFiles: readonly string[]): string {
  const rules = new Map(alertingRules(o).rules.map((r) => [r.alert, r]));
  const tests = cases(o).map((c) => {
    const rule = rules.get(c.alert);
    if (!rule) throw new Error(`no generated rule ${c.alert}`);
    const forS = durationSeconds(rule.for);
    const early = forS > 0 ? c.start + forS / 2 : c.start - 30;
    const late = c.start + forS + 120;
    if (c.latestMinute !== undefined && late / 60 >= c.latestMinute) {
      throw new Error(
        `${c.alert}: options leave no time to fire (late eval ${late / 60}m >= ${c.latestMinute}m)`,
      );
    }
    if (late / 60 >= SAMPLES)
      throw new Error(`${c.alert}: for: ${rule.for} is longer than the test data`);
    const firing = {
      exp_labels: { ...c.fires, severity: rule.labels.severity },
      exp_annotations: Object.fromEntries(
        Object.entries(rule.annotations).map(([k, v]) => [k, fill(v, c.fires)]),
      ),
    };
    return {
      name: c.alert,
      interval: '1m',
      input_series: c.input,
      alert_rule_test: [
        { eval_time: `${early}s`, alertname: c.alert, exp_alerts: [] },
        { eval_time: `${late}s`, alertname: c.alert, exp_alerts: [firing] },
      ],
    };
  });
  // Recording rules first at every step, so alerts never read the previous step's value.
  const group_eval_order = [recordingRules().name, alertingRules(o).name];
  return stringify(
    { rule_files: ruleFiles, evaluation_interval: '1m', group_eval_order, tests },
    { lineWidth: 0 },
  );
}

/** Alerts the builder covers (the test asserts this is every generated alert). */
export const coveredAlerts = (o: GenerateOptions): AlertName[] => cases(o).map((c) => c.alert);
