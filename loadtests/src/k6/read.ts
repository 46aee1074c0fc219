import { InputError } from '../errors.js';
import { ClientAggregator, type ClientResult } from '../stats/client.js';
import { clientFromSummary } from './from-summary.js';
import { parseJsonDocument } from './json-text.js';
import type { InputFormat } from './model.js';
import { readCsv } from './csv.js';
import { readNdjson } from './ndjson.js';
import { peekText, readAllText } from './open.js';
import type { ProgressFn } from './sink.js';
import type { InputLimits } from './limits.js';
import { classifySummary, readSummaryDocument } from './summary-files.js';

export interface ReadOptions {
  latencyMetric?: string;
  onProgress?: ProgressFn;
  /** Timeline buckets kept before they coarsen (default 3600). */
  maxBuckets?: number;
  /** Input size limits (default DEFAULT_LIMITS). */
  limits?: InputLimits;
}

const NDJSON_START = /"type"\s*:\s*"(Metric|Point)"/;
const CSV_HEADER = /^\s*"?metric_name"?\s*,/;

/** Tells the format from the first line: NDJSON, CSV, or a JSON document (a summary). */
export async function detectFormat(file: string): Promise<'ndjson' | 'csv' | 'json'> {
  const head = await peekText(file);
  const firstLine = head.split(/\r?\n/).find((l) => l.trim() !== '');
  if (firstLine === undefined) throw new InputError(file, undefined, 'empty file');
  if (CSV_HEADER.test(firstLine)) return 'csv';
  const trimmed = firstLine.trim();
  if (trimmed.startsWith('{')) {
    try {
      const o = JSON.parse(trimmed) as { type?: unknown };
      if (o.type === 'Metric' || o.type === 'Point') return 'ndjson';
    } catch {
      // A first line longer than the peek that starts like a Point or Metric
      // line is NDJSON (the line-length limit will speak); anything else is
      // a (pretty-printed) document.
      if (!/[\r\n]/.test(head) && NDJSON_START.test(trimmed.slice(0, 1024))) return 'ndjson';
    }
    return 'json';
  }
  throw new InputError(
    file,
    1,
    'not a k6 result file: expected --out json lines, --out csv, --summary-export or handleSummary JSON',
  );
}

/** Reads any k6 result file into a client result; the format is detected. */
export async function readResults(
  file: string,
  opts: ReadOptions = {},
): Promise<ClientResult & { format: InputFormat }> {
  const format = await detectFormat(file);
  const latencyMetric = opts.latencyMetric;
  if (format === 'json') {
    const doc = parseJsonDocument(file, await readAllText(file));
    const kind = classifySummary(doc);
    if (!kind)
      throw new InputError(
        file,
        undefined,
        'JSON, but not a k6 summary: expected "metrics" (--summary-export, handleSummary data) or "version" and "results" (machine-readable summary)',
      );
    return {
      ...clientFromSummary(readSummaryDocument(file, doc, kind), latencyMetric),
      format: kind,
    };
  }
  const agg = new ClientAggregator(latencyMetric, 200, opts.maxBuckets);
  const warnings: string[] = [];
  if (format === 'ndjson') {
    await readNdjson(file, agg, opts.onProgress, opts.limits);
  } else {
    const r = await readCsv(file, agg, opts.onProgress, opts.limits);
    warnings.push(...r.warnings);
  }
  return { ...agg.finish(format, warnings), format };
}
