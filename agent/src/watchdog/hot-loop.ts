/**
 * When is the loop "busy without a long stall"? Fed each tick of the loop
 * monitor (its wall gap and the loop's active time, the agent's own work
 * left out), it cuts time into half-second buckets and says `start` once
 * every bucket of the last `seconds` had a utilization at or above the
 * threshold: the watchdog then asks its thread for a few stack samples.
 * It says `end` when a bucket falls below while sampling. Per-bucket rather
 * than an average: "stayed above for 5 s" is what the setting promises, and
 * a 5 s average would also fire on one 4.6 s stall followed by idle time
 * (a stall is the block event's business).
 *
 * Bounds: sampling starts at most once per MIN_EVENT_GAP_MS after an event
 * was sent (reported()), so a loop busy for hours gives one busy-loop event
 * a minute, from at most MAX_SAMPLES stacks each.
 */

/** Length of a utilization bucket, ms of wall time. */
export const BUCKET_MS = 500;
/** Stack samples per busy period; the event is sent once this many were asked for and taken. */
export const MAX_SAMPLES = 8;
/** Mean gap between two samples, ms (the watchdog thread spreads them 0.5x-1.5x this). */
export const SAMPLE_INTERVAL_MS = 250;
/** Least time between two busy-loop events, ms. */
export const MIN_EVENT_GAP_MS = 60_000;

export type HotLoopChange = 'start' | 'end' | undefined;

export class HotLoopDetector {
  private readonly need: number;
  private bucketGap = 0;
  private bucketActive = 0;
  /** Consecutive busy buckets so far, and their sums. */
  private run = 0;
  private runGap = 0;
  private runActive = 0;
  private runStart = 0;
  /** When the last run ended (a bucket below the threshold); undefined while it lasts. */
  private runEnd: number | undefined;
  private sampling = false;
  private nextAllowed = -Infinity;

  constructor(
    readonly threshold: number,
    seconds: number,
  ) {
    this.need = Math.max(1, Math.ceil((seconds * 1000) / BUCKET_MS));
  }

  get isSampling(): boolean {
    return this.sampling;
  }

  /** How long the current (or just ended) busy run lasted until `now` (ms), and its utilization. */
  runAt(now: number): { durationMs: number; utilization: number } {
    return {
      durationMs: this.run > 0 ? (this.runEnd ?? now) - this.runStart : 0,
      utilization: this.runGap > 0 ? this.runActive / this.runGap : 0,
    };
  }

  tick(now: number, gapMs: number, activeMs: number): HotLoopChange {
    if (!(gapMs > 0)) return undefined;
    this.bucketGap += gapMs;
    this.bucketActive += Math.min(activeMs, gapMs);
    if (this.bucketGap < BUCKET_MS) return undefined;
    const gap = this.bucketGap;
    const active = this.bucketActive;
    this.bucketGap = 0;
    this.bucketActive = 0;
    if (active / gap < this.threshold) {
      // The run's figures stay readable (runAt) until the next busy bucket starts a new one.
      this.runEnd ??= now - gap;
      if (!this.sampling) return undefined;
      this.sampling = false;
      return 'end';
    }
    if (this.runEnd !== undefined || this.run === 0) {
      this.run = 0;
      this.runGap = 0;
      this.runActive = 0;
      this.runEnd = undefined;
      this.runStart = now - gap;
    }
    this.run++;
    this.runGap += gap;
    this.runActive += active;
    if (this.sampling || this.run < this.need || now < this.nextAllowed) return undefined;
    this.sampling = true;
    return 'start';
  }

  /** An event was sent at `now`: sampling stops, and starts again no sooner than a minute later. */
  reported(now: number): void {
    this.sampling = false;
    this.nextAllowed = now + MIN_EVENT_GAP_MS;
  }
}
