/**
 * Generation options: alert thresholds, `for:` durations and the runbook
 * link base. One table drives the defaults, the CLI flags, `--help` and the
 * README (a test checks the README lists every flag with its default).
 */
import { durationMs } from '@loopscope/collector/prometheus-duration';
import { OptionError } from './errors.js';
import { PROM } from './metrics.js';

type Kind = 'seconds' | 'ratio' | 'number' | 'duration' | 'string';

interface OptionSpec {
  readonly flag: string;
  readonly kind: Kind;
  readonly default: number | string;
  readonly help: string;
}

const spec = <T extends OptionSpec>(s: T): T => s;

export const OPTIONS = {
  runbookBase: spec({
    flag: 'runbook-base',
    kind: 'string',
    default: 'docs/runbook.md',
    help: 'runbook document the alerts link to (runbook_url = <base>#<alert name, lower case>); pass your repository URL, e.g. https://github.com/ORG/REPO/blob/main/docs/runbook.md',
  }),
  loopDelayWarning: spec({
    flag: 'loop-delay-warning',
    kind: 'seconds',
    default: 0.1,
    help: 'per-instance event-loop delay p99 over 5m (seconds) that warns',
  }),
  loopDelayWarningFor: spec({
    flag: 'loop-delay-warning-for',
    kind: 'duration',
    default: '5m',
    help: 'for: of the loop-delay warning',
  }),
  loopDelayCritical: spec({
    flag: 'loop-delay-critical',
    kind: 'seconds',
    default: 0.5,
    help: 'per-instance event-loop delay p99 over 5m (seconds) that pages',
  }),
  loopDelayCriticalFor: spec({
    flag: 'loop-delay-critical-for',
    kind: 'duration',
    default: '2m',
    help: 'for: of the loop-delay page',
  }),
  utilization: spec({
    flag: 'utilization',
    kind: 'ratio',
    default: 0.9,
    help: 'event-loop utilization over 5m (0..1) that warns',
  }),
  utilizationFor: spec({
    flag: 'utilization-for',
    kind: 'duration',
    default: '10m',
    help: 'for: of the utilization alert',
  }),
  threadpoolWait: spec({
    flag: 'threadpool-wait',
    kind: 'seconds',
    default: 0.1,
    help: "thread-pool wait p99 over 5m (seconds) that warns: the probe's wait for a pool thread, without the loop's own delay",
  }),
  threadpoolWaitFor: spec({
    flag: 'threadpool-wait-for',
    kind: 'duration',
    default: '5m',
    help: 'for: of the thread-pool alert',
  }),
  resourcesGrowthFactor: spec({
    flag: 'resources-growth-factor',
    kind: 'number',
    default: 2,
    help: 'active resources are "growing" when the linear trend predicts this many times the current count within the horizon',
  }),
  resourcesGrowthWindow: spec({
    flag: 'resources-growth-window',
    kind: 'duration',
    default: '30m',
    help: 'range predict_linear fits the trend on',
  }),
  resourcesGrowthHorizon: spec({
    flag: 'resources-growth-horizon',
    kind: 'duration',
    default: '1h',
    help: 'how far ahead predict_linear looks',
  }),
  resourcesGrowthMinimum: spec({
    flag: 'resources-growth-minimum',
    kind: 'number',
    default: 100,
    help: 'ignore instances with fewer active resources than this (small counts double all the time)',
  }),
  resourcesGrowingFor: spec({
    flag: 'resources-growing-for',
    kind: 'duration',
    default: '15m',
    help: 'for: of the resource-growth alert',
  }),
  heapRatio: spec({
    flag: 'heap-ratio',
    kind: 'ratio',
    default: 0.9,
    help: 'V8 heap used / heap limit (0..1) that warns',
  }),
  heapFor: spec({
    flag: 'heap-for',
    kind: 'duration',
    default: '5m',
    help: 'for: of the heap alert',
  }),
  cpuStarved: spec({
    flag: 'cpu-starved',
    kind: 'ratio',
    default: 0.02,
    help: 'per-instance stall time caused by CPU starvation or throttling, seconds per second over 5m (0..1), that warns',
  }),
  cpuStarvedFor: spec({
    flag: 'cpu-starved-for',
    kind: 'duration',
    default: '10m',
    help: 'for: of the CPU-starvation alert',
  }),
  senderStale: spec({
    flag: 'sender-stale',
    kind: 'seconds',
    default: 60,
    help: 'seconds without an export after which a sender counts as stale (dashboards and alert); keep it several export intervals and below the collector --expire-after',
  }),
  senderStaleFor: spec({
    flag: 'sender-stale-for',
    kind: 'duration',
    default: '1m',
    help: 'for: of the stale-sender alert',
  }),
  collectorDropRate: spec({
    flag: 'collector-drop-rate',
    kind: 'number',
    default: 0,
    help: 'dropped points per second (per collector and reason, over 5m) above which the collector alert fires',
  }),
  collectorDroppingFor: spec({
    flag: 'collector-dropping-for',
    kind: 'duration',
    default: '10m',
    help: 'for: of the collector-dropping alert',
  }),
} as const;

export type OptionKey = keyof typeof OPTIONS;

export type GenerateOptions = {
  readonly [K in OptionKey]: (typeof OPTIONS)[K]['default'] extends number ? number : string;
};

export { OptionError };

export const DEFAULT_OPTIONS: GenerateOptions = Object.freeze(
  Object.fromEntries(Object.entries(OPTIONS).map(([k, s]) => [k, s.default])) as GenerateOptions,
);

/**
 * Flags that were renamed, and their replacement: the thread-pool alert
 * used the probe's round trip (loop delay included), it now uses the pool
 * wait without the loop's own delay.
 */
export const REMOVED_FLAGS: ReadonlyMap<string, OptionKey> = new Map([
  ['threadpool-queue-delay', 'threadpoolWait'],
  ['threadpool-queue-delay-for', 'threadpoolWaitFor'],
]);
const REMOVED_KEYS: ReadonlyMap<string, OptionKey> = new Map([
  ['threadpoolQueueDelay', 'threadpoolWait'],
  ['threadpoolQueueDelayFor', 'threadpoolWaitFor'],
]);

/** The message for a removed flag or option key, or undefined when `name` was not removed. */
export function removedHint(name: string): string | undefined {
  const key = REMOVED_FLAGS.get(name) ?? REMOVED_KEYS.get(name);
  if (key === undefined) return undefined;
  const shown = REMOVED_FLAGS.has(name) ? `--${name}` : `"${name}"`;
  return `${shown} was removed: use --${OPTIONS[key].flag} (the thread-pool alert now reads the pool wait without the loop's own delay, ${PROM.threadpoolWait}, not the round trip)`;
}

/** Seconds in a Prometheus duration (`1h30m`, `90s`). */
export function durationSeconds(duration: string): number {
  const ms = durationMs(duration);
  if (ms === undefined) throw new OptionError(`not a Prometheus duration: "${duration}"`);
  return ms / 1000;
}

function check(key: OptionKey, value: unknown): number | string {
  const { flag, kind } = OPTIONS[key];
  const bad = (why: string): never => {
    throw new OptionError(`--${flag}: ${why} (got ${JSON.stringify(value)})`);
  };
  if (kind === 'string') {
    if (typeof value !== 'string' || value.trim() === '') bad('expected a non-empty string');
    return value as string;
  }
  if (kind === 'duration') {
    if (typeof value !== 'string' || durationMs(value) === undefined)
      bad('expected a Prometheus duration such as 30s, 5m or 1h30m');
    return value as string;
  }
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n)) return bad('expected a number');
  if (n < 0) bad('must not be negative');
  if (kind === 'ratio' && (n <= 0 || n >= 1)) bad('expected a ratio between 0 and 1');
  if (kind === 'seconds' && n <= 0) bad('expected a positive number of seconds');
  return n;
}

/**
 * Defaults overlaid with `overrides` (option keys, values as numbers or the
 * strings a CLI gives). Unknown keys and bad values throw OptionError.
 */
export function normalizeOptions(overrides: Record<string, unknown> = {}): GenerateOptions {
  const out: Record<string, number | string> = { ...DEFAULT_OPTIONS };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) continue;
    if (!Object.hasOwn(OPTIONS, key)) {
      const hint = removedHint(key);
      if (hint !== undefined) throw new OptionError(hint);
      throw new OptionError(`unknown option "${key}"; known: ${Object.keys(OPTIONS).join(', ')}`);
    }
    out[key] = check(key as OptionKey, value);
  }
  const o = out as GenerateOptions;
  if (o.loopDelayCritical <= o.loopDelayWarning) {
    throw new OptionError(
      `--${OPTIONS.loopDelayCritical.flag} (${o.loopDelayCritical}) must be above --${OPTIONS.loopDelayWarning.flag} (${o.loopDelayWarning})`,
    );
  }
  if (o.resourcesGrowthFactor <= 1) {
    throw new OptionError(`--${OPTIONS.resourcesGrowthFactor.flag} must be above 1`);
  }
  return Object.freeze(o);
}

/** Option key for a CLI flag name (without dashes), or undefined. */
export function keyOfFlag(flag: string): OptionKey | undefined {
  return (Object.keys(OPTIONS) as OptionKey[]).find((k) => OPTIONS[k].flag === flag);
}
