/**
 * Limits on what one results file may make the analysis read: a small gzip
 * can inflate to terabytes, and one newline-free line would be held whole in
 * memory. Both are stated in bytes, enforced while streaming, and reported as
 * input errors naming the limit and the flag that raises it.
 */
export interface InputLimits {
  /** Decoded (gunzipped) bytes read from one file at most (`--max-input-bytes`). */
  maxInputBytes: number;
  /** Bytes in one line (NDJSON) or record (CSV) at most (`--max-line-bytes`). */
  maxLineBytes: number;
}

export const DEFAULT_LIMITS: InputLimits = Object.freeze({
  // A 40-minute run at 500 req/s writes ~1 GB of NDJSON; 20 GiB leaves room for long soaks.
  maxInputBytes: 20 * 1024 ** 3,
  // k6's longest lines (Metric lines with thresholds and submetrics) are a few kB.
  maxLineBytes: 1024 ** 2,
});

export const inflatedTooFar = (limit: number): string =>
  `the input is larger than ${limit} bytes once decompressed (--max-input-bytes): a gzip bomb, or raise --max-input-bytes`;

export const lineTooLong = (limit: number): string =>
  `line longer than ${limit} bytes (--max-line-bytes): not a k6 results line, or raise --max-line-bytes`;
