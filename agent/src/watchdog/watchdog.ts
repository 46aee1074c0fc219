/**
 * The blocked-loop watchdog, main-thread side: an entry of the sampler
 * registry like any other, built through the same SamplerContext.
 *
 * The loop monitor's heartbeat (written first on every tick of the shared
 * timer, which beats at least once per threshold) lets the watchdog thread
 * see a stall while it lasts; the monitor's stall sample for each tick
 * (StallEstimator: timer lateness and the loop's active time) gives a
 * stall's full length as soon as it ends. Stalls at least the threshold
 * long are counted (loopscope.eventloop.blocks) and their durations
 * recorded (loopscope.eventloop.block.duration). When the watchdog thread
 * captured the stack during the stall, the stall is also sent as a log
 * record with that stack. Never throws into the app.
 */
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { Worker, isMainThread } from 'node:worker_threads';
import { HEARTBEAT, type LoopTick } from '../loop/loop-monitor.js';
import { report } from '../errors.js';
import { exporterLoading } from '../export/lazy-log-exporter.js';
import { describeError } from '../log.js';
import {
  ATTR,
  BLOCK_CAUSES,
  DELAY_BUCKETS_SECONDS,
  METRICS,
  SCOPE_NAME,
  type BlockCause,
} from '../names.js';
import type { Sampler, SamplerContext, SamplerFactory } from '../sampler.js';
import { VERSION } from '../version.js';
import { anatomyOf, type Anatomy } from './anatomy.js';
import { installCaptureFunction, stackBelow, type Frame } from './capture.js';
import { busyRecord } from './busy-event.js';
import { blockRecord } from './block-event.js';
import { sourceMapped } from './frames.js';
import { HotLoopDetector, MAX_SAMPLES, SAMPLE_INTERVAL_MS } from './hot-loop.js';
import { IntervalClocks, type IntervalDeltas } from './interval-clocks.js';
import { isOwnFrame, ownRoots } from './own-frames.js';
import {
  I32,
  I64,
  SHARED_BYTES,
  type NoStacksMessage,
  type WatchdogWorkerData,
} from './shared-memory.js';
import { trackRequests, type RequestContext } from './requests.js';
import { activeSpan, type SpanInfo } from './trace-context.js';

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
  /** Busy-loop stack samples taken (beside the per-minute stall captures). */
  readonly busySamples: number;
  /** Busy-loop events sent. */
  readonly busyEvents: number;
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

const NO_STATS = (): WatchdogStats => ({
  stalls: 0,
  captures: 0,
  rateLimited: 0,
  busySamples: 0,
  busyEvents: 0,
  pauseMs: summary(),
  delayMs: summary(),
});

export const NOOP_WATCHDOG: Watchdog = { stop: () => Promise.resolve(), stats: NO_STATS };

/** The watchdog as the sampler registry holds it: a Sampler with its stats. */
export interface WatchdogSampler extends Sampler {
  stats(): WatchdogStats;
}

const CAUSE_ATTRS = Object.fromEntries(
  BLOCK_CAUSES.map((cause) => [cause, { [ATTR.blockCause]: cause }]),
) as Record<BlockCause, { [ATTR.blockCause]: BlockCause }>;

/** One watchdog per process: the capture function and the inspector session are process-wide. */
const RUNNING = Symbol.for('@loopscope/agent.watchdog');
const CAPTURE_KEY = '@loopscope/agent.watchdog.capture';
/**
 * Longest wait at exit for a capture in flight to close its session. Only an
 * exit during a capture waits; 100 ms was crossed on a loaded machine (the
 * watchdog thread descheduled), 500 ms keeps the message away there too.
 */
const EXIT_WAIT_MS = 500;

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
  readonly requestsInFlight: number;
  readonly request: RequestContext | undefined;
  readonly span: SpanInfo | undefined;
}

/** A stall whose anatomy waits for its GC entries (delivered after it, by PerformanceObserver). */
interface EndedStall {
  readonly now: number;
  readonly durationMs: number;
  readonly activeMs: number;
  readonly deltas: IntervalDeltas;
  readonly captured: Captured | undefined;
}

/** Stalls waiting for the next heartbeat; more can only pile up if ticks stop, so few are kept. */
const MAX_ENDED = 8;

function start(ctx: SamplerContext): WatchdogSampler {
  const thresholdMs = ctx.options.blockThresholdMs;
  const maxCapturesPerMinute = ctx.options.blockMaxCapturesPerMinute;
  const shared = new SharedArrayBuffer(SHARED_BYTES);
  const i32 = new Int32Array(shared);
  const i64 = new BigInt64Array(shared);
  const heartbeatMs = ctx.loop.periodMs;
  const loop = ctx.loop;
  const blocks = ctx.counter(METRICS.eventloopBlocks);
  // Exported from the start at 0, so the first stall is an increase Prometheus can see.
  blocks.add(0);
  const durations = ctx.histogram(METRICS.eventloopBlockDuration, DELAY_BUCKETS_SECONDS);
  const logger = ctx.loggerProvider.getLogger(SCOPE_NAME, VERSION);
  const counts = { stalls: 0, captures: 0, busySamples: 0, busyEvents: 0 };
  const hot =
    ctx.options.hotLoopSeconds > 0
      ? new HotLoopDetector(ctx.options.hotLoopUtilization, ctx.options.hotLoopSeconds)
      : undefined;
  /** Where the agent's own code lies: samples there are left out. */
  const own = hot ? ownRoots() : [];
  /** Busy-loop samples of the current busy period, raw frames (source maps are applied when sent). */
  let samples: Frame[][] = [];
  /** Samples taken in the current busy period, empty ones included. */
  let attempts = 0;
  const pause = summary();
  const delay = summary();
  let stopped = false;
  let pending: Captured | undefined;
  const clocks = new IntervalClocks();
  const requests = trackRequests(ctx.options.blockRequestContext);
  const blockTime = ctx.counter(METRICS.eventloopBlockTime);
  for (const cause of BLOCK_CAUSES) blockTime.add(0, CAUSE_ATTRS[cause]);
  let ended: EndedStall[] = [];
  /** The tick the clocks were last read on (see tick()). */
  let clocksReadAt: number | undefined;

  // Runs inside the stall (or, with `busy`, inside a busy loop's work), from an interrupt: see capture.ts.
  function captureHere(busy?: true): void {
    try {
      if (busy === true) {
        if (attempts >= MAX_SAMPLES) return;
        const frames = stackBelow(captureHere);
        attempts++;
        counts.busySamples++;
        // Empty: the sample landed while the loop waited for I/O; it names nothing. Taken while
        // the agent's log exporter loads, or in the agent's own code: the agent's work, not the app's.
        if (frames.length > 0 && !exporterLoading() && !frames.some((f) => isOwnFrame(f, own)))
          samples.push(frames);
        return;
      }
      const start = process.hrtime.bigint();
      const frames = stackBelow(captureHere);
      const request = requests.current();
      const span = activeSpan();
      const end = process.hrtime.bigint();
      pending = {
        seq: loop.seq(),
        frames,
        pauseMs: Number(end - start) / 1e6,
        delayMs: Number(start - Atomics.load(i64, I64.requestNs)) / 1e6,
        requestsInFlight: requests.inFlight(),
        request,
        span,
      };
    } catch {
      // A stack we cannot read is a stall without a stack; the app must not notice.
    }
  }

  function send(captured: Captured, stall: EndedStall, anatomy: Anatomy | undefined): void {
    const { durationMs, now } = stall;
    const record = blockRecord({
      startEpochMs: performance.timeOrigin + now - durationMs,
      durationMs,
      thresholdMs,
      pauseMs: captured.pauseMs,
      delayMs: captured.delayMs,
      frames: captured.frames.map(sourceMapped),
      anatomy,
      requestsInFlight: captured.requestsInFlight,
      request: captured.request,
      span: captured.span,
    });
    logger.emit(record);
    counts.captures++;
    add(pause, captured.pauseMs);
    add(delay, captured.delayMs);
  }

  /** The anatomy of a stall that ended at least one heartbeat ago, counted by cause and sent. */
  function finish(stall: EndedStall): void {
    const anatomy = anatomyOf({
      wallMs: stall.durationMs,
      activeMs: stall.activeMs,
      ...stall.deltas,
      gcMs: ctx.gcPauses.within(stall.now - stall.durationMs, stall.now),
    });
    if (anatomy) {
      for (const cause of BLOCK_CAUSES) {
        const ms = anatomy.byCause[cause];
        if (ms > 0) blockTime.add(ms / 1000, CAUSE_ATTRS[cause]);
      }
    }
    if (stall.captured) send(stall.captured, stall, anatomy);
  }

  /** Sends the busy-loop event from the samples taken, if any had a stack; ends sampling. */
  function sendBusy(now: number): void {
    if (!hot) return;
    Atomics.store(i32, I32.hotSamples, 0);
    const taken = samples;
    samples = [];
    attempts = 0;
    const { durationMs, utilization } = hot.runAt(now);
    const record =
      taken.length > 0
        ? busyRecord({
            startEpochMs: performance.timeOrigin + now - durationMs,
            durationMs,
            utilization,
            thresholdUtilization: hot.threshold,
            samples: taken.map((frames) => frames.map(sourceMapped)),
          })
        : undefined;
    // Even without a record (every sample landed outside JavaScript): the bound holds either way.
    hot.reported(now);
    if (!record) return;
    logger.emit(record);
    counts.busyEvents++;
  }

  /** Follows the loop's utilization; asks the watchdog thread for samples while it stays busy. */
  function watchBusy(now: number, gapMs: number, activeMs: number): void {
    if (!hot || !worker) return;
    const change = hot.tick(now, gapMs, activeMs);
    if (change === 'start') {
      samples = [];
      attempts = 0;
      Atomics.store(i32, I32.hotSamples, MAX_SAMPLES);
      Atomics.notify(new Int32Array(loop.heartbeat), HEARTBEAT.seq);
    } else if (change === 'end' || (hot.isSampling && attempts >= MAX_SAMPLES)) {
      sendBusy(now);
    }
  }

  function finishEnded(): void {
    const done = ended;
    ended = [];
    for (const stall of done) finish(stall);
  }

  /** Each tick of the loop monitor, after its heartbeat. */
  function beat({ now, stallMs, activeMs, gapMs, seq }: LoopTick): void {
    if (stopped) return;
    const captured = pending;
    pending = undefined;
    const deltas = clocks.read();
    clocksReadAt = now;
    finishEnded();
    watchBusy(now, gapMs, activeMs);
    if (stallMs < thresholdMs) return;
    counts.stalls++;
    blocks.add(1);
    durations.record(stallMs / 1000);
    if (ended.length >= MAX_ENDED) return;
    ended.push({
      now,
      durationMs: stallMs,
      activeMs,
      deltas,
      // Taken during this interval: the stall that just ended is the one it shows.
      captured: captured?.seq === seq ? captured : undefined,
    });
  }

  const noStacks = (reason: string): void =>
    report(
      'LOOPSCOPE_AGENT_NO_STACKS',
      `blocked-loop stacks are not taken: ${reason}`,
      'watchdog.no-stacks',
    );
  let worker: Worker | undefined;
  let uninstall = (): void => {};
  // An inspector session still open at exit makes Node print "Waiting for the
  // debugger to disconnect...": no capture starts from here on, and one in flight
  // gets a moment to close its session. The thread raises `capturing` before it
  // reads `stop`, and this side the other way round, so one of the two sees the other.
  const onExit = (): void => {
    Atomics.store(i32, I32.stop, 1);
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
        heartbeat: loop.heartbeat,
        beat: HEARTBEAT,
        shared,
        i32: I32,
        i64: I64,
        thresholdMs,
        heartbeatMs,
        maxCapturesPerMinute,
        sampleIntervalMs: SAMPLE_INTERVAL_MS,
        captureKey: CAPTURE_KEY,
      },
      noStacks,
    );
    if (worker) process.on('exit', onExit);
  };
  if (maxCapturesPerMinute === 0) launch = undefined;

  return {
    name: 'watchdog',
    observes: [],
    loop: beat,
    tick(now) {
      // The loop monitor publishes no sample on its first tick: take the clocks' baseline there,
      // so that the first interval it publishes has deltas over exactly that interval.
      if (clocksReadAt !== now && !stopped) {
        clocks.read();
        clocksReadAt = now;
      }
      if (!launch || stopped) return;
      const once = launch;
      launch = undefined;
      once();
    },
    async stop() {
      if (stopped) return;
      finishEnded();
      stopped = true;
      clocks.close();
      requests.stop();
      process.off('exit', onExit);
      uninstall();
      delete (globalThis as { [RUNNING]?: true })[RUNNING];
      if (!worker) return;
      Atomics.store(i32, I32.stop, 1);
      Atomics.notify(new Int32Array(loop.heartbeat), HEARTBEAT.seq);
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
 * The watchdog's registry entry: off (undefined) when the threshold is 0 or
 * one is already running in this process.
 */
export const watchdog: SamplerFactory = (ctx) => {
  if (ctx.options.blockThresholdMs === 0) return undefined;
  const global = globalThis as { [RUNNING]?: true };
  if (global[RUNNING]) {
    report(
      'LOOPSCOPE_AGENT_WATCHDOG_ALREADY_RUNNING',
      'the blocked-loop watchdog is already running in this process',
    );
    return undefined;
  }
  const sampler = start(ctx);
  global[RUNNING] = true;
  return sampler;
};
