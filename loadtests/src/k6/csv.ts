import { parse } from 'csv-parse';
import { InputError } from '../errors.js';
import { BUILTIN_METRIC_TYPES } from './builtin.js';
import { DEFAULT_LIMITS, lineTooLong, type InputLimits } from './limits.js';
import { openBytes } from './open.js';
import type { ProgressFn, SampleSink } from './sink.js';
import { parseCsvTime } from './time.js';

/** Columns that are not tags. */
const NOT_TAGS = new Set(['metric_name', 'timestamp', 'metric_value', 'extra_tags', 'metadata']);

interface CsvRecord {
  record: string[];
  info: { lines: number };
}

/**
 * Streams a `k6 run --out csv` file (plain or gzip) into `sink`. CSV carries
 * no metric types: built-in metrics are looked up, anything else is read as
 * a trend and listed in the returned warnings.
 */
export async function readCsv(
  file: string,
  sink: SampleSink,
  onProgress?: ProgressFn,
  limits: InputLimits = DEFAULT_LIMITS,
): Promise<{ samples: number; warnings: string[] }> {
  const source = await openBytes(file, limits.maxInputBytes);
  const parser = source.stream.pipe(
    parse({
      info: true,
      skip_empty_lines: true,
      relax_quotes: false,
      relax_column_count: true,
      bom: true,
      max_record_size: limits.maxLineBytes,
    }),
  );
  source.stream.on('error', (e) => parser.destroy(e));
  let header: string[] | undefined;
  let nameCol = -1;
  let timeCol = -1;
  let valueCol = -1;
  let extraCol = -1;
  const declared = new Set<string>();
  const guessed = new Set<string>();
  let samples = 0;
  let lastLine = 0;
  try {
    for await (const rec of parser as AsyncIterable<CsvRecord>) {
      const { record, info } = rec;
      lastLine = info.lines;
      const fail = (why: string): never => {
        throw new InputError(file, info.lines, why);
      };
      if (!header) {
        header = record;
        nameCol = header.indexOf('metric_name');
        timeCol = header.indexOf('timestamp');
        valueCol = header.indexOf('metric_value');
        extraCol = header.indexOf('extra_tags');
        if (nameCol < 0 || timeCol < 0 || valueCol < 0)
          fail('not a k6 CSV header: expected metric_name, timestamp and metric_value columns');
        continue;
      }
      if (record.length !== header.length)
        fail(
          `expected ${header.length} columns like the header, found ${record.length} (truncated line?)`,
        );
      const metric = record[nameCol] ?? '';
      if (metric === '') fail('empty metric_name');
      const value = Number(record[valueCol]);
      if (record[valueCol] === '' || !Number.isFinite(value))
        fail(`metric_value is not a number: ${JSON.stringify(record[valueCol])}`);
      const time = parseCsvTime(record[timeCol] ?? '');
      if (Number.isNaN(time)) fail(`timestamp is not a time: ${JSON.stringify(record[timeCol])}`);
      const tags: Record<string, string> = {};
      header.forEach((col, i) => {
        const v = record[i];
        if (!NOT_TAGS.has(col) && v !== undefined && v !== '') tags[col] = v;
      });
      const extra = extraCol >= 0 ? record[extraCol] : '';
      if (extra) for (const [k, v] of new URLSearchParams(extra)) tags[k] = v;
      if (!declared.has(metric)) {
        declared.add(metric);
        const known = BUILTIN_METRIC_TYPES[metric];
        if (!known) guessed.add(metric);
        sink.declare({ name: metric, type: known ?? 'trend', thresholds: [], submetrics: [] });
      }
      sink.sample({ metric, time, value, tags });
      samples++;
      if ((samples & 0x3fff) === 0) onProgress?.(source.bytesRead(), source.totalBytes);
    }
  } catch (err) {
    if (err instanceof InputError) throw err;
    const e = err as Error & { lines?: number; code?: string };
    const line = typeof e.lines === 'number' ? e.lines : lastLine + 1;
    if (e.code === 'CSV_MAX_RECORD_SIZE')
      throw new InputError(file, line, lineTooLong(limits.maxLineBytes));
    if (e.code === 'CSV_QUOTE_NOT_CLOSED')
      throw new InputError(file, line, 'truncated: a quoted field is never closed');
    throw new InputError(file, line, e.message);
  } finally {
    source.close();
  }
  if (!header) throw new InputError(file, 1, 'empty CSV file');
  onProgress?.(source.totalBytes, source.totalBytes);
  const warnings =
    guessed.size > 0
      ? [`CSV output carries no metric types: ${[...guessed].join(', ')} read as trends`]
      : [];
  return { samples, warnings };
}
