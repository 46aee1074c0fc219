/**
 * What the main thread and the watchdog thread share: the loop monitor's
 * heartbeat (loop/loop-monitor.ts), one SharedArrayBuffer of the watchdog's
 * own, and the settings the thread starts with. Int32 slots are the ones
 * Atomics.wait can sleep on; BigInt64 slots hold process.hrtime.bigint()
 * readings, which both threads take from the same monotonic clock.
 */
import type { HEARTBEAT } from '../loop/loop-monitor.js';

/** Int32 slot indexes. */
export const I32 = {
  /** The main thread sets 1 to stop the watchdog thread (and notifies the heartbeat's `seq`). */
  stop: 1,
  /** 1 while the watchdog thread has an inspector session open. */
  capturing: 2,
  /** Stalls the watchdog saw but did not capture: the per-minute limit was reached. */
  skipped: 3,
  /**
   * Busy-loop stack samples still wanted: the main thread sets it while the
   * loop stays busy (watchdog/hot-loop.ts), the watchdog thread takes one
   * every ~sampleIntervalMs and decrements it. Not counted in the per-minute
   * limit of stall captures: bounded on its own (hot-loop.ts).
   */
  hotSamples: 4,
} as const;

/** BigInt64 slot indexes (8-byte units, after the Int32 slots). */
export const I64 = {
  /** hrtime (ns) at which the watchdog asked the main thread for its stack. */
  requestNs: 3,
} as const;

export const SHARED_BYTES = 32;

export interface WatchdogWorkerData {
  /** The loop monitor's heartbeat and its slots. */
  readonly heartbeat: SharedArrayBuffer;
  readonly beat: typeof HEARTBEAT;
  readonly shared: SharedArrayBuffer;
  readonly i32: typeof I32;
  readonly i64: typeof I64;
  readonly thresholdMs: number;
  readonly heartbeatMs: number;
  readonly maxCapturesPerMinute: number;
  /** Mean ms between two busy-loop samples. */
  readonly sampleIntervalMs: number;
  /** `Symbol.for()` key of the capture function on the main thread's globalThis. */
  readonly captureKey: string;
}

/** The one message the watchdog thread sends: why it stopped taking stacks. */
export interface NoStacksMessage {
  readonly type: 'no-stacks';
  readonly reason: string;
}
