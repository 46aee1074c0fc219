/**
 * Every way the collector refuses an OTLP/HTTP request, in one table: code,
 * HTTP status, google.rpc.Code (the error body is a google.rpc.Status, as
 * OTLP/HTTP requires), and the exports_total result it counts as. README's
 * error table lists the same codes (a test checks).
 */
import type { ExportResult } from '../self-metric-names.js';

export const INGEST_ERRORS = {
  LOOPSCOPE_MALFORMED: { status: 400, grpc: 3, result: 'malformed' },
  LOOPSCOPE_UNAUTHORIZED: { status: 401, grpc: 16, result: 'unauthorized' },
  LOOPSCOPE_TIMEOUT: { status: 408, grpc: 4, result: 'timeout' },
  LOOPSCOPE_TOO_LARGE: { status: 413, grpc: 8, result: 'too_large' },
  LOOPSCOPE_UNSUPPORTED_MEDIA_TYPE: { status: 415, grpc: 3, result: 'unsupported' },
  LOOPSCOPE_UNSUPPORTED_ENCODING: { status: 415, grpc: 3, result: 'unsupported' },
  LOOPSCOPE_OVERLOADED: { status: 429, grpc: 8, result: 'overloaded' },
  LOOPSCOPE_SHUTTING_DOWN: { status: 503, grpc: 14, result: 'unavailable' },
  LOOPSCOPE_REMOTE_WRITE_BACKLOG: { status: 503, grpc: 14, result: 'backlogged' },
  LOOPSCOPE_INTERNAL: { status: 500, grpc: 13, result: 'unavailable' },
} as const satisfies Record<string, { status: number; grpc: number; result: ExportResult }>;

export type IngestErrorCode = keyof typeof INGEST_ERRORS;

export class IngestError extends Error {
  override readonly name = 'IngestError';
  readonly code: IngestErrorCode;
  readonly statusCode: number;
  /** Seconds for Retry-After (429/503). */
  readonly retryAfterSeconds: number | undefined;
  constructor(code: IngestErrorCode, message: string, retryAfterSeconds?: number) {
    super(message);
    this.code = code;
    this.statusCode = INGEST_ERRORS[code].status;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}
