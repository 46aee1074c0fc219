import { InputError } from '../errors.js';
import { BUILTIN_METRIC_TYPES } from './builtin.js';
import {
  METRIC_TYPES,
  type CheckResult,
  type InputFormat,
  type MetricType,
  type RunSummary,
  type SummaryMetric,
  type ThresholdResult,
} from './model.js';
import { parseRfc3339 } from './time.js';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export type SummaryFormat = Exclude<InputFormat, 'ndjson' | 'csv'>;

/** Which of k6's three summary shapes a parsed JSON document is, or undefined. */
export function classifySummary(doc: unknown): SummaryFormat | undefined {
  if (!isObject(doc)) return undefined;
  if (typeof doc.version === 'string' && isObject(doc.results)) return 'machine-readable-summary';
  if (!isObject(doc.metrics)) return undefined;
  const entries = Object.values(doc.metrics);
  if (entries.some((m) => isObject(m) && isObject(m.values) && typeof m.type === 'string'))
    return 'handle-summary';
  if (entries.every((m) => isObject(m))) return 'summary-export';
  return undefined;
}

function numbers(file: string, where: string, v: unknown): Record<string, number> {
  if (!isObject(v)) throw new InputError(file, undefined, `${where} must be an object`);
  const out: Record<string, number> = {};
  for (const [k, val] of Object.entries(v)) {
    if (k === 'thresholds') continue;
    if (typeof val !== 'number' || !Number.isFinite(val))
      throw new InputError(
        file,
        undefined,
        `${where}.${k} must be a finite number, got ${JSON.stringify(val)}`,
      );
    out[k] = val;
  }
  return out;
}

/** `--summary-export` has no types: built-ins are known, others are told by their keys. */
function inferType(name: string, values: Record<string, number>): MetricType | undefined {
  const base = name.split('{')[0] ?? name;
  const known = BUILTIN_METRIC_TYPES[base];
  if (known) return known;
  const keys = Object.keys(values);
  if ('passes' in values || 'fails' in values) return 'rate';
  if (keys.some((k) => k === 'avg' || k === 'med' || /^p\(/.test(k))) return 'trend';
  if ('value' in values) return 'gauge';
  if ('count' in values) return 'counter';
  return undefined;
}

/** A rate's share recomputed from its counts; pre-v0.30 exports wrote `value: 0` beside passes. */
function reconcileRate(m: SummaryMetric, warnings: string[]): void {
  const passes = m.values.passes;
  const fails = m.values.fails;
  if (passes === undefined || fails === undefined || passes + fails === 0) return;
  const share = passes / (passes + fails);
  const written = m.values.rate;
  if (written === undefined) {
    m.values.rate = share;
  } else if (Math.abs(written - share) > 1e-6) {
    warnings.push(
      `${m.name}: the file says rate ${written} but counts ${passes} true / ${fails} false; using ${share} (old k6 versions wrote a wrong value)`,
    );
    m.values.rate = share;
  }
}

function collectChecks(group: unknown, out: CheckResult[]): void {
  if (!isObject(group)) return;
  const checks = Array.isArray(group.checks)
    ? group.checks
    : isObject(group.checks)
      ? Object.values(group.checks)
      : [];
  for (const c of checks) {
    if (
      isObject(c) &&
      typeof c.name === 'string' &&
      typeof c.passes === 'number' &&
      typeof c.fails === 'number'
    )
      out.push({
        name: c.name,
        ...(typeof c.path === 'string' ? { path: c.path } : {}),
        passes: c.passes,
        fails: c.fails,
      });
  }
  const groups = Array.isArray(group.groups)
    ? group.groups
    : isObject(group.groups)
      ? Object.values(group.groups)
      : [];
  for (const g of groups) collectChecks(g, out);
}

function fromHandleSummary(file: string, doc: Json): RunSummary {
  const metrics: SummaryMetric[] = [];
  const thresholds: ThresholdResult[] = [];
  const warnings: string[] = [];
  for (const [name, raw] of Object.entries(doc.metrics as Json)) {
    if (!isObject(raw))
      throw new InputError(file, undefined, `metrics["${name}"] must be an object`);
    const type = METRIC_TYPES.includes(raw.type as MetricType)
      ? (raw.type as MetricType)
      : undefined;
    const m: SummaryMetric = {
      name,
      type,
      ...(typeof raw.contains === 'string' ? { contains: raw.contains } : {}),
      values: numbers(file, `metrics["${name}"].values`, raw.values),
    };
    if (type === 'rate') reconcileRate(m, warnings);
    metrics.push(m);
    if (isObject(raw.thresholds)) {
      for (const [expression, t] of Object.entries(raw.thresholds)) {
        if (!isObject(t) || typeof t.ok !== 'boolean')
          throw new InputError(
            file,
            undefined,
            `metrics["${name}"].thresholds["${expression}"] must be {"ok": boolean}`,
          );
        thresholds.push({ metric: name, expression, passed: t.ok, source: 'k6' });
      }
    }
  }
  const checks: CheckResult[] = [];
  collectChecks(doc.root_group, checks);
  const state = isObject(doc.state) ? doc.state : {};
  return {
    format: 'handle-summary',
    ...(typeof state.testRunDurationMs === 'number' ? { durationMs: state.testRunDurationMs } : {}),
    metrics,
    thresholds,
    checks,
    warnings,
  };
}

function fromSummaryExport(file: string, doc: Json): RunSummary {
  const metrics: SummaryMetric[] = [];
  const thresholds: ThresholdResult[] = [];
  const warnings: string[] = [];
  for (const [name, raw] of Object.entries(doc.metrics as Json)) {
    const values = numbers(file, `metrics["${name}"]`, raw);
    const type = inferType(name, values);
    // --summary-export writes a rate's share as "value" (k6's summary-wrapper.js renames it).
    if (type === 'rate' && values.value !== undefined) {
      values.rate = values.value;
      delete values.value;
    }
    const m: SummaryMetric = { name, type, values };
    if (type === 'rate') reconcileRate(m, warnings);
    metrics.push(m);
    const t = (raw as Json).thresholds;
    if (isObject(t)) {
      for (const [expression, failed] of Object.entries(t)) {
        if (typeof failed !== 'boolean')
          throw new InputError(
            file,
            undefined,
            `metrics["${name}"].thresholds["${expression}"] must be a boolean`,
          );
        // Inverted against handleSummary's {ok}: true here means the threshold FAILED.
        thresholds.push({ metric: name, expression, passed: !failed, source: 'k6' });
      }
    }
  }
  const checks: CheckResult[] = [];
  collectChecks(doc.root_group, checks);
  return { format: 'summary-export', metrics, thresholds, checks, warnings };
}

/**
 * The machine-readable summary (k6 --new-machine-readable-summary, schema
 * 1.0.0). k6's generated types write counters as {count}, rates as
 * {matches, total, rate}; the published schema has {count, rate} and
 * {rate, passes, fails} and a `category`. Both are read.
 */
function fromMachineReadable(file: string, doc: Json): RunSummary {
  const version = doc.version as string;
  if (!/^1\./.test(version))
    throw new InputError(
      file,
      undefined,
      `machine-readable summary version ${version} is not supported (this tool reads 1.x)`,
    );
  const results = doc.results as Json;
  const config = isObject(doc.config) ? doc.config : {};
  const metadata = isObject(doc.metadata) ? doc.metadata : {};
  if (!Array.isArray(results.metrics))
    throw new InputError(file, undefined, 'results.metrics must be an array');
  const durationMs = typeof config.duration === 'number' ? config.duration * 1000 : undefined;
  const warnings: string[] = [];
  const metrics: SummaryMetric[] = results.metrics.map((raw: unknown, i: number) => {
    if (!isObject(raw) || typeof raw.name !== 'string')
      throw new InputError(file, undefined, `results.metrics[${i}] must be an object with a name`);
    const values = numbers(file, `results.metrics[${i}].values`, raw.values);
    const type = METRIC_TYPES.includes(raw.type as MetricType)
      ? (raw.type as MetricType)
      : undefined;
    if (type === 'rate' && values.matches !== undefined && values.total !== undefined) {
      values.passes = values.matches;
      values.fails = values.total - values.matches;
      delete values.matches;
      delete values.total;
    }
    if (type === 'counter' && values.rate === undefined && values.count !== undefined && durationMs)
      values.rate = values.count / (durationMs / 1000);
    const m: SummaryMetric = {
      name: raw.name,
      type,
      ...(typeof raw.contains === 'string' ? { contains: raw.contains } : {}),
      values,
    };
    if (type === 'rate') reconcileRate(m, warnings);
    return m;
  });
  const checks: CheckResult[] = [];
  const c = results.checks;
  if (isObject(c)) {
    const list = Array.isArray(c.results)
      ? c.results
      : Array.isArray(c.orderedChecks)
        ? c.orderedChecks
        : [];
    collectChecks({ checks: list }, checks);
  }
  const generated =
    typeof metadata.generatedAt === 'string' ? parseRfc3339(metadata.generatedAt) : NaN;
  const window =
    !Number.isNaN(generated) && durationMs !== undefined
      ? { startMs: generated - durationMs, endMs: generated }
      : {};
  return {
    format: 'machine-readable-summary',
    ...(durationMs !== undefined ? { durationMs } : {}),
    ...window,
    metrics,
    thresholds: [],
    checks,
    ...(typeof results.passed === 'boolean' ? { passed: results.passed } : {}),
    warnings,
  };
}

export function readSummaryDocument(file: string, doc: unknown, format: SummaryFormat): RunSummary {
  const d = doc as Json;
  if (format === 'machine-readable-summary') return fromMachineReadable(file, d);
  if (format === 'handle-summary') return fromHandleSummary(file, d);
  return fromSummaryExport(file, d);
}
