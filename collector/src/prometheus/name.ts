/**
 * OTLP -> Prometheus metric naming, as the OpenTelemetry compatibility spec
 * and the OTel Collector's Prometheus exporter do it: invalid characters
 * become `_`, the UCUM unit becomes a suffix, monotonic sums get `_total`.
 * The collector's exposition, the dashboard generator and the rule generator
 * all call this, so a Prometheus name is never typed by hand.
 */

import type { FamilyType } from '../store/naming.js';

export type PromMetricType = FamilyType;

/** UCUM units with a Prometheus word (a subset of the spec's table). */
const UNIT_WORDS: Record<string, string> = {
  s: 'seconds',
  ms: 'milliseconds',
  us: 'microseconds',
  ns: 'nanoseconds',
  min: 'minutes',
  h: 'hours',
  d: 'days',
  By: 'bytes',
  KiBy: 'kibibytes',
  MiBy: 'mebibytes',
  GiBy: 'gibibytes',
  KBy: 'kilobytes',
  MBy: 'megabytes',
  GBy: 'gigabytes',
  m: 'meters',
  V: 'volts',
  A: 'amperes',
  J: 'joules',
  W: 'watts',
  g: 'grams',
  Cel: 'celsius',
  Hz: 'hertz',
  '%': 'percent',
};

/** Denominators of `x/y` units read singular: `m/s` -> `meters_per_second`. */
const PER_UNIT_WORDS: Record<string, string> = {
  s: 'second',
  m: 'minute',
  h: 'hour',
  d: 'day',
  w: 'week',
  mo: 'month',
  y: 'year',
};

/** Replace characters Prometheus does not allow and collapse repeated underscores. */
export function sanitizeName(name: string): string {
  let out = name.replace(/[^a-zA-Z0-9_:]/g, '_').replace(/__+/g, '_');
  if (/^[0-9]/.test(out)) out = `_${out}`;
  return out;
}

/** Label names allow no colon either. */
export function sanitizeLabel(name: string): string {
  let out = name.replace(/[^a-zA-Z0-9_]/g, '_').replace(/__+/g, '_');
  if (/^[0-9]/.test(out)) out = `key_${out}`;
  return out;
}

/** A unit's word, only from the table's own entries (a unit named `constructor` is not one). */
const wordOf = (table: Record<string, string>, unit: string): string | undefined =>
  Object.hasOwn(table, unit) ? table[unit] : undefined;

/** The unit's suffix word, or '' when the unit has none (`{request}` annotations, empty). */
export function unitSuffix(unit: string, type: PromMetricType): string {
  const u = unit.replace(/\{[^}]*\}/g, '').trim();
  if (u === '') return '';
  if (u === '1') return type === 'gauge' ? 'ratio' : '';
  const per = u.split('/');
  if (per.length === 2) {
    const [a = '', b = ''] = per;
    const left = wordOf(UNIT_WORDS, a) ?? sanitizeLabel(a);
    const right = wordOf(PER_UNIT_WORDS, b) ?? wordOf(UNIT_WORDS, b) ?? sanitizeLabel(b);
    return a === '' ? `per_${right}` : `${left}_per_${right}`;
  }
  return wordOf(UNIT_WORDS, u) ?? sanitizeLabel(u);
}

/**
 * The Prometheus family name for an OTLP metric. For histograms this is the
 * base name: the series are `<base>_bucket`, `<base>_sum`, `<base>_count`.
 */
export function prometheusName(otelName: string, unit: string, type: PromMetricType): string {
  let name = sanitizeName(otelName);
  const suffix = unitSuffix(unit, type);
  if (suffix && !name.endsWith(`_${suffix}`)) name = `${name}_${suffix}`;
  if (type === 'counter' && !name.endsWith('_total')) name = `${name}_total`;
  return name;
}

/** Convenience for a loopscope MetricDef (see @loopscope/agent/names). */
export function promNameOf(def: { name: string; unit: string; kind: string }): string {
  const type: PromMetricType =
    def.kind === 'histogram' ? 'histogram' : def.kind === 'counter' ? 'counter' : 'gauge';
  return prometheusName(def.name, def.unit, type);
}
