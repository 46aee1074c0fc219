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
  /**
   * Says why new exports must wait (e.g. a remote-write queue is full), or
   * undefined; checked on admission and again before an export is stored.
   */
  backlog: (() => string | undefined) | undefined;

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

  /** Throw 503 + Retry-After while an output cannot take more. */
  checkBacklog(): void {
    const reason = this.backlog?.();
    if (reason !== undefined) {
      throw new IngestError('LOOPSCOPE_REMOTE_WRITE_BACKLOG', reason, this.retryAfterSeconds);
    }
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
    this.checkBacklog();
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
