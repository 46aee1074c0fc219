/** The k6 result model every input format is read into. */

export type MetricType = 'counter' | 'gauge' | 'rate' | 'trend';
export const METRIC_TYPES: readonly MetricType[] = ['counter', 'gauge', 'rate', 'trend'];

export type InputFormat =
  'ndjson' | 'csv' | 'summary-export' | 'handle-summary' | 'machine-readable-summary';

/** One k6 sample: a Point line of `--out json`, or a CSV row. */
export interface Sample {
  metric: string;
  /** Milliseconds since the epoch, with the sub-millisecond part kept. */
  time: number;
  value: number;
  tags: Readonly<Record<string, string>>;
}

export interface Submetric {
  /** e.g. `http_req_duration{expected_response:true}` */
  name: string;
  tags: Readonly<Record<string, string>>;
}

/** A Metric line of `--out json`: type, thresholds and submetrics of one metric. */
export interface MetricDecl {
  name: string;
  type: MetricType;
  contains?: string;
  thresholds: string[];
  submetrics: Submetric[];
}

/**
 * Aggregated values of one metric, with k6's own keys: trend `avg`, `min`,
 * `med`, `max`, `p(N)`, `count`; counter `count`, `rate` (per second); rate
 * `rate`, `passes` (true samples), `fails`; gauge `value`, `min`, `max`.
 */
export interface SummaryMetric {
  name: string;
  type: MetricType | undefined;
  contains?: string;
  values: Record<string, number>;
}

export interface ThresholdResult {
  metric: string;
  expression: string;
  passed: boolean;
  /** `k6` when k6 wrote the verdict; `evaluated` when computed here from samples. */
  source: 'k6' | 'evaluated';
}

/**
 * A threshold the input cannot carry, so neither k6's verdict nor the samples
 * to evaluate it are there: submetric thresholds in `--out json` (k6 writes
 * the submetric, not its threshold), every threshold in CSV.
 */
export interface UnevaluatedThreshold {
  /** The metric or submetric, `*` when the input carries no thresholds at all. */
  metric: string;
  reason: string;
}

export interface CheckResult {
  name: string;
  path?: string;
  passes: number;
  fails: number;
}

/** What a run's results say once normalised, whatever the input format. */
export interface RunSummary {
  format: InputFormat;
  /** Test run duration, when the input says. */
  durationMs?: number;
  /** Start and end of the run, when the input says (samples, machine-readable summary). */
  startMs?: number;
  endMs?: number;
  metrics: SummaryMetric[];
  thresholds: ThresholdResult[];
  /** Thresholds the input cannot carry (see UnevaluatedThreshold); empty when none. */
  unevaluated?: UnevaluatedThreshold[];
  checks: CheckResult[];
  /** k6's overall verdict when the input carries one (machine-readable summary). */
  passed?: boolean;
  warnings: string[];
}
