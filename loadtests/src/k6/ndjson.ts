import { InputError } from '../errors.js';
import { METRIC_TYPES, type MetricDecl, type MetricType, type Submetric } from './model.js';
import { DEFAULT_LIMITS, type InputLimits } from './limits.js';
import { openLines } from './open.js';
import type { ProgressFn, SampleSink } from './sink.js';
import { parseRfc3339 } from './time.js';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const NO_TAGS: Readonly<Record<string, string>> = Object.freeze({});

function tagsOf(v: unknown, fail: (why: string) => never): Readonly<Record<string, string>> {
  if (v === null || v === undefined) return NO_TAGS;
  if (!isObject(v)) return fail('"tags" must be an object');
  // k6 writes string tag values; the parsed object is used as is unless one is not.
  for (const k in v) {
    if (typeof v[k] !== 'string') {
      const out: Record<string, string> = {};
      for (const [key, val] of Object.entries(v)) out[key] = String(val);
      return out;
    }
  }
  return v as Record<string, string>;
}

function declOf(o: Json, fail: (why: string) => never): MetricDecl {
  const data = o.data;
  if (!isObject(data)) return fail('Metric line without a "data" object');
  // Old k6 versions put the name only in the top-level "metric" key.
  const name = typeof data.name === 'string' ? data.name : o.metric;
  if (typeof name !== 'string' || name === '') return fail('Metric line without a metric name');
  const type = data.type;
  if (typeof type !== 'string' || !METRIC_TYPES.includes(type as MetricType))
    return fail(`metric "${name}" has unknown type ${JSON.stringify(type)}`);
  // k6 writes each threshold as its source had it: a string, or an object
  // `{ threshold, abortOnFail, delayAbortEval }` (the ramp's abortOnFail gates).
  const thresholds: string[] = [];
  if (Array.isArray(data.thresholds)) {
    for (const t of data.thresholds) {
      if (typeof t === 'string') thresholds.push(t);
      else if (isObject(t) && typeof t.threshold === 'string') thresholds.push(t.threshold);
      else
        fail(`metric "${name}" has a threshold that is neither a string nor {"threshold": string}`);
    }
  }
  const submetrics: Submetric[] = [];
  if (Array.isArray(data.submetrics)) {
    for (const s of data.submetrics) {
      if (isObject(s) && typeof s.name === 'string')
        submetrics.push({ name: s.name, tags: tagsOf(s.tags, fail) });
    }
  }
  return {
    name,
    type: type as MetricType,
    ...(typeof data.contains === 'string' ? { contains: data.contains } : {}),
    thresholds,
    submetrics,
  };
}

/**
 * Streams a `k6 run --out json` file (plain or gzip) into `sink`. Every line
 * must be a Metric or Point object; the first bad line stops the read with
 * its line number, and a cut-off last line is reported as truncation.
 */
export async function readNdjson(
  file: string,
  sink: SampleSink,
  onProgress?: ProgressFn,
  limits: InputLimits = DEFAULT_LIMITS,
): Promise<number> {
  const reader = await openLines(file, limits);
  const { source } = reader;
  let pending = await reader.next();
  let count = 0;
  try {
    while (pending) {
      const { text, line } = pending;
      const upcoming = await reader.next();
      const fail = (why: string): never => {
        throw new InputError(file, line, why);
      };
      if (text.trim() !== '') {
        let o: unknown;
        try {
          o = JSON.parse(text);
        } catch (err) {
          if (!upcoming)
            fail(
              `truncated: the last line is not complete JSON (${(err as Error).message}); was k6 stopped mid-write?`,
            );
          fail(`malformed JSON (${(err as Error).message})`);
        }
        if (!isObject(o)) fail('expected a JSON object with "type": "Metric" or "Point"');
        const rec = o as Json;
        if (rec.type === 'Point') {
          const data = rec.data;
          if (typeof rec.metric !== 'string' || rec.metric === '')
            fail('Point line without a "metric" name');
          if (!isObject(data)) fail('Point line without a "data" object');
          const d = data as Json;
          if (typeof d.value !== 'number' || !Number.isFinite(d.value))
            fail('Point "value" must be a finite number');
          if (typeof d.time !== 'string') fail('Point "time" must be an RFC 3339 string');
          const time = parseRfc3339(d.time as string);
          if (Number.isNaN(time))
            fail(`Point "time" is not an RFC 3339 time: ${JSON.stringify(d.time)}`);
          sink.sample({
            metric: rec.metric as string,
            time,
            value: d.value as number,
            tags: tagsOf(d.tags, fail),
          });
          count++;
        } else if (rec.type === 'Metric') {
          sink.declare(declOf(rec, fail));
        } else {
          fail(`unknown line type ${JSON.stringify(rec.type)} (expected "Metric" or "Point")`);
        }
      }
      if ((line & 0x3fff) === 0) onProgress?.(source.bytesRead(), source.totalBytes);
      pending = upcoming;
    }
  } finally {
    reader.close();
  }
  onProgress?.(source.totalBytes, source.totalBytes);
  return count;
}
