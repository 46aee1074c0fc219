/**
 * Decoding failures. `OtlpDecodeError` means the request as a whole cannot
 * be read (HTTP 400); `PointRejected` rejects one data point and is reported
 * in the response's partial_success instead.
 */
import type { DropReason } from '../self-metric-names.js';

export class OtlpDecodeError extends Error {
  override readonly name = 'OtlpDecodeError';
  /** What is wrong, without the location. */
  readonly what: string;
  /** Path into the request, e.g. `resourceMetrics[0].scopeMetrics[1].metrics[2].sum.dataPoints[0].asInt`. */
  readonly where: string;
  constructor(what: string, where = '') {
    super(where ? `${what} at ${where}` : what);
    this.what = what;
    this.where = where;
  }
}

export class PointRejected extends Error {
  override readonly name = 'PointRejected';
  readonly reason: DropReason;
  constructor(message: string, reason: DropReason = 'malformed') {
    super(message);
    this.reason = reason;
  }
}

/** The request is readable but larger than a stated limit (HTTP 413). */
export class OtlpTooLarge extends Error {
  override readonly name = 'OtlpTooLarge';
}
