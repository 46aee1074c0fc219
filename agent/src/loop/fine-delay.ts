/**
 * A fine clock for busy intervals. With more than MAX_ITERATIONS_FOR_ACTIVE
 * loop iterations between two ticks, active time no longer isolates a stall
 * and the tick's lateness is short by up to the tick period (a real k6 run at
 * 110 req/s read its 150 ms blocks as 124-135 ms). While the loop is that
 * busy, libuv's own delay timer (`monitorEventLoopDelay`, no JavaScript per
 * fire, unref'd) runs at FINE_RESOLUTION_MS: its longest gap between fires,
 * less the resolution, is a stall short by at most the resolution. An idle or lightly loaded
 * loop never pays for it (timer wake-ups are what cost on idle processes).
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

export const FINE_RESOLUTION_MS = 10;

export class FineDelay {
  private histogram: IntervalHistogram | undefined;
  private on = false;
  /**
   * The fine timer's fires so far. Each is a loop iteration of its own: left
   * in the count, ten of them per 100 ms tick would make every interval look
   * busy and keep the timer running on an idle loop for good.
   */
  fires = 0;

  /**
   * The longest gap between the fine timer's fires since the last call, ms;
   * undefined unless it ran for that whole interval (armed at an earlier tick).
   */
  take(): number | undefined {
    const h = this.histogram;
    if (!h || !this.on) return undefined;
    this.fires += h.count;
    const max = h.count > 0 ? h.max / 1e6 : undefined;
    h.reset();
    return max;
  }

  /** Runs the fine timer from now on while `busy`, stops it otherwise. */
  arm(busy: boolean): void {
    if (busy === this.on) return;
    this.on = busy;
    if (busy) {
      this.histogram ??= monitorEventLoopDelay({ resolution: FINE_RESOLUTION_MS });
      this.histogram.reset();
      this.histogram.enable();
    } else {
      this.histogram?.disable();
    }
  }
}
