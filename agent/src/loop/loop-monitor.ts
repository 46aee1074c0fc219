/**
 * The agent's one view of the main event loop. On every tick of the shared
 * timer it first writes a heartbeat into shared memory (so the watchdog
 * thread can see a stall while it lasts), then reads the loop's clocks once
 * and turns them into one stall sample with the one StallEstimator, and
 * publishes that sample to its consumers (the delay histogram, the
 * watchdog). The heartbeat comes before any other work of the tick by
 * construction: a stack the watchdog thread captures during the tick's own
 * work carries the new heartbeat number and belongs to no stall.
 */
import { readLoop } from './loop-reading.js';
import { FineDelay } from './fine-delay.js';
import { MAX_ITERATIONS_FOR_ACTIVE, StallEstimator } from './stall-estimator.js';

/** One tick's view of the loop. */
export interface LoopTick {
  /** performance.now() of the tick. */
  readonly now: number;
  /** The stall sample for the interval that ended at this tick, ms (StallEstimator). */
  readonly stallMs: number;
  /** Wall time since the previous tick, ms. */
  readonly gapMs: number;
  /** Loop time outside the kernel poll in that interval, minus the agent's own, ms. */
  readonly activeMs: number;
  /** The heartbeat number the interval began with (see HEARTBEAT). */
  readonly seq: number;
}

export type LoopListener = (tick: LoopTick) => void;

/** Slots of the heartbeat's SharedArrayBuffer. */
export const HEARTBEAT = {
  /** Int32 slot: heartbeats so far; incremented after `beatNs` is written. */
  seq: 0,
  /** BigInt64 slot: process.hrtime.bigint() of the last heartbeat. */
  beatNs: 1,
  bytes: 16,
} as const;

export class LoopMonitor {
  /** Read by the watchdog thread with Atomics; see HEARTBEAT. */
  readonly heartbeat = new SharedArrayBuffer(HEARTBEAT.bytes);
  private readonly i32 = new Int32Array(this.heartbeat);
  private readonly i64 = new BigInt64Array(this.heartbeat);
  private readonly estimator: StallEstimator;
  private readonly listeners: LoopListener[] = [];
  private prevNow: number | undefined;
  private prevActive = 0;
  private prevSelf = 0;
  private prevIterations: number | undefined;
  private readonly fine = new FineDelay();

  constructor(readonly periodMs: number) {
    this.estimator = new StallEstimator(periodMs);
  }

  /** Listeners must not throw; wrap them before adding. */
  subscribe(listener: LoopListener): void {
    this.listeners.push(listener);
  }

  /** The current heartbeat number (also readable from inside a stall). */
  seq(): number {
    return Atomics.load(this.i32, HEARTBEAT.seq);
  }

  get size(): number {
    return this.listeners.length;
  }

  /** Stops the fine clock (the heartbeat stops with the ticker that calls tick). */
  stop(): void {
    this.fine.arm(false);
  }

  tick(now: number): void {
    const seq = Atomics.load(this.i32, HEARTBEAT.seq);
    Atomics.store(this.i64, HEARTBEAT.beatNs, process.hrtime.bigint());
    Atomics.store(this.i32, HEARTBEAT.seq, seq + 1);
    const read = readLoop(now);
    if (!read) return;
    const fineMaxMs = this.fine.take();
    // The loop's iterations without the fine timer's own (see FineDelay.fires).
    const iterations =
      read.iterations === undefined ? undefined : read.iterations - this.fine.fires;
    const reading = { ...read, iterations, fineMaxMs };
    const stallMs = this.estimator.sample(reading);
    // The fine clock runs over the next interval only if this one was busy (see fine-delay.ts).
    const prevIterations = this.prevIterations;
    this.prevIterations = reading.iterations;
    this.fine.arm(
      reading.iterations !== undefined &&
        prevIterations !== undefined &&
        reading.iterations - prevIterations > MAX_ITERATIONS_FOR_ACTIVE,
    );
    const prevNow = this.prevNow;
    const gapMs = prevNow === undefined ? 0 : now - prevNow;
    const activeMs = Math.min(
      gapMs,
      Math.max(0, reading.activeMs - this.prevActive - (reading.selfMs - this.prevSelf)),
    );
    this.prevNow = now;
    this.prevActive = reading.activeMs;
    this.prevSelf = reading.selfMs;
    if (stallMs === undefined) return;
    const tick: LoopTick = { now, stallMs, gapMs, activeMs, seq };
    for (const listener of this.listeners) listener(tick);
  }
}
