/**
 * The blocked-loop watchdog, main-thread side.
 *
 * Every heartbeat (the agent's shared tick when it is at most the threshold,
 * else an unref'd timer at the threshold) stores the time into shared
 * memory, so the watchdog thread can see a stall while it lasts, and
 * measures the interval since the previous heartbeat with the agent's
 * StallEstimator (timer lateness and the loop's active time), so a stall's
 * full length is known as soon as it ends. Stalls at least the threshold
 * long are counted (loopscope.eventloop.blocks) and their durations
 * recorded (loopscope.eventloop.block.duration). When the watchdog thread
 * captured the stack during the stall, the stall is also sent as a log
 * record with that stack. Never throws into the app.
 */
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { Worker, isMainThread } from 'node:worker_threads';
import type { Meter } from '@opentelemetry/api';
import { logs, type LoggerProvider } from '@opentelemetry/api-logs';
import { describeError, log } from '../log.js';
import { DELAY_BUCKETS_SECONDS, METRICS, SCOPE_NAME } from '../names.js';
import { readLoop } from '../samplers/loop-reading.js';
import { StallEstimator } from '../samplers/stall-estimator.js';
import { VERSION } from '../version.js';
import { installCaptureFunction, stackBelow, type Frame } from './capture.js';
import { blockRecord } from './event.js';
import { sourceMapped } from './frames.js';
import { I32, I64, SHARED_BYTES, type NoStacksMessage, type WatchdogWorkerData } from './layout.js';
import { resolveBlockOptions, type BlockOptions, type ResolvedBlockOptions } from './options.js';

/** A periodic tick to beat on instead of a timer of our own (the agent's shared Ticker). */
export interface TickSource {
  readonly periodMs: number;
  add(listener: (now: number) => void): void;
}

export interface Summary {
  readonly last: number;
  readonly max: number;
  readonly total: number;
}

export interface WatchdogStats {
  /** Stalls at least the threshold long. */
  readonly stalls: number;
  /** Stalls sent as events with their stack. */
  readonly captures: number;
  /** Stalls the watchdog thread did not capture because the per-minute limit was reached. */
  readonly rateLimited: number;
  /** Main-thread time each capture sent took, ms. */
  readonly pauseMs: Summary;
  /** From the watchdog's request to each capture sent running on the main thread, ms. */
  readonly delayMs: Summary;
}

export interface Watchdog {
  /** Stops the heartbeat and the watchdog thread. Never rejects. */
  stop(): Promise<void>;
  stats(): WatchdogStats;
}

const summary = (): { last: number; max: number; total: number } => ({ last: 0, max: 0, total: 0 });

function add(to: { last: number; max: number; total: number }, value: number): void {
  to.last = value;
  to.max = Math.max(to.max, value);
  to.total += value;
}

const NOOP: Watchdog = {
  stop: () => Promise.resolve(),
  stats: () => ({ stalls: 0, captures: 0, rateLimited: 0, pauseMs: summary(), delayMs: summary() }),
};

/** One watchdog per process: the capture function and the inspector session are process-wide. */
const RUNNING = Symbol.for('@loopscope/agent.watchdog');
const CAPTURE_KEY = '@loopscope/agent.watchdog.capture';
/** Longest wait at exit for a capture in flight to close its session. */
const EXIT_WAIT_MS = 100;

/** Why stacks cannot be taken here, or undefined when they can. */
function whyNoStacks(): string | undefined {
  if (!isMainThread)
    return 'the watchdog runs in a worker thread; stacks are taken of the main thread only';
  if (!process.features.inspector) return 'this Node.js is built without the inspector';
  try {
    const inspector = createRequire(import.meta.url)(
      'node:inspector',
    ) as typeof import('node:inspector');
    const url = inspector.url();
    if (url) return `the inspector is already in use (open at ${url} for a debugger)`;
  } catch (err) {
    return `the inspector is unavailable (${describeError(err)})`;
  }
  return undefined;
}

function startWorker(
  data: WatchdogWorkerData,
  noStacks: (reason: string) => void,
): Worker | undefined {
  try {
    const worker = new Worker(new URL('./worker.cjs', import.meta.url), {
      workerData: data,
      // Without this the thread would inherit `--import @loopscope/agent/register` and friends.
      execArgv: [],
      resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 2 },
    });
    worker.on('message', (message: NoStacksMessage) => noStacks(message.reason));
    worker.on('error', (err) => noStacks(`the watchdog thread failed (${describeError(err)})`));
    // After the listeners: adding a 'message' listener refs the worker again.
    worker.unref();
    return worker;
  } catch (err) {
    noStacks(`the watchdog thread cannot start (${describeError(err)})`);
    return undefined;
  }
}

/** A stack the watchdog thread captured, and the heartbeat it was taken after. */
interface Captured {
  readonly seq: number;
  readonly frames: Frame[];
  readonly pauseMs: number;
  readonly delayMs: number;
}

function start(
  options: ResolvedBlockOptions,
  meter: Meter,
  loggerProvider: LoggerProvider,
  tick: TickSource | undefined,
): Watchdog {
  const thresholdMs = options.thresholdMs;
  const shared = new SharedArrayBuffer(SHARED_BYTES);
  const i32 = new Int32Array(shared);
  const i64 = new BigInt64Array(shared);
  const heartbeatMs = tick && tick.periodMs <= thresholdMs ? tick.periodMs : thresholdMs;
  const estimator = new StallEstimator(heartbeatMs);
  const blocks = meter.createCounter(METRICS.eventloopBlocks.name, {
    unit: METRICS.eventloopBlocks.unit,
    description: METRICS.eventloopBlocks.description,
  });
  // Exported from the start at 0, so the first stall is an increase Prometheus can see.
  blocks.add(0);
  const durations = meter.createHistogram(METRICS.eventloopBlockDuration.name, {
    unit: METRICS.eventloopBlockDuration.unit,
    description: METRICS.eventloopBlockDuration.description,
    advice: { explicitBucketBoundaries: [...DELAY_BUCKETS_SECONDS] },
  });
  const logger = loggerProvider.getLogger(SCOPE_NAME, VERSION);
  const counts = { stalls: 0, captures: 0 };
  const pause = summary();
  const delay = summary();
  let stopped = false;
  let pending: Captured | undefined;

  // Runs inside the stall, from an interrupt: see capture.ts.
  function captureHere(): void {
    try {
      const start = process.hrtime.bigint();
      const frames = stackBelow(captureHere);
      const end = process.hrtime.bigint();
      pending = {
        seq: Atomics.load(i32, I32.seq),
        frames,
        pauseMs: Number(end - start) / 1e6,
        delayMs: Number(start - Atomics.load(i64, I64.requestNs)) / 1e6,
      };
    } catch {
      // A stack we cannot read is a stall without a stack; the app must not notice.
    }
  }

  function send(captured: Captured, durationMs: number, now: number): void {
    const record = blockRecord({
      startEpochMs: performance.timeOrigin + now - durationMs,
      durationMs,
      thresholdMs,
      pauseMs: captured.pauseMs,
      delayMs: captured.delayMs,
      frames: captured.frames.map(sourceMapped),
    });
    logger.emit(record);
    counts.captures++;
    add(pause, captured.pauseMs);
    add(delay, captured.delayMs);
  }

  function beat(now: number): void {
    if (stopped) return;
    try {
      if (launch) {
        const once = launch;
        launch = undefined;
        once();
      }
      const seq = Atomics.load(i32, I32.seq);
      Atomics.store(i64, I64.beatNs, process.hrtime.bigint());
      Atomics.store(i32, I32.seq, seq + 1);
      const captured = pending;
      pending = undefined;
      const reading = readLoop(now);
      const durationMs = reading && estimator.sample(reading);
      if (durationMs === undefined || durationMs < thresholdMs) return;
      counts.stalls++;
      blocks.add(1);
      durations.record(durationMs / 1000);
      // Taken during this interval: the stall that just ended is the one it shows.
      if (captured?.seq === seq) send(captured, durationMs, now);
    } catch (err) {
      log.once('watchdog.beat', 'warn', `blocked-loop watchdog failed: ${describeError(err)}`);
    }
  }

  const noStacks = (reason: string): void =>
    log.once(
      'watchdog.no-stacks',
      'warn',
      `blocked-loop stacks are not taken: ${reason}; stalls are still measured`,
    );
  let worker: Worker | undefined;
  let uninstall = (): void => {};
  // An inspector session still open at exit makes Node print "Waiting for the
  // debugger to disconnect...": give a capture in flight a moment to close it.
  const onExit = (): void => {
    if (Atomics.load(i32, I32.capturing) === 1) Atomics.wait(i32, I32.capturing, 1, EXIT_WAIT_MS);
  };
  /**
   * Starts the watchdog thread. Run on the first heartbeat, once the app's
   * loop runs, not at start: the thread is armed from then on anyway, and
   * the app's start-up (and registerLoopscopeMetrics) stays quick.
   */
  let launch: (() => void) | undefined = () => {
    const reason = whyNoStacks();
    if (reason) return noStacks(reason);
    uninstall = installCaptureFunction(CAPTURE_KEY, captureHere);
    worker = startWorker(
      {
        shared,
        i32: I32,
        i64: I64,
        thresholdMs,
        heartbeatMs,
        maxCapturesPerMinute: options.maxCapturesPerMinute,
        captureKey: CAPTURE_KEY,
      },
      noStacks,
    );
    if (worker) process.on('exit', onExit);
  };
  if (options.maxCapturesPerMinute === 0) launch = undefined;

  let timer: NodeJS.Timeout | undefined;
  if (tick && heartbeatMs === tick.periodMs) tick.add(beat);
  else {
    timer = setInterval(() => beat(performance.now()), heartbeatMs);
    timer.unref();
  }

  return {
    async stop() {
      if (stopped) return;
      stopped = true;
      if (timer) clearInterval(timer);
      process.off('exit', onExit);
      uninstall();
      delete (globalThis as { [RUNNING]?: true })[RUNNING];
      if (!worker) return;
      Atomics.store(i32, I32.stop, 1);
      Atomics.notify(i32, I32.seq);
      try {
        await worker.terminate();
      } catch {
        // Already gone.
      }
    },
    stats: () => ({
      ...counts,
      rateLimited: Atomics.load(i32, I32.skipped),
      pauseMs: { ...pause },
      delayMs: { ...delay },
    }),
  };
}

/**
 * Starts the blocked-loop watchdog on `meter` (metrics) and `loggerProvider`
 * (events; the global one, a no-op unless the app registered one, when not
 * given). Invalid options are reported once and leave it off.
 */
export function startWatchdog(
  options: BlockOptions | undefined,
  meter: Meter,
  loggerProvider?: LoggerProvider,
  tick?: TickSource,
): Watchdog {
  const global = globalThis as { [RUNNING]?: true };
  try {
    const resolved = resolveBlockOptions(options);
    if (resolved.thresholdMs === 0) return NOOP;
    if (global[RUNNING]) {
      log.warn('the blocked-loop watchdog is already running in this process');
      return NOOP;
    }
    const watchdog = start(resolved, meter, loggerProvider ?? logs.getLoggerProvider(), tick);
    global[RUNNING] = true;
    return watchdog;
  } catch (err) {
    log.error(`${describeError(err)}; the blocked-loop watchdog is off`);
    return NOOP;
  }
}
