/**
 * OTLP attributes -> Prometheus label text. The rendered text of a series'
 * labels is also its identity in the store: two attribute sets that
 * sanitize to the same labels are one Prometheus series, so they must be
 * one stored series, or the exposition would repeat a sample.
 */
import type { AttrValue, Attributes } from '../otlp/model.js';
import { sanitizeLabel } from './name.js';

/** Label values: backslash, double quote and line feed are escaped (text format and OpenMetrics). */
export function escapeLabelValue(v: string): string {
  return /[\\"\n]/.test(v) ? v.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`)) : v;
}

export function attrText(v: AttrValue): string {
  return typeof v === 'string' ? v : String(v);
}

/** One `name="value"` pair. */
export function labelPair(name: string, value: string): string {
  return `${name}="${escapeLabelValue(value)}"`;
}

// Attribute keys repeat across every export; sanitizing them once each
// keeps ingest cheap. Bounded, because keys come from the network.
const sanitized = new Map<string, string>();
const SANITIZED_CACHE_LIMIT = 10_000;

function labelNameOf(key: string): string {
  let name = sanitized.get(key);
  if (name === undefined) {
    name = sanitizeLabel(key);
    if (sanitized.size >= SANITIZED_CACHE_LIMIT) sanitized.clear();
    sanitized.set(key, name);
  }
  return name;
}

/**
 * Point attributes as `a="x",b="y"` (sorted by label name), '' when there
 * are none. As the OpenTelemetry compatibility spec says, keys that sanitize
 * to the same label have their values joined with `;` in key order. A label
 * the collector sets itself (`reserved`: job, instance, le, ...) is renamed
 * `exported_<name>` rather than overwritten. Empty keys are dropped.
 */
export function attributeLabels(attrs: Attributes, reserved: ReadonlySet<string>): string {
  const keys = Object.keys(attrs);
  if (keys.length === 0) return '';
  if (keys.length > 1) keys.sort();
  const byLabel = new Map<string, string>();
  for (const key of keys) {
    let name = labelNameOf(key);
    if (name === '') continue;
    if (reserved.has(name)) name = `exported_${name}`;
    const value = attrText(attrs[key]!);
    const prev = byLabel.get(name);
    byLabel.set(name, prev === undefined ? value : `${prev};${value}`);
  }
  const names = [...byLabel.keys()];
  if (names.length > 1) names.sort();
  let out = '';
  for (const name of names) {
    out += `${out === '' ? '' : ','}${labelPair(name, byLabel.get(name)!)}`;
  }
  return out;
}

/** Join label texts, skipping empty ones. */
export function joinLabels(...parts: string[]): string {
  let out = '';
  for (const p of parts) if (p !== '') out = out === '' ? p : `${out},${p}`;
  return out;
}

/**
 * Label text (`a="x",b="y"`, as the functions above build it) back into
 * name/value pairs, unescaping values: how outputs that need labels as
 * pairs (remote write) read the one conversion's labels.
 */
export function parseLabelText(text: string): [string, string][] {
  const out: [string, string][] = [];
  let i = 0;
  while (i < text.length) {
    const eq = text.indexOf('="', i);
    if (eq < 0) break;
    const name = text.slice(i, eq);
    let value = '';
    let j = eq + 2;
    for (; j < text.length && text[j] !== '"'; j++) {
      if (text[j] === '\\' && j + 1 < text.length) {
        j++;
        value += text[j] === 'n' ? '\n' : text[j];
      } else value += text[j];
    }
    out.push([name, value]);
    i = j + 2; // past the closing quote and the comma
  }
  return out;
}
