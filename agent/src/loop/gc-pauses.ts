/**
 * The most recent GC pauses on the main thread, each by its start and
 * duration on the performance.now() clock, as the GC sampler sees them
 * (every entry of every PerformanceObserver batch). The watchdog reads it to
 * tell how much of a stall was GC. A fixed ring: memory stays bounded
 * however fast the app collects garbage.
 */

/** Pauses kept: at ~1,000 minor GCs a second under load, the last second or more. */
const CAPACITY = 1024;

export class GcPauses {
  private readonly start = new Float64Array(CAPACITY);
  private readonly duration = new Float64Array(CAPACITY);
  private next = 0;
  private filled = 0;

  add(startMs: number, durationMs: number): void {
    this.start[this.next] = startMs;
    this.duration[this.next] = durationMs;
    this.next = (this.next + 1) % CAPACITY;
    if (this.filled < CAPACITY) this.filled++;
  }

  /** GC time inside [fromMs, toMs], ms: each pause clipped to the window. */
  within(fromMs: number, toMs: number): number {
    let total = 0;
    for (let i = 0; i < this.filled; i++) {
      const start = this.start[i]!;
      const end = start + this.duration[i]!;
      const overlap = Math.min(end, toMs) - Math.max(start, fromMs);
      if (overlap > 0) total += overlap;
    }
    return total;
  }
}
