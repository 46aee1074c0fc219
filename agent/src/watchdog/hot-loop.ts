/**
 * When is the loop "busy without a long stall"? Fed each tick of the loop
 * monitor (its wall gap and the loop's active time, the agent's own work
 * left out), it cuts time into half-second buckets and says `start` once
 * the utilization over the last `seconds` (a sliding window of buckets) is
 * at or above the threshold: the watchdog then asks its thread for a few
 * stack samples. It says `end` when the window falls below while sampling.
 * A window rather than every bucket: on a loaded machine a thread that is
 * runnable but not running right after a zero-timeout poll counts as idle
 * (measured: one 170 ms tick read 84 ms active inside a saturated run), and
 * one such dip must not reset five seconds. A window can also average above
 * the threshold over one long stall followed by idle time; its samples then
 * land on the idle loop, carry no stack, and no event is sent.
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
  /** The last `need` buckets, oldest first, and their sums. */
  private readonly window: { gap: number; active: number }[] = [];
  private windowGap = 0;
  private windowActive = 0;
  /** The current (or last) busy run: its start, end (undefined while it lasts) and sums. */
  private busy = false;
  private runStart = 0;
  private runEnd: number | undefined;
  private runGap = 0;
  private runActive = 0;
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
    if (this.runGap === 0) return { durationMs: 0, utilization: 0 };
    return {
      durationMs: (this.runEnd ?? now) - this.runStart,
      utilization: this.runActive / this.runGap,
    };
  }

  tick(now: number, gapMs: number, activeMs: number): HotLoopChange {
    if (!(gapMs > 0)) return undefined;
    this.bucketGap += gapMs;
    this.bucketActive += Math.min(activeMs, gapMs);
    if (this.bucketGap < BUCKET_MS) return undefined;
    const bucket = { gap: this.bucketGap, active: this.bucketActive };
    this.bucketGap = 0;
    this.bucketActive = 0;
    this.window.push(bucket);
    this.windowGap += bucket.gap;
    this.windowActive += bucket.active;
    if (this.window.length > this.need) {
      const old = this.window.shift()!;
      this.windowGap -= old.gap;
      this.windowActive -= old.active;
    }
    const busy =
      this.window.length === this.need && this.windowActive / this.windowGap >= this.threshold;
    if (!busy) {
      if (this.busy) this.runEnd = now;
      this.busy = false;
      if (!this.sampling) return undefined;
      this.sampling = false;
      return 'end';
    }
    if (this.busy) {
      this.runGap += bucket.gap;
      this.runActive += bucket.active;
    } else {
      // A new run: it began with the window that first averaged above the threshold.
      this.busy = true;
      this.runStart = now - this.windowGap;
      this.runEnd = undefined;
      this.runGap = this.windowGap;
      this.runActive = this.windowActive;
    }
    if (this.sampling || now < this.nextAllowed) return undefined;
    this.sampling = true;
    return 'start';
  }

  /** An event was sent at `now`: sampling stops, and starts again no sooner than a minute later. */
  reported(now: number): void {
    this.sampling = false;
    this.nextAllowed = now + MIN_EVENT_GAP_MS;
  }
}
