/**
 * Admission for ingest requests, shared by every OTLP route. Bodies are
 * buffered while they arrive, so the number of requests in flight bounds
 * the memory ingest can take (in flight x --max-body-bytes); beyond it the
 * client is told to retry later (429). While shutting down, 503.
 */
import { IngestError } from './errors.js';

export class IngestGate {
  private inflight = 0;
  private closing = false;

  constructor(
    readonly maxConcurrent: number,
    /** Retry-After sent with 429 and 503. */
    readonly retryAfterSeconds = 1,
  ) {}

  get inFlight(): number {
    return this.inflight;
  }

  /** Refuse new ingest from now on (SIGTERM). */
  drain(): void {
    this.closing = true;
  }

  get draining(): boolean {
    return this.closing;
  }

  /** Admit a request, returning the function that releases its slot, or throw 429/503. */
  enter(): () => void {
    if (this.closing) {
      throw new IngestError(
        'LOOPSCOPE_SHUTTING_DOWN',
        'the collector is shutting down',
        this.retryAfterSeconds,
      );
    }
    if (this.inflight >= this.maxConcurrent) {
      throw new IngestError(
        'LOOPSCOPE_OVERLOADED',
        `${this.inflight} exports are already in flight (--max-concurrent-exports); retry later`,
        this.retryAfterSeconds,
      );
    }
    this.inflight++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inflight--;
    };
  }
}
